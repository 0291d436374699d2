"""Self-inspections keep the completeness report computed at submission (answered / applicable per section and
indicator); rows stored before have none.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("self_inspections") as batch:
        batch.add_column(sa.Column("completeness", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("self_inspections") as batch:
        batch.drop_column("completeness")
