from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from api.cli import main
from engine.kb.loader import DEFAULT_KB_PATH


def test_kb_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is True
    assert data["version"] and data["hash"].startswith("sha256:")
    for key in ("sources", "steps", "streams", "indicators", "benchmark_sets", "parameters"):
        assert data["counts"][key] > 0
    assert sum(data["grades"].values()) > 0
    assert isinstance(data["gaps"], list) and data["gaps"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kb_check_text(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert ("知识库有效" if lang == "zh" else "knowledge base valid") in out


def test_kb_check_fails_on_a_broken_kb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_KB_PATH, root)
    (root / "kb.yaml").write_text(
        (root / "kb.yaml").read_text(encoding="utf-8").replace("pcb_index_system", "pcb_index_sytem"),
        encoding="utf-8",
    )
    assert main(["kb", "check", "--kb", str(root), "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["valid"] is False
    assert "did you mean 'pcb_index_system'" in captured.err


def test_kb_graph_exports(tmp_path: Path) -> None:
    out_json = tmp_path / "g.json"
    out_svg = tmp_path / "g.svg"
    assert main(["kb", "graph", "--format", "json", "-o", str(out_json)]) == 0
    assert main(["kb", "graph", "--format", "svg", "-o", str(out_svg)]) == 0
    assert json.loads(out_json.read_text(encoding="utf-8"))["nodes"]
    assert out_svg.read_text(encoding="utf-8").startswith("<svg")
