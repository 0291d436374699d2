"""The plan page (/ui/plans/{id}): summary, key options, charts, the process graph, downloads, the cheapest path
and what-if forms (answered by the same functions as POST /v1/plans/{id}/path and /whatif)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from api.access import Role
from api.problems import ProblemError
from api.routers import plans as api_plans
from api.schemas.paths import PathRequest, WhatIfRequest
from api.ui.common import check_form, need_role
from api.ui.session import UiSession, UiSessionDep
from api.ui.templating import page
from explanations.context import build_context
from explanations.render import render_report_html, render_report_pdf

__all__ = ["plan_context", "router"]

router = APIRouter(prefix="/ui/plans", include_in_schema=False)
READ = (Role.enterprise, Role.auditor, Role.platform)


def plan_context(request: Request, ui: UiSession, plan_id: str) -> tuple[Any, dict[str, Any], Any, Any]:
    """(record, plan, knowledge base, report context) of a plan the caller may read; ProblemError otherwise."""
    with request.app.state.sessions() as session:
        record, plan, loaded = api_plans._plan_and_loaded(plan_id, ui.principal, session, request.app.state.kb)
    ctx = build_context(loaded.kb, plan, ui.lang, generated_at=record.created_at.replace(microsecond=0).isoformat())
    return record, plan, loaded, ctx


def _options(ctx: Any) -> dict[str, Any]:
    return {r.id: r for r in [*ctx.no_low, *ctx.medium_high]}


def _render(request: Request, ui: UiSession, plan_id: str, **extra: Any) -> Response:
    try:
        record, plan, loaded, ctx = plan_context(request, ui, plan_id)
    except ProblemError:
        return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
    bset = loaded.kb.benchmark_sets.get(plan["evaluation"]["benchmark_set"].get("id", ""))
    levels = list(bset.levels) if bset is not None else []
    return page(
        request,
        "plan.html.j2",
        ui,
        record=record,
        plan=plan,
        c=ctx,
        options=_options(ctx),
        indicator_names={i.key: i.name for i in ctx.indicators},
        levels=levels or ["II", "I"],
        path=extra.get("path"),
        whatif=extra.get("whatif"),
        form_error=extra.get("form_error"),
    )


@router.get("/{plan_id}")
def show(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    need_role(ui, *READ)
    return _render(request, ui, plan_id)


@router.get("/{plan_id}/download/{fmt}")
def download(request: Request, plan_id: str, fmt: str, ui: UiSessionDep) -> Response:
    """The report as HTML or PDF, or the plan as JSON: the same renderings as /v1/plans/{id}/report and /{id}."""
    need_role(ui, *READ)
    try:
        record, plan, loaded, _ = plan_context(request, ui, plan_id)
    except ProblemError:
        return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
    stamp = record.created_at.replace(microsecond=0).isoformat()
    name = f"plan-{record.id}-{ui.lang}"
    if fmt == "pdf":
        pdf = render_report_pdf(loaded.kb, plan, ui.lang, stamp)
        return Response(
            pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'}
        )
    if fmt == "json":
        body = api_plans.plan_out(record).model_dump(mode="json")
        return JSONResponse(body, headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    if fmt == "html":
        html = render_report_html(loaded.kb, plan, ui.lang, stamp)
        return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{name}.html"'})
    return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")


@router.post("/{plan_id}/path")
async def path(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    need_role(ui, *READ)
    form = await check_form(request, ui)
    try:
        body = PathRequest(
            target=str(form.get("target", "")), objective=str(form.get("objective", "investment")), chart=True
        )
        with request.app.state.sessions() as session:
            out = api_plans.plan_path(
                plan_id, body, ui.principal, session, request.app.state.kb, "en" if ui.lang == "en" else "zh"
            )
    except (ProblemError, ValidationError) as exc:
        return _render(request, ui, plan_id, form_error=str(exc))
    return _render(request, ui, plan_id, path=out.model_dump())


@router.post("/{plan_id}/whatif")
async def whatif(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    need_role(ui, *READ)
    await check_form(request, ui)
    form = await request.form()
    accept = [str(v) for v in form.getlist("accept")]
    reject = [str(v) for v in form.getlist("reject")]
    try:
        body = WhatIfRequest(accept=accept, reject=reject)
        with request.app.state.sessions() as session:
            out = api_plans.plan_whatif(plan_id, body, ui.principal, session, request.app.state.kb)
    except (ProblemError, ValidationError) as exc:
        return _render(request, ui, plan_id, form_error=str(exc))
    return _render(request, ui, plan_id, whatif=json.loads(out.model_dump_json()))
