"""The bundled examples: valid, synthetic, listed in examples/README.md, and evaluated to the level it states."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.graph import build_graph
from engine.inference.run import infer
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import KnowledgeBase

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))
README = (Path(__file__).resolve().parents[1] / "examples" / "README.md").read_text(encoding="utf-8")
_LEVEL = {"I": "I", "II": "II", "III": "III", "below III": "below_III"}


def test_at_least_five_examples_and_one_incomplete() -> None:
    assert len(EXAMPLES) >= 5
    assert any("incomplete" in p.stem for p in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(path: Path, kb: KnowledgeBase) -> None:
    validated = parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8")))
    assert validated.inspection.enterprise.synthetic is True
    assert validated.warnings == []
    row = next(line for line in README.splitlines() if f"`{path.name}`" in line)
    level_cell = [cell for cell in row.split("|") if cell.strip()][-1]
    stated = re.search(r"\*\*(below III|I{1,3})\b", level_cell)
    assert stated, f"README row of {path.name} states no level"
    ev = evaluate(kb, validated.inspection)
    assert ev.overall_level == _LEVEL[stated.group(1)]


def _depth(nodes: dict[str, Any], node_id: str) -> int:
    node = nodes[node_id]
    if node.rule is None:
        return 0
    return 1 + max((_depth(nodes, p) for p in node.premises), default=0)


def test_some_chain_is_three_deep(kb: KnowledgeBase) -> None:
    """The real knowledge base chains at least three deep on a bundled example (fact -> A -> B -> C)."""
    graph = build_graph(kb)
    deepest = 0
    for path in EXAMPLES:
        si = parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection
        result = infer(kb, si, evaluate(kb, si), graph, explain=False)

        deepest = max([deepest, *(_depth(result.trace.nodes, c["id"]) for c in result.conclusions)])
    assert deepest >= 3
