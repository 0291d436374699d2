"""The auditor workspace (/ui/review): submissions by district, status and level; a plan's review page with the
drill-down from each option to its findings, rules, thresholds, sources and raw answers; review notes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import func, select

from api import store
from api.access import Role
from api.orm import PlanNote
from api.problems import ProblemError
from api.routers import plans as api_plans
from api.schemas.plans import NoteCreate
from api.ui.common import check_form, need_role
from api.ui.pages_plans import plan_context
from api.ui.session import UiSessionDep
from api.ui.templating import page

__all__ = ["router"]

router = APIRouter(prefix="/ui/review", include_in_schema=False)


@router.get("")
def workspace(request: Request, ui: UiSessionDep, district: str = "", status: str = "", level: str = "") -> Response:
    caller = need_role(ui, Role.auditor, Role.platform)
    with request.app.state.sessions() as session:
        rows, _ = store.list_plans(session, caller, store.Filters(district=district or None), 200, 0)
        ids = [r.id for r in rows]
        noted = (
            dict(
                session.execute(
                    select(PlanNote.plan_id, func.count()).where(PlanNote.plan_id.in_(ids)).group_by(PlanNote.plan_id)
                ).all()
            )
            if ids
            else {}
        )
        names = {}
        for r in rows:
            if r.self_inspection_id not in names:
                si = store.get_inspection(session, caller, r.self_inspection_id)
                names[r.self_inspection_id] = si.enterprise_name
    items = [
        {"plan": r, "name": names.get(r.self_inspection_id, r.enterprise_id), "notes": noted.get(r.id, 0)}
        for r in rows
        if (not level or r.level == level) and (not status or (status == "reviewed") == bool(noted.get(r.id, 0)))
    ]
    districts = sorted(set(caller.districts) | {r.district for r in rows})
    by_district: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_district.setdefault(item["plan"].district, []).append(item)
    return page(
        request,
        "review.html.j2",
        ui,
        by_district=by_district,
        districts=districts,
        levels=sorted({r.level for r in rows if r.level}),
        selected={"district": district, "status": status, "level": level},
    )


def _raw_answers(ctx: Any, premises: list[str]) -> list[str]:
    return [p[6:] for p in premises if p.startswith("input:")]


@router.get("/plans/{plan_id}")
def plan_review(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    caller = need_role(ui, Role.auditor, Role.platform)
    try:
        record, _plan, _loaded, ctx = plan_context(request, ui, plan_id)
    except ProblemError:
        return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
    with request.app.state.sessions() as session:
        notes, _ = store.list_notes(session, record, 200, 0)
        session.expunge_all()
    findings = {f.id: f for f in ctx.findings}
    nodes = {n.id: n for n in ctx.nodes}
    sources = {s.id: s for s in ctx.sources}
    options = [*ctx.no_low, *ctx.medium_high]
    return page(
        request,
        "review_plan.html.j2",
        ui,
        record=record,
        c=ctx,
        options=options,
        findings=findings,
        nodes=nodes,
        sources=sources,
        raw=_raw_answers,
        notes=notes,
        may_note=caller.role is Role.auditor,
    )


@router.post("/plans/{plan_id}/notes")
async def add_note(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    caller = need_role(ui, Role.auditor)
    form = await check_form(request, ui)
    try:
        body = NoteCreate(text=str(form.get("text", "")).strip())
        with request.app.state.sessions() as session:
            api_plans.add_plan_note(request, Response(), plan_id, body, caller, session)
    except (ProblemError, ValidationError):
        return page(request, "message.html.j2", ui, status_code=422, message_key="not_found")
    return RedirectResponse(f"/ui/review/plans/{plan_id}#notes", status_code=303)
