"""Stored cohorts: created from stored self-inspections the caller may see (all checked before anything is written),
read within the caller's scope (an auditor sees the members in its districts), evaluated with the engine.

A cohort is visible to a caller when at least one of its members is; its members are filtered by the same scope as
records (:func:`api.access.scope_clause`). A cohort outside the caller's scope answers 404, as a record does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select, true
from sqlalchemy.orm import Session, undefer

from api import plan_blob, planning
from api.access import WHOLE_COHORT_READERS, Principal, scope_clause
from api.cohorts import cohort_policy, finding_titles
from api.kbstate import LoadedKb
from api.orm import (
    Acceptance,
    AcceptanceVersion,
    Cohort,
    CohortMember,
    Plan,
    SelfInspectionRecord,
    new_id,
    utcnow,
)
from api.problems import ProblemError
from api.schemas.cohorts import CohortCreate
from engine.acceptance.cohort_rewards import MemberAcceptance, cohort_rewards
from engine.acceptance.library import aggregate
from engine.cohort import CohortError, Member, evaluate_cohort

__all__ = ["VisibleCohort", "evaluate", "get_cohort", "list_cohorts", "new_cohort"]

MAX_LABEL = 40
MAX_NAME = 200


def bi_issue(path: str, rule: str, zh: str, en: str) -> dict[str, str]:
    """A field issue in both languages (``message`` is the English one, as in every other problem)."""
    return {"path": path, "rule": rule, "message": en, "message_zh": zh, "message_en": en}


def invalid(errors: Sequence[dict[str, str]]) -> ProblemError:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    detail = f"{first['path']}: {first['message_zh']} / {first['message_en']}{more}; nothing was stored"
    return ProblemError(422, "cohort-invalid", "Cohort invalid", detail, errors=errors)


def _check_shape(body: CohortCreate) -> list[dict[str, str]]:
    errors = []
    name = body.name.strip()
    if not name:
        errors.append(bi_issue("name", "required", "名称不能为空", "the cohort needs a name"))
    elif len(name) > MAX_NAME:
        errors.append(
            bi_issue("name", "too_long", f"名称最多 {MAX_NAME} 个字符", f"the name has more than {MAX_NAME} characters")
        )
    if not body.periods:
        errors.append(bi_issue("periods", "empty", "至少需要一个时期", "the cohort needs at least one period"))
    seen: dict[str, int] = {}
    for i, period in enumerate(body.periods):
        label = period.label.strip()
        where = f"periods[{i}]"
        if not label:
            errors.append(bi_issue(f"{where}.label", "required", "时期标签不能为空", "the period needs a label"))
        elif len(label) > MAX_LABEL:
            errors.append(
                bi_issue(
                    f"{where}.label",
                    "too_long",
                    f"时期标签最多 {MAX_LABEL} 个字符",
                    f"the label has more than {MAX_LABEL} characters",
                )
            )
        elif label in seen:
            errors.append(
                bi_issue(
                    f"{where}.label",
                    "duplicate_period",
                    f"时期 {label!r} 与 periods[{seen[label]}] 重复",
                    f"the period {label!r} is already periods[{seen[label]}]",
                )
            )
        else:
            seen[label] = i
        if not period.self_inspection_ids:
            errors.append(
                bi_issue(
                    f"{where}.self_inspection_ids",
                    "empty_period",
                    "该时期没有任何自查记录",
                    "the period has no self-inspection",
                )
            )
    return errors


def new_cohort(session: Session, caller: Principal, body: CohortCreate) -> tuple[Cohort, list[CohortMember]]:
    """The cohort and its members (added to the session, not committed); 422 naming every field at fault, with
    nothing added, if any id is unknown or not visible to the caller, or an enterprise is twice in a period."""
    errors = _check_shape(body)
    wanted = {sid for p in body.periods for sid in p.self_inspection_ids}
    found = {
        r.id: r
        for r in session.scalars(
            select(SelfInspectionRecord).where(
                SelfInspectionRecord.id.in_(wanted), scope_clause(caller, SelfInspectionRecord)
            )
        )
    }
    cohort_id = new_id("co")
    members = []
    for i, period in enumerate(body.periods):
        firsts: dict[str, int] = {}
        for j, sid in enumerate(period.self_inspection_ids):
            where = f"periods[{i}].self_inspection_ids[{j}]"
            record = found.get(sid)
            if record is None:  # unknown and invisible read the same: nothing tells one from the other
                errors.append(
                    bi_issue(where, "not_found", f"没有自查记录 {sid!r}", f"there is no self-inspection {sid!r}")
                )
                continue
            if record.enterprise_id in firsts:
                k = firsts[record.enterprise_id]
                errors.append(
                    bi_issue(
                        where,
                        "duplicate_enterprise",
                        f"企业 {record.enterprise_id} 在本时期已有自查记录（self_inspection_ids[{k}]）",
                        f"enterprise {record.enterprise_id} is already in this period (self_inspection_ids[{k}])",
                    )
                )
                continue
            firsts[record.enterprise_id] = j
            members.append(
                CohortMember(
                    cohort_id=cohort_id,
                    period=period.label.strip(),
                    position=j,
                    self_inspection_id=record.id,
                    enterprise_id=record.enterprise_id,
                    district=record.district,
                )
            )
    if errors:
        raise invalid(errors)
    cohort = Cohort(
        id=cohort_id,
        name=body.name.strip(),
        periods=[p.label.strip() for p in body.periods],
        owner_role=caller.role.value,
        created_by=caller.key_id,
        created_at=utcnow(),
    )
    session.add(cohort)
    session.flush()  # the members refer to it (no ORM relationship orders the inserts)
    session.add_all(members)
    return cohort, members


@dataclass(frozen=True)
class VisibleCohort:
    """A cohort as the caller sees it: its members in the caller's scope, with their self-inspections."""

    cohort: Cohort
    members: list[tuple[CohortMember, SelfInspectionRecord]]
    partial: bool


def _visible(caller: Principal) -> Any:
    return exists().where(CohortMember.cohort_id == Cohort.id, scope_clause(caller, CohortMember))


def get_cohort(session: Session, caller: Principal, cohort_id: str, *, all_members: bool = False) -> VisibleCohort:
    """The cohort if the caller sees one of its members (else 404), with the members it sees, or with every member
    when ``all_members`` (for an enterprise's own position against anonymised peers: never shown as such)."""
    cohort = session.scalars(select(Cohort).where(Cohort.id == cohort_id, _visible(caller))).first()
    if cohort is None:
        raise ProblemError(404, "not-found", "Not found", f"there is no cohort {cohort_id!r}")
    rows = session.execute(
        select(CohortMember, SelfInspectionRecord)
        .join(SelfInspectionRecord, SelfInspectionRecord.id == CohortMember.self_inspection_id)
        .where(CohortMember.cohort_id == cohort.id, true() if all_members else scope_clause(caller, CohortMember))
        .order_by(CohortMember.period, CohortMember.position)
    ).all()
    order = {p: i for i, p in enumerate(cohort.periods)}
    members = sorted(((m, si) for m, si in rows), key=lambda r: (order.get(r[0].period, len(order)), r[0].position))
    partial = False
    if caller.role not in WHOLE_COHORT_READERS and not all_members:
        total = session.scalar(select(func.count()).where(CohortMember.cohort_id == cohort.id)) or 0
        partial = total > len(members)
    return VisibleCohort(cohort, members, partial)


def list_cohorts(
    session: Session, caller: Principal, limit: int, offset: int
) -> tuple[list[tuple[Cohort, int, int]], int]:
    """The cohorts the caller may see, newest first, each with (members shown, members in all)."""
    total = session.scalar(select(func.count()).select_from(Cohort).where(_visible(caller))) or 0
    cohorts = list(
        session.scalars(
            select(Cohort)
            .where(_visible(caller))
            .order_by(Cohort.created_at.desc(), Cohort.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    ids = [c.id for c in cohorts]
    shown = dict(
        session.execute(
            select(CohortMember.cohort_id, func.count())
            .where(CohortMember.cohort_id.in_(ids), scope_clause(caller, CohortMember))
            .group_by(CohortMember.cohort_id)
        ).all()
    )
    every = dict(
        session.execute(
            select(CohortMember.cohort_id, func.count())
            .where(CohortMember.cohort_id.in_(ids))
            .group_by(CohortMember.cohort_id)
        ).all()
    )
    return [(c, int(shown.get(c.id, 0)), int(every.get(c.id, 0))) for c in cohorts], total


def _stored_plans(session: Session, loaded: LoadedKb, si_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The latest stored default plan (default benchmark set, latest year) of each self-inspection made with the
    knowledge base in use; the others are built."""
    rows = session.execute(
        select(Plan)
        .options(undefer(Plan.plan_json), undefer(Plan.plan_z), undefer(Plan.trace_z))
        .where(
            Plan.self_inspection_id.in_(si_ids),
            Plan.kb_hash == loaded.hash,
            Plan.benchmark_set.is_(None),
            Plan.requested_year.is_(None),
        )
        .order_by(Plan.created_at, Plan.id)
    ).scalars()
    return {row.self_inspection_id: plan_blob.full_of(row) for row in rows}  # the latest wins


def evaluate(session: Session, loaded: LoadedKb, visible: VisibleCohort) -> dict[str, Any]:
    """The engine's overall evaluation of the members the caller sees (plans taken from storage or built)."""
    stored = _stored_plans(session, loaded, [si.id for _, si in visible.members])
    members = []
    for member, si in visible.members:
        raw = json.loads(si.data_json)
        plan = stored.get(si.id)
        if plan is None:
            validated = planning.validate(loaded, raw, stored=si.id)
            plan = planning.make_plan(loaded, validated, benchmark_set=None, year=None).plan
        members.append(Member(member.enterprise_id, member.period, raw, plan, si.id))
    try:
        return evaluate_cohort(
            members,
            policy=cohort_policy(loaded.kb),
            name=visible.cohort.name,
            periods=visible.cohort.periods,
            finding_titles=finding_titles(loaded.kb),
        )
    except CohortError as exc:  # pragma: no cover - creation already refuses what the engine would
        raise ProblemError(
            422,
            "cohort-invalid",
            "Cohort invalid",
            str(exc),
            errors=[bi_issue(exc.field, "cohort", str(exc), str(exc))],
        ) from exc


def rewards(session: Session, visible: VisibleCohort) -> dict[str, Any]:
    """Rewards and subsidies of the members the caller sees: each member's latest verified acceptance of a plan of
    its stored self-inspection (engine/acceptance/cohort_rewards.py)."""
    rows: list[MemberAcceptance] = []
    outcomes: list[dict[str, Any]] = []
    for member, si in visible.members:
        acceptances = session.scalars(
            select(Acceptance)
            .join(Plan, Plan.id == Acceptance.plan_id)
            .where(Plan.self_inspection_id == si.id)
            .order_by(Acceptance.created_at, Acceptance.id)
        ).all()
        latest: tuple[str, dict[str, Any]] | None = None
        latest_outcomes: list[dict[str, Any]] = []
        for acc in acceptances:
            version = session.scalars(
                select(AcceptanceVersion)
                .where(AcceptanceVersion.acceptance_id == acc.id, AcceptanceVersion.kind == "verification")
                .order_by(AcceptanceVersion.version.desc())
            ).first()
            if version is not None:
                body = json.loads(version.payload_json)["body"]
                latest = (acc.id, body["verification"])
                latest_outcomes = body.get("outcomes", [])
        if latest is not None:
            outcomes += latest_outcomes
        rows.append(
            MemberAcceptance(
                enterprise_id=member.enterprise_id,
                period=member.period,
                acceptance_id=latest[0] if latest else (acceptances[-1].id if acceptances else None),
                verification=latest[1] if latest else None,
            )
        )
    # the achievement library of this cohort: verified outcomes of its members by measure code
    achievements = list(aggregate(outcomes).values())
    return {
        "cohort_id": visible.cohort.id,
        "partial": visible.partial,
        **cohort_rewards(rows),
        "achievements": achievements,
    }
