"""Health, readiness, the manual and the knowledge base's read routes; authentication; unknown routes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, assert_problem


def test_healthz_and_readyz_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["kb"]["hash"].startswith("sha256:")


@pytest.mark.parametrize(
    "path", ["/v1/manual", "/v1/manual/schema", "/v1/kb", "/v1/self-inspections", "/v1/plans", "/v1/keys"]
)
def test_v1_needs_a_key(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(path), 401, "unauthenticated")
    assert "Authorization: Bearer" in body["detail"]
    wrong = client.get(path, headers={"Authorization": "Bearer sak_0123456789_not-the-secret"})
    assert_problem(wrong, 401, "unauthenticated")
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    assert_problem(client.get(path, headers={"X-API-Key": "garbage"}), 401)


def test_x_api_key_header_works(client: TestClient, world: World) -> None:
    response = client.get("/v1/kb", headers={"X-API-Key": world.ent_a.secret})
    assert response.status_code == 200


def test_manual_and_schema(client: TestClient, world: World) -> None:
    manual = client.get("/v1/manual", headers=world.ent_a.headers)
    assert manual.status_code == 200
    body = manual.json()
    assert body["question_count"] == sum(len(s["questions"]) for s in body["sections"]) > 100
    assert body["kb_hash"].startswith("sha256:")
    schema = client.get("/v1/manual/schema", headers=world.ent_a.headers).json()
    assert schema["$id"].endswith("/self-inspection/2")
    assert "enterprise" in schema["properties"]


def test_kb_version_summary_and_graph(client: TestClient, world: World) -> None:
    headers = world.auditor_a.headers
    info = client.get("/v1/kb", headers=headers).json()
    assert info["hash"].startswith("sha256:") and info["version"]
    assert info["counts"]["rules"] > 0 and info["default_benchmark_set"] in info["benchmark_sets"]
    assert info["last_load"]["ok"] is True and info["last_load"]["issues"] == []
    assert {"version": info["version"], "hash": info["hash"]} in info["in_memory"]
    summary = client.get("/v1/kb/summary", headers=headers).json()
    assert summary["hash"] == info["hash"] and "gaps" in summary and "rule_coverage" in summary
    graph = client.get("/v1/kb/graph", headers=headers).json()
    assert graph["directed"] is True and graph["nodes"] and graph["edges"]
    assert {e["kind"] for e in graph["edges"]} >= {"route", "output"}
    svg = client.get("/v1/kb/graph.svg", params={"lang": "en"}, headers=headers)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") or "<svg" in svg.text[:200]
    assert_problem(client.get("/v1/kb/graph.svg", params={"lang": "fr"}, headers=headers), 422, "request-invalid")


@pytest.mark.parametrize("kind", ["indicators", "options", "rules", "sources"])
def test_kb_records_list_and_by_id(client: TestClient, world: World, kind: str) -> None:
    headers = world.platform.headers
    page = client.get(f"/v1/kb/{kind}", params={"limit": 3}, headers=headers)
    assert page.status_code == 200
    body = page.json()
    assert body["limit"] == 3 and body["offset"] == 0 and len(body["items"]) == min(3, body["total"])
    if body["items"]:
        first = body["items"][0]
        assert first["kind"] == kind and first["file"].endswith(".yaml")
        one = client.get(f"/v1/kb/{kind}/{first['id']}", headers=headers)
        assert one.status_code == 200 and one.json() == first
        rest = client.get(f"/v1/kb/{kind}", params={"offset": 1, "limit": 1}, headers=headers).json()
        assert rest["total"] == body["total"] and (not rest["items"] or rest["items"][0] == body["items"][1])
    missing = assert_problem(client.get(f"/v1/kb/{kind}/no_such_record", headers=headers), 404, "not-found")
    assert missing["errors"][0]["path"] == "path.record_id"


def test_kb_unknown_id_suggests(client: TestClient, world: World) -> None:
    rules = client.get("/v1/kb/rules", params={"limit": 1}, headers=world.platform.headers).json()["items"]
    typo = rules[0]["id"][:-1]
    body = assert_problem(client.get(f"/v1/kb/rules/{typo}", headers=world.platform.headers), 404)
    assert "did you mean" in body["detail"]


def test_kb_unknown_kind_is_a_named_error(client: TestClient, world: World) -> None:
    body = assert_problem(client.get("/v1/kb/steps", headers=world.platform.headers), 422, "request-invalid")
    assert body["errors"][0]["path"] == "path.kind"


def test_unknown_route_and_method_are_problems(client: TestClient, world: World) -> None:
    assert_problem(client.get("/v1/nothing-here", headers=world.platform.headers), 404, "not-found")
    assert_problem(client.delete("/v1/plans", headers=world.platform.headers), 405, "method-not-allowed")
