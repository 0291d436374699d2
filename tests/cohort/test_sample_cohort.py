"""The bundled sample cohort (examples/cohort/): reproduced byte for byte by its generator, valid, and compared."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from api.cli import main
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import default_kb_path, load_kb

ROOT = Path(__file__).resolve().parents[2]
COHORT = ROOT / "examples" / "cohort"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_cohort", ROOT / "scripts" / "make_sample_cohort.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_files() -> None:
    wanted = _generator().files()
    assert len(wanted) == 46
    committed = sorted(p.relative_to(ROOT) for p in COHORT.glob("*/*.json"))
    assert committed == sorted(wanted)
    for path, text in wanted.items():
        assert (ROOT / path).read_bytes() == text.encode("utf-8"), path


def test_every_file_is_valid_and_marked_synthetic() -> None:
    kb = load_kb(default_kb_path())
    for path in sorted(COHORT.glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        validated = parse_self_inspection(kb, data)
        assert validated.warnings == [], path
        ent = data["enterprise"]
        assert ent["synthetic"] is True and "合成示例" in ent["name"] and ent["id"].startswith("synthetic-")
        assert data["reporting_years"][-1] == int(path.parent.name)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("sample") / "r.json"
    argv = ["cohort", str(COHORT / "2024"), "--compare", str(COHORT / "2026"), "--json", "-q", "-o", str(out)]
    assert main(argv) == 0
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_sample_cohort_before_after(result: dict[str, Any]) -> None:
    before, after = result["periods"]
    assert (before["period"], after["period"], before["n"], after["n"]) == ("2024", "2026", 23, 23)
    ba = result["before_after"]
    assert len(ba["enterprises"]) == 23 and ba["missing"] == {"only_before": [], "only_after": []}
    assert before["levels"]["counts"] == {"I": 1, "II": 8, "III": 2, "below_III": 12, "none": 0}
    assert after["levels"]["counts"] == {"I": 1, "II": 10, "III": 2, "below_III": 10, "none": 0}
    assert (ba["cohort"]["levels_improved"], ba["cohort"]["levels_worse"]) == (2, 0)
    rows = {r["key"]: r for r in ba["cohort"]["indicators"]}
    # counter-current rinsing in 2026: the single-sided plants' median fresh water per m² falls by 18 %
    single = rows["fresh_water_per_m2[rigid/single]"]
    assert single["change_percent"] == -18.0 and single["improved"] is True
    assert rows["electricity_per_m2[mix]"]["change_percent"] < 0
    assert ba["benchmark"]["same_tables"] is True
