"""No machine id outside the annex: the zh and en text plan, narrative and HTML report of every bundled example
show names. The pattern (explanations.names.MACHINE_ID) is checked against the knowledge base's real ids first, so
that the test cannot pass by a pattern that matches nothing.

Allowed: the field names of the self-inspection itself (its JSON Schema's property names, e.g.
``investment_quotes``), because texts tell the enterprise where to enter a figure."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.plan.build import build_plan
from explanations.context import build_context
from explanations.i18n import EFFLUENT_LABELS
from explanations.names import MACHINE_ID
from explanations.plan_text import render_plan_text
from explanations.render import render_narrative, render_report_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("demo_*.json"))


@cache
def _kb() -> KnowledgeBase:
    return load_kb(DEFAULT_KB_PATH)


@cache
def _plan(name: str) -> dict[str, Any]:
    kb = _kb()
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    return build_plan(kb, parse_self_inspection(kb, data).inspection)


def _schema_fields() -> set[str]:
    from engine.intake.model import SelfInspection

    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(SelfInspection.model_json_schema())
    return names


def _ids_in(text: str) -> set[str]:
    allowed = _schema_fields()
    return {m.group(0) for m in MACHINE_ID.finditer(text) if m.group(0) not in allowed}


def test_pattern_matches_real_ids() -> None:
    kb = _kb()
    samples = [i for i in (*kb.findings, *kb.rules, *kb.steps, *kb.indicators, *kb.options) if "_" in i]
    assert len(samples) > 300
    for ident in samples:
        assert MACHINE_ID.fullmatch(ident), ident
    plan = _plan("demo_single_sided_small")
    for node_id in list(plan["trace"])[:200]:
        if "@" in node_id:
            assert MACHINE_ID.search(node_id), node_id
    keys = [i["key"] for i in plan["evaluation"]["indicators"] if "[" in i["key"]]
    assert keys and all(MACHINE_ID.search(k) for k in keys)
    assert not MACHINE_ID.search("清洗水流量无控制（热风整平（喷锡））")
    assert not MACHINE_ID.search("Rinse-water flow not controlled (Hot-air solder levelling (HASL))")


def _body_html(html: str) -> str:
    """The report before its appendices (sources, whose titles and URLs are the documents' own, and the trace
    annex), without its style sheet and its markup (attributes carry anchors, not text)."""
    html = html.split('<h2 id="appendix">', 1)[0]
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_no_machine_ids_outside_the_annex(name: str, lang: str) -> None:
    kb, plan = _kb(), _plan(name)
    text = render_plan_text(plan, lang, kb)
    narrative = render_narrative(kb, plan, lang).split("## 附件" if lang == "zh" else "## Annex", 1)[0]
    html = _body_html(render_report_html(kb, plan, lang, "2026-01-01T00:00:00+00:00"))
    found = {"text": _ids_in(text), "narrative": _ids_in(narrative), "html": _ids_in(html)}
    assert found == {"text": set(), "narrative": set(), "html": set()}


def test_sources_cite_documents_not_internal_notes() -> None:
    kb, plan = _kb(), _plan("demo_double_multilayer_mid")
    html = render_report_html(kb, plan, "en", "2026-01-01T00:00:00+00:00")
    appendix = html.split('<h2 id="appendix">', 1)[1].split('<section class="annex"', 1)[0]
    assert "standards.md" not in appendix and "options.md" not in appendix and "shared/domain" not in appendix
    # the documents are there: the evaluation index system with its issuer, and the grade column
    assert 'id="src-PEER_REPO_RU"' in appendix
    assert appendix.count("<tr id=") >= 20


# Codes that are values, not names: an effluent standard's monitoring position (``discharge``, ``permit``, ...).
# They have no underscore or colon, so MACHINE_ID cannot see them; in Chinese text any of them is a leak, and in
# both languages no applied parameter may show one as its value.
_POSITIONS = sorted(EFFLUENT_LABELS["en"])
_BARE_POSITION = re.compile(r"(?<![A-Za-z_.\-])(?:" + "|".join(_POSITIONS) + r")(?![A-Za-z_\-])")


def test_position_pattern_matches_the_codes() -> None:
    assert {"discharge", "permit", "workshop_outlet"} <= set(_POSITIONS)
    assert _BARE_POSITION.search("依据的阈值：电镀污染物排放标准：COD的监测位置 = discharge [GB21900_2008, D]")
    assert not _BARE_POSITION.search("wastewater.permit_limits; zero_discharge; discharged")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_no_bare_position_ids(name: str, lang: str) -> None:
    kb, plan = _kb(), _plan(name)
    ctx = build_context(kb, plan, lang, generated_at="")
    shown = [p.value for f in ctx.findings for p in f.parameters] + [p.value for n in ctx.nodes for p in n.parameters]
    assert not [v for v in shown if v in _POSITIONS]
    if lang == "zh":
        html = _body_html(render_report_html(kb, plan, lang, "2026-01-01T00:00:00+00:00"))
        narrative = render_narrative(kb, plan, lang).split("## 附件", 1)[0]
        text = render_plan_text(plan, lang, kb)
        found = {
            k: set(_BARE_POSITION.findall(v)) for k, v in {"html": html, "narrative": narrative, "text": text}.items()
        }
        assert found == {"html": set(), "narrative": set(), "text": set()}
