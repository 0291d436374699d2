"""Pydantic models of the knowledge-base records.

Each YAML file under ``knowledge_base/`` is a mapping from record-type names (``sources``, ``steps``, ...)
to lists of records, or (for benchmark sets) one ``benchmark_set``. Every model forbids unknown keys, so a
misspelt key is an error, not a silently ignored value. Every number about the world is a
:class:`Quantity` or a threshold cell: value, unit, source id and grade.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from engine.kb.acceptance import AcceptancePolicy
from engine.kb.base import (
    ID_REGEX,
    Construction,
    Dec,
    Flag,
    Grade,
    Id,
    LocalText,
    Quantity,
    Range,
    Rigidity,
    Sourced,
    SourceId,
    Strict,
)
from engine.kb.cohortpolicy import CohortPolicy
from engine.kb.effluent import EffluentStandard
from engine.kb.indicators import (
    BenchmarkGroup,
    BenchmarkMember,
    BenchmarkSet,
    BoardSelector,
    Bounds,
    CarbonPerOutputValue,
    Compute,
    CopperBalance,
    Correction,
    Drivers,
    Indicator,
    LevelCriterion,
    Parameter,
    ParameterValue,
    PerOutput,
    PollutantPerOutput,
    Qualitative,
    RatingRule,
    Ratio,
    ThresholdCell,
    ThresholdRow,
    WasteRatio,
)
from engine.kb.options import MeasureArea, MeasureGroup, Option, PeerScheme
from engine.kb.planpolicy import PlanPolicy
from engine.kb.rules import Rule

__all__ = [
    "BenchmarkGroup",
    "BenchmarkMember",
    "BenchmarkSet",
    "BoardSelector",
    "Bounds",
    "CarbonPerOutputValue",
    "Choice",
    "Compute",
    "Construction",
    "CopperBalance",
    "Correction",
    "Dec",
    "Destination",
    "Drivers",
    "Flag",
    "Gap",
    "Grade",
    "Id",
    "Indicator",
    "KbFile",
    "KbMeta",
    "LevelCriterion",
    "LocalText",
    "ManualSection",
    "Parameter",
    "ParameterValue",
    "PerOutput",
    "PlantFigure",
    "PollutantPerOutput",
    "Qualitative",
    "Quantity",
    "Question",
    "Range",
    "RatingRule",
    "Ratio",
    "Rigidity",
    "Route",
    "RouteItem",
    "Source",
    "SourceId",
    "Sourced",
    "Step",
    "StepInput",
    "Stream",
    "ThresholdCell",
    "ThresholdRow",
    "Unit",
    "WasteRatio",
]


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


class Route(Strict):
    """The ordered steps one board type passes through."""

    id: Id
    name: LocalText
    rigidity: Rigidity
    construction: Construction
    items: list[RouteItem] = Field(min_length=2)
    sources: list[SourceId] = Field(min_length=1)


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
ID_PATTERN = re.compile(ID_REGEX)
