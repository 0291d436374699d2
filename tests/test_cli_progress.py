"""The command line's progress line before slow work goes to stderr only: stdout and --json stay clean (#12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "demo_hdi_leader.json")


@pytest.mark.parametrize(
    ("fmt", "lang", "line", "magic"),
    [("pdf", "zh", "正在生成 PDF 报告", b"%PDF"), ("docx", "en", "Rendering the Word report", b"PK")],
)
def test_progress_line_on_stderr_not_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, lang: str, line: str, magic: bytes
) -> None:
    out = tmp_path / f"plan.{fmt}"
    assert main(["plan", EXAMPLE, "--format", fmt, "-o", str(out), "--lang", lang]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count(line) == 1 and str(out) in captured.err
    assert out.read_bytes().startswith(magic)


def test_json_output_has_no_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", EXAMPLE, "--json"]) == 0
    captured = capsys.readouterr()
    plan = json.loads(captured.out)  # the whole of stdout is one JSON document
    assert plan["evaluation"]["overall_level"] and plan["key_options"]
    assert "正在生成" not in captured.out + captured.err and "Rendering" not in captured.out + captured.err
