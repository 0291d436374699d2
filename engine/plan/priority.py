"""The priority of a recommended option: a sum of shown parts whose weights are the plan policy's."""

from __future__ import annotations

from typing import Any

from engine.evaluate.result import EvaluationResult
from engine.kb.loader import KnowledgeBase
from engine.plan.records import Rec

__all__ = ["priority"]


def priority(
    kb: KnowledgeBase, rec: Rec, ev: EvaluationResult, blocking: set[str], limiting: set[str]
) -> dict[str, Any]:
    policy = next(iter(sorted(kb.plan_policies.items())))[1] if kb.plan_policies else None
    if policy is None:
        return {"score": 0, "parts": {}}
    parts: dict[str, int] = {}
    severities = [str(f.get("severity")) for f in rec.findings]
    parts["severity"] = max((policy.severity_points.get(s, 0) for s in severities), default=0)
    parts["findings"] = min(len(rec.findings), policy.max_findings_counted) * policy.per_finding_points
    indicators = {str(f.get("subject_indicator")) for f in rec.findings if f.get("subject_indicator")}
    parts["blocks_next_level"] = policy.blocks_next_level_points if indicators & blocking else 0
    parts["limiting"] = policy.limiting_points if indicators & limiting else 0
    parts["no_low_cost"] = policy.no_low_cost_points if rec.option.cost_class == "no_low" else 0
    payback_points = 0
    if rec.payback is not None:
        for bucket in sorted(policy.payback_points, key=lambda b: b.max_years):
            if rec.payback["central"] <= bucket.max_years:
                payback_points = bucket.points
                break
    parts["payback"] = payback_points
    return {
        "score": sum(parts.values()),
        "parts": parts,
        "policy": policy.id,
        "source": policy.priority_source,
        "grade": policy.priority_grade.value,
    }
