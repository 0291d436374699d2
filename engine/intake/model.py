"""The self-inspection an enterprise submits: a pydantic model, published as JSON Schema.

Every quantity is an object ``{"value": <number or "unknown">, "unit": <unit>}``; "unknown" is a legal answer and
whatever depends on it is reported as insufficient data. Knowledge-base references (step ids, question ids,
waste-stream ids, destinations) are checked against the knowledge base by :mod:`engine.intake.validate`.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from engine.intake.measures import (
    Area,
    AreaWeight,
    Concentration,
    Energy,
    Mass,
    Model,
    Money,
    NumberOrUnknown,
    Percent,
    Volume,
)
from engine.intake.messages import invalid
from engine.intake.migrate import SCHEMA_VERSION, migrate
from engine.intake.monitoring import Sample
from engine.intake.wastes import CUSTOM_STREAM, UNKNOWN_DESTINATION, Waste, hw_category
from engine.intake.wastewater import Outlet, PermitLimits, Pollutants, Wastewater
from engine.kb.models import Construction, Rigidity

__all__ = [
    "CUSTOM_STREAM",
    "SCHEMA_VERSION",
    "UNKNOWN_DESTINATION",
    "Answer",
    "Area",
    "AreaWeight",
    "Chemical",
    "Concentration",
    "CopperInput",
    "Energy",
    "Enterprise",
    "ExhaustSource",
    "InvestmentQuote",
    "Mass",
    "Money",
    "Outlet",
    "Percent",
    "PermitLimits",
    "Pollutants",
    "Prices",
    "Product",
    "Resources",
    "Sample",
    "SelfInspection",
    "StepFacts",
    "TreatmentStage",
    "Volume",
    "Waste",
    "Wastewater",
    "YearData",
    "hw_category",
    "json_schema",
    "normalise_district",
    "validate_answers",
]

_Model = Model


# --- identity -----------------------------------------------------------------------------------------------


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise_district(text: str) -> str:
    """A district name as stored and compared: zero-width characters removed, NFKC, outer spaces stripped. The
    same again on its own result (removing a zero-width joiner between a letter and a combining mark after NFKC
    left a pair that a second NFKC composed, so a stored district read back differed from the one stored)."""
    return unicodedata.normalize("NFKC", text.translate(_ZERO_WIDTH)).translate(_ZERO_WIDTH).strip()


def _district(raw: object) -> object:
    return normalise_district(raw) if isinstance(raw, str) else raw


class Enterprise(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    district: Annotated[str, BeforeValidator(_district)] = Field(
        min_length=1, max_length=100, description="e.g. 宝安区 (NFKC-normalised, zero-width characters removed)"
    )
    city: str = "深圳市"
    province: str = "广东省"
    grid_region: Literal["north", "northeast", "east", "central", "northwest", "southwest", "southern"] = Field(
        default="southern", description="regional power grid, for the grid CO2 emission factor"
    )
    industry_code: str = Field(default="3982", description="national industry classification, 3982 = 电子电路制造")
    staff: int | None = Field(default=None, ge=1)
    synthetic: bool = Field(default=False, description="true for made-up example enterprises")


# --- per year -----------------------------------------------------------------------------------------------


class Product(_Model):
    """Output of one board type in a year."""

    rigidity: Rigidity
    construction: Construction
    layers: int | None = Field(default=None, ge=1, le=60, description="total layer count (multilayer and HDI)")
    output: Area = Field(description="qualified board produced")
    pass_rate: Percent | None = None
    output_value: Money | None = None
    # optional sub-metering by product line; when absent the plant totals are used
    electricity: Energy | None = None
    fresh_water: Volume | None = None
    wastewater: Volume | None = None
    ccl_input: Area | None = None

    @model_validator(mode="after")
    def _layers(self) -> Product:
        if self.construction in (Construction.multilayer, Construction.hdi):
            if self.layers is None:
                invalid(
                    "layers_missing",
                    f"a {self.construction} board needs its total layer count (layers)",
                    f"{self.construction} 板需填写总层数（layers）",
                )
            if self.layers < 3:
                invalid(
                    "layers_range",
                    f"a {self.construction} board has at least 3 layers",
                    f"{self.construction} 板至少 3 层",
                )
        elif self.layers is not None:
            expected = 1 if self.construction == Construction.single else 2
            if self.layers != expected:
                invalid(
                    "layers_range",
                    f"a {self.construction}-sided board has {expected} layer(s)",
                    f"{self.construction} 板为 {expected} 层",
                )
        return self

    @property
    def board_key(self) -> str:
        suffix = f"-{self.layers}L" if self.construction.layered else ""
        return f"{self.rigidity}/{self.construction}{suffix}"


class Part(_Model):
    """A part of a total, e.g. one workshop's water or electricity."""

    name: str = Field(min_length=1)
    value: NumberOrUnknown
    unit: str


class Fuel(_Model):
    fuel: Literal["natural_gas", "diesel", "lpg", "steam", "other"]
    quantity: NumberOrUnknown
    unit: Literal["m3", "t", "GJ"]
    note: str = ""


class Chemical(_Model):
    name: str = Field(min_length=1)
    category: Literal[
        "etchant", "ink", "dry_film", "plating", "developer", "stripper", "micro_etch", "cleaner", "other"
    ]
    quantity: Mass
    voc_content: Percent | None = Field(
        default=None,
        description="VOCs content by mass, from the safety data sheet (挥发性有机物含量，按化学品安全技术说明书)",
    )
    note: str = ""


class Resources(_Model):
    fresh_water: Volume
    fresh_water_by_workshop: list[Part] = Field(default_factory=list)
    reused_water: Volume | None = Field(default=None, description="recycled or reused water (重复利用水量)")
    electricity: Energy
    electricity_by_workshop: list[Part] = Field(default_factory=list)
    electricity_wastewater_plant: Energy | None = None
    fuels: list[Fuel] = Field(default_factory=list)
    ccl_input: Area | None = Field(default=None, description="copper-clad laminate put into production")
    chemicals: list[Chemical] = Field(default_factory=list)


class CopperInput(_Model):
    """Copper brought into production in the year (铜投入量), the inputs of the plant's copper balance.

    The laminate copper is either given in tonnes (``laminate``) or computed from the laminate and foil put in:
    resources.ccl_input × the copper of each clad side + lamination foil area × its copper.
    """

    laminate: Mass | None = Field(
        default=None,
        description="copper in the copper-clad laminate and lamination foil put in (覆铜板及压合铜箔含铜量), t Cu, "
        "when the purchase records give it; replaces ccl_foil and lamination_foil",
    )
    ccl_foil: list[AreaWeight] = Field(
        default_factory=list,
        max_length=2,
        description="nominal copper of each clad side of the laminate put in (覆铜板每面铜箔规格), e.g. "
        "[1 oz/ft2, 1 oz/ft2] for 1/1 oz double-sided laminate; for a mix, the area-weighted average of each side",
    )
    lamination_foil_area: Area | None = Field(
        default=None, description="copper foil put into multilayer lamination (压合用铜箔面积), 0 if none"
    )
    lamination_foil: AreaWeight | None = Field(default=None, description="nominal copper of that foil (铜箔规格)")
    plating: Mass | None = Field(
        default=None,
        description="copper bought for electroplating and electroless copper, as copper (电镀及化学沉铜用铜，折纯铜): "
        "anodes, copper balls, copper salts; 0 if none",
    )

    @model_validator(mode="after")
    def _one_laminate_source(self) -> CopperInput:
        if self.laminate is not None and (self.ccl_foil or self.lamination_foil_area or self.lamination_foil):
            invalid(
                "copper_input_twice",
                "give the laminate copper either in tonnes (laminate) or as foil (ccl_foil, lamination_foil), not both",
                "覆铜板含铜量请二选一填写：按吨（laminate）或按铜箔规格（ccl_foil、lamination_foil），不要同时填写",
            )
        if (self.lamination_foil_area is None) != (self.lamination_foil is None):
            area = self.lamination_foil_area
            if not (area is not None and area.value == Decimal(0)):
                invalid(
                    "lamination_foil_pair",
                    "lamination_foil_area and lamination_foil go together (area and copper per m2)",
                    "压合铜箔面积（lamination_foil_area）与铜箔规格（lamination_foil）需同时填写",
                )
        return self


class YearData(_Model):
    year: int = Field(ge=2000, le=2100)
    products: list[Product] = Field(min_length=1)
    output_value: Money | None = Field(default=None, description="industrial output value of the year")
    resources: Resources
    wastewater: Wastewater
    wastes: list[Waste] = Field(default_factory=list)
    copper_recovered: Mass | None = Field(
        default=None,
        description="copper recovered in the year (铜回收量), t Cu: recovered on site (e.g. electrolytic copper from "
        "etchant regeneration) plus the copper in the wastes sent to recyclers (recycler receipts)",
    )
    copper_input: CopperInput | None = Field(default=None, description="copper brought into production (铜投入量)")
    pass_rate: Percent | None = Field(
        default=None, description="plant-wide pass rate of the year (全厂产品合格率), as the plant's records give it"
    )


class Price(_Model):
    value: Decimal = Field(gt=0)
    valid_from: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="date from which the enterprise pays it")


class Prices(_Model):
    """The enterprise's own prices, used to value savings (the knowledge base holds few sourced prices)."""

    water_cny_per_m3: Price | None = Field(default=None, description="fresh water incl. sewage charges, CNY/m3")
    wastewater_treatment_cny_per_m3: Price | None = None
    electricity_cny_per_kwh: Price | None = None
    hazardous_waste_cny_per_t: Price | None = Field(default=None, description="disposal fee paid, CNY/t")
    copper_cny_per_t: Price | None = None


class InvestmentQuote(_Model):
    """The enterprise's own quote for an option (it replaces the knowledge base's range in the plan)."""

    option: str = Field(description="option id of the knowledge base, e.g. tin_stripper_regeneration")
    amount: Money
    note: str = Field(default="", description="supplier, date, scope of the quote")


# --- process and answers ------------------------------------------------------------------------------------

Answer = bool | int | Decimal | str | list[str] | Literal["unknown"]


def _answer(raw: object) -> object:
    if isinstance(raw, float):
        return Decimal(str(raw))
    return raw


Answers = dict[str, Annotated[Answer, BeforeValidator(_answer)]]  # by question id; of the plant or of a step


class _Answers(_Model):
    answers: Answers


def validate_answers(raw: dict[str, Any]) -> dict[str, Any]:
    """Enterprise answers validated as a self-inspection's ``answers`` are."""
    return _Answers.model_validate({"answers": raw}).answers


class StepFacts(_Model):
    """A process step as run by the enterprise, with the manual's step-scoped answers about it."""

    step: str = Field(description="step id of the knowledge base")
    run: bool = Field(default=True, description="false: the plant does not run the step itself (declared absent)")
    absent_reason: Literal["outsourced", "not_used"] | None = Field(
        default=None, description="with run: false - outsourced (外协) or not_used (本厂工艺无此工序)"
    )
    chemistry: str | None = Field(
        default=None,
        description="the step's chemistry, one of the step's chemistries in the knowledge base (e.g. ammoniacal for "
        "inner-layer etching); absent: the step's default chemistry",
    )
    answers: Answers = Field(default_factory=dict)
    note: str = ""

    @model_validator(mode="after")
    def _absent(self) -> StepFacts:
        if self.run and self.absent_reason is not None:
            invalid(
                "absent_reason_for_step_run",
                "absent_reason is for a step that is not run (run: false)",
                "absent_reason 仅用于未运行的工序（run: false）",
            )
        return self


class TreatmentStage(_Model):
    """One stage of an exhaust treatment chain: a treatment unit type of the knowledge base and how many units."""

    unit: str = Field(description="treatment unit id of the knowledge base (manual/treatment_units.yaml)")
    count: int = Field(default=1, ge=1, le=100, description="number of units of this type in the stage (台/套)")


class ExhaustSource(_Model):
    """One exhaust source (排气筒, e.g. DA001) with the steps it serves and its ordered treatment chain.

    When given, the step answer q_line_exhaust_treatment (and q_dust_collection for dust) of the steps it serves
    is derived from the chain (engine/intake/exhaust.py); a stated answer must agree with it."""

    name: str = Field(min_length=1, max_length=200, description="e.g. DA001 酸性废气排气筒")
    steps: list[str] = Field(min_length=1, description="step ids whose exhaust goes to this source")
    treatment: list[TreatmentStage] = Field(
        default_factory=list, description="treatment units in the order the exhaust passes them; empty: untreated"
    )
    dust_recovered: bool | None = Field(
        default=None, description="dust collected by the chain goes to recovery (e.g. copper from drill dust)"
    )
    note: str = ""


class SelfInspection(_Model):
    """An enterprise's cleaner-production self-inspection (自查手册填报)."""

    schema_version: Literal["1", "2"] = Field(
        default="2",
        description='"2"; files of version "1" are migrated on reading (engine/intake/migrate.py)',
    )
    enterprise: Enterprise
    reporting_years: list[int] = Field(min_length=1, max_length=3)
    years: list[YearData] = Field(min_length=1, max_length=3)
    process: list[StepFacts] = Field(default_factory=list)
    answers: Answers = Field(default_factory=dict)
    prices: Prices | None = None
    investment_quotes: list[InvestmentQuote] = Field(
        default_factory=list, description="the enterprise's own investment quotes per option (optional)"
    )
    exhaust_sources: list[ExhaustSource] = Field(
        default_factory=list, description="exhaust sources with their treatment chains (optional)"
    )

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        return migrate(data)

    @field_validator("reporting_years")
    @classmethod
    def _years_in_order(cls, years: list[int]) -> list[int]:
        if years != sorted(years) or len(set(years)) != len(years):
            invalid(
                "years_order",
                "reporting years must be distinct and in ascending order",
                "报告年份应互不相同且按升序排列",
            )
        return years

    @model_validator(mode="after")
    def _years_match(self) -> SelfInspection:
        given = [y.year for y in self.years]
        if given != self.reporting_years:
            invalid(
                "years_match",
                "years[] must hold the reporting years in the same order: "
                f"expected {self.reporting_years}, got {given}",
                f"years[] 应按相同顺序包含各报告年份：应为 {self.reporting_years}，实为 {given}",
            )
        return self

    @property
    def latest(self) -> YearData:
        return self.years[-1]

    def year(self, year: int) -> YearData:
        return next(y for y in self.years if y.year == year)

    def index_of(self, year: YearData) -> int:
        """The position of ``year`` in ``years`` (by identity: comparing the models field by field is slow)."""
        for i, y in enumerate(self.years):
            if y is year:
                return i
        return self.years.index(year)

    def steps_run(self) -> list[str]:
        return [s.step for s in self.process if s.run]


def json_schema() -> dict[str, Any]:
    schema = SelfInspection.model_json_schema()
    schema["$id"] = f"https://smart-audit/schemas/self-inspection/{SCHEMA_VERSION}"
    schema["title"] = "SelfInspection / 清洁生产自查手册填报"
    return schema
