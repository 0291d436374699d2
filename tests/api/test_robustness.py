"""No input breaks the service (on SQLite and on PostgreSQL): each class of bad input answers a problem (400, 408,
422, 429) naming the field and the rule in Chinese and English, stores nothing, and costs little; a value that
validation accepts is one the engine can plan with; access stays within each key's binding."""

from __future__ import annotations

import copy
import json
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import keys as api_keys
from api.app import create_app
from api.guard import RequestGuard
from api.orm import AuditEntry, SelfInspectionRecord
from api.problems import ProblemError
from api.reports import ReportPool
from engine.intake.bounds import MAX_CONCENTRATION, MAX_MAGNITUDE, MIN_AREA, MIN_CONCENTRATION, MIN_MAGNITUDE
from engine.intake.rawinput import loads_json, read_input
from engine.intake.units import UNITS
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import build_plan
from tests.api.conftest import (
    DISTRICT_A,
    EXAMPLES,
    World,
    as_enterprise,
    assert_problem,
    example,
    make_key,
    settings_for,
    unique,
)

SI = "/v1/self-inspections"
ELECTRICITY = ("years", 1, "resources", "electricity", "value")
OUTPUT = ("years", 1, "products", 0, "output", "value")
COPPER = ("years", 1, "wastewater", "outlets", 0, "concentrations", "cu", "value")


def _stored(client: TestClient) -> int:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(SelfInspectionRecord)) or 0)


def _with(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _raw(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(path, content=body, headers={**headers, "content-type": "application/json"})


def _bilingual(problem: dict[str, Any], path: str, rule: str) -> dict[str, Any]:
    found = [e for e in problem["errors"] if e["path"] == path and e["rule"] == rule]
    assert found, problem["errors"]
    assert found[0]["message_zh"] and found[0]["message_en"] and found[0]["message_zh"] != found[0]["message_en"]
    return found[0]


def _mine(world: World) -> dict[str, Any]:
    return as_enterprise(example("demo_single_sided_small"), world.enterprise_a, DISTRICT_A)


# --- numbers -------------------------------------------------------------------------------------------------

NUMBERS = [
    (ELECTRICITY, 1e30, "number_too_large"),
    (ELECTRICITY, "1e400", "number_too_large"),
    (ELECTRICITY, 10**400, "number_too_large"),
    (ELECTRICITY, "1e999999", "number_too_large"),
    (ELECTRICITY, 1e-30, "number_too_small"),
    (OUTPUT, "1e-400", "number_too_small"),
    (OUTPUT, 1e-12, "number_too_small"),
    (OUTPUT, 0.5, "number_too_small"),  # below MIN_AREA m2
    (COPPER, 1e7, "number_too_large"),  # above MAX_CONCENTRATION mg/L
]


@pytest.mark.parametrize(("path", "value", "rule"), NUMBERS, ids=[f"{p[-2]}={v}" for p, v, _ in NUMBERS])
def test_numbers_beyond_the_arithmetic_are_refused(
    client: TestClient, world: World, path: tuple[Any, ...], value: Any, rule: str
) -> None:
    before = _stored(client)
    data = _with(_mine(world), path, value)
    field = ".".join(str(p) for p in path).replace(".1.", "[1].").replace(".0.", "[0].")
    problem = assert_problem(client.post(SI, json=data, headers=world.ent_a.headers), 422, "self-inspection-invalid")
    _bilingual(problem, field, rule)
    inline = assert_problem(client.post("/v1/plans", json={"self_inspection": data}, headers=world.ent_a.headers), 422)
    _bilingual(inline, f"self_inspection.{field}", rule)
    assert _stored(client) == before


def _quantities(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    if isinstance(data, dict):
        if {"value", "unit"} <= set(data) and isinstance(data["value"], int | float) and data["unit"] != "%":
            out.append((path, data))
        for key, value in data.items():
            out.extend(_quantities(value, (*path, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(_quantities(value, (*path, i)))
    return out


def _kind(quantity: dict[str, Any], path: tuple[Any, ...]) -> str:
    if quantity["unit"] == "t":
        return "volume" if any("water" in str(p) for p in path) else "mass"
    return next(kind for kind, units in UNITS.items() if quantity["unit"] in units)


def _extreme(quantity: dict[str, Any], path: tuple[Any, ...], which: str) -> float:
    kind = _kind(quantity, path)
    factor = UNITS[kind][quantity["unit"]]
    if which == "max":
        top = MAX_CONCENTRATION if kind == "concentration" else MAX_MAGNITUDE
        return float((top / factor).quantize(Decimal(1)))
    bottom = MIN_AREA if kind == "area" else MIN_CONCENTRATION if kind == "concentration" else MIN_MAGNITUDE
    return float(bottom / factor) * 1.0001


def _mixed(data: dict[str, Any], small: int | None, which_rest: str) -> dict[str, Any]:
    """Every quantity at its bound: ``which_rest`` for all, the one at index ``small`` at the other bound."""
    out = copy.deepcopy(data)
    other = "min" if which_rest == "max" else "max"
    for i, (path, quantity) in enumerate(_quantities(out)):
        quantity["value"] = _extreme(quantity, path, other if i == small else which_rest)
    return out


EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("demo_*.json"))


@pytest.fixture(scope="module")
def kb() -> Any:
    return load_kb()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("which", ["max", "min"])
def test_every_number_at_its_bound_can_be_planned(kb: Any, name: str, which: str) -> None:
    """A value validation accepts must be plannable: every quantity of every example at the largest (or the
    smallest) accepted magnitude, the evaluation and the durable_rules run included."""
    data = _mixed(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")), None, which)
    try:
        validated = parse_self_inspection(kb, data)
    except Exception as exc:  # a cross-field rule (parts above a total) may refuse it: then it is not accepted
        assert "number_too" not in str(exc)
        return
    plan = build_plan(kb, validated.inspection)
    assert plan["evaluation"]["overall_level"] is not None or plan["evaluation"]


@pytest.mark.fuzz
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_number_at_one_bound_and_the_rest_at_the_other(kb: Any, name: str) -> None:
    """The long sweep: each quantity small while every other is large (and the reverse): ratios at their widest."""
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    for i in range(len(_quantities(data))):
        for rest in ("max", "min"):
            try:
                validated = parse_self_inspection(kb, _mixed(data, i, rest))
            except Exception:
                continue
            build_plan(kb, validated.inspection)


# --- text ----------------------------------------------------------------------------------------------------

TEXTS = [
    (("enterprise", "district"), "区" * 101, "string_too_long"),
    (("enterprise", "name"), "a\x00b", "nul_character"),
    (("enterprise", "district"), "宝安\x00区", "nul_character"),
    (("years", 1, "resources", "chemicals", 0, "name"), "x\x00", "nul_character"),
]


@pytest.mark.parametrize(("path", "value", "rule"), TEXTS, ids=[f"{p[-1]}-{r}" for p, _, r in TEXTS])
def test_text_no_column_can_store_is_refused(
    client: TestClient, world: World, path: tuple[Any, ...], value: str, rule: str
) -> None:
    before = _stored(client)
    data = _with(_mine(world), path, value)
    problem = assert_problem(client.post(SI, json=data, headers=world.ent_a.headers), 422)
    assert any(e["rule"] == rule for e in problem["errors"]), problem["errors"]
    assert _stored(client) == before


@pytest.mark.parametrize("route", [SI, "/v1/plans"])
def test_lone_surrogates_in_a_body_are_refused(client: TestClient, world: World, route: str) -> None:
    body = json.dumps(_mine(world), ensure_ascii=False).replace('"宝安区"', '"\\ud800"').encode()
    if route == "/v1/plans":
        body = b'{"self_inspection": ' + body + b"}"
    problem = assert_problem(_raw(client, route, body, world.ent_a.headers), 422, "request-invalid")
    found = _bilingual(
        problem, "self_inspection.enterprise.district" if route != SI else "enterprise.district", "lone_surrogate"
    )
    assert "U+D800" in found["message_en"]


URLS = [
    (f"{SI}?district=a%00b", "query.district", "nul_character"),
    (f"{SI}?enterprise=%ED%A0%80", "query.enterprise", "not_utf8"),
    ("/v1/plans?district=%FF", "query.district", "not_utf8"),
    ("/v1/plans/a%00b", "path", "nul_character"),
    ("/v1/plans/%ED%A0%80/trace", "path", "not_utf8"),
    ("/v1/kb/rules/a%00b", "path", "nul_character"),
]


@pytest.mark.parametrize(("url", "field", "rule"), URLS, ids=[u for u, _, _ in URLS])
def test_nul_and_surrogates_in_path_and_query_are_refused(
    client: TestClient, world: World, url: str, field: str, rule: str
) -> None:
    problem = assert_problem(client.get(url, headers=world.platform.headers), 400, "bad-request")
    _bilingual(problem, field, rule)


# --- structure -----------------------------------------------------------------------------------------------

DEEP = b"[" * 50_000 + b"]" * 50_000


@pytest.mark.parametrize(
    ("route", "body"),
    [
        (SI, DEEP),
        ("/v1/plans", b'{"self_inspection": ' + DEEP + b"}"),
        ("/v1/plans/x/notes", b'{"text": ' + DEEP + b"}"),
    ],
    ids=["submission", "inline-plan", "note"],
)
def test_deep_nesting_is_refused_before_the_idempotency_hash(
    client: TestClient, world: World, route: str, body: bytes
) -> None:
    headers = {**world.platform.headers, "Idempotency-Key": unique("deep")}
    if route.endswith("/notes"):
        headers = {**world.auditor_a.headers, "Idempotency-Key": unique("deep")}
    problem = assert_problem(_raw(client, route, body, headers), 422, "request-invalid")
    _bilingual(problem, "(root)", "too_deep")


@pytest.mark.parametrize(
    ("route", "body", "field", "rule"),
    [
        (SI, b'{"schema_version": "1", "schema_version": "2"}', "schema_version", "duplicate_key"),
        ("/v1/plans", b'{"self_inspection_id": "a", "self_inspection_id": "b"}', "self_inspection_id", "duplicate_key"),
        (
            "/v1/plans",
            b'{"self_inspection": {"answers": {"q": 1e999}}}',
            "self_inspection.answers.q",
            "number_not_finite",
        ),
        ("/v1/plans", b'{"year": NaN, "self_inspection_id": "a"}', "(root)", "json_invalid"),
    ],
)
def test_duplicate_keys_and_non_numbers_are_refused(
    client: TestClient, world: World, route: str, body: bytes, field: str, rule: str
) -> None:
    problem = assert_problem(_raw(client, route, body, world.platform.headers), 422, "request-invalid")
    _bilingual(problem, field, rule)


def test_a_bom_is_read_the_same_by_the_cli_and_the_api(client: TestClient, world: World, tmp_path: Path) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a, DISTRICT_A)
    text = json.dumps(data, ensure_ascii=False).encode()
    file = tmp_path / "bom.json"
    file.write_bytes(b"\xef\xbb\xbf" + text)
    assert read_input(str(file)) == loads_json(text) == data
    with_bom = _raw(client, SI, b"\xef\xbb\xbf" + text, world.ent_a.headers)
    without = _raw(client, SI, text, world.ent_a.headers)
    assert with_bom.status_code == without.status_code == 201, with_bom.text
    assert with_bom.json()["input_hash"] == without.json()["input_hash"]
    assert with_bom.json()["data"] == without.json()["data"] == data


def test_thousands_of_unknown_answer_ids_are_refused_with_a_bounded_list(client: TestClient, world: World) -> None:
    data = _mine(world)
    data["answers"] = {f"q_made_up_{i}": True for i in range(30_000)}
    problem = assert_problem(client.post(SI, json=data, headers=world.ent_a.headers), 422)
    assert len(problem["errors"]) == 101
    assert problem["errors"][-1]["rule"] == "too_many_errors"


@pytest.mark.parametrize("route", [SI, "/v1/plans", "/v1/kb/rules", "/v1/keys"])
@pytest.mark.parametrize("offset", [2**31, 2**63, 2**64, 10**30])
def test_pagination_offsets_beyond_the_bound_are_refused(
    client: TestClient, world: World, route: str, offset: int
) -> None:
    caller = world.admin if route == "/v1/keys" else world.platform
    problem = assert_problem(client.get(f"{route}?offset={offset}", headers=caller.headers), 422, "request-invalid")
    assert problem["errors"][0]["path"] == "query.offset"


# --- cost ----------------------------------------------------------------------------------------------------


def test_an_unknown_key_prefix_costs_no_scrypt(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = api_keys.hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(api_keys.hashlib, "scrypt", counting)
    for key in ("sak_0123456789_made-up", "sak_short_x", "not-a-key", "sak_abcdefabcd_" + "x" * 40):
        assert_problem(client.get(SI, headers={"Authorization": f"Bearer {key}"}), 401, "unauthenticated")
    assert calls == []


def test_a_client_over_its_rate_gets_429(database_url: str) -> None:
    app = create_app(settings_for(database_url, rate_limit_per_second=0.01, rate_limit_burst=3))
    with TestClient(app) as client:
        answers = [client.get(SI).status_code for _ in range(5)]
        assert answers[:3] == [401, 401, 401]
        problem = assert_problem(client.get(SI), 429, "rate-limited")
        assert "请求过于频繁" in problem["detail"]
        assert int(client.get(SI).headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200  # outside /v1: not limited


def test_the_report_pool_is_bounded() -> None:
    pool = ReportPool(workers=1, queue=0)
    gate = threading.Event()
    entered = threading.Event()

    def slow() -> str:
        entered.set()
        gate.wait(10)
        return "done"

    worker = threading.Thread(target=lambda: pool.run(slow))
    worker.start()
    entered.wait(10)
    with pytest.raises(ProblemError) as busy:
        pool.run(lambda: "never")
    assert busy.value.status == 503 and busy.value.headers["Retry-After"]
    gate.set()
    worker.join(10)
    assert pool.run(lambda: "next") == "next"


def test_a_body_that_stops_arriving_gets_408() -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover - never reached
        raise AssertionError("the route must not run")

    async def receive() -> dict[str, Any]:
        await anyio.sleep(3600)
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": SI, "raw_path": SI.encode(), "query_string": b"", "headers": []}
    anyio.run(RequestGuard(app, max_bytes=1024, read_timeout=0.05), scope, receive, send)
    assert sent[0]["status"] == 408
    assert "请求体" in json.loads(sent[1]["body"])["detail"]


# --- access --------------------------------------------------------------------------------------------------


def test_districts_are_normalised(client: TestClient, world: World) -> None:
    data = as_enterprise(example("demo_single_sided_small"), world.enterprise_a, "\u200b宝安区\u200d ")
    stored = client.post(SI, json=data, headers=world.ent_a.headers)
    assert stored.status_code == 201, stored.text
    assert stored.json()["district"] == DISTRICT_A
    assert client.get(f"{SI}/{stored.json()['id']}", headers=world.auditor_a.headers).status_code == 200
    listed = client.get(SI, params={"district": "宝安区\u200b"}, headers=world.auditor_a.headers).json()
    assert stored.json()["id"] in {i["id"] for i in listed["items"]}
    fullwidth = client.get(SI, params={"district": "ＡＢ"}, headers=world.platform.headers)  # NFKC: AB
    assert fullwidth.status_code == 200


def test_an_enterprise_key_files_only_in_its_districts(client: TestClient) -> None:
    enterprise = unique("ent-bound")
    bound = make_key(client, "enterprise", enterprise_id=enterprise, districts=["宝安区\u200b"])
    inside = as_enterprise(example("demo_single_sided_small"), enterprise, DISTRICT_A)
    assert client.post(SI, json=inside, headers=bound.headers).status_code == 201
    before = _stored(client)
    outside = as_enterprise(example("demo_single_sided_small"), enterprise, "南山区")
    problem = assert_problem(client.post(SI, json=outside, headers=bound.headers), 403, "forbidden")
    assert problem["errors"][0] == {
        "path": "enterprise.district",
        "rule": "district_scope",
        "message": "outside the key's districts",
    }
    inline = client.post("/v1/plans", json={"self_inspection": outside}, headers=bound.headers)
    assert_problem(inline, 403, "forbidden")
    assert _stored(client) == before


@pytest.mark.parametrize(
    ("url", "status", "resource"),
    [
        ("/v1/plans/a%00b", 400, "/v1/plans/a\\x00b"),
        ("/v1x/whatever", 404, "/v1x/whatever"),
        ("/v1//plans", 404, "/v1//plans"),
    ],
)
def test_malformed_paths_are_audited(client: TestClient, world: World, url: str, status: int, resource: str) -> None:
    assert client.get(url, headers=world.platform.headers).status_code == status
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (last.resource, last.status, last.method) == (resource, status, "GET")


def test_the_kb_route_shows_no_server_path(client: TestClient, world: World) -> None:
    text = client.get("/v1/kb", headers=world.platform.headers).text
    body = json.loads(text)
    assert body["path"] == "knowledge_base"
    assert str(Path(__file__).resolve().parents[2]) not in text


@pytest.mark.parametrize("path", ["/etc", "../../..", "/tmp"])
def test_reload_is_limited_to_the_configured_roots(client: TestClient, world: World, path: str) -> None:
    problem = assert_problem(client.post("/v1/kb/reload", json={"path": path}, headers=world.admin.headers), 422)
    _bilingual(problem, "path", "outside_kb_roots")
