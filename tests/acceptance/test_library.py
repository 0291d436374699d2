"""The achievement library: medians by measure code worked by hand, and the plan's estimates they contradict."""

from __future__ import annotations

from typing import Any

import pytest

from engine.acceptance.library import aggregate, annotate, outcomes_of


def _row(ent: str, investment: float | None, saving: float, *, capacity: float | None = None) -> dict[str, Any]:
    return {
        "acceptance_id": f"ac_{ent}",
        "enterprise_id": ent,
        "option_id": "counter_current_rinse",
        "measure_code": "PCB-W-RIN-01",
        "verdict": "pass",
        "met": True,
        "investment": investment,
        "capacity": {"driver": "stream_t", "value": capacity} if capacity else None,
        "investment_per_capacity": investment / capacity if investment and capacity else None,
        "output_m2": 100000.0,
        "savings": {"fresh_water_m3": {"value": saving, "per_m2": saving / 100000.0, "unit": "m3"}},
    }


def test_medians_by_hand() -> None:
    # investments 300k, 400k, 1,000k -> median 400k; savings 8,000, 10,000, 12,000, 30,000 -> (10,000 + 12,000) / 2
    rows = [
        _row("a", 300000, 8000, capacity=100),  # 3,000 CNY/t
        _row("b", 400000, 10000, capacity=100),  # 4,000 CNY/t
        _row("c", 1000000, 12000, capacity=200),  # 5,000 CNY/t
        _row("c", None, 30000),  # the same plant again, no investment reported
    ]
    entry = aggregate(rows)["PCB-W-RIN-01"]
    assert entry["n_plants"] == 3 and entry["n_outcomes"] == 4
    assert entry["investment"] == {"median": 400000, "n": 3, "unit": "CNY"}
    assert entry["investment_per_capacity"]["stream_t"]["median"] == 4000
    water = entry["savings"]["fresh_water_m3"]
    assert water["median"] == 11000 and water["n"] == 4
    assert water["median_per_m2"]["median"] == pytest.approx(0.11)


def _plan(central_saving: float, investment: float, capacity: float) -> dict[str, Any]:
    return {
        "evaluation": {"indicators": [{"inputs": [{"name": "output_m2", "value": 200000.0}]}]},
        "recommendations": [
            {
                "option_id": "counter_current_rinse",
                "measure_code": "PCB-W-RIN-01",
                "savings": {"fresh_water_m3": {"central": central_saving, "unit": "m3"}},
                "investment": {"central": investment, "scaling": {"driver": "stream_t", "capacity": capacity}},
            },
            {"option_id": "led_lighting", "measure_code": "PCB-E-MGT-02", "savings": {}},
        ],
    }


def test_contradicted_estimates() -> None:
    library = aggregate([_row("a", 300000, 8000, capacity=100), _row("b", 500000, 12000, capacity=100)])
    # verified: 0.1 m³/m² saved (median of 0.08 and 0.12), 4,000 CNY/t
    # plan: 50,000 m³ over 200,000 m² = 0.25 m³/m², 2.5 x -> contradicted; 1,000,000 / 200 t = 5,000 CNY/t, 1.25 x
    [shown] = annotate(_plan(50000, 1000000, 200), library, factor=2.0)
    assert shown["option_id"] == "counter_current_rinse" and shown["grade"] == "measured_in_cohort"
    assert "implemented and verified at 2 plant(s): median investment 400,000 CNY" in shown["text"]["en"]
    assert "已在 2 家企业实施并核验" in shown["text"]["zh"]
    [c] = shown["contradicted"]
    assert c["ratio"] == 2.5 and c["direction"] == "above" and c["median_verified"] == pytest.approx(0.1)
    # 0.04 m³/m² (0.4 x) and 1,500 CNY/t (0.375 x): both below half
    [low] = annotate(_plan(8000, 300000, 200), library, factor=2.0)
    assert {(x["what"], x["direction"]) for x in low["contradicted"]} == {
        ("fresh_water_m3 saving per m2", "below"),
        ("investment per stream_t", "below"),
    }
    assert annotate(_plan(50000, 1000000, 200), library, factor=None)[0]["contradicted"] == []


def test_outcomes_of_a_verification() -> None:
    checklist = {
        "base": {"output_m2": 100000.0},
        "enterprise": {"id": "ent-1"},
        "items": [{"id": "x", "investment_planned": {"scaling": {"driver": "stream_t", "capacity": 50.0}}}],
    }
    verification = {
        "verdict": "pass",
        "items": [
            {
                "id": "x",
                "measure_code": "M-1",
                "status": "implemented",
                "met": True,
                "investment": {"value": 200000.0, "unit": "CNY"},
                "measured": {"fresh_water_m3": {"saving": 5000.0, "unit": "m3"}},
            },
            {"id": "y", "measure_code": "M-2", "status": "not", "met": False, "investment": None, "measured": {}},
        ],
    }
    [row] = outcomes_of(checklist, verification, acceptance_id="ac_1")
    assert row["investment_per_capacity"] == 4000  # 200,000 CNY / 50 t
    assert row["savings"]["fresh_water_m3"] == {"value": 5000.0, "per_m2": 0.05, "unit": "m3"}
