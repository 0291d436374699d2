"""Idempotency-Key: a retried POST never creates a second record."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.orm import Plan, PlanNote, SelfInspectionRecord
from tests.api.conftest import World, as_enterprise, assert_problem, example, make_key, unique


def _count(client: TestClient, model: Any, **where: str) -> int:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


def test_retried_submission_answers_the_same_record(client: TestClient, world: World) -> None:
    enterprise = unique("ent-idem")
    caller = make_key(client, "enterprise", enterprise_id=enterprise)
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    headers = {**caller.headers, "Idempotency-Key": "submit-1"}
    first = client.post("/v1/self-inspections", json=data, headers=headers)
    second = client.post("/v1/self-inspections", json=data, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert second.headers["location"] == first.headers["location"]
    assert _count(client, SelfInspectionRecord, enterprise_id=enterprise) == 1


def test_same_key_other_body_is_refused(client: TestClient, world: World) -> None:
    enterprise = unique("ent-idem")
    caller = make_key(client, "enterprise", enterprise_id=enterprise)
    headers = {**caller.headers, "Idempotency-Key": "submit-2"}
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    assert client.post("/v1/self-inspections", json=data, headers=headers).status_code == 201
    other = as_enterprise(example("demo_hdi_leader"), enterprise)
    body = assert_problem(
        client.post("/v1/self-inspections", json=other, headers=headers), 422, "idempotency-key-reused"
    )
    assert body["errors"][0]["path"] == "header.idempotency-key"
    on_other_route = client.post("/v1/plans", json={"self_inspection": data}, headers=headers)
    assert_problem(on_other_route, 422, "idempotency-key-reused")
    assert _count(client, SelfInspectionRecord, enterprise_id=enterprise) == 1


def test_keys_are_per_api_key(client: TestClient, world: World) -> None:
    enterprise = unique("ent-idem")
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    one = make_key(client, "platform")
    two = make_key(client, "platform")
    a = client.post("/v1/self-inspections", json=data, headers={**one.headers, "Idempotency-Key": "shared"})
    b = client.post("/v1/self-inspections", json=data, headers={**two.headers, "Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_retried_inline_plan_and_note(client: TestClient, world: World) -> None:
    enterprise = unique("ent-idem")
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    headers = {**world.platform.headers, "Idempotency-Key": unique("plan")}
    first = client.post("/v1/plans", json={"self_inspection": data}, headers=headers)
    second = client.post("/v1/plans", json={"self_inspection": data}, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert _count(client, Plan, enterprise_id=enterprise) == 1
    assert _count(client, SelfInspectionRecord, enterprise_id=enterprise) == 1
    note_headers = {**world.auditor_a.headers, "Idempotency-Key": unique("note")}
    url = f"/v1/plans/{world.plan_a}/notes"
    n1 = client.post(url, json={"text": "once"}, headers=note_headers)
    n2 = client.post(url, json={"text": "once"}, headers=note_headers)
    assert n1.status_code == n2.status_code == 201 and n1.json() == n2.json()
    assert _count(client, PlanNote, id=n1.json()["id"]) == 1


def test_concurrent_retries_create_one_record(client: TestClient, world: World) -> None:
    enterprise = unique("ent-race")
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    headers = {**world.platform.headers, "Idempotency-Key": unique("race")}
    start = threading.Barrier(4)

    def call(_: int) -> Any:
        start.wait()
        return client.post("/v1/plans", json={"self_inspection": data}, headers=headers)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(call, range(4)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert _count(client, Plan, enterprise_id=enterprise) == 1
    assert _count(client, SelfInspectionRecord, enterprise_id=enterprise) == 1


def test_key_creation_retry_does_not_show_the_secret_again(client: TestClient, world: World) -> None:
    headers = {**world.admin.headers, "Idempotency-Key": unique("key")}
    first = client.post("/v1/keys", json={"name": "retry", "role": "platform"}, headers=headers)
    second = client.post("/v1/keys", json={"name": "retry", "role": "platform"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["secret"] and second.json()["secret"] is None
