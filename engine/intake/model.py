"""The self-inspection an enterprise submits: a pydantic model, published as JSON Schema.

Every quantity is an object ``{"value": <number or "unknown">, "unit": <unit>}``; "unknown" is a legal answer and
whatever depends on it is reported as insufficient data. Knowledge-base references (step ids, question ids,
waste-stream ids, destinations) are checked against the knowledge base by :mod:`engine.intake.validate`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from engine.intake.units import UNITS, to_canonical
from engine.kb.models import Construction, Rigidity

__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "Area",
    "AreaWeight",
    "Chemical",
    "Concentration",
    "CopperInput",
    "Energy",
    "Enterprise",
    "InvestmentQuote",
    "Mass",
    "Money",
    "Outlet",
    "Percent",
    "PermitLimits",
    "Prices",
    "Product",
    "Resources",
    "SelfInspection",
    "StepFacts",
    "Volume",
    "Waste",
    "Wastewater",
    "YearData",
    "json_schema",
]

SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _number(raw: object) -> object:
    if isinstance(raw, bool):
        raise ValueError("expected a number or 'unknown', got a boolean")
    if isinstance(raw, float | int):
        return Decimal(str(raw))
    if isinstance(raw, str) and raw.strip().lower() == "unknown":
        return "unknown"
    return raw


NumberOrUnknown = Annotated[Decimal | Literal["unknown"], BeforeValidator(_number)]


class _Quantity(_Model):
    """A measured quantity with its unit."""

    value: NumberOrUnknown
    unit: str

    @model_validator(mode="after")
    def _check(self) -> _Quantity:
        kind = self._kind()
        if self.unit not in UNITS[kind]:
            raise ValueError(f"unit {self.unit!r} is not a unit of {kind}; use one of {sorted(UNITS[kind])}")
        if self.value != "unknown" and isinstance(self.value, Decimal) and self.value < 0:
            raise ValueError("a quantity cannot be negative")
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
            raise ValueError("a rate must be between 0 and 100 %")
        return self


# --- identity -----------------------------------------------------------------------------------------------


class Enterprise(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    district: str = Field(min_length=1, description="e.g. 宝安区")
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
                raise ValueError(f"a {self.construction} board needs its total layer count (layers)")
            if self.layers < 3:
                raise ValueError(f"a {self.construction} board has at least 3 layers")
        elif self.layers is not None:
            expected = 1 if self.construction == Construction.single else 2
            if self.layers != expected:
                raise ValueError(f"a {self.construction}-sided board has {expected} layer(s)")
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


class _Concentrations(_Model):
    """Concentrations by pollutant (the names of GB 21900-2008: 总铜 cu, 总镍 ni, 化学需氧量 cod, 氨氮 nh3n, 总氮 tn,
    总磷 tp, 总氰化物 cn, 悬浮物 ss, 总铬 total_cr, 六价铬 cr6, 总镉 cd, 总铅 pb, 总银 ag)."""

    cu: Concentration | None = None
    ni: Concentration | None = None
    cod: Concentration | None = None
    nh3n: Concentration | None = None
    tn: Concentration | None = None
    tp: Concentration | None = None
    cn: Concentration | None = None
    ss: Concentration | None = None
    total_cr: Concentration | None = None
    cr6: Concentration | None = None
    cd: Concentration | None = None
    pb: Concentration | None = None
    ag: Concentration | None = None


class Pollutants(_Concentrations):
    """Concentrations measured at an outlet in the year, as the plant reports them."""

    ph: Decimal | None = Field(default=None, ge=0, le=14)


class PermitLimits(_Concentrations):
    """The plant's discharge-permit limits (排污许可证许可排放浓度), mg/L, compared at the outlet where GB 21900
    monitors each pollutant: class-I pollutants (Ni, Cr, Cr(VI), Cd, Pb, Ag) at the workshop or facility outlet,
    the others at the main discharge outlet."""

    permit_number: str | None = Field(default=None, min_length=1, max_length=64, description="排污许可证编号")

    @model_validator(mode="after")
    def _positive(self) -> PermitLimits:
        for name in _Concentrations.model_fields:
            limit = getattr(self, name)
            if limit is not None and isinstance(limit.value, Decimal) and limit.value == 0:
                raise ValueError(f"the permit limit for {name} must be greater than zero")
        return self


class Outlet(_Model):
    name: str = Field(min_length=1)
    position: Literal["before_treatment", "workshop_outlet", "discharge"] = Field(
        description="before_treatment: raw wastewater entering the plant; workshop_outlet: class-I pollutant outlet;"
        " discharge: the main outlet"
    )
    concentrations: Pollutants
    volume: Volume | None = Field(
        default=None, description="annual volume through this outlet; needed when several outlets share a position"
    )


class Wastewater(_Model):
    generated: Volume = Field(description="wastewater generated (产生量)")
    discharged: Volume | None = Field(default=None, description="wastewater discharged (排放量)")
    outlets: list[Outlet] = Field(default_factory=list)
    gb21900_table: Literal["table2", "table3"] | None = Field(
        default=None,
        description="the GB 21900-2008 table the plant must meet (执行标准): table2 (表2 排放限值) or table3 "
        "(表3 特别排放限值, where the authority designates it); when absent, both are compared and the output says "
        "which comparison holds only under Table 3",
    )
    permit_limits: PermitLimits | None = Field(
        default=None, description="limits of the plant's discharge permit (排污许可证), if it has one"
    )


class Waste(_Model):
    stream: str = Field(description="waste-stream id of the knowledge base, e.g. spent_alkaline_etchant")
    category: Literal["hazardous", "general"]
    quantity: Mass
    destination: str = Field(description="destination id of the knowledge base, e.g. offsite_recycling")
    copper_t: Mass | None = Field(default=None, description="copper contained, if known (e.g. from recycler receipts)")
    fee_cny_per_t: Decimal | None = Field(
        default=None,
        ge=-1000000,
        le=1000000,
        description="what the plant pays per tonne to have it taken away (negative: what the recycler pays the plant)",
    )
    note: str = ""


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
            raise ValueError(
                "give the laminate copper either in tonnes (laminate) or as foil (ccl_foil, lamination_foil), not both"
            )
        if (self.lamination_foil_area is None) != (self.lamination_foil is None):
            area = self.lamination_foil_area
            if not (area is not None and area.value == Decimal(0)):
                raise ValueError("lamination_foil_area and lamination_foil go together (area and copper per m2)")
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


class StepFacts(_Model):
    """A process step as run by the enterprise, with the manual's step-scoped answers about it."""

    step: str = Field(description="step id of the knowledge base")
    run: bool = True
    answers: dict[str, Annotated[Answer, BeforeValidator(_answer)]] = Field(default_factory=dict)


class SelfInspection(_Model):
    """An enterprise's cleaner-production self-inspection (自查手册填报)."""

    schema_version: Literal["1"] = "1"
    enterprise: Enterprise
    reporting_years: list[int] = Field(min_length=1, max_length=3)
    years: list[YearData] = Field(min_length=1, max_length=3)
    process: list[StepFacts] = Field(default_factory=list)
    answers: dict[str, Annotated[Answer, BeforeValidator(_answer)]] = Field(default_factory=dict)
    prices: Prices | None = None
    investment_quotes: list[InvestmentQuote] = Field(
        default_factory=list, description="the enterprise's own investment quotes per option (optional)"
    )

    @field_validator("reporting_years")
    @classmethod
    def _years_in_order(cls, years: list[int]) -> list[int]:
        if years != sorted(years) or len(set(years)) != len(years):
            raise ValueError("reporting years must be distinct and in ascending order")
        return years

    @model_validator(mode="after")
    def _years_match(self) -> SelfInspection:
        given = [y.year for y in self.years]
        if given != self.reporting_years:
            raise ValueError(
                f"years[] must hold the reporting years in the same order: expected {self.reporting_years}, got {given}"
            )
        return self

    @property
    def latest(self) -> YearData:
        return self.years[-1]

    def year(self, year: int) -> YearData:
        return next(y for y in self.years if y.year == year)

    def steps_run(self) -> list[str]:
        return [s.step for s in self.process if s.run]


def json_schema() -> dict[str, Any]:
    schema = SelfInspection.model_json_schema()
    schema["$id"] = "https://smart-audit/schemas/self-inspection/1"
    schema["title"] = "SelfInspection / 清洁生产自查手册填报"
    return schema
