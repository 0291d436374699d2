"""Evaluation mechanics on the small test knowledge base (tests/kb/minimal_kb), with the arithmetic by hand.

mini_set: group energy (weight 0.5): electricity_per_m2 (1, shared by output);
group other (0.5): reuse_rate (0.6), management (0.2, limiting; III: q_basic, I: q_basic and q_ok),
rinse_practice (0.2; applies only when an acid_etching step runs; I: rinse stages >= 2 on every such step).
Electricity thresholds: rigid single 5/10/25; rigid multilayer 10+5n / 25+10n / 60+10n with n = layers - 2.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.evaluate.instances import effective_thresholds
from engine.evaluate.result import EvaluationResult
from engine.intake.validate import parse_self_inspection
from engine.kb import models as m
from engine.kb.expr import parse_linear
from engine.kb.loader import KnowledgeBase, load_kb


@pytest.fixture(scope="module")
def mini(minimal_kb_path: Path) -> KnowledgeBase:
    return load_kb(minimal_kb_path)


def q(value: float | str, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


BASE: dict[str, Any] = {
    "enterprise": {"id": "t1", "name": "Test", "district": "宝安区", "synthetic": True},
    "reporting_years": [2024],
    "years": [
        {
            "year": 2024,
            "products": [{"rigidity": "rigid", "construction": "single", "output": q(1000, "m2")}],
            "output_value": q(100, "10^4CNY"),
            "resources": {
                "fresh_water": q(300, "m3"),
                "reused_water": q(700, "m3"),
                "electricity": q(4000, "kWh"),
            },
            "wastewater": {"generated": q(250, "m3")},
        }
    ],
    "process": [
        {"step": "cutting"},
        {"step": "etching", "answers": {"q_rinse_stages": 3}},
        {"step": "testing"},
    ],
    "answers": {"q_basic": True, "q_ok": True},
}


def run(kb: KnowledgeBase, patch: dict[str, Any] | None = None, **kw: Any) -> EvaluationResult:
    data = copy.deepcopy(BASE)
    for key, value in (patch or {}).items():
        data[key] = value
    validated = parse_self_inspection(kb, data)
    return evaluate(kb, validated.inspection, **kw)


def test_all_level_one(mini: KnowledgeBase) -> None:
    # electricity 4000/1000 = 4 <= 5 (I); reuse 700/(700+300) = 70 % >= 65 (I); management I; rinse 3 >= 2 (I)
    ev = run(mini)
    assert ev.instance("electricity_per_m2[rigid/single]").value == 4
    assert ev.instance("reuse_rate").value == 70
    assert ev.indices_worst == {"I": 100, "II": 100, "III": 100}
    assert ev.overall_level == "I"
    assert ev.determined


def test_limiting_indicator_caps_the_level(mini: KnowledgeBase) -> None:
    # management only at III (q_ok false): it carries 0.5 x 0.2/1.0 x 100 = 10 points of Y_I and Y_II.
    # Y_I = Y_II = 90 >= 85, but the limiting indicator is not at I nor II: the level is capped at III.
    answers = {"q_basic": True, "q_ok": False}
    ev = run(mini, {"answers": answers})
    assert ev.instance("management").level == "III"
    assert ev.indices_worst["I"] == 90
    assert ev.indices_worst["II"] == 90
    assert ev.indices_worst["III"] == 100
    assert ev.overall_level == "III"
    assert ev.rating["I"]["index_ok"] and ev.rating["I"]["limiting_not_met"] == ["management"]


def test_not_applicable_is_renormalised_not_failed(mini: KnowledgeBase) -> None:
    # etching outsourced: rinse_practice is not applicable; group "other" renormalises over reuse (0.6) and
    # management (0.2). reuse at III (50 %: 500/(500+500)) loses 0.5 x 0.6/0.8 x 100 = 37.5 points of Y_I, Y_II.
    years = copy.deepcopy(BASE["years"])
    years[0]["resources"]["reused_water"] = q(500, "m3")
    years[0]["resources"]["fresh_water"] = q(500, "m3")
    process = [{"step": "cutting"}, {"step": "etching", "run": False}, {"step": "testing"}]
    ev = run(mini, {"years": years, "process": process})
    assert ev.instance("rinse_practice").level == "not_applicable"
    assert ev.instance("reuse_rate").level == "III"
    assert ev.indices_worst["I"] == Fraction(125, 2)
    assert ev.indices_worst["III"] == 100
    assert ev.overall_level == "III"


def test_output_weighted_benchmark_for_a_mixed_plant(mini: KnowledgeBase) -> None:
    # 50 % single + 50 % 6-layer multilayer (n = 4): thresholds I 0.5x5 + 0.5x30 = 17.5, II 0.5x10 + 0.5x65 = 37.5,
    # III 0.5x25 + 0.5x100 = 62.5. Plant electricity 40000 kWh / 2000 m2 = 20 -> level II.
    years = copy.deepcopy(BASE["years"])
    years[0]["products"] = [
        {"rigidity": "rigid", "construction": "single", "output": q(1000, "m2")},
        {"rigidity": "rigid", "construction": "multilayer", "layers": 6, "output": q(1000, "m2")},
    ]
    years[0]["resources"]["electricity"] = q(40000, "kWh")
    ev = run(mini, {"years": years})
    inst = ev.instance("electricity_per_m2[mix]")
    assert inst.method == "output_weighted_benchmark"
    assert [t.value for t in inst.thresholds] == [17.5, 37.5, 62.5]
    assert inst.level == "II"
    # energy group 50 points, lost for Y_I only
    assert ev.indices_worst["I"] == 50
    assert ev.overall_level == "II"


def test_per_product_instances_share_the_weight_by_output(mini: KnowledgeBase) -> None:
    # single 3000 m2 at 4 kWh/m2 (I); multilayer 6L 1000 m2 at 70 kWh/m2 (III: 65 < 70 <= 100).
    # shares 3/4 and 1/4 of the energy group's 50 points: Y_I = 100 - 12.5, Y_II = 100 - 12.5.
    years = copy.deepcopy(BASE["years"])
    years[0]["products"] = [
        {"rigidity": "rigid", "construction": "single", "output": q(3000, "m2"), "electricity": q(12000, "kWh")},
        {
            "rigidity": "rigid",
            "construction": "multilayer",
            "layers": 6,
            "output": q(1000, "m2"),
            "electricity": q(70000, "kWh"),
        },
    ]
    years[0]["resources"]["electricity"] = q(90000, "kWh")
    ev = run(mini, {"years": years})
    single = ev.instance("electricity_per_m2[rigid/single]")
    multi = ev.instance("electricity_per_m2[rigid/multilayer-6L]")
    assert (single.value, single.level, single.share) == (4, "I", Fraction(3, 4))
    assert (multi.value, multi.level, multi.n) == (70, "III", 4)
    assert ev.indices_worst["I"] == Fraction(175, 2)
    assert ev.overall_level == "I"


def test_unknown_answers_give_a_range_not_a_guess(mini: KnowledgeBase) -> None:
    # q_ok unknown: management is III for sure (worst) and I at best; Y_I worst 90 with the limiting rule failing.
    ev = run(mini, {"answers": {"q_basic": True, "q_ok": "unknown"}})
    mgmt = ev.instance("management")
    assert mgmt.level == "insufficient_data"
    assert (mgmt.level_worst, mgmt.level_best) == ("III", "I")
    assert ev.overall_level == "III"
    assert ev.overall_best == "I"
    assert not ev.determined


def test_unknown_quantity_is_insufficient_data(mini: KnowledgeBase) -> None:
    years = copy.deepcopy(BASE["years"])
    years[0]["resources"]["electricity"] = q("unknown", "kWh")
    ev = run(mini, {"years": years})
    inst = ev.instance("electricity_per_m2[rigid/single]")
    assert inst.level == "insufficient_data"
    assert inst.missing == ["years[0].resources.electricity"]
    # worst case: the indicator fails every level, so Y_III = 50 -> below III; best case: level I
    assert ev.indices_worst["III"] == 50
    assert ev.overall_level == "below_III"
    assert ev.overall_best == "I"


def test_y_iii_is_decided_exactly_with_thirds() -> None:
    """Three members of weight 1/3 each: decimal renormalisation gives 99.999..., fractions give 100."""
    from engine.evaluate.rating import indices
    from engine.evaluate.result import InstanceResult

    bset = m.BenchmarkSet.model_validate(
        {
            "id": "thirds",
            "name": {"zh": "三", "en": "thirds"},
            "method": "index_system",
            "levels": ["I", "II", "III"],
            "n_definition": "layers_beyond_two",
            "n_note": {"zh": "未用", "en": "not used in this test"},
            "sources": ["X"],
            "rating": {
                lv: {"min_index": 100, "text": {"zh": lv, "en": lv}, "source": "X", "grade": "C"}
                for lv in ("I", "II", "III")
            },
            "groups": [
                {
                    "id": "g",
                    "name": {"zh": "g", "en": "g"},
                    "weight": {"value": 1, "unit": "1", "source": "X", "grade": "C"},
                    "members": [{"indicator": f"i{k}"} for k in range(3)],
                }
            ],
        }
    )
    insts = [
        InstanceResult(
            id=f"i{k}",
            instance=None,
            group="g",
            name_zh="",
            name_en="",
            unit="%",
            direction="lower_is_better",
            kind="quantitative",
            value=None,
            level="III",
            level_worst="III",
            level_best="III",
            reached={"I": False, "II": False, "III": True},
            weight=Fraction(1, 3),
        )
        for k in range(3)
    ]
    y, _ = indices(bset, insts, "worst")
    assert y["III"] == 100


def test_envelope_nests_an_inconsistent_row() -> None:
    row = m.ThresholdRow.model_validate(
        {
            "board": {"rigidity": "rigid", "construction": "multilayer"},
            "unit": "kWh/m2",
            "known_inconsistent": "level III stricter than II for large n",
            "levels": {
                lv: {"expr": e, "source": "X", "grade": "C"}
                for lv, e in (("I", "10+5n"), ("II", "25+10n"), ("III", "55+5n"))
            },
        }
    )
    # n = 10: I 60, II 125, III 105 -> effective III = max(60, 125, 105) = 125
    eff = [(lv, e, t) for lv, e, t, _ in effective_thresholds(row, ["I", "II", "III"], "lower_is_better", 10)]
    assert eff == [("I", 60, 60), ("II", 125, 125), ("III", 125, 105)]
    assert parse_linear("55+5n").at(10) == 105
