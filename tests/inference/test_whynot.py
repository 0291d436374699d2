"""The why-not computed on request from a stored plan equals the one computed during the inference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.evaluate.evaluation import evaluate
from engine.graph import build_graph
from engine.inference.run import infer
from engine.inference.whynot import not_fired_of
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.build import build_plan
from tests.inference.strategies import EXAMPLES

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)


@pytest.mark.parametrize("path", EXAMPLES[:3], ids=[p.stem for p in EXAMPLES[:3]])
def test_not_fired_of_a_stored_plan_equals_the_eager_one(path: Path) -> None:
    si = parse_self_inspection(KB, json.loads(path.read_text(encoding="utf-8"))).inspection
    eager = infer(KB, si, evaluate(KB, si), GRAPH).not_fired
    stored = json.loads(json.dumps(build_plan(KB, si, graph=GRAPH)))  # as stored: through JSON
    assert "not_fired" not in stored
    assert len(eager) > 100
    assert not_fired_of(KB, stored) == json.loads(json.dumps(eager))


def test_a_plan_stored_with_its_why_not_keeps_it() -> None:
    assert not_fired_of(KB, {"not_fired": {"r": {"reason": "no_fact"}}}) == {"r": {"reason": "no_fact"}}
