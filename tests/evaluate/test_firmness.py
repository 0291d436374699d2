"""How firm the level is: contested (known-inconsistent) rows, the level without them, unreachable targets and the
rows that decide the level. Inputs are the scenario files' (tests/scenarios), arithmetic there."""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from engine.evaluate.evaluation import evaluate
from engine.evaluate.firmness import contested_rows, mark_not_rated
from engine.evaluate.result import EvaluationResult, InstanceResult
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
CCL_10L = "ccl_utilisation[rigid/multilayer-10L]"
ELEC_10L = "electricity_per_m2[rigid/multilayer-10L]"


def scenario_input(name: str) -> dict[str, Any]:
    case = yaml.safe_load(next(SCENARIOS.glob(f"{name}_*.yaml")).read_text(encoding="utf-8"))
    return copy.deepcopy(case["input"])


def run(kb: KnowledgeBase, data: dict[str, Any]) -> EvaluationResult:
    return evaluate(kb, parse_self_inspection(kb, data).inspection)


def test_a_contested_row_never_makes_the_level_determined(kb: KnowledgeBase) -> None:
    # 10L at 95 %: below III with the CCL row (106 % for every level), I without it (scenario 22)
    ev = run(kb, scenario_input("22"))
    assert ev.overall_level == ev.overall_best == "below_III"
    assert not ev.determined
    out = ev.as_dict()
    assert out["determined"] is False
    firm = out["level_firmness"]
    assert firm["level_with_contested"] == {"worst": "below_III", "best": "below_III"}
    assert firm["level_without_contested"] == {"worst": "I", "best": "I"}
    assert firm["reported"] == "with_contested"
    assert CCL_10L in firm["reason"]["en"] and CCL_10L in firm["reason"]["zh"]
    by_key = {r["key"]: r for r in firm["contested"]}
    assert by_key[CCL_10L]["changes_level_alone"] is True
    assert by_key[ELEC_10L]["changes_level_alone"] is False
    assert by_key[CCL_10L]["rows"][0]["board"] == "rigid/multilayer"
    assert by_key[CCL_10L]["rows"][0]["envelope_applied"] is True
    assert by_key[CCL_10L]["rows"][0]["reason"].startswith("As transcribed")  # the row's own reason text


def test_a_level_that_does_not_depend_on_contested_rows_stays_determined(kb: KnowledgeBase) -> None:
    # rigid multilayer 6L: electricity and CCL contested, II with and without them (scenario 02)
    ev = run(kb, scenario_input("02"))
    firm = ev.level_firmness
    assert [r["key"] for r in firm["contested"]] == [
        "electricity_per_m2[rigid/multilayer-6L]",
        "ccl_utilisation[rigid/multilayer-6L]",
    ]
    assert firm["determined"] is True and firm["reason"] is None
    assert ev.determined


def test_no_target_beyond_what_the_indicator_can_take(kb: KnowledgeBase) -> None:
    ev = run(kb, scenario_input("22"))
    ccl = ev.instance(CCL_10L)
    assert all(t.unreachable for t in ccl.thresholds)
    assert ccl.next_level is not None
    assert "target" not in ccl.next_level and "change_needed" not in ccl.next_level
    assert (ccl.next_level["reachable"], ccl.next_level["threshold"], ccl.next_level["bound"]) == (False, 106, 100)
    assert ccl.as_dict()["thresholds"]["III"]["unreachable"] is True
    # the blocking row says the same, and that it alone would lift the level if it could be reached
    row = next(r for r in ev.blocking["indicators"] if r["key"] == CCL_10L)
    assert (row["reachable"], row["lifts_alone"], row["contested"]) == (False, True, True)
    assert ev.level_firmness["determined_by"] == [CCL_10L]
    # a reachable threshold keeps its target
    fresh = ev.instance("fresh_water_per_m2[rigid/multilayer-10L]")
    assert fresh.next_level is not None and fresh.next_level["target"] == 1.19


def test_an_unknown_value_cannot_reach_an_unreachable_level(kb: KnowledgeBase) -> None:
    data = scenario_input("22")
    data["years"][1]["resources"]["ccl_input"] = {"value": "unknown", "unit": "m2"}
    ev = run(kb, data)
    ccl = ev.instance(CCL_10L)
    assert ccl.level == "insufficient_data"
    # every level needs 106 %: the best case is failing, not level I
    assert (ccl.level_worst, ccl.level_best) == ("fails", "fails")
    assert ccl.reached == {"I": False, "II": False, "III": False}


def test_lifts_alone_needs_the_index_and_the_limiting_rule(kb: KnowledgeBase) -> None:
    # scenario 02 (II): next level I needs Y_I >= 85; Y_I = 66.4242, no single row is worth 18.6 points
    ev = run(kb, scenario_input("02"))
    assert ev.blocking["next_level"] == "I"
    assert ev.blocking["indicators"]
    assert not any(r["lifts_alone"] for r in ev.blocking["indicators"])
    assert ev.level_firmness["determined_by"] == [r["key"] for r in ev.blocking["indicators"]]


def test_contested_rows_name_the_known_inconsistent_rows_of_a_mix(kb: KnowledgeBase) -> None:
    bset = kb.benchmark_sets["pcb_index_system"]
    member = next(mm for g in bset.groups for mm in g.members if mm.indicator == "ccl_utilisation")
    double = next(r for r in member.thresholds if r.board is not None and str(r.board) == "rigid/double")
    multi = next(r for r in member.thresholds if r.board is not None and str(r.board) == "rigid/multilayer")
    rows = contested_rows([(Fraction(1, 4), double, 0), (Fraction(3, 4), multi, 4)], bset.levels, "higher_is_better")
    assert rows == [
        {
            "board": "rigid/multilayer",
            "reason": multi.known_inconsistent,
            "envelope_applied": True,  # n = 4: III 100 transcribed, 94 in the envelope
            "output_share": 0.75,
            "n": 4,
        }
    ]
    assert contested_rows([(Fraction(1), double, 0)], bset.levels, "higher_is_better") == []


def test_mark_not_rated_keeps_the_value_and_the_level_it_would_have() -> None:
    inst = InstanceResult(
        id="x",
        instance=None,
        group="g",
        name_zh="",
        name_en="",
        unit="%",
        direction="higher_is_better",
        kind="quantitative",
        value=None,
        level="fails",
        level_worst="fails",
        level_best="fails",
        reached={"I": False, "II": False, "III": False},
        next_level={"level": "III", "target": 80},
    )
    mark_not_rated(inst, "thresholds for another definition", ["I", "II", "III"])
    assert inst.level == inst.level_worst == inst.level_best == "not_applicable"
    assert inst.not_rated == {"reason": "thresholds for another definition", "level_against_thresholds": "fails"}
    assert inst.next_level is None and inst.method == "not_rated"
    assert inst.as_dict()["not_rated"]["level_against_thresholds"] == "fails"
