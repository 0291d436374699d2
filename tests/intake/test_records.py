"""What a real plant's records say can be entered, and each newly expressible fact reaches the engine:
unknown destinations, custom wastes with their national code, treatment chains, monitoring samples (below
detection, "≤"), permit limits, the discharge route, the plant pass rate, steps declared absent, a step's chemistry."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.evaluate.instances import compute_value
from engine.graph import build_graph
from engine.inference.effluent import effluent_facts
from engine.inference.facts import build_facts
from engine.inference.run import infer
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo_single_sided_small.json"


@pytest.fixture()
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return loaded


def _latest(d: dict[str, Any]) -> dict[str, Any]:
    year: dict[str, Any] = d["years"][-1]
    return year


def _step(d: dict[str, Any], step: str) -> dict[str, Any]:
    facts: dict[str, Any] = next(p for p in d["process"] if p["step"] == step)
    return facts


def _errors(kb: KnowledgeBase, d: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(kb, d)
    return [(e.path, e.rule) for e in info.value.errors]


def _waste(d: dict[str, Any], stream: str) -> tuple[int, dict[str, Any]]:
    wi, waste = next((i, w) for i, w in enumerate(_latest(d)["wastes"]) if w["stream"] == stream)
    return wi, waste


# ------------------------------------------------------------------------------------------- unknown destination


def test_unknown_destination_is_insufficient_data_not_recycled(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    wi, offcuts = _waste(data, "laminate_offcuts")
    offcuts["destination"] = "未知"
    si = parse_self_inspection(kb, data).inspection
    assert si.latest.wastes[wi].destination == "unknown"
    ev = evaluate(kb, si)
    inst = next(i for i in ev.instances if i.id == "general_solid_waste_utilisation")
    assert inst.level == "insufficient_data"
    assert f"years[1].wastes[{wi}].destination" in inst.missing
    result = infer(kb, si, ev, build_graph(kb), explain=False)
    found = [c for c in result.findings() if c["finding"] == "data_waste_destination_unknown"]
    assert found and found[0]["subject"] == "enterprise"
    stream = next(f for f in result.base if f["id"] == "stream:laminate_offcuts")
    assert stream["destination"] == "unknown" and "destination_kind" not in stream


def test_unknown_destination_leaves_the_copper_recovered_unknown(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    wi, etchant = _waste(data, "spent_acid_etchant")
    etchant["destination"] = "unknown"
    si = parse_self_inspection(kb, data).inspection
    computed = compute_value(kb, si, si.latest, kb.indicators["copper_recovery_rate"])
    assert computed.value is None
    assert f"years[1].wastes[{wi}].destination" in computed.missing


def test_an_unknown_kb_destination_is_still_refused(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _, etchant = _waste(data, "spent_acid_etchant")
    etchant["destination"] = "somewhere"
    assert ("years[1].wastes[0].destination", "unknown_destination") in _errors(kb, data)


# -------------------------------------------------------------------------------------------------- custom wastes

RAGS = {
    "stream": "custom",
    "name": "废抹布手套",
    "hw_code": "HW49 900-041-49",
    "category": "hazardous",
    "quantity": {"value": 1.2, "unit": "t"},
    "destination": "licensed_disposal",
}


def test_custom_waste_with_its_national_code(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _latest(data)["wastes"].append(dict(RAGS))
    validated = parse_self_inspection(kb, data)
    waste = validated.inspection.latest.wastes[-1]
    assert (waste.custom, waste.label, waste.hw_code) == (True, "废抹布手套", "HW49 900-041-49")
    assert validated.warnings == []
    facts = build_facts(kb, validated.inspection, evaluate(kb, validated.inspection), build_graph(kb))
    assert not any(f["id"].startswith("stream:custom") for f in facts.facts)


@pytest.mark.parametrize(
    ("patch", "rule"),
    [
        ({"hw_code": "HW49 900-041-08"}, "hw_code_format"),
        ({"hw_code": "49"}, "hw_code_format"),
        ({"category": "general"}, "hw_code_not_hazardous"),
        ({"name": None}, "custom_stream_name"),
    ],
)
def test_custom_waste_errors(kb: KnowledgeBase, data: dict[str, Any], patch: dict[str, Any], rule: str) -> None:
    _latest(data)["wastes"].append({**RAGS, **patch})
    wi = len(_latest(data)["wastes"]) - 1
    assert (f"years[1].wastes[{wi}]", rule) in _errors(kb, data)


def test_custom_hazardous_waste_without_code_warns(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    rags = {k: v for k, v in RAGS.items() if k != "hw_code"}
    rags["destination"] = "unknown"
    _latest(data)["wastes"].append(rags)
    validated = parse_self_inspection(kb, data)
    assert [w.rule for w in validated.warnings] == ["hw_code_missing"]
    ev = evaluate(kb, validated.inspection)
    ent = next(f for f in build_facts(kb, validated.inspection, ev, build_graph(kb)).facts if f["id"] == "enterprise")
    assert ent["wastes_destination_unknown_list"] == "废抹布手套"


def test_kb_stream_with_a_code_of_another_category_warns(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _latest(data)["wastes"].append(  # the knowledge base files spent tin stripper under 900-305-34 (HW34)
        {
            "stream": "spent_tin_stripper",
            "hw_code": "HW22",
            "category": "hazardous",
            "quantity": {"value": 3, "unit": "t"},
            "destination": "offsite_recycling",
        }
    )
    validated = parse_self_inspection(kb, data)
    assert [w.rule for w in validated.warnings] == ["hw_code_differs"]


# ------------------------------------------------------------------------------------------------ treatment chain


def test_treatment_chain_with_unit_counts_is_read_as_the_step_answer(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    del _step(data, "pre_clean")["answers"]["q_line_exhaust_treatment"]
    del _step(data, "cutting")["answers"]["q_dust_collection"]
    data["exhaust_sources"] = [
        {
            "name": "DA001 酸性废气排气筒",
            "steps": ["pre_clean"],
            "treatment": [
                {"unit": "water_spray", "count": 2},
                {"unit": "uv_photolysis"},
                {"unit": "activated_carbon", "count": 1},
            ],
        },
        {"name": "DA002 粉尘", "steps": ["cutting"], "treatment": [{"unit": "bag_filter"}], "dust_recovered": True},
    ]
    si = parse_self_inspection(kb, data).inspection
    assert [s.count for s in si.exhaust_sources[0].treatment] == [2, 1, 1]
    answers = {f.step: f.answers for f in si.process}
    assert answers["pre_clean"]["q_line_exhaust_treatment"] == "uv_photolysis"
    assert answers["cutting"]["q_dust_collection"] == "collection_recovery"


def test_a_stated_answer_must_agree_with_the_chain(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    data["exhaust_sources"] = [
        {"name": "DA001", "steps": ["inner_etching", "cutting"], "treatment": [{"unit": "uv_photolyis"}]},
        {"name": "DA003", "steps": ["pre_clean"], "treatment": [{"unit": "rto"}]},
    ]
    errors = _errors(kb, data)
    assert ("exhaust_sources[0].treatment[0].unit", "unknown_treatment_unit") in errors
    pi = next(i for i, p in enumerate(data["process"]) if p["step"] == "pre_clean")
    assert (f"process[{pi}].answers.q_line_exhaust_treatment", "exhaust_chain_conflict") in errors


def test_exhaust_source_names_steps_that_are_run(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    data["exhaust_sources"] = [{"name": "DA001", "steps": ["alkaline_etching", "etchng"], "treatment": []}]
    errors = _errors(kb, data)
    assert ("exhaust_sources[0].steps[0]", "exhaust_step_not_run") in errors
    assert ("exhaust_sources[0].steps[1]", "unknown_step") in errors


# ----------------------------------------------------------------------------------- samples and permit limits


def _discharge(d: dict[str, Any]) -> dict[str, Any]:
    outlet: dict[str, Any] = next(o for o in _latest(d)["wastewater"]["outlets"] if o["position"] == "discharge")
    return outlet


def test_below_detection_and_qualified_samples(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    outlet = _discharge(data)
    del outlet["concentrations"]["cu"]
    outlet["samples"] = [
        {"pollutant": "cu", "date": "2025-03-02", "value": 0.3},
        {"pollutant": "cu", "date": "2025-06-02", "below_detection": True, "detection_limit": 0.05},
        {"pollutant": "cu", "date": "2025-09-02", "value": 0.029, "qualifier": "≤"},
    ]
    si = parse_self_inspection(kb, data).inspection
    parsed = si.latest.wastewater.outlets[1]
    assert parsed.samples[2].qualifier == "<=" and parsed.samples[1].censored
    assert parsed.concentrations.cu is not None
    assert parsed.concentrations.cu.canonical() == (Decimal("0.3") + Decimal("0.05") + Decimal("0.029")) / 3
    cu = next(e for e in effluent_facts(kb, si, 2025) if e.fact["pollutant"] == "cu")
    assert cu.fact["value"] == Decimal("0.3") and cu.fact["statistic"] == "maximum" and cu.fact["samples"] == 3
    assert cu.fact["upper_bound"] is False
    assert [i["path"] for i in cu.inputs][:3] == [f"years[1].wastewater.outlets[1].samples[{i}]" for i in range(3)]


def test_a_dumped_self_inspection_reads_back_the_same(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _discharge(data)["samples"] = [{"pollutant": "ni", "value": 0.1}, {"pollutant": "ni", "value": 0.2}]
    si = parse_self_inspection(kb, data).inspection
    again = parse_self_inspection(kb, si.model_dump(mode="json")).inspection
    assert again == si
    assert again.latest.wastewater.outlets[1].derived("ni")


def test_sample_errors(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _discharge(data)["samples"] = [
        {"pollutant": "cu", "below_detection": True},
        {"pollutant": "cu"},
        {"pollutant": "zn", "value": 1},
    ]
    errors = _errors(kb, data)
    base = "years[1].wastewater.outlets[1].samples"
    assert (f"{base}[0]", "detection_limit_missing") in errors
    assert (f"{base}[1]", "sample_value_missing") in errors
    assert (f"{base}[2].pollutant", "literal_error") in errors


def test_permit_limit_binds_the_sample_maximum(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    ww = _latest(data)["wastewater"]
    ww["permit_limits"] = {"permit_number": "91440300MA5TEST01V001P", "cu": {"value": 0.25, "unit": "mg/L"}}
    ww["discharge_route"] = "municipal_sewer"
    outlet = _discharge(data)
    del outlet["concentrations"]["cu"]
    outlet["samples"] = [{"pollutant": "cu", "value": 0.2}, {"pollutant": "cu", "value": 0.28}]
    si = parse_self_inspection(kb, data).inspection
    cu = next(e for e in effluent_facts(kb, si, 2025) if e.fact["pollutant"] == "cu")
    assert cu.fact["limit_basis"] == "permit" and cu.fact["limit"] == Decimal("0.25")
    assert cu.fact["margin"] == Decimal("0.03") and cu.fact["discharge_route"] == "municipal_sewer"


def test_a_detection_limit_above_the_limit_says_nothing(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _latest(data)["wastewater"]["permit_limits"] = {"cu": {"value": 0.1, "unit": "mg/L"}}
    outlet = _discharge(data)
    del outlet["concentrations"]["cu"]
    outlet["samples"] = [{"pollutant": "cu", "below_detection": True, "detection_limit": 0.2}]
    si = parse_self_inspection(kb, data).inspection
    cu = next(e for e in effluent_facts(kb, si, 2025) if e.fact["pollutant"] == "cu")
    assert cu.fact["upper_bound"] is True and cu.fact["limit_undetermined"] is True
    assert "margin" not in cu.fact and "limit" not in cu.fact


def test_flow_weighted_load(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    raw = next(o for o in _latest(data)["wastewater"]["outlets"] if o["position"] == "before_treatment")
    del raw["concentrations"]["cu"]
    raw["samples"] = [
        {"pollutant": "cu", "value": 100, "flow": {"value": 10, "unit": "m3"}},
        {"pollutant": "cu", "value": 200, "flow": {"value": 30, "unit": "m3"}},
    ]
    si = parse_self_inspection(kb, data).inspection
    computed = compute_value(kb, si, si.latest, kb.indicators["copper_in_wastewater_per_m2"])
    volume = Decimal(5000)
    assert computed.value == Decimal(175) * volume / Decimal(50000)
    assert any("flow_weighted of 2 sample(s)" in n for n in computed.notes)


# ------------------------------------------------------------------------- pass rate, absent steps, chemistry


def test_plant_pass_rate(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _latest(data)["pass_rate"] = {"value": 94.2, "unit": "%"}
    si = parse_self_inspection(kb, data).inspection
    ent = next(f for f in build_facts(kb, si, evaluate(kb, si), build_graph(kb)).facts if f["id"] == "enterprise")
    assert ent["pass_rate"] == 94.2
    _latest(data)["pass_rate"] = {"value": 40, "unit": "%"}
    warnings = parse_self_inspection(kb, data).warnings
    assert ("years[1].pass_rate", "implausibly_low") in [(w.path, w.rule) for w in warnings]


def test_absent_steps_make_route_warnings_not_errors(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    data["process"] = [p for p in data["process"] if p["step"] not in ("finish_hasl", "finish_osp")]
    _step(data, "legend_printing").update(run=False, absent_reason="outsourced", answers={})
    validated = parse_self_inspection(kb, data)
    assert [(w.path, w.rule) for w in validated.warnings] == [("process", "route_not_declared")]
    assert "finish_hasl" in validated.warnings[0].message_en and "finish_hasl" in validated.warnings[0].message_zh
    assert "legend_printing" not in validated.inspection.steps_run()


def test_absent_reason_only_for_a_step_not_run(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _step(data, "legend_printing")["absent_reason"] = "outsourced"
    pi = next(i for i, p in enumerate(data["process"]) if p["step"] == "legend_printing")
    assert (f"process[{pi}]", "absent_reason_for_step_run") in _errors(kb, data)


def test_inner_layer_etching_ammoniacal(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _step(data, "inner_etching")["chemistry"] = "ammoniacal"
    _latest(data)["wastes"].append(
        {
            "stream": "spent_alkaline_etchant",
            "category": "hazardous",
            "quantity": {"value": 20, "unit": "t"},
            "destination": "offsite_recycling",
        }
    )
    si = parse_self_inspection(kb, data).inspection
    facts = build_facts(kb, si, evaluate(kb, si), build_graph(kb)).facts
    step = next(f for f in facts if f["id"] == "step:inner_etching")
    assert step["chemistry"] == "ammoniacal" and "spent_alkaline_etchant" in step["streams"]
    assert "spent_acid_etchant" not in step["streams"]
    stream = next(f for f in facts if f["id"] == "stream:spent_alkaline_etchant")
    assert stream["produced_by"] == ["inner_etching"]


def test_a_chemistry_outside_the_allowed_set(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    _step(data, "inner_etching")["chemistry"] = "ferric_chloride"
    _step(data, "cutting")["chemistry"] = "ammoniacal"
    pi = [i for i, p in enumerate(data["process"]) if p["step"] in ("cutting", "inner_etching")]
    errors = _errors(kb, data)
    assert all((f"process[{i}].chemistry", "unknown_chemistry") in errors for i in pi)


def test_examples_still_load_unchanged(kb: KnowledgeBase) -> None:
    for path in sorted(EXAMPLE.parent.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        before = copy.deepcopy(raw)
        si = parse_self_inspection(kb, raw).inspection
        assert raw == before and raw["schema_version"] == "1" and si.schema_version == "2"


def test_the_json_manual_lists_treatment_units_and_chemistries(kb: KnowledgeBase) -> None:
    from engine.manual import build_manual

    manual = build_manual(kb)
    assert [c["id"] for c in manual["step_chemistries"]["inner_etching"]] == ["cupric_chloride", "ammoniacal"]
    units = {u["id"]: u for u in manual["treatment_units"]}
    assert units["uv_photolysis"]["exhaust_choice"] == "uv_photolysis" and units["bag_filter"]["dust"] is True
