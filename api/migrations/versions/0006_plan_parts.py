"""Plans stored as two compressed parts: the body (plan_z) and the derivation trace (trace_z), so that a stored
plan stays small and the trace is read only when asked for (issue #17). Older rows keep their plan_json text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # added columns only (no table rebuild on SQLite): rows stored in parts keep an empty plan_json
    op.add_column("plans", sa.Column("plan_z", sa.LargeBinary(), nullable=True))
    op.add_column("plans", sa.Column("trace_z", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # a downgrade would lose the plans stored in parts: refuse while there are any
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM plans WHERE plan_z IS NOT NULL")).scalar():
        raise RuntimeError("plans are stored in parts (revision 0006); a downgrade would lose them")
    # no table rebuild (a rebuild on SQLite drops the table, which its notes' and acceptances' foreign keys refuse):
    # both databases drop a column in place (SQLite since 3.35)
    with op.batch_alter_table("plans", recreate="never") as batch:
        batch.drop_column("trace_z")
        batch.drop_column("plan_z")
