"""Properties of the plan on the bundled examples and generated self-inspections: savings are negative only for
what an option consumes (the electricity of electrowinning), no total exceeds the plant's base and no projected
quantity falls below zero, no two conflicting options are recommended, every prerequisite is present,
implementing the plan (or any one recommended option) worsens no indicator except through the resources it
consumes, and the plan JSON is byte-identical for the same input."""

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
from engine.plan.combine import combine
from engine.plan.pools import Pools
from engine.plan.projection import project
from tests.inference.strategies import EXAMPLES, self_inspections

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
RANK = {"I": 0, "II": 1, "III": 2, "below_III": 3, "fails": 3}
# indicators an option may worsen when it consumes electricity (a negative electricity saving, shown as such)
ENERGY_INDICATORS = {"electricity_per_m2", "carbon_intensity"}


def _consumes(kind: str | None, resource: str) -> bool:
    return resource in ("electricity_kwh", "co2_t") and kind == "stream_recovery"


def assert_quantities(plan: dict[str, Any]) -> None:
    """The plan's quantities keep the balances: negative amounts only for what an option consumes, an option's
    share in the plan never above its effect alone, no total above the plant's base, no projected quantity below
    zero, and no indicator made worse except through consumed electricity."""
    consumes = False
    for rec in plan["recommendations"]:
        kind = (rec["savings_model"] or {}).get("kind")
        for resource, value in rec["savings"].items():
            for key in ("low", "central", "high"):
                if key in value and value[key] is not None and value[key] < 0:
                    assert _consumes(kind, resource), (rec["option_id"], resource, value)
                    consumes = True
        for resource, share in rec["savings_in_plan"].items():
            alone = rec["savings"][resource]["central"]
            assert abs(share["central"]) <= abs(alone) * 1.0001 + 1e-9, (rec["option_id"], resource, share, alone)
    for resource, total in plan["totals"].items():
        if isinstance(total, dict) and total.get("base") is not None:
            assert total["central"] <= total["base"] * 1.0001, (resource, total)
            assert total["high"] <= total["base"] * 1.0001, (resource, total)
    before = {i["key"]: i for i in plan["evaluation"]["indicators"]}
    for inst in plan["projected"]["indicators"]:
        if inst.get("value") is not None and inst.get("unit") not in ("level", "%"):
            assert inst["value"] >= 0, inst
        old = before.get(inst["key"])
        if old and old["level"] in RANK and inst["level"] in RANK and RANK[inst["level"]] > RANK[old["level"]]:
            assert consumes and inst["id"] in ENERGY_INDICATORS, f"the plan worsens {inst['key']}"


def _check(si: SelfInspection) -> dict[str, Any]:
    plan = build_plan(KB, si, graph=GRAPH)
    ids = {r["option_id"] for r in plan["recommendations"]}
    for rec in plan["recommendations"]:
        option = KB.options[rec["option_id"]]
        assert not set(option.conflicts) & ids, f"{option.id} conflicts with {set(option.conflicts) & ids}"
        missing = set(option.prerequisites) - ids
        not_added = {r["option"] for r in plan["resolution"] if r.get("kind") == "prerequisite_in_place"}
        assert missing <= not_added, f"{option.id} lacks {missing - not_added} (neither added nor in place)"
        assert all(b in plan["trace"] for b in rec["because"])
    assert_quantities(plan)
    return plan


def _single_options_never_worsen(si: SelfInspection, plan: dict[str, Any]) -> None:
    base = evaluate(KB, si)
    year = si.year(base.year)
    for rec in plan["recommendations"]:
        option = KB.options[rec["option_id"]]
        savings = estimate(KB, si, year, option, rec["steps"])
        combined = combine(Pools.of(KB, si, year), [savings])
        projected = evaluate(KB, project(KB, si, base.year, combined, [(option, rec["steps"])]))
        worse = {
            i.id
            for i, j in zip(base.instances, projected.instances, strict=True)
            if i.level in RANK and j.level in RANK and RANK[j.level] > RANK[i.level]
        }
        adds_electricity = savings is not None and any(
            p.resource == "electricity_kwh" and p.amount[1] < 0 for p in savings.parts
        )
        assert not worse or (adds_electricity and worse <= ENERGY_INDICATORS), f"{option.id} worsens {worse}"


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
