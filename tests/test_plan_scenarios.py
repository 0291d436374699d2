"""Benefit-model scenarios as data (tests/plan_scenarios/*.yaml): an option recommended for some steps of an
input, and the savings worked out by hand in the file (rinse layouts by the dilution relation, recovery from
reported tonnages, mass balances); options combined on what remains; investments scaled by capacity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase
from engine.plan.benefits import estimate
from engine.plan.combine import combine
from engine.plan.costs import investment, operating_cost
from engine.plan.pools import Pools
from tests.test_scenarios import load_input

SCENARIOS = sorted((Path(__file__).parent / "plan_scenarios").glob("*.yaml"))


def _close(got: float, want: float) -> bool:
    return got == pytest.approx(want, rel=2e-6, abs=0.011)


def test_there_are_benefit_scenarios() -> None:
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_benefit_scenario(path: Path, kb: KnowledgeBase) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("arithmetic"), path.name
    si = parse_self_inspection(kb, load_input(case)).inspection
    year = si.latest
    if "combine" in case:
        estimates = [estimate(kb, si, year, kb.options[c["option"]], c["steps"]) for c in case["combine"]]
        combined = combine(Pools.of(kb, si, year), estimates)
        for resource, want in case["expected_combined_central"].items():
            assert _close(float(combined.totals[resource][1]), want), (resource, combined.totals[resource])
            assert combined.totals[resource][1] <= Pools.of(kb, si, year).total(resource)
        return
    option = kb.options[case["option"]]
    savings = estimate(kb, si, year, option, case["steps"])
    assert savings is not None
    got = {k: [float(x) for x in v] for k, v in savings.amounts.items() if any(v)}
    want = case["expected"] or {}
    assert sorted(got) == sorted(want), f"{path.name}: {got} != {want}"
    for resource, values in want.items():
        assert all(_close(g, w) for g, w in zip(got[resource], values, strict=True)), (resource, got[resource], values)
    if not want:
        assert not savings.parts and not savings.missing, (savings.parts, savings.missing)
    pools = Pools.of(kb, si, year)
    if "operating_cost_central" in case:
        opex = operating_cost(pools, option, case["steps"], savings)
        assert opex is not None and _close(opex["central"], case["operating_cost_central"])
    if "investment" in case:
        inv = investment(si, pools, option, case["steps"])
        assert inv["status"] == "range"
        assert [inv["low"], inv["central"], inv["high"]] == pytest.approx(case["investment"], abs=1)
