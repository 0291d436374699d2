"""schemathesis against the served OpenAPI document, on SQLite and on PostgreSQL: every route, no server error,
every answer inside the documented schema (status, media type, body), a 405 listing every allowed method.

A bounded run (a few examples per route) is part of the default suite; ``-m fuzz`` runs the long one
(``SMART_AUDIT_FUZZ_EXAMPLES`` examples per route, default 100: over 2,000 requests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from api.app import create_app
from tests.api.conftest import Caller, make_key, settings_for

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
BOUNDED_EXAMPLES = 3
LONG_EXAMPLES = int(os.environ.get("SMART_AUDIT_FUZZ_EXAMPLES", "100"))


@pytest.fixture(scope="module")
def served(database_url: str) -> Iterator[tuple[TestClient, dict[str, Caller]]]:
    app = create_app(settings_for(database_url))
    with TestClient(app, raise_server_exceptions=False) as client:
        keys = {role: make_key(client, role) for role in ("platform", "admin")}
        keys["auditor"] = make_key(client, "auditor", districts=["宝安区"])
        yield client, keys


def _caller(method: str, path: str, keys: dict[str, Caller]) -> Caller:
    if path.startswith("/v1/keys") or path == "/v1/kb/reload":
        return keys["admin"]
    if path.endswith("/notes") and method == "POST":
        return keys["auditor"]
    return keys["platform"]


def _fuzz(served: tuple[TestClient, dict[str, Caller]], examples: int) -> dict[str, int]:
    client, keys = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 25, [f"{op.method} {op.path}" for op in operations]
    statuses: dict[str, int] = {}
    for operation in operations:
        _run_operation(operation, _caller(operation.method.upper(), operation.path, keys).headers, examples, statuses)
    return statuses


def _run_operation(operation: Any, headers: dict[str, str], examples: int, statuses: dict[str, int]) -> None:
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1

    run()


def test_every_route_answers_inside_its_schema_bounded(served: tuple[TestClient, dict[str, Caller]]) -> None:
    statuses = _fuzz(served, BOUNDED_EXAMPLES)
    assert not any(s.startswith("5") for s in statuses), statuses
    assert sum(statuses.values()) >= 25


@pytest.mark.fuzz
def test_every_route_answers_inside_its_schema_long(served: tuple[TestClient, dict[str, Caller]]) -> None:
    statuses = _fuzz(served, LONG_EXAMPLES)
    assert not any(s.startswith("5") for s in statuses), statuses
    assert sum(statuses.values()) >= 2000, statuses


def test_405_lists_every_allowed_method(served: tuple[TestClient, dict[str, Caller]]) -> None:
    client, keys = served
    for path, allowed in (("/v1/self-inspections", {"GET", "POST"}), ("/v1/plans/x/notes", {"GET", "POST"})):
        response = client.delete(path, headers=keys["platform"].headers)
        assert response.status_code == 405
        assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
        assert response.headers["content-type"].startswith("application/problem+json")
