"""Fixtures of the HTTP API tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database is created for the test session on the server at ``SMART_AUDIT_TEST_PG_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``, the maintenance connection) and dropped afterwards, so
runs never collide. Set ``SMART_AUDIT_TEST_PG=off`` to skip the PostgreSQL half; otherwise an unreachable server
fails the tests (CI must run them: ``.ci/run`` starts the server).
"""

from __future__ import annotations

import copy
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.access import Role
from api.app import create_app
from api.db import normalise_url
from api.keys import create_key
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PG_ADMIN_URL = os.environ.get("SMART_AUDIT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def as_enterprise(data: dict[str, Any], enterprise_id: str, district: str | None = None) -> dict[str, Any]:
    """A copy of an example self-inspection made out for another enterprise (and district)."""
    out = copy.deepcopy(data)
    out["enterprise"]["id"] = enterprise_id
    if district is not None:
        out["enterprise"]["district"] = district
    return out


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if os.environ.get("SMART_AUDIT_TEST_PG", "").lower() == "off":
        pytest.skip("SMART_AUDIT_TEST_PG=off")
    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    name = f"smart_audit_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # an unreachable server must fail, not skip: CI runs these
        admin.dispose()
        pytest.fail(
            f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({exc.__class__.__name__}: {exc}); start it, point "
            "SMART_AUDIT_TEST_PG_URL at one, or set SMART_AUDIT_TEST_PG=off to skip the PostgreSQL tests"
        )
    try:
        yield make_url(normalise_url(PG_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's database on each backend (migrated by the first app that starts on it)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'smart-audit.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kb_load_in_background": False,
        "sighup_reload": False,
        "rate_limit_per_second": 0,  # one test client sends everything; tests/api/test_robustness.py turns it on
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def client(database_url: str) -> Iterator[TestClient]:
    """The service on the session's database with the bundled knowledge base."""
    app = create_app(settings_for(database_url))
    with TestClient(app) as test_client:
        yield test_client


@dataclass(frozen=True)
class Caller:
    key_id: str
    role: Role
    secret: str
    enterprise_id: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def make_key(client: TestClient, role: str, **scope: Any) -> Caller:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        new = create_key(session, role=role, name=f"test {role}", **scope)
        session.commit()
        return Caller(new.record.id, Role(role), new.secret, new.record.enterprise_id)


@dataclass(frozen=True)
class World:
    """Two enterprises in two districts, each with a stored self-inspection and a plan, and a key per role."""

    ent_a: Caller  # enterprise A, 宝安区
    ent_b: Caller  # enterprise B, 南山区
    auditor_a: Caller  # 宝安区
    auditor_b: Caller  # 南山区
    platform: Caller
    admin: Caller
    enterprise_a: str
    enterprise_b: str
    si_a: str
    si_b: str
    plan_a: str
    plan_b: str


DISTRICT_A = "宝安区"
DISTRICT_B = "南山区"


@pytest.fixture(scope="session")
def world(client: TestClient) -> World:
    enterprise_a, enterprise_b = unique("ent-a"), unique("ent-b")
    callers = {
        "ent_a": make_key(client, "enterprise", enterprise_id=enterprise_a),
        "ent_b": make_key(client, "enterprise", enterprise_id=enterprise_b),
        "auditor_a": make_key(client, "auditor", districts=[DISTRICT_A]),
        "auditor_b": make_key(client, "auditor", districts=[DISTRICT_B]),
        "platform": make_key(client, "platform"),
        "admin": make_key(client, "admin"),
    }
    ids: dict[str, str] = {}
    for tag, caller, data in (
        ("a", callers["ent_a"], as_enterprise(example("demo_single_sided_small"), enterprise_a, DISTRICT_A)),
        ("b", callers["ent_b"], as_enterprise(example("demo_double_multilayer_mid"), enterprise_b, DISTRICT_B)),
    ):
        si = client.post("/v1/self-inspections", json=data, headers=caller.headers)
        assert si.status_code == 201, si.text
        plan = client.post("/v1/plans", json={"self_inspection_id": si.json()["id"]}, headers=caller.headers)
        assert plan.status_code == 201, plan.text
        ids[f"si_{tag}"], ids[f"plan_{tag}"] = si.json()["id"], plan.json()["id"]
    return World(**callers, enterprise_a=enterprise_a, enterprise_b=enterprise_b, **ids)


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    """The response is a problem+json body with this status (and type); returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    if slug is not None:
        assert body["type"] == f"urn:smart-audit:problem:{slug}", body
    return body
