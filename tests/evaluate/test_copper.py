"""The copper recovery rate from the copper balance (copper recovered ÷ copper entering), on scenario 23's plant
(tests/scenarios/23_copper_recovery_from_copper_balance.yaml, arithmetic there)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.evaluate.evaluation import evaluate
from engine.evaluate.instances import compute_value
from engine.evaluate.result import Computed
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "23_copper_recovery_from_copper_balance.yaml"


@pytest.fixture()
def data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))["input"])


def rate(kb: KnowledgeBase, data: dict[str, Any], year: int = 2025) -> Computed:
    si = parse_self_inspection(kb, data).inspection
    return compute_value(kb, si, si.year(year), kb.indicators["copper_recovery_rate"])


def test_from_the_laminate_area_foil_and_the_wastes_copper(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    # 235,000 m2 x 2 x 305.151727 g/m2 = 143.421312 t + 60 t plating; 66 + 9 t recovered -> 36.8693 %
    got = rate(kb, data)
    assert got.value is not None
    assert round(got.value, 4) == Decimal("36.8693")
    assert got.missing == []
    paths = {i.path for i in got.inputs}
    assert "years[1].wastes[0].copper_t" in paths and "years[1].copper_input.ccl_foil[1]" in paths


def test_from_the_plants_own_figures(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    # 2024: copper_recovered 80 t / (laminate 150 t + plating 58 t) = 38.4615 %
    got = rate(kb, data, 2024)
    assert got.value is not None and round(got.value, 4) == Decimal("38.4615")


def test_one_oz_per_square_foot_is_305_grams_per_square_metre(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    grams = Decimal("28.349523125") / Decimal("0.09290304")
    data["years"][1]["copper_input"]["ccl_foil"] = [{"value": float(grams), "unit": "g/m2"}] * 2
    assert round(rate(kb, data).value or 0, 4) == Decimal("36.8693")


def test_the_old_destination_share_is_not_dressed_up(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    # every spent etchant goes to recovery, but without the copper inputs there is no rate, only missing data
    year = data["years"][1]
    del year["copper_input"]
    got = rate(kb, data)
    assert got.value is None
    assert "years[1].copper_input.ccl_foil" in got.missing
    assert "years[1].copper_input.plating" in got.missing


def test_a_recovered_copper_waste_must_state_its_copper(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    del data["years"][1]["wastes"][0]["copper_t"]
    got = rate(kb, data)
    assert got.value is None
    assert got.missing == ["years[1].wastes[0].copper_t"]


def test_no_plating_step_means_no_plating_copper(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    del data["years"][1]["copper_input"]["plating"]
    for step in data["process"]:
        if step["step"] in ("direct_metallisation", "panel_plating", "pattern_plating"):
            step["run"] = False  # outsourced
            step.pop("answers", None)
    got = rate(kb, data)
    # 75 / 143.421312 = 52.2935 %
    assert got.value is not None and round(got.value, 4) == Decimal("52.2935")
    assert any("no plating copper enters" in n for n in got.notes)
    # with a plating step run, the plating copper is needed
    data["process"][2] = {"step": "direct_metallisation", "run": True}
    assert rate(kb, data).missing == ["years[1].copper_input.plating"]


def test_laminated_boards_need_the_lamination_foil(kb: KnowledgeBase) -> None:
    # scenario 22's 10-layer plant: 200,000 m2 of H/H (0.5/0.5 oz/ft2) laminate, 100 t plating copper, 90 t recovered
    case = yaml.safe_load(next(SCENARIO.parent.glob("22_*.yaml")).read_text(encoding="utf-8"))
    data = copy.deepcopy(case["input"])
    year = data["years"][1]
    half = {"value": 0.5, "unit": "oz/ft2"}
    year["copper_input"] = {"ccl_foil": [half, half], "plating": {"value": 100, "unit": "t"}}
    year["copper_recovered"] = {"value": 90, "unit": "t"}
    got = rate(kb, data)
    assert got.value is None and got.missing == ["years[1].copper_input.lamination_foil_area"]
    # + 150,000 m2 of 0.5 oz/ft2 foil: 200,000 x 2 x 152.575864 g = 61.030345 t laminate + 22.886380 t foil
    #   + 100 t plating = 183.916725 t entering -> 90 / 183.916725 = 48.9352 %
    year["copper_input"]["lamination_foil_area"] = {"value": 150000, "unit": "m2"}
    year["copper_input"]["lamination_foil"] = half
    got = rate(kb, data)
    assert got.value is not None and round(got.value, 4) == Decimal("48.9352")


def test_laminate_in_tonnes_or_as_foil_not_both(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    data["years"][1]["copper_input"]["laminate"] = {"value": 140, "unit": "t"}
    with pytest.raises(SelfInspectionInvalid, match="laminate copper either in tonnes"):
        parse_self_inspection(kb, data)


def test_shown_but_not_rated(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    ev = evaluate(kb, parse_self_inspection(kb, data).inspection)
    inst = ev.instance("copper_recovery_rate")
    assert inst.level == "not_applicable" and inst.method == "not_rated"
    assert inst.value is not None and round(inst.value, 4) == Decimal("36.8693")
    assert inst.not_rated is not None and inst.not_rated["level_against_thresholds"] == "fails"
    out = ev.as_dict()
    assert out["data_quality"]["not_rated"] == ["copper_recovery_rate"]
    assert out["level_firmness"]["not_rated"][0]["key"] == "copper_recovery_rate"
    assert "copper_recovery_rate" not in {r["key"] for r in ev.blocking["indicators"]}
