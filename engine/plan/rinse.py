"""The dilution relation of rinsing: the rinse flow Q per unit drag-out K that holds the final rinse at Cn when
the bath is at Cp (r = Cp / Cn), for each tank layout. Steady-state mass balances of ideally mixed tanks:

- one overflow rinse: Cn = Cp K / (Q + K), so Q/K = r - 1;
- n tanks in series, each fed fresh water at Q/n (the "parallel" rinses of the manual): each tank dilutes by
  (Q/n + K) / K, so Q/K = n (r^(1/n) - 1);
- n-stage counter-current: fresh water enters the last tank and flows back; with x = Q/K the balance gives
  r = 1 + x + x² + ... + xⁿ (the source's approximation is Q/K ≈ r^(1/n) + 1/n, REMCO_AN2).

These are physics, not figures about the world: the only inputs are r and the layout.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = ["flow_factor", "layout_of"]


@lru_cache(maxsize=4096)  # a pure function of (n, r), asked for again on every line and plan of the same layout
def _counter_current(n: int, r: float) -> float:
    """x = Q/K solving 1 + x + ... + xⁿ = r, by bisection (the left side rises with x)."""
    if r <= 1:
        return 0.0
    lo, hi = 0.0, max(1.0, r)
    for _ in range(200):
        mid = (lo + hi) / 2
        total = sum(mid**i for i in range(n + 1))
        if total < r:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def flow_factor(layout: str, stages: int, ratio: Decimal) -> Decimal:
    """Q/K for ``stages`` tanks laid out as ``layout`` (single, parallel, counter_current) at dilution ``ratio``."""
    r = float(ratio)
    n = max(int(stages), 1)
    if layout == "single" or n == 1:
        value = r - 1
    elif layout == "parallel":
        value = n * (r ** (1.0 / n) - 1)
    elif layout == "counter_current":
        value = _counter_current(n, r)
    else:
        raise ValueError(f"unknown rinse layout {layout!r}")
    return Decimal(str(round(value, 6)))


def layout_of(answers: dict[str, Any]) -> tuple[str, int] | None:
    """The line's rinse layout from its answers (q_rinse_type, q_rinse_stages), or None when it cannot be told.

    A once-through spray rinse is taken as one overflow rinse (its water meets the panel once); "none" and zero
    stages mean there is no rinse to improve (None)."""
    kind = answers.get("q_rinse_type")
    stages = answers.get("q_rinse_stages")
    n = int(stages) if isinstance(stages, int | Decimal) and not isinstance(stages, bool) else None
    if kind == "none" or n == 0:
        return None
    if kind in ("single_overflow", "spray_once_through"):
        return "single", 1
    if kind == "parallel":
        return ("parallel", n) if n and n > 1 else ("single", 1)
    if kind == "counter_current":
        return ("counter_current", n) if n and n > 1 else ("single", 1)
    return None
