"""Planning a cohort in a process pool gives the same evaluation as serially, and slim plans the same as full ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from api.cohorts import cohort_policy, evaluate_members, finding_titles, member_of
from engine.cohort import evaluate_cohort
from engine.cohort.members import slim_plan
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import default_kb_path, load_kb
from engine.plan.build import build_plan

COHORT = Path(__file__).resolve().parents[2] / "examples" / "cohort"
FILES = sorted((COHORT / "2024").glob("*.json"))[:5]


@pytest.fixture(scope="module")
def kb() -> Any:
    return load_kb(default_kb_path())


def _inputs() -> list[tuple[str, Any, str]]:
    return [("2024", json.loads(p.read_text(encoding="utf-8")), p.name) for p in FILES]


def test_pool_equals_serial_and_full_plans(kb: Any) -> None:
    inputs = _inputs()
    pooled = evaluate_members(kb, inputs, name="t", workers=2, kb_path=default_kb_path())
    serial = evaluate_members(kb, inputs, name="t", workers=1)
    full = evaluate_cohort(
        [member_of(kb, period, raw, ref) for period, raw, ref in inputs],
        policy=cohort_policy(kb),
        name="t",
        finding_titles=finding_titles(kb),
    )
    assert json.dumps(pooled, sort_keys=True) == json.dumps(serial, sort_keys=True) == json.dumps(full, sort_keys=True)
    (period,) = pooled["periods"]
    assert period["n"] == 5 and [e["ref"] for e in period["enterprises"]] == [p.name for p in FILES]
    assert period["totals"]["money"]["central"] > 0 and period["common_solutions"]


def test_slim_plan_is_a_fraction_of_the_plan(kb: Any) -> None:
    """What a member keeps (its plan made slim, engine/cohort/member_plan.py) is a fifth of the full plan at most."""
    _, raw, ref = _inputs()[0]
    kept = member_of(kb, "2024", raw, ref).plan
    full = build_plan(kb, parse_self_inspection(kb, raw).inspection)
    assert kept == slim_plan(full)
    assert len(json.dumps(kept)) < len(json.dumps(full)) / 5
    assert "projected" not in kept and all(n["type"] == "finding" for n in kept["trace"].values())


def test_pool_reports_the_invalid_file(kb: Any) -> None:
    inputs = _inputs()[:2]
    bad = copy.deepcopy(inputs[1][1])
    bad["years"][-1]["products"][0]["output"]["value"] = -5
    inputs[1] = ("2024", bad, "bad.json")
    with pytest.raises(SelfInspectionInvalid) as caught:
        evaluate_members(kb, inputs, name="t", workers=2, kb_path=default_kb_path())
    assert caught.value.ref == "bad.json"  # type: ignore[attr-defined]
    assert any("output" in line for line in caught.value.lines("en"))
