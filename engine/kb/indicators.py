"""Indicators, benchmark tables and the parameters they use: the knowledge-base records of the evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from engine.kb.base import Construction, Dec, Flag, Id, LocalText, Quantity, Rigidity, Sourced, SourceId, Strict
from engine.kb.conditions import Condition
from engine.kb.expr import LinearExpr, parse_linear

# --- indicators ------------------------------------------------------------------------------------


class PerOutput(Strict):
    """A resource quantity divided by the output of qualified board (m²)."""

    kind: Literal["per_output"]
    quantity: Id


class PollutantPerOutput(Strict):
    """Concentration at the outlets (mg/L = g/m³) × wastewater volume (m³) ÷ output (m²) = g/m²."""

    kind: Literal["pollutant_per_output"]
    pollutant: Id
    stage: Literal["generated", "discharged"] = Field(
        description="generated: concentration before end-of-pipe treatment; discharged: at the discharge outlet"
    )
    statistic: Literal["maximum", "mean", "flow_weighted"] = Field(
        default="flow_weighted",
        description="how monitoring samples become the concentration of the load (engine/intake/monitoring.py)",
    )


class Ratio(Strict):
    """numerator ÷ (sum of denominator quantities) × 100, in %."""

    kind: Literal["ratio"]
    numerator: list[Id] = Field(min_length=1)
    denominator: list[Id] = Field(min_length=1)


class WasteRatio(Strict):
    """Share of a waste recovered or used: wastes sent to the given destination kinds ÷ all of them, in %."""

    kind: Literal["waste_ratio"]
    streams: list[Id] = Field(default_factory=list, description="waste streams counted (empty: by category)")
    category: Literal["hazardous", "general"] | None = None
    recovered_destination_kinds: list[
        Literal["onsite_recovery", "offsite_recycling", "reuse", "treatment", "licensed_disposal", "general_disposal"]
    ] = Field(min_length=1)

    @model_validator(mode="after")
    def _what(self) -> WasteRatio:
        if not self.streams and self.category is None:
            raise ValueError("name the streams counted or a waste category")
        return self


class CopperBalance(Strict):
    """Copper recovered ÷ copper entering production in the year × 100, in % (the plant's copper balance).

    Copper entering is the copper of the laminate and foil put in plus the copper bought for plating; copper
    recovered is the plant's own figure (``copper_recovered``) or the copper contained in the wastes sent to the
    recovery destinations (``copper_t``, e.g. from recycler receipts).
    """

    kind: Literal["copper_balance"]
    recovered_destination_kinds: list[Literal["onsite_recovery", "offsite_recycling", "reuse"]] = Field(min_length=1)
    copper_streams: list[Id] = Field(
        min_length=1,
        description="copper-bearing waste streams: sent to a recovery destination, each must state its copper_t",
    )
    plating_families: list[Id] = Field(
        min_length=1, description="step families that bring plating copper in; when none is run, plating copper is 0"
    )
    laminated_constructions: list[Construction] = Field(
        default_factory=list,
        description="board constructions laminated with copper foil: when one is made, the lamination foil is needed",
    )


class CarbonPerOutputValue(Strict):
    """Electricity × the dated regional grid factor ÷ output value."""

    kind: Literal["carbon_per_output_value"]
    grid_factor: Id


class Qualitative(Strict):
    """Reached levels follow from the self-inspection manual's answers (criteria per level)."""

    kind: Literal["qualitative"]


Compute = Annotated[
    PerOutput | PollutantPerOutput | Ratio | WasteRatio | CopperBalance | CarbonPerOutputValue | Qualitative,
    Field(discriminator="kind"),
]


class Drivers(Strict):
    """What bears on an indicator in the process graph."""

    streams: list[Id] = Field(default_factory=list)
    steps: list[Id] = Field(default_factory=list)


class Bounds(Strict):
    """The values an indicator can take at all (e.g. a share of a whole is at most 100 %), and why.

    A threshold beyond them can be reached by no plant; a target beyond them is never proposed.
    """

    min: Dec | None = None
    max: Dec | None = None
    reason: LocalText


class Indicator(Strict):
    id: Id
    name: LocalText
    unit: str
    direction: Literal["lower_is_better", "higher_is_better", "qualitative"]
    per_board_type: bool = False
    compute: Compute
    definition: LocalText
    drivers: Drivers = Field(default_factory=Drivers)
    bounds: Bounds | None = None
    sources: list[SourceId] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if (self.direction == "qualitative") != (self.compute.kind == "qualitative"):
            raise ValueError("direction 'qualitative' goes with compute kind 'qualitative', and only with it")
        return self


# --- benchmark sets --------------------------------------------------------------------------------


class Correction(Strict):
    """A transcribed value replaced by a corrected one; the original and the reason are kept."""

    original: str
    reason: str = Field(min_length=10)


class ThresholdCell(Sourced):
    expr: LinearExpr
    correction: Correction | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("expr", mode="before")
    @classmethod
    def _parse(cls, raw: object) -> LinearExpr:
        return raw if isinstance(raw, LinearExpr) else parse_linear(raw)


class BoardSelector(Strict):
    rigidity: Rigidity | Literal["any"] = "any"
    construction: Construction

    def matches(self, rigidity: Rigidity, construction: Construction) -> bool:
        return self.construction == construction and self.rigidity in ("any", rigidity)

    def __str__(self) -> str:
        return f"{self.rigidity}/{self.construction}"


class ThresholdRow(Strict):
    board: BoardSelector | None = Field(default=None, description="absent for indicators not split by board")
    unit: str
    levels: dict[str, ThresholdCell]
    known_inconsistent: str | None = Field(
        default=None,
        min_length=10,
        description="kept as transcribed although not monotone; the reason. Evaluation then uses the nested"
        " envelope (a value that reaches a stricter level also counts for the looser ones).",
    )


class LevelCriterion(Sourced):
    """Text of what a qualitative indicator requires at one level (criteria over answers come with the manual)."""

    text: LocalText


class BenchmarkMember(Strict):
    indicator: Id
    weight: Quantity | None = None
    shared_by_output: bool = Field(
        default=False, description="the member's weight is shared among board types by their output shares"
    )
    limiting: Flag | None = None
    thresholds: list[ThresholdRow] = Field(default_factory=list)
    level_texts: dict[str, LevelCriterion] = Field(default_factory=dict)
    criteria: dict[str, Condition] = Field(
        default_factory=dict, description="qualitative members: per level, the condition over the manual's answers"
    )
    applies_if: Condition | None = Field(
        default=None, description="the member is not applicable unless this holds (e.g. a plating step is run)"
    )
    not_rated: str | None = Field(
        default=None,
        min_length=10,
        description="the member is computed and shown but left out of the indices and the rating, like a member"
        " that does not apply; the reason (e.g. the transcribed thresholds do not fit the indicator as defined)",
    )


class BenchmarkGroup(Strict):
    id: Id
    name: LocalText
    weight: Quantity | None = None
    members: list[BenchmarkMember] = Field(min_length=1)


class RatingRule(Sourced):
    """What the overall level requires: the comprehensive index of that level, and the limiting indicators."""

    min_index: Dec = Field(ge=0, le=100, description="the level's comprehensive index Y must be at least this")
    limiting_at_least: str | None = Field(
        default=None, description="every limiting indicator must reach this level or a stricter one"
    )
    text: LocalText


class BenchmarkSet(Strict):
    id: Id
    name: LocalText
    method: Literal["index_system", "tiered_limits"]
    levels: list[str] = Field(min_length=1, description="level names, strictest first")
    n_definition: Literal["layers_beyond_two", "total_layers"]
    n_note: LocalText = Field(description="what n means and where the definition comes from")
    layer_range: tuple[int, int] = (2, 20)
    sources: list[SourceId] = Field(min_length=1)
    rating: dict[str, RatingRule] = Field(description="per level, what the overall level requires")
    groups: list[BenchmarkGroup] = Field(min_length=1)
    notes: str = ""

    def n_for(self, layers: int) -> int:
        return layers - 2 if self.n_definition == "layers_beyond_two" else layers

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, levels: list[str]) -> list[str]:
        if len(set(levels)) != len(levels):
            raise ValueError("level names must be unique")
        return levels


# --- policy parameters -----------------------------------------------------------------------------


class ParameterValue(Sourced):
    """One value of a parameter, for one key (e.g. region) and the date from which it holds."""

    key: dict[str, str] = Field(default_factory=dict)
    valid_from: dt.date
    value: Dec
    data_year: int | None = None


class Parameter(Strict):
    id: Id
    name: LocalText
    unit: str
    description: str = ""
    key_names: list[Id] = Field(default_factory=list, description="names of the keys each value is filed under")
    values: list[ParameterValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys(self) -> Parameter:
        for i, value in enumerate(self.values):
            if sorted(value.key) != sorted(self.key_names):
                raise ValueError(f"values[{i}].key has keys {sorted(value.key)}, expected {sorted(self.key_names)}")
        return self
