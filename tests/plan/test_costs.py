"""Investment by status (the enterprise's quote, a sourced range scaled to capacity, a declared gap), the cost
class that follows a known investment, money at the plant's own waste fees, payback, options of one mechanism
counted once, figures that hold only under stated answers, and what the plan asks for to quantify an option."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.kb.summary import summarise
from engine.plan.benefits import estimate
from engine.plan.build import build_plan
from engine.plan.combine import combine
from engine.plan.costs import investment, payback, prices, stream_fees, valuation
from engine.plan.pools import Pools

ROOT = Path(__file__).resolve().parents[2]
KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
MID = json.loads((ROOT / "examples/demo_double_multilayer_mid.json").read_text(encoding="utf-8"))


def _si(data: dict[str, Any]) -> Any:
    return parse_self_inspection(KB, data).inspection


def test_quote_replaces_the_range_and_gives_payback() -> None:
    data = copy.deepcopy(MID)
    data["investment_quotes"] = [
        {"option": "alkaline_etchant_sx_ew", "amount": {"value": 400, "unit": "10^4CNY"}, "note": "supplier A, 2025"}
    ]
    si = _si(data)
    pools = Pools.of(KB, si, si.latest)
    inv = investment(si, pools, KB.options["alkaline_etchant_sx_ew"], ["alkaline_etching"])
    assert inv["status"] == "quote" and inv["central"] == 4_000_000
    money = {"low": 1_000_000, "central": 2_000_000, "high": 4_000_000}
    # 4,000,000 / 2,000,000 = 2.0 a; low 4,000,000 / 4,000,000 = 1.0; high 4,000,000 / 1,000,000 = 4.0
    assert payback(inv, money) == {"central": 2.0, "low": 1.0, "high": 4.0, "unit": "a"}


def test_unknown_quote_option_is_refused_with_its_path() -> None:
    data = copy.deepcopy(MID)
    data["investment_quotes"] = [{"option": "alkaline_etchant_sxew", "amount": {"value": 1, "unit": "CNY"}}]
    with pytest.raises(Exception) as err:
        _si(data)
    assert "investment_quotes[0].option" in str(err.value) and "alkaline_etchant_sx_ew" in str(err.value)


def test_gap_says_what_to_ask_and_management_needs_no_supplier() -> None:
    si = _si(MID)
    pools = Pools.of(KB, si, si.latest)
    equipment = investment(si, pools, KB.options["counter_current_rinse"], ["inner_developing"])
    assert equipment["status"] == "gap" and "supplier" in equipment["note"]["en"] and equipment["central"] is None
    management = investment(si, pools, KB.options["production_scheduling"], [])
    assert management["status"] == "gap" and "no equipment to buy" in management["note"]["en"]


def test_scaled_investment_without_capacity_is_a_gap_naming_the_reference() -> None:
    data = copy.deepcopy(MID)
    data["years"][-1]["wastes"] = [w for w in data["years"][-1]["wastes"] if w["stream"] != "spent_tin_stripper"]
    si = _si(data)
    inv = investment(si, Pools.of(KB, si, si.latest), KB.options["tin_stripper_regeneration"], ["tin_stripping"])
    assert inv["status"] == "gap" and "3800000" in inv["note"]["en"]


def test_cost_class_follows_a_known_investment() -> None:
    data = copy.deepcopy(MID)
    # a no/low-cost option quoted at 500,000 CNY is above the policy line of 100,000 CNY: medium/high-cost
    data["investment_quotes"] = [{"option": "production_scheduling", "amount": {"value": 50, "unit": "10^4CNY"}}]
    plan = build_plan(KB, _si(data), graph=GRAPH)
    rec = next(r for r in plan["recommendations"] if r["option_id"] == "production_scheduling")
    assert KB.options["production_scheduling"].cost_class == "no_low"
    assert rec["cost_class"] == "medium_high" and rec["cost_class_basis"] == "investment"
    assert "production_scheduling" in plan["groups"]["medium_high_cost"]


def test_waste_fee_values_the_waste_avoided() -> None:
    si = _si(MID)
    pools = Pools.of(KB, si, si.latest)
    savings = estimate(KB, si, si.latest, KB.options["alkaline_etchant_sx_ew"], ["alkaline_etching"])
    money = valuation(savings, prices(KB, si), stream_fees(pools))
    assert money is not None
    # the recycler pays 900 CNY/t for the spent etchant (fee -900): 980 t no longer sold = -882,000 CNY/a
    assert money["parts"]["hazardous_waste_t"]["central"] == pytest.approx(-882_000, abs=1)


def test_one_mechanism_counts_once() -> None:
    si = _si(MID)
    year = si.latest
    a = estimate(KB, si, year, KB.options["plant_metering_gb"], [])
    b = estimate(KB, si, year, KB.options["line_water_energy_metering"], [])
    assert a is not None and b is not None
    combined = combine(Pools.of(KB, si, year), [a, b])
    alone = a.amounts["electricity_kwh"][1]
    # both claim 2.3 % of the plant's electricity through monitoring: the second adds nothing
    assert combined.totals["electricity_kwh"][1] == alone
    assert combined.in_plan[1].get("electricity_kwh", (0, 0, 0))[1] == 0


def test_figures_that_hold_only_under_an_answer_ask_for_it() -> None:
    data = copy.deepcopy(json.loads((ROOT / "examples/demo_flex_rigidflex_submetered.json").read_text("utf-8")))
    si = _si(data)
    option = KB.options["cyanide_free_gold"]
    held = estimate(KB, si, si.latest, option, ["finish_enig"])
    assert held is not None and held.amounts["cyanide_in_wastewater_kg"][1] > 0
    data["answers"]["q_cyanide_baths"] = "other"
    asked = estimate(KB, _si(data), _si(data).latest, option, ["finish_enig"])
    assert asked is not None and not asked.parts and "q_cyanide_baths" in asked.questions


def test_unquantified_option_says_which_answers_would_quantify_it() -> None:
    data = copy.deepcopy(MID)
    data["answers"].pop("q_compressor_power_kw")
    plan = build_plan(KB, _si(data), graph=GRAPH)
    air = next(r for r in plan["recommendations"] if r["option_id"] == "compressed_air_optimisation")
    assert not air["quantified"] and air["savings"] == {}
    assert "q_compressor_power_kw" in air["to_quantify"]["questions"]


def test_kb_check_lists_investment_gaps_and_planning_assumptions() -> None:
    gaps = summarise(KB)["gaps"]
    kinds = {g["kind"] for g in gaps}
    assert {"investment_unknown", "planning_assumption", "saving_not_quantified"} <= kinds
    assert any(g["where"] == "options/counter_current_rinse" for g in gaps if g["kind"] == "investment_unknown")
