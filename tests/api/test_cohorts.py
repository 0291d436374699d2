"""Cohorts over HTTP, on SQLite and PostgreSQL: creation from stored self-inspections, the evaluation (the engine's
amounts on the same members), the role matrix (platform, bureau, auditors, enterprises' own position), bad input
(field-named, zh and en, nothing stored), and the read-only bureau refused by every write route."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.cohorts import cohort_policy, finding_titles, member_of
from api.orm import Base, Cohort, CohortMember
from engine.cohort import evaluate_cohort
from tests.api.conftest import (
    DISTRICT_A,
    DISTRICT_B,
    Caller,
    World,
    as_enterprise,
    assert_problem,
    example,
    make_key,
    unique,
)


def _scale(node: Any, key: str, factor: float) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, dict) and "value" in v:
                v["value"] = round(v["value"] * factor)
            else:
                _scale(v, key, factor)
    elif isinstance(node, list):
        for item in node:
            _scale(item, key, factor)


@dataclass(frozen=True)
class CohortWorld:
    world: World
    bureau: Caller
    auditor_elsewhere: Caller  # 福田区: no member there
    outsider: Caller  # an enterprise in no cohort
    ent_c: str
    ent_d: str
    si_a26: str
    si_c: str
    si_c26: str
    si_d: str
    raw: dict[str, Any]  # self-inspection id -> the stored data
    body: dict[str, Any]
    cohort: dict[str, Any]


def _submit(client: TestClient, caller: Caller, data: dict[str, Any]) -> str:
    response = client.post("/v1/self-inspections", json=data, headers=caller.headers)
    assert response.status_code == 201, response.text
    sid: str = response.json()["id"]
    return sid


@pytest.fixture(scope="module")
def cw(client: TestClient, world: World) -> CohortWorld:
    platform = world.platform
    ent_c, ent_d = unique("ent-c"), unique("ent-d")
    a26 = as_enterprise(example("demo_single_sided_small"), world.enterprise_a, DISTRICT_A)
    _scale(a26["years"][-1], "electricity", 0.8)
    c24 = as_enterprise(example("demo_flex_rigidflex_submetered"), ent_c, DISTRICT_A)
    c26 = copy.deepcopy(c24)
    _scale(c26["years"][-1], "electricity", 0.8)
    d24 = as_enterprise(example("demo_hdi_leader"), ent_d, DISTRICT_A)
    ids = {
        "si_a26": _submit(client, platform, a26),
        "si_c": _submit(client, platform, c24),
        "si_c26": _submit(client, platform, c26),
        "si_d": _submit(client, platform, d24),
    }
    raw = {
        sid: client.get(f"/v1/self-inspections/{sid}", headers=platform.headers).json()["data"]
        for sid in (world.si_a, world.si_b, *ids.values())
    }
    body = {
        "name": "宝安区线路板行业整体审核（测试）",
        "periods": [
            {"label": "2024", "self_inspection_ids": [world.si_a, ids["si_c"], ids["si_d"], world.si_b]},
            {"label": "2026", "self_inspection_ids": [ids["si_a26"], ids["si_c26"]]},
        ],
    }
    created = client.post("/v1/cohorts", json=body, headers=platform.headers)
    assert created.status_code == 201, created.text
    return CohortWorld(
        world=world,
        bureau=make_key(client, "bureau"),
        auditor_elsewhere=make_key(client, "auditor", districts=["福田区"]),
        outsider=make_key(client, "enterprise", enterprise_id=unique("ent-x")),
        ent_c=ent_c,
        ent_d=ent_d,
        raw=raw,
        body=body,
        cohort=created.json(),
        **ids,
    )


def _counts(client: TestClient) -> tuple[int, int]:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return (
            session.scalar(select(func.count()).select_from(Cohort)) or 0,
            session.scalar(select(func.count()).select_from(CohortMember)) or 0,
        )


def _expected(client: TestClient, cw: CohortWorld, sids_by_period: dict[str, list[str]]) -> dict[str, Any]:
    """The engine's evaluation of the same members, plans built by the command line's path (api.cohorts)."""
    loaded = client.app.state.kb.current  # type: ignore[attr-defined]
    members = [
        member_of(loaded.kb, period, cw.raw[sid], sid, loaded.graph)
        for period, sids in sids_by_period.items()
        for sid in sids
    ]
    return evaluate_cohort(
        members,
        policy=cohort_policy(loaded.kb),
        name=cw.body["name"],
        periods=list(sids_by_period),
        finding_titles=finding_titles(loaded.kb),
    )


def _whole(cw: CohortWorld) -> dict[str, list[str]]:
    return {p["label"]: list(p["self_inspection_ids"]) for p in cw.body["periods"]}


def test_created_cohort_is_stored_with_its_members(client: TestClient, cw: CohortWorld) -> None:
    c = cw.cohort
    assert c["name"] == cw.body["name"] and c["periods"] == ["2024", "2026"]
    assert c["members_shown"] == 6 and c["partial"] is False and c["owner_role"] == "platform"
    got = {p["label"]: [m["self_inspection_id"] for m in p["members"]] for p in c["members"]}
    assert got == _whole(cw)
    b = next(m for m in c["members"][0]["members"] if m["enterprise_id"] == cw.world.enterprise_b)
    assert b["district"] == DISTRICT_B
    again = client.get(f"/v1/cohorts/{c['id']}", headers=cw.world.platform.headers)
    assert again.status_code == 200 and again.json() == c


def test_evaluation_equals_the_engine_on_the_same_members(client: TestClient, cw: CohortWorld) -> None:
    response = client.get(f"/v1/cohorts/{cw.cohort['id']}/evaluation", headers=cw.world.platform.headers)
    assert response.status_code == 200, response.text
    got = response.json()
    assert (got.pop("cohort_id"), got.pop("scope")) == (cw.cohort["id"], "whole")
    expected = _expected(client, cw, _whole(cw))
    assert got == json.loads(json.dumps(expected))
    first = got["periods"][0]
    assert first["n"] == 4 and sum(first["levels"]["counts"].values()) == 4
    ba = got["before_after"]
    assert (ba["before"], ba["after"]) == ("2024", "2026")
    assert sorted(e["id"] for e in ba["missing"]["only_before"]) == sorted([cw.world.enterprise_b, cw.ent_d])
    rows = {e["id"]: {r["key"]: r for r in e["indicators"]} for e in ba["enterprises"]}
    row = rows[cw.ent_c]["electricity_per_m2[flexible/double]"]
    assert (row["before"], row["after"], row["change_percent"], row["improved"]) == (22.0, 17.6, -20.0, True)


def test_bureau_sees_the_whole_cohort_and_auditors_their_districts(client: TestClient, cw: CohortWorld) -> None:
    cid, w = cw.cohort["id"], cw.world
    whole = client.get(f"/v1/cohorts/{cid}/evaluation", headers=w.platform.headers).json()
    assert client.get(f"/v1/cohorts/{cid}/evaluation", headers=cw.bureau.headers).json() == whole
    assert client.get(f"/v1/cohorts/{cid}", headers=cw.bureau.headers).json()["members_shown"] == 6

    seen_b = client.get(f"/v1/cohorts/{cid}", headers=w.auditor_b.headers).json()
    assert seen_b["partial"] is True and seen_b["members_shown"] == 1
    assert [m["enterprise_id"] for p in seen_b["members"] for m in p["members"]] == [w.enterprise_b]
    ev_b = client.get(f"/v1/cohorts/{cid}/evaluation", headers=w.auditor_b.headers).json()
    assert ev_b["scope"] == "districts" and [p["period"] for p in ev_b["periods"]] == ["2024"]
    assert [e["id"] for e in ev_b["periods"][0]["enterprises"]] == [w.enterprise_b]
    ev_b.pop("cohort_id"), ev_b.pop("scope")
    assert ev_b == json.loads(json.dumps(_expected(client, cw, {"2024": [w.si_b], "2026": []})))

    ev_a = client.get(f"/v1/cohorts/{cid}/evaluation", headers=w.auditor_a.headers).json()
    ids_a = {e["id"] for p in ev_a["periods"] for e in p["enterprises"]}
    assert ids_a == {w.enterprise_a, cw.ent_c, cw.ent_d}
    assert w.enterprise_b not in json.dumps(ev_a)

    for path in ("", "/evaluation", "/report"):
        assert_problem(client.get(f"/v1/cohorts/{cid}{path}", headers=cw.auditor_elsewhere.headers), 404, "not-found")
    listed = client.get("/v1/cohorts", params={"limit": 200}, headers=cw.auditor_elsewhere.headers).json()
    assert cid not in {c["id"] for c in listed["items"]}
    for caller in (w.platform, cw.bureau, w.auditor_a, w.auditor_b, w.ent_a):
        items = client.get("/v1/cohorts", params={"limit": 200}, headers=caller.headers).json()["items"]
        assert cid in {c["id"] for c in items}, caller.role


def test_enterprise_sees_only_its_own_position(client: TestClient, cw: CohortWorld) -> None:
    cid, w = cw.cohort["id"], cw.world
    for path in ("/evaluation", "/report"):
        assert_problem(client.get(f"/v1/cohorts/{cid}{path}", headers=w.ent_a.headers), 403, "forbidden")
    mine = client.get(f"/v1/cohorts/{cid}", headers=w.ent_a.headers).json()
    assert [m["enterprise_id"] for p in mine["members"] for m in p["members"]] == [w.enterprise_a] * 2

    response = client.get(f"/v1/cohorts/{cid}/position", headers=w.ent_a.headers)
    assert response.status_code == 200, response.text
    position = response.json()
    text = json.dumps(position, ensure_ascii=False)
    for peer in (w.enterprise_b, cw.ent_c, cw.ent_d, w.si_b, cw.si_c, cw.si_d, "demo-bao-an-hdi-leader"):
        assert peer not in text, peer
    peer_names = {cw.raw[s]["enterprise"]["name"] for s in (w.si_b, cw.si_c, cw.si_d)}
    assert not any(name in text for name in peer_names)
    first = position["periods"][0]
    assert position["cohort_id"] == cid and first["anonymised"] is True and first["n"] == 4
    assert first["enterprise"]["id"] == w.enterprise_a
    whole = client.get(f"/v1/cohorts/{cid}/evaluation", headers=w.platform.headers).json()
    own_row = next(e for e in whole["periods"][0]["enterprises"] if e["id"] == w.enterprise_a)
    assert first["enterprise"] == own_row
    assert first["levels"] == whole["periods"][0]["levels"]  # 4 enterprises >= the policy's minimum of peers
    assert all("concerns_you" in p and "enterprises" not in p for p in first["common_problems"])

    assert_problem(client.get(f"/v1/cohorts/{cid}/position", headers=cw.outsider.headers), 404, "not-found")
    for caller in (w.platform, cw.bureau, w.auditor_a):
        assert_problem(client.get(f"/v1/cohorts/{cid}/position", headers=caller.headers), 403, "forbidden")
    assert_problem(client.get("/v1/cohorts", headers=w.admin.headers), 403, "forbidden")


def test_report_html_and_pdf(client: TestClient, cw: CohortWorld) -> None:
    cid = cw.cohort["id"]
    html = client.get(f"/v1/cohorts/{cid}/report", headers=cw.bureau.headers)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<svg" in html.text and cw.body["name"] in html.text and "前后对比" in html.text
    pdf = client.get(f"/v1/cohorts/{cid}/report", params={"format": "pdf", "lang": "en"}, headers=cw.bureau.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_report_docx_tables_equal_the_evaluation(client: TestClient, cw: CohortWorld) -> None:
    import io

    from docx import Document

    from explanations.cohort_text import LEVEL_NAMES
    from explanations.figures import num as fmt_number

    cid = cw.cohort["id"]
    evaluation = client.get(f"/v1/cohorts/{cid}/evaluation", headers=cw.bureau.headers).json()
    response = client.get(f"/v1/cohorts/{cid}/report", params={"format": "docx"}, headers=cw.bureau.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    doc = Document(io.BytesIO(response.content))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    levels = [t for t in tables if t[0] == ["等级", "企业数", "占比（%）"]]
    for table, period in zip(levels, evaluation["periods"], strict=True):
        assert {r[0]: int(r[1]) for r in table[1:]} == {
            LEVEL_NAMES["zh"][k]: v for k, v in period["levels"]["counts"].items()
        }
    assert len(levels) == 2
    solutions = [t for t in tables if t[0][0] == "方案" and len(t[0]) == 5]
    for table, period in zip(solutions, evaluation["periods"], strict=True):
        assert [r[4] for r in table[1:]] == [fmt_number(cs["money"]["central"]) for cs in period["common_solutions"]]
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(c for t in tables for r in t for c in r)
    assert cw.body["name"] in text and cw.ent_c not in text  # names, not ids


def _refused(client: TestClient, caller: Caller, body: dict[str, Any], status: int = 422) -> dict[str, Any]:
    before = _counts(client)
    problem = assert_problem(client.post("/v1/cohorts", json=body, headers=caller.headers), status)
    assert _counts(client) == before  # nothing stored
    return problem


def _by_path(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["path"]: e for e in problem["errors"]}


def test_bad_input_names_every_field_in_both_languages_and_stores_nothing(client: TestClient, cw: CohortWorld) -> None:
    w = cw.world
    body = {
        "name": "bad",
        "periods": [
            {"label": "2024", "self_inspection_ids": [w.si_a, "si_does_not_exist", w.si_b]},
            {"label": "2025", "self_inspection_ids": []},
            {"label": "2026", "self_inspection_ids": [cw.si_a26, w.si_a]},  # enterprise A twice
        ],
    }
    problem = _refused(client, w.platform, body)
    assert problem["type"] == "urn:smart-audit:problem:cohort-invalid"
    errors = _by_path(problem)
    assert set(errors) == {
        "periods[0].self_inspection_ids[1]",
        "periods[1].self_inspection_ids",
        "periods[2].self_inspection_ids[1]",
    }
    unknown = errors["periods[0].self_inspection_ids[1]"]
    assert unknown["rule"] == "not_found" and "si_does_not_exist" in unknown["message_en"]
    assert "没有自查记录" in unknown["message_zh"]
    assert errors["periods[1].self_inspection_ids"]["rule"] == "empty_period"
    dup = errors["periods[2].self_inspection_ids[1]"]
    assert dup["rule"] == "duplicate_enterprise" and w.enterprise_a in dup["message_en"] and "企业" in dup["message_zh"]
    assert "self_inspection_ids[0]" in dup["message_en"]
    assert problem["detail"].endswith("nothing was stored")

    # an id the caller may not see reads as one that does not exist
    hidden = _refused(client, w.auditor_a, {"name": "x", "periods": [{"label": "p", "self_inspection_ids": [w.si_b]}]})
    assert _by_path(hidden)["periods[0].self_inspection_ids[0]"]["rule"] == "not_found"

    shape = _refused(
        client,
        w.platform,
        {
            "name": " ",
            "periods": [
                {"label": "a", "self_inspection_ids": [w.si_a]},
                {"label": "a", "self_inspection_ids": [w.si_b]},
            ],
        },
    )
    rules = {path: e["rule"] for path, e in _by_path(shape).items()}
    assert rules == {"name": "required", "periods[1].label": "duplicate_period"}
    assert _by_path(_refused(client, w.platform, {"name": "x", "periods": []}))["periods"]["rule"] == "empty"
    missing = _refused(client, w.platform, {"periods": [{"label": "a", "self_inspection_ids": [w.si_a]}]})
    assert _by_path(missing)["name"]["rule"] == "missing"


def test_auditor_creates_a_cohort_of_its_districts_and_retries_are_idempotent(
    client: TestClient, cw: CohortWorld
) -> None:
    w = cw.world
    body = {"name": "宝安区 2024", "periods": [{"label": "2024", "self_inspection_ids": [w.si_a, cw.si_c, cw.si_d]}]}
    headers = {**w.auditor_a.headers, "Idempotency-Key": unique("idem")}
    first = client.post("/v1/cohorts", json=body, headers=headers)
    assert first.status_code == 201 and first.json()["owner_role"] == "auditor"
    before = _counts(client)
    again = client.post("/v1/cohorts", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true" and _counts(client) == before
    for caller in (w.ent_a, w.admin, cw.bureau):
        _refused(client, caller, body, 403)


def _rows(client: TestClient) -> dict[str, int]:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }


# POSTs that compute and answer without storing anything (every reader may call them)
READ_ONLY_POSTS = {"/v1/plans/{plan_id}/replay", "/v1/plans/{plan_id}/path", "/v1/plans/{plan_id}/whatif"}


def test_bureau_may_write_nothing_anywhere(client: TestClient, cw: CohortWorld) -> None:
    w = cw.world
    params = {
        "plan_id": w.plan_a,
        "key_id": w.admin.key_id,
        "cohort_id": cw.cohort["id"],
        "acceptance_id": "acc-unknown",
        "measure_code": "x",
    }
    writes = [
        (method, path)
        for path, item in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in item
        if method in {"post", "put", "patch", "delete"}
    ]
    assert ("post", "/v1/cohorts") in writes and len(writes) >= 8
    answered = set()
    before = _rows(client)
    body: dict[str, Any] = {"self_inspection_id": w.si_a, "text": "x", "target": "II", "set": []}
    for method, path in writes:
        response = client.request(method, path.format(**params), json=body, headers=cw.bureau.headers)
        if response.status_code != 403:
            answered.add(path)
    assert answered == READ_ONLY_POSTS
    assert _rows(client) == before
    sample = client.post("/v1/self-inspections", json=example("demo_single_sided_small"), headers=cw.bureau.headers)
    assert "bureau role may not call this route" in assert_problem(sample, 403, "forbidden")["detail"]


def test_bureau_keys_are_created_by_the_admin_without_scope(client: TestClient, cw: CohortWorld) -> None:
    admin = cw.world.admin.headers
    created = client.post("/v1/keys", json={"name": "宝安区生态环境局", "role": "bureau"}, headers=admin)
    assert created.status_code == 201 and created.json()["role"] == "bureau" and created.json()["secret"]
    scoped = client.post("/v1/keys", json={"name": "x", "role": "bureau", "districts": ["宝安区"]}, headers=admin)
    assert assert_problem(scoped, 422)["errors"][0]["path"] == "districts"


def test_command_line_evaluates_a_stored_cohort(
    client: TestClient, cw: CohortWorld, database_url: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli import main

    out = tmp_path / "cohort.json"
    cid = cw.cohort["id"]
    assert main(["cohort", "evaluate", "--cohort", cid, "--database-url", database_url, "--json", "-o", str(out)]) == 0
    served = client.get(f"/v1/cohorts/{cid}/evaluation", headers=cw.world.platform.headers).json()
    assert json.loads(out.read_text(encoding="utf-8")) == served
    assert main(["cohort", "evaluate", "--cohort", "co_nope", "--database-url", database_url]) == 1
    assert "there is no cohort 'co_nope'" in capsys.readouterr().err
    assert main(["cohort", "some-folder", "--cohort", cid, "--database-url", database_url]) == 2


def test_rewards_list_every_member_and_follow_the_cohort_readers(client: TestClient, cw: CohortWorld) -> None:
    cid = cw.cohort["id"]
    served = client.get(f"/v1/cohorts/{cid}/rewards", headers=cw.bureau.headers)
    assert served.status_code == 200, served.text
    out = served.json()
    # six members over two periods, none with a verified acceptance yet: listed, no amount
    assert out["totals"]["members"] == 6 and out["totals"]["verified"] == 0 and out["totals"]["not_verified"] == 6
    assert out["totals"]["reward_cny"] == 0 and out["totals"]["subsidy_cny"] == 0
    assert {m["status"] for m in out["members"]} == {"not_verified"}
    assert out["method"]["zh"] and out["method"]["en"] and out["achievements"] == []
    # an enterprise key sees its position, not the cohort's money
    refused = client.get(f"/v1/cohorts/{cid}/rewards", headers=cw.world.ent_a.headers)
    assert refused.status_code == 403
    # an auditor of another district sees no member of it
    assert client.get(f"/v1/cohorts/{cid}/rewards", headers=cw.auditor_elsewhere.headers).status_code == 404
