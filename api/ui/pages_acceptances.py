"""The acceptance page (/ui/acceptances/{id}): the tick checklist with its evidence fields (status per item, date in
service, actual investment, the plant metered after the options, documents by name and SHA-256 or uploaded), saved
as a new version; for the auditor the on-site verification and the verdict (reasons, what is missing to pass,
rewards and subsidies).

Every write goes through the API's route functions (api/routers/acceptances.py: create_acceptance, submit_evidence,
verify), so the versions, their hash chain, the roles and the validation are those of the API.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from api import acceptance_store as acc
from api.access import Role
from api.deps import get_kb
from api.problems import ProblemError
from api.routers import acceptances as api_acc
from api.schemas.acceptances import EvidenceSubmit, FileUpload, VerifyRequest
from api.ui.common import check_form, need_role
from api.ui.session import UiSession, UiSessionDep
from api.ui.templating import page

__all__ = ["router"]

router = APIRouter(prefix="/ui", include_in_schema=False)
READ = (Role.enterprise, Role.auditor, Role.platform, Role.bureau)
EDIT = (Role.enterprise, Role.platform)
STATUSES = ("implemented", "partly", "not", "will_not")
DOC_ROWS = 3
MAX_UPLOAD = 10 * 1024 * 1024


@router.post("/plans/{plan_id}/acceptance")
async def open_acceptance(request: Request, plan_id: str, ui: UiSessionDep) -> Response:
    """Open the plan's acceptance (its checklist stored as version 1), or go to the one it has."""
    caller = need_role(ui, Role.enterprise, Role.platform, Role.auditor)
    await check_form(request, ui)
    loaded = get_kb(request.app.state.kb)
    with request.app.state.sessions() as session:
        try:
            out = api_acc.create_acceptance(request, Response(), plan_id, caller, session, loaded, None)
            aid = out.id
        except ProblemError as exc:
            if exc.status != 409 or "acceptance_id" not in exc.extra:
                return page(request, "message.html.j2", ui, status_code=exc.status, message_key="not_found")
            aid = exc.extra["acceptance_id"]
    return RedirectResponse(f"/ui/acceptances/{aid}", status_code=303)


def _render(request: Request, ui: UiSession, aid: str, **extra: Any) -> Response:
    with request.app.state.sessions() as session:
        try:
            record = acc.get_acceptance(session, ui.principal, aid)
        except ProblemError:
            return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
        out = api_acc._out(record, acc.versions_of(session, record.id))
    data = out.model_dump(mode="json")
    evidence = extra.get("evidence") or data["evidence"] or {}
    ticks = {t["item"]: t for t in evidence.get("items", [])}
    plant = evidence.get("plant") or {}
    readings = {r["resource"]: r["value"] for r in plant.get("readings", [])}
    docs = list(evidence.get("documents", []))
    docs += [{"name": "", "sha256": ""}] * max(0, DOC_ROWS - len(docs))
    return page(
        request,
        "acceptance.html.j2",
        ui,
        status_code=extra.get("status_code", 200),
        a=data,
        c=data["checklist"],
        ticks=ticks,
        plant=plant,
        readings=readings,
        docs=docs,
        statuses=STATUSES,
        v=data["verification"],
        errors=extra.get("errors") or [],
        saved=extra.get("saved", False),
        may_edit=ui.principal.role in EDIT,
        may_verify=ui.principal.role is Role.auditor and data["evidence"] is not None,
    )


@router.get("/acceptances/{aid}")
def show(request: Request, aid: str, ui: UiSessionDep) -> Response:
    need_role(ui, *READ)
    return _render(request, ui, aid, saved=request.query_params.get("saved") == "1")


def _number(text: Any) -> float | None:
    text = str(text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def evidence_of(form: Any, checklist: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The evidence the form says (fields left empty are left out) and the form's own errors (a number that is
    not one), each naming the evidence field as the API does."""
    errors: list[dict[str, str]] = []

    def num(name: str, path: str) -> float | None:
        raw = str(form.get(name) or "").strip()
        value = _number(raw)
        if raw and value is None:
            errors.append({"path": path, "message_zh": f"“{raw}”不是数字", "message_en": f"{raw!r} is not a number"})
        return value

    items: list[dict[str, Any]] = []
    for i, item in enumerate(checklist["items"]):
        status = str(form.get(f"item-{i}-status") or "")
        if status not in STATUSES:
            continue
        tick: dict[str, Any] = {"item": item["id"], "status": status}
        if date := str(form.get(f"item-{i}-in_service") or "").strip():
            tick["in_service"] = date
        invest = num(f"item-{i}-investment", f"items[{len(items)}].investment.value")
        if invest is not None:
            tick["investment"] = {"value": invest, "unit": "CNY"}
        names = [n.strip() for n in str(form.get(f"item-{i}-evidence") or "").replace("，", ",").split(",")]
        if [n for n in names if n]:
            tick["evidence"] = [n for n in names if n]
        items.append(tick)
    readings: list[dict[str, Any]] = []
    for resource, unit in checklist["resources"].items():
        value = num(f"reading-{resource}", f"plant.readings[{len(readings)}].value")
        if value is not None:
            readings.append({"resource": resource, "value": value, "unit": unit})
    output = num("plant-output", "plant.output.value")
    plant = {
        "period": {"from": str(form.get("plant-from") or "").strip(), "to": str(form.get("plant-to") or "").strip()},
        "output": {"value": output if output is not None else 0, "unit": "m2"},
        "readings": readings,
    }
    documents = []
    for j in range(DOC_ROWS):
        name = str(form.get(f"doc-{j}-name") or "").strip()
        sha = str(form.get(f"doc-{j}-sha256") or "").strip().lower()
        upload = form.get(f"doc-{j}-file")
        if isinstance(upload, UploadFile) and upload.filename and not name:
            name = upload.filename
        if name:
            doc = {"name": name}
            if sha:
                doc["sha256"] = sha
            documents.append(doc)
    return {"plant": plant, "items": items, "documents": documents}, errors


async def _uploads(form: Any) -> list[FileUpload]:
    files = []
    for j in range(DOC_ROWS):
        upload = form.get(f"doc-{j}-file")
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(MAX_UPLOAD + 1)
            if content:
                name = str(form.get(f"doc-{j}-name") or "").strip() or upload.filename
                files.append(FileUpload(name=name, content_base64=base64.b64encode(content).decode()))
    return files


def _problem_errors(exc: Exception) -> list[dict[str, str]]:
    if isinstance(exc, ProblemError):
        if exc.errors:
            return [dict(e) for e in exc.errors]
        return [{"path": "", "message_zh": exc.detail, "message_en": exc.detail}]
    if isinstance(exc, ValidationError):
        return [
            {"path": ".".join(str(x) for x in e["loc"]), "message_zh": e["msg"], "message_en": e["msg"]}
            for e in exc.errors()
        ]
    raise exc


@router.post("/acceptances/{aid}/evidence")
async def submit(request: Request, aid: str, ui: UiSessionDep) -> Response:
    caller = need_role(ui, *EDIT)
    await check_form(request, ui)
    form = await request.form()
    try:
        return await _submit(request, aid, ui, caller, form)
    finally:
        await form.close()  # the uploaded files' temporary files


async def _submit(request: Request, aid: str, ui: UiSession, caller: Any, form: Any) -> Response:
    with request.app.state.sessions() as session:
        try:
            record = acc.get_acceptance(session, caller, aid)
        except ProblemError:
            return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
        checklist = acc.payload_of(acc.versions_of(session, record.id)[0])["body"]["checklist"]
        evidence, errors = evidence_of(form, checklist)
        if not errors:
            try:
                files = await _uploads(form)
                body = EvidenceSubmit(evidence=_hash_placeholders(evidence, files), files=files)
                api_acc.submit_evidence(request, Response(), aid, body, caller, session)
            except (ProblemError, ValidationError) as exc:
                session.rollback()
                errors = _problem_errors(exc)
    if errors:
        return _render(request, ui, aid, evidence=evidence, errors=errors, status_code=422)
    return RedirectResponse(f"/ui/acceptances/{aid}?saved=1", status_code=303)


def _hash_placeholders(evidence: dict[str, Any], files: list[FileUpload]) -> dict[str, Any]:
    """A document uploaded without a typed SHA-256 gets the uploaded file's (the API fills it in from the file and
    refuses a typed one that differs); the engine's model needs one, so the file's own is computed here too."""
    digests = {f.name: hashlib.sha256(base64.b64decode(f.content_base64)).hexdigest() for f in files}
    docs = [{**d, "sha256": d.get("sha256") or digests.get(d["name"], "")} for d in evidence["documents"]]
    return {**evidence, "documents": docs}


@router.post("/acceptances/{aid}/verify")
async def verify(request: Request, aid: str, ui: UiSessionDep) -> Response:
    caller = need_role(ui, Role.auditor)
    await check_form(request, ui)
    form = await request.form()
    loaded = get_kb(request.app.state.kb)
    with request.app.state.sessions() as session:
        try:
            record = acc.get_acceptance(session, caller, aid)
            checklist = acc.payload_of(acc.versions_of(session, record.id)[0])["body"]["checklist"]
            body = VerifyRequest(
                vetoes={x["id"]: form.get(f"veto-{x['id']}") == "on" for x in checklist["vetoes"]},
                checks={x["id"]: form.get(f"check-{x['id']}") == "on" for x in checklist["checks"]},
                note=str(form.get("note") or "")[:4000],
            )
            api_acc.verify(request, Response(), aid, body, caller, session, loaded)
        except (ProblemError, ValidationError) as exc:
            if isinstance(exc, ProblemError) and exc.status == 404:
                return page(request, "message.html.j2", ui, status_code=404, message_key="not_found")
            return _render(request, ui, aid, errors=_problem_errors(exc), status_code=422)
    return RedirectResponse(f"/ui/acceptances/{aid}#verdict", status_code=303)
