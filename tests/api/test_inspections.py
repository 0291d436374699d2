"""Self-inspections: submit (validated, stored), read, list with filters and pages; errors and limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.orm import SelfInspectionRecord
from tests.api.conftest import DISTRICT_A, World, as_enterprise, assert_problem, example, make_key, unique


def _count(client: TestClient, enterprise_id: str) -> int:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(SelfInspectionRecord)
        return int(session.scalar(query.where(SelfInspectionRecord.enterprise_id == enterprise_id)) or 0)


def test_submit_stores_and_answers_the_record(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_hdi_leader"), world.enterprise_a)
    response = client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/self-inspections/{body['id']}"
    assert body["enterprise_id"] == world.enterprise_a and body["district"] == DISTRICT_A
    assert body["year"] == data["reporting_years"][-1] and body["reporting_years"] == data["reporting_years"]
    assert body["level"] == "I"  # examples/README.md: the HDI leader reaches level I
    assert body["kb_hash"].startswith("sha256:") and body["input_hash"].startswith("sha256:")
    assert body["created_by"] == world.ent_a.key_id and body["warnings"] == []
    completeness = body["completeness"]
    assert completeness["applicable"] >= completeness["answered"] > 0
    assert [s["id"] for s in completeness["sections"]][:2] == ["process_equipment", "process_steps"]
    assert any(i["id"] == "electricity_per_m2" for i in completeness["indicators"])
    assert body["data"] == data
    again = client.get(response.headers["location"], headers=world.ent_a.headers)
    assert again.status_code == 200 and again.json() == body


def test_invalid_submission_names_every_field_and_stores_nothing(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    data["years"][-1]["resources"]["electricity"]["unit"] = "litre"
    data["process"][0]["step"] = "no_such_step"
    del data["enterprise"]["name"]
    before = _count(client, world.enterprise_a)
    body = assert_problem(
        client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers), 422, "self-inspection-invalid"
    )
    paths = {e["path"] for e in body["errors"]}
    assert "enterprise.name" in paths
    assert all({"path", "rule", "message", "message_zh", "message_en"} == set(e) for e in body["errors"])
    assert all(e["message_zh"] and e["message_en"] == e["message"] for e in body["errors"])
    assert {"years[1].resources.electricity.unit", "process[0].step"} <= paths  # types and unknown ids together
    assert any(e["rule"] == "missing" for e in body["errors"])
    assert "nothing of it was accepted" in body["detail"]
    assert _count(client, world.enterprise_a) == before


def test_knowledge_base_rules_are_named(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    data["process"][0]["step"] = "no_such_step"
    body = assert_problem(client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers), 422)
    assert {"path": "process[0].step", "rule": "unknown_step"} in [
        {"path": e["path"], "rule": e["rule"]} for e in body["errors"]
    ]


def test_body_must_be_a_json_object(client: TestClient, world: World) -> None:
    headers = {**world.platform.headers, "content-type": "application/json"}
    bad_json = assert_problem(client.post("/v1/self-inspections", content=b"{not json", headers=headers), 422)
    assert bad_json["errors"][0]["rule"] == "json_invalid"
    array = assert_problem(client.post("/v1/self-inspections", json=[1, 2], headers=world.platform.headers), 422)
    assert array["errors"][0]["path"] == "(root)"


def test_body_size_limit_by_content_length(client: TestClient, world: World) -> None:
    big = b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    headers = {**world.platform.headers, "content-type": "application/json"}
    body = assert_problem(client.post("/v1/self-inspections", content=big, headers=headers), 413, "body-too-large")
    assert "2097152" in body["detail"]


def test_body_size_limit_when_streamed(client: TestClient, world: World) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"x": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'"}'

    headers = {**world.platform.headers, "content-type": "application/json"}
    response = client.post("/v1/self-inspections", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body-too-large")


def test_enterprise_may_not_submit_for_another(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_b)
    before = _count(client, world.enterprise_b)
    body = assert_problem(client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers), 403)
    assert body["errors"] == [
        {"path": "enterprise.id", "rule": "enterprise_scope", "message": "not the key's enterprise"}
    ]
    assert _count(client, world.enterprise_b) == before


def test_roles_that_never_submit(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    for caller in (world.auditor_a, world.admin):
        assert_problem(client.post("/v1/self-inspections", json=data, headers=caller.headers), 403, "forbidden")


def test_platform_submits_for_any_enterprise(client: TestClient, world: World) -> None:
    other = unique("ent-platform")
    data = as_enterprise(example("demo_single_sided_small"), other)
    response = client.post("/v1/self-inspections", json=data, headers=world.platform.headers)
    assert response.status_code == 201 and response.json()["created_by"] == world.platform.key_id


def test_list_filters_and_pages(client: TestClient, world: World) -> None:
    enterprise = unique("ent-list")
    caller = make_key(client, "enterprise", enterprise_id=enterprise)
    ids = []
    for name in ("demo_single_sided_small", "demo_hdi_leader", "demo_double_multilayer_mid"):
        data = as_enterprise(example(name), enterprise)
        ids.append(client.post("/v1/self-inspections", json=data, headers=caller.headers).json()["id"])
    page = client.get("/v1/self-inspections", params={"limit": 2}, headers=caller.headers).json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == ids[::-1][:2]  # newest first
    assert set(page["items"][0]) == {
        "id",
        "enterprise_id",
        "enterprise_name",
        "district",
        "year",
        "level",
        "created_at",
    }
    rest = client.get("/v1/self-inspections", params={"limit": 2, "offset": 2}, headers=caller.headers).json()
    assert [i["id"] for i in rest["items"]] == ids[:1]
    platform = world.platform.headers
    mine = client.get("/v1/self-inspections", params={"enterprise": enterprise}, headers=platform).json()
    assert mine["total"] == 3
    by_year = client.get(
        "/v1/self-inspections", params={"enterprise": enterprise, "year": 1999}, headers=platform
    ).json()
    assert by_year["total"] == 0
    by_district = client.get(
        "/v1/self-inspections", params={"enterprise": enterprise, "district": DISTRICT_A}, headers=platform
    ).json()
    assert by_district["total"] == 3
    body = assert_problem(client.get("/v1/self-inspections", params={"limit": 201}, headers=platform), 422)
    assert body["errors"][0]["path"] == "query.limit"


def test_stored_records_are_immutable(client: TestClient, world: World) -> None:
    for method in ("put", "patch", "delete"):
        response = client.request(method, f"/v1/self-inspections/{world.si_a}", headers=world.platform.headers)
        assert_problem(response, 405, "method-not-allowed")
    stored = client.get(f"/v1/self-inspections/{world.si_a}", headers=world.platform.headers).json()
    assert json.dumps(stored["data"])  # still there, unchanged


def test_a_submission_without_answers_says_how_complete_it_is(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    data["answers"] = {}
    for step in data["process"]:
        step.pop("answers", None)
    body = client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers).json()
    completeness = body["completeness"]
    assert completeness["answered"] == 0 and completeness["applicable"] > 100
    assert all(s["answered"] == 0 for s in completeness["sections"])
    plan = client.post("/v1/plans", json={"self_inspection_id": body["id"]}, headers=world.ent_a.headers).json()
    assert plan["plan"]["completeness"] == plan["plan"]["evaluation"]["completeness"]
    assert plan["plan"]["completeness"]["answered"] == 0


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_submit_the_workbook(client: TestClient, world: World) -> None:
    from engine.intake.validate import parse_self_inspection
    from engine.intake.workbook.writer import write_workbook

    kb = client.app.state.kb.current.kb  # type: ignore[attr-defined]
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    si = parse_self_inspection(kb, data).inspection
    content = write_workbook(kb, "zh", si)
    headers = {**world.ent_a.headers, "content-type": XLSX}
    response = client.post("/v1/self-inspections", content=content, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert parse_self_inspection(kb, body["data"]).inspection == si
    assert (
        body["input_hash"]
        == client.post("/v1/self-inspections", json=data, headers=world.ent_a.headers).json()["input_hash"]
    )
    assert body["completeness"]["answered"] > 0


def test_a_workbook_with_errors_answers_every_error_at_its_cell(client: TestClient, world: World) -> None:
    import io

    from openpyxl import load_workbook

    from engine.intake.validate import parse_self_inspection
    from engine.intake.workbook.writer import write_workbook

    kb = client.app.state.kb.current.kb  # type: ignore[attr-defined]
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a)
    book = load_workbook(io.BytesIO(write_workbook(kb, "en", parse_self_inspection(kb, data).inspection)))
    enterprise = next(ws for ws in book.worksheets if ws["A1"].value == "sheet:enterprise")
    enterprise["C4"] = None  # the name
    wastes = next(ws for ws in book.worksheets if ws["A1"].value == "sheet:wastes")
    wastes["I3"] = "to the river"  # the destination (B year, C stream, ..., G-H quantity, I destination)
    out = io.BytesIO()
    book.save(out)
    headers = {**world.ent_a.headers, "content-type": XLSX}
    before = _count(client, world.enterprise_a)
    body = assert_problem(
        client.post("/v1/self-inspections", content=out.getvalue(), headers=headers), 422, "self-inspection-invalid"
    )
    cells = {e["cell"]: e for e in body["errors"]}
    assert cells["Enterprise!C4"]["path"] == "enterprise.name" and cells["Enterprise!C4"]["rule"] == "missing"
    assert cells["Wastes!I3"]["rule"] == "unknown_destination" and cells["Wastes!I3"]["message_zh"]
    assert body["detail"].startswith("Enterprise!C4 (enterprise.name)")
    assert _count(client, world.enterprise_a) == before


def test_other_media_types_are_refused(client: TestClient, world: World) -> None:
    headers = {**world.ent_a.headers, "content-type": "text/csv"}
    assert_problem(client.post("/v1/self-inspections", content=b"a,b", headers=headers), 415, "unsupported-media-type")
    doc = client.get("/openapi.json").json()
    content = doc["paths"]["/v1/self-inspections"]["post"]["requestBody"]["content"]
    assert content[XLSX]["schema"] == {"type": "string", "format": "binary"}
