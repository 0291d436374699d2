"""Quantities of a self-inspection: ``{"value": <number or "unknown">, "unit": <unit>}`` of one kind each.

"unknown" (also written 未知, 不详 or 不清楚) is a legal value; whatever depends on it is reported as insufficient
data. Units are those of :mod:`engine.intake.units`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from engine.intake.messages import invalid
from engine.intake.units import UNITS, to_canonical

__all__ = [
    "UNKNOWN_WORDS",
    "Area",
    "AreaWeight",
    "Concentration",
    "Energy",
    "Mass",
    "Model",
    "Money",
    "NumberOrUnknown",
    "Percent",
    "Volume",
    "is_unknown_word",
]

# what an enterprise may write for "unknown"; they all become "unknown"
UNKNOWN_WORDS = frozenset({"unknown", "未知", "不详", "不清楚", "不知道"})


def is_unknown_word(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in UNKNOWN_WORDS


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _number(raw: object) -> object:
    if isinstance(raw, bool):
        invalid("number_type", "expected a number or 'unknown', got a boolean", "应为数字或“未知”，不能是 是/否")
    if isinstance(raw, float | int):
        return Decimal(str(raw))
    if is_unknown_word(raw):
        return "unknown"
    return raw


NumberOrUnknown = Annotated[Decimal | Literal["unknown"], BeforeValidator(_number)]


class _Quantity(Model):
    """A measured quantity with its unit."""

    value: NumberOrUnknown
    unit: str

    @model_validator(mode="after")
    def _check(self) -> _Quantity:
        kind = self._kind()
        if self.unit not in UNITS[kind]:
            allowed = sorted(UNITS[kind])
            invalid(
                "unit",
                f"unit {self.unit!r} is not a unit of {kind}; use one of {allowed}",
                f"单位 {self.unit!r} 不是{kind}的单位，应为 {allowed} 之一",
            )
        if self.value != "unknown" and isinstance(self.value, Decimal) and self.value < 0:
            invalid("negative", "a quantity cannot be negative", "数量不能为负数")
        return self

    @classmethod
    def _kind(cls) -> str:
        raise NotImplementedError  # pragma: no cover - every subclass names its kind

    @property
    def known(self) -> bool:
        return self.value != "unknown"

    def canonical(self) -> Decimal | None:
        """The value in the canonical unit of its kind, or None when unknown."""
        if not isinstance(self.value, Decimal):
            return None
        return to_canonical(self._kind(), self.value, self.unit)


class Energy(_Quantity):
    """kWh, MWh or 10^4kWh (万千瓦时)."""

    unit: Literal["kWh", "MWh", "10^4kWh"]

    @classmethod
    def _kind(cls) -> str:
        return "energy"


class Volume(_Quantity):
    """m3, t (of water) or 10^4m3."""

    unit: Literal["m3", "t", "10^4m3"]

    @classmethod
    def _kind(cls) -> str:
        return "volume"


class Area(_Quantity):
    """m2 or 10^4m2."""

    unit: Literal["m2", "10^4m2"]

    @classmethod
    def _kind(cls) -> str:
        return "area"


class Mass(_Quantity):
    """t or kg."""

    unit: Literal["t", "kg"]

    @classmethod
    def _kind(cls) -> str:
        return "mass"


class Money(_Quantity):
    """CNY or 10^4CNY (万元)."""

    unit: Literal["CNY", "10^4CNY"]

    @classmethod
    def _kind(cls) -> str:
        return "money"


class Concentration(_Quantity):
    """mg/L or g/L."""

    unit: Literal["mg/L", "g/L"]

    @classmethod
    def _kind(cls) -> str:
        return "concentration"


class AreaWeight(_Quantity):
    """Copper per m² of one clad side: g/m2, or oz/ft2 (the trade's foil "weight", 1 oz/ft2 = 305.15 g/m2)."""

    unit: Literal["g/m2", "oz/ft2"]

    @classmethod
    def _kind(cls) -> str:
        return "area_weight"


class Percent(_Quantity):
    """A rate in %, 0-100."""

    unit: Literal["%"]

    @classmethod
    def _kind(cls) -> str:
        return "percent"

    @model_validator(mode="after")
    def _range(self) -> Percent:
        if isinstance(self.value, Decimal) and not (0 <= self.value <= 100):
            invalid("percent_range", "a rate must be between 0 and 100 %", "比率应在 0 到 100 % 之间")
        return self
