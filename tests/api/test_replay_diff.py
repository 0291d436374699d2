"""The comparison a replay reports: every JSON path where two plans differ."""

from __future__ import annotations

from api.replay import ABSENT, differences


def test_differences_by_path() -> None:
    stored = {"a": 1, "b": [1, 2, 3], "c": {"d": "x"}, "gone": True, "n": 1}
    replayed = {"a": 1, "b": [1, 5], "c": {"d": "y"}, "new": None, "n": 1.0}
    assert list(differences(stored, replayed)) == [
        ("b[1]", 2, 5),
        ("b[2]", 3, ABSENT),
        ("c.d", "x", "y"),
        ("gone", True, ABSENT),
        ("n", 1, 1.0),  # JSON 1 and 1.0 print differently: not the same plan
        ("new", ABSENT, None),
    ]
    assert list(differences(stored, stored)) == []
    assert list(differences([1], {"a": 1})) == [("(root)", [1], {"a": 1})]
