"""Scenario tests as data (tests/scenarios/*.yaml): a self-inspection, the expected evaluation, and the hand
arithmetic that gives it. Each scenario names its input as a file (``input_file``, relative to the repository)
with optional ``set`` edits (``path: value``, paths like ``years[1].resources.electricity``), or inline
(``input``). Expected numbers are compared to 4 decimal places. Besides the level, indices and indicators, a
scenario may state ``determined`` and ``level_firmness`` (determined, level_without_contested, contested keys,
determined_by, indices_without_contested), and per indicator its ``next_level`` fields and ``not_rated``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.evaluate.evaluation import evaluate
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(data: Any, path: str, value: Any) -> None:
    tokens: list[str | int] = [t[0] or int(t[1]) for t in _TOKEN.findall(path)]
    node = data
    for token in tokens[:-1]:
        node = node[token]
    node[tokens[-1]] = value


def load_input(case: dict[str, Any]) -> Any:
    if "input_file" in case:
        path = ROOT / case["input_file"]
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    else:
        data = copy.deepcopy(case["input"])
    for path_, value in (case.get("set") or {}).items():
        set_path(data, path_, value)
    return data


def _close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return round(actual, 4) == round(expected, 4)


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, int | float):
        return _close(float(actual), expected)
    return bool(actual == expected)


def _check_firmness(name: str, got: dict[str, Any], exp: dict[str, Any]) -> None:
    if "determined" in exp:
        assert got["determined"] is exp["determined"], f"{name}: determined {got['determined']}"
    want = exp.get("level_firmness") or {}
    firm = got["level_firmness"]
    if "determined" in want:
        assert firm["determined"] is want["determined"], f"{name}: level_firmness.determined {firm['determined']}"
    if "level_without_contested" in want:
        assert firm["level_without_contested"] == want["level_without_contested"], name
    if "contested" in want:
        assert [r["key"] for r in firm["contested"]] == want["contested"], f"{name}: contested {firm['contested']}"
    if "determined_by" in want:
        assert firm["determined_by"] == want["determined_by"], f"{name}: determined_by {firm['determined_by']}"
    for key, value in (want.get("indices_without_contested") or {}).items():
        assert _close(firm["indices_without_contested"][key], value), f"{name}: {key} without contested"


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, kb: KnowledgeBase) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("arithmetic"), f"{path.name}: the hand arithmetic must be written in the file"
    validated = parse_self_inspection(kb, load_input(case))
    result = evaluate(kb, validated.inspection, benchmark_set=case.get("benchmark_set"), year=case.get("year"))
    got = result.as_dict()
    exp = case["expected"]
    assert got["overall_level"] == exp["overall_level"], path.name
    if "overall_best" in exp:
        assert got["overall_level_range"]["best"] == exp["overall_best"], path.name
    for name, value in (exp.get("indices") or {}).items():
        assert _close(got["indices"][name], value), f"{path.name}: {name} = {got['indices'][name]}, expected {value}"
    by_key = {i["key"]: i for i in got["indicators"]}
    for key, want in (exp.get("indicators") or {}).items():
        assert key in by_key, f"{path.name}: no indicator {key}; have {sorted(by_key)}"
        ind = by_key[key]
        if "value" in want:
            assert _close(ind["value"], want["value"]), f"{path.name}: {key} value {ind['value']} != {want['value']}"
        if "level" in want:
            assert ind["level"] == want["level"], f"{path.name}: {key} level {ind['level']} != {want['level']}"
        for level, threshold in (want.get("thresholds") or {}).items():
            assert _close(ind["thresholds"][level]["value"], threshold), f"{path.name}: {key} threshold {level}"
        for field, value in (want.get("next_level") or {}).items():
            got_nl = ind.get("next_level") or {}
            if value is None:
                assert field not in got_nl, f"{path.name}: {key} next_level has {field} = {got_nl.get(field)}"
            else:
                assert _same(got_nl.get(field), value), f"{path.name}: {key} next_level.{field} = {got_nl.get(field)}"
        if "not_rated" in want:
            assert ("not_rated" in ind) is want["not_rated"], f"{path.name}: {key} not_rated"
    _check_firmness(path.name, got, exp)
    for code in exp.get("warnings", []):
        assert code in [w.rule for w in validated.warnings], f"{path.name}: expected warning {code}"
