"""Acceptances, stored append-only and signed: every change (checklist, evidence, verification) is a new version
row, never an UPDATE, and each version is chained to the one before by SHA-256::

    hash_n = "sha256:" + sha256(hash_{n-1} + "\\n" + payload_n)      hash_0 = GENESIS

``payload_n`` is the canonical JSON (sorted keys, no spaces) of ``{acceptance_id, version, kind, author_key_id,
role, created_at, body}``: the key id that wrote a version is inside what the hash covers, so a verification names
the auditor key that made it. :func:`verify_chain` recomputes the chain and checks the indexed columns against the
payloads: a row edited in the database is found.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from api.access import Principal, scope_clause
from api.orm import Acceptance, AcceptanceFile, AcceptanceVersion, Plan, new_id, utcnow
from api.problems import ProblemError, issue
from api.store import not_found

__all__ = [
    "GENESIS",
    "add_version",
    "chain_hash",
    "file_hashes",
    "get_acceptance",
    "list_acceptances",
    "new_acceptance",
    "payload_of",
    "store_files",
    "verify_chain",
    "versions_of",
]

GENESIS = "sha256:" + "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def chain_hash(prev_hash: str, payload_json: str) -> str:
    return "sha256:" + hashlib.sha256(f"{prev_hash}\n{payload_json}".encode()).hexdigest()


def get_acceptance(session: Session, principal: Principal, aid: str) -> Acceptance:
    record = session.scalars(
        select(Acceptance).where(Acceptance.id == aid, scope_clause(principal, Acceptance))
    ).first()
    if record is None:
        raise not_found("acceptance", aid)
    return record


def list_acceptances(session: Session, principal: Principal, limit: int, offset: int) -> tuple[list[Acceptance], int]:
    cond = scope_clause(principal, Acceptance)
    total = session.scalar(select(func.count()).select_from(Acceptance).where(cond)) or 0
    rows = session.scalars(
        select(Acceptance)
        .where(cond)
        .order_by(Acceptance.created_at.desc(), Acceptance.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def versions_of(session: Session, acceptance_id: str) -> list[AcceptanceVersion]:
    return list(
        session.scalars(
            select(AcceptanceVersion)
            .options(undefer(AcceptanceVersion.payload_json))
            .where(AcceptanceVersion.acceptance_id == acceptance_id)
            .order_by(AcceptanceVersion.version)
        )
    )


def payload_of(version: AcceptanceVersion) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(version.payload_json)
    return data


def new_acceptance(caller: Principal, plan: Plan, policy_id: str) -> Acceptance:
    return Acceptance(
        id=new_id("ac"),
        plan_id=plan.id,
        enterprise_id=plan.enterprise_id,
        district=plan.district,
        year=plan.year,
        policy_id=policy_id,
        created_by=caller.key_id,
        created_at=utcnow(),
    )


def add_version(
    session: Session,
    caller: Principal,
    acceptance_id: str,
    kind: str,
    body: dict[str, Any],
    previous: AcceptanceVersion | None,
    *,
    verdict: str | None = None,
) -> AcceptanceVersion:
    """Append the next version (not committed); ``previous`` is the current last version (None for the first)."""
    number = previous.version + 1 if previous else 1
    created_at = utcnow()
    payload = canonical(
        {
            "acceptance_id": acceptance_id,
            "version": number,
            "kind": kind,
            "author_key_id": caller.key_id,
            "role": caller.role.value,
            "created_at": created_at.isoformat(),
            "verdict": verdict,
            "body": body,
        }
    )
    prev_hash = previous.hash if previous else GENESIS
    row = AcceptanceVersion(
        acceptance_id=acceptance_id,
        version=number,
        kind=kind,
        verdict=verdict,
        author_key_id=caller.key_id,
        role=caller.role.value,
        payload_json=payload,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, payload),
        created_at=created_at,
    )
    session.add(row)
    return row


def verify_chain(acceptance: Acceptance, versions: list[AcceptanceVersion]) -> dict[str, Any]:
    """Recompute the chain: each version's hash from the one before and its payload, and its columns against the
    payload. Returns ``{valid, versions, head, problems: [{version, rule, message}]}``."""
    problems: list[dict[str, Any]] = []
    prev = GENESIS
    for expected_number, v in enumerate(versions, start=1):
        where = {"version": v.version}
        if v.version != expected_number:
            problems.append({**where, "rule": "version_gap", "message": f"expected version {expected_number}"})
        if v.prev_hash != prev:
            problems.append({**where, "rule": "prev_hash_mismatch", "message": "prev_hash is not the hash before"})
        if chain_hash(prev, v.payload_json) != v.hash:
            problems.append({**where, "rule": "hash_mismatch", "message": "the payload does not give the stored hash"})
        try:
            p = json.loads(v.payload_json)
        except ValueError:
            problems.append({**where, "rule": "payload_invalid", "message": "the payload is not JSON"})
            p = {}
        columns = {
            "acceptance_id": acceptance.id,
            "version": v.version,
            "kind": v.kind,
            "author_key_id": v.author_key_id,
            "role": v.role,
            "verdict": v.verdict,
        }
        for name, value in columns.items():
            if p and p.get(name) != value:
                problems.append({**where, "rule": "column_mismatch", "message": f"{name} differs from the payload"})
        prev = v.hash
    return {
        "acceptance_id": acceptance.id,
        "valid": not problems,
        "versions": len(versions),
        "head": prev if versions else None,
        "algorithm": "sha256(prev_hash + '\\n' + canonical JSON payload)",
        "problems": problems,
    }


def store_files(
    session: Session, caller: Principal, acceptance_id: str, files: list[dict[str, Any]], prefix: str = "files"
) -> dict[str, str]:
    """Decode and store uploaded files (``{name, content_base64, media_type}``); name -> SHA-256 hex. 422 naming
    the field for content that is not base64; a file already stored (same hash) is not stored twice."""
    out: dict[str, str] = {}
    errors = []
    decoded: list[tuple[dict[str, Any], bytes]] = []
    for i, f in enumerate(files):
        try:
            content = base64.b64decode(f["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            errors.append(
                {
                    **issue(f"{prefix}[{i}].content_base64", "base64_invalid", "the content is not base64"),
                    "message_zh": "文件内容不是有效的 base64 编码",
                    "message_en": "the content is not base64",
                }
            )
            continue
        decoded.append((f, content))
    if errors:
        raise ProblemError(422, "request-invalid", "Request invalid", errors[0]["path"] + ": not base64", errors=errors)
    known = set(session.scalars(select(AcceptanceFile.sha256).where(AcceptanceFile.acceptance_id == acceptance_id)))
    for f, content in decoded:
        digest = hashlib.sha256(content).hexdigest()
        out[f["name"]] = digest
        if digest in known:
            continue
        known.add(digest)
        session.add(
            AcceptanceFile(
                acceptance_id=acceptance_id,
                name=f["name"],
                sha256=digest,
                size=len(content),
                media_type=f.get("media_type") or "application/octet-stream",
                content=content,
                uploaded_by=caller.key_id,
                created_at=utcnow(),
            )
        )
    return out


def file_hashes(session: Session, acceptance_id: str) -> set[str]:
    """The SHA-256 (hex) of every file stored for the acceptance."""
    return set(session.scalars(select(AcceptanceFile.sha256).where(AcceptanceFile.acceptance_id == acceptance_id)))
