"""Honest resolution: ties reported and broken by a stated order, options resting on excluded premises dropped,
nothing recommended that the self-inspection says is in place, line types respected, an unknown status asked
rather than recommended, and a ranked shortlist at the head of the plan."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.graph import build_graph
from engine.inference.trace import TraceNode
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.build import build_plan
from engine.plan.priority import priority, room_to_lift
from engine.plan.records import Rec
from engine.plan.resolve import rank_key, resolve
from engine.plan.screen import effect_status
from engine.plan.shortlist import shortlist_sizes
from tests.inference.strategies import EXAMPLES

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
ROOT = Path(__file__).resolve().parents[2]


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8")))


def _plan(data: dict[str, Any]) -> dict[str, Any]:
    return build_plan(KB, parse_self_inspection(KB, data).inspection, graph=GRAPH)


def _step(data: dict[str, Any], step: str) -> dict[str, Any]:
    return next(s for s in data["process"] if s["step"] == step)


def _rec(oid: str, score: int, money: float | None = None, **kw: Any) -> Rec:
    rec = Rec(KB.options[oid], priority={"score": score, "parts": {}}, **kw)
    if money is not None:
        rec.money = {"central": money, "low": money, "high": money, "parts": {"fresh_water_m3": {}}}
    return rec


def _by_option(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["option_id"]: r for r in plan["recommendations"]}


# ------------------------------------------------------------------------------------------------- conflicts


def test_tie_is_reported_as_a_tie_and_broken_by_money() -> None:
    a, b = "tin_stripper_regeneration", "nitric_acid_recovery_resin"
    assert b in KB.options[a].conflicts
    recs = {a: _rec(a, 4, money=1000.0), b: _rec(b, 4, money=25000.0)}
    log = resolve(KB, recs, [])
    assert set(recs) == {b}
    (entry,) = [e for e in log if e["option"] == a]
    assert entry["action"] == "excluded" and entry["tie"] is True
    assert entry["decided_by"] == "money" and entry["kept"] == b
    assert "tie on priority 4 = 4" in entry["reason"] and "saves more money" in entry["reason"]
    assert "higher priority" not in entry["reason"]
    assert "优先级相同" in entry["text"]["zh"] and KB.options[b].name.zh in entry["text"]["zh"]


def test_unquantified_money_ranks_last_then_id_decides() -> None:
    a, b = "led_exposure_imaging", "ldi_direct_imaging"
    quantified = {a: _rec(a, 4, money=10.0), b: _rec(b, 4)}
    resolve(KB, quantified, [])
    assert set(quantified) == {a}  # quantified (even small) before not quantified
    neither = {a: _rec(a, 4), b: _rec(b, 4)}
    (entry,) = resolve(KB, neither, [])
    assert entry["decided_by"] == "id" and entry["kept"] == min(a, b)


def test_higher_score_is_not_a_tie() -> None:
    a, b = "tin_stripper_regeneration", "nitric_acid_recovery_resin"
    recs = {a: _rec(a, 6), b: _rec(b, 4, money=99999.0)}
    (entry,) = resolve(KB, recs, [])
    assert entry["tie"] is False and entry["kept"] == a and "(6 vs 4)" in entry["reason"]


def test_rank_key_is_the_stated_order() -> None:
    a = _rec("led_lighting", 5, money=100.0)
    b = _rec("led_exposure_imaging", 5, money=200.0)
    c = _rec("compressed_air_optimisation", 6)
    assert sorted([a, b, c], key=rank_key) == [c, b, a]


def test_prerequisite_dropped_when_the_option_that_required_it_is_excluded() -> None:
    a, b = "complexed_copper_pretreatment", "wastewater_segregation"
    assert b in KB.options[a].prerequisites
    kept = "rodi_replacing_electroprecipitation"
    recs = {a: _rec(a, 5), kept: _rec(kept, 5)}
    constraints = [
        {"option": a, "relation": "requires", "other": "zero_liquid_discharge"},
        {"option": "zero_liquid_discharge", "relation": "excludes", "other": kept},
    ]
    log = resolve(KB, recs, constraints)
    assert set(recs) == {kept}
    kinds = [(e["option"], e["action"], e.get("kind")) for e in log]
    assert (b, "added", "prerequisite") in kinds
    assert (a, "excluded", "prerequisite_conflict") in kinds
    assert (b, "excluded", "premise_excluded") in kinds


def test_option_concluded_from_an_excluded_option_is_dropped() -> None:
    premise, dependent, rival = (
        "acid_etchant_electrolytic_regeneration",
        "recovered_copper_as_anode",
        "acid_etchant_air_regeneration",
    )
    p_node, d_node = f"recommendation:{premise}@step:inner_etching", f"recommendation:{dependent}@step:panel_plating"
    nodes = {
        p_node: TraceNode(p_node, "recommendation", {"option": premise, "subject_step": "inner_etching"}),
        d_node: TraceNode(
            d_node,
            "recommendation",
            {"option": dependent, "subject_step": "panel_plating"},
            premises=[p_node, "step:panel_plating"],
        ),
        "step:panel_plating": TraceNode("step:panel_plating", "step", {}),
    }
    recs = {
        premise: _rec(premise, 3, steps=["inner_etching"], because=[p_node]),
        dependent: _rec(dependent, 9, steps=["panel_plating"], because=[d_node, p_node]),
        rival: _rec(rival, 5),
    }
    log = resolve(KB, recs, [], nodes=nodes)
    assert set(recs) == {rival}
    (entry,) = [e for e in log if e["option"] == dependent]
    assert entry["kind"] == "premise_excluded" and entry["action"] == "excluded" and p_node in entry["reason"]
    assert KB.options[premise].name.zh in entry["text"]["zh"]


def test_examples_hold_no_option_resting_only_on_excluded_ones() -> None:
    plan = _plan(_data("demo_multilayer_hdi_large"))
    recs = _by_option(plan)
    for oid in ("recovered_copper_as_anode", "reuse_spent_acid_alkali_as_reagent"):
        if oid in recs:
            assert {"acid_etchant_electrolytic_regeneration", "alkaline_etchant_sx_ew"} & set(recs)


# ------------------------------------------------------------------------------------------------- in place


def test_already_in_place_option_is_not_recommended() -> None:
    plan = _plan(_data("demo_double_multilayer_mid"))
    assert "developer_controlled_replenishment" not in _by_option(plan)
    (entry,) = [e for e in plan["resolution"] if e["option"] == "developer_controlled_replenishment"]
    assert entry["kind"] == "already_in_place" and entry["action"] == "excluded"
    assert "q_additive_dosing@inner_developing = by_area_or_time" in entry["reason"]


def test_segregated_exhaust_in_place_is_not_recommended_when_outlets_are_not_compliant() -> None:
    data = _data("demo_double_multilayer_mid")
    data["answers"].update({"q_exhaust_stable_compliance": False, "q_exhaust_segregated_collection": True})
    assert "exhaust_segregated_collection" not in _by_option(_plan(data))
    data["answers"]["q_exhaust_segregated_collection"] = False
    assert "exhaust_segregated_collection" in _by_option(_plan(data))


def test_cyanide_free_gold_in_place_is_not_recommended() -> None:
    data = _data("demo_multilayer_hdi_large")
    data["answers"]["q_cyanide_baths"] = "other"
    _step(data, "finish_enig")["answers"]["q_gold_bath"] = "cyanide_free"
    assert "cyanide_free_gold" not in _by_option(_plan(data))
    _step(data, "finish_enig")["answers"]["q_gold_bath"] = "cyanide"
    assert "cyanide_free_gold" in _by_option(_plan(data))


def test_aoi_is_in_place_where_the_aoi_step_runs() -> None:
    si = parse_self_inspection(KB, _data("demo_multilayer_hdi_large")).inspection
    option = KB.options["aoi_early_defect_detection"]
    assert effect_status(KB, si, si.latest.year, option, "aoi").state == "in_place"
    assert effect_status(KB, si, si.latest.year, option, None).state == "in_place"


# ------------------------------------------------------------------------------------------------- line type


def test_conveyorised_line_gets_no_dragout_tank() -> None:
    data = _data("demo_single_sided_small")
    assert _step(data, "inner_etching")["answers"]["q_line_type"] == "horizontal_conveyor"
    plan = _plan(data)
    assert "inner_etching" not in _by_option(plan).get("dragout_recovery_tank", {"steps": []})["steps"]
    (entry,) = [e for e in plan["resolution"] if e["option"] == "dragout_recovery_tank"]
    assert entry["kind"] == "line_type" and entry["steps"] == ["inner_etching"]
    # the hoist drain time is not recommended on the conveyorised lines either, but still on the rack lines
    drain = _by_option(plan)["drain_time_extension"]["steps"]
    assert "inner_etching" not in drain and "finish_hasl" in drain


def test_unknown_line_type_keeps_the_option_and_asks_to_check_it() -> None:
    data = _data("demo_single_sided_small")
    _step(data, "inner_etching")["answers"]["q_line_type"] = "unknown"
    plan = _plan(data)
    rec = _by_option(plan)["dragout_recovery_tank"]
    assert "inner_etching" in rec["steps"]
    assert rec["to_check"] == [{"step": "inner_etching", "question": "q_line_type", "line_types": ["vertical_rack"]}]
    asked = [q for q in plan["questions_to_ask"] if q["question"] == "q_line_type" and q["step"] == "inner_etching"]
    assert asked and asked[0]["purpose"] == "fit" and "dragout_recovery_tank" in asked[0]["options"]
    assert any(e["kind"] == "line_type_unknown" and e["action"] == "check" for e in plan["resolution"])


# ------------------------------------------------------------------------------------------------- unknown


def test_etcher_control_unknown_is_a_question_not_a_recommendation() -> None:
    data = _data("demo_single_sided_small")
    etcher = _step(data, "inner_etching")["answers"]
    assert etcher["q_etchant_regeneration"] == "offsite_recovery"
    assert "etch_auto_control" in _by_option(_plan(data))
    etcher["q_etch_auto_control"] = "unknown"
    plan = _plan(data)
    assert "etch_auto_control" not in _by_option(plan)
    (question,) = [q for q in plan["questions_to_ask"] if q["question"] == "q_etch_auto_control"]
    assert question["step"] == "inner_etching" and question["purpose"] == "status"
    assert question["options"] == ["etch_auto_control"]
    assert question["text"]["zh"] == KB.questions["q_etch_auto_control"].text.zh
    (entry,) = [e for e in plan["resolution"] if e["option"] == "etch_auto_control"]
    assert entry["kind"] == "status_unknown" and "q_etch_auto_control@inner_etching" in entry["reason"]
    # known to be in place: neither recommended nor asked
    etcher["q_etch_auto_control"] = True
    plan = _plan(data)
    assert "etch_auto_control" not in _by_option(plan)
    assert not [q for q in plan["questions_to_ask"] if q["question"] == "q_etch_auto_control"]


# ------------------------------------------------------------------------------------------------- priority


def _priority(rec: Rec, name: str = "demo_single_sided_small") -> dict[str, Any]:
    si = parse_self_inspection(KB, _data(name)).inspection
    ev = evaluate(KB, si)
    blocking = {row["key"].split("[")[0] for row in ev.blocking.get("indicators", [])}
    limiting = {i.id for i in ev.instances if i.limiting}
    return priority(KB, rec, ev, blocking, room_to_lift(ev, limiting))


def test_compliance_part_counts_an_effluent_over_its_limit() -> None:
    over = {"id": "finding:effluent_over_limit@enterprise", "finding": "effluent_over_limit", "severity": "high"}
    with_it = _priority(Rec(KB.options["wastewater_segregation"], findings=[over]))
    without = _priority(Rec(KB.options["wastewater_segregation"]))
    assert with_it["parts"]["compliance"] == KB.plan_policies["default"].compliance_points > 0
    assert without["parts"]["compliance"] == 0


def test_money_part_by_buckets_and_level_lift() -> None:
    rich = _rec("led_lighting", 0, money=250000.0)
    poor = _rec("led_lighting", 0, money=500.0)
    assert _priority(rich)["parts"]["money"] == 3
    assert _priority(poor)["parts"]["money"] == 0
    assert _priority(Rec(KB.options["led_lighting"]))["parts"]["money"] == 0
    # one level_lift part replaces blocks_next_level and limiting, so a lift is not counted twice
    parts = _priority(Rec(KB.options["regular_cp_audit"]))["parts"]
    assert "blocks_next_level" not in parts and "limiting" not in parts and "level_lift" in parts


# ------------------------------------------------------------------------------------------------- shortlist


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_shortlist_heads_the_plan_with_recommended_options(path: Path) -> None:
    plan = _plan(_data(path.stem))
    key, recs = plan["key_options"], _by_option(plan)
    if not recs:
        assert key == []
        return
    min_key, max_key, top = shortlist_sizes(KB)
    assert min(min_key, len(recs)) <= len(key) <= max(max_key, top)
    assert all(k["option_id"] in recs for k in key)
    assert [k["rank"] for k in key] == list(range(1, len(key) + 1))
    assert all(k["why"] and k["text"]["zh"] and k["text"]["en"] for k in key)
    order = [r["option_id"] for r in plan["recommendations"]]
    assert [k["option_id"] for k in key] == sorted((k["option_id"] for k in key), key=order.index)
    assert len(plan["recommendations"]) == len(recs)  # the full list stays


def test_plans_hold_no_option_already_in_place_on_the_examples() -> None:
    for path in EXAMPLES:
        data = _data(path.stem)
        si = parse_self_inspection(KB, data).inspection
        plan = build_plan(KB, si, graph=GRAPH)
        for rec in plan["recommendations"]:
            if rec["origin"] != "rule":
                continue
            for step in rec["steps"] or [None]:
                status = effect_status(KB, si, si.latest.year, KB.options[rec["option_id"]], step)
                assert status.state not in ("in_place", "unknown"), (path.stem, rec["option_id"], step, status)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_shows_the_shortlist_first_by_name(lang: str) -> None:
    from explanations.plan_text import render_plan_text

    data = _data("demo_single_sided_small")
    _step(data, "inner_etching")["answers"]["q_etch_auto_control"] = "unknown"
    plan = _plan(data)
    text = render_plan_text(plan, lang, KB)
    head, _, annex = text.partition("全部方案（附录）" if lang == "zh" else "All options (annex)")
    assert annex, "the full list follows the shortlist as an annex"
    short = head[head.index("重点方案" if lang == "zh" else "Key options") :]
    for row in plan["key_options"]:
        name = getattr(KB.options[row["option_id"]].name, lang)
        assert name in short and row["option_id"] not in short
    assert getattr(KB.questions["q_etch_auto_control"].text, lang) in head
    assert all(r["measure_code"] in annex for r in plan["recommendations"])
