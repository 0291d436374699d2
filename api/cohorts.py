"""The cohort's calls into the engine, shared by the command line and the service: validate each member's
self-inspection, build its plan, evaluate the cohort with the knowledge base's cohort policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.cohort import CohortPolicy, Member, evaluate_cohort
from engine.cohort.member_plan import member_plan
from engine.cohort.members import shared
from engine.intake.rawinput import read_input
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase

__all__ = ["MemberInput", "cohort_policy", "evaluate_members", "finding_titles", "member_of"]

MemberInput = tuple[str, Any, str | None]  # (period, raw self-inspection, reference: stored id or file)


def cohort_policy(kb: KnowledgeBase) -> CohortPolicy:
    if "default" in kb.cohort_policies:
        return kb.cohort_policies["default"]
    return next(iter(kb.cohort_policies.values()))


def finding_titles(kb: KnowledgeBase) -> dict[str, Any]:
    return {k: v.title.model_dump() for k, v in kb.findings.items()}


def member_of(kb: KnowledgeBase, period: str, raw: Any, ref: str | None, graph: Any = None) -> Member:
    """Validate (raises SelfInspectionInvalid) and plan one member as a cohort keeps it: the part of its plan a
    cohort reads (engine/cohort/member_plan.py) and, of its self-inspection, the enterprise. ``raw``:
    the self-inspection, or the path of its file (JSON or YAML, read strictly where it is planned: a worker of the
    pool reads its own files)."""
    if isinstance(raw, Path):
        raw = read_input(str(raw))
    validated = parse_self_inspection(kb, raw)
    warnings = [w.as_dict() for w in validated.warnings]
    plan = member_plan(kb, validated.inspection, graph=graph, warnings=warnings)  # already slim (slim_plan)
    return Member(str(validated.inspection.enterprise.id), period, {"enterprise": raw.get("enterprise")}, plan, ref)


def _serial(kb: KnowledgeBase, inputs: Iterable[MemberInput], graph: Any) -> Iterable[Member]:
    for period, raw, ref in inputs:
        try:
            yield member_of(kb, period, raw, ref, graph)
        except SelfInspectionInvalid as exc:
            exc.ref = ref  # type: ignore[attr-defined]  # which input, for the message
            raise


def evaluate_members(
    kb: KnowledgeBase,
    inputs: Iterable[MemberInput],
    *,
    name: str,
    periods: Sequence[str] | None = None,
    graph: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
    total: int | None = None,
    workers: int = 1,
    kb_path: str | Path | None = None,
) -> dict[str, Any]:
    """Plan every input (serially, or in ``workers`` processes that load the knowledge base at ``kb_path``) and
    evaluate the cohort. Only the slim part of each plan is kept (:func:`engine.cohort.members.slim_plan`): the
    result is the same either way."""
    if total is None and isinstance(inputs, Sequence):
        total = len(inputs)
    if workers > 1:
        from api.cohort_pool import planned_members

        if kb_path is None:
            raise ValueError("workers > 1 needs the knowledge base's path (kb_path)")
        stream: Iterable[Member] = planned_members(inputs, workers=workers, kb_path=kb_path)
    else:
        stream = _serial(kb, inputs, graph)
    members = []
    cache: dict[Any, Any] = {}  # one instance of each repeated name and string across the members
    for i, member in enumerate(stream, start=1):
        members.append(replace(member, plan=shared(member.plan, cache)))
        if progress:
            progress(i, total or i, str(member.ref))
    return evaluate_cohort(
        members, policy=cohort_policy(kb), name=name, periods=periods, finding_titles=finding_titles(kb)
    )
