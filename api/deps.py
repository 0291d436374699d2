"""The routes' dependencies, as ``Annotated`` aliases (FastAPI "Bigger Applications")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api import keys
from api.access import COHORT_READERS, COHORT_WRITERS, READERS, SUBMITTERS, Principal, Role
from api.kbstate import KbHolder, LoadedKb
from api.middleware import PRINCIPAL_SCOPE_KEY
from api.problems import ProblemError
from api.reports import ReportPool
from api.settings import Settings
from api.slots import CpuSlots
from api.store import Filters
from engine.intake.model import normalise_district

__all__ = [
    "AdminDep",
    "AuditorDep",
    "CallerDep",
    "CohortReaderDep",
    "CohortWriterDep",
    "EnterpriseDep",
    "FiltersDep",
    "IdempotencyKeyDep",
    "KbDep",
    "KbHolderDep",
    "PageDep",
    "ReaderDep",
    "ReportPoolDep",
    "SessionDep",
    "SettingsDep",
    "SlotsDep",
    "SubmitterDep",
]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_kb_holder(request: Request) -> KbHolder:
    holder: KbHolder = request.app.state.kb
    return holder


def get_report_pool(request: Request) -> ReportPool:
    pool: ReportPool = request.app.state.reports
    return pool


def get_slots(request: Request) -> CpuSlots:
    slots: CpuSlots = request.app.state.slots
    return slots


SettingsDep = Annotated[Settings, Depends(get_settings)]
ReportPoolDep = Annotated[ReportPool, Depends(get_report_pool)]
SlotsDep = Annotated[CpuSlots, Depends(get_slots)]
SessionDep = Annotated[Session, Depends(get_session)]
KbHolderDep = Annotated[KbHolder, Depends(get_kb_holder)]


def get_kb(holder: KbHolderDep) -> LoadedKb:
    loaded = holder.current
    if loaded is None:
        report = holder.last_report
        detail = (
            "the knowledge base is loading; try again shortly"
            if report is None or holder.loading
            else f"the knowledge base at {report.path} failed to load ({len(report.issues)} issue(s))"
        )
        raise ProblemError(
            503,
            "kb-unavailable",
            "Knowledge base not loaded",
            detail,
            headers={"Retry-After": "5"},
            issues=report.issues if report else [],
        )
    return loaded


KbDep = Annotated[LoadedKb, Depends(get_kb)]

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <API key>`")
_x_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key, instead of Authorization")


def get_caller(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_x_api_key)],
) -> Principal:
    """The caller, from its API key; 401 if the key is missing, unknown, wrong or revoked."""
    key = bearer.credentials if bearer is not None else header_key
    if not key:
        raise ProblemError(
            401,
            "unauthenticated",
            "Missing or invalid API key",
            "send an API key: Authorization: Bearer <key> (or X-API-Key: <key>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    with request.app.state.sessions() as session:
        principal = keys.authenticate(session, key)
    if principal is None:
        raise ProblemError(
            401,
            "unauthenticated",
            "Missing or invalid API key",
            "the API key is unknown, wrong or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request.scope[PRINCIPAL_SCOPE_KEY] = principal
    return principal


CallerDep = Annotated[Principal, Depends(get_caller)]


def _roles(*roles: Role) -> Callable[[Principal], Principal]:
    allowed = frozenset(roles)

    def require(caller: CallerDep) -> Principal:
        if caller.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ProblemError(
                403,
                "forbidden",
                "Forbidden for this role",
                f"the {caller.role.value} role may not call this route (allowed: {names})",
            )
        return caller

    return require


ReaderDep = Annotated[Principal, Depends(_roles(*READERS))]
SubmitterDep = Annotated[Principal, Depends(_roles(*SUBMITTERS))]
AuditorDep = Annotated[Principal, Depends(_roles(Role.auditor))]
# who may open a plan's acceptance: every reader but the read-only bureau
OpenerDep = Annotated[Principal, Depends(_roles(Role.enterprise, Role.auditor, Role.platform))]
AdminDep = Annotated[Principal, Depends(_roles(Role.admin))]

IdempotencyKeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="a retried call with the same key and body answers with the record the first call created",
    ),
]


MAX_OFFSET = 2**31 - 1  # beyond any list; within every database's 64-bit OFFSET


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def get_page(
    limit: Annotated[int, Query(ge=1, le=200, description="at most this many items")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many items")] = 0,
) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(get_page)]


def get_filters(
    enterprise: Annotated[str | None, Query(max_length=64, description="enterprise id")] = None,
    district: Annotated[str | None, Query(max_length=100, description="district, e.g. 宝安区")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="reporting year (the latest of a record)")] = None,
) -> Filters:
    return Filters(enterprise, normalise_district(district) if district is not None else None, year)


FiltersDep = Annotated[Filters, Depends(get_filters)]

CohortWriterDep = Annotated[Principal, Depends(_roles(*COHORT_WRITERS))]
CohortReaderDep = Annotated[Principal, Depends(_roles(*COHORT_READERS))]
EnterpriseDep = Annotated[Principal, Depends(_roles(Role.enterprise))]
