"""The cohort's calls into the engine, shared by the command line and the service: validate each member's
self-inspection, build its plan, evaluate the cohort with the knowledge base's cohort policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine.cohort import CohortPolicy, Member, evaluate_cohort
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase
from engine.plan.build import build_plan

__all__ = ["MemberInput", "cohort_policy", "evaluate_members", "finding_titles", "member_of"]

MemberInput = tuple[str, Any, str | None]  # (period, raw self-inspection, reference: stored id or file)


def cohort_policy(kb: KnowledgeBase) -> CohortPolicy:
    if "default" in kb.cohort_policies:
        return kb.cohort_policies["default"]
    return next(iter(kb.cohort_policies.values()))


def finding_titles(kb: KnowledgeBase) -> dict[str, Any]:
    return {k: v.title.model_dump() for k, v in kb.findings.items()}


def member_of(kb: KnowledgeBase, period: str, raw: Any, ref: str | None, graph: Any = None) -> Member:
    """Validate (raises SelfInspectionInvalid) and plan one member."""
    validated = parse_self_inspection(kb, raw)
    plan = build_plan(kb, validated.inspection, graph=graph, warnings=[w.as_dict() for w in validated.warnings])
    return Member(str(validated.inspection.enterprise.id), period, raw, plan, ref)


def evaluate_members(
    kb: KnowledgeBase,
    inputs: Sequence[MemberInput],
    *,
    name: str,
    periods: Sequence[str] | None = None,
    graph: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    members = []
    for i, (period, raw, ref) in enumerate(inputs, start=1):
        if progress:
            progress(i, len(inputs), str(ref))
        members.append(member_of(kb, period, raw, ref, graph))
    return evaluate_cohort(
        members, policy=cohort_policy(kb), name=name, periods=periods, finding_titles=finding_titles(kb)
    )
