"""The stored records (SQLAlchemy 2, typed ORM). The schema itself is made by the Alembic migrations in
``api/migrations``; a test checks that they and these classes agree.

Self-inspections, plans, notes, cohorts (with their members) and acceptance versions are immutable once written
(an acceptance changes by a new version row, never an UPDATE); API keys only ever gain a ``revoked_at``.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Acceptance",
    "AcceptanceFile",
    "AcceptanceVersion",
    "ApiKey",
    "AuditEntry",
    "Base",
    "Cohort",
    "CohortMember",
    "IdempotencyRecord",
    "Plan",
    "PlanNote",
    "SelfInspectionRecord",
    "UiDraft",
    "new_id",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """``<prefix>_<12 hex digits of milliseconds><16 random hex digits>``: unique and sortable by creation time."""
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC timestamps")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# An autoincrementing 64-bit key on PostgreSQL; SQLite autoincrements only INTEGER PRIMARY KEY.
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    enterprise_id: Mapped[str | None] = mapped_column(String(64))
    districts: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class SelfInspectionRecord(Base):
    __tablename__ = "self_inspections"
    __table_args__ = (Index("ix_self_inspections_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    enterprise_name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    reporting_years: Mapped[list[Any]] = mapped_column()
    level: Mapped[str | None] = mapped_column(String(16))
    kb_version: Mapped[str] = mapped_column(String(40))
    kb_hash: Mapped[str] = mapped_column(String(80))
    input_hash: Mapped[str] = mapped_column(String(80), index=True)
    data_json: Mapped[str] = mapped_column(Text, deferred=True)  # the submission as received (JSON text)
    warnings: Mapped[list[Any]] = mapped_column()
    completeness: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # at submission
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    self_inspection_id: Mapped[str] = mapped_column(ForeignKey("self_inspections.id"), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    district: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str | None] = mapped_column(String(16))
    kb_version: Mapped[str] = mapped_column(String(40))
    kb_hash: Mapped[str] = mapped_column(String(80))
    input_hash: Mapped[str] = mapped_column(String(80))
    benchmark_set: Mapped[str | None] = mapped_column(String(64))  # as asked; None = the KB's default
    requested_year: Mapped[int | None] = mapped_column(Integer)  # as asked; None = the latest
    plan_sha256: Mapped[str] = mapped_column(String(80))
    # the plan as the engine made it: since revision 0006 its body and its trace apart, zlib-compressed
    # (api/plan_blob.py), plan_json then empty; rows written before hold the whole JSON text in plan_json
    plan_json: Mapped[str] = mapped_column(Text, deferred=True)
    plan_z: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, nullable=True)
    trace_z: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, nullable=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanNote(Base):
    __tablename__ = "plan_notes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    author_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    """What a POST with an Idempotency-Key created, so that a retry answers with the same record."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("key_id", "idempotency_key", name="uq_idempotency_key"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One access to the API: who (key id and role), what (action, resource), the outcome and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    key_id: Mapped[str | None] = mapped_column(String(40), index=True)  # no foreign key: unknown keys are logged too
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))
    resource: Mapped[str] = mapped_column(String(500))
    status: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))


class Acceptance(Base):
    """An acceptance of a plan: who and what it is about. Its content lives in its versions (append-only)."""

    __tablename__ = "acceptances"
    __table_args__ = (Index("ix_acceptances_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), unique=True)
    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    district: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AcceptanceVersion(Base):
    """One version of an acceptance (checklist, evidence or verification), chained by SHA-256 to the one before:
    ``hash = sha256(prev_hash + payload_json)``; the payload names the key that wrote it."""

    __tablename__ = "acceptance_versions"
    __table_args__ = (UniqueConstraint("acceptance_id", "version", name="uq_acceptance_version"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    acceptance_id: Mapped[str] = mapped_column(ForeignKey("acceptances.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # checklist | evidence | verification
    verdict: Mapped[str | None] = mapped_column(String(8))  # pass | fail on a verification
    author_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    role: Mapped[str] = mapped_column(String(16))
    payload_json: Mapped[str] = mapped_column(Text, deferred=True)  # canonical JSON, what the hash covers
    prev_hash: Mapped[str] = mapped_column(String(80))
    hash: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AcceptanceFile(Base):
    """A document uploaded as evidence, stored with its SHA-256 (content-addressed within an acceptance)."""

    __tablename__ = "acceptance_files"
    __table_args__ = (UniqueConstraint("acceptance_id", "sha256", name="uq_acceptance_file"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    acceptance_id: Mapped[str] = mapped_column(ForeignKey("acceptances.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cohort(Base):
    """A named set of stored self-inspections in one or more periods (整体审核), e.g. 2024 and its 2026 follow-up."""

    __tablename__ = "cohorts"
    __table_args__ = (Index("ix_cohorts_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    periods: Mapped[list[Any]] = mapped_column()  # the period labels, in order (the first and last: before/after)
    owner_role: Mapped[str] = mapped_column(String(16))  # the role of the key that created it
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CohortMember(Base):
    """One enterprise of a cohort in one period: its stored self-inspection (enterprise and district copied from it,
    so that the caller's scope applies to members as to records)."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "period", "enterprise_id", name="uq_cohort_member"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)  # order within the period, as given
    self_inspection_id: Mapped[str] = mapped_column(ForeignKey("self_inspections.id"), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    district: Mapped[str] = mapped_column(String(100), index=True)


class UiDraft(Base):
    """A self-inspection being filled in on the web pages (/ui): saved as it is, not validated, per enterprise."""

    __tablename__ = "ui_drafts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(64), index=True)  # None: not yet named (platform)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    data_json: Mapped[str] = mapped_column(Text)
    self_inspection_id: Mapped[str | None] = mapped_column(String(40))  # set once submitted
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
