"""The self-inspection form (/ui/self-inspections/new and /{id}): generated from the manual, drafts saved per
enterprise, errors at the field (zh/en), completeness, submit to the plan; the Excel template and its upload."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from api import planning
from api.access import Principal, Role
from api.kbstate import LoadedKb
from api.orm import UiDraft, new_id, utcnow
from api.problems import ProblemError
from api.ui.common import check_form, need_role, store_and_plan
from api.ui.form import CHOICES, CORE, Field, apply_form, error_field, form_model, value_of
from api.ui.session import UiSession, UiSessionDep
from api.ui.templating import page
from engine.intake.workbook.writer import write_workbook
from explanations.completeness_text import completeness_lines

__all__ = ["router"]

router = APIRouter(prefix="/ui/self-inspections", include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _loaded(request: Request) -> LoadedKb:
    from api.deps import get_kb

    return get_kb(request.app.state.kb)


def _fields(loaded: LoadedKb) -> tuple[Any, dict[str, Field]]:
    model = form_model(loaded.kb)
    fields: dict[str, Field] = {}
    for section in model.sections:
        for f in section.fields:
            fields[f.name] = f
        for group in section.steps:
            for f in group.fields:
                fields[f.name] = f
    return model, fields


def _draft(session: Session, caller: Principal, draft_id: str) -> UiDraft | None:
    query = select(UiDraft).where(UiDraft.id == draft_id)
    if caller.role is Role.enterprise:
        query = query.where(UiDraft.enterprise_id == caller.enterprise_id)
    return session.scalars(query).first()


def _completeness(loaded: LoadedKb, data: dict[str, Any], lang: str) -> list[str]:
    try:
        validated = planning.validate(loaded, data)
    except ProblemError:
        return []
    _, report = planning.assess(loaded, validated)
    return completeness_lines(report, lang)


def _render(
    request: Request,
    ui: UiSession,
    loaded: LoadedKb,
    data: dict[str, Any],
    draft_id: str | None,
    errors: list[dict[str, Any]] | None = None,
    status_code: int = 200,
    saved: bool = False,
) -> Response:
    model, fields = _fields(loaded)
    at_field: dict[str, list[dict[str, Any]]] = {}
    general: list[dict[str, Any]] = []
    for e in errors or []:
        name = None if e.get("cell") else error_field(data, e["path"])
        if name is not None and (name in fields or any(name == c[0] for c in CORE)):
            at_field.setdefault(name, []).append(e)
        else:
            general.append(e)
    values = {name: value_of(data, name) for name in [c[0] for c in CORE] + list(fields)}
    steps_shown = {g.step for s in model.sections for g in s.steps}
    values.update({f"s.{st}.run": value_of(data, f"s.{st}.run") for st in steps_shown})
    action = f"/ui/self-inspections/{draft_id}" if draft_id else "/ui/self-inspections/new"
    return page(
        request,
        "inspection.html.j2",
        ui,
        status_code=status_code,
        model=model,
        core=CORE,
        choices=CHOICES,
        values=values,
        at_field=at_field,
        general=general,
        errors=errors or [],
        action=action,
        completeness=_completeness(loaded, data, ui.lang) if not errors else [],
        saved=saved,
    )


def _blank(caller: Principal) -> dict[str, Any]:
    data: dict[str, Any] = {"schema_version": "2", "enterprise": {}, "years": [{}], "process": [], "answers": {}}
    if caller.enterprise_id:
        data["enterprise"]["id"] = caller.enterprise_id
    return data


@router.get("/new")
def new_form(request: Request, ui: UiSessionDep) -> Response:
    caller = need_role(ui, Role.enterprise, Role.platform)
    return _render(request, ui, _loaded(request), _blank(caller), None)


@router.get("/template.xlsx")
def template(request: Request, ui: UiSessionDep) -> Response:
    need_role(ui, Role.enterprise, Role.platform)
    content = write_workbook(_loaded(request).kb, ui.lang)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="self-inspection-{ui.lang}.xlsx"'},
    )


@router.post("/upload")
async def upload(request: Request, ui: UiSessionDep) -> Response:
    caller = need_role(ui, Role.enterprise, Role.platform)
    form = await check_form(request, ui)
    loaded = _loaded(request)
    file = form.get("workbook")
    content = b""
    if isinstance(file, UploadFile):
        content = await file.read()
        await file.close()
    try:
        validated = planning.validate_workbook(loaded, content)
        payload = validated.inspection.model_dump(mode="json", exclude_none=True)
        with request.app.state.sessions() as session:
            _, plan = store_and_plan(session, loaded, caller, payload, validated)
            session.commit()
    except ProblemError as exc:
        errors = exc.errors or [{"path": "(root)", "rule": exc.slug, "message": exc.detail, "message_zh": exc.detail}]
        return _render(request, ui, loaded, _blank(caller), None, errors, status_code=422)
    return RedirectResponse(f"/ui/plans/{plan.id}", status_code=303)


async def _post(request: Request, ui: UiSession, draft_id: str | None) -> Response:
    caller = need_role(ui, Role.enterprise, Role.platform)
    form = await check_form(request, ui)
    loaded = _loaded(request)
    _, fields = _fields(loaded)
    with request.app.state.sessions() as session:
        draft = _draft(session, caller, draft_id) if draft_id else None
        if draft_id and draft is None:
            return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
        base = json.loads(draft.data_json) if draft else _blank(caller)
        data = apply_form(base, {k: v for k, v in form.items() if isinstance(v, str)}, fields)
        if caller.role is Role.enterprise:
            data.setdefault("enterprise", {})["id"] = caller.enterprise_id
        if draft is None:
            draft = UiDraft(id=new_id("dr"), key_id=caller.key_id, data_json="{}")
            session.add(draft)
        draft.data_json = planning.canonical_json(data)
        draft.enterprise_id = caller.enterprise_id or (data.get("enterprise") or {}).get("id")
        draft.updated_at = utcnow()
        session.commit()
        draft_id = draft.id
        if form.get("action") != "submit":
            return RedirectResponse(f"/ui/self-inspections/{draft_id}?saved=1", status_code=303)
        try:
            validated = planning.validate(loaded, data)
            si, plan = store_and_plan(session, loaded, caller, data, validated)
            draft.self_inspection_id = si.id
            session.commit()
        except ProblemError as exc:
            session.rollback()
            errors = exc.errors or [{"path": "(root)", "rule": exc.slug, "message": exc.detail}]
            return _render(request, ui, loaded, data, draft_id, errors, status_code=422)
    return RedirectResponse(f"/ui/plans/{plan.id}", status_code=303)


@router.post("/new")
async def post_new(request: Request, ui: UiSessionDep) -> Response:
    return await _post(request, ui, None)


@router.post("/{draft_id}")
async def post_draft(request: Request, draft_id: str, ui: UiSessionDep) -> Response:
    return await _post(request, ui, draft_id)


@router.get("/{record_id}")
def show(request: Request, record_id: str, ui: UiSessionDep, saved: int = 0) -> Response:
    """A draft (dr_...) in the form, or a stored self-inspection (si_...): its draft if made here, else its plans."""
    caller = need_role(ui, Role.enterprise, Role.platform)
    loaded = _loaded(request)
    with request.app.state.sessions() as session:
        draft = _draft(session, caller, record_id)
        if draft is not None:
            return _render(request, ui, loaded, json.loads(draft.data_json), draft.id, saved=bool(saved))
        from api import store

        try:
            si = store.get_inspection(session, caller, record_id)
        except ProblemError:
            return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
        data = json.loads(si.data_json)
    return _render(request, ui, loaded, data, None)
