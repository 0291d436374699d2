"""Simple acceptance: acceptances of plans, their append-only versions (checklist, evidence, verification) chained
by SHA-256, and the evidence files uploaded with their hash.

Revision ID: 0004
Revises: 0002 (written beside 0003_cohorts on another branch; the merge rechains it after 0003)
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_BIGINT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "acceptances",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plans.id"), nullable=False, unique=True),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_acceptances_enterprise_id", "acceptances", ["enterprise_id"])
    op.create_index("ix_acceptances_district", "acceptances", ["district"])
    op.create_index("ix_acceptances_created", "acceptances", ["created_at", "id"])
    op.create_table(
        "acceptance_versions",
        sa.Column("id", _BIGINT_KEY, primary_key=True, autoincrement=True),
        sa.Column("acceptance_id", sa.String(40), sa.ForeignKey("acceptances.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=True),
        sa.Column("author_key_id", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(80), nullable=False),
        sa.Column("hash", sa.String(80), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("acceptance_id", "version", name="uq_acceptance_version"),
    )
    op.create_index("ix_acceptance_versions_acceptance_id", "acceptance_versions", ["acceptance_id"])
    op.create_table(
        "acceptance_files",
        sa.Column("id", _BIGINT_KEY, primary_key=True, autoincrement=True),
        sa.Column("acceptance_id", sa.String(40), sa.ForeignKey("acceptances.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("acceptance_id", "sha256", name="uq_acceptance_file"),
    )
    op.create_index("ix_acceptance_files_acceptance_id", "acceptance_files", ["acceptance_id"])


def downgrade() -> None:
    for table in ("acceptance_files", "acceptance_versions", "acceptances"):
        op.drop_table(table)
