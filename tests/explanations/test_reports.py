"""Narrative and report: golden files for two examples in both languages (rewritten only with
``pytest --regen-golden``), StrictUndefined, every rule's rationale renders, and the PDF has the expected number
of pages and contains Chinese text."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from engine.inference.trace import Trace, TraceNode
from engine.intake.validate import parse_self_inspection
from engine.kb.factschema import fact_schema
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.plan.build import build_plan
from explanations.rationale import render_rationale
from explanations.render import environment, render_narrative, render_report_html, render_report_pdf

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ["demo_hdi_leader", "demo_double_multilayer_mid"]
GENERATED_AT = "2026-01-01T00:00:00+00:00"


@cache
def _plan(name: str) -> dict[str, Any]:
    kb = load_kb(DEFAULT_KB_PATH)
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    return build_plan(kb, parse_self_inspection(kb, data).inspection)


def _compare(path: Path, text: str, regen: bool) -> None:
    if regen:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} missing: run pytest --regen-golden"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path.name} differs from the golden file (pytest --regen-golden after review)"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_narrative_golden(kb: KnowledgeBase, name: str, lang: str, regen_golden: bool) -> None:
    text = render_narrative(kb, _plan(name), lang)
    assert "{{" not in text and "{%" not in text
    _compare(GOLDEN / f"narrative_{name}_{lang}.md", text, regen_golden)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_report_golden(kb: KnowledgeBase, name: str, lang: str, regen_golden: bool) -> None:
    html = render_report_html(kb, _plan(name), lang, GENERATED_AT)
    assert html.startswith("<!DOCTYPE html>")
    _compare(GOLDEN / f"report_{name}_{lang}.html", html, regen_golden)


def test_report_marks_provisional_values_and_links_sources(kb: KnowledgeBase) -> None:
    html = render_report_html(kb, _plan("demo_hdi_leader"), "en", GENERATED_AT)
    assert 'href="#src-PEER_REPO_RU"' in html and 'id="src-PEER_REPO_RU"' in html
    assert '<span class="badge">provisional</span>' in html
    # drill-down: from a recommendation to its findings to the facts to the raw answers
    assert 'id="node-finding:' in html and "<code>" in html


def test_templates_fail_on_missing_values() -> None:
    template = environment().get_template("narrative.md.j2")
    with pytest.raises(UndefinedError):
        template.render(L={})


def _dummy(spec_kind: str, allowed: tuple[str, ...]) -> Any:
    if spec_kind == "bool":
        return True
    if spec_kind == "number":
        return 12.5
    if spec_kind == "list":
        return list(allowed[:2]) or ["x"]
    return allowed[0] if allowed else "text"


def test_every_rule_rationale_renders(kb: KnowledgeBase) -> None:
    schema = fact_schema(kb)
    placeholder = re.compile(r"\{[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\}")
    for rid, rule in kb.rules.items():
        nodes: dict[str, TraceNode] = {}
        premises = []
        for pattern in rule.when:
            fid = f"{pattern.fact}:{pattern.as_}"
            value = {name: _dummy(spec.kind, spec.allowed) for name, spec in schema[pattern.fact].items()}
            nodes[fid] = TraceNode(fid, pattern.fact, value)
            premises.append(fid)
        nodes["c"] = TraceNode("c", "finding", {}, rid, premises, [], [{"rule": rid, "premises": premises}])
        trace = Trace("v", "h", "i", nodes)
        for lang in ("zh", "en"):
            text = render_rationale(kb, trace, "c", lang)
            assert text.strip(), rid
            assert not placeholder.search(text), f"{rid} ({lang}) left a placeholder: {text}"
            assert not re.search(r"(?<![\w?])\?(?![\w?])", text), f"{rid} ({lang}) rendered a missing value"


ALL_EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("demo_*.json"))
PDF_CASES = [(name, "zh") for name in ALL_EXAMPLES] + [("demo_hdi_leader", "en")]


@pytest.mark.parametrize(("name", "lang"), PDF_CASES)
def test_pdf_pages_and_chinese(kb: KnowledgeBase, name: str, lang: str, regen_golden: bool) -> None:
    """Page count per example (the trace annex is out of the PDF), Chinese text, and no machine id in the PDF's
    text before its sources appendix (the ids pattern of test_no_ids)."""
    from pypdf import PdfReader

    from explanations.names import MACHINE_ID

    pdf = render_report_pdf(kb, _plan(name), lang, GENERATED_AT)
    reader = PdfReader(io.BytesIO(pdf))
    pages_file = GOLDEN / "pdf_pages.json"
    pages = json.loads(pages_file.read_text(encoding="utf-8")) if pages_file.exists() else {}
    if regen_golden:
        pages[f"{name}_{lang}"] = len(reader.pages)
        pages_file.write_text(json.dumps(pages, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert len(reader.pages) == pages[f"{name}_{lang}"]
    assert len(reader.pages) <= 20  # #12: at most 20 pages; the full option list is in the HTML and the JSON
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "清洁生产" in text[:3000] or (lang == "en" and "示例" in text[:3000])
    body = text.split("附录: 引用来源" if lang == "zh" else "Appendix: Sources cited", 1)[0]
    assert "附件" not in body or lang == "en"  # no trace annex in the PDF
    from tests.explanations.test_no_ids import _schema_fields

    # the self-inspection's own field names are allowed (test_no_ids); a line break may cut one in the PDF's text
    fields = " ".join(_schema_fields())
    ids = {m.group(0) for m in MACHINE_ID.finditer(body) if m.group(0) not in fields}
    assert not ids, sorted(ids)[:10]
