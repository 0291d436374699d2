"""Self-inspections: submit (validated, stored), read, list."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from api import planning, records, store
from api.deps import (
    FiltersDep,
    IdempotencyKeyDep,
    KbDep,
    PageDep,
    ReaderDep,
    SessionDep,
    SlotsDep,
    SubmitterDep,
)
from api.guard import JSON_SCOPE_KEY
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.middleware import RESOURCE_SCOPE_KEY
from api.openapi_examples import self_inspection_examples
from api.orm import SelfInspectionRecord
from api.problems import ProblemError
from api.schemas.common import Page, problem_responses
from api.schemas.inspections import SelfInspectionOut, SelfInspectionSummary
from engine.intake.rawinput import loads_json
from engine.intake.validate import SelfInspectionInvalid

__all__ = ["inspection_out", "router"]

router = APIRouter(prefix="/v1/self-inspections", tags=["self-inspections"], responses=problem_responses(401, 403))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # engine/intake/workbook/reader.py


@dataclass(frozen=True)
class Submission:
    """The request body: a JSON self-inspection, or the workbook of ``smart-audit manual --format xlsx``."""

    data: Any = None
    workbook: bytes | None = None


async def _submission(request: Request, _caller: SubmitterDep) -> Submission:
    media = (request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()
    body = await request.body()
    if media == XLSX:
        return Submission(workbook=body)
    if media == "application/json" or media.endswith("+json"):
        if JSON_SCOPE_KEY in request.scope:  # parsed strictly by the request guard
            return Submission(data=request.scope[JSON_SCOPE_KEY])
        try:
            return Submission(data=loads_json(body))
        except SelfInspectionInvalid as exc:
            first = exc.errors[0]
            raise ProblemError(
                422,
                "request-invalid",
                "Request invalid",
                f"{first.path}: {first.message_en}（{first.message_zh}）",
                errors=[e.as_dict() for e in exc.errors],
            ) from exc
    raise ProblemError(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        f"send the self-inspection as application/json or as the workbook ({XLSX}), not {media}"
        f"（自查数据应以 application/json 或工作簿格式提交）",
    )


SubmissionDep = Annotated[Submission, Depends(_submission)]

_BODY = {
    "required": True,
    "description": "the self-inspection as JSON, or the filled-in workbook of `smart-audit manual --format xlsx` "
    "(same validation; errors then also carry `cell`, e.g. `年度数据!D5`)",
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/SelfInspection"},
            "examples": self_inspection_examples(),
        },
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    },
}


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
        completeness=record.completeness,
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
    responses=problem_responses(413, 415, 422, 503),
    openapi_extra={"requestBody": _BODY},
)
def submit_self_inspection(
    request: Request,
    response: Response,
    body: SubmissionDep,
    caller: SubmitterDep,
    loaded: KbDep,
    session: SessionDep,
    slots: SlotsDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> SelfInspectionOut:
    """Submit a self-inspection, as JSON or as the workbook: validated (nothing is stored if invalid), evaluated and
    stored. A workbook is stored as the self-inspection read from it."""
    with slots.held():  # the computation; the write below waits for none (api/slots.py)
        if body.workbook is not None:
            validated = planning.validate_workbook(loaded, body.workbook)
            payload = validated.inspection.model_dump(mode="json", exclude_none=True)
            key_body: Any = {"workbook_sha256": hashlib.sha256(body.workbook).hexdigest()}
        else:
            payload = key_body = body.data
            validated = planning.validate(loaded, payload)
        enterprise = validated.inspection.enterprise
        records.submit_scope(caller, enterprise.id, enterprise.district)
        idem = Idempotency(caller, idempotency_key, "POST", request.url.path, key_body)  # hashes validated data only
        previous = idem.previous(session)
        if previous is not None:
            found = session.get_one(SelfInspectionRecord, previous.resource_id)
            return _answer(request, response, found, replayed=True)
        level, completeness = planning.assess(loaded, validated)
        record = records.new_inspection(loaded, caller, payload, validated, level, completeness)
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
