"""JSON text written fast and the same as the standard library writes it.

``orjson`` writes in C what ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` writes, three to four
times faster on a plan of a few hundred KB, except in three cases, where the standard library writes the text:

- a key that is not a string, an integer beyond 64 bits or a type orjson does not know: orjson refuses;
- a float below 1e-4 in magnitude: orjson writes ``0.00001`` and ``1.2e-7`` where ``json`` writes ``1e-05`` and
  ``1.2e-07``; a text holding such a number is written again by ``json`` (also when the match was inside a
  string: the fallback is always right, only slower);
- a float that is not finite: orjson writes ``null`` where ``json`` with ``allow_nan=False`` refuses; no plan or
  record can hold one (the engine's decimals refuse invalid operations and the input bounds keep every magnitude
  far below a float's range, engine/intake/bounds.py), so this one is not checked.

Equal text is tested on every bundled plan and self-inspection, on edge cases and on generated values
(tests/test_jsontext.py): stored plans and their hashes (``plan_sha256``) do not depend on which writer wrote them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency (pyproject.toml); the standard library is the fallback
    orjson = None  # type: ignore[assignment]

__all__ = ["compact", "sorted_compact"]

# how orjson writes a float that json writes otherwise: 0.00001 (json: 1e-05), 1.2e-7 (json: 1.2e-07); each pattern
# begins with its literal text, which the regular expression engine finds fast, and the digit before is checked apart
_POSITIONAL = re.compile(r"0\.0000\d")
_SHORT_EXPONENT = re.compile(r"e-\d(?!\d)")


def _orjson_differs(text: str) -> bool:
    for pattern, digit_before in ((_POSITIONAL, False), (_SHORT_EXPONENT, True)):
        for match in pattern.finditer(text):
            at = match.start()
            if (at > 0 and text[at - 1].isdigit()) == digit_before:
                return True
    return False


_PASSTHROUGH = (
    0 if orjson is None else orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS  # as json: default
)


def _fast(data: Any, default: Callable[[Any], Any] | None, option: int) -> str | None:
    """orjson's text, or None where it refuses or would write otherwise than ``json``."""
    if orjson is None:
        return None
    try:
        text: str = orjson.dumps(data, default=default, option=_PASSTHROUGH | option).decode()
    except TypeError:  # orjson.JSONEncodeError: a key not a string, a big integer, an unknown type
        return None
    return None if _orjson_differs(text) else text


def compact(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)``."""
    fast = _fast(data, None, 0)
    return fast if fast is not None else json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def sorted_compact(data: Any, default: Callable[[Any], Any]) -> str:
    """``json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)``."""
    fast = _fast(data, default, orjson.OPT_SORT_KEYS if orjson is not None else 0)
    if fast is not None:
        return fast
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)
