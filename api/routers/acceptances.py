"""Acceptances of plans (简易验收): the checklist, the enterprise's evidence, the auditor's verification, the
versions and their hash chain; the achievement library of verified outcomes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import acceptance_store as acc
from api import plan_blob, store
from api.deps import AuditorDep, KbDep, OpenerDep, PageDep, ReaderDep, SessionDep, SubmitterDep
from api.kbstate import LoadedKb
from api.middleware import RESOURCE_SCOPE_KEY
from api.orm import Acceptance, AcceptanceVersion
from api.problems import ProblemError, issue
from api.schemas.acceptances import (
    AcceptanceCreate,
    AcceptanceEvidenceIn,
    AcceptanceOut,
    AcceptanceSummary,
    AchievementsOut,
    ChainOut,
    ChecklistOut,
    EvidenceSubmit,
    PlanAchievementsOut,
    VerifyRequest,
    VersionOut,
)
from api.schemas.common import Page, problem_responses
from engine.acceptance import AcceptanceInvalid, build_checklist, parse_evidence, verify_acceptance
from engine.acceptance.library import aggregate, annotate, outcomes_of
from engine.errors import UnknownIdError

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["acceptances"], responses=problem_responses(401, 403))


def _version_out(v: AcceptanceVersion, *, body: bool) -> VersionOut:
    return VersionOut(
        version=v.version,
        kind=v.kind,
        verdict=v.verdict,
        author_key_id=v.author_key_id,
        role=v.role,
        created_at=v.created_at,
        prev_hash=v.prev_hash,
        hash=v.hash,
        body=acc.payload_of(v)["body"] if body else None,
    )


def _latest(versions: list[AcceptanceVersion], kind: str) -> AcceptanceVersion | None:
    return next((v for v in reversed(versions) if v.kind == kind), None)


def _status(versions: list[AcceptanceVersion]) -> str:
    kind = versions[-1].kind
    return {"checklist": "open", "evidence": "evidence_submitted", "verification": "verified"}[kind]


def _summary(record: Acceptance, versions: list[AcceptanceVersion]) -> dict[str, Any]:
    verified = _latest(versions, "verification")
    return {
        "id": record.id,
        "plan_id": record.plan_id,
        "enterprise_id": record.enterprise_id,
        "district": record.district,
        "year": record.year,
        "policy_id": record.policy_id,
        "status": _status(versions),
        "verdict": verified.verdict if verified else None,
        "versions": len(versions),
        "created_by": record.created_by,
        "created_at": record.created_at,
    }


def _out(record: Acceptance, versions: list[AcceptanceVersion]) -> AcceptanceOut:
    evidence = _latest(versions, "evidence")
    verified = _latest(versions, "verification")
    return AcceptanceOut(
        **_summary(record, versions),
        head_hash=versions[-1].hash,
        checklist=acc.payload_of(versions[0])["body"]["checklist"],
        evidence=acc.payload_of(evidence)["body"]["evidence"] if evidence else None,
        verification=acc.payload_of(verified)["body"]["verification"] if verified else None,
        current=_version_out(versions[-1], body=True),
        history=[_version_out(v, body=False) for v in versions],
    )


def _answer(request: Request, response: Response, record: Acceptance, session: Session) -> AcceptanceOut:
    location = f"/v1/acceptances/{record.id}"
    response.headers["Location"] = location
    request.scope[RESOURCE_SCOPE_KEY] = location
    return _out(record, acc.versions_of(session, record.id))


def _commit(session: Session) -> None:
    """Commit the new rows; a concurrent writer that took the same version number makes this one a 409."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ProblemError(
            409,
            "acceptance-changed",
            "Acceptance changed meanwhile",
            "another version of this acceptance (or an acceptance of this plan) was stored at the same time; read "
            "it again and retry",
        ) from exc


def _invalid(exc: AcceptanceInvalid, prefix: str) -> ProblemError:
    errors = [
        {**e.as_dict(), "path": prefix + e.path if e.path != "(root)" else prefix.rstrip(".")} for e in exc.errors
    ]
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ProblemError(
        422,
        "evidence-invalid",
        "Evidence invalid",
        f"{first['path']}: {first['message']}{more}; nothing of it was stored / 证据有误，未予保存",
        errors=errors,
    )


def _checklist(loaded: LoadedKb, plan: dict[str, Any], policy: str) -> dict[str, Any]:
    try:
        return build_checklist(loaded.kb, plan, policy)
    except (UnknownIdError, KeyError) as exc:
        known = ", ".join(sorted(loaded.kb.acceptance_policies))
        raise ProblemError(
            422,
            "request-invalid",
            "Request invalid",
            f"policy: there is no acceptance policy {policy!r} (known: {known})",
            errors=[
                {
                    **issue("policy", "unknown_policy", f"there is no acceptance policy {policy!r} (known: {known})"),
                    "message_zh": f"知识库中没有验收政策 {policy!r}（现有：{known}）",
                    "message_en": f"there is no acceptance policy {policy!r} (known: {known})",
                }
            ],
        ) from exc


@router.get("/plans/{plan_id}/acceptance", response_model=ChecklistOut, responses=problem_responses(404, 422))
def get_plan_checklist(plan_id: str, caller: ReaderDep, session: SessionDep, loaded: KbDep) -> ChecklistOut:
    """The acceptance checklist of a plan: the stored one if the plan has an acceptance, else built now."""
    plan = store.get_plan(session, caller, plan_id)
    record = session.query(Acceptance).filter(Acceptance.plan_id == plan.id).first()
    if record is not None:
        first = acc.versions_of(session, record.id)[0]
        return ChecklistOut(
            plan_id=plan.id, acceptance_id=record.id, checklist=acc.payload_of(first)["body"]["checklist"]
        )
    return ChecklistOut(
        plan_id=plan.id, acceptance_id=None, checklist=_checklist(loaded, plan_blob.full_of(plan), "default")
    )


@router.post(
    "/plans/{plan_id}/acceptance",
    status_code=201,
    response_model=AcceptanceOut,
    responses=problem_responses(404, 409, 422, 503),
)
def create_acceptance(
    request: Request,
    response: Response,
    plan_id: str,
    caller: OpenerDep,
    session: SessionDep,
    loaded: KbDep,
    body: AcceptanceCreate | None = None,
) -> AcceptanceOut:
    """Open the acceptance of a stored plan: its checklist is built from the plan and stored as version 1."""
    body = body or AcceptanceCreate()
    plan = store.get_plan(session, caller, plan_id)
    existing = session.query(Acceptance).filter(Acceptance.plan_id == plan.id).first()
    if existing is not None:
        raise ProblemError(
            409,
            "acceptance-exists",
            "Acceptance exists",
            f"plan {plan.id} already has acceptance {existing.id}: add evidence to it",
            headers={"Location": f"/v1/acceptances/{existing.id}"},
            acceptance_id=existing.id,
        )
    checklist = _checklist(loaded, plan_blob.full_of(plan), body.policy)
    record = acc.new_acceptance(caller, plan, body.policy)
    session.add(record)
    session.flush()
    acc.add_version(session, caller, record.id, "checklist", {"plan_id": plan.id, "checklist": checklist}, None)
    _commit(session)
    return _answer(request, response, record, session)


@router.get("/acceptances", response_model=Page[AcceptanceSummary], responses=problem_responses(422))
def list_acceptances(caller: ReaderDep, session: SessionDep, page: PageDep) -> Page[AcceptanceSummary]:
    """The acceptances the caller may read, newest first."""
    rows, total = acc.list_acceptances(session, caller, page.limit, page.offset)
    items = [AcceptanceSummary(**_summary(r, acc.versions_of(session, r.id))) for r in rows]
    return Page.of(items, total, page.limit, page.offset)


@router.get("/acceptances/{acceptance_id}", response_model=AcceptanceOut, responses=problem_responses(404))
def get_acceptance(acceptance_id: str, caller: ReaderDep, session: SessionDep) -> AcceptanceOut:
    """An acceptance: the current checklist, evidence and verification, and the history of its versions."""
    record = acc.get_acceptance(session, caller, acceptance_id)
    return _out(record, acc.versions_of(session, record.id))


@router.get("/acceptances/{acceptance_id}/verify-chain", response_model=ChainOut, responses=problem_responses(404))
def verify_acceptance_chain(acceptance_id: str, caller: ReaderDep, session: SessionDep) -> ChainOut:
    """Recompute the SHA-256 chain of the acceptance's versions; any edited row is reported."""
    record = acc.get_acceptance(session, caller, acceptance_id)
    return ChainOut(**acc.verify_chain(record, acc.versions_of(session, record.id)))


def _with_uploads(evidence: dict[str, Any], uploaded: dict[str, str]) -> dict[str, Any]:
    """The evidence with the SHA-256 of uploaded files filled in; 422 if a declared hash differs from the file's,
    or a file is named under no document."""
    docs = evidence.get("documents")
    if not uploaded:
        return evidence
    if not isinstance(docs, list):
        docs = []
    errors = []
    named = set()
    out_docs = []
    for i, doc in enumerate(docs):
        if isinstance(doc, dict) and doc.get("name") in uploaded:
            named.add(doc["name"])
            actual = uploaded[doc["name"]]
            declared = doc.get("sha256")
            if isinstance(declared, str) and declared.removeprefix("sha256:") != actual:
                msg_en = f"the declared SHA-256 differs from the uploaded file's ({actual})"
                errors.append(
                    {
                        **issue(f"evidence.documents[{i}].sha256", "document_hash_mismatch", msg_en),
                        "message_zh": f"填报的 SHA-256 与上传文件的不一致（{actual}）",
                        "message_en": msg_en,
                    }
                )
            doc = {**doc, "sha256": actual}
        out_docs.append(doc)
    for j, name in enumerate(uploaded):
        if name not in named:
            msg_en = f"file {name!r} is not listed under evidence.documents"
            errors.append(
                {
                    **issue(f"files[{j}].name", "file_not_listed", msg_en),
                    "message_zh": f"文件 {name!r} 未在 evidence.documents 中登记",
                    "message_en": msg_en,
                }
            )
    if errors:
        raise ProblemError(
            422, "evidence-invalid", "Evidence invalid", f"{errors[0]['path']}: {errors[0]['message']}", errors=errors
        )
    return {**evidence, "documents": out_docs}


@router.post(
    "/acceptances/{acceptance_id}/evidence",
    status_code=201,
    response_model=AcceptanceOut,
    responses=problem_responses(404, 409, 413, 422),
)
def submit_evidence(
    request: Request,
    response: Response,
    acceptance_id: str,
    body: EvidenceSubmit,
    caller: SubmitterDep,
    session: SessionDep,
) -> AcceptanceOut:
    """Tick the checklist with evidence (enterprise, or platform): a new version; uploaded files stored by hash."""
    record = acc.get_acceptance(session, caller, acceptance_id)
    _add_evidence(session, caller, record, body)
    _commit(session)
    return _answer(request, response, record, session)


def _add_evidence(session: Session, caller: Any, record: Acceptance, body: EvidenceSubmit) -> None:
    versions = acc.versions_of(session, record.id)
    checklist = acc.payload_of(versions[0])["body"]["checklist"]
    uploaded = acc.store_files(session, caller, record.id, [f.model_dump() for f in body.files])
    evidence = _with_uploads(body.evidence, uploaded)
    try:
        parse_evidence(evidence, checklist)
    except AcceptanceInvalid as exc:
        session.rollback()
        raise _invalid(exc, "evidence.") from exc
    acc.add_version(session, caller, record.id, "evidence", {"evidence": evidence, "files": uploaded}, versions[-1])


@router.post(
    "/acceptances",
    status_code=201,
    response_model=AcceptanceOut,
    responses=problem_responses(404, 409, 413, 422),
)
def post_acceptance(
    request: Request,
    response: Response,
    body: AcceptanceEvidenceIn,
    caller: SubmitterDep,
    session: SessionDep,
    loaded: KbDep,
) -> AcceptanceOut:
    """Evidence by the enterprise for plan_id (opening its acceptance) or acceptance_id, in one transaction."""
    if (body.plan_id is None) == (body.acceptance_id is None):
        msg_en = "give exactly one of plan_id and acceptance_id"
        raise ProblemError(
            422,
            "request-invalid",
            "Request invalid",
            f"plan_id: {msg_en} / plan_id 与 acceptance_id 须且只须填一项",
            errors=[
                {
                    **issue("plan_id", "one_of_plan_or_acceptance", msg_en),
                    "message_zh": "plan_id 与 acceptance_id 须且只须填一项",
                    "message_en": msg_en,
                }
            ],
        )
    if body.acceptance_id is not None:
        record = acc.get_acceptance(session, caller, body.acceptance_id)
    else:
        plan = store.get_plan(session, caller, str(body.plan_id))
        existing = session.query(Acceptance).filter(Acceptance.plan_id == plan.id).first()
        if existing is not None:
            record = acc.get_acceptance(session, caller, existing.id)
        else:
            checklist = _checklist(loaded, plan_blob.full_of(plan), body.policy)
            record = acc.new_acceptance(caller, plan, body.policy)
            session.add(record)
            session.flush()
            body_v1 = {"plan_id": plan.id, "checklist": checklist}
            acc.add_version(session, caller, record.id, "checklist", body_v1, None)
    _add_evidence(session, caller, record, body)
    _commit(session)
    response.status_code = 201
    return _answer(request, response, record, session)


@router.post(
    "/acceptances/{acceptance_id}/verify",
    status_code=201,
    response_model=AcceptanceOut,
    responses=problem_responses(404, 409, 422, 503),
)
def verify(
    request: Request,
    response: Response,
    acceptance_id: str,
    body: VerifyRequest,
    caller: AuditorDep,
    session: SessionDep,
    loaded: KbDep,
) -> AcceptanceOut:
    """Verify the current evidence with the auditor's on-site ticks (auditors, in their districts): the
    verification and verdict are stored as a new version signed by the auditor's key."""
    record = acc.get_acceptance(session, caller, acceptance_id)
    versions = acc.versions_of(session, record.id)
    checklist = acc.payload_of(versions[0])["body"]["checklist"]
    ev_version = _latest(versions, "evidence")
    if ev_version is None:
        raise ProblemError(
            409,
            "no-evidence",
            "No evidence yet",
            "the enterprise has submitted no evidence: POST /v1/acceptances/{id}/evidence first / 企业尚未提交验收证据",
        )
    if checklist["policy"]["id"] not in loaded.kb.acceptance_policies:
        raise ProblemError(
            409,
            "policy-not-loaded",
            "Acceptance policy not loaded",
            f"the knowledge base in use has no acceptance policy {checklist['policy']['id']!r}",
        )
    evidence = dict(acc.payload_of(ev_version)["body"]["evidence"])
    evidence["vetoes"] = {**evidence.get("vetoes", {}), **body.vetoes}
    evidence["checks"] = {**evidence.get("checks", {}), **body.checks}
    evidence["check_evidence"] = {**evidence.get("check_evidence", {}), **body.check_evidence}
    try:
        parsed = parse_evidence(evidence, checklist)
    except AcceptanceInvalid as exc:
        raise _invalid(exc, "") from exc
    stored = acc.file_hashes(session, record.id)
    hashes = {d.name: d.digest for d in parsed.documents if d.digest in stored}
    result = verify_acceptance(loaded.kb, checklist, parsed, document_hashes=hashes)
    body_out = {
        "evidence_version": ev_version.version,
        "evidence_hash": ev_version.hash,
        "auditor_ticks": body.model_dump(),
        "verification": result,
        "outcomes": outcomes_of(checklist, result, acceptance_id=record.id),
    }
    acc.add_version(session, caller, record.id, "verification", body_out, versions[-1], verdict=result["verdict"])
    _commit(session)
    return _answer(request, response, record, session)


def _library(session: Session) -> tuple[dict[str, dict[str, Any]], int]:
    """Medians over the latest verification of every acceptance (all of them: the library is an aggregate)."""
    rows = session.query(AcceptanceVersion).filter(AcceptanceVersion.kind == "verification")
    latest: dict[str, AcceptanceVersion] = {}
    for v in rows.order_by(AcceptanceVersion.acceptance_id, AcceptanceVersion.version):
        latest[v.acceptance_id] = v
    outcomes = [o for v in latest.values() for o in acc.payload_of(v)["body"]["outcomes"]]
    return aggregate(outcomes), len(latest)


@router.get("/achievements", response_model=AchievementsOut, tags=["achievements"])
def list_achievements(caller: ReaderDep, session: SessionDep) -> AchievementsOut:
    """The achievement library: verified outcomes by measure code (medians of investment and savings, N plants)."""
    library, n = _library(session)
    return AchievementsOut(acceptances=n, items=list(library.values()))


@router.get(
    "/achievements/{measure_code}",
    response_model=AchievementsOut,
    tags=["achievements"],
    responses=problem_responses(404),
)
def get_achievement(measure_code: str, caller: ReaderDep, session: SessionDep) -> AchievementsOut:
    """The verified outcomes of one measure code (e.g. PCB-W-RIN-01)."""
    library, n = _library(session)
    if measure_code not in library:
        raise store.not_found("verified outcome of measure code", measure_code, field="path.measure_code")
    return AchievementsOut(acceptances=n, items=[library[measure_code]])


@router.get(
    "/plans/{plan_id}/achievements",
    response_model=PlanAchievementsOut,
    tags=["achievements"],
    responses=problem_responses(404),
)
def plan_achievements(plan_id: str, caller: ReaderDep, session: SessionDep, loaded: KbDep) -> PlanAchievementsOut:
    """Beside each option of a plan: implemented and verified at N plants (medians), and the plan's estimates that
    verified outcomes contradict (by the policy's contradiction factor)."""
    plan = store.get_plan(session, caller, plan_id)
    library, _ = _library(session)
    policy = loaded.kb.acceptance_policies.get("default")
    fig = policy.contradiction_factor if policy else None
    factor = fig.value if fig else None
    return PlanAchievementsOut(
        plan_id=plan.id,
        contradiction_factor=fig.model_dump() if fig else None,
        options=annotate(plan_blob.body_of(plan), library, factor=factor),
    )
