"""Initial schema: API keys, self-inspections, plans, review notes, idempotency records, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_BIGINT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("enterprise_id", sa.String(64), nullable=True),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    op.create_table(
        "self_inspections",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("enterprise_name", sa.String(200), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reporting_years", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("kb_version", sa.String(40), nullable=False),
        sa.Column("kb_hash", sa.String(80), nullable=False),
        sa.Column("input_hash", sa.String(80), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_self_inspections_enterprise_id", "self_inspections", ["enterprise_id"])
    op.create_index("ix_self_inspections_district", "self_inspections", ["district"])
    op.create_index("ix_self_inspections_year", "self_inspections", ["year"])
    op.create_index("ix_self_inspections_input_hash", "self_inspections", ["input_hash"])
    op.create_index("ix_self_inspections_created", "self_inspections", ["created_at", "id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("self_inspection_id", sa.String(40), sa.ForeignKey("self_inspections.id"), nullable=False),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("kb_version", sa.String(40), nullable=False),
        sa.Column("kb_hash", sa.String(80), nullable=False),
        sa.Column("input_hash", sa.String(80), nullable=False),
        sa.Column("benchmark_set", sa.String(64), nullable=True),
        sa.Column("requested_year", sa.Integer(), nullable=True),
        sa.Column("plan_sha256", sa.String(80), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_plans_self_inspection_id", "plans", ["self_inspection_id"])
    op.create_index("ix_plans_enterprise_id", "plans", ["enterprise_id"])
    op.create_index("ix_plans_district", "plans", ["district"])
    op.create_index("ix_plans_year", "plans", ["year"])
    op.create_index("ix_plans_created", "plans", ["created_at", "id"])
    op.create_table(
        "plan_notes",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("author_key_id", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_plan_notes_plan_id", "plan_notes", ["plan_id"])
    op.create_table(
        "idempotency_records",
        sa.Column("id", _BIGINT_KEY, primary_key=True, autoincrement=True),
        sa.Column("key_id", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(80), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("resource_type", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("key_id", "idempotency_key", name="uq_idempotency_key"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _BIGINT_KEY, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("key_id", sa.String(40), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("resource", sa.String(500), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_key_id", "audit_log", ["key_id"])


def downgrade() -> None:
    for table in ("audit_log", "idempotency_records", "plan_notes", "plans", "self_inspections", "api_keys"):
        op.drop_table(table)
