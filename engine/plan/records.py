"""The working record of one recommended option while the plan is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.kb.options import Option
from engine.plan.benefits import Savings

__all__ = ["SEVERITY_ORDER", "Rec"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Rec:
    option: Option
    steps: list[str] = field(default_factory=list)
    because: list[str] = field(default_factory=list)  # trace node ids: recommendation nodes and their premises
    findings: list[dict[str, Any]] = field(default_factory=list)
    origin: str = "rule"  # rule | prerequisite
    reason: str = ""
    required_by: list[str] = field(default_factory=list)  # for a prerequisite: the options that need it
    checks: list[dict[str, Any]] = field(default_factory=list)  # what to check before implementing it
    savings: Savings | None = None
    money: dict[str, Any] | None = None
    payback: dict[str, Any] | None = None
    priority: dict[str, Any] = field(default_factory=dict)
    investment: dict[str, Any] | None = None  # status quote | range | gap, with low/central/high
    opex: dict[str, Any] | None = None
    co2: dict[str, Any] | None = None  # t/a avoided through the electricity saved (negative: added)

    cost_class_by_investment: str | None = None  # the class the known investment implies, where it differs

    @property
    def cost_class(self) -> str:
        """no_low or medium_high: the catalogue's class, unless the known investment says otherwise."""
        return self.cost_class_by_investment or self.option.cost_class

    # Read-only views the ranking and the shortlist use (the figures themselves are computed in build/benefits).
    def money_central(self) -> float | None:
        """Central net money saved per year (CNY/a), or None when not quantified (nothing priced is not 0)."""
        if not self.money or not self.money.get("parts") or self.money.get("incomplete"):
            return None  # nothing priced is not 0, and an incomplete net figure does not rank
        value = self.money.get("central")
        return float(value) if value is not None else None

    def co2_central(self) -> float | None:
        """Central CO2 avoided per year (t/a), or None when not quantified."""
        value = self.co2.get("central") if self.co2 else None
        return float(value) if value is not None else None

    def investment_central(self) -> float | None:
        """Central investment (CNY), or None when unknown (a declared gap)."""
        if self.investment is not None:
            value = self.investment.get("central")
            return float(value) if value is not None else None
        inv = self.option.investment
        return None if inv is None else (inv.low + inv.high) / 2
