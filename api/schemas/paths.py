"""The cheapest path and the what-if of a stored plan: requests and responses (engine/plan/path.py, whatif.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CurvePoint", "PathOption", "PathOut", "PathRequest", "SetField", "WhatIfOut", "WhatIfRequest"]


class PathRequest(BaseModel):
    """Which level to reach, by which objective."""

    model_config = ConfigDict(extra="forbid")

    target: str = Field(
        max_length=32, description="the level to reach (II or I in the default benchmark set)", examples=["II"]
    )
    objective: Literal["investment", "payback", "co2"] = Field(
        default="investment", description="least investment, shortest payback or most CO2 avoided"
    )
    include_unpriced: bool = Field(
        default=False,
        description="let options without an investment figure be chosen (their investment counts as unknown)",
    )
    limit: int = Field(default=300, ge=1, le=2000, description="verifications at most; the output says when it is hit")
    chart: bool = Field(default=False, description="also return the trade-off curve as an SVG chart (chart_svg)")


class PathOption(BaseModel):
    """One option of the selection: id, measure code, name, investment and savings (alone and in the selection)."""

    model_config = ConfigDict(extra="allow")

    option_id: str = Field(examples=["led_lighting"])
    measure_code: str = Field(examples=["PCB-E-MGT-02"])
    name: dict[str, str]
    investment: dict[str, Any] | None = Field(description="status quote | range | gap, with low/central/high")
    savings_in_selection: dict[str, Any]


class CurvePoint(BaseModel):
    """A selection on the trade-off curve: its known investment, the level and indices it reaches."""

    model_config = ConfigDict(extra="allow")

    options: list[str]
    investment: float = Field(description="CNY, the options whose investment is known")
    unpriced_options: list[str]
    level: str
    index: float | None = Field(description="the target's index Y")
    indices: dict[str, float | None]
    reaches_target: bool
    priced: bool = Field(description="every option of it has an investment figure")
    optimal: bool = Field(description="the selection returned")


class PathOut(BaseModel):
    """The best selection of the plan's options reaching the target, the curve, and what stays short if none."""

    model_config = ConfigDict(extra="allow")

    plan_id: str
    target: str
    objective: str
    include_unpriced: bool
    status: Literal["optimal", "infeasible", "limit", "already_reached"]
    feasible: bool
    exact: bool = Field(description="proven: every selection with a better objective was excluded by the search")
    bound: dict[str, Any] = Field(description="verifications made, the limit, and whether it was hit")
    current_level: str
    options: list[PathOption]
    investment: dict[str, Any] | None
    savings: dict[str, Any] | None = Field(description="the selection's savings combined on what remains, money")
    payback_years: float | None
    projected_level: str | None
    projected_indices: dict[str, float | None] | None
    objective_value: float | None
    unpriced_options: list[str] = Field(description="options of the plan whose investment is unknown")
    with_unpriced: dict[str, Any] | None = Field(
        default=None, description="when the priced options cannot reach the target: whether unpriced ones could"
    )
    curve: list[CurvePoint]
    shortfall: dict[str, Any] | None = Field(
        description="when nothing reaches the target: index gap, indicators short and by how much, data to get"
    )
    chart_svg: str | None = None


class SetField(BaseModel):
    """One change: a JSON path into the self-inspection and its new value."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1,
        max_length=500,
        description="keys joined by dots, list items by [n] or [key=value]",
        examples=["process[step=inner_etching].answers.q_rinse_type"],
    )
    value: Any = Field(description="the new value (JSON)", examples=["counter_current"])


class WhatIfRequest(BaseModel):
    """Changes to the plan's self-inspection and options accepted or rejected."""

    model_config = ConfigDict(extra="forbid")

    set: list[SetField] = Field(default_factory=list, max_length=200)
    accept: list[str] = Field(default_factory=list, max_length=200, description="option ids to implement")
    reject: list[str] = Field(default_factory=list, max_length=200, description="option ids not to implement")


class WhatIfOut(BaseModel):
    """The scenario: level, plan and savings again, and the differences from the stored plan, explained."""

    model_config = ConfigDict(extra="allow")

    plan_id: str
    changes: dict[str, Any]
    level: dict[str, str] = Field(description="now and projected, for the scenario and the baseline")
    plan: dict[str, Any] = Field(description="the scenario's options, totals, projected level and resolution log")
    baseline: dict[str, Any]
    differences: dict[str, Any] = Field(
        description="level, indices, indicators, findings, options and totals that change, with why (trace)"
    )
