"""Liveness (/healthz) and readiness (/readyz: the knowledge base is loaded and the database answers)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import KbHolderDep, SessionDep
from api.problems import ProblemError
from api.schemas.common import problem_responses
from api.schemas.health import Health, Ready
from api.schemas.plans import KbRef

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up (it says nothing about the knowledge base or the database)."""
    return Health()


@router.get("/readyz", response_model=Ready, responses=problem_responses(503))
def readyz(holder: KbHolderDep, session: SessionDep) -> Ready:
    """Ready to serve: the knowledge base is loaded and the database answers; 503 otherwise."""
    loaded = holder.current
    if loaded is None:
        report = holder.last_report
        detail = (
            "the knowledge base is loading"
            if report is None or holder.loading
            else f"the knowledge base at {report.path} failed to load"
        )
        raise ProblemError(
            503,
            "not-ready",
            "Not ready",
            detail,
            headers={"Retry-After": "5"},
            issues=report.issues if report else [],
        )
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        raise ProblemError(503, "not-ready", "Not ready", f"the database does not answer: {exc}") from exc
    return Ready(kb=KbRef(version=loaded.version, hash=loaded.hash))
