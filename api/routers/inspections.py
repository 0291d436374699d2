"""Self-inspections: submit (validated, stored), read, list."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import WithJsonSchema
from sqlalchemy.exc import IntegrityError

from api import planning, store
from api.access import Principal
from api.deps import FiltersDep, IdempotencyKeyDep, KbDep, PageDep, ReaderDep, SessionDep, SubmitterDep
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.kbstate import LoadedKb
from api.middleware import RESOURCE_SCOPE_KEY
from api.openapi_examples import self_inspection_examples
from api.orm import SelfInspectionRecord, new_id, utcnow
from api.problems import ProblemError, issue
from api.schemas.common import Page, problem_responses
from api.schemas.inspections import SelfInspectionOut, SelfInspectionSummary

__all__ = ["inspection_out", "new_inspection", "router", "submit_scope"]

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


def submit_scope(caller: Principal, enterprise_id: str, *, prefix: str = "") -> None:
    """403 unless the caller may submit for this enterprise (enterprise keys: their own only)."""
    if not caller.may_submit_for(enterprise_id):
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden for this enterprise",
            f"this key submits for enterprise {caller.enterprise_id!r} only, not {enterprise_id!r}",
            errors=[issue(f"{prefix}enterprise.id", "enterprise_scope", "not the key's enterprise")],
        )


def new_inspection(
    loaded: LoadedKb,
    caller: Principal,
    raw: Any,
    validated: planning.ValidatedInspection,
    level: str | None,
) -> SelfInspectionRecord:
    si = validated.inspection
    return SelfInspectionRecord(
        id=new_id("si"),
        enterprise_id=si.enterprise.id,
        enterprise_name=si.enterprise.name,
        district=si.enterprise.district,
        year=si.latest.year,
        reporting_years=list(si.reporting_years),
        level=level,
        kb_version=loaded.version,
        kb_hash=loaded.hash,
        input_hash=planning.input_hash(si),
        data_json=planning.canonical_json(raw),
        warnings=planning.warnings_of(validated),
        created_by=caller.key_id,
        created_at=utcnow(),
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
    """Submit a self-inspection: validated against the knowledge base (nothing is stored if invalid), evaluated, stored."""
    idem = Idempotency(caller, idempotency_key, "POST", request.url.path, payload)
    previous = idem.previous(session)
    if previous is not None:
        return _answer(request, response, session.get_one(SelfInspectionRecord, previous.resource_id), replayed=True)
    validated = planning.validate(loaded, payload)
    submit_scope(caller, validated.inspection.enterprise.id)
    record = new_inspection(loaded, caller, payload, validated, planning.level_of(loaded, validated))
    session.add(record)
    idem.remember(session, 201, "self_inspection", record.id)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        previous = idem.previous(session)
        if previous is None:
            raise
        record = session.get_one(SelfInspectionRecord, previous.resource_id)
        return _answer(request, response, record, replayed=True)
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
