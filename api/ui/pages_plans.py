"""The plan page (/ui/plans/{id}): summary, key options, charts, the process graph, downloads (HTML, PDF, Word,
JSON), the cheapest path and what-if forms (answered by the same functions as POST /v1/plans/{id}/path and
/whatif; the what-if result is shown as text with names, :func:`explanations.path_text.render_whatif_text`)."""

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
from explanations.docx_report import DOCX_MEDIA_TYPE, render_report_docx
from explanations.path_text import render_whatif_text
from explanations.render import render_report_html, render_report_pdf

__all__ = ["plan_context", "router"]

router = APIRouter(prefix="/ui/plans", include_in_schema=False)
READ = (Role.enterprise, Role.auditor, Role.platform, Role.bureau)
SET_ROWS = 3  # "set an answer" rows of the what-if form


def plan_context(request: Request, ui: UiSession, plan_id: str) -> tuple[Any, dict[str, Any], Any, Any]:
    """(record, plan, knowledge base, report context) of a plan the caller may read; ProblemError otherwise."""
    with request.app.state.sessions() as session:
        record, plan, loaded = api_plans._plan_and_loaded(plan_id, ui.principal, session, request.app.state.kb)
    ctx = build_context(loaded.kb, plan, ui.lang, generated_at=record.created_at.replace(microsecond=0).isoformat())
    return record, plan, loaded, ctx


def _options(ctx: Any) -> dict[str, Any]:
    return {r.id: r for r in [*ctx.no_low, *ctx.medium_high]}


def _acceptance_of(request: Request, plan_id: str) -> str | None:
    from api.orm import Acceptance

    with request.app.state.sessions() as session:
        found = session.query(Acceptance.id).filter(Acceptance.plan_id == plan_id).first()
    return found[0] if found else None


def _value(text: str) -> Any:
    """A what-if value as typed: JSON where it parses (numbers, true/false, null, lists), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


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
        whatif_text=extra.get("whatif_text"),
        set_rows=extra.get("set_rows") or [("", "")] * SET_ROWS,
        acceptance_id=_acceptance_of(request, record.id),
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
        body = api_plans.plan_out(record, include_trace=True).model_dump(mode="json")
        return JSONResponse(body, headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    if fmt == "docx":  # the render function of GET /v1/plans/{id}/report?format=docx
        return Response(
            render_report_docx(loaded.kb, plan, ui.lang, stamp),
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
        )
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
        return _render(request, ui, plan_id, form_error=_problem_text(exc, ui.lang))
    return _render(request, ui, plan_id, path=out.model_dump())


@router.post("/{plan_id}/whatif")
async def whatif(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    need_role(ui, *READ)
    await check_form(request, ui)
    form = await request.form()
    accept = [str(v) for v in form.getlist("accept")]
    reject = [str(v) for v in form.getlist("reject")]
    pairs = zip(form.getlist("set_path"), form.getlist("set_value"), strict=False)
    rows = [(str(p).strip(), str(v).strip()) for p, v in pairs]
    sets = [{"path": p, "value": _value(v)} for p, v in rows if p]
    padded = rows + [("", "")] * max(0, SET_ROWS - len(rows))
    try:
        body = WhatIfRequest(set=sets, accept=accept, reject=reject)
        with request.app.state.sessions() as session:
            out = api_plans.plan_whatif(plan_id, body, ui.principal, session, request.app.state.kb)
            _, _, loaded = api_plans._plan_and_loaded(plan_id, ui.principal, session, request.app.state.kb)
    except (ProblemError, ValidationError) as exc:
        return _render(request, ui, plan_id, form_error=_problem_text(exc, ui.lang), set_rows=padded)
    data = json.loads(out.model_dump_json())
    text = render_whatif_text(data, ui.lang, loaded.kb)
    lines = text.splitlines()[1:]  # the first line names the enterprise by id too: the page's title names it
    return _render(request, ui, plan_id, whatif=data, whatif_text="\n".join(lines).strip("\n"), set_rows=padded)


def _problem_text(exc: Exception, lang: str) -> str:
    """The problem's message per field in the page's language (zh/en where the problem has both)."""
    if isinstance(exc, ProblemError):
        if exc.errors:
            parts = [f"{e.get('path', '')}: {e.get('message_' + lang) or e.get('message', '')}" for e in exc.errors]
            return "; ".join(parts)
        return exc.detail
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)
