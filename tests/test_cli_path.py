"""``smart-audit path`` and ``smart-audit whatif``: the JSON contracts, text by --lang with names, the chart, and
errors that name the field (zh and en) with exit 1 and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[1]
MID = str(ROOT / "examples" / "demo_double_multilayer_mid.json")
RINSE = "process[step=inner_etching].answers.q_rinse_type"


def test_path_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", MID, "--target", "II", "--objective", "investment", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    contract = {"target", "objective", "feasible", "options", "investment", "savings", "projected_level", "curve"}
    assert contract | {"shortfall", "exact", "bound"} <= set(data)
    assert data["target"] == "II" and data["feasible"] is False and data["shortfall"]["indicators"]


@pytest.mark.parametrize(("lang", "words"), [("zh", "达到Ⅱ级的路径"), ("en", "Path to II")])
def test_path_text_names_not_ids(lang: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "curve.svg"
    assert main(["path", MID, "--target", "II", "--lang", lang, "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert words in out
    assert ("单位产品电耗" if lang == "zh" else "Electricity per unit product") in out
    assert "electricity_per_m2" not in out
    assert chart.read_text(encoding="utf-8").startswith("<svg")


def test_path_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", MID, "--target", "IV"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("--target") and "IV" in err and "Traceback" not in err


def test_whatif_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["whatif", MID, "--set", f"{RINSE}=counter_current", "--reject", "counter_current_rinse", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"level", "plan", "differences"} <= set(data)
    assert data["changes"]["set"] == [
        {
            "path": RINSE,
            "resolved": "process[4].answers.q_rinse_type",
            "old": "single_overflow",
            "new": "counter_current",
        }
    ]
    assert data["changes"]["reject"] == ["counter_current_rinse"]


def test_whatif_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", MID, "--set", "years[2].resources.electricity.value=10300000", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "after the plan: III → II" in out and "Electricity per unit product" in out


@pytest.mark.parametrize(
    ("argv", "lang", "words"),
    [
        (["--set", "process[step=nowhere].run=true"], "en", "--set process[step=nowhere].run: process has no item"),
        (["--set", "process[step=nowhere].run=true"], "zh", "process 中没有 step=nowhere 的项"),
        (["--set", f"{RINSE}=bogus"], "en", "'bogus' is not a choice"),
        (["--set", f"{RINSE}=bogus"], "zh", "修改后的自查数据在 process[4].answers.q_rinse_type 处无效"),
        (["--set", RINSE], "en", "expected PATH=VALUE"),
        (["--accept", "led_lightin"], "en", "--accept led_lightin: no option 'led_lightin'"),
        (["--accept", "led_lightin"], "zh", "知识库中没有方案"),
    ],
)
def test_whatif_errors(argv: list[str], lang: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", MID, "--lang", lang, *argv]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
