"""Benefit-model scenarios as data (tests/plan_scenarios/*.yaml): an option recommended for some steps of an
input, and the savings worked out by hand in the file (compared to 2 decimal places)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase
from engine.plan.benefits import estimate
from engine.plan.build import _prices, _valuation
from tests.test_scenarios import load_input

SCENARIOS = sorted((Path(__file__).parent / "plan_scenarios").glob("*.yaml"))


def test_there_are_benefit_scenarios() -> None:
    assert len(SCENARIOS) >= 6


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_benefit_scenario(path: Path, kb: KnowledgeBase) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("arithmetic"), path.name
    si = parse_self_inspection(kb, load_input(case)).inspection
    savings = estimate(kb, si, si.latest, kb.options[case["option"]], case["steps"])
    assert savings is not None
    got = {k: [round(float(x), 2) for x in v] for k, v in savings.amounts.items() if any(v)}
    want = {k: [round(float(x), 2) for x in v] for k, v in (case["expected"] or {}).items()}
    assert got == want, f"{path.name}: {got} != {want}"
    for words in case.get("missing", []):
        assert any(words in m for m in savings.missing), savings.missing
    if "money_central" in case:
        money = _valuation(kb, si, si.latest.year, savings, _prices(kb, si, si.latest.year))
        assert money["central"] == pytest.approx(case["money_central"], abs=1)
