"""The plan's policy: how priorities are scored and how the audit focus is ranked.

These weights are choices, not facts about the world: the priority weights are smart-audit's own (graded U and
shown part by part in every plan, so a user can see and dispute them); the audit-focus factors are the classic
weighted-sum ranking (权重总和计分排序) with the peer platform's default weights (grade C).
"""

from __future__ import annotations

from pydantic import Field

from engine.kb.base import Grade, LocalText, Strict

__all__ = ["FocusFactor", "MoneyPoints", "PaybackPoints", "PlanPolicy"]


class PaybackPoints(Strict):
    max_years: float = Field(gt=0)
    points: int = Field(ge=0)


class MoneyPoints(Strict):
    min_cny_per_year: float = Field(ge=0, description="quantified net money saved per year at least this")
    points: int = Field(ge=0)


class FocusFactor(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    weight: int = Field(ge=1, le=10)
    measured_by: LocalText = Field(description="how the score R (1-10) of a candidate area is taken from the data")


class PlanPolicy(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity_points: dict[str, int]
    per_finding_points: int = Field(ge=0)
    max_findings_counted: int = Field(ge=1)
    blocks_next_level_points: int = Field(ge=0, description="level lift: it moves an indicator blocking the next level")
    limiting_points: int = Field(ge=0, description="level lift: it moves a limiting indicator not yet at level I")
    compliance_points: int = Field(default=0, ge=0, description="it addresses an effluent over its limit")
    no_low_cost_points: int = Field(ge=0)
    payback_points: list[PaybackPoints]
    money_points: list[MoneyPoints] = Field(default_factory=list, description="by quantified net money saved per year")
    shortlist_min: int = Field(default=3, ge=1, description="key options at the head of the plan, at least")
    shortlist_max: int = Field(default=7, ge=1, description="key options at the head of the plan, at most")
    shortlist_top_savings: int = Field(default=3, ge=0, description="largest quantified savings always key")
    no_low_cost_max_investment: float | None = Field(
        default=None,
        ge=0,
        description="CNY: an option whose known investment is above this is medium/high-cost, whatever its catalogue",
    )
    priority_source: str
    priority_grade: Grade
    focus_factors: list[FocusFactor] = Field(min_length=1)
    focus_source: str
    focus_grade: Grade
    note: str = ""
