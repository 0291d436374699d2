"""One deliberately broken knowledge-base file per failure mode (tests/kb/broken/*.yaml), with the words its
error must contain. Each case edits a copy of tests/kb/minimal_kb, which loads clean on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from engine.errors import KnowledgeBaseError
from engine.graph import build_graph
from engine.kb.loader import load_kb
from engine.kb.summary import check_graph

CASES = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def test_minimal_kb_is_valid(minimal_kb_path: Path) -> None:
    kb = load_kb(minimal_kb_path)
    assert check_graph(kb, build_graph(kb)) == []


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_broken_case(case_file: Path, minimal_kb_path: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root = tmp_path / "kb"
    shutil.copytree(minimal_kb_path, root)
    if "edit" in case:
        target = root / case["edit"]["file"]
        text = target.read_text(encoding="utf-8")
        assert case["edit"]["old"] in text, f"{case_file.name}: 'old' text not found in {case['edit']['file']}"
        target.write_text(text.replace(case["edit"]["old"], case["edit"]["new"], 1), encoding="utf-8")
    if "add" in case:
        (root / case["add"]["file"]).write_text(case["add"]["content"], encoding="utf-8")

    with pytest.raises(KnowledgeBaseError) as info:
        kb = load_kb(root)
        issues = check_graph(kb, build_graph(kb))
        if issues:
            raise KnowledgeBaseError(issues)
    message = str(info.value)
    for words in case["expect"]:
        assert words in message, f"{case_file.name}: {words!r} not in error:\n{message}"
