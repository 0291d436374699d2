"""Cohorts (整体审核): create from stored self-inspections, list, read, evaluate, report; an enterprise's own
position against anonymised peers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from api import cohort_store
from api.access import WHOLE_COHORT_READERS
from api.cohorts import cohort_policy
from api.deps import (
    CohortReaderDep,
    CohortWriterDep,
    EnterpriseDep,
    IdempotencyKeyDep,
    KbDep,
    PageDep,
    ReaderDep,
    SessionDep,
)
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.middleware import RESOURCE_SCOPE_KEY
from api.schemas.cohorts import CohortCreate, CohortMemberOut, CohortOut, CohortPeriodOut, CohortSummary
from api.schemas.common import Page, problem_responses
from engine.cohort import own_position
from explanations.cohort_docx import render_cohort_docx
from explanations.cohort_report import render_cohort_html, render_cohort_pdf
from explanations.docx_report import DOCX_MEDIA_TYPE

__all__ = ["router"]

router = APIRouter(prefix="/v1/cohorts", tags=["cohorts"], responses=problem_responses(401, 403))

Lang = Annotated[Literal["zh", "en"], Query(description="language of the report (zh default)")]

_EVALUATION_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the engine's overall evaluation (`smart-audit cohort --json`): per period `enterprises`, "
        "`levels`, `indicators`, `common_problems`, `common_solutions`, `individual_solutions`; `before_after` of "
        "the first and last period; with `cohort_id` and `scope` (`whole`, or `districts` for an auditor)",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}
_POSITION_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the caller's enterprise against anonymised peers: its values, levels and percentiles, the "
        "cohort's distributions only where enough enterprises stand behind them, the common problems and solutions "
        "with `concerns_you`; never another enterprise's id, name or value",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


def _summary(visible: cohort_store.VisibleCohort) -> dict[str, Any]:
    c = visible.cohort
    return {
        "id": c.id,
        "name": c.name,
        "periods": list(c.periods),
        "members_shown": len(visible.members),
        "partial": visible.partial,
        "owner_role": c.owner_role,
        "created_by": c.created_by,
        "created_at": c.created_at,
    }


def cohort_out(visible: cohort_store.VisibleCohort) -> CohortOut:
    periods = [
        CohortPeriodOut(
            label=label,
            members=[
                CohortMemberOut(
                    self_inspection_id=si.id,
                    enterprise_id=m.enterprise_id,
                    enterprise_name=si.enterprise_name,
                    district=m.district,
                    year=si.year,
                )
                for m, si in visible.members
                if m.period == label
            ],
        )
        for label in visible.cohort.periods
    ]
    return CohortOut(**_summary(visible), members=periods)


@router.post("", status_code=201, response_model=CohortOut, responses=problem_responses(413, 422))
def create_cohort(
    request: Request,
    response: Response,
    body: CohortCreate,
    caller: CohortWriterDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> CohortOut:
    """Create a cohort from stored self-inspections (platform; auditors with those in their districts). Every id
    must exist and be visible to the caller, every period have one, and an enterprise be once per period; else 422
    naming each field (zh and en) and nothing is stored."""
    idem = Idempotency(caller, idempotency_key, "POST", request.url.path, body.model_dump(mode="json"))
    previous = idem.previous(session)
    if previous is None:
        cohort, _ = cohort_store.new_cohort(session, caller, body)
        idem.remember(session, 201, "cohort", cohort.id)
        winner = idem.commit(session)
        cohort_id = cohort.id if winner is None else winner
    else:
        cohort_id = previous.resource_id
        winner = cohort_id
    if winner is not None:
        response.headers[REPLAYED_HEADER] = "true"
    location = f"/v1/cohorts/{cohort_id}"
    response.headers["Location"] = location
    request.scope[RESOURCE_SCOPE_KEY] = location
    return cohort_out(cohort_store.get_cohort(session, caller, cohort_id))


@router.get("", response_model=Page[CohortSummary], responses=problem_responses(422))
def list_cohorts(caller: ReaderDep, session: SessionDep, page: PageDep) -> Page[CohortSummary]:
    """The cohorts the caller may see, newest first: all (platform, bureau), those with members in the auditor's
    districts, those the enterprise is in (with only its own members)."""
    rows, total = cohort_store.list_cohorts(session, caller, page.limit, page.offset)
    items = [
        CohortSummary(
            id=c.id,
            name=c.name,
            periods=list(c.periods),
            members_shown=shown,
            partial=caller.role not in WHOLE_COHORT_READERS and shown < every,
            owner_role=c.owner_role,
            created_by=c.created_by,
            created_at=c.created_at,
        )
        for c, shown, every in rows
    ]
    return Page.of(items, total, page.limit, page.offset)


@router.get("/{cohort_id}", response_model=CohortOut, responses=problem_responses(404))
def get_cohort(cohort_id: str, caller: ReaderDep, session: SessionDep) -> CohortOut:
    """A cohort and, per period, the members the caller may see (an enterprise: only itself)."""
    return cohort_out(cohort_store.get_cohort(session, caller, cohort_id))


def _evaluation(cohort_id: str, caller: Any, session: Any, loaded: Any) -> dict[str, Any]:
    visible = cohort_store.get_cohort(session, caller, cohort_id)
    result = cohort_store.evaluate(session, loaded, visible)
    scope = "whole" if caller.role in WHOLE_COHORT_READERS or not visible.partial else "districts"
    return {"cohort_id": visible.cohort.id, "scope": scope, **result}


@router.get("/{cohort_id}/evaluation", responses={**problem_responses(404, 422, 503), **_EVALUATION_DOC})
def evaluate_cohort(cohort_id: str, caller: CohortReaderDep, session: SessionDep, loaded: KbDep) -> dict[str, Any]:
    """The overall evaluation of the members the caller may see (auditors: those in their districts), with each
    member's stored plan made with the knowledge base in use, or one built now."""
    return _evaluation(cohort_id, caller, session, loaded)


@router.get(
    "/{cohort_id}/report",
    response_class=Response,
    responses={
        **problem_responses(404, 422, 503),
        200: {"content": {"text/html": {}, "application/pdf": {}, DOCX_MEDIA_TYPE: {}}},
    },
)
def get_cohort_report(
    cohort_id: str,
    caller: CohortReaderDep,
    session: SessionDep,
    loaded: KbDep,
    lang: Lang = "zh",
    format: Annotated[Literal["html", "pdf", "docx"], Query(description="html (default), pdf or docx")] = "html",
) -> Response:
    """The cohort report (HTML, PDF with a CJK font, or an editable Word document): level distribution, indicator
    box plots with thresholds, the enterprise × common-problem heat map, the Pareto of common solutions, before/after
    slope charts, rewards and subsidies."""
    result = {
        **_evaluation(cohort_id, caller, session, loaded),
        "rewards": cohort_rewards_of(session, caller, cohort_id),
    }
    if format == "docx":
        return Response(
            render_cohort_docx(result, lang),
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-{lang}.docx"'},
        )
    if format == "pdf":
        return Response(
            render_cohort_pdf(result, lang),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="cohort-{cohort_id}-{lang}.pdf"'},
        )
    return HTMLResponse(render_cohort_html(result, lang))


@router.get("/{cohort_id}/position", responses={**problem_responses(404, 422, 503), **_POSITION_DOC})
def get_own_position(cohort_id: str, caller: EnterpriseDep, session: SessionDep, loaded: KbDep) -> dict[str, Any]:
    """The caller's enterprise in the cohort against anonymised peers (enterprise keys; 404 if it is not in it)."""
    visible = cohort_store.get_cohort(session, caller, cohort_id, all_members=True)
    result = cohort_store.evaluate(session, loaded, visible)
    min_peers = cohort_policy(loaded.kb).min_peers_shown
    assert caller.enterprise_id is not None  # enterprise keys always have one (api.keys.create_key)
    return {"cohort_id": visible.cohort.id, **own_position(result, caller.enterprise_id, min_peers=min_peers)}


@router.get("/{cohort_id}/rewards", responses=problem_responses(404, 422))
def get_cohort_rewards(cohort_id: str, caller: CohortReaderDep, session: SessionDep) -> dict[str, Any]:
    """Rewards and subsidies of the members the caller may see (auditors: their districts): each member's latest
    verified acceptance with the tiers, subsidy classes and amounts decided there and why; members not verified are
    listed; the sums leave out amounts the policy does not publish."""
    return cohort_rewards_of(session, caller, cohort_id)


def cohort_rewards_of(session: Any, caller: Any, cohort_id: str) -> dict[str, Any]:
    visible = cohort_store.get_cohort(session, caller, cohort_id)
    return cohort_store.rewards(session, visible)
