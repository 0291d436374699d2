"""engine.cohort.members.shared: the parent of a cohort keeps one instance of each repeated name and string."""

from __future__ import annotations

import pickle
from typing import Any

from engine.cohort.members import shared


def _member(value: float) -> dict[str, Any]:
    return {
        "name": {"zh": "多级逆流漂洗改造", "en": "Multi-stage counter-current rinsing"},
        "rows": [{"key": "pe_basic", "level": "I", "value": value, "thresholds": {"I": {"value": 1.5}}}, "II", None],
        "flags": [True, 3, 2.5],
        "empty": {},
        7: "seven",
    }


def test_equal_data_back_with_equal_names_and_strings_shared() -> None:
    cache: dict[Any, Any] = {}
    a = shared(pickle.loads(pickle.dumps(_member(1.0))), cache)
    b = shared(pickle.loads(pickle.dumps(_member(2.0))), cache)
    assert a == _member(1.0) and b == _member(2.0)  # the same data
    assert a["name"] is b["name"]  # a flat dict of strings: one instance
    assert a["rows"][0]["key"] is b["rows"][0]["key"] and a["rows"][1] is b["rows"][1]  # strings: one instance
    assert a["rows"][0] is not b["rows"][0]  # a dict holding numbers is not merged
    assert a["rows"][0]["thresholds"] is not b["rows"][0]["thresholds"]
    assert a["empty"] == {} and a["empty"] is not b["empty"]


def test_another_order_of_the_same_name_is_the_same_name() -> None:
    cache: dict[Any, Any] = {}
    first = shared({"zh": "甲", "en": "A"}, cache)
    again = shared({"en": "A", "zh": "甲"}, cache)
    assert again is first and again == {"en": "A", "zh": "甲"}
