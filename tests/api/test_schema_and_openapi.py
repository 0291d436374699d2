"""The database schema made by the migrations matches the ORM models; SQLite runs in WAL mode with foreign keys;
the OpenAPI document is complete."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.migrate import current_revision, head_revision
from api.orm import Base
from api.routers import health, inspections, kb, keys, manual, plans


def test_migrations_match_the_models(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_pragmas(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_every_route_declares_its_response() -> None:
    routers = (health.router, inspections.router, kb.router, keys.router, manual.router, plans.router)
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 20
    documents = {"/v1/kb/graph.svg", "/v1/plans/{plan_id}/narrative", "/v1/plans/{plan_id}/report"}
    for route in routes:
        if route.path in documents:
            # a picture, Markdown, HTML or PDF: declared by its media types instead of a model
            content = route.responses.get(200, {}).get("content", {}) if route.path != "/v1/kb/graph.svg" else {"x": 1}
            assert content and "application/json" not in content, route.path
            continue
        assert route.response_model is not None, route.path


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    expected = {
        "/v1/manual": {"get"},
        "/v1/manual/schema": {"get"},
        "/v1/self-inspections": {"get", "post"},
        "/v1/self-inspections/{self_inspection_id}": {"get"},
        "/v1/plans": {"get", "post"},
        "/v1/plans/{plan_id}": {"get"},
        "/v1/plans/{plan_id}/trace": {"get"},
        "/v1/plans/{plan_id}/replay": {"post"},
        "/v1/plans/{plan_id}/notes": {"get", "post"},
        "/v1/kb": {"get"},
        "/v1/kb/graph": {"get"},
        "/v1/kb/graph.svg": {"get"},
        "/v1/kb/{kind}": {"get"},
        "/v1/kb/{kind}/{record_id}": {"get"},
        "/v1/kb/reload": {"post"},
        "/healthz": {"get"},
        "/readyz": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    schemas = doc["components"]["schemas"]
    assert {"SelfInspection", "Problem", "Enterprise", "YearData", "PlanCreate", "PlanOut"} <= set(schemas)
    submit = paths["/v1/self-inspections"]["post"]
    body = submit["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/SelfInspection"}
    assert body["examples"], "the bundled examples are the request examples"
    assert "application/problem+json" in submit["responses"]["422"]["content"]
    assert paths["/v1/plans"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "Idempotency-Key" in [p["name"] for p in submit["parameters"]]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(doc["components"]["securitySchemes"])
    refs = _refs(doc)
    assert all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs), refs - {
        f"#/components/schemas/{s}" for s in schemas
    }


def _refs(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found
