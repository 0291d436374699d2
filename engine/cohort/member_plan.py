"""A cohort member's plan as the overall evaluation keeps it (:func:`engine.cohort.members.slim_plan` of the full
plan), made without the parts it would drop: no projections, targets, shortlist or audit focus, no trace but its
findings, no indicator detail but the rows the cohort compares, and an evaluation without the parts nothing here
reads (the input hash, the completeness of answers, how firm the level is, the groups). The same dict as
``slim_plan(build_plan(...))``, tested on every bundled example (tests/cohort/test_member_plan.py)."""

from __future__ import annotations

from typing import Any

from engine.cohort.members import FINDING_KEYS, slim_option, slim_row
from engine.evaluate.result import InstanceResult, decimal_json
from engine.graph import ProcessGraph
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.plan.build import core_recommendations, core_totals, plan_core

__all__ = ["LEFT_OUT", "member_plan"]

LEFT_OUT = ("input_hash", "completeness", "level_firmness", "groups")  # of the evaluation: read by no cohort


def _row(inst: InstanceResult) -> dict[str, Any]:
    """``slim_row(inst.as_dict())`` without the rest of ``as_dict``."""
    return slim_row(
        {
            "key": inst.key,
            "id": inst.id,
            "instance": inst.instance,
            "name": {"zh": inst.name_zh, "en": inst.name_en},
            "kind": inst.kind,
            "unit": inst.unit,
            "direction": inst.direction,
            "group": inst.group,
            "level": inst.level,
            "value": decimal_json(inst.value),
            "thresholds": {t.level: t.as_dict() for t in inst.thresholds},
        }
    )


def member_plan(
    kb: KnowledgeBase,
    si: SelfInspection,
    *,
    graph: ProcessGraph | None = None,
    warnings: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    core = plan_core(kb, si, graph, None, None, warnings, leave_out=LEFT_OUT)
    ev = core.ev
    return {
        "enterprise": ev.enterprise,
        "year": ev.year,
        "evaluation": {
            "overall_level": ev.overall_level,
            "indices": ev.indices_json(),
            "benchmark_set": {"id": ev.benchmark_set["id"]},
            "kb_version": ev.kb_version,
            "kb_hash": ev.kb_hash,
            "indicators": [_row(i) for i in ev.instances],
        },
        "recommendations": [slim_option(o) for o in core_recommendations(core)],
        "totals": core_totals(kb, si, core),
        "trace": {
            nid: {
                "type": "finding",
                "rule": node.rule,
                "value": {k: (node.value or {}).get(k) for k in FINDING_KEYS},
            }
            for nid, node in sorted(core.inf.trace.nodes.items())
            if node.type == "finding"
        },
    }
