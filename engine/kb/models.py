"""Pydantic models of the knowledge-base records.

Each YAML file under ``knowledge_base/`` is a mapping from record-type names (``sources``, ``steps``, ...)
to lists of records, or (for benchmark sets) one ``benchmark_set``. Every model forbids unknown keys, so a
misspelt key is an error, not a silently ignored value. Every number about the world is a
:class:`Quantity` or a threshold cell: value, unit, source id and grade.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from engine.kb.acceptance import AcceptancePolicy
from engine.kb.base import Grade, LocalText, Range, Strict
from engine.kb.cohortpolicy import CohortPolicy
from engine.kb.conditions import Condition
from engine.kb.effluent import EffluentStandard
from engine.kb.expr import LinearExpr, parse_linear
from engine.kb.options import MeasureArea, MeasureGroup, Option, PeerScheme
from engine.kb.planpolicy import PlanPolicy
from engine.kb.rules import Rule

__all__ = [
    "BenchmarkGroup",
    "BenchmarkMember",
    "BenchmarkSet",
    "BoardSelector",
    "Bounds",
    "Choice",
    "Compute",
    "Construction",
    "CopperBalance",
    "Destination",
    "Gap",
    "Grade",
    "Indicator",
    "KbFile",
    "KbMeta",
    "LocalText",
    "ManualSection",
    "Parameter",
    "ParameterValue",
    "PlantFigure",
    "Quantity",
    "Question",
    "RatingRule",
    "Rigidity",
    "Route",
    "RouteItem",
    "Source",
    "Sourced",
    "Step",
    "StepInput",
    "Stream",
    "ThresholdCell",
    "ThresholdRow",
    "Unit",
]

_ID = r"^[a-z][a-z0-9_]*$"
_SOURCE_ID = r"^[A-Z][A-Z0-9_]*$"

Id = Annotated[str, Field(pattern=_ID, description="stable snake_case id")]
SourceId = Annotated[str, Field(pattern=_SOURCE_ID, description="source id (UPPER_SNAKE)")]


def _decimal(raw: object) -> object:
    """YAML floats become exact decimals through their text, never through binary floats."""
    if isinstance(raw, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(raw, float | int):
        return Decimal(str(raw))
    return raw


Dec = Annotated[Decimal, BeforeValidator(_decimal)]


class KbMeta(Strict):
    """``knowledge_base/kb.yaml``: what this knowledge base is and which benchmark set is the default."""

    name: LocalText
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="semantic version of the knowledge content")
    default_benchmark_set: Id
    description: str = ""


class Source(Strict):
    id: SourceId
    title: str
    issuer: str
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: str | None = None
    document_number: str | None = None
    grade: Grade
    notes: str = ""

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not self.url and not self.document_number:
            raise ValueError("a source needs a url or a document_number so that a reader can find it")
        return self


class Unit(Strict):
    """A unit symbol the knowledge base may use. Numbers with any other unit are refused at load."""

    id: str = Field(min_length=1)
    dimension: str
    description: str = ""


class Sourced(Strict):
    """Provenance of a value: its source and grade."""

    source: SourceId
    grade: Grade
    note: str = ""


class Quantity(Sourced):
    """A number about the world with its unit, source and grade."""

    value: Dec
    unit: str


class Flag(Sourced):
    """A yes/no fact about the world (e.g. 'this indicator is limiting') with its source and grade."""

    value: bool


# --- process ---------------------------------------------------------------------------------------


class StepInput(Strict):
    stream: Id
    note: str = ""


class StepChemistry(Strict):
    """One chemistry a step may run with (e.g. inner-layer etching in cupric chloride or ammoniacal etchant)."""

    id: Id
    name: LocalText
    outputs: list[Id] | None = Field(
        default=None, description="waste streams the step produces with this chemistry, when not the step's own"
    )
    sources: list[SourceId] = Field(min_length=1)


class Step(Strict):
    id: Id
    name: LocalText
    family: Id = Field(description="steps of one family share rules (e.g. inner and outer developing)")
    kind: Literal["production", "utility"] = "production"
    description: str = ""
    inputs: list[StepInput] = Field(default_factory=list)
    outputs: list[Id] = Field(default_factory=list, description="ids of the waste streams the step produces")
    chemistries: list[StepChemistry] = Field(
        default_factory=list,
        description="chemistries a plant may state for the step (process[].chemistry); the first is the step as "
        "described above, its default",
    )
    sources: list[SourceId] = Field(min_length=1)

    def chemistry(self, chem_id: str | None) -> StepChemistry | None:
        return next((c for c in self.chemistries if c.id == chem_id), None)

    def outputs_with(self, chem_id: str | None) -> list[str]:
        """The streams the step produces with the chemistry ``chem_id`` (None: the default)."""
        chem = self.chemistry(chem_id)
        return list(chem.outputs) if chem is not None and chem.outputs is not None else list(self.outputs)


class StreamProperties(Strict):
    """Typical composition of a waste stream, used to estimate what a reported tonnage contains when the
    enterprise does not say (its own figure, e.g. a waste's ``copper_t``, always wins)."""

    density: Range | None = Field(default=None, description="t/m3")
    copper: Range | None = Field(default=None, description="g/L of liquid")
    tin: Range | None = Field(default=None, description="g/L of liquid")
    moisture: Range | None = Field(default=None, description="% water in the reported mass (sludges)")
    copper_share: Range | None = Field(default=None, description="% copper in the reported (wet) mass (solids)")

    def ranges(self) -> list[tuple[str, Range]]:
        names = ("density", "copper", "tin", "moisture", "copper_share")
        return [(n, r) for n in names if (r := getattr(self, n))]


class Stream(Strict):
    id: Id
    name: LocalText
    kind: Literal["resource", "wastewater", "liquid_waste", "solid_waste", "air_emission", "by_product"]
    description: str = ""
    hazardous_waste_code: str | None = Field(default=None, description="code in China's National Hazardous Waste List")
    segregation_class: Id | None = Field(default=None, description="wastewater class for segregation rules")
    destinations: list[Id] = Field(default_factory=list, description="where the stream may go")
    properties: StreamProperties | None = None
    sources: list[SourceId] = Field(min_length=1)

    @model_validator(mode="after")
    def _destinations(self) -> Stream:
        if self.kind == "resource" and self.destinations:
            raise ValueError("a resource stream is consumed by steps; it has no destinations")
        if self.kind != "resource" and not self.destinations:
            raise ValueError(f"a {self.kind} stream must name at least one destination")
        return self


class Destination(Strict):
    id: Id
    name: LocalText
    kind: Literal[
        "treatment",
        "onsite_recovery",
        "offsite_recycling",
        "licensed_disposal",
        "general_disposal",
        "discharge",
        "reuse",
    ]
    step: Id | None = Field(default=None, description="the utility step that runs this destination, if any")
    description: str = ""
    sources: list[SourceId] = Field(min_length=1)


class RouteItem(Strict):
    """One position of a route: a step, or alternatives of which a plant runs one or more."""

    step: Id | None = None
    any_of: list[Id] | None = None
    optional: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, raw: Any) -> Any:
        return {"step": raw} if isinstance(raw, str) else raw

    @model_validator(mode="after")
    def _one(self) -> RouteItem:
        if (self.step is None) == (self.any_of is None):
            raise ValueError("a route item is either a step id or {any_of: [step ids]}")
        if self.any_of is not None and len(self.any_of) < 2:
            raise ValueError("any_of needs at least two alternative steps")
        return self

    @property
    def steps(self) -> list[str]:
        return [self.step] if self.step is not None else list(self.any_of or [])


class Rigidity(StrEnum):
    rigid = "rigid"
    flexible = "flexible"  # flexible and rigid-flex boards


class Construction(StrEnum):
    single = "single"
    double = "double"
    multilayer = "multilayer"
    hdi = "hdi"

    @property
    def layered(self) -> bool:
        return self in (Construction.multilayer, Construction.hdi)


class Route(Strict):
    """The ordered steps one board type passes through."""

    id: Id
    name: LocalText
    rigidity: Rigidity
    construction: Construction
    items: list[RouteItem] = Field(min_length=2)
    sources: list[SourceId] = Field(min_length=1)


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


# --- the self-inspection manual -------------------------------------------------------------------


class ManualSection(Strict):
    id: Id
    order: int
    title: LocalText
    description: LocalText | None = None


class Choice(Strict):
    value: Id
    text: LocalText


class Question(Strict):
    """One item of the self-inspection manual."""

    id: Id
    section: Id
    order: int
    text: LocalText
    help: LocalText | None = None
    answer: Literal["boolean", "choice", "multi_choice", "number", "integer", "text"]
    choices: list[Choice] = Field(default_factory=list)
    unit: str | None = None
    minimum: Dec | None = None
    maximum: Dec | None = None
    scope: Literal["enterprise", "step"] = "enterprise"
    families: list[Id] = Field(default_factory=list, description="step families a step-scoped question is asked for")
    sources: list[SourceId] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Question:
        has_choices = self.answer in ("choice", "multi_choice")
        if has_choices and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if not has_choices and self.choices:
            raise ValueError(f"a {self.answer} question has no choices")
        if self.answer == "number" and not self.unit:
            raise ValueError("a number question needs a unit")
        if self.answer not in ("number", "integer") and (self.minimum is not None or self.maximum is not None):
            raise ValueError("only number and integer questions have a minimum or maximum")
        if (self.scope == "step") != bool(self.families):
            raise ValueError("a step-scoped question names its step families, and only it does")
        return self


class TreatmentUnit(Strict):
    """A type of exhaust treatment unit a plant may list in an exhaust source's chain (manual/treatment_units.yaml).

    ``exhaust_choice`` is the choice of q_line_exhaust_treatment the unit stands for; a chain stands for the choice
    of its unit with the lowest ``rank``. ``dust``: the unit collects dust (q_dust_collection)."""

    id: Id
    name: LocalText
    exhaust_choice: Id | None = None
    rank: int = Field(ge=0, description="precedence when a chain is read as one answer (lower wins)")
    dust: bool = False
    sources: list[SourceId] = Field(min_length=1)


class FindingDef(Strict):
    """A kind of finding (a problem at a step, an indicator, a stream, an effluent sample or the enterprise) that rules
    conclude."""

    id: Id
    title: LocalText
    category: Literal[
        "water",
        "energy",
        "materials",
        "copper",
        "chemicals",
        "wastewater",
        "air",
        "waste",
        "carbon",
        "management",
        "level",
        "data",
    ]
    subject: Literal["enterprise", "step", "indicator", "stream", "effluent"]
    description: LocalText | None = None


class Gap(Strict):
    """A value or document the knowledge base needs but has no source for: listed, never filled in by guess."""

    id: Id
    description: str = Field(min_length=10)
    affects: list[str] = Field(default_factory=list, description="record ids or areas the gap affects")
    to_close: str = Field(min_length=5, description="what would close it (document, table, measurement)")


# --- file ------------------------------------------------------------------------------------------

_RECORD_TYPES = (
    "sources",
    "units",
    "steps",
    "streams",
    "destinations",
    "routes",
    "indicators",
    "parameters",
    "effluent_standards",
    "gaps",
    "sections",
    "questions",
    "treatment_units",
    "findings",
    "rules",
    "options",
    "measure_areas",
    "measure_groups",
    "peer_schemes",
    "plan_policies",
    "plant_figures",
    "acceptance_policies",
    "cohort_policies",
)


class PlantFigure(Strict):
    """A figure about a plant as a whole that the plan needs to split a plant total into the pools its options
    act on (e.g. the rinse share of the wastewater), as a sourced range."""

    id: Id
    name: LocalText
    value: Range
    applies_to: str = Field(min_length=3, description="what the figure is a share or property of")


class KbFile(Strict):
    """What one YAML file may contain."""

    kb: KbMeta | None = None
    sources: list[Source] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    streams: list[Stream] = Field(default_factory=list)
    destinations: list[Destination] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    effluent_standards: list[EffluentStandard] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    sections: list[ManualSection] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    treatment_units: list[TreatmentUnit] = Field(default_factory=list)
    findings: list[FindingDef] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    measure_areas: list[MeasureArea] = Field(default_factory=list)
    measure_groups: list[MeasureGroup] = Field(default_factory=list)
    peer_schemes: list[PeerScheme] = Field(default_factory=list)
    plan_policies: list[PlanPolicy] = Field(default_factory=list)
    plant_figures: list[PlantFigure] = Field(default_factory=list)
    acceptance_policies: list[AcceptancePolicy] = Field(default_factory=list)
    cohort_policies: list[CohortPolicy] = Field(default_factory=list)
    benchmark_set: BenchmarkSet | None = None


RECORD_TYPES = _RECORD_TYPES
ID_PATTERN = re.compile(_ID)
