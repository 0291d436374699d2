"""Revision 0006 (plans in two compressed parts) goes down and up again on SQLite with plans that have notes (the
notes' foreign keys would refuse a table rebuild), and an old-layout plan stays readable throughout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import text

from api.db import make_engine
from api.migrate import alembic_config, current_revision, upgrade


def _downgrade(engine: object, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:  # type: ignore[attr-defined]
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _insert(conn: Any, table: str, **values: Any) -> None:
    """A row with ``values`` and a placeholder in every other required column (by its declared type)."""
    for _, name, kind, notnull, default, pk in conn.execute(text(f"PRAGMA table_info({table})")).all():
        if name in values or not (notnull or pk) or default is not None:
            continue
        kind = kind.upper()
        values[name] = (
            0 if "INT" in kind else "2026-01-01 00:00:00" if "DATE" in kind else "[]" if "JSON" in kind else "x"
        )
    names = ", ".join(values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def test_down_and_up_with_notes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    with engine.begin() as conn:
        _insert(conn, "api_keys", id="key_1")
        _insert(conn, "self_inspections", id="si_1", created_by="key_1")
        _insert(conn, "plans", id="pl_1", self_inspection_id="si_1", created_by="key_1", plan_json='{"trace":{}}')
        _insert(conn, "plan_notes", id="n_1", plan_id="pl_1", author_key_id="key_1")
    _downgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    with engine.connect() as conn:
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(plans)"))}
        assert "plan_z" not in columns and "trace_z" not in columns
        assert conn.execute(text("SELECT plan_json FROM plans")).scalar() == '{"trace":{}}'
        assert conn.execute(text("SELECT count(*) FROM plan_notes")).scalar() == 1
    upgrade(engine)
    assert current_revision(engine) == "0006"
    engine.dispose()
