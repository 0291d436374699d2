"""Magnitude bounds on every number of a self-inspection, so that a value validation accepts is one the engine can
plan with.

These are limits of the arithmetic, not facts about factories: the evaluation rounds with Python's decimal
context (28 significant digits) and durable_rules reads numbers below 1e16 only (its JSON reader refuses exponent
notation). A quantity's value in its canonical unit must be 0 or between :data:`MIN_MAGNITUDE` and
:data:`MAX_MAGNITUDE`, so that a ratio of two of them (an intensity, a rate, also per kg) stays below 1e15;
concentrations stay at most :data:`MAX_CONCENTRATION` mg/L (one kilogram per litre) and 0 or at least
:data:`MIN_CONCENTRATION` mg/L (trace metals are monitored in µg/L), and areas 0 or at least
:data:`MIN_AREA` m², so that a load per area (concentration times volume over output) does too. Every other
number (answers, prices, counts) keeps within the same range. These are explicit, adjustable parameters of the
service; no real plant comes near them. tests/api/test_robustness.py plans every example with each number at its
bound.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from engine.intake.issues import InputIssue
from engine.intake.rawinput import Chain, path_of

__all__ = ["MAX_CONCENTRATION", "MAX_MAGNITUDE", "MIN_CONCENTRATION", "MIN_MAGNITUDE", "bound_issues", "number_issue"]

MAX_MAGNITUDE = Decimal("1e11")  # a unit slip (MWh for kWh) stays inside, so the intake can warn of it
MIN_MAGNITUDE = Decimal("1e-3")
MAX_CONCENTRATION = Decimal("1e6")  # mg/L
MIN_CONCENTRATION = Decimal("1e-6")  # mg/L: trace metals are reported in µg/L and below
MIN_AREA = Decimal(1)  # m2: output per area is the denominator of most intensities


def number_issue(
    path: str, value: Decimal | int, canonical: Decimal | None = None, *, kind: str = ""
) -> InputIssue | None:
    """The issue if ``value`` (``canonical``: the same in its kind's canonical unit) is outside the bounds."""
    number = Decimal(canonical if canonical is not None else value)
    if not number.is_finite():
        return InputIssue(path, "number_not_finite", "the number must be finite", "数字必须是有限值")
    size = abs(number)
    top = MAX_CONCENTRATION if kind == "concentration" else MAX_MAGNITUDE
    if size > top:
        unit = " mg/L" if kind == "concentration" else ""
        return InputIssue(
            path,
            "number_too_large",
            f"the number {value} is too large: at most {top:,.0f}{unit} in magnitude is accepted",
            f"数字 {value} 过大：绝对值至多 {top:,.0f}{unit}",
        )
    bottom = MIN_AREA if kind == "area" else MIN_CONCENTRATION if kind == "concentration" else MIN_MAGNITUDE
    if size and size < bottom:
        unit = " m2" if kind == "area" else ""
        return InputIssue(
            path,
            "number_too_small",
            f"the number {value} is too small: 0 or at least {bottom}{unit} in magnitude is accepted",
            f"数字 {value} 过小：应为 0 或绝对值至少 {bottom}{unit}",
        )
    return None


_SHAPES: dict[type, tuple[bool, tuple[str, ...]]] = {}


def _shape(cls: type[BaseModel]) -> tuple[bool, tuple[str, ...]]:
    """Whether a model class is a quantity (``value`` with ``canonical()`` and ``_kind()``), and its fields; looked
    up once per class (an attribute a pydantic model lacks costs an exception each time it is asked for)."""
    found = _SHAPES.get(cls)
    if found is None:
        quantity = callable(getattr(cls, "canonical", None)) and callable(getattr(cls, "_kind", None))
        found = _SHAPES[cls] = (quantity, tuple(cls.model_fields))
    return found


def _walk(node: Any, chain: Chain, out: list[InputIssue]) -> None:
    """Append every number of ``node`` outside the bounds (its path written out only then)."""
    if node is None or isinstance(node, str):  # most leaves
        return
    if isinstance(node, BaseModel):
        quantity, fields = _shape(type(node))
        if quantity:
            value = getattr(node, "value", None)
            if isinstance(value, Decimal):
                found = number_issue("", value, node.canonical(), kind=node._kind())  # type: ignore[attr-defined]
                if found:
                    out.append(replace(found, path=path_of((chain, "value"))))
                return
        for name in fields:
            _walk(getattr(node, name), (chain, name), out)
    elif isinstance(node, dict):
        for key, value in node.items():
            _walk(value, (chain, key), out)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            _walk(value, (chain, i), out)
    elif isinstance(node, Decimal | int) and not isinstance(node, bool):
        found = number_issue("", node)
        if found:
            out.append(replace(found, path=path_of(chain)))


def bound_issues(model: BaseModel) -> list[InputIssue]:
    """Every number of a parsed self-inspection outside the bounds, with its field path."""
    out: list[InputIssue] = []
    _walk(model, None, out)
    return out
