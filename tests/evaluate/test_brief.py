"""An indicator's brief form (what a plan's projected evaluation carries) is its full form restricted."""

from __future__ import annotations

import json
from pathlib import Path

from engine.evaluate.evaluation import evaluate
from engine.evaluate.result import BRIEF_KEYS
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb

ROOT = Path(__file__).resolve().parents[2]


def test_an_indicators_brief_form_is_its_full_form_restricted() -> None:
    """``InstanceResult.brief`` (what a projected evaluation carries) is ``as_dict`` restricted to ``BRIEF_KEYS``,
    in that order, for every indicator of every bundled example."""
    kb = load_kb()
    seen = 0
    for path in sorted((ROOT / "examples").glob("*.json")):
        ev = evaluate(kb, parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection)
        for inst in ev.instances:
            full = inst.as_dict()
            assert list(inst.brief().items()) == [(k, full[k]) for k in BRIEF_KEYS if k in full]
            seen += 1
    assert seen > 100
