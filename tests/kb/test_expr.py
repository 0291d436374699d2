from __future__ import annotations

from decimal import Decimal

import pytest

from engine.kb.expr import parse_linear


@pytest.mark.parametrize(
    ("raw", "base", "slope"),
    [
        ("5", "5", "0"),
        (0.05, "0.05", "0"),
        (25, "25", "0"),
        ("0.23+0.12n", "0.23", "0.12"),
        ("55 + 5n", "55", "5"),
        ("90-2n", "90", "-2"),
        ("10.53+5.265n", "10.53", "5.265"),
        ("12n", "0", "12"),
    ],
)
def test_parse_forms(raw: object, base: str, slope: str) -> None:
    expr = parse_linear(raw)
    assert expr.base == Decimal(base)
    assert expr.slope == Decimal(slope)


def test_evaluates_exactly() -> None:
    assert parse_linear("0.23+0.12n").at(3) == Decimal("0.59")
    assert parse_linear("0.1").at(0) + parse_linear("0.2").at(0) == Decimal("0.3")


@pytest.mark.parametrize("raw", ["", "n+5", "5+n2", "abc", "5x", True, None, [1]])
def test_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match="threshold"):
        parse_linear(raw)
