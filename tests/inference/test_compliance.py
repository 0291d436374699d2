"""Effluent compliance on the real knowledge base: monitored outlet concentrations against the GB 21900-2008 tables
and the plant's permit limits (engine/inference/effluent.py, knowledge_base/rules/compliance.yaml)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.graph import build_graph
from engine.inference.run import InferenceResult, infer
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase
from explanations.rationale import render_rationale

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MID = json.loads((EXAMPLES / "demo_double_multilayer_mid.json").read_text(encoding="utf-8"))
CU = "effluent:1:cu"  # the mid example's main outlet is outlets[1]
OVER = f"finding:effluent_over_limit@{CU}"
NEAR = f"finding:effluent_near_limit@{CU}"


@pytest.fixture(scope="module")
def graph(kb: KnowledgeBase) -> Any:
    return build_graph(kb)


def run(kb: KnowledgeBase, graph: Any, data: dict[str, Any], engine: str = "durable") -> InferenceResult:
    si = parse_self_inspection(kb, data).inspection
    return infer(kb, si, evaluate(kb, si), graph, engine=engine)


def mid(cu: float | str = 0.4, **wastewater: Any) -> dict[str, Any]:
    """The mid example with its latest year's main-outlet copper set and wastewater fields added."""
    data = copy.deepcopy(MID)
    ww = data["years"][-1]["wastewater"]
    main = ww["outlets"][1]
    assert main["position"] == "discharge"
    main["concentrations"]["cu"] = {"value": cu, "unit": "mg/L"}
    ww.update(wastewater)
    return data


def fact(result: InferenceResult, fid: str) -> dict[str, Any]:
    return next(f for f in result.base if f["id"] == fid)


def conclusion(result: InferenceResult, cid: str) -> dict[str, Any] | None:
    return next((c for c in result.conclusions if c["id"] == cid), None)


def test_mid_example_copper_against_both_tables(kb: KnowledgeBase, graph: Any) -> None:
    """Cu 0.4 mg/L at the main outlet, no table stated: within Table 2 (0.5) but above Table 3 (0.3)."""
    result = run(kb, graph, copy.deepcopy(MID))
    cu = fact(result, CU)
    assert cu["value"] == 0.4 and cu["position"] == "discharge" and cu["applies_at"] == "discharge"
    assert cu["limit_table2"] == 0.5 and cu["limit_table3"] == 0.3
    assert cu["limit"] == 0.3 and cu["limit_basis"] == "table3" and cu["limit_assumed"] is True
    assert cu["margin"] == 0.1 and cu["ratio_to_limit"] == pytest.approx(4 / 3, abs=1e-6)
    assert cu["margin_table2"] == -0.1
    finding = conclusion(result, OVER)
    assert finding is not None
    assert finding["severity"] == "medium"  # an exceedance only where Table 3 applies
    assert finding["subject_pollutant"] == "cu" and finding["subject_outlet"] == "废水总排放口"
    node = result.trace.nodes[OVER]
    assert node.rule == "cmp_effluent_over_special_limit_assumed"
    limits = {p["name"]: (p["value"], p["source"], p["grade"]) for p in node.parameters}
    assert limits["GB 21900-2008 Table 3 (special limits): total copper"] == (0.3, "GB21900_RECALL", "U")
    assert limits["GB 21900-2008 Table 2: total copper"] == (0.5, "GB21900_T2_CODE", "C")
    en = render_rationale(kb, result.trace, OVER, "en")
    assert "0.4 mg/L" in en and "Table 3 special limit of 0.3 mg/L by 0.1 mg/L" in en
    assert "Table 2 limit of 0.5 mg/L" in en
    zh = render_rationale(kb, result.trace, OVER, "zh")
    assert "总铜为 0.4 mg/L" in zh and "超出 0.1 mg/L" in zh
    # not certain, so the answer "stably compliant" is not contradicted
    assert conclusion(result, "finding:data_compliance_answer_contradicted@enterprise") is None


def test_stated_table3_is_a_certain_exceedance(kb: KnowledgeBase, graph: Any) -> None:
    result = run(kb, graph, mid(gb21900_table="table3"))
    cu = fact(result, CU)
    assert cu["table"] == "table3" and cu["limit_assumed"] is False and cu["limit_basis"] == "table3"
    finding = conclusion(result, OVER)
    assert finding is not None and finding["severity"] == "high"
    assert result.trace.nodes[OVER].rule == "cmp_effluent_over_limit"
    zh = render_rationale(kb, result.trace, OVER, "zh")
    assert "超过GB 21900-2008 表3（特别排放限值）限值 0.3 mg/L，超出 0.1 mg/L" in zh
    assert "企业废水总排放口" in zh  # the position, localised
    # the monitoring wins: not stably compliant, and the 'yes' answer is contradicted
    assert conclusion(result, "finding:ww_effluent_not_stable@enterprise") is not None
    contradicted = conclusion(result, "finding:data_compliance_answer_contradicted@enterprise")
    assert contradicted is not None and contradicted["severity"] == "high"
    cid = "finding:data_compliance_answer_contradicted@enterprise"
    derivations = result.trace.nodes[cid].derivations
    at = next(i for i, d in enumerate(derivations) if OVER in d["premises"])  # one derivation per exceedance
    text = render_rationale(kb, result.trace, cid, "en", derivation=at)
    assert "stably compliant: yes" in text and "total copper at 废水总排放口 is 0.4 mg/L" in text


def test_stated_table2_compliant_but_near(kb: KnowledgeBase, graph: Any) -> None:
    result = run(kb, graph, mid(gb21900_table="table2"))
    assert conclusion(result, OVER) is None
    near = conclusion(result, NEAR)
    assert near is not None and near["severity"] == "medium"
    params = result.trace.nodes[NEAR].parameters
    assert any(p["source"] == "SMART_AUDIT_DESIGN" and p["grade"] == "U" and p["value"] == 0.8 for p in params)


def test_above_table2_without_a_table_is_certain(kb: KnowledgeBase, graph: Any) -> None:
    result = run(kb, graph, mid(cu=0.7))
    finding = conclusion(result, OVER)
    assert finding is not None and finding["severity"] == "high"
    rules = {d["rule"] for d in result.trace.nodes[OVER].derivations} | {result.trace.nodes[OVER].rule}
    assert "cmp_effluent_over_table2_table_unstated" in rules
    assert fact(result, CU)["margin_table2"] == pytest.approx(0.2)


def test_permit_stricter_than_gb_gives_an_exceedance(kb: KnowledgeBase, graph: Any) -> None:
    permit = {"permit_number": "9144030012345678XY001P", "cu": {"value": 0.2, "unit": "mg/L"}}
    result = run(kb, graph, mid(cu=0.25, gb21900_table="table3", permit_limits=permit))
    cu = fact(result, CU)
    assert cu["ratio_to_table3"] < 1 and cu["ratio_to_table2"] < 1  # GB met
    assert cu["limit_basis"] == "permit" and cu["limit"] == 0.2 and cu["margin"] == pytest.approx(0.05)
    assert cu["permit_number"] == "9144030012345678XY001P"
    finding = conclusion(result, OVER)
    assert finding is not None and finding["severity"] == "high"
    en = render_rationale(kb, result.trace, OVER, "en")
    assert "above the discharge permit limit of 0.2 mg/L by 0.05 mg/L" in en
    assert {i for i in result.trace.nodes[CU].premises} >= {"input:years[2].wastewater.permit_limits.cu"}


def test_permit_limit_replaces_the_assumed_table3(kb: KnowledgeBase, graph: Any) -> None:
    """No table stated, but the permit gives the copper limit: Table 3 is no longer assumed."""
    result = run(kb, graph, mid(permit_limits={"cu": {"value": 0.5, "unit": "mg/L"}}))
    cu = fact(result, CU)
    assert cu["limit"] == 0.5 and cu["limit_basis"] == "permit" and cu["limit_assumed"] is False
    assert conclusion(result, OVER) is None
    assert conclusion(result, NEAR) is not None  # 0.4 of 0.5 = 80 %


def test_below_both_gives_no_finding(kb: KnowledgeBase, graph: Any) -> None:
    permit = {"cu": {"value": 0.3, "unit": "mg/L"}}
    result = run(kb, graph, mid(cu=0.1, gb21900_table="table3", permit_limits=permit))
    assert fact(result, CU)["ratio_to_limit"] == pytest.approx(1 / 3, abs=1e-6)
    assert conclusion(result, OVER) is None and conclusion(result, NEAR) is None


def test_unknown_value_gives_no_fact(kb: KnowledgeBase, graph: Any) -> None:
    result = run(kb, graph, mid(cu="unknown", gb21900_table="table3"))
    assert all(f["id"] != CU for f in result.base)
    assert conclusion(result, OVER) is None


def test_class_i_limit_applies_at_the_workshop_outlet(kb: KnowledgeBase, graph: Any) -> None:
    """Nickel above the Table 3 limit at the main outlet is not compared there; at the workshop outlet it is."""
    data = mid(gb21900_table="table3")
    ww = data["years"][-1]["wastewater"]
    ww["outlets"][1]["concentrations"]["ni"] = {"value": 0.3, "unit": "mg/L"}
    ww["outlets"].append(
        {
            "name": "含镍车间排放口",
            "position": "workshop_outlet",
            "concentrations": {"ni": {"value": 0.3, "unit": "mg/L"}},
        }
    )
    result = run(kb, graph, data)
    at_main = fact(result, "effluent:1:ni")
    assert at_main["compared"] is False and at_main["applies_at"] == "workshop_outlet" and "limit" not in at_main
    assert conclusion(result, "finding:effluent_over_limit@effluent:1:ni") is None
    at_workshop = fact(result, "effluent:2:ni")
    assert at_workshop["limit"] == 0.1 and at_workshop["class_i"] is True
    finding = conclusion(result, "finding:effluent_over_limit@effluent:2:ni")
    assert finding is not None and finding["severity"] == "high"
    assert conclusion(result, "recommendation:nickel_cyanide_segregated_treatment") is not None


def _premises(result: InferenceResult, rid: str) -> set[str]:
    node = result.trace.nodes[rid]
    return {p for d in node.derivations or [{"premises": node.premises}] for p in d["premises"]}


def test_copper_exceedance_recommends_copper_options(kb: KnowledgeBase, graph: Any) -> None:
    result = run(kb, graph, mid(gb21900_table="table3"))
    for rid in (
        "recommendation:effluent_copper_electrolysis@step:wastewater_treatment",
        "recommendation:complexed_copper_pretreatment",
        "recommendation:plating_rinse_copper_recovery@step:pattern_plating",
        "recommendation:wastewater_segregation",
    ):
        assert OVER in _premises(result, rid), rid


def test_cod_and_ammonia_exceedances_recommend_their_options(kb: KnowledgeBase, graph: Any) -> None:
    data = mid(gb21900_table="table3")
    data["answers"]["q_high_cod_liquids_separated"] = False
    result = run(kb, graph, data)
    cod = "finding:effluent_over_limit@effluent:1:cod"  # 55 > 50
    nh3n = "finding:effluent_over_limit@effluent:1:nh3n"  # 9 > 8
    assert conclusion(result, cod)["severity"] == "high"  # type: ignore[index]
    cracking = [r for r in result.conclusions if r["id"].startswith("recommendation:high_cod_acid_cracking@")]
    assert cracking and all(cod in _premises(result, r["id"]) for r in cracking)
    assert nh3n in _premises(result, "recommendation:etch_rinse_ammonia_free_prerinse@step:alkaline_etching")


def test_durable_and_plain_agree_on_compliance(kb: KnowledgeBase, graph: Any) -> None:
    permit = {"cu": {"value": 0.2, "unit": "mg/L"}, "cod": {"value": 60, "unit": "mg/L"}}
    data = mid(cu=0.00005, gb21900_table="table2", permit_limits=permit)  # a tiny value: no exponent notation
    durable = run(kb, graph, data)
    plain = run(kb, graph, data, engine="plain")
    assert durable.conclusions == plain.conclusions
    assert fact(durable, CU)["value"] == 0.0


def test_intake_fields_are_validated(kb: KnowledgeBase) -> None:
    with pytest.raises(SelfInspectionInvalid) as exc:
        parse_self_inspection(kb, mid(gb21900_table="table4"))
    assert any(e.path == "years[2].wastewater.gb21900_table" for e in exc.value.errors)
    with pytest.raises(SelfInspectionInvalid) as exc:
        parse_self_inspection(kb, mid(permit_limits={"cu": {"value": 0, "unit": "mg/L"}}))
    assert any(e.path.startswith("years[2].wastewater.permit_limits") for e in exc.value.errors)
