"""Bilingual intake: Chinese answers accepted where the manual offers them, every message in Chinese and English,
every error in one round, and a completeness report wherever the self-inspection is evaluated."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from engine.evaluate.evaluation import evaluate
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase, load_kb
from tests.evaluate.test_minimal import BASE
from tests.intake.test_validate import CASES, Patch

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "demo_single_sided_small.json"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_chinese_answers_become_the_canonical_values(kb: KnowledgeBase) -> None:
    data = _example()
    data["answers"]["q_no_obsolete_equipment"] = "是"
    data["answers"]["q_site_tidy_safe"] = "否"
    data["answers"]["q_high_automation"] = "不清楚"
    layout = kb.questions["q_plant_layout"]
    data["answers"]["q_plant_layout"] = next(c.text.zh for c in layout.choices if c.value == "rational")
    cutting = next(p for p in data["process"] if p["step"] == "cutting")
    cutting["answers"]["q_panel_layout_auto"] = "是"
    cutting["answers"]["q_dust_collection"] = "有吸尘装置，粉尘未回收"
    data["years"][-1]["resources"]["reused_water"] = {"value": "未知", "unit": "m3"}
    si = parse_self_inspection(kb, data).inspection
    assert si.answers["q_no_obsolete_equipment"] is True and si.answers["q_site_tidy_safe"] is False
    assert si.answers["q_high_automation"] == "unknown" and si.answers["q_plant_layout"] == "rational"
    facts = next(f for f in si.process if f.step == "cutting").answers
    assert facts["q_panel_layout_auto"] is True and facts["q_dust_collection"] == "extraction_only"
    assert si.latest.resources.reused_water is not None and si.latest.resources.reused_water.value == "unknown"


def test_numbers_written_as_text_and_english_choice_texts(kb: KnowledgeBase) -> None:
    data = _example()
    pre = next(p for p in data["process"] if p["step"] == "pre_clean")
    pre["answers"]["q_rinse_stages"] = "2"
    rinse = kb.questions["q_rinse_type"]
    pre["answers"]["q_rinse_type"] = rinse.choices[-1].text.en.upper()
    facts = next(f for f in parse_self_inspection(kb, data).inspection.process if f.step == "pre_clean")
    assert facts.answers["q_rinse_stages"] == 2 and facts.answers["q_rinse_type"] == rinse.choices[-1].value


@pytest.fixture(scope="module")
def mini(minimal_kb_path: Path) -> KnowledgeBase:
    return load_kb(minimal_kb_path)


@pytest.mark.parametrize(("name", "patch", "path", "rule"), CASES, ids=[c[0] for c in CASES])
def test_every_message_in_chinese_and_english(
    mini: KnowledgeBase, name: str, patch: Patch, path: str, rule: str
) -> None:
    data = copy.deepcopy(BASE)
    patch(data)
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(mini, data)
    for err in info.value.errors:
        assert CJK.search(err.message_zh), f"{name}: {err.path} has no Chinese text: {err.message_zh!r}"
        assert err.message_en and not CJK.search(err.message_en.replace("宝安区", "")), err.message_en
        assert err.message_zh != err.message_en


def test_pydantic_messages_are_translated(mini: KnowledgeBase) -> None:
    data = copy.deepcopy(BASE)
    data["years"][0]["resources"]["electricity"] = {"value": "lots", "unit": "kWh"}
    data["years"][0]["resources"]["fresh_watter"] = {"value": 1, "unit": "m3"}
    data["years"][0]["products"][0]["output"]["unit"] = "ft2"
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(mini, data)
    by_rule = {e.rule: e for e in info.value.errors}
    assert by_rule["decimal_parsing"].message_zh.startswith("应为数字")
    assert by_rule["extra_forbidden"].message_zh == "未知字段 'fresh_watter'"
    assert "'m2'" in by_rule["literal_error"].message_zh and "应为以下之一" in by_rule["literal_error"].message_zh


def test_types_and_unknown_ids_come_in_one_round(kb: KnowledgeBase) -> None:
    data = _example()
    data["years"][-1]["resources"]["electricity"]["value"] = "a lot"  # a type error
    data["answers"]["q_no_such_question"] = True  # an unknown question id
    data["process"][0]["step"] = "cuttng"  # an unknown step id
    data["years"][-1]["wastes"][0]["destination"] = "landfil"  # an unknown destination
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(kb, data)
    rules = {(e.path, e.rule) for e in info.value.errors}
    assert {
        ("years[1].resources.electricity.value", "decimal_parsing"),
        ("answers.q_no_such_question", "unknown_question"),
        ("process[0].step", "unknown_step"),
        ("years[1].wastes[0].destination", "unknown_destination"),
    } <= rules


@pytest.mark.parametrize(("lang", "words"), [("zh", "没有工序 'cuttng'"), ("en", "there is no process step 'cuttng'")])
def test_cli_prints_errors_in_the_session_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    data = _example()
    data["process"][0]["step"] = "cuttng"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", str(path), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert words in err and "process[0].step" in err and "[unknown_step]" in err


def test_a_file_without_answers_reports_its_completeness(kb: KnowledgeBase) -> None:
    data = _example()
    data["answers"] = {}
    for step in data["process"]:
        step.pop("answers", None)
    report = evaluate(kb, parse_self_inspection(kb, data).inspection).as_dict()["completeness"]
    assert report["answered"] == 0 and report["applicable"] > 100 and report["percent"] == 0
    sections = {s["id"]: s for s in report["sections"]}
    assert set(sections) == set(kb.sections)
    assert sections["management"]["applicable"] == len(
        [q for q in kb.questions.values() if q.section == "management" and q.scope == "enterprise"]
    )
    assert "answers.q_no_obsolete_equipment" in sections["process_equipment"]["unanswered"]
    qualitative = next(i for i in report["indicators"] if i["id"] == "pe_basic")
    assert qualitative["answered"] == 0 and qualitative["applicable"] > 0
    electricity = next(i for i in report["indicators"] if i["id"] == "electricity_per_m2")
    assert electricity["answered"] == electricity["applicable"] == 2


def test_completeness_counts_step_questions_per_step_run(kb: KnowledgeBase) -> None:
    data = _example()
    full = evaluate(kb, parse_self_inspection(kb, data).inspection).completeness
    pre = next(p for p in data["process"] if p["step"] == "pre_clean")
    pre["answers"]["q_rinse_stages"] = "unknown"
    less = evaluate(kb, parse_self_inspection(kb, data).inspection).completeness
    steps = {s["id"]: s for s in less["sections"]}["process_steps"]
    pi = data["process"].index(pre)
    assert f"process[{pi}].answers.q_rinse_stages" in steps["unanswered"]
    assert less["answered"] == full["answered"] - 1 and less["applicable"] == full["applicable"]


def test_cli_evaluate_and_plan_carry_completeness(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(EXAMPLE), "--lang", "en"]) == 0
    assert "Completeness: answered" in capsys.readouterr().out
    assert main(["plan", str(EXAMPLE), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["completeness"] == plan["evaluation"]["completeness"] and plan["completeness"]["applicable"] > 0
