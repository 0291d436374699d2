"""The cheapest path on generated self-inspections: never worse than a greedy choice of the same options under the
same rules (cheapest first, prerequisites with them, no conflicts), and never "infeasible" where greedy reaches.

Two generators: self-inspections with every answer redrawn (tests/inference/strategies.py), where the next level is
mostly out of reach, and the mid-size example with its electricity, water and the quotes of its options redrawn
around the point where level II comes within reach, where the path and greedy both have something to find."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.build import build_plan
from engine.plan.path import cheapest_path
from engine.plan.selection import PlanOptions, relations, supports_of
from tests.inference.strategies import EXAMPLES, self_inspections

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
OPTIONS = sorted(KB.options)


MID = json.loads(next(p for p in EXAMPLES if p.stem == "demo_double_multilayer_mid").read_text(encoding="utf-8"))
# the options of the mid-size example's plan (its recommendations), whose quotes are redrawn
MID_OPTIONS = sorted(
    r["option_id"] for r in build_plan(KB, parse_self_inspection(KB, MID).inspection, graph=GRAPH)["recommendations"]
)


def _quotes(draw: st.DrawFn, options: list[str], most: int) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(options), max_size=most, unique=True))
    return [{"option": oid, "amount": {"value": draw(st.integers(1, 300)), "unit": "10^4CNY"}} for oid in chosen]


@st.composite
def quoted(draw: st.DrawFn) -> dict[str, Any]:
    """A generated self-inspection with the enterprise's quotes for a few options (so that more are priced)."""
    data = draw(self_inspections(KB))
    data["investment_quotes"] = _quotes(draw, OPTIONS, 12)
    return data


@st.composite
def near_level_ii(draw: st.DrawFn) -> dict[str, Any]:
    """The mid-size example with 9.3-11.4 GWh of electricity (its workshops use 9.12), its fresh water rescaled
    and quotes redrawn."""
    data = copy.deepcopy(MID)
    year = data["years"][-1]
    year["resources"]["electricity"]["value"] = draw(st.integers(93, 114)) * 100_000
    fresh = year["resources"]["fresh_water"]
    fresh["value"] = round(fresh["value"] * draw(st.sampled_from([0.85, 0.92, 1.0])))
    data["investment_quotes"] = _quotes(draw, MID_OPTIONS, 20)
    return data


def _greedy(po: PlanOptions, plan: dict[str, Any], target: str, levels: list[str]) -> tuple[float, int] | None:
    """Cheapest option first (unknown investment counted as 0), each with its prerequisites, skipping what
    conflicts or rests on options not chosen; the (known investment, options) of the first selection reaching the
    target, or None."""
    requires, conflicts = relations(KB, po.si, po.benchmark_set, po.year, GRAPH)
    ids = set(po.ids)
    requires = {(a, b) for a, b in requires if a in ids and b in ids}
    rests = supports_of(plan, ids, requires)
    chosen: list[str] = []
    for opt in sorted(po.options, key=lambda o: (o.investment or 0.0, po.ids.index(o.id))):
        if opt.id in chosen:
            continue
        add = [opt.id]
        for a in add:
            add += [b for x, b in sorted(requires) if x == a and b not in add and b not in chosen]
        trial = set(chosen) | set(add)
        if any(a in trial and b in trial for a, b in conflicts):
            continue
        if any(o in trial and not any(alt <= trial for alt in rests[o]) for o in rests if rests[o]):
            continue
        chosen += add
        level = po.project(chosen).evaluation.overall_level
        if level in levels and levels.index(level) <= levels.index(target):
            return sum(po.by_id(i).investment or 0.0 for i in chosen), len(chosen)
    return None


SETTINGS = {
    "deadline": None,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=16, **SETTINGS)  # type: ignore[arg-type]
@given(data=near_level_ii())
def test_never_worse_than_greedy_near_level_ii(data: dict[str, Any]) -> None:
    _compare(data)


@settings(max_examples=6, **SETTINGS)  # type: ignore[arg-type]
@given(data=quoted())
def test_never_worse_than_greedy(data: dict[str, Any]) -> None:
    _compare(data)


def _compare(data: dict[str, Any]) -> None:
    si = parse_self_inspection(KB, data).inspection
    plan = build_plan(KB, si, graph=GRAPH)
    levels = list(plan["evaluation"]["benchmark_set"]["levels"])
    rank = {lv: i for i, lv in enumerate(levels)}
    now, after = plan["evaluation"]["overall_level"], plan["projected"]["overall_level"]
    at = rank.get(now, len(levels))
    if at == 0:
        return
    # the level every option of the plan reaches when it is better (greedy then reaches it too), else the next
    target = after if rank.get(after, len(levels)) < at else levels[at - 1]
    out = cheapest_path(KB, si, plan, target=target, include_unpriced=True, limit=60, graph=GRAPH)
    greedy = _greedy(PlanOptions.of(KB, si, plan), plan, target, levels)
    if greedy is not None and out["exact"]:
        assert out["feasible"], "greedy reaches the target, the search says it cannot"
        assert (out["objective_value"], len(out["options"])) <= greedy
    if out["feasible"]:
        assert out["projected_level"] in levels and levels.index(out["projected_level"]) <= levels.index(target)
    elif out["exact"]:
        assert greedy is None
