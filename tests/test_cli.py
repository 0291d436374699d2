from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "demo_hdi_leader.json")
INCOMPLETE = str(ROOT / "examples" / "demo_incomplete.json")


def test_evaluate_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", EXAMPLE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall_level"] in ("I", "II", "III", "below_III")
    assert set(data["indices"]) == {"Y_I", "Y_II", "Y_III"}
    ind = data["indicators"][0]
    assert {"id", "value", "unit", "level", "thresholds", "sources"} <= set(ind)
    assert data["benchmark_set"]["n_definition"] == "layers_beyond_two"
    assert data["kb_hash"].startswith("sha256:") and data["input_hash"].startswith("sha256:")


@pytest.mark.parametrize(("lang", "words"), [("zh", "综合评定"), ("en", "Overall level")])
def test_evaluate_text(lang: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", EXAMPLE, "--lang", lang]) == 0
    assert words in capsys.readouterr().out


def test_evaluate_other_benchmark_set_and_incomplete(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", INCOMPLETE, "--json", "--benchmark-set", "chongqing_limits"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["benchmark_set"]["id"] == "chongqing_limits"
    assert data["benchmark_set"]["n_definition"] == "total_layers"


def test_evaluate_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    data["years"][0]["resources"]["electricity"]["unit"] = "kwh"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["evaluate", str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False
    assert out["errors"][0]["path"] == "years[0].resources.electricity.unit"


def test_manual_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manual", "--format", "json"]) == 0
    manual = json.loads(capsys.readouterr().out)
    assert manual["question_count"] >= 100
    questions = [q for s in manual["sections"] for q in s["questions"]]
    used = [q for q in questions if q["used_by"]["indicators"]]
    assert used and all("zh" in q["text"] and "en" in q["text"] for q in questions)
    assert main(["manual", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "properties" in schema and "years" in schema["properties"]


def test_infer_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["infer", EXAMPLE, "--lang", "en"]) == 0
    assert "finding(s)" in capsys.readouterr().out
    assert main(["infer", EXAMPLE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] and data["trace"]
    some = data["findings"][0]
    assert data["trace"][some]["rule"]
    assert all(p in data["trace"] for p in data["trace"][some]["premises"])
    assert isinstance(data["not_fired"], dict)
