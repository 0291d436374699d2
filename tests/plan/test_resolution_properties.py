"""Properties of resolution and quantities on 500 generated self-inspections (the inference generator: a bundled
example as the skeleton, every answer redrawn or unknown, quantities rescaled): no plan holds two conflicting
options, none holds an option the answers say is already in place (or whose status is unknown), none an option on
a line it does not fit, the shortlist consists of recommended options; and the quantities keep their balances
(no saving above its base, no projected quantity negative: tests/plan/test_plan_properties.assert_quantities)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.build import build_plan
from engine.plan.screen import effect_status, in_place
from engine.plan.shortlist import shortlist_sizes
from tests.inference.strategies import self_inspections
from tests.plan.test_plan_properties import assert_quantities

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
CASES = 500
MIN_KEY, MAX_KEY, _ = shortlist_sizes(KB)


@settings(
    max_examples=CASES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=self_inspections(KB))
def test_generated_plans_hold_no_conflict_nothing_in_place_and_keep_balances(data: dict[str, Any]) -> None:
    si = parse_self_inspection(KB, data).inspection
    plan = build_plan(KB, si, graph=GRAPH)
    year = plan["year"]
    recs = {r["option_id"]: r for r in plan["recommendations"]}
    excludes = {
        frozenset((n["value"]["option"], n["value"]["other"]))
        for n in plan["trace"].values()
        if n["type"] == "constraint" and n["value"]["relation"] == "excludes"
    }
    line_types = {f.step: f.answers.get("q_line_type") for f in si.process if f.run}
    for oid, rec in recs.items():
        option = KB.options[oid]
        clash = {o for o in recs if o != oid and (o in option.conflicts or frozenset((oid, o)) in excludes)}
        assert not clash, f"{oid} conflicts with {clash}"
        assert in_place(KB, si, year, option, rec["steps"]) is None, f"{oid} is already in place at {rec['steps']}"
        if rec["origin"] != "rule":
            continue
        for step in rec["steps"] or [None]:
            state = effect_status(KB, si, year, option, step).state
            assert state not in ("in_place", "unknown"), f"{oid} at {step}: {state}"
            line = line_types.get(step) if step else None
            if option.line_types and line not in (None, "unknown"):
                q = KB.questions["q_line_type"]
                if step in KB.steps and KB.steps[step].family in q.families:
                    assert line in option.line_types, f"{oid} on a {line} line at {step}"
    key = [k["option_id"] for k in plan["key_options"]]
    assert set(key) <= set(recs)
    assert len(key) == len(set(key)) <= MAX_KEY
    assert len(key) >= min(MIN_KEY, len(recs))
    for row in plan["questions_to_ask"]:
        assert row["question"] in KB.questions and row["text"]["zh"] and row["text"]["en"]
    assert_quantities(plan)
