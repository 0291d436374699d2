"""A cohort member's plan (``build_member_plan``) is the full plan less what the overall evaluation never reads:
every member it carries equals the full plan's, and its slim form (what the cohort keeps) is the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cohort.members import slim_plan
from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import MEMBER_PLAN_KEYS, build_member_plan, build_plan

ROOT = Path(__file__).resolve().parents[2]
PATHS = sorted((ROOT / "examples").glob("*.json")) + sorted((ROOT / "examples" / "cohort").glob("*/*.json"))
KB = load_kb()
GRAPH = build_graph(KB)


@pytest.mark.parametrize("path", PATHS, ids=[f"{p.parent.name}/{p.stem}" for p in PATHS])
def test_member_plan_is_the_full_plan_less_what_a_cohort_never_reads(path: Path) -> None:
    validated = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8")))
    warnings = [w.as_dict() for w in validated.warnings]
    full = build_plan(KB, validated.inspection, graph=GRAPH, warnings=warnings)
    member = build_member_plan(KB, validated.inspection, graph=GRAPH, warnings=warnings)
    assert member["plan_scope"] == "cohort_member"
    assert {k: member[k] for k in MEMBER_PLAN_KEYS} == {k: full[k] for k in MEMBER_PLAN_KEYS}
    assert {k: member[k] for k in ("plan_version", "kb_version", "kb_hash", "input_hash")} == {
        k: full[k] for k in ("plan_version", "kb_version", "kb_hash", "input_hash")
    }
    assert slim_plan(member) == slim_plan(full)
    assert set(member) - set(full) == {"plan_scope"}
