"""The cleaner-production options catalogue (knowledge_base/options/*.yaml) and its measure-code taxonomy.

An option applies to process steps (or the whole plant), belongs to a category of Chinese audit practice and a
cost class, may carry a sourced investment range, and a benefit model that estimates its annual effect from the
enterprise's own data. ``effects`` say how the self-inspection would read once the option is implemented (for
the projected evaluation, and for the plan to tell an option already in place); ``line_types`` limit it to the
lines it fits. Vendor figures enter only as ranges flagged ``claim: true``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from engine.kb.base import Grade, LocalText, Range, Strict

__all__ = [
    "BenefitModel",
    "Investment",
    "MeasureArea",
    "MeasureGroup",
    "OperatingCost",
    "Option",
    "PeerScheme",
    "Pool",
    "Range",
    "Resource",
    "Scaling",
]

Resource = Literal[
    "fresh_water_m3",
    "wastewater_m3",
    "electricity_kwh",
    "copper_in_wastewater_kg",
    "cod_in_wastewater_kg",
    "hazardous_waste_t",
    "chemicals_t",
    "copper_recovered_kg",
    "waste_to_disposal_t",
    "copper_discharged_kg",
    "wastewater_discharged_m3",
    "copper_to_recycler_kg",
    "ccl_m2",
    "cyanide_in_wastewater_kg",
    "voc_emitted_kg",
]

Pool = Literal[
    "rinse_water",
    "cooling_water",
    "fresh_water",
    "wastewater",
    "treated_effluent",
    "electricity",
    "wastewater_plant_electricity",
    "cod_load",
    "copper_load",
    "cyanide_load",
    "ccl",
    "chemicals",
    "stream",
    "voc_in_materials",
    "ink_solids",
]


class BenefitModel(Strict):
    """How the option's annual effect is estimated from the enterprise's own data (engine/plan/benefits.py).

    ``applies_if``: enterprise answers under which the figures hold (otherwise the plan asks for them);
    ``mechanism``: options sharing one claim the same saving, which counts once in a plan.

    Every model takes its base from a *pool* of the plant's quantities (engine/plan/pools.py) and never saves
    more than the pool holds; the plan combines options on the same pool sequentially, on what remains.

    kinds:
    - ``pool_fraction``: ``fraction`` (%) of a pool is saved: ``pool`` rinse_water (of the steps the option is
      recommended for; the rinse water of a line also leaves as wastewater), cooling_water (once-through cooling
      water of those steps, drained), fresh_water / wastewater / electricity (plant),
      wastewater_plant_electricity (the treatment plant's metered electricity), cod_load (the raw wastewater's COD
      allocated to the steps), copper_load (the raw wastewater's copper allocated to the steps, recovered on site as
      metal: less copper in the wastewater and as much copper recovered), ccl (copper-clad laminate put into
      production, m²), cyanide_load (the raw wastewater's cyanide), chemicals (of ``chemical_categories``), stream
      (tonnage of ``streams``, hazardous waste), voc_in_materials (the VOCs the materials carry by their safety data
      sheets' VOCs content: VOCs no longer emitted), ink_solids (the inks less their VOCs content, the mask cured:
      organics no longer evaporated in the final bake), treated_effluent (the wastewater discharged, treated and
      reused in place of fresh water: it saves fresh water and discharge, not the wastewater generated);
    - ``diversion``: ``fraction`` (%) of the reported tonnage of ``streams`` that now goes to landfill or
      incineration is sent to recycling or recovery instead (waste to disposal avoided); with ``copper_recovery``
      the copper it contains (stream ``properties``) goes to a recycler (``copper_to_recycler_kg``: recovered
      off site, so not valued at the copper price);
    - ``rinse_layout``: the rinse of each step re-built as ``target_layout`` with ``target_stages`` stages (absent:
      the line's present number of tanks, re-piped), by the
      dilution relation at ``dilution_ratio`` r = Cp/Cn: single rinse Q/K = r - 1; n separately fed tanks
      Q/K = n (r^(1/n) - 1); n-stage counter-current 1 + x + ... + x^n = r with x = Q/K;
    - ``dragout_reduction``: drag-out cut by ``reduction`` (%); at the same dilution the rinse flow falls in
      proportion (Q ∝ K), and so does the copper the steps drag into the rinse water;
    - ``stream_recovery``: a reported waste stream (``streams``) recovered on site: ``waste_avoided`` (% of the
      tonnage no longer shipped), ``chemicals_avoided`` (% of the tonnage no longer bought as make-up), copper
      recovered = copper contained (the waste's ``copper_t``, else tonnage / density x copper content from the
      stream's ``properties``) x ``copper_recovery`` (%), electricity added ``electricity_per_kg_copper``;
    - ``sludge_drying``: sludge dried from ``moisture_before`` to ``moisture_after`` (%): the dry solids stay,
      the mass falls to (1 - m0) / (1 - m1) of what it was;
    - ``equipment_power``: ``fraction`` (%) of the electricity of equipment whose rated power (kW) and annual
      running hours the enterprise answers (``power_question``, ``hours_question``: step-scoped questions are read
      on the steps the option is recommended for, enterprise-scoped ones once);
    - ``effluent_endpoint``: the discharged ``pollutant`` brought down to the concentration ``endpoint`` (mg/L) a
      measured case reached: mass removed = (monitored discharge concentration - endpoint) x volume discharged;
    - ``per_output``: ``saving`` per m² of the output of the board types that pass the steps, for ``resource``.
    """

    kind: Literal[
        "pool_fraction",
        "rinse_layout",
        "dragout_reduction",
        "stream_recovery",
        "sludge_drying",
        "equipment_power",
        "diversion",
        "effluent_endpoint",
        "per_output",
    ]
    pool: Pool | None = None
    applies_if: dict[str, Any] = Field(
        default_factory=dict,
        description="enterprise answers under which the model's figures hold; otherwise it asks for them",
    )
    mechanism: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="options sharing a mechanism claim one saving: in a plan it counts once (the largest claim)",
    )
    resource: Resource | None = None
    fraction: Range | None = None
    chemical_categories: list[str] = Field(default_factory=list)
    streams: list[str] = Field(default_factory=list)
    dilution_ratio: Range | None = None
    target_layout: Literal["counter_current", "parallel"] | None = None
    target_stages: int | None = Field(default=None, ge=2, le=6)
    reduction: Range | None = None
    waste_avoided: Range | None = None
    chemicals_avoided: Range | None = None
    copper_recovery: Range | None = None
    electricity_per_kg_copper: Range | None = None
    moisture_before: Range | None = None
    moisture_after: Range | None = None
    power_question: str | None = None
    hours_question: str | None = None
    saving: Range | None = None
    pollutant: Literal["cu"] | None = None
    endpoint: Range | None = None

    @model_validator(mode="after")
    def _params(self) -> BenefitModel:
        need: dict[str, tuple[str, ...]] = {
            "pool_fraction": ("pool", "fraction"),
            "rinse_layout": ("dilution_ratio", "target_layout"),
            "diversion": ("streams", "fraction"),
            "effluent_endpoint": ("pollutant", "endpoint"),
            "dragout_reduction": ("reduction",),
            "stream_recovery": ("streams",),
            "sludge_drying": ("streams", "moisture_before", "moisture_after"),
            "equipment_power": ("fraction", "power_question", "hours_question"),
            "per_output": ("resource", "saving"),
        }
        missing = [p for p in need[self.kind] if not getattr(self, p)]
        if missing:
            raise ValueError(f"a {self.kind} benefit model needs {missing}")
        if self.pool == "chemicals" and not self.chemical_categories:
            raise ValueError("a chemicals pool names its chemical_categories")
        if self.pool == "stream" and not self.streams:
            raise ValueError("a stream pool names its streams")
        effects = (self.waste_avoided, self.copper_recovery, self.chemicals_avoided)
        if self.kind == "stream_recovery" and not any(effects):
            raise ValueError("a stream_recovery model needs waste_avoided, chemicals_avoided or copper_recovery")
        return self

    def ranges(self) -> list[tuple[str, Range]]:
        names = (
            "fraction",
            "dilution_ratio",
            "reduction",
            "waste_avoided",
            "chemicals_avoided",
            "copper_recovery",
            "electricity_per_kg_copper",
            "moisture_before",
            "moisture_after",
            "saving",
            "endpoint",
        )
        return [(name, value) for name in names if isinstance(value := getattr(self, name), Range)]


class Scaling(Strict):
    """How a sourced investment for one capacity is carried to the enterprise's capacity.

    cost = reference cost x (capacity / ``reference``)^``exponent`` (``exponent`` 1: linear; about 0.6: the
    six-tenths rule of cost engineering), with ``driver`` the enterprise quantity that measures capacity:
    ``stream_t`` (reported tonnage of the model's streams, t/a), ``output_m2`` (qualified output, m²/a),
    ``steps`` (number of lines it is recommended for), ``rinse_water_m3`` (rinse water of those lines, m³/a),
    ``wastewater_m3`` (wastewater generated, m³/a)."""

    driver: Literal["stream_t", "output_m2", "steps", "rinse_water_m3", "wastewater_m3"]
    reference: float = Field(gt=0, description="the capacity the sourced cost is for, in the driver's unit")
    exponent: Range
    minimum_units: int = Field(default=0, ge=0, description="e.g. 1: at least one unit is bought whatever the size")


class Investment(Strict):
    low: float = Field(ge=0)
    high: float = Field(ge=0)
    unit: Literal["CNY"] = "CNY"
    basis: str = Field(min_length=3, description="what the range covers, e.g. 'per line', 'plant of 1 million m²/a'")
    basis_zh: str | None = Field(default=None, description="the same in Chinese, shown in zh output")
    source: str
    grade: Grade
    claim: bool = False
    assumption: bool = False
    note: str = ""
    scaling: Scaling | None = None


class OperatingCost(Strict):
    """A change of annual operating cost the savings do not already count (CNY/a; positive: the option costs
    more to run), per unit of a driver."""

    per: Literal["stream_t", "copper_kg", "output_m2", "steps"]
    value: Range
    what: LocalText


class Effects(Strict):
    """How the self-inspection reads once the option is implemented (for the projected evaluation)."""

    step_answers: dict[str, Any] = Field(default_factory=dict, description="set on the steps it is recommended for")
    answers: dict[str, Any] = Field(default_factory=dict, description="enterprise answers it sets")
    waste_destination: dict[str, str] = Field(
        default_factory=dict, description="stream id -> the destination its reported quantity moves to"
    )
    steps_run: list[str] = Field(
        default_factory=list,
        description="steps the plant runs once it is implemented (e.g. an inspection step); only tells the plan "
        "that the option is already in place when they are run, the projection adds no step",
    )


class Option(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    measure_code: str = Field(pattern=r"^PCB-[A-Z]-[A-Z]{3}-\d{2}$", description="stable taxonomy code")
    name: LocalText
    description: LocalText
    steps: list[str] = Field(default_factory=list, description="step ids it applies to")
    families: list[str] = Field(default_factory=list, description="step families it applies to")
    category: Literal[
        "source_substitution", "process_control", "equipment", "management", "recovery_reuse", "end_of_pipe"
    ]
    cost_class: Literal["no_low", "medium_high"]
    line_types: list[str] = Field(
        default_factory=list,
        description="the line types (answers to q_line_type) the option fits; empty: any line. The plan drops it "
        "on a step whose line type is known not to fit and asks to check it where the line type is unknown",
    )
    investment: Investment | None = None
    investment_gap: LocalText | None = Field(
        default=None, description="when no sourced investment exists: what to ask (e.g. a supplier's quote)"
    )
    operating_cost: list[OperatingCost] = Field(default_factory=list)
    benefit: BenefitModel | None = None
    to_quantify: LocalText | None = Field(
        default=None, description="when no benefit model exists: which data or source would quantify it"
    )
    qualitative_benefit: LocalText
    effects: Effects = Field(default_factory=Effects)
    prerequisites: list[str] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    synergies: list[str] = Field(default_factory=list)
    peer_schemes: list[int] = Field(
        default_factory=list, description="numbers of the peer platform's schemes it covers"
    )
    sources: list[str] = Field(min_length=1)


class PeerScheme(Strict):
    """One of the 130 schemes of the nearest existing platform (shared/domain/peer_platform.md §3.3), and how this
    catalogue covers it."""

    id: str = Field(pattern=r"^peer_\d{3}$")
    number: int = Field(ge=1, le=130)
    name: LocalText
    disposition: Literal["covered", "not_a_cp_measure"]
    options: list[str] = Field(default_factory=list)
    reason: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> PeerScheme:
        if self.disposition == "covered" and not self.options:
            raise ValueError("a covered scheme names the options that cover it")
        if self.disposition == "not_a_cp_measure" and len(self.reason) < 10:
            raise ValueError("say why the scheme is not a cleaner-production measure")
        return self


class MeasureArea(Strict):
    code: str = Field(pattern=r"^[A-Z]$")
    name: LocalText


class MeasureGroup(Strict):
    code: str = Field(pattern=r"^[A-Z]-[A-Z]{3}$")
    name: LocalText
