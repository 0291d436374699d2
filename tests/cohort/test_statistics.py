"""The overall evaluation on a hand-built cohort of five small plans: every statistic computed by hand."""

from __future__ import annotations

from typing import Any

import pytest

from engine.cohort import CohortError, CohortPolicy, Member, evaluate_cohort, is_common, quantile
from engine.cohort.position import own_position

POLICY = CohortPolicy(
    id="t", common_share=0.3, lagging_below_level="II", lagging_share=0.5, source="SMART_AUDIT_DESIGN", grade="U"
)


def _plan(
    eid: str,
    level: str,
    water: float,
    wlevel: str,
    findings: list[str],
    options: list[dict[str, Any]],
    totals: dict[str, Any],
    y: float = 80.0,
) -> dict[str, Any]:
    trace = {
        f"finding:{kind}@step:s{i}": {
            "type": "finding",
            "value": {"finding": kind, "severity": "medium"},
            "rule": f"r_{kind}",
        }
        for i, kind in enumerate(findings)
    }
    return {
        "enterprise": {"id": eid, "name": f"企业{eid}", "district": "宝安区"},
        "year": 2024,
        "evaluation": {
            "kb_version": "0.2.0",
            "kb_hash": "sha256:t",
            "benchmark_set": {"id": "pcb_index_system"},
            "overall_level": level,
            "indices": {"Y_I": y, "Y_II": y, "Y_III": y},
            "indicators": [
                {
                    "id": "fresh_water_per_m2",
                    "key": "fresh_water_per_m2[rigid/double]",
                    "instance": "rigid/double",
                    "name": {"zh": "单位产品新鲜水耗", "en": "Fresh water per unit product"},
                    "kind": "quantitative",
                    "unit": "m3/m2",
                    "direction": "lower_is_better",
                    "value": water,
                    "level": wlevel,
                    "thresholds": {
                        "I": {"value": 0.5, "comparison": "<=", "expr": "0.5"},
                        "II": {"value": 0.9, "comparison": "<=", "expr": "0.9"},
                    },
                }
            ],
        },
        "recommendations": options,
        "totals": totals,
        "trace": trace,
    }


def _opt(code: str, water: float | None, money: float | None = None) -> dict[str, Any]:
    sav = {"fresh_water_m3": {"low": water / 2, "central": water, "high": water * 2, "unit": "m3"}} if water else {}
    return {
        "option_id": code.lower(),
        "measure_code": code,
        "name": {"zh": code, "en": code},
        "quantified": bool(water),
        "savings": {"fresh_water_m3": {"central": 10**9, "unit": "m3"}},  # stand-alone: must never be summed
        "savings_in_plan": sav,
        "money": {"low": money, "central": money, "high": money} if money else {},
        "investment": {"status": "gap", "central": None},
    }


def _tot(water: float, base: float) -> dict[str, Any]:
    return {"fresh_water_m3": {"low": water / 2, "central": water, "high": water * 2, "unit": "m3", "base": base}}


# Five enterprises; fresh water 0.4, 0.8, 1.0, 1.2, 2.0 m3/m2 (lower is better).
COHORT = [
    ("A", "I", 0.4, "I", ["rinse_single_stage", "film_not_filtered"], [_opt("W-01", 100, 500)], _tot(100, 1000), 90),
    ("B", "II", 0.8, "II", ["rinse_single_stage"], [_opt("W-01", 50), _opt("W-02", 30)], _tot(80, 500), 80),
    ("C", "III", 1.0, "III", ["rinse_single_stage", "drain_time_short"], [_opt("W-02", None)], {}, 70),
    ("D", "III", 1.2, "III", ["drain_time_short"], [_opt("W-03", 20)], _tot(20, 300), 60),
    ("E", "below_III", 2.0, "below_III", ["cooling_once_through"], [], {}, 50),
]


def _members(period: str = "2024", rows: list[Any] = COHORT) -> list[Member]:
    return [Member(r[0], period, {}, _plan(*r)) for r in rows]


@pytest.fixture(scope="module")
def period() -> dict[str, Any]:
    return evaluate_cohort(_members(), policy=POLICY, name="t")["periods"][0]


def test_quartiles_by_hand(period: dict[str, Any]) -> None:
    (ind,) = period["indicators"]
    # sorted 0.4 0.8 1.0 1.2 2.0: median = 1.0; q1 at h = 1 -> 0.8; q3 at h = 3 -> 1.2; best (lowest) 0.4
    assert ind["distribution"] == {"n": 5, "median": 1.0, "q1": 0.8, "q3": 1.2, "best": 0.4, "worst": 2.0, "mean": 1.08}
    assert ind["board"] == "rigid/double"
    assert ind["thresholds"]["II"] == {"min": 0.9, "max": 0.9, "comparison": "<=", "expr": ["0.9"]}
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.25) == 1.75  # h = 0.75 between 1 and 2


def test_levels_and_percentiles(period: dict[str, Any]) -> None:
    assert period["levels"]["counts"] == {"I": 1, "II": 1, "III": 2, "below_III": 1, "none": 0}
    pct = {e["id"]: e["percentile"] for e in period["enterprises"]}
    # C and D share level III; C has the higher index: A beats 4 of 4 -> 100, C beats D and E -> 50, D 25
    assert pct == {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0, "E": 0.0}
    water = {v["enterprise_id"]: v["percentile"] for v in period["indicators"][0]["values"]}
    assert water == {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0, "E": 0.0}


def test_lagging_indicator(period: dict[str, Any]) -> None:
    # below level II: C, D, E = 3 of 5 = 60 % >= 50 %
    (lag,) = period["lagging_indicators"]
    assert lag["enterprises"] == ["C", "D", "E"] and lag["share"] == 60.0


def test_common_problems_at_the_edge(period: dict[str, Any]) -> None:
    common = {p["finding"]: p for p in period["common_problems"]}
    individual = {p["finding"]: p for p in period["individual_problems"]}
    # 3/5 and 2/5 = 40 % are common at 30 %; 1/5 = 20 % is individual
    assert set(common) == {"rinse_single_stage", "drain_time_short"}
    assert common["rinse_single_stage"]["enterprises"] == ["A", "B", "C"]
    assert common["rinse_single_stage"]["rules"] == ["r_rinse_single_stage"]
    assert common["drain_time_short"]["share"] == 40.0
    assert set(individual) == {"film_not_filtered", "cooling_once_through"}
    # exactly at the threshold: 3 of 10 at 30 % is common, 2 of 10 is not (no float rounding)
    assert is_common(3, 10, 0.3) and not is_common(2, 10, 0.3)
    assert is_common(1, 5, 0.2) and not is_common(1, 5, 0.21)


def test_common_solutions_sum_in_plan_savings(period: dict[str, Any]) -> None:
    sol = {s["measure_code"]: s for s in period["common_solutions"]}
    assert set(sol) == {"W-01", "W-02"}  # W-03 (1 of 5) is individual
    w1 = sol["W-01"]["totals"]["fresh_water_m3"]
    assert (w1["low"], w1["central"], w1["high"]) == (75.0, 150.0, 300.0)  # 100 + 50 in plan, never 10^9
    assert sol["W-01"]["money"]["central"] == 500.0 and sol["W-01"]["money"]["plants_not_quantified"] == 1
    assert (sol["W-02"]["plants_quantified"], sol["W-02"]["plants_not_quantified"]) == (1, 1)
    assert [s["measure_code"] for s in period["individual_solutions"]] == ["W-03"]
    total = period["totals"]["fresh_water_m3"]
    # the plans' own totals: 100 + 80 + 20 = 200 of a base 1000 + 500 + 300 = 1800 -> 11.1 %
    assert (total["central"], total["base"], total["share_of_base"]) == (200.0, 1800.0, 11.1)
    assert (total["plants_quantified"], total["plants_not_quantified"]) == (3, 2)


def test_before_after_with_missing_enterprises() -> None:
    later = [
        ("A", "I", 0.4, "I", [], [], {}, 92),
        ("B", "I", 0.5, "I", [], [], {}, 90),  # B improved 0.8 -> 0.5, level II -> I
        ("C", "II", 0.85, "II", [], [], {}, 80),
        ("D", "III", 1.5, "III", [], [], {}, 60),  # D got worse
        ("F", "II", 0.7, "II", [], [], {}, 80),  # new; E is missing from 2026
    ]
    result = evaluate_cohort(_members("2024") + _members("2026", later), policy=POLICY, periods=["2024", "2026"])
    ba = result["before_after"]
    assert ba["missing"]["only_before"] == [{"id": "E", "name": "企业E"}]
    assert ba["missing"]["only_after"] == [{"id": "F", "name": "企业F"}]
    ents = {e["id"]: e for e in ba["enterprises"]}
    assert set(ents) == {"A", "B", "C", "D"}
    b = ents["B"]
    assert (b["level_before"], b["level_after"], b["level_steps"]) == ("II", "I", 1)
    (row,) = b["indicators"]
    assert (row["before"], row["after"], row["change"], row["change_percent"], row["improved"]) == (
        0.8, 0.5, -0.3, -37.5, True
    )  # fmt: skip
    assert ents["D"]["indicators"][0]["improved"] is False
    (cohort_row,) = ba["cohort"]["indicators"]
    # medians: 2024 1.0 (5 plants), 2026 0.7 (0.4 0.5 0.7 0.85 1.5)
    assert (cohort_row["median_before"], cohort_row["median_after"], cohort_row["change"]) == (1.0, 0.7, -0.3)
    assert (ba["cohort"]["levels_improved"], ba["cohort"]["levels_worse"]) == (2, 0)
    assert ba["benchmark"]["same_tables"] is True and ba["benchmark"]["before"]["kb_hash"] == "sha256:t"


def test_deterministic_and_duplicates_refused() -> None:
    a = evaluate_cohort(_members(), policy=POLICY)
    b = evaluate_cohort(list(reversed(_members())), policy=POLICY)
    assert a == b
    with pytest.raises(CohortError, match="more than once"):
        evaluate_cohort(_members() + _members()[:1], policy=POLICY)


def test_enterprise_sees_only_itself(period: dict[str, Any]) -> None:
    view = own_position(period, "B")
    text = repr(view)
    for other in ("企业A", "企业C", "'A'", "'C'", "'D'", "'E'"):
        assert other not in text
    assert view["enterprise"]["id"] == "B"
    assert view["indicators"][0]["percentile"] == 75.0
    assert view["indicators"][0]["distribution"]["median"] == 1.0
    assert {p["finding"]: p["concerns_you"] for p in view["common_problems"]} == {
        "rinse_single_stage": True,
        "drain_time_short": False,
    }


@pytest.mark.parametrize("higher", [True, False])
def test_percentile_ranks_equal_the_one_at_a_time_rank(higher: bool) -> None:
    from engine.cohort.stats import percentile_rank, percentile_ranks

    values = [3.0, 1.5, 3.0, 7.25, 0.0, 3.0, 1.5, 9.0, 7.25, 2.0, 3.0]
    assert percentile_ranks(values, higher_is_better=higher) == [
        percentile_rank(v, values, higher_is_better=higher) for v in values
    ]
    # ties count half: three others at 3.0 of ten; better than 1.5, 1.5, 0.0, 2.0 (higher) or 7.25, 9.0, 7.25
    assert percentile_ranks(values, higher_is_better=higher)[0] == (55.0 if higher else 45.0)
    scores = [(0, 1.0), (-1, 9.0), (0, 1.0), (0, 2.5)]
    assert percentile_ranks(scores, higher_is_better=True) == [50.0, 0.0, 50.0, 100.0]
    assert percentile_ranks([4.0], higher_is_better=higher) == [None]
