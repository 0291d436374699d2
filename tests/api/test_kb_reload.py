"""Loading the knowledge base: a reload that succeeds, one that fails (a broken copy in tmp: the old one keeps
serving and the issues are reported), a service that starts with a broken one (not ready), exact replays across a
reload."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.kb.loader import default_kb_path
from tests.api.conftest import Caller, as_enterprise, assert_problem, example, make_key, settings_for, unique


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge_base"
    shutil.copytree(default_kb_path(), target)
    return target


def _bump_version(root: Path, version: str) -> None:
    path = root / "kb.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^  version: .*$", f"  version: {version}", text), encoding="utf-8")


@pytest.fixture()
def reloadable(database_url: str, kb_copy: Path) -> Iterator[tuple[TestClient, Caller, Caller]]:
    app = create_app(settings_for(database_url, kb_path=kb_copy))
    with TestClient(app) as client:
        yield client, make_key(client, "admin"), make_key(client, "platform")


def test_reload_success_then_failure_keeps_serving(
    reloadable: tuple[TestClient, Caller, Caller], kb_copy: Path
) -> None:
    client, admin, platform = reloadable
    before = client.get("/v1/kb", headers=admin.headers).json()
    data = as_enterprise(example("demo_single_sided_small"), unique("ent-reload"))
    old_plan = client.post("/v1/plans", json={"self_inspection": data}, headers=platform.headers).json()

    _bump_version(kb_copy, "9.9.9")
    reloaded = client.post("/v1/kb/reload", headers=admin.headers)
    assert reloaded.status_code == 200, reloaded.text
    body = reloaded.json()
    assert body["serving"]["version"] == "9.9.9" and body["serving"]["hash"] != before["hash"]
    assert body["previous"] == {"version": before["version"], "hash": before["hash"]}
    info = client.get("/v1/kb", headers=admin.headers).json()
    assert info["version"] == "9.9.9" and info["last_load"]["ok"] is True
    assert {"version": before["version"], "hash": before["hash"]} in info["in_memory"]

    # a plan made with the previous knowledge base still replays exactly: that one is kept in memory
    replay = client.post(f"/v1/plans/{old_plan['id']}/replay", headers=platform.headers).json()
    assert replay["exact"] is True and replay["identical"] is True
    assert replay["used_kb"]["hash"] == before["hash"]
    new_plan = client.post(
        "/v1/plans", json={"self_inspection_id": old_plan["self_inspection_id"]}, headers=platform.headers
    )
    assert new_plan.json()["kb_version"] == "9.9.9"

    (kb_copy / "units.yaml").write_text("units:\n  - id: m2\n    colour: blue\n", encoding="utf-8")
    failed = assert_problem(client.post("/v1/kb/reload", headers=admin.headers), 422, "kb-invalid")
    assert failed["issues"] and all({"file", "path", "message", "fix"} <= set(i) for i in failed["issues"])
    assert any(i["file"] == "units.yaml" for i in failed["issues"])
    assert failed["errors"] and all({"path", "rule", "message"} == set(e) for e in failed["errors"])
    assert failed["serving"]["version"] == "9.9.9" and "still serving 9.9.9" in failed["detail"]
    info = client.get("/v1/kb", headers=admin.headers).json()
    assert info["version"] == "9.9.9" and info["last_load"]["ok"] is False and info["last_load"]["issues"]
    assert client.get("/readyz").status_code == 200
    again = client.post(
        "/v1/plans", json={"self_inspection_id": old_plan["self_inspection_id"]}, headers=platform.headers
    )
    assert again.status_code == 201 and again.json()["kb_version"] == "9.9.9"


def test_reload_from_another_folder(reloadable: tuple[TestClient, Caller, Caller], tmp_path: Path) -> None:
    """kb_copy lives in tmp_path, so tmp_path is the configured root: other folders in it may be loaded."""
    client, admin, _ = reloadable
    missing = assert_problem(
        client.post("/v1/kb/reload", json={"path": str(tmp_path / "nowhere")}, headers=admin.headers), 422
    )
    assert "not found" in missing["issues"][0]["message"]
    other = tmp_path / "other_kb"
    shutil.copytree(default_kb_path(), other)
    _bump_version(other, "8.0.0")
    ok = client.post("/v1/kb/reload", json={"path": str(other)}, headers=admin.headers)
    assert ok.status_code == 200 and ok.json()["serving"]["version"] == "8.0.0"


def test_replay_when_the_plans_knowledge_base_is_gone(database_url: str, kb_copy: Path) -> None:
    app = create_app(settings_for(database_url, kb_path=kb_copy, kb_history=1))
    with TestClient(app) as client:
        admin, platform = make_key(client, "admin"), make_key(client, "platform")
        data = as_enterprise(example("demo_single_sided_small"), unique("ent-gone"))
        plan = client.post("/v1/plans", json={"self_inspection": data}, headers=platform.headers).json()
        _bump_version(kb_copy, "7.0.0")
        assert client.post("/v1/kb/reload", headers=admin.headers).status_code == 200
        body = client.post(f"/v1/plans/{plan['id']}/replay", headers=platform.headers).json()
    assert body["exact"] is False and body["identical"] is False
    assert body["stored_kb"]["hash"] == plan["kb_hash"] and body["used_kb"]["version"] == "7.0.0"
    assert f"needs knowledge base {plan['kb_version']} ({plan['kb_hash']})" in body["detail"]
    paths = {d["path"] for d in body["differences"]}
    assert {"kb_version", "kb_hash"} <= paths  # the difference is reported, not hidden
    assert body["differences_total"] >= 2


def test_broken_knowledge_base_at_startup_is_not_ready(database_url: str, kb_copy: Path) -> None:
    (kb_copy / "kb.yaml").write_text("kb:\n  name: [unclosed\n", encoding="utf-8")
    app = create_app(settings_for(database_url, kb_path=kb_copy))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        body = assert_problem(client.get("/readyz"), 503, "not-ready")
        assert body["issues"] and client.get("/readyz").headers["retry-after"] == "5"
        caller = make_key(client, "platform")
        assert_problem(client.get("/v1/manual", headers=caller.headers), 503, "kb-unavailable")
        assert client.get("/v1/manual/schema", headers=caller.headers).status_code == 200  # needs no knowledge base
        data = example("demo_single_sided_small")
        assert_problem(client.post("/v1/self-inspections", json=data, headers=caller.headers), 503, "kb-unavailable")


def test_background_load_makes_the_service_ready(database_url: str) -> None:
    app = create_app(settings_for(database_url, kb_load_in_background=True))
    with TestClient(app) as client:
        holder = app.state.kb
        assert holder.loader is not None
        holder.loader.join(timeout=60)
        assert holder.current is not None
        assert client.get("/readyz").status_code == 200


def test_sighup_reloads(kb_copy: Path) -> None:
    """The handler the service installs in its main thread: SIGHUP starts a reload beside the current one."""
    import asyncio
    import os
    import signal
    import threading

    from api.app import _install_sighup
    from api.kbstate import KbHolder, LoadReport

    done = threading.Event()

    class Holder(KbHolder):
        def load(self, path: Path | str | None = None) -> LoadReport:
            report = super().load(path)
            done.set()
            return report

    holder = Holder(kb_copy)

    async def main() -> bool:
        remove = _install_sighup(holder)
        assert remove is not None
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            return await asyncio.get_running_loop().run_in_executor(None, done.wait, 60)
        finally:
            remove()

    assert asyncio.run(main()) is True
    assert holder.current is not None and holder.last_report is not None and holder.last_report.ok


def test_knowledge_base_still_loading_answers_503(tmp_path: Path) -> None:
    from api.deps import get_kb
    from api.kbstate import KbHolder
    from api.problems import ProblemError

    holder = KbHolder(tmp_path)
    holder.loading = True
    with pytest.raises(ProblemError) as raised:
        get_kb(holder)
    assert raised.value.status == 503 and "loading" in raised.value.detail
    assert raised.value.headers == {"Retry-After": "5"}
