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

from engine.kb.base import Grade, LocalText, Strict

__all__ = ["BenefitModel", "MeasureArea", "MeasureGroup", "Option", "PeerScheme", "Range", "Resource"]

Resource = Literal[
    "fresh_water_m3",
    "wastewater_m3",
    "electricity_kwh",
    "copper_in_wastewater_kg",
    "cod_in_wastewater_kg",
    "hazardous_waste_t",
    "chemicals_t",
    "copper_recovered_kg",
]


class Range(Strict):
    """A sourced figure as a range with a central value (low <= central <= high)."""

    low: float
    central: float
    high: float
    unit: str
    source: str
    grade: Grade
    claim: bool = Field(default=False, description="a vendor or trade claim, not a measurement")
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.central <= self.high:
            raise ValueError(f"a range needs low <= central <= high, got {self.low}, {self.central}, {self.high}")
        return self


class BenefitModel(Strict):
    """How the option's annual effect is estimated from the enterprise's data.

    kinds:
    - ``resource_fraction``: ``fraction`` (unit "%") of a plant quantity (``resource``) is saved; ``scope``
      optionally limits the base to the steps the option is recommended for (their equal share of the plant's
      wet steps, an allocation the plan states);
    - ``rinse_stages``: counter-current rinsing, Q(n) = (r^(1/n) + 1/n)·K against Q(1) = r·K (options.md §4.2),
      with ``dilution_ratio`` r = Cp/Cn, ``target_stages``, and the rinse share of plant water ``rinse_share`` (%)
      allocated equally to the wet steps run;
    - ``waste_fraction``: ``fraction`` (%) of the reported tonnage of ``streams`` is avoided (hazardous waste),
      optionally with ``chemicals_fraction`` (%) of the same tonnage no longer bought;
    - ``copper_from_waste``: copper recovered = copper contained in the reported ``streams`` (the waste's
      ``copper_t``) × ``recovery`` (%);
    - ``per_output``: ``saving`` per m² of the output of the board types that pass the steps, for ``resource``.
    """

    kind: Literal["resource_fraction", "rinse_stages", "waste_fraction", "copper_from_waste", "per_output"]
    resource: Resource | None = None
    fraction: Range | None = None
    scope: Literal["plant", "steps"] = "plant"
    dilution_ratio: Range | None = None
    target_stages: int | None = Field(default=None, ge=2, le=6)
    rinse_share: Range | None = None
    streams: list[str] = Field(default_factory=list)
    chemicals_fraction: Range | None = None
    recovery: Range | None = None
    saving: Range | None = None

    @model_validator(mode="after")
    def _params(self) -> BenefitModel:
        need: dict[str, tuple[str, ...]] = {
            "resource_fraction": ("resource", "fraction"),
            "rinse_stages": ("dilution_ratio", "target_stages", "rinse_share"),
            "waste_fraction": ("streams", "fraction"),
            "copper_from_waste": ("streams", "recovery"),
            "per_output": ("resource", "saving"),
        }
        missing = [p for p in need[self.kind] if not getattr(self, p)]
        if missing:
            raise ValueError(f"a {self.kind} benefit model needs {missing}")
        return self

    def ranges(self) -> list[tuple[str, Range]]:
        return [
            (name, value)
            for name in ("fraction", "dilution_ratio", "rinse_share", "chemicals_fraction", "recovery", "saving")
            if isinstance(value := getattr(self, name), Range)
        ]


class Investment(Strict):
    low: float = Field(ge=0)
    high: float = Field(ge=0)
    unit: Literal["CNY"] = "CNY"
    basis: str = Field(min_length=3, description="what the range covers, e.g. 'per line', 'plant of 1 million m²/a'")
    source: str
    grade: Grade
    claim: bool = False
    note: str = ""


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
    benefit: BenefitModel | None = None
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
