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


def _rule_two_steps() -> object:
    """A constructed rule: a step with an exact tank kind and a rinse count below 2, and a finding about it."""
    rid = next(iter(KB.rules))
    base = KB.rules[rid].model_dump(by_alias=True)
    base["id"] = "constructed"
    base["unless"] = []
    base["when"] = [
        {
            "fact": "step",
            "as": "s",
            "match": {
                "all": [
                    {"field": "step", "op": "eq", "value": "desmear_pth"},
                    {"field": "kind", "op": "eq", "value": "wet"},
                    {"field": "rinse_stages", "op": "lt", "value": 2},
                ]
            },
        }
    ]
    return type(KB.rules[rid]).model_validate(base)


def test_why_not_names_the_condition_that_failed_on_the_closest_fact() -> None:
    from engine.inference.plain import explain_not_fired

    rule = _rule_two_steps()
    facts = [
        # satisfies two of the three conditions: the closest; its rinse count is what fails
        {"id": "step:desmear_pth", "type": "step", "step": "desmear_pth", "kind": "wet", "rinse_stages": 3},
        # satisfies none, and its id sorts last (the old tie-break named the last id)
        {"id": "step:zz_unrelated", "type": "step", "step": "packing", "kind": "dry", "rinse_stages": 5},
    ]
    why = explain_not_fired(rule, facts)  # type: ignore[arg-type]
    assert why["reason"] == "condition_failed"
    assert why["failed"]["fact"] == "step:desmear_pth"
    assert (why["failed"]["field"], why["failed"]["op"], why["failed"]["required"], why["failed"]["actual"]) == (
        "rinse_stages",
        "lt",
        2,
        3,
    )


def test_why_not_names_no_fact_when_none_comes_close() -> None:
    from engine.inference.plain import explain_not_fired
    from explanations.context import _why_not_line

    rule = _rule_two_steps()
    facts = [
        {"id": "step:zz_unrelated", "type": "step", "step": "packing", "kind": "dry", "rinse_stages": 5},
        {"id": "step:aa_unrelated", "type": "step", "step": "drilling", "kind": "dry", "rinse_stages": 4},
    ]
    why = explain_not_fired(rule, facts)  # type: ignore[arg-type]
    assert why["failed"]["fact"] is None and why["failed"]["field"] == "step" and why["candidates"] == 2
    # a single candidate is the fact the pattern is about: it is still named, with its actual value
    alone = explain_not_fired(rule, facts[:1])  # type: ignore[arg-type]
    assert (alone["failed"]["fact"], alone["failed"]["actual"]) == ("step:zz_unrelated", "packing")
    KB.rules["constructed"] = rule  # type: ignore[assignment]
    try:
        zh = _why_not_line(KB, "constructed", why, "zh")
        en = _why_not_line(KB, "constructed", why, "en")
    finally:
        del KB.rules["constructed"]
    assert "unrelated" not in zh + en and "packing" not in zh + en
    assert "2 个step事实中没有一个满足 step eq" in zh and "none of the 2 step facts has step eq" in en
