"""Drafts of self-inspections being filled in on the web pages (/ui), saved unvalidated per enterprise.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ui_drafts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("enterprise_id", sa.String(64), nullable=True),
        sa.Column("key_id", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("self_inspection_id", sa.String(40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ui_drafts_enterprise_id", "ui_drafts", ["enterprise_id"])
    op.create_index("ix_ui_drafts_key_id", "ui_drafts", ["key_id"])


def downgrade() -> None:
    op.drop_index("ix_ui_drafts_key_id", "ui_drafts")
    op.drop_index("ix_ui_drafts_enterprise_id", "ui_drafts")
    op.drop_table("ui_drafts")
