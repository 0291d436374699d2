"""The printable manual: grouped as an enterprise fills it in, with help texts, units and allowed answers, in
Chinese or English; a PDF with Chinese text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.cli import main
from engine.kb.loader import KnowledgeBase
from explanations.manual_render import render_manual_html, render_manual_pdf


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_grouped_as_it_is_filled_in(kb: KnowledgeBase, lang: str) -> None:
    html = render_manual_html(kb, lang)
    zh = lang == "zh"
    order = [
        "企业信息" if zh else "Enterprise",
        "年度数据" if zh else "Yearly data",
        "固体废物" if zh else "Wastes",
        "监测数据" if zh else "Monitoring",
        kb.sections["process_equipment"].title.zh if zh else kb.sections["process_equipment"].title.en,
        kb.sections["management"].title.zh if zh else kb.sections["management"].title.en,
        kb.sections["process_steps"].title.zh if zh else kb.sections["process_steps"].title.en,
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    q = kb.questions["q_no_obsolete_equipment"]
    assert q.help is not None and (q.help.zh if zh else q.help.en).split("。")[0].split(" - ")[0][:20] in html
    layout = kb.questions["q_plant_layout"]
    assert (layout.choices[0].text.zh if zh else layout.choices[0].text.en)[:10] in html
    assert "kWh / MWh / 10^4kWh" in html and "[q_line_water_m3]" in html
    step = kb.steps["inner_etching"]
    assert (step.name.zh if zh else step.name.en) in html
    assert ("碱性氨性蚀刻" if zh else "Alkaline ammoniacal") in html
    assert ("□ 未知" if zh else "□ unknown") in html


def test_pdf_has_pages_and_chinese_text(kb: KnowledgeBase) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(render_manual_pdf(kb, "zh")))
    assert len(reader.pages) > 10
    assert "清洁生产自查手册" in reader.pages[0].extract_text()


def test_cli_manual_html_and_pdf_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "manual.html"
    assert main(["manual", "--format", "html", "--lang", "en", "-o", str(out)]) == 0
    assert "Cleaner-production self-inspection manual" in out.read_text(encoding="utf-8")
    assert main(["manual", "--format", "pdf"]) == 2
    assert "needs -o" in capsys.readouterr().err
    assert main(["manual", "--format", "html", "--from", "x.json"]) == 2
