"""Roles and tenants: every role against every enterprise's records, on every route that reads them; revoked keys;
the audit log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.orm import AuditEntry
from tests.api.conftest import World, as_enterprise, assert_problem, example, make_key

# role -> (may read enterprise A's records, may read enterprise B's records); admin may never read records
ACCESS = {
    "ent_a": (True, False),
    "ent_b": (False, True),
    "auditor_a": (True, False),
    "auditor_b": (False, True),
    "platform": (True, True),
}


def _reads(world: World, tag: str) -> list[tuple[str, str]]:
    si, plan = (world.si_a, world.plan_a) if tag == "a" else (world.si_b, world.plan_b)
    return [
        ("GET", f"/v1/self-inspections/{si}"),
        ("GET", f"/v1/plans/{plan}"),
        ("GET", f"/v1/plans/{plan}/trace"),
        ("GET", f"/v1/plans/{plan}/notes"),
        ("POST", f"/v1/plans/{plan}/replay"),
    ]


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_records_of_other_tenants_are_not_found(client: TestClient, world: World, role: str) -> None:
    caller = getattr(world, role)
    for tag, allowed in zip("ab", ACCESS[role], strict=True):
        for method, path in _reads(world, tag):
            response = client.request(method, path, headers=caller.headers)
            if allowed:
                assert response.status_code == 200, (role, path, response.text)
            else:
                body = assert_problem(response, 404, "not-found")
                assert "there is no" in body["detail"]  # the same words as for an id that does not exist


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_lists_hold_only_the_callers_records(client: TestClient, world: World, role: str) -> None:
    caller = getattr(world, role)
    for path in ("/v1/self-inspections", "/v1/plans"):
        for tag, allowed in zip("ab", ACCESS[role], strict=True):
            enterprise = world.enterprise_a if tag == "a" else world.enterprise_b
            page = client.get(path, params={"enterprise": enterprise}, headers=caller.headers).json()
            assert (page["total"] > 0) is allowed, (role, path, tag)
        everything = client.get(path, params={"limit": 200}, headers=caller.headers).json()["items"]
        seen = {item["enterprise_id"] for item in everything}
        if caller.role.value == "enterprise":
            assert seen == {caller.enterprise_id}
        if caller.role.value == "auditor":
            assert {item["district"] for item in everything} == {"宝安区" if role == "auditor_a" else "南山区"}


def test_admin_may_not_read_records(client: TestClient, world: World) -> None:
    for tag in "ab":
        for method, path in _reads(world, tag):
            assert_problem(client.request(method, path, headers=world.admin.headers), 403, "forbidden")
    for path in ("/v1/self-inspections", "/v1/plans"):
        assert_problem(client.get(path, headers=world.admin.headers), 403, "forbidden")


def test_enterprise_may_not_plan_another_enterprises_records(client: TestClient, world: World) -> None:
    stored = client.post("/v1/plans", json={"self_inspection_id": world.si_b}, headers=world.ent_a.headers)
    assert assert_problem(stored, 404)["errors"][0]["path"] == "self_inspection_id"
    inline = as_enterprise(example("demo_single_sided_small"), world.enterprise_b)
    body = assert_problem(
        client.post("/v1/plans", json={"self_inspection": inline}, headers=world.ent_a.headers), 403, "forbidden"
    )
    assert body["errors"][0]["path"] == "self_inspection.enterprise.id"


def test_only_admins_manage_keys_and_reload(client: TestClient, world: World) -> None:
    for role in ACCESS:
        headers = getattr(world, role).headers
        assert_problem(client.get("/v1/keys", headers=headers), 403, "forbidden")
        assert_problem(client.post("/v1/kb/reload", headers=headers), 403, "forbidden")


def test_keys_over_the_api(client: TestClient, world: World) -> None:
    admin = world.admin.headers
    created = client.post("/v1/keys", json={"name": "n", "role": "platform"}, headers=admin)
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["secret"].startswith(f"sak_{key['prefix']}_")
    assert client.get("/v1/kb", headers={"Authorization": f"Bearer {key['secret']}"}).status_code == 200
    listed = client.get("/v1/keys", params={"limit": 200}, headers=admin).json()
    assert key["id"] in [k["id"] for k in listed["items"]]
    assert all("secret" not in k for k in listed["items"])
    bad = assert_problem(client.post("/v1/keys", json={"name": "n", "role": "auditor"}, headers=admin), 422)
    assert bad["errors"][0]["path"] == "districts"
    bad = assert_problem(client.post("/v1/keys", json={"name": "n", "role": "enterprise"}, headers=admin), 422)
    assert bad["errors"][0]["path"] == "enterprise_id"
    revoked = client.post(f"/v1/keys/{key['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert_problem(client.get("/v1/kb", headers={"Authorization": f"Bearer {key['secret']}"}), 401)
    assert_problem(client.post("/v1/keys/key_none/revoke", headers=admin), 404)


def test_revoked_key_is_refused_at_once(client: TestClient, world: World) -> None:
    caller = make_key(client, "enterprise", enterprise_id=world.enterprise_a)
    assert client.get(f"/v1/plans/{world.plan_a}", headers=caller.headers).status_code == 200
    client.post(f"/v1/keys/{caller.key_id}/revoke", headers=world.admin.headers)
    assert_problem(client.get(f"/v1/plans/{world.plan_a}", headers=caller.headers), 401, "unauthenticated")


def test_access_is_audited(client: TestClient, world: World) -> None:
    client.get(f"/v1/plans/{world.plan_b}", headers=world.auditor_a.headers)  # out of district
    client.get(f"/v1/plans/{world.plan_a}", headers=world.platform.headers)
    client.get("/v1/plans", headers={"Authorization": "Bearer sak_0000000000_nope"})
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(3)))
    anonymous, platform, auditor = rows
    assert (auditor.key_id, auditor.role, auditor.action, auditor.outcome, auditor.status) == (
        world.auditor_a.key_id,
        "auditor",
        "get_plan",
        "not_found",
        404,
    )
    assert auditor.resource == f"/v1/plans/{world.plan_b}" and auditor.at is not None
    assert (platform.key_id, platform.role, platform.outcome) == (world.platform.key_id, "platform", "ok")
    assert (anonymous.key_id, anonymous.role, anonymous.outcome) == (None, None, "unauthenticated")


def test_created_records_are_audited_by_their_id(client: TestClient, world: World) -> None:
    response = client.post("/v1/plans", json={"self_inspection_id": world.si_a}, headers=world.platform.headers)
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (row.action, row.method, row.status) == ("create_plan", "POST", 201)
    assert row.resource == f"/v1/plans/{response.json()['id']}"
