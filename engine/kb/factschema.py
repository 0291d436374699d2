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
        "destination": FieldSpec("str", tuple(sorted(kb.destinations)), description="reported destination"),
        "destination_kind": FieldSpec("str", tuple(sorted({d.kind for d in kb.destinations.values()}))),
        "quantity_t": FieldSpec("number", unit="t", description="reported quantity of the evaluated year"),
        "kg_per_m2": FieldSpec("number", unit="kg/m2", description="reported quantity per m² of qualified output"),
        "hazardous": FieldSpec("bool"),
    }
    finding: dict[str, FieldSpec] = {
        "id": FieldSpec("str"),
        "finding": FieldSpec("str"),
        "severity": FieldSpec("str", ("high", "medium", "low")),
        "subject": FieldSpec("str"),
        "subject_step": FieldSpec("str", tuple(sorted(kb.steps))),
        "subject_family": FieldSpec("str", families),
        "subject_indicator": FieldSpec("str", tuple(sorted(kb.indicators))),
        "subject_stream": FieldSpec("str", tuple(sorted(kb.streams))),
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
        "finding": finding,
        "recommendation": recommendation,
    }
