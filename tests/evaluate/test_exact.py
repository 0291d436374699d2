"""One exact rational type in the engine (engine/exact.py): quicktions' where installed, the standard library's
otherwise, with the same plans to the byte."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import quicktions

from engine import exact

ROOT = Path(__file__).resolve().parents[2]

_PLANS = """
import hashlib, json, sys
from pathlib import Path
from api.planning import canonical_json
from engine.exact import Fraction
from engine.graph import build_graph
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import load_kb
from engine.plan.build import build_plan
kb = load_kb(); graph = build_graph(kb)
out = {"type": Fraction.__module__}
for path in sorted(Path("examples").glob("*.json")):
    v = parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8")))
    plan = build_plan(kb, v.inspection, graph=graph, warnings=[w.as_dict() for w in v.warnings])
    out[path.name] = hashlib.sha256(canonical_json(plan).encode()).hexdigest()
print(json.dumps(out))
"""


def _plans(block_quicktions: bool) -> dict[str, str]:
    prelude = "import sys; sys.modules['quicktions'] = None\n" if block_quicktions else ""
    done = subprocess.run(
        [sys.executable, "-c", prelude + _PLANS], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_the_engine_takes_its_rationals_from_one_place() -> None:
    assert exact.Fraction is quicktions.Fraction
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "engine").rglob("*.py")
        if p.name != "exact.py" and "from fractions import" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_standard_library_fallback_gives_the_same_plans() -> None:
    fast, slow = _plans(block_quicktions=False), _plans(block_quicktions=True)
    assert fast.pop("type") == "quicktions" and slow.pop("type") == "fractions"
    assert len(fast) >= 6
    assert fast == slow, hashlib.sha256(json.dumps([fast, slow]).encode()).hexdigest()
