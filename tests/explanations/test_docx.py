"""The Word report: opened with python-docx, it holds the level, the key options with their savings, worth and
investment (amounts compared with the plan JSON to three significant figures), the chapters of an audit report in
order, Chinese text in a Chinese East Asian font, PNG charts, and no machine id of the knowledge base outside the
annex (where the trace keeps them)."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from api.cli import main
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.plan.build import build_plan
from explanations.docx_names import CHAPTERS, TEXT
from explanations.docx_report import render_report_docx
from explanations.i18n import RESOURCES, level_label

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "demo_double_multilayer_mid"


@cache
def _kb() -> KnowledgeBase:
    return load_kb(DEFAULT_KB_PATH)


@cache
def _plan(name: str) -> dict[str, Any]:
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    plan = build_plan(_kb(), parse_self_inspection(_kb(), data).inspection)
    return json.loads(json.dumps(plan, default=str))  # as stored and served: plain JSON


@cache
def _docx(name: str, lang: str) -> bytes:
    return render_report_docx(_kb(), _plan(name), lang, "2026-01-01T00:00:00+00:00")


def _open(name: str, lang: str) -> DocumentObject:
    return Document(io.BytesIO(_docx(name, lang)))


def _blocks(doc: DocumentObject) -> list[tuple[str, Any]]:
    """The body in order: ("p", (style, text)) and ("t", rows of cell texts)."""
    out: list[tuple[str, Any]] = []
    paragraphs = iter(doc.paragraphs)
    tables = iter(doc.tables)
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = next(paragraphs)
            out.append(("p", (p.style.name if p.style is not None else "", p.text)))
        elif el.tag == qn("w:tbl"):
            t = next(tables)
            out.append(("t", [[c.text for c in row.cells] for row in t.rows]))
    return out


def _split_at_annex(blocks: list[tuple[str, Any]], lang: str) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    annex = TEXT[lang]["annex"]
    at = next(i for i, (kind, b) in enumerate(blocks) if kind == "p" and b[1] == annex)
    return blocks[:at], blocks[at:]


def _text(blocks: list[tuple[str, Any]]) -> str:
    parts = []
    for kind, b in blocks:
        parts.append(b[1] if kind == "p" else "\n".join(" | ".join(row) for row in b))
    return "\n".join(parts)


def _amount(cell: str) -> float:
    match = re.match(r"-?[\d,]+(?:\.\d+)?", cell)
    assert match, f"no amount in {cell!r}"
    return float(match.group(0).replace(",", ""))


def _close(cell: str, value: float) -> None:
    """A cell rounded to three significant figures from ``value``."""
    assert abs(_amount(cell) - value) <= abs(value) * 0.005 + 1e-9, (cell, value)


def _ids(kb: KnowledgeBase) -> set[str]:
    ids: set[str] = set()
    for records in (kb.steps, kb.streams, kb.indicators, kb.options, kb.findings, kb.rules, kb.questions):
        ids.update(k for k in records if "_" in k)
    return ids


_SNAKE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chapters_of_an_audit_report_in_order_summary_first_annex_last(lang: str) -> None:
    blocks = _blocks(_open(EXAMPLE, lang))
    headings = [b[1] for kind, b in blocks if kind == "p" and b[0] == "Heading 1"]
    assert headings[0] == TEXT[lang]["summary"]
    chapters = [h for h in headings if h[:1].isdigit()]
    assert chapters == [f"{i} {name}" for i, name in enumerate(CHAPTERS[lang], 1)]
    assert headings[-1] == TEXT[lang]["annex"]
    if lang == "zh":
        assert "预审核：现状、水平与差距" in chapters[1] and "持续清洁生产" in chapters[-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_states_the_level_and_the_key_options_with_their_amounts(lang: str) -> None:
    plan, kb = _plan(EXAMPLE), _kb()
    body, _ = _split_at_annex(_blocks(_open(EXAMPLE, lang)), lang)
    summary_end = next(i for i, (k, b) in enumerate(body) if k == "p" and b[1] == f"1 {CHAPTERS[lang][0]}")
    summary = body[:summary_end]
    level = level_label(plan["evaluation"]["overall_level"], lang)
    lead = "综合评定等级：" if lang == "zh" else "Overall level: "
    assert any(k == "p" and b[1].startswith(lead + level) for k, b in summary)
    table = next(b for k, b in summary if k == "t" and b[0][0] == TEXT[lang]["option"])
    header, rows = table[0], table[1:]
    assert header[1:5] == [TEXT[lang][k] for k in ("savings", "money", "investment", "payback")]
    recs = {r["option_id"]: r for r in plan["recommendations"]}
    keys = [k["option_id"] for k in plan["key_options"]][:5]
    assert len(rows) == len(keys) >= 3
    name_key = "zh" if lang == "zh" else "en"
    for oid, row in zip(keys, rows, strict=True):
        rec = recs[oid]
        assert row[0] == kb.options[oid].name.zh if lang == "zh" else row[0] == kb.options[oid].name.en
        assert row[0] == rec["name"][name_key]
        _close(row[2], rec["money"]["central"])
        for resource, s in rec["savings"].items():
            if resource == "co2_t" or s.get("central") is None:
                continue
            label = RESOURCES[lang][resource]
            cell = next(part for part in re.split("[；;] ?", row[1]) if part.startswith(label + " "))
            _close(cell.removeprefix(label + " "), s["central"])
        inv = rec["investment"]
        if inv["status"] == "gap":
            assert row[3] == TEXT[lang]["to_quote"]
        else:
            _close(row[3], inv["central"])
        co2 = rec["savings"].get("co2_t")
        if co2:
            _close(row[5], co2["central"])


def test_feasibility_table_has_the_priced_investments_and_the_plans_totals() -> None:
    plan = _plan(EXAMPLE)
    body, _ = _split_at_annex(_blocks(_open(EXAMPLE, "zh")), "zh")
    start = next(i for i, (k, b) in enumerate(body) if k == "p" and b[1] == "5 可行性分析")
    table = next(b for k, b in body[start:] if k == "t")
    recs = {r["option_id"]: r for r in plan["recommendations"]}
    rows = {row[0]: row for row in table[1:]}
    priced = [recs[o] for o in plan["groups"]["medium_high_cost"] if recs[o]["investment"]["status"] == "range"]
    assert priced, "the example has options with a sourced investment range"
    for rec in priced:
        row = rows[rec["name"]["zh"]]
        inv = rec["investment"]
        _close(row[3], inv["central"])
        low, high = re.search(r"（(.+)–(.+)）", row[3]).groups()  # type: ignore[union-attr]
        _close(low, inv["low"])
        _close(high, inv["high"])
        if rec.get("payback_years"):
            _close(row[4], rec["payback_years"]["central"])
    total = table[-1]
    assert total[0].startswith("合计")
    _close(total[2], plan["totals"]["money"]["central"])
    _close(total[3], plan["totals"]["investment"]["central"])
    _close(total[5], plan["totals"]["co2_t"]["central"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_machine_id_outside_the_annex(lang: str) -> None:
    kb = _kb()
    ids = _ids(kb)
    for name in (EXAMPLE, "demo_incomplete"):
        body, annex = _split_at_annex(_blocks(_open(name, lang)), lang)
        leaked = sorted({t for t in _SNAKE.findall(_text(body)) if t in ids or t.split("[")[0] in ids})
        assert leaked == [], f"{name} {lang}: ids outside the annex: {leaked[:10]}"
        assert not re.search(r"\w+\[mix\]|@step:|finding:|recommendation:", _text(body))
        assert {t for t in _SNAKE.findall(_text(annex)) if t in ids}, "the annex keeps the trace's ids"


def test_chinese_text_in_a_chinese_font_and_charts_as_png() -> None:
    doc = _open(EXAMPLE, "zh")
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    heading_fonts = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading_fonts.get(qn("w:eastAsia")) == "黑体" and heading_fonts.get(qn("w:eastAsiaTheme")) is None
    text = _text(_blocks(doc))
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 2000
    assert "清洁生产" in text and "深圳市示例合成线路板厂" in text
    images = [r.target_part for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(images) == 2 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)


def test_an_open_level_range_is_stated() -> None:
    plan = _plan("demo_incomplete")
    ev = plan["evaluation"]
    assert ev["overall_level_range"]["best"] != ev["overall_level"]
    text = _text(_blocks(_open("demo_incomplete", "zh")))
    worst, best = level_label(ev["overall_level"], "zh"), level_label(ev["overall_level_range"]["best"], "zh")
    assert f"补全数据后可能的等级区间：{worst} – {best}" in text
    assert "等级未确定" in text


def test_cli_writes_a_word_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.docx"
    example = str(ROOT / "examples" / "demo_hdi_leader.json")
    assert main(["plan", example, "--format", "docx", "--lang", "en", "-o", str(out)]) == 0
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert f"5 {CHAPTERS['en'][4]}" in headings
    assert main(["plan", example, "--format", "docx"]) == 2
    assert "--format docx needs -o FILE" in capsys.readouterr().err
