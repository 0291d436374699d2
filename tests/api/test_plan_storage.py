"""How plans are stored (issue #17): body and trace apart, compressed; the whole plan reassembles byte for byte
(its SHA-256 is the one stored), rows of the older layout (the whole JSON text) read the same, and a stored plan
of every bundled example stays within 100 KB."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api import plan_blob
from api.orm import Plan
from api.planning import canonical_json, canonical_parts, joined
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import build_plan
from tests.api.conftest import World

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
KB = load_kb()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_parts_reassemble_byte_for_byte_and_stay_small(path: Path) -> None:
    plan = build_plan(KB, parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8"))).inspection)
    text = canonical_json(plan)
    assert joined(canonical_parts(plan)) == text  # written in parts, the same text
    plan_z, trace_z = plan_blob.pack(plan)
    record = Plan(plan_json="", plan_z=plan_z, trace_z=trace_z)
    assert plan_blob.full_text(record) == text
    assert plan_blob.trace_of(record) == plan["trace"] and plan["trace"]
    assert "trace" not in plan_blob.body_of(record)
    assert plan_blob.body_of(record) == {k: v for k, v in plan.items() if k != "trace"}
    assert plan_blob.stored_bytes(record) <= 100 * 1024, plan_blob.stored_bytes(record)
    assert plan_blob.stored_bytes(record) < len(text.encode()) / 3


def test_stored_plan_hash_is_of_the_whole_plan(client: TestClient, world: World) -> None:
    full = client.get(f"/v1/plans/{world.plan_a}", params={"include": "trace"}, headers=world.ent_a.headers).json()
    assert "trace" in full["plan"]
    text = canonical_json(full["plan"])
    assert full["plan_sha256"] == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        record = session.get_one(Plan, world.plan_a)
        assert record.plan_json == "" and record.plan_z and record.trace_z
        assert plan_blob.stored_bytes(record) <= 100 * 1024


def test_rows_of_the_older_layout_read_the_same(client: TestClient, world: World) -> None:
    made = client.post("/v1/plans", json={"self_inspection_id": world.si_b}, headers=world.ent_b.headers)
    assert made.status_code == 201, made.text
    plan_id = made.json()["id"]
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        text = plan_blob.full_text(session.get_one(Plan, plan_id))
        session.execute(update(Plan).where(Plan.id == plan_id).values(plan_json=text, plan_z=None, trace_z=None))
        session.commit()
    plain = client.get(f"/v1/plans/{plan_id}", headers=world.ent_b.headers).json()
    assert "trace" not in plain["plan"] and plain["plan"] == made.json()["plan"]
    full = client.get(f"/v1/plans/{plan_id}", params={"include": "trace"}, headers=world.ent_b.headers).json()
    assert canonical_json(full["plan"]) == text
    trace = client.get(f"/v1/plans/{plan_id}/trace", headers=world.ent_b.headers).json()
    assert trace["trace"] == full["plan"]["trace"]
    replay = client.post(f"/v1/plans/{plan_id}/replay", headers=world.ent_b.headers).json()
    assert replay["identical"] is True


def test_include_is_checked(client: TestClient, world: World) -> None:
    response = client.get(f"/v1/plans/{world.plan_a}", params={"include": "everything"}, headers=world.ent_a.headers)
    assert response.status_code == 422


def test_a_new_plan_answers_what_reading_it_answers(client: TestClient, world: World) -> None:
    """POST /v1/plans writes its 201 from the plan's stored parts (api/routers/plans.py, ``_fresh_answer``): the
    same JSON as GET /v1/plans/{id}, valid as PlanOut, with its Location."""
    from api.schemas.plans import PlanOut

    made = client.post("/v1/plans", json={"self_inspection_id": world.si_b}, headers=world.ent_b.headers)
    assert made.status_code == 201, made.text
    assert made.headers["content-type"].startswith("application/json")
    answer = made.json()
    assert made.headers["location"] == f"/v1/plans/{answer['id']}"
    read = client.get(made.headers["location"], headers=world.ent_b.headers)
    assert read.status_code == 200
    assert answer == read.json()
    assert "trace" not in answer["plan"] and answer["plan"]["recommendations"]
    PlanOut.model_validate(answer)
