"""Cohorts (整体审核): a named set of stored self-inspections in one or more periods, and their members.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_BIGINT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cohorts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("owner_role", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_cohorts_created", "cohorts", ["created_at", "id"])
    op.create_table(
        "cohort_members",
        sa.Column("id", _BIGINT_KEY, primary_key=True, autoincrement=True),
        sa.Column("cohort_id", sa.String(40), sa.ForeignKey("cohorts.id"), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("self_inspection_id", sa.String(40), sa.ForeignKey("self_inspections.id"), nullable=False),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.UniqueConstraint("cohort_id", "period", "enterprise_id", name="uq_cohort_member"),
    )
    for column in ("cohort_id", "self_inspection_id", "enterprise_id", "district"):
        op.create_index(f"ix_cohort_members_{column}", "cohort_members", [column])


def downgrade() -> None:
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
