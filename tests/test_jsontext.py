"""engine/jsontext.py writes the same text as the standard library (its fast path is orjson)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import jsontext
from engine.evaluate.evaluation import _number, input_hash
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import build_plan

ROOT = Path(__file__).resolve().parents[1]
INPUTS = sorted((ROOT / "examples").glob("*.json")) + sorted((ROOT / "examples" / "cohort").glob("*/*.json"))


def _std(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _std_sorted(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_number)


def test_the_fast_path_writes_the_bundled_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """orjson is there (a dependency) and writes the bundled plans itself: json is not called."""
    assert jsontext.orjson is not None
    kb = load_kb()
    plans = [build_plan(kb, parse_self_inspection(kb, json.loads(p.read_text("utf-8"))).inspection) for p in INPUTS[:6]]

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the standard library was called")

    monkeypatch.setattr(jsontext.json, "dumps", refuse)
    for plan in plans:
        assert jsontext.compact(plan).startswith('{"plan_version"')


def test_every_bundled_plan_and_input_is_written_as_json_writes_it() -> None:
    kb = load_kb()
    for path in INPUTS:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert jsontext.compact(raw) == _std(raw)
        si = parse_self_inspection(kb, raw).inspection
        assert jsontext.sorted_compact(si.model_dump(mode="python"), _number) == _std_sorted(si.model_dump())
        assert input_hash(si).startswith("sha256:")
    for path in INPUTS[:8]:
        plan = build_plan(kb, parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection)
        assert jsontext.compact(plan) == _std(plan)


class Colour(StrEnum):
    RED = "red"


@dataclass
class Point:
    x: int


EDGES: list[Any] = [
    {
        "a": 1e-05,
        "a2": 2.5e-05,
        "a3": 1.2e-07,
        "a4": 1e-10,
        "b": 1e16,
        "c": 1.5e300,
        "d": -0.0,
        "e": 0.1,
        "f": 123456789.123,
        "g": 2.0,
        "h": 5e-324,
    },
    {"text": 'quote " backslash \\ newline \n tab \t nul \x00 bell \x07 del \x7f 中文 \u2028 emoji 😀'},
    {"big": 2**70, "neg": -(2**63) - 1, "ok": 2**63 - 1},
    {1: "int key", "b": [1, 2, (3, 4)]},
    {"nested": [{"x": [[], {}]}, None, True, False]},
]


def test_edge_cases_are_written_as_json_writes_them() -> None:
    for data in EDGES:
        assert jsontext.compact(data) == _std(data)
    odd = {
        "b": Decimal("7.00"),
        "a": Decimal("0.125"),
        "d": dt.date(2024, 1, 31),
        "t": dt.datetime(2024, 1, 31, 8, 30),
        "e": Colour.RED,
        "p": Point(1),
        "s": [Decimal("1e20")],
    }
    assert jsontext.sorted_compact(odd, _number) == _std_sorted(odd)
    assert jsontext.sorted_compact({2: "a", 10: "b"}, _number) == _std_sorted({2: "a", 10: "b"})  # int keys


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_generated_values_are_written_as_json_writes_them(data: Any) -> None:
    try:
        expected = _std(data)
    except ValueError:  # lone surrogates are written by json, refused on encoding; not a record's text
        return
    if any(0xD800 <= ord(c) <= 0xDFFF for c in expected):
        return
    assert jsontext.compact(data) == expected
    assert jsontext.sorted_compact(data, _number) == _std_sorted(data)
