"""What the page routers share: the CSRF check of a posted form, role checks, and storing a submission the same
way POST /v1/self-inspections and POST /v1/plans do (api/planning.py, api/records.py)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from api import planning, records
from api.access import Principal, Role
from api.kbstate import LoadedKb
from api.orm import Plan, SelfInspectionRecord
from api.ui.session import UiSession

__all__ = ["CsrfFailed", "RoleRefused", "check_form", "need_role", "store_and_plan"]


class CsrfFailed(Exception):
    """A POST whose CSRF token is missing or wrong: answered 403 with a page saying so."""


class RoleRefused(Exception):
    """A page the caller's role may not use: answered 403 with a page saying so."""


async def check_form(request: Request, ui: UiSession) -> dict[str, Any]:
    form = await request.form()
    token = form.get("csrf")
    if not ui.check_csrf(token if isinstance(token, str) else None):
        raise CsrfFailed
    return {k: v for k, v in form.multi_items()}


def need_role(ui: UiSession, *roles: Role) -> Principal:
    if ui.principal.role not in roles:
        raise RoleRefused
    return ui.principal


def store_and_plan(
    session: Session, loaded: LoadedKb, caller: Principal, raw: Any, validated: planning.ValidatedInspection
) -> tuple[SelfInspectionRecord, Plan]:
    """Store the self-inspection and its plan (the caller commits). Raises ProblemError (403) out of scope."""
    records.submit_scope(caller, validated.inspection.enterprise.id, validated.inspection.enterprise.district)
    level, completeness = planning.assess(loaded, validated)
    si = records.new_inspection(loaded, caller, raw, validated, level, completeness)
    session.add(si)
    session.flush()
    built = planning.make_plan(loaded, validated, benchmark_set=None, year=None)
    plan = records.new_plan(caller, si, built, loaded, benchmark_set=None, year=None)
    session.add(plan)
    return si, plan
