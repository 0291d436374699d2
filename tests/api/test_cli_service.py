"""``smart-audit keys``, ``db`` and ``serve`` (uvicorn is not started: its call is captured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from tests.api.conftest import settings_for


@pytest.fixture()
def fresh_sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_keys_create_list_revoke(fresh_sqlite: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database-url", fresh_sqlite]
    args = ["keys", "create", "--role", "auditor", "--district", "宝安区", "--district", "南山区", "--name", "Li"]
    assert main([*args, *db, "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["secret"].startswith(f"sak_{created['prefix']}_")
    assert created["districts"] == ["南山区", "宝安区"] or sorted(created["districts"]) == ["南山区", "宝安区"]
    assert main(["keys", "create", "--role", "enterprise", "--enterprise", "e-1", "--name", "E", *db]) == 0
    text = capsys.readouterr().out
    assert "shown once" in text and "sak_" in text
    assert main(["keys", "list", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["role"] for k in listed] == ["auditor", "enterprise"]
    assert all("secret" not in k and "secret_hash" not in k for k in listed)
    assert main(["keys", "revoke", created["id"], *db]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["keys", "list", "--active", *db]) == 0
    out = capsys.readouterr().out
    assert created["id"] not in out and "enterprise" in out
    app = create_app(settings_for(fresh_sqlite))
    with TestClient(app) as client:
        assert client.get("/v1/kb", headers={"X-API-Key": created["secret"]}).status_code == 401


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--role", "enterprise", "--name", "E"], "needs an enterprise id"),
        (["--role", "auditor", "--name", "A"], "at least one district"),
        (["--role", "platform", "--name", "P", "--enterprise", "x"], "only enterprise keys"),
        (["--role", "admin", "--name", " "], "needs a name"),
    ],
)
def test_keys_create_refuses_wrong_scopes(
    fresh_sqlite: str, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    assert main(["keys", "create", *args, "--database-url", fresh_sqlite]) == 1
    assert words in capsys.readouterr().err


def test_keys_revoke_unknown(fresh_sqlite: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "revoke", "key_nope", "--database-url", fresh_sqlite]) == 1
    assert "no key" in capsys.readouterr().err


def test_db_upgrade_and_current(fresh_sqlite: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current", "--database-url", fresh_sqlite]) == 1
    assert "(empty)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", fresh_sqlite]) == 0
    assert main(["db", "current", "--database-url", fresh_sqlite]) == 0
    assert "current 0006, head 0006" in capsys.readouterr().out


def test_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "env.sqlite3").is_file()


def test_serve_one_worker_and_many(monkeypatch: pytest.MonkeyPatch, fresh_sqlite: str, tmp_path: Path) -> None:
    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    for name in (
        "SMART_AUDIT_DATABASE_URL",
        "SMART_AUDIT_KB",
        "SMART_AUDIT_MIGRATE_ON_STARTUP",
        "SMART_AUDIT_MAX_BODY_BYTES",
        "SMART_AUDIT_KB_LOAD_IN_BACKGROUND",
        "SMART_AUDIT_KB_HISTORY",
        "SMART_AUDIT_SIGHUP_RELOAD",
        "SMART_AUDIT_REPLAY_MAX_DIFFERENCES",
    ):
        monkeypatch.delenv(name, raising=False)  # serve exports them; monkeypatch restores them afterwards
    assert main(["serve", "--port", "8123", "--database-url", fresh_sqlite]) == 0
    app, kw = calls[-1]
    assert kw["port"] == 8123 and kw["host"] == "127.0.0.1" and hasattr(app, "router")
    kb = str(Path(__file__).resolve().parents[2] / "knowledge_base")
    assert main(["serve", "--workers", "3", "--database-url", fresh_sqlite, "--kb", kb]) == 0
    app, kw = calls[-1]
    assert app == "api.app:app_from_env" and kw["factory"] is True and kw["workers"] == 3
    import os

    assert os.environ["SMART_AUDIT_DATABASE_URL"] == fresh_sqlite and os.environ["SMART_AUDIT_KB"] == kb
    assert os.environ["SMART_AUDIT_MIGRATE_ON_STARTUP"] == "false"  # the parent migrated once
    assert main(["db", "current", "--database-url", fresh_sqlite]) == 0
    from api.app import app_from_env

    assert app_from_env().state.settings.database_url == fresh_sqlite
