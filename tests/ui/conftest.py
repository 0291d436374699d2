"""Fixtures of the browser tests: the service on a free port (uvicorn in a thread, SQLite in a temporary folder)
and Debian's Chromium driven by Playwright (scripts/install-system-deps.sh installs it; Playwright's own browser
download is not used). Skipped only if no Chromium is found and it cannot be installed (not root).

Screenshots are kept in ``$SMART_AUDIT_UI_ARTIFACTS`` (default: ``out/ui-screenshots``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api import migrate
from api.app import create_app
from api.db import make_engine
from api.keys import create_key
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SMART_AUDIT_UI_ARTIFACTS", ROOT / "out" / "ui-screenshots"))


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = _chromium()
    if found is None and os.geteuid() == 0:
        subprocess.run(["bash", str(ROOT / "scripts" / "install-system-deps.sh")], check=False, timeout=900)
        found = _chromium()
    if found is None:
        pytest.skip("no Chromium, and scripts/install-system-deps.sh cannot install it here (not root)")
    return found


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    db = tmp_path_factory.mktemp("ui-db") / "ui.sqlite3"
    settings = Settings(
        database_url=f"sqlite:///{db}",
        kb_load_in_background=False,
        sighup_reload=False,
        ui_secret="test",
        migrate_on_startup=True,  # explicit: a variable another test exported must not turn it off
    )
    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)  # before the server starts, so the keys below find their table
    finally:
        engine.dispose()
    app = create_app(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(600):  # startup loads the knowledge base; poll until the server answers (not a timing test)
        if srv.started:
            break
        time.sleep(0.1)
    assert srv.started, "the service did not start"
    with app.state.sessions() as session:
        keys = {
            "platform": create_key(session, role="platform", name="平台测试").secret,
            "enterprise": create_key(
                session, role="enterprise", name="示例企业填报员", enterprise_id="demo-bao-an-single-small"
            ).secret,
            "auditor": create_key(session, role="auditor", name="宝安审核员", districts=["宝安区"]).secret,
        }
        session.commit()
    yield {"url": f"http://127.0.0.1:{port}", "keys": keys, "app": app}
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width(request: pytest.FixtureRequest) -> int:
    value: int = request.param
    return value


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
