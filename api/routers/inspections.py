"""Self-inspections: submit (validated, stored), read, list."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import WithJsonSchema

from api import planning, records, store
from api.deps import FiltersDep, IdempotencyKeyDep, KbDep, PageDep, ReaderDep, SessionDep, SubmitterDep
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.middleware import RESOURCE_SCOPE_KEY
from api.openapi_examples import self_inspection_examples
from api.orm import SelfInspectionRecord
from api.schemas.common import Page, problem_responses
from api.schemas.inspections import SelfInspectionOut, SelfInspectionSummary

__all__ = ["inspection_out", "router"]

router = APIRouter(prefix="/v1/self-inspections", tags=["self-inspections"], responses=problem_responses(401, 403))

SelfInspectionBody = Annotated[
    dict[str, Any],
    WithJsonSchema({"$ref": "#/components/schemas/SelfInspection"}),
    Body(openapi_examples=self_inspection_examples()),
]


def summary_of(record: SelfInspectionRecord) -> SelfInspectionSummary:
    return SelfInspectionSummary(
        id=record.id,
        enterprise_id=record.enterprise_id,
        enterprise_name=record.enterprise_name,
        district=record.district,
        year=record.year,
        level=record.level,
        created_at=record.created_at,
    )


def inspection_out(record: SelfInspectionRecord) -> SelfInspectionOut:
    return SelfInspectionOut(
        **summary_of(record).model_dump(),
        reporting_years=record.reporting_years,
        kb_version=record.kb_version,
        kb_hash=record.kb_hash,
        input_hash=record.input_hash,
        warnings=record.warnings,
        created_by=record.created_by,
        data=json.loads(record.data_json),
    )


def _answer(request: Request, response: Response, record: SelfInspectionRecord, *, replayed: bool) -> SelfInspectionOut:
    location = f"/v1/self-inspections/{record.id}"
    response.headers["Location"] = location
    request.scope[RESOURCE_SCOPE_KEY] = location
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return inspection_out(record)


@router.post(
    "",
    status_code=201,
    response_model=SelfInspectionOut,
    responses=problem_responses(413, 422, 503),
)
def submit_self_inspection(
    request: Request,
    response: Response,
    payload: SelfInspectionBody,
    caller: SubmitterDep,
    loaded: KbDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> SelfInspectionOut:
    """Submit a self-inspection: validated (nothing is stored if invalid), evaluated and stored."""
    idem = Idempotency(caller, idempotency_key, "POST", request.url.path, payload)
    previous = idem.previous(session)
    if previous is not None:
        return _answer(request, response, session.get_one(SelfInspectionRecord, previous.resource_id), replayed=True)
    validated = planning.validate(loaded, payload)
    records.submit_scope(caller, validated.inspection.enterprise.id)
    record = records.new_inspection(loaded, caller, payload, validated, planning.level_of(loaded, validated))
    session.add(record)
    idem.remember(session, 201, "self_inspection", record.id)
    winner = idem.commit(session)
    if winner is not None:
        return _answer(request, response, session.get_one(SelfInspectionRecord, winner), replayed=True)
    return _answer(request, response, record, replayed=False)


@router.get("/{self_inspection_id}", response_model=SelfInspectionOut, responses=problem_responses(404))
def get_self_inspection(self_inspection_id: str, caller: ReaderDep, session: SessionDep) -> SelfInspectionOut:
    """A stored self-inspection, as submitted, with its warnings and the level evaluated at submission."""
    return inspection_out(store.get_inspection(session, caller, self_inspection_id))


@router.get("", response_model=Page[SelfInspectionSummary], responses=problem_responses(422))
def list_self_inspections(
    caller: ReaderDep, session: SessionDep, filters: FiltersDep, page: PageDep
) -> Page[SelfInspectionSummary]:
    """The stored self-inspections the caller may read, newest first, filtered by enterprise, district and year."""
    rows, total = store.list_inspections(session, caller, filters, page.limit, page.offset)
    return Page.of([summary_of(r) for r in rows], total, page.limit, page.offset)
