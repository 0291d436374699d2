"""API keys: created with a random secret shown once, stored as a salted scrypt hash, found by a short prefix.

A key reads ``sak_<prefix>_<secret>``: the prefix (10 hex digits) is stored in clear to find the record, the whole
key is hashed with scrypt and a per-key salt. Since the secret is 256 random bits, a verified key is remembered in
the process (by its SHA-256) so that scrypt runs once per key and process, not on every request; the record is
still read on every request, so a revocation takes effect at once. A key whose prefix is malformed or unknown is
refused before any hashing (the prefix is an identifier, not a secret: telling that it is unknown reveals nothing
of any key), so made-up keys cost an indexed read, not a scrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import Principal, Role
from api.orm import ApiKey, new_id, utcnow
from engine.intake.model import normalise_district
from engine.intake.rawinput import text_problem

__all__ = [
    "KeyRequestError",
    "NewKey",
    "authenticate",
    "create_key",
    "hash_secret",
    "list_keys",
    "principal_of",
    "revoke_key",
    "verify_secret",
]

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_VERIFIED: OrderedDict[tuple[str, str], None] = OrderedDict()
_VERIFIED_MAX = 4096
_VERIFIED_LOCK = threading.Lock()


class KeyRequestError(ValueError):
    """A key cannot be created or revoked as asked: ``field`` names the input at fault, the message says why."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewKey:
    record: ApiKey
    secret: str  # the full key; shown once, never stored


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(key: str, *, n: int = _SCRYPT_N, r: int = _SCRYPT_R, p: int = _SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_secret(key: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            key.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=256 * 1024 * 1024, dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def _split(key: str) -> tuple[str, str] | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "sak" or len(parts[1]) != 10 or not parts[2]:
        return None
    return parts[1], parts[2]


def _verified(key: str, stored: str) -> bool:
    memo = (hashlib.sha256(key.encode()).hexdigest(), stored)
    with _VERIFIED_LOCK:
        if memo in _VERIFIED:
            _VERIFIED.move_to_end(memo)
            return True
    if not verify_secret(key, stored):
        return False
    with _VERIFIED_LOCK:
        _VERIFIED[memo] = None
        while len(_VERIFIED) > _VERIFIED_MAX:
            _VERIFIED.popitem(last=False)
    return True


def _principal(record: ApiKey) -> Principal:
    return Principal(
        key_id=record.id,
        name=record.name,
        role=Role(record.role),
        enterprise_id=record.enterprise_id,
        districts=tuple(record.districts or ()),
    )


def principal_of(session: Session, key_id: str) -> Principal | None:
    """The caller of a key already verified (a web session names its key id), or None if revoked or gone."""
    record = session.get(ApiKey, key_id)
    if record is None or record.revoked_at is not None:
        return None
    return _principal(record)


def authenticate(session: Session, key: str) -> Principal | None:
    """The caller holding ``key``, or None if the key is malformed, unknown, wrong or revoked."""
    parts = _split(key.strip())
    record = session.scalars(select(ApiKey).where(ApiKey.prefix == parts[0])).first() if parts else None
    if record is None:  # refused before any hashing: a flood of made-up keys costs one indexed read each
        return None
    if not _verified(key.strip(), record.secret_hash) or record.revoked_at is not None:
        return None
    return _principal(record)


def create_key(
    session: Session,
    *,
    role: Role | str,
    name: str,
    enterprise_id: str | None = None,
    districts: Sequence[str] = (),
) -> NewKey:
    """Add a key (the caller commits). Enterprise keys need one enterprise; auditor keys one or more districts."""
    role = Role(role)
    name = name.strip()
    districts = sorted({normalise_district(d) for d in districts if normalise_district(d)})
    if not name:
        raise KeyRequestError("a key needs a name (who or what holds it)")
    if role is Role.enterprise and not enterprise_id:
        raise KeyRequestError("an enterprise key needs an enterprise id (--enterprise ID)", "enterprise_id")
    if role is not Role.enterprise and enterprise_id:
        raise KeyRequestError(
            f"only enterprise keys are bound to an enterprise, not {role.value} keys", "enterprise_id"
        )
    if role is Role.auditor and not districts:
        raise KeyRequestError("an auditor key needs at least one district (--district D)", "districts")
    if role not in (Role.auditor, Role.enterprise) and districts:
        raise KeyRequestError(
            f"only auditor and enterprise keys are bound to districts, not {role.value} keys", "districts"
        )
    for district in districts:
        if len(district) > 100 or text_problem(district):
            raise KeyRequestError(f"a district is a name of at most 100 characters, not {district[:20]!r}", "districts")
    prefix = secrets.token_hex(5)
    while session.scalars(select(ApiKey.id).where(ApiKey.prefix == prefix)).first() is not None:
        prefix = secrets.token_hex(5)  # pragma: no cover - 1 in 10^12
    secret = f"sak_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiKey(
        id=new_id("key"),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        name=name,
        role=role.value,
        enterprise_id=enterprise_id,
        districts=districts,
        created_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return NewKey(record, secret)


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: str) -> ApiKey:
    """Mark a key revoked (the caller commits); revoking twice keeps the first time."""
    record = session.get(ApiKey, key_id)
    if record is None:
        raise KeyRequestError(f"there is no key {key_id!r}", "key_id")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    return record
