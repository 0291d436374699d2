"""The cohort report in Word: opened with python-docx, its level and common-solution tables equal the JSON."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from api.cli import main
from explanations.cohort_text import LEVEL_NAMES
from explanations.figures import num as fmt_number

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    root = tmp_path_factory.mktemp("docx")
    before, after = root / "2024", root / "2026"
    before.mkdir()
    after.mkdir()
    for name in ("demo_single_sided_small", "demo_double_multilayer_mid", "demo_hdi_leader"):
        shutil.copy(EXAMPLES / f"{name}.json", before)
    shutil.copy(EXAMPLES / "demo_hdi_leader.json", after)  # two enterprises only before
    common = [str(before), "--compare", str(after), "-q"]
    assert main(["cohort", *common, "--json", "-o", str(root / "r.json")]) == 0
    docs = {}
    for lang in ("zh", "en"):
        out = root / f"r-{lang}.docx"
        assert main(["cohort", *common, "--format", "docx", "--lang", lang, "-o", str(out)]) == 0
        docs[lang] = Document(io.BytesIO(out.read_bytes()))
    return json.loads((root / "r.json").read_text(encoding="utf-8")), docs


def _tables(doc: Any, first_header: str) -> list[list[list[str]]]:
    return [
        [[c.text for c in row.cells] for row in t.rows] for t in doc.tables if t.rows[0].cells[0].text == first_header
    ]


def _text(doc: Any) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize(("lang", "level_head", "solution_head"), [("zh", "等级", "方案"), ("en", "Level", "Solution")])
def test_docx_tables_equal_the_json(
    outputs: tuple[dict[str, Any], Any], lang: str, level_head: str, solution_head: str
) -> None:
    result, docs = outputs
    doc = docs[lang]
    level_tables = [t for t in _tables(doc, level_head) if len(t[0]) == 3 and len(t) == 6]
    assert len(level_tables) == len(result["periods"]) == 2
    for table, period in zip(level_tables, result["periods"], strict=True):
        counts = period["levels"]["counts"]
        assert {row[0]: int(row[1]) for row in table[1:]} == {LEVEL_NAMES[lang][k]: v for k, v in counts.items()}
        assert sum(int(row[1]) for row in table[1:]) == period["n"]
    solution_tables = [t for t in _tables(doc, solution_head) if len(t[0]) == 5]
    assert len(solution_tables) == 2
    for table, period in zip(solution_tables, result["periods"], strict=True):
        common = period["common_solutions"]
        assert len(table) - 1 == len(common) > 0
        for row, cs in zip(table[1:], common, strict=True):
            assert row[0] == cs["name"][lang]
            assert row[1] == f"{cs['count']}/{period['n']}"
            assert row[4] == fmt_number(cs["money"]["central"])
            amount = cs["money"]["central"]
            if amount:  # three significant figures of the JSON's amount
                assert abs(float(row[4].replace(",", "")) - amount) <= 0.005 * abs(amount)
    money = [cs["money"]["central"] for cs in result["periods"][0]["common_solutions"] if cs["money"]["central"]]
    assert money and max(money) > 10_000  # real amounts, not empty cells
    text = _text(doc)
    assert "demo-bao-an" not in text  # names, never enterprise ids
    assert all(e["name"] in text for e in result["periods"][0]["enterprises"])
    missing = {e["name"] for e in result["before_after"]["missing"]["only_before"]}
    assert len(missing) == 2 and all(name in text for name in missing)
    assert len(doc.inline_shapes) >= 5  # the charts, as PNG
