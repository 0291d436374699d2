"""The bundled acceptance example: the plan of demo_double_multilayer_mid, its checklist and its evidence pass."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "acceptance" / "demo_double_multilayer_mid"


def test_bundled_example_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    assert main(["plan", str(ROOT / "examples" / "demo_double_multilayer_mid.json"), "--json", "-o", str(plan)]) == 0
    assert main(["accept", "checklist", str(plan)]) == 0
    checklist = json.loads(capsys.readouterr().out)
    bundled = json.loads((CASE / "checklist.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in checklist["items"]] == [i["id"] for i in bundled["items"]]
    assert main(["accept", "verify", str(plan), str(CASE / "evidence.json"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "pass" and result["reasons"] == []
    assert all(d["verified"] is True for d in result["documents"])
    rinse = next(i for i in result["items"] if i["id"] == "counter_current_rinse")
    # (b/25,000 − a/30,000) × 300,000 m² = 1.05 × the expected 18,100 m³
    assert rinse["measured"]["fresh_water_m3"]["saving"] == pytest.approx(19005, abs=0.5)
    # a changed document fails the verdict
    shutil.copytree(CASE, tmp_path / "case")
    (tmp_path / "case" / "monitoring_report.txt").write_bytes(b"changed")
    assert main(["accept", "verify", str(plan), str(tmp_path / "case" / "evidence.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "fail"
