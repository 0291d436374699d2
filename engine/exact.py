"""The exact rational type of the evaluation (indices, weights, shares, thresholds).

``quicktions.Fraction`` (a compiled implementation of the standard library's ``fractions.Fraction``, same
semantics and API, exact like it) where it is installed, else ``fractions.Fraction``. Measured on the bundled
examples (benchmarks/RESULTS.md, session 6): additions and multiplications about 8 times faster, the same results
to the last digit. Every module of the engine takes ``Fraction`` from here, so that no arithmetic mixes the two
types (a mixed operation would fall back to the slower one, still exact). Types are checked against the standard
library's class, whose interface both share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction
else:
    try:
        from quicktions import Fraction
    except ImportError:  # pragma: no cover - the dependency is declared; the standard library is the fallback
        from fractions import Fraction

__all__ = ["Fraction"]
