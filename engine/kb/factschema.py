"""The facts that rules can match, with each property's type, allowed values and unit.

Facts are built per session by engine/inference/facts.py; this module only declares their shape, derived from
the knowledge base (questions become properties of the enterprise and step facts), so that rules can be
type-checked when the knowledge base loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["LEVEL_NAMES", "FieldSpec", "fact_schema"]

FieldKind = Literal["bool", "number", "str", "list"]

# level names an indicator fact can carry, and their ranks (0 = the strictest level)
LEVEL_NAMES = ("I", "II", "III", "fails", "not_applicable", "insufficient_data")


@dataclass(frozen=True)
class FieldSpec:
    kind: FieldKind
    allowed: tuple[str, ...] = ()
    unit: str | None = None
    per_indicator_unit: bool = False  # the unit is the matched indicator's
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _question_field(q_answer: str, choices: tuple[str, ...], unit: str | None) -> FieldSpec:
    if q_answer == "boolean":
        return FieldSpec("bool")
    if q_answer == "choice":
        return FieldSpec("str", choices)
    if q_answer == "multi_choice":
        return FieldSpec("list", choices)
    if q_answer in ("number", "integer"):
        return FieldSpec("number", unit=unit or "1")
    return FieldSpec("str")


def _effluent_schema(kb: KnowledgeBase) -> dict[str, FieldSpec]:
    """One pollutant measured at one effluent outlet, compared with the limits that apply there
    (engine/inference/effluent.py)."""
    pollutants = tuple(sorted({p.pollutant for s in kb.effluent_standards.values() for p in s.pollutants}))
    tables = tuple(sorted({t.id for s in kb.effluent_standards.values() for t in s.tables}))
    positions = ("workshop_outlet", "discharge")
    mg = "mg/L"
    out: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "year": FieldSpec("number", unit="1", description="the evaluated year"),
        "outlet": FieldSpec("str", description="outlet name as reported"),
        "outlet_index": FieldSpec("number", unit="1", description="index in wastewater.outlets"),
        "position": FieldSpec("str", positions, description="where the sample was taken"),
        "pollutant": FieldSpec("str", pollutants),
        "class_i": FieldSpec("bool", description="class-I pollutant (limit at the workshop or facility outlet)"),
        "applies_at": FieldSpec("str", positions, description="outlet where the standard monitors the pollutant"),
        "compared": FieldSpec("bool", description="the sample was taken where the limits apply"),
        "statistic": FieldSpec(
            "str", ("maximum", "mean", "flow_weighted"), description="how the samples were reduced (when given)"
        ),
        "samples": FieldSpec("number", unit="1", description="number of monitoring samples reduced"),
        "upper_bound": FieldSpec("bool", description="the value is a bound (a censored sample decided it)"),
        "limit_undetermined": FieldSpec(
            "bool", description="the value is a bound above the limit: compliance cannot be told"
        ),
        "discharge_route": FieldSpec("str", ("municipal_sewer", "park_plant", "direct", "none")),
        "value": FieldSpec("number", unit=mg, description="measured concentration"),
        "table": FieldSpec("str", tables, description="GB 21900 table the plant states; absent when not stated"),
        "permit_number": FieldSpec("str"),
        "limit": FieldSpec("number", unit=mg, description="the binding limit: the strictest that may apply"),
        "limit_basis": FieldSpec("str", ("permit", *tables), description="which limit binds"),
        "limit_assumed": FieldSpec("bool", description="the binding limit is Table 3 while no table is stated"),
        "limit_source": FieldSpec("str", description="source id of the binding limit, or 'permit'"),
        "limit_grade": FieldSpec("str", ("A", "B", "C", "D", "U"), description="grade of a binding GB limit"),
        "ratio_to_limit": FieldSpec("number", unit="1", description="value / limit"),
        "margin": FieldSpec("number", unit=mg, description="value - limit (positive: above the limit)"),
    }
    for suffix in ("permit", *tables):
        out[f"limit_{suffix}"] = FieldSpec("number", unit=mg)
        out[f"ratio_to_{suffix}"] = FieldSpec("number", unit="1", description=f"value / the {suffix} limit")
        out[f"margin_{suffix}"] = FieldSpec("number", unit=mg, description=f"value - the {suffix} limit")
    return out


def fact_schema(kb: KnowledgeBase) -> dict[str, dict[str, FieldSpec]]:
    """Property specs of every fact type."""
    families = tuple(sorted({s.family for s in kb.steps.values()}))
    levels = tuple(sorted({lv for b in kb.benchmark_sets.values() for lv in b.levels}))
    enterprise: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "district": FieldSpec("str"),
        "grid_region": FieldSpec("str"),
        "board_types": FieldSpec("number", unit="1", description="number of board types made"),
        "output_m2": FieldSpec("number", unit="m2", description="qualified output of the evaluated year"),
        "overall_level": FieldSpec("str", (*levels, "below_III")),
        "overall_rank": FieldSpec("number", unit="1", description="0 = level I ... 3 = below III"),
        "Y_I": FieldSpec("number", unit="1"),
        "Y_II": FieldSpec("number", unit="1"),
        "Y_III": FieldSpec("number", unit="1"),
        "steps_run": FieldSpec("list", tuple(sorted(kb.steps))),
        "families_run": FieldSpec("list", families),
        "pass_rate": FieldSpec("number", unit="%", description="plant-wide pass rate of the evaluated year"),
        "wastes_destination_unknown": FieldSpec(
            "number", unit="1", description="wastes of the evaluated year whose destination is 'unknown'"
        ),
        "wastes_destination_unknown_list": FieldSpec("str", description="their names, separated by 、"),
    }
    for rigidity in ("rigid", "flexible"):
        for construction in ("single", "double", "multilayer", "hdi"):
            enterprise[f"makes_{rigidity}_{construction}"] = FieldSpec("bool")
    step: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "step": FieldSpec("str", tuple(sorted(kb.steps))),
        "family": FieldSpec("str", families),
        "streams": FieldSpec("list", tuple(sorted(kb.streams)), description="waste streams the step produces"),
        "indicators": FieldSpec("list", tuple(sorted(kb.indicators)), description="indicators the step bears on"),
        "chemistry": FieldSpec(
            "str",
            tuple(sorted({c.id for s in kb.steps.values() for c in s.chemistries})),
            description="the chemistry the plant states for the step (process[].chemistry); absent: the default",
        ),
    }
    for q in kb.questions.values():
        spec = _question_field(q.answer, tuple(c.value for c in q.choices), q.unit)
        if q.scope == "enterprise":
            enterprise[q.id] = spec
        else:
            step[q.id] = spec
    indicator: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "indicator": FieldSpec("str", tuple(sorted(kb.indicators))),
        "instance": FieldSpec("str"),
        "group": FieldSpec("str"),
        "value": FieldSpec("number", per_indicator_unit=True),
        "level": FieldSpec("str", tuple(sorted(set(LEVEL_NAMES) | set(levels)))),
        "level_rank": FieldSpec("number", unit="1", description="0 = strictest level; len(levels) = fails"),
        "limiting": FieldSpec("bool"),
        "provisional": FieldSpec("bool"),
        "threshold_I": FieldSpec("number", per_indicator_unit=True),
        "threshold_II": FieldSpec("number", per_indicator_unit=True),
        "threshold_III": FieldSpec("number", per_indicator_unit=True),
        "ratio_to_III": FieldSpec("number", unit="1", description="value / level-III threshold"),
        "improving_years": FieldSpec("number", unit="1"),
    }
    stream: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "stream": FieldSpec("str", tuple(sorted(kb.streams))),
        "kind": FieldSpec("str", ("wastewater", "liquid_waste", "solid_waste", "air_emission", "by_product")),
        "segregation_class": FieldSpec("str"),
        "produced_by": FieldSpec("list", tuple(sorted(kb.steps)), description="steps run that produce it"),
        "producers": FieldSpec(
            "list",
            tuple(sorted(kb.steps)),
            description="steps that produce it per the knowledge base (routes of the board types made, utilities)",
        ),
        "reported": FieldSpec("bool", description="the plant reported a quantity for it in the evaluated year"),
        "destination": FieldSpec(
            "str", (*sorted(kb.destinations), "unknown"), description="reported destination ('unknown': not known)"
        ),
        "destination_kind": FieldSpec("str", tuple(sorted({d.kind for d in kb.destinations.values()}))),
        "quantity_t": FieldSpec("number", unit="t", description="reported quantity of the evaluated year"),
        "kg_per_m2": FieldSpec("number", unit="kg/m2", description="reported quantity per m² of qualified output"),
        "hazardous": FieldSpec("bool"),
    }
    effluent = _effluent_schema(kb)
    pollutants = effluent["pollutant"].allowed
    finding: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "finding": FieldSpec("str"),
        "severity": FieldSpec("str", ("high", "medium", "low")),
        "subject": FieldSpec("str"),
        "subject_step": FieldSpec("str", tuple(sorted(kb.steps))),
        "subject_family": FieldSpec("str", families),
        "subject_indicator": FieldSpec("str", tuple(sorted(kb.indicators))),
        "subject_stream": FieldSpec("str", tuple(sorted(kb.streams))),
        "subject_pollutant": FieldSpec("str", pollutants, description="pollutant of the effluent fact it is about"),
        "subject_outlet": FieldSpec("str", description="outlet name of the effluent fact it is about"),
    }
    recommendation: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "option": FieldSpec("str"),
        "subject": FieldSpec("str"),
        "subject_step": FieldSpec("str", tuple(sorted(kb.steps))),
        "subject_family": FieldSpec("str", families),
    }
    return {
        "enterprise": enterprise,
        "step": step,
        "indicator": indicator,
        "stream": stream,
        "effluent": effluent,
        "finding": finding,
        "recommendation": recommendation,
    }
