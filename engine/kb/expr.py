"""Threshold expressions of the benchmark tables: a constant or a linear formula in the layer term ``n``.

The index system writes multilayer thresholds as ``0.23+0.12n``; what ``n`` means (layers beyond two, or the
total layer count) is declared by each benchmark set, never assumed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["LinearExpr", "parse_linear"]

_NUM = r"\d+(?:\.\d+)?"
_PATTERN = re.compile(
    rf"^\s*(?P<base>{_NUM})\s*(?:(?P<sign>[+-])\s*(?P<slope>{_NUM})?\s*\*?\s*n)?\s*$"
    rf"|^\s*(?P<slope_only>{_NUM})?\s*\*?\s*n\s*$"
)


@dataclass(frozen=True)
class LinearExpr:
    """``base + slope * n`` with exact decimal coefficients."""

    base: Decimal
    slope: Decimal = Decimal(0)
    text: str = ""

    def at(self, n: int | Decimal) -> Decimal:
        return self.base + self.slope * Decimal(n)

    @property
    def depends_on_n(self) -> bool:
        return self.slope != 0

    def __str__(self) -> str:
        if self.text:
            return self.text
        if not self.slope:
            return f"{self.base}"
        sign = "+" if self.slope > 0 else "-"
        return f"{self.base}{sign}{abs(self.slope)}n"


def parse_linear(raw: object) -> LinearExpr:
    """Parse ``5``, ``0.05``, ``"55+5n"``, ``"0.23 + 0.12n"``, ``"90-2n"`` into a :class:`LinearExpr`.

    Raises ``ValueError`` naming the accepted forms.
    """
    if isinstance(raw, bool):
        raise ValueError("a threshold must be a number or a formula like '0.23+0.12n', not a boolean")
    if isinstance(raw, int | float | Decimal):
        try:
            return LinearExpr(Decimal(str(raw)), Decimal(0), str(raw))
        except InvalidOperation as exc:  # pragma: no cover - str() of a number always parses
            raise ValueError(f"not a number: {raw!r}") from exc
    if not isinstance(raw, str):
        raise ValueError(f"a threshold must be a number or a formula like '0.23+0.12n', got {type(raw).__name__}")
    match = _PATTERN.match(raw)
    if not match:
        raise ValueError(f"cannot read threshold {raw!r}; write a number ('0.4') or 'a+bn' / 'a-bn' ('0.23+0.12n')")
    text = re.sub(r"\s+", "", raw)
    if match.group("base") is not None:
        base = Decimal(match.group("base"))
        slope = Decimal(0)
        if match.group("sign"):
            slope = Decimal(match.group("slope") or "1")
            if match.group("sign") == "-":
                slope = -slope
        return LinearExpr(base, slope, text)
    return LinearExpr(Decimal(0), Decimal(match.group("slope_only") or "1"), text)
