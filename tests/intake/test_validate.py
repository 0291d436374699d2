"""Bad self-inspections get errors naming the field path and the rule; nothing is accepted half."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.intake.model import json_schema
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase, load_kb
from tests.evaluate.test_minimal import BASE, q


@pytest.fixture(scope="module")
def mini(minimal_kb_path: Path) -> KnowledgeBase:
    return load_kb(minimal_kb_path)


def _y(d: dict[str, Any]) -> dict[str, Any]:
    return d["years"][0]


Patch = Callable[[dict[str, Any]], None]

CASES: list[tuple[str, Patch, str, str]] = [
    (
        "wrong unit",
        lambda d: _y(d)["resources"].update(electricity=q(10, "kwh")),
        "years[0].resources.electricity.unit",
        "literal_error",
    ),
    (
        "wrong type",
        lambda d: _y(d)["resources"].update(electricity=q("lots", "kWh")),
        "years[0].resources.electricity.value",
        "decimal_parsing",
    ),
    (
        "negative",
        lambda d: _y(d)["resources"].update(fresh_water=q(-5, "m3")),
        "years[0].resources.fresh_water",
        "negative",
    ),
    (
        "zero output",
        lambda d: _y(d)["products"][0].update(output=q(0, "m2")),
        "years[0].products[0].output.value",
        "must_be_positive",
    ),
    (
        "zero electricity",
        lambda d: _y(d)["resources"].update(electricity=q(0, "kWh")),
        "years[0].resources.electricity.value",
        "must_be_positive",
    ),
    (
        "rate over 100",
        lambda d: _y(d)["products"][0].update(pass_rate=q(120, "%")),
        "years[0].products[0].pass_rate",
        "percent_range",
    ),
    (
        "unknown field",
        lambda d: _y(d)["resources"].update(fresh_watter=q(1, "m3")),
        "years[0].resources.fresh_watter",
        "extra_forbidden",
    ),
    ("years out of order", lambda d: d.update(reporting_years=[2024, 2023]), "reporting_years", "years_order"),
    ("years not matching", lambda d: d.update(reporting_years=[2023]), "(root)", "years_match"),
    (
        "multilayer without layers",
        lambda d: _y(d)["products"][0].update(construction="multilayer"),
        "years[0].products[0]",
        "layers_missing",
    ),
    ("unknown question", lambda d: d["answers"].update(q_okk=True), "answers.q_okk", "unknown_question"),
    ("wrong answer type", lambda d: d["answers"].update(q_ok="maybe"), "answers.q_ok", "answer_type"),
    (
        "step question at enterprise level",
        lambda d: d["answers"].update(q_rinse_stages=2),
        "answers.q_rinse_stages",
        "answer_scope",
    ),
    (
        "answer out of range",
        lambda d: d["process"][1]["answers"].update(q_rinse_stages=40),
        "process[1].answers.q_rinse_stages",
        "answer_range",
    ),
    (
        "question for another family",
        lambda d: d["process"][0].update(answers={"q_rinse_stages": 2}),
        "process[0].answers.q_rinse_stages",
        "answer_scope",
    ),
    ("unknown step", lambda d: d["process"].append({"step": "etchng"}), "process[3].step", "unknown_step"),
    (
        "parts exceed total",
        lambda d: _y(d)["resources"].update(
            electricity_by_workshop=[
                {"name": "A", "value": 3000, "unit": "kWh"},
                {"name": "B", "value": 2000, "unit": "kWh"},
            ]
        ),
        "years[0].resources.electricity_by_workshop",
        "parts_exceed_total",
    ),
    (
        "discharged more than generated",
        lambda d: _y(d)["wastewater"].update(discharged=q(300, "m3")),
        "years[0].wastewater.discharged",
        "parts_exceed_total",
    ),
    (
        "duplicate product",
        lambda d: _y(d)["products"].append(copy.deepcopy(_y(d)["products"][0])),
        "years[0].products[1]",
        "duplicate_product",
    ),
]


@pytest.mark.parametrize(("name", "patch", "path", "rule"), CASES, ids=[c[0] for c in CASES])
def test_errors_name_path_and_rule(mini: KnowledgeBase, name: str, patch: Patch, path: str, rule: str) -> None:
    data = copy.deepcopy(BASE)
    patch(data)
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(mini, data)
    found = [(e.path, e.rule) for e in info.value.errors]
    assert (path, rule) in found, f"{name}: expected {(path, rule)} in {found}"


def test_every_error_is_reported_at_once(mini: KnowledgeBase) -> None:
    data = copy.deepcopy(BASE)
    data["answers"]["q_okk"] = True
    data["process"].append({"step": "etchng"})
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(mini, data)
    assert {e.rule for e in info.value.errors} >= {"unknown_question", "unknown_step"}
    assert "did you mean 'q_ok'" in str(info.value)


def test_valid_input_passes(mini: KnowledgeBase) -> None:
    validated = parse_self_inspection(mini, copy.deepcopy(BASE))
    assert validated.inspection.enterprise.id == "t1"
    assert validated.warnings == []


def test_unknown_is_a_legal_answer(mini: KnowledgeBase) -> None:
    data = copy.deepcopy(BASE)
    data["answers"]["q_ok"] = "unknown"
    _y(data)["resources"]["fresh_water"] = q("unknown", "m3")
    parse_self_inspection(mini, data)


def test_implausible_values_warn_with_a_reason(mini: KnowledgeBase) -> None:
    data = copy.deepcopy(BASE)
    _y(data)["resources"]["electricity"] = q(400, "MWh")  # 400 kWh/m2 > 10 x 25
    validated = parse_self_inspection(mini, data)
    assert [(w.path, w.rule) for w in validated.warnings] == [("years[0].resources.electricity", "implausibly_high")]
    assert "10 times" in validated.warnings[0].message


def test_json_schema_is_published() -> None:
    schema = json_schema()
    assert schema["title"].startswith("SelfInspection")
    assert {"enterprise", "reporting_years", "years", "process", "answers"} <= set(schema["properties"])


def test_json_schema_publishes_the_compliance_fields() -> None:
    defs = json_schema()["$defs"]
    wastewater = defs["Wastewater"]["properties"]
    assert "表3" in wastewater["gb21900_table"]["description"]
    assert "permit_limits" in wastewater and "required" not in defs["PermitLimits"]
    assert {"permit_number", "cu", "ni", "cod", "nh3n"} <= set(defs["PermitLimits"]["properties"])
    assert {"total_cr", "cr6", "cd", "pb", "ag", "ss", "ph"} <= set(defs["Pollutants"]["properties"])
    assert "ph" not in defs["PermitLimits"]["properties"]
