"""Plans: made from a stored or an inline self-inspection, read, listed; their trace, replay and review notes."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from api import plan_blob, planning, records, store
from api.deps import (
    AuditorDep,
    FiltersDep,
    IdempotencyKeyDep,
    KbDep,
    KbHolderDep,
    PageDep,
    ReaderDep,
    ReportPoolDep,
    SessionDep,
    SettingsDep,
    SlotsDep,
    SubmitterDep,
)
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.middleware import RESOURCE_SCOPE_KEY
from api.openapi_examples import plan_request_examples
from api.orm import Plan, PlanNote, SelfInspectionRecord, new_id, utcnow
from api.problems import ProblemError, issue
from api.replay import replay
from api.schemas.common import Page, problem_responses
from api.schemas.paths import PathOut, PathRequest, WhatIfOut, WhatIfRequest
from api.schemas.plans import NoteCreate, NoteOut, PlanCreate, PlanOut, PlanSummary, ReplayOut, TraceOut
from engine.errors import EditError, UnknownIdError
from engine.inference.whynot import not_fired_of
from engine.plan.path import cheapest_path
from engine.plan.whatif import what_if
from explanations.docx_report import DOCX_MEDIA_TYPE, render_report_docx
from explanations.path_chart import path_curve_svg
from explanations.render import render_narrative, render_report_html, render_report_pdf

__all__ = ["router"]

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=problem_responses(401, 403))


def summary_of(record: Plan) -> PlanSummary:
    return PlanSummary(
        id=record.id,
        self_inspection_id=record.self_inspection_id,
        enterprise_id=record.enterprise_id,
        district=record.district,
        year=record.year,
        level=record.level,
        kb_version=record.kb_version,
        created_at=record.created_at,
    )


def _meta(record: Plan) -> dict[str, Any]:
    """PlanOut's members other than the plan itself."""
    return {
        **summary_of(record).model_dump(),
        "kb_hash": record.kb_hash,
        "input_hash": record.input_hash,
        "benchmark_set": record.benchmark_set,
        "requested_year": record.requested_year,
        "plan_sha256": record.plan_sha256,
        "created_by": record.created_by,
        "trace_url": f"/v1/plans/{record.id}/trace",
    }


def plan_out(record: Plan, *, include_trace: bool = False) -> PlanOut:
    """The stored plan; its trace only when asked for (``?include=trace``; always at ``/v1/plans/{id}/trace``)."""
    return PlanOut(**_meta(record), plan=plan_blob.full_of(record) if include_trace else plan_blob.body_of(record))


def _fresh_answer(request: Request, record: Plan, built: planning.BuiltPlan) -> Response:
    """The 201 of a plan just made, the same JSON as ``plan_out(record)``: the plan's members are written from the
    text they were stored from (``built.parts``, the trace left out) instead of being read back from the stored
    row, decoded and encoded again (a plan's JSON is a few hundred KB)."""
    location = f"/v1/plans/{record.id}"
    request.scope[RESOURCE_SCOPE_KEY] = location
    meta = PlanOut.model_construct(**_meta(record), plan={}).model_dump_json(exclude={"plan"})
    body = planning.joined({k: v for k, v in built.parts.items() if k != "trace"})
    return Response(
        meta[:-1] + ',"plan":' + body + "}",
        status_code=201,
        media_type="application/json",
        headers={"Location": location},
    )


def note_out(note: PlanNote) -> NoteOut:
    return NoteOut(
        id=note.id,
        plan_id=note.plan_id,
        author_key_id=note.author_key_id,
        role=note.role,
        text=note.text,
        created_at=note.created_at,
    )


def _answer(request: Request, response: Response, record: Plan, *, replayed: bool) -> PlanOut:
    location = f"/v1/plans/{record.id}"
    response.headers["Location"] = location
    request.scope[RESOURCE_SCOPE_KEY] = location
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return plan_out(record)


@router.post("", status_code=201, response_model=PlanOut, responses=problem_responses(404, 413, 422, 503))
def create_plan(
    request: Request,
    response: Response,
    body: Annotated[PlanCreate, Body(openapi_examples=plan_request_examples())],
    caller: SubmitterDep,
    loaded: KbDep,
    session: SessionDep,
    slots: SlotsDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> PlanOut | Response:
    """Make a plan of a stored self-inspection, or validate, store and plan an inline one in one call."""
    with slots.held():  # the computation; the writes below wait for none (api/slots.py)
        stored = None
        if body.self_inspection_id is not None:
            stored = store.get_inspection(session, caller, body.self_inspection_id, field="self_inspection_id")
            validated = planning.validate(loaded, json.loads(stored.data_json), stored=stored.id)
        else:
            validated = planning.validate(loaded, body.self_inspection, prefix="self_inspection.")
            enterprise = validated.inspection.enterprise
            records.submit_scope(caller, enterprise.id, enterprise.district, prefix="self_inspection.")
        idem = Idempotency(caller, idempotency_key, "POST", request.url.path, body.model_dump(mode="json"))
        previous = idem.previous(session)  # after validation: only valid data are hashed
        if previous is not None:
            return _answer(request, response, session.get_one(Plan, previous.resource_id), replayed=True)
        built = planning.make_plan(loaded, validated, benchmark_set=body.benchmark_set, year=body.year)
        if stored is not None:
            si, new_si = stored, None
        else:
            same = body.year in (None, validated.inspection.latest.year) and body.benchmark_set is None
            latest_level, completeness = (
                (built.level, built.plan.get("completeness")) if same else planning.assess(loaded, validated)
            )
            si = new_si = records.new_inspection(
                loaded, caller, body.self_inspection, validated, latest_level, completeness
            )
        record = records.new_plan(caller, si, built, loaded, benchmark_set=body.benchmark_set, year=body.year)
    if new_si is not None:
        session.add(new_si)
        session.flush()  # the plan refers to it (no ORM relationship orders the inserts)
    session.add(record)
    idem.remember(session, 201, "plan", record.id)
    winner = idem.commit(session)
    if winner is not None:
        return _answer(request, response, session.get_one(Plan, winner), replayed=True)
    return _fresh_answer(request, record, built)  # PlanOut's JSON, written directly


Include = Annotated[
    Literal["trace"] | None,
    Query(description="trace: the plan with its derivation trace (as the engine produced it; plan_sha256 is its hash)"),
]


@router.get("/{plan_id}", response_model=PlanOut, responses=problem_responses(404, 422))
def get_plan(plan_id: str, caller: ReaderDep, session: SessionDep, include: Include = None) -> PlanOut:
    """A stored plan as the engine produced it, with its knowledge-base version and who asked for it; its trace is
    left out unless ``include=trace`` (it is at ``trace_url``, with the why-not)."""
    return plan_out(store.get_plan(session, caller, plan_id), include_trace=include == "trace")


@router.get("", response_model=Page[PlanSummary], responses=problem_responses(422))
def list_plans(caller: ReaderDep, session: SessionDep, filters: FiltersDep, page: PageDep) -> Page[PlanSummary]:
    """The stored plans the caller may read, newest first, filtered by enterprise, district and year."""
    rows, total = store.list_plans(session, caller, filters, page.limit, page.offset)
    return Page.of([summary_of(r) for r in rows], total, page.limit, page.offset)


@router.get("/{plan_id}/trace", response_model=TraceOut, responses=problem_responses(404, 409))
def get_plan_trace(plan_id: str, caller: ReaderDep, session: SessionDep, holder: KbHolderDep) -> TraceOut:
    """The derivation trace of a plan (flat map of nodes down to the raw answers) and why other rules did not fire."""
    record = store.get_plan(session, caller, plan_id)
    plan = plan_blob.full_of(record)
    if "not_fired" in plan or "why_not_basis" not in plan:  # plans stored with their why-not
        not_fired = plan.get("not_fired", {})
    else:  # computed on request from the plan's trace, with the plan's own rules
        _, _, kb = _plan_and_kb(plan_id, caller, session, holder)
        not_fired = not_fired_of(kb, plan)
    return TraceOut(
        plan_id=record.id,
        kb_version=record.kb_version,
        kb_hash=record.kb_hash,
        input_hash=record.input_hash,
        trace=plan.get("trace", {}),
        not_fired=not_fired,
    )


@router.post("/{plan_id}/replay", response_model=ReplayOut, responses=problem_responses(404, 503))
def replay_plan(
    plan_id: str,
    caller: ReaderDep,
    session: SessionDep,
    holder: KbHolderDep,
    loaded: KbDep,
    settings: SettingsDep,
) -> ReplayOut:
    """Recompute a stored plan with the knowledge base it was made with and say whether anything differs."""
    record = store.get_plan(session, caller, plan_id)
    si = session.get_one(SelfInspectionRecord, record.self_inspection_id)
    return replay(holder, loaded, record, si, settings.replay_max_differences)


@router.post("/{plan_id}/notes", status_code=201, response_model=NoteOut, responses=problem_responses(404, 413, 422))
def add_plan_note(
    request: Request,
    response: Response,
    plan_id: str,
    body: NoteCreate,
    caller: AuditorDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> NoteOut:
    """Add a review note to a plan (auditors, for plans in their districts)."""
    idem = Idempotency(caller, idempotency_key, "POST", request.url.path, body.model_dump(mode="json"))
    previous = idem.previous(session)
    if previous is None:
        plan = store.get_plan(session, caller, plan_id)
        note = PlanNote(
            id=new_id("nt"),
            plan_id=plan.id,
            author_key_id=caller.key_id,
            role=caller.role.value,
            text=body.text,
            created_at=utcnow(),
        )
        session.add(note)
        idem.remember(session, 201, "note", note.id)
        winner = idem.commit(session)
        if winner is None:
            request.scope[RESOURCE_SCOPE_KEY] = f"/v1/plans/{plan.id}/notes/{note.id}"
            return note_out(note)
        previous_id = winner
    else:
        previous_id = previous.resource_id
    response.headers[REPLAYED_HEADER] = "true"
    note = session.get_one(PlanNote, previous_id)
    request.scope[RESOURCE_SCOPE_KEY] = f"/v1/plans/{note.plan_id}/notes/{note.id}"
    return note_out(note)


@router.get("/{plan_id}/notes", response_model=Page[NoteOut], responses=problem_responses(404, 422))
def list_plan_notes(plan_id: str, caller: ReaderDep, session: SessionDep, page: PageDep) -> Page[NoteOut]:
    """The review notes on a plan, oldest first (everyone who may read the plan may read its notes)."""
    plan = store.get_plan(session, caller, plan_id)
    rows, total = store.list_notes(session, plan, page.limit, page.offset)
    return Page.of([note_out(n) for n in rows], total, page.limit, page.offset)


def _plan_and_loaded(
    plan_id: str, caller: Any, session: Any, holder: Any, need: str = "its texts are needed to render the plan"
) -> tuple[Plan, dict[str, Any], Any]:
    record = store.get_plan(session, caller, plan_id)
    loaded = holder.by_hash(record.kb_hash)
    if loaded is None:
        raise ProblemError(
            409,
            "kb-not-loaded",
            "Knowledge base of the plan not loaded",
            f"the plan was made with knowledge base {record.kb_version} ({record.kb_hash}), which this service does "
            f"not hold; {need}",
        )
    return record, plan_blob.full_of(record), loaded


def _plan_and_kb(plan_id: str, caller: Any, session: Any, holder: Any) -> tuple[Plan, dict[str, Any], Any]:
    record, plan, loaded = _plan_and_loaded(plan_id, caller, session, holder)
    return record, plan, loaded.kb


Lang = Annotated[Literal["zh", "en"], Query(description="language of the text (zh default)")]


@router.get(
    "/{plan_id}/narrative",
    response_class=PlainTextResponse,
    responses={**problem_responses(404, 409), 200: {"content": {"text/markdown": {}}}},
)
def get_plan_narrative(
    plan_id: str, caller: ReaderDep, session: SessionDep, holder: KbHolderDep, lang: Lang = "zh"
) -> PlainTextResponse:
    """The narrative of a plan (Markdown), rendered from its recorded trace, in Chinese or English."""
    _, plan, kb = _plan_and_kb(plan_id, caller, session, holder)
    return PlainTextResponse(render_narrative(kb, plan, lang), media_type="text/markdown; charset=utf-8")


@router.get(
    "/{plan_id}/report",
    response_class=Response,
    responses={
        **problem_responses(404, 409, 503),
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
    },
)
def get_plan_report(
    plan_id: str,
    caller: ReaderDep,
    session: SessionDep,
    holder: KbHolderDep,
    pool: ReportPoolDep,
    lang: Lang = "zh",
    format: Annotated[
        Literal["html", "pdf", "docx"],
        Query(description="html (default), pdf, or docx (an editable Word document in the audit report's chapters)"),
    ] = "html",
) -> Response:
    """The report of a plan (HTML, PDF with a CJK font, or an editable Word document), from its recorded trace."""
    record, plan, kb = _plan_and_kb(plan_id, caller, session, holder)
    generated_at = record.created_at.replace(microsecond=0).isoformat()
    if format == "docx":
        return Response(
            render_report_docx(kb, plan, lang, generated_at),
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="plan-{record.id}-{lang}.docx"'},
        )
    if format == "pdf":
        pdf = pool.run(render_report_pdf, kb, plan, lang, generated_at)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="plan-{record.id}-{lang}.pdf"'},
        )
    return HTMLResponse(pool.run(render_report_html, kb, plan, lang, generated_at))


_NEEDS_KB = "the plan's own knowledge base is needed to project its options again"


@router.post("/{plan_id}/path", response_model=PathOut, responses=problem_responses(404, 409, 422))
def plan_path(
    plan_id: str, body: PathRequest, caller: ReaderDep, session: SessionDep, holder: KbHolderDep, lang: Lang = "zh"
) -> PathOut:
    """The cheapest set of the plan's options whose projected evaluation reaches a level, the trade-off curve, and
    what stays short when none does (objective: least investment, shortest payback or most CO2 avoided)."""
    record, plan, loaded = _plan_and_loaded(plan_id, caller, session, holder, _NEEDS_KB)
    si = session.get_one(SelfInspectionRecord, record.self_inspection_id)
    validated = planning.validate(loaded, json.loads(si.data_json), stored=si.id)
    try:
        out = cheapest_path(
            loaded.kb,
            validated.inspection,
            plan,
            target=body.target,
            objective=body.objective,
            include_unpriced=body.include_unpriced,
            limit=body.limit,
            graph=loaded.graph,
        )
    except UnknownIdError as exc:
        raise ProblemError(
            422,
            "request-invalid",
            "Request invalid",
            f"target: {exc}",
            errors=[issue("target", "unknown_level", str(exc))],
        ) from exc
    chart = path_curve_svg(out, lang) if body.chart else None
    return PathOut(plan_id=record.id, **out, chart_svg=chart)


@router.post("/{plan_id}/whatif", response_model=WhatIfOut, responses=problem_responses(404, 409, 422))
def plan_whatif(
    plan_id: str, body: WhatIfRequest, caller: ReaderDep, session: SessionDep, holder: KbHolderDep
) -> WhatIfOut:
    """The plan again with answers changed and options accepted or rejected: level, plan and savings, and the
    differences from the stored plan explained from the two traces."""
    record, plan, loaded = _plan_and_loaded(plan_id, caller, session, holder, _NEEDS_KB)
    si = session.get_one(SelfInspectionRecord, record.self_inspection_id)
    raw = json.loads(si.data_json)
    planning.validate(loaded, raw, stored=si.id)
    try:
        out = what_if(
            loaded.kb,
            raw,
            sets=[(s.path, s.value) for s in body.set],
            accept=body.accept,
            reject=body.reject,
            benchmark_set=record.benchmark_set,
            year=record.requested_year,
            graph=loaded.graph,
            baseline=plan,
        )
    except EditError as exc:
        errors = [issue(exc.where, exc.rule, exc.message)]
        raise ProblemError(
            422,
            "whatif-invalid",
            "What-if invalid",
            f"{exc.where}: {exc.field}: {exc.message}",
            errors=errors,
            input_errors=exc.errors,
        ) from exc
    return WhatIfOut(plan_id=record.id, **out)
