"""The cheapest path and the what-if of a stored plan over HTTP: answers, roles and tenants as for the other plan
routes, problems that name the field, the OpenAPI document."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, assert_problem

# role -> (may ask about enterprise A's plan, about enterprise B's plan); as every route reading a plan
ACCESS = {
    "ent_a": (True, False),
    "ent_b": (False, True),
    "auditor_a": (True, False),
    "auditor_b": (False, True),
    "platform": (True, True),
}
RINSE = "process[step=inner_etching].answers.q_rinse_type"


def test_path_of_a_stored_plan(client: TestClient, world: World) -> None:
    response = client.post(f"/v1/plans/{world.plan_b}/path", json={"target": "II"}, headers=world.ent_b.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan_id"] == world.plan_b and body["target"] == "II" and body["objective"] == "investment"
    # demo_double_multilayer_mid: no selection of its options reaches II (tests/plan/test_path.py)
    assert body["feasible"] is False and body["exact"] is True and body["options"] == []
    assert body["shortfall"]["index"]["needed"] == 85.0 and body["shortfall"]["indicators"]
    assert body["curve"] and body["chart_svg"] is None
    assert {"investment", "savings", "projected_level", "bound", "with_unpriced"} <= set(body)


def test_path_with_chart_and_objective(client: TestClient, world: World) -> None:
    request = {"target": "II", "objective": "co2", "chart": True}
    response = client.post(
        f"/v1/plans/{world.plan_b}/path", json=request, params={"lang": "en"}, headers=world.platform.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["objective"] == "co2" and body["chart_svg"].startswith("<svg")


def test_path_errors_name_the_field(client: TestClient, world: World) -> None:
    url = f"/v1/plans/{world.plan_b}/path"
    headers = world.ent_b.headers
    body = assert_problem(client.post(url, json={"target": "IV"}, headers=headers), 422, "request-invalid")
    assert body["errors"][0]["path"] == "target" and "unknown level 'IV'" in body["detail"]
    body = assert_problem(client.post(url, json={"target": "II", "objective": "cheap"}, headers=headers), 422)
    assert body["errors"][0]["path"] == "objective"
    body = assert_problem(client.post(url, json={"target": "II", "colour": 1}, headers=headers), 422)
    assert body["errors"][0]["path"] == "colour"
    assert_problem(client.post("/v1/plans/pl_nope/path", json={"target": "II"}, headers=headers), 404)


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_roles_and_tenants(client: TestClient, world: World, role: str) -> None:
    caller = getattr(world, role)
    for plan, allowed in zip((world.plan_a, world.plan_b), ACCESS[role], strict=True):
        for route, body in (("path", {"target": "I", "limit": 5}), ("whatif", {"reject": []})):
            response = client.post(f"/v1/plans/{plan}/{route}", json=body, headers=caller.headers)
            if allowed:
                assert response.status_code == 200, (role, route, response.text)
            else:
                assert_problem(response, 404, "not-found")
    assert_problem(
        client.post(f"/v1/plans/{world.plan_a}/path", json={"target": "I"}, headers=world.admin.headers), 403
    )


def test_whatif_of_a_stored_plan(client: TestClient, world: World) -> None:
    request = {"set": [{"path": RINSE, "value": "counter_current"}], "reject": ["counter_current_rinse"]}
    response = client.post(f"/v1/plans/{world.plan_b}/whatif", json=request, headers=world.ent_b.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan_id"] == world.plan_b and body["level"]["baseline_now"] == "III"
    assert body["changes"]["set"][0]["old"] == "single_overflow"
    gone = {f["id"]: f for f in body["differences"]["findings"]["disappeared"]}
    assert gone["finding:rinse_single_stage@step:inner_etching"]["because"] == ["input:process[4].answers.q_rinse_type"]
    left = {o["option_id"]: o["why"] for o in body["differences"]["options"]["disappeared"]}
    assert left["counter_current_rinse"] == "rejected"
    assert "counter_current_rinse" not in [o["option_id"] for o in body["plan"]["options"]]
    stored = client.get(f"/v1/plans/{world.plan_b}", headers=world.ent_b.headers).json()
    assert body["baseline"]["projected_level"] == stored["plan"]["projected"]["overall_level"]


def test_whatif_errors_name_the_field(client: TestClient, world: World) -> None:
    url = f"/v1/plans/{world.plan_b}/whatif"
    headers = world.ent_b.headers
    cases = [
        ({"set": [{"path": "process[step=nowhere].run", "value": True}]}, "set[0].path", "path_not_found"),
        ({"set": [{"path": RINSE, "value": "bogus"}]}, "set[0].value", "value_invalid"),
        ({"accept": ["led_lightin"]}, "accept[0]", "unknown_option"),
        ({"reject": ["line_water_energy_metering"]}, "reject[0]", "not_in_plan"),
    ]
    for request, path, rule in cases:
        body = assert_problem(client.post(url, json=request, headers=headers), 422, "whatif-invalid")
        assert body["errors"][0]["path"] == path and body["errors"][0]["rule"] == rule, body
    value = assert_problem(client.post(url, json=cases[1][0], headers=headers), 422)
    assert value["input_errors"][0]["path"] == "process[4].answers.q_rinse_type"
    body = assert_problem(client.post(url, json={"set": [{"path": RINSE}]}, headers=headers), 422, "request-invalid")
    assert body["errors"][0]["path"] == "set[0].value"


def test_openapi_documents_the_routes(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for route, request, response in (
        ("/v1/plans/{plan_id}/path", "PathRequest", "PathOut"),
        ("/v1/plans/{plan_id}/whatif", "WhatIfRequest", "WhatIfOut"),
    ):
        post = doc["paths"][route]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{request}"
        }
        assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{response}"
        }
        assert "application/problem+json" in post["responses"]["422"]["content"]
        assert post["description"] or post["summary"]
    schemas = doc["components"]["schemas"]
    assert {"target", "objective", "include_unpriced"} <= set(schemas["PathRequest"]["properties"])
    assert {"feasible", "options", "investment", "savings", "projected_level", "curve", "shortfall"} <= set(
        schemas["PathOut"]["properties"]
    )
    assert {"level", "plan", "differences"} <= set(schemas["WhatIfOut"]["properties"])
