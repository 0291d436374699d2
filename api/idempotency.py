"""Idempotency-Key for POSTs that create a record: a retried call never creates a second one.

The first call with a key stores, in the same transaction as the record it creates, the key, a hash of the request
(method, path and the JSON body in canonical form) and a pointer to the record. A retry with the same key and the
same request answers with that record again (same status, header ``Idempotent-Replayed: true``); the same key with
another request is refused (422, ``idempotency-key-reused``). Keys are per API key. Two concurrent first calls
race on a unique constraint: the loser rolls back what it wrote and answers as a retry.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.access import Principal
from api.orm import IdempotencyRecord, utcnow
from api.problems import ProblemError, issue
from engine.jsontext import sorted_compact

__all__ = ["REPLAYED_HEADER", "Idempotency"]

REPLAYED_HEADER = "Idempotent-Replayed"


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class Idempotency:
    """The idempotency of one request; inert when the request carries no key."""

    def __init__(self, principal: Principal, key: str | None, method: str, path: str, payload: Any) -> None:
        self.principal = principal
        self.key = key
        self.method = method
        self.path = path
        # json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), in C (engine/jsontext.py)
        canonical = sorted_compact({"method": method, "path": path, "body": payload}, _not_json)
        self.request_hash = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def previous(self, session: Session) -> IdempotencyRecord | None:
        """What an earlier call with this key created, if it was this same request; 422 if it was another."""
        if self.key is None:
            return None
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.key_id == self.principal.key_id, IdempotencyRecord.idempotency_key == self.key
            )
        ).first()
        if record is None:
            return None
        if record.request_hash != self.request_hash:
            raise ProblemError(
                422,
                "idempotency-key-reused",
                "Idempotency key reused",
                f"the Idempotency-Key {self.key!r} was used for another request ({record.method} {record.path} with "
                "a different body); use a new key for a new request",
                errors=[issue("header.idempotency-key", "idempotency_key_reused", "used before for another request")],
            )
        return record

    def commit(self, session: Session) -> str | None:
        """Commit; if a concurrent call with the same key won the race, roll back and return what it created."""
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            previous = self.previous(session)
            if previous is None:
                raise
            return previous.resource_id
        return None

    def remember(self, session: Session, status: int, resource_type: str, resource_id: str) -> None:
        """Add the record of this call to the session (committed with what it created)."""
        if self.key is None:
            return
        session.add(
            IdempotencyRecord(
                key_id=self.principal.key_id,
                idempotency_key=self.key,
                request_hash=self.request_hash,
                method=self.method,
                path=self.path,
                status_code=status,
                resource_type=resource_type,
                resource_id=resource_id,
                created_at=utcnow(),
            )
        )
