"""Plans: from a stored and from an inline self-inspection; read, list, trace, replay, review notes."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api import plan_blob
from api.orm import Plan, SelfInspectionRecord
from tests.api.conftest import DISTRICT_B, World, as_enterprise, assert_problem, example, unique


def test_plan_of_a_stored_self_inspection(client: TestClient, world: World) -> None:
    response = client.get(f"/v1/plans/{world.plan_a}", headers=world.ent_a.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["self_inspection_id"] == world.si_a and body["enterprise_id"] == world.enterprise_a
    assert body["created_by"] == world.ent_a.key_id
    plan = body["plan"]
    assert plan["kb_hash"] == body["kb_hash"] and plan["kb_version"] == body["kb_version"]
    assert plan["input_hash"] == body["input_hash"]
    si = client.get(f"/v1/self-inspections/{world.si_a}", headers=world.ent_a.headers).json()
    assert body["input_hash"] == si["input_hash"]
    assert {"evaluation", "recommendations", "projected", "why_not_basis"} <= set(plan)
    assert "trace" not in plan and body["trace_url"] == f"/v1/plans/{world.plan_a}/trace"  # the trace on request
    assert body["level"] == plan["evaluation"]["overall_level"] == "below_III"
    assert body["benchmark_set"] is None and body["requested_year"] is None


def test_inline_plan_in_one_call_stores_both(client: TestClient, world: World) -> None:
    enterprise = unique("ent-inline")
    data = as_enterprise(example("demo_flex_rigidflex_submetered"), enterprise, DISTRICT_B)
    response = client.post("/v1/plans", json={"self_inspection": data}, headers=world.platform.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/plans/{body['id']}"
    assert body["plan"]["enterprise"]["id"] == enterprise and body["district"] == DISTRICT_B
    assert body["level"] == "II"  # examples/README.md
    si = client.get(f"/v1/self-inspections/{body['self_inspection_id']}", headers=world.platform.headers)
    assert si.status_code == 200 and si.json()["data"] == data and si.json()["level"] == "II"
    seen_by_auditor = client.get(f"/v1/plans/{body['id']}", headers=world.auditor_b.headers)
    assert seen_by_auditor.status_code == 200


def test_plan_options_benchmark_set_and_year(client: TestClient, world: World) -> None:
    request = {"self_inspection_id": world.si_b, "benchmark_set": "chongqing_limits", "year": 2024}
    si = client.get(f"/v1/self-inspections/{world.si_b}", headers=world.ent_b.headers).json()
    if 2024 not in si["reporting_years"]:
        request["year"] = si["reporting_years"][0]
    response = client.post("/v1/plans", json=request, headers=world.ent_b.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["benchmark_set"] == "chongqing_limits" and body["requested_year"] == request["year"]
    assert body["year"] == request["year"] and body["plan"]["evaluation"]["benchmark_set"]["id"] == "chongqing_limits"


def test_plan_request_errors_name_the_field(client: TestClient, world: World) -> None:
    headers = world.ent_a.headers
    neither = assert_problem(client.post("/v1/plans", json={}, headers=headers), 422, "request-invalid")
    assert "exactly one" in neither["errors"][0]["message"]
    both = {"self_inspection_id": world.si_a, "self_inspection": example("demo_single_sided_small")}
    assert_problem(client.post("/v1/plans", json=both, headers=headers), 422, "request-invalid")
    extra = assert_problem(
        client.post("/v1/plans", json={"self_inspection_id": "x", "colour": 1}, headers=headers), 422
    )
    assert extra["errors"][0] == {
        "path": "colour",
        "rule": "extra_forbidden",
        "message": "unknown field 'colour'",
        "message_en": "unknown field 'colour'",
        "message_zh": "未知字段 'colour'",
    }
    missing = assert_problem(client.post("/v1/plans", json={"self_inspection_id": "si_nope"}, headers=headers), 404)
    assert missing["errors"][0]["path"] == "self_inspection_id"
    unknown_set = {"self_inspection_id": world.si_a, "benchmark_set": "pcb_index_sytem"}
    body = assert_problem(client.post("/v1/plans", json=unknown_set, headers=headers), 422)
    assert body["errors"][0]["path"] == "benchmark_set" and "did you mean 'pcb_index_system'" in body["detail"]
    wrong_year = assert_problem(
        client.post("/v1/plans", json={"self_inspection_id": world.si_a, "year": 1990}, headers=headers), 422
    )
    assert wrong_year["errors"][0]["path"] == "year"
    low_year = assert_problem(
        client.post("/v1/plans", json={"self_inspection_id": world.si_a, "year": 10}, headers=headers), 422
    )
    assert low_year["errors"][0] == {
        "path": "year",
        "rule": "greater_than_equal",
        "message": "Input should be greater than or equal to 1900",
        "message_en": "Input should be greater than or equal to 1900",
        "message_zh": "应大于或等于 1900",
    }


def test_invalid_inline_self_inspection_paths_start_at_the_field(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    data["years"][0]["year"] = 1800
    body = assert_problem(
        client.post("/v1/plans", json={"self_inspection": data}, headers=world.ent_a.headers),
        422,
        "self-inspection-invalid",
    )
    assert all(e["path"].startswith("self_inspection") for e in body["errors"])


def test_roles_that_never_make_plans(client: TestClient, world: World) -> None:
    for caller in (world.auditor_a, world.admin):
        response = client.post("/v1/plans", json={"self_inspection_id": world.si_a}, headers=caller.headers)
        assert_problem(response, 403, "forbidden")


def test_list_plans(client: TestClient, world: World) -> None:
    page = client.get("/v1/plans", params={"enterprise": world.enterprise_a}, headers=world.platform.headers).json()
    assert page["total"] >= 1 and world.plan_a in [p["id"] for p in page["items"]]
    item = next(p for p in page["items"] if p["id"] == world.plan_a)
    assert set(item) == {
        "id",
        "self_inspection_id",
        "enterprise_id",
        "district",
        "year",
        "level",
        "kb_version",
        "created_at",
    }
    none = client.get(
        "/v1/plans", params={"enterprise": world.enterprise_a, "year": 1999}, headers=world.platform.headers
    )
    assert none.json()["total"] == 0


def test_trace(client: TestClient, world: World) -> None:
    plan = client.get(f"/v1/plans/{world.plan_a}", params={"include": "trace"}, headers=world.ent_a.headers).json()
    trace = client.get(f"/v1/plans/{world.plan_a}/trace", headers=world.ent_a.headers)
    assert trace.status_code == 200
    body = trace.json()
    assert body["trace"] == plan["plan"]["trace"]
    # the why-not is not stored: it is computed on request from the stored trace
    assert "not_fired" not in plan["plan"] and body["not_fired"]
    fired = {d["rule"] for n in body["trace"].values() for d in n.get("derivations", []) or [n] if d.get("rule")}
    assert fired and not fired & set(body["not_fired"])
    assert all(why["reason"] in ("no_fact", "condition_failed", "blocked") for why in body["not_fired"].values())
    assert body["kb_hash"] == plan["kb_hash"] and body["input_hash"] == plan["input_hash"]
    node = next(iter(body["trace"].values()))
    assert "type" in node


def test_replay_is_identical_with_the_same_knowledge_base(client: TestClient, world: World) -> None:
    response = client.post(f"/v1/plans/{world.plan_a}/replay", headers=world.ent_a.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exact"] is True and body["identical"] is True
    assert body["differences"] == [] and body["stored_kb"] == body["used_kb"]


def _made_plan(client: TestClient, world: World) -> str:
    response = client.post("/v1/plans", json={"self_inspection_id": world.si_b}, headers=world.ent_b.headers)
    assert response.status_code == 201
    plan_id: str = response.json()["id"]
    return plan_id


def test_replay_reports_differences_of_a_changed_plan(client: TestClient, world: World) -> None:
    plan_id = _made_plan(client, world)
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        record = session.get_one(Plan, plan_id)
        plan = plan_blob.full_of(record)
        plan["evaluation"]["overall_level"] = "I"  # as if the engine had said otherwise when the plan was made
        plan_z, trace_z = plan_blob.pack(plan)
        session.execute(update(Plan).where(Plan.id == plan_id).values(plan_z=plan_z, trace_z=trace_z))
        session.commit()
    body = client.post(f"/v1/plans/{plan_id}/replay", headers=world.ent_b.headers).json()
    assert body["exact"] is True and body["identical"] is False
    assert body["differences_total"] >= 1
    assert {"path": "evaluation.overall_level", "stored": "I", "replayed": "III"} in body["differences"]
    assert "engine's code" in body["detail"]


def test_replay_needs_the_plans_knowledge_base(client: TestClient, world: World) -> None:
    plan_id = _made_plan(client, world)
    old_hash = "sha256:" + "0" * 64
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        session.execute(update(Plan).where(Plan.id == plan_id).values(kb_hash=old_hash, kb_version="0.0.1"))
        session.commit()
    body = client.post(f"/v1/plans/{plan_id}/replay", headers=world.ent_b.headers).json()
    assert body["exact"] is False and body["identical"] is True  # the plan JSON itself is unchanged
    assert body["stored_kb"] == {"version": "0.0.1", "hash": old_hash}
    assert body["used_kb"]["hash"] != old_hash
    assert f"needs knowledge base 0.0.1 ({old_hash})" in body["detail"]


def test_review_notes(client: TestClient, world: World) -> None:
    url = f"/v1/plans/{world.plan_a}/notes"
    created = client.post(url, json={"text": "Rinse figures checked on site."}, headers=world.auditor_a.headers)
    assert created.status_code == 201, created.text
    note = created.json()
    assert note["author_key_id"] == world.auditor_a.key_id and note["role"] == "auditor"
    listed = client.get(url, headers=world.ent_a.headers).json()
    assert note in listed["items"] and listed["total"] >= 1
    assert client.get(url, headers=world.auditor_a.headers).json()["total"] == listed["total"]
    assert_problem(client.post(url, json={"text": ""}, headers=world.auditor_a.headers), 422)
    assert_problem(client.post(url, json={"text": "x", "by": "me"}, headers=world.auditor_a.headers), 422)
    for caller in (world.ent_a, world.platform, world.admin):
        assert_problem(client.post(url, json={"text": "mine"}, headers=caller.headers), 403, "forbidden")
    assert_problem(client.post(url, json={"text": "elsewhere"}, headers=world.auditor_b.headers), 404, "not-found")
    assert_problem(client.get(url, headers=world.auditor_b.headers), 404)
    assert_problem(client.get("/v1/plans/pl_none/notes", headers=world.auditor_a.headers), 404)


def test_a_stored_self_inspection_that_no_longer_validates(client: TestClient, world: World) -> None:
    """As after a knowledge-base change that a stored submission breaks (simulated by changing the stored text)."""
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    si = client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers).json()
    plan = client.post("/v1/plans", json={"self_inspection_id": si["id"]}, headers=world.ent_a.headers).json()
    data["process"][0]["step"] = "retired_step"
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        session.execute(
            update(SelfInspectionRecord).where(SelfInspectionRecord.id == si["id"]).values(data_json=json.dumps(data))
        )
        session.commit()
    response = client.post("/v1/plans", json={"self_inspection_id": si["id"]}, headers=world.ent_a.headers)
    body = assert_problem(response, 422, "self-inspection-invalid")
    assert f"the stored self-inspection {si['id']} does not validate" in body["detail"]
    assert body["errors"][0]["path"] == "process[0].step"
    replay = client.post(f"/v1/plans/{plan['id']}/replay", headers=world.ent_a.headers).json()
    assert replay["identical"] is False and replay["input_errors"][0]["rule"] == "unknown_step"
    assert "no longer validates" in replay["detail"]


@pytest.mark.parametrize(("lang", "words"), [("zh", "清洁生产"), ("en", "Cleaner-production")])
def test_narrative_and_html_report(client: TestClient, world: World, lang: str, words: str) -> None:
    narrative = client.get(f"/v1/plans/{world.plan_a}/narrative?lang={lang}", headers=world.ent_a.headers)
    assert narrative.status_code == 200, narrative.text
    assert narrative.headers["content-type"].startswith("text/markdown")
    assert words in narrative.text
    report = client.get(f"/v1/plans/{world.plan_a}/report?lang={lang}", headers=world.ent_a.headers)
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert 'id="drilldown"' in report.text


def test_report_of_another_tenant_is_not_found(client: TestClient, world: World) -> None:
    response = client.get(f"/v1/plans/{world.plan_a}/report", headers=world.ent_b.headers)
    assert_problem(response, 404)
    response = client.get(f"/v1/plans/{world.plan_a}/narrative?lang=fr", headers=world.ent_a.headers)
    assert_problem(response, 422)
