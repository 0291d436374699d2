"""API keys (admin): list, create (the secret is shown once), revoke. The same as ``smart-audit keys``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import keys
from api.access import Role
from api.deps import AdminDep, IdempotencyKeyDep, PageDep, SessionDep
from api.idempotency import REPLAYED_HEADER, Idempotency
from api.middleware import RESOURCE_SCOPE_KEY
from api.orm import ApiKey
from api.problems import ProblemError, issue
from api.schemas.common import Page, problem_responses
from api.schemas.keys import KeyCreate, KeyCreated, KeyOut

__all__ = ["key_out", "router"]

router = APIRouter(prefix="/v1/keys", tags=["keys"], responses=problem_responses(401, 403))


def key_out(record: ApiKey) -> KeyOut:
    return KeyOut(
        id=record.id,
        prefix=record.prefix,
        name=record.name,
        role=Role(record.role),
        enterprise_id=record.enterprise_id,
        districts=list(record.districts or []),
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


@router.get("", response_model=Page[KeyOut], responses=problem_responses(422))
def list_keys(_admin: AdminDep, session: SessionDep, page: PageDep) -> Page[KeyOut]:
    """Every API key, oldest first (never the secrets)."""
    records = keys.list_keys(session)
    shown = records[page.offset : page.offset + page.limit]
    return Page.of([key_out(r) for r in shown], len(records), page.limit, page.offset)


@router.post("", status_code=201, response_model=KeyCreated, responses=problem_responses(413, 422))
def create_key(
    request: Request,
    response: Response,
    body: KeyCreate,
    admin: AdminDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> KeyCreated:
    """Create an API key; its secret is in this answer only (a retried call answers with the key, not the secret)."""
    idem = Idempotency(admin, idempotency_key, "POST", request.url.path, body.model_dump(mode="json"))
    previous = idem.previous(session)
    if previous is None:
        try:
            new = keys.create_key(
                session, role=body.role, name=body.name, enterprise_id=body.enterprise_id, districts=body.districts
            )
        except keys.KeyRequestError as exc:
            raise ProblemError(
                422, "request-invalid", "Request invalid", str(exc), errors=[issue(exc.field, "key_scope", str(exc))]
            ) from exc
        idem.remember(session, 201, "key", new.record.id)
        winner = idem.commit(session)
        if winner is None:
            request.scope[RESOURCE_SCOPE_KEY] = f"/v1/keys/{new.record.id}"
            return KeyCreated(**key_out(new.record).model_dump(), secret=new.secret)
    response.headers[REPLAYED_HEADER] = "true"
    record = session.get_one(ApiKey, previous.resource_id if previous is not None else winner)
    request.scope[RESOURCE_SCOPE_KEY] = f"/v1/keys/{record.id}"
    return KeyCreated(**key_out(record).model_dump(), secret=None)


@router.post("/{key_id}/revoke", response_model=KeyOut, responses=problem_responses(404))
def revoke_key(key_id: str, _admin: AdminDep, session: SessionDep) -> KeyOut:
    """Revoke an API key: it is refused (401) from now on. Revoking again changes nothing."""
    try:
        record = keys.revoke_key(session, key_id)
    except keys.KeyRequestError as exc:
        raise ProblemError(404, "not-found", "Not found", str(exc)) from exc
    session.commit()
    return key_out(record)
