"""Properties of the plan on the bundled examples and generated self-inspections: savings are never negative,
no two conflicting options are recommended, every prerequisite is present, implementing the plan (or any one
recommended option) never worsens the level, and the plan JSON is byte-identical for the same input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from engine.evaluate.evaluation import evaluate
from engine.graph import build_graph
from engine.intake.model import SelfInspection
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.benefits import estimate
from engine.plan.build import build_plan
from engine.plan.projection import project
from tests.inference.strategies import EXAMPLES, self_inspections

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
RANK = {"I": 0, "II": 1, "III": 2, "below_III": 3, "fails": 3}


def _check(si: SelfInspection) -> dict[str, Any]:
    plan = build_plan(KB, si, graph=GRAPH)
    ids = {r["option_id"] for r in plan["recommendations"]}
    for rec in plan["recommendations"]:
        for resource, value in rec["savings"].items():
            for key in ("low", "central", "high"):
                if key in value and value[key] is not None:
                    assert value[key] >= 0, (rec["option_id"], resource, value)
        option = KB.options[rec["option_id"]]
        assert not set(option.conflicts) & ids, f"{option.id} conflicts with {set(option.conflicts) & ids}"
        assert set(option.prerequisites) <= ids, f"{option.id} lacks {set(option.prerequisites) - ids}"
        assert all(b in plan["trace"] for b in rec["because"])
    before = plan["evaluation"]["overall_level"]
    after = plan["projected"]["overall_level"]
    if before in RANK and after in RANK:
        assert RANK[after] <= RANK[before], f"the plan worsens the level: {before} -> {after}"
    return plan


def _single_options_never_worsen(si: SelfInspection, plan: dict[str, Any]) -> None:
    base = evaluate(KB, si)
    for rec in plan["recommendations"]:
        option = KB.options[rec["option_id"]]
        savings = estimate(KB, si, si.year(base.year), option, rec["steps"])
        projected = evaluate(KB, project(KB, si, base.year, [(option, rec["steps"], savings)]))
        assert RANK.get(projected.overall_level, 3) <= RANK.get(base.overall_level, 3), option.id
        worse = {
            i.key
            for i, j in zip(base.instances, projected.instances, strict=True)
            if i.level in RANK and j.level in RANK and RANK[j.level] > RANK[i.level]
        }
        assert not worse, f"{option.id} worsens {worse}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples(path: Path) -> None:
    si = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8"))).inspection
    plan = _check(si)
    _single_options_never_worsen(si, plan)


def test_examples_get_recommendations() -> None:
    total = 0
    for path in EXAMPLES:
        si = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8"))).inspection
        total += len(build_plan(KB, si, graph=GRAPH)["recommendations"])
    assert total > 0


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=[p.stem for p in EXAMPLES[:2]])
def test_plan_is_deterministic(path: Path) -> None:
    si = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8"))).inspection
    first = json.dumps(build_plan(KB, si, graph=GRAPH), ensure_ascii=False)
    again = json.dumps(
        build_plan(KB, parse_self_inspection(KB, json.loads(path.read_text("utf-8"))).inspection), ensure_ascii=False
    )
    assert first == again


@settings(
    max_examples=120,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=self_inspections(KB))
def test_generated(data: dict[str, Any]) -> None:
    _check(parse_self_inspection(KB, data).inspection)
