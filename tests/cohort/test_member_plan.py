"""A cohort member's plan (``engine.cohort.member_plan``) is what the overall evaluation keeps of the full plan
(``slim_plan(build_plan(...))``), made without the parts it would drop; slimming it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cohort.member_plan import LEFT_OUT, member_plan
from engine.cohort.members import slim_plan
from engine.evaluate.evaluation import PARTS
from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import build_plan

ROOT = Path(__file__).resolve().parents[2]
PATHS = sorted((ROOT / "examples").glob("*.json")) + sorted((ROOT / "examples" / "cohort").glob("*/*.json"))
KB = load_kb()
GRAPH = build_graph(KB)


@pytest.mark.parametrize("path", PATHS, ids=[f"{p.parent.name}/{p.stem}" for p in PATHS])
def test_member_plan_is_what_a_cohort_keeps_of_the_full_plan(path: Path) -> None:
    validated = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8")))
    warnings = [w.as_dict() for w in validated.warnings]
    full = build_plan(KB, validated.inspection, graph=GRAPH, warnings=warnings)
    member = member_plan(KB, validated.inspection, graph=GRAPH, warnings=warnings)
    assert member == slim_plan(full)
    assert json.dumps(member) == json.dumps(slim_plan(full))  # the same order too
    assert slim_plan(member) == member


def test_what_a_member_plan_leaves_out_of_the_evaluation_is_a_part_of_it() -> None:
    assert set(LEFT_OUT) <= set(PARTS) and "blocking" not in LEFT_OUT  # the options' priority reads what blocks
    with pytest.raises(ValueError, match="no such part"):
        from engine.evaluate.evaluation import evaluate

        evaluate(KB, parse_self_inspection(KB, json.loads(PATHS[0].read_text("utf-8"))).inspection, leave_out=["x"])
