"""No two text labels of a chart overlap: every chart of the plan report (HTML/PDF: before/after small multiples,
process graph), of the Word report (before/after, key options' worth), of the cheapest path and of the sample
cohort's report (levels, box plots, heat map, Pareto, slope charts), for every bundled example in both languages.

Label boxes are estimated from the font size and the characters (tests/explanations/svg_labels.py). The Word
report's PNG charts are drawn as SVG here from the same figure (the same layout in points); the cohort report's
PNG and SVG charts share one figure builder, so its SVGs stand for both."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest

from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.plan.build import build_plan
from engine.plan.path import cheapest_path
from explanations import cohort_charts, docx_charts, docx_report
from explanations.cohort_text import LEVEL_NAMES
from explanations.context import build_context
from explanations.path_chart import path_curve_svg
from tests.explanations.svg_labels import labels, overlaps

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("demo_*.json"))
LANGS = ["zh", "en"]


@cache
def _kb() -> KnowledgeBase:
    return load_kb(DEFAULT_KB_PATH)


@cache
def _inputs(name: str) -> tuple[Any, dict[str, Any]]:
    kb = _kb()
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    si = parse_self_inspection(kb, data).inspection
    return si, build_plan(kb, si)


def _assert_apart(charts: dict[str, str]) -> None:
    drawn = {name: svg for name, svg in charts.items() if svg}
    assert drawn, "no chart drawn"
    found = {name: overlaps(svg) for name, svg in drawn.items()}
    assert {name: pairs for name, pairs in found.items() if pairs} == {}


def _svg_of(fig: Any) -> bytes:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue().encode("utf-8")


def test_the_estimate_sees_an_overlap() -> None:
    """The check can fail: two level names drawn on one spot, and rotated neighbours closer than their height."""
    fig, ax = plt.subplots(figsize=(3, 1))
    ax.set_xlim(0, 10)
    ax.annotate("Ⅱ级", (5, 0.5))
    ax.annotate("Ⅲ级", (5.2, 0.5))
    svg = _svg_of(fig).decode()
    assert len(labels(svg)) >= 2 and ("Ⅱ级", "Ⅲ级") in overlaps(svg)
    fig, ax = plt.subplots(figsize=(3, 1))
    ax.set_xticks([0, 0.05], ["a long rotated label", "another long label"], rotation=60)
    assert ("a long rotated label", "another long label") in overlaps(_svg_of(fig).decode())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_plan_report_charts(name: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = _kb()
    _, plan = _inputs(name)
    ctx = build_context(kb, plan, lang, generated_at="")
    figures: list[bytes] = []
    monkeypatch.setattr(docx_charts, "_png", _svg_of)
    monkeypatch.setattr(docx_report, "add_figure", lambda doc, image, *a, **k: figures.append(image))
    docx_report.render_report_docx(kb, plan, lang)
    charts = {"before/after": ctx.before_after_svg, "process graph": ctx.graph_svg}
    charts.update({f"docx figure {i}": image.decode() for i, image in enumerate(figures) if image})
    _assert_apart(charts)


@pytest.mark.parametrize("name", EXAMPLES)
def test_path_chart(name: str) -> None:
    si, plan = _inputs(name)
    out = cheapest_path(_kb(), si, plan, target="II")
    _assert_apart({lang: path_curve_svg(out, lang) for lang in LANGS})


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from api.cli import main

    out = tmp_path_factory.mktemp("cohort") / "r.json"
    sample = ROOT / "examples" / "cohort"
    assert (
        main(["cohort", str(sample / "2024"), "--compare", str(sample / "2026"), "--json", "-q", "-o", str(out)]) == 0
    )
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("lang", LANGS)
def test_cohort_report_charts(cohort: dict[str, Any], lang: str) -> None:
    charts = {"slope": cohort_charts.slope_svg(cohort["before_after"], lang)}
    for p in cohort["periods"]:
        quantitative = [i for i in p["indicators"] if i["kind"] != "qualitative"]
        charts[f"levels {p['period']}"] = cohort_charts.levels_svg(p["levels"]["counts"], LEVEL_NAMES[lang])
        charts[f"box plots {p['period']}"] = cohort_charts.box_plots_svg(quantitative, lang)
        charts[f"heat map {p['period']}"] = cohort_charts.heat_map_svg(p, lang)
        charts[f"pareto {p['period']}"] = cohort_charts.pareto_svg(p["common_solutions"], lang)
    assert all(charts.values())
    _assert_apart(charts)
