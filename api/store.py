"""Reading stored records within the caller's scope. A record outside it is reported as not found (404), the same
answer as for an id that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.access import Principal, scope_clause
from api.orm import Plan, PlanNote, SelfInspectionRecord
from api.problems import ProblemError

__all__ = ["Filters", "get_inspection", "get_plan", "list_inspections", "list_notes", "list_plans", "not_found"]

_R = TypeVar("_R", SelfInspectionRecord, Plan)


@dataclass(frozen=True)
class Filters:
    enterprise: str | None = None
    district: str | None = None
    year: int | None = None


def not_found(kind: str, rid: str, *, field: str | None = None) -> ProblemError:
    errors = [{"path": field, "rule": "not_found", "message": f"there is no {kind} {rid!r}"}] if field else None
    return ProblemError(404, "not-found", "Not found", f"there is no {kind} {rid!r}", errors=errors)


def _get(session: Session, principal: Principal, model: type[_R], rid: str, kind: str, field: str | None) -> _R:
    record = session.scalars(select(model).where(model.id == rid, scope_clause(principal, model))).first()
    if record is None:
        raise not_found(kind, rid, field=field)
    return record


def get_inspection(
    session: Session, principal: Principal, rid: str, *, field: str | None = None
) -> SelfInspectionRecord:
    return _get(session, principal, SelfInspectionRecord, rid, "self-inspection", field)


def get_plan(session: Session, principal: Principal, rid: str) -> Plan:
    return _get(session, principal, Plan, rid, "plan", None)


def _page(
    session: Session, principal: Principal, model: type[_R], filters: Filters, limit: int, offset: int
) -> tuple[list[_R], int]:
    conditions: list[Any] = [scope_clause(principal, model)]
    if filters.enterprise is not None:
        conditions.append(model.enterprise_id == filters.enterprise)
    if filters.district is not None:
        conditions.append(model.district == filters.district)
    if filters.year is not None:
        conditions.append(model.year == filters.year)
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    rows = session.scalars(
        select(model).where(*conditions).order_by(model.created_at.desc(), model.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def list_inspections(
    session: Session, principal: Principal, filters: Filters, limit: int, offset: int
) -> tuple[list[SelfInspectionRecord], int]:
    return _page(session, principal, SelfInspectionRecord, filters, limit, offset)


def list_plans(
    session: Session, principal: Principal, filters: Filters, limit: int, offset: int
) -> tuple[list[Plan], int]:
    return _page(session, principal, Plan, filters, limit, offset)


def list_notes(session: Session, plan: Plan, limit: int, offset: int) -> tuple[list[PlanNote], int]:
    total = session.scalar(select(func.count()).select_from(PlanNote).where(PlanNote.plan_id == plan.id)) or 0
    rows = session.scalars(
        select(PlanNote)
        .where(PlanNote.plan_id == plan.id)
        .order_by(PlanNote.created_at, PlanNote.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total
