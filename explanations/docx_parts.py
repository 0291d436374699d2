"""Building blocks of the Word report (python-docx): a document whose styles carry a Chinese font for East Asian
text (``w:eastAsia``, so that Word shows Chinese in 宋体/黑体 rather than a fallback), headings, paragraphs, real
tables with a repeated header row, and PNG figures."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

__all__ = ["BODY_FONT_ZH", "HEADING_FONT_ZH", "add_figure", "add_table", "bullet", "heading", "new_document", "para"]

BODY_FONT_ZH = "宋体"  # SimSun: the body face of Chinese official documents
HEADING_FONT_ZH = "黑体"  # SimHei: their headings
_LATIN = "Times New Roman"


def _set_fonts(style: ParagraphStyle, latin: str, east_asian: str, size: float | None = None) -> None:
    font = style.font
    font.name = latin
    if size is not None:
        font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # theme fonts would override the names set here
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_document(lang: str, title: str) -> DocumentObject:
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"
    styles = doc.styles
    _set_fonts(styles["Normal"], _LATIN, BODY_FONT_ZH, 10.5)  # 五号
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        _set_fonts(styles[name], _LATIN, HEADING_FONT_ZH, size)
        styles[name].paragraph_format.keep_with_next = True  # no heading alone at a page foot
    for name in ("Caption", "List Bullet", "Table Grid"):
        style = styles[name]
        if isinstance(style, ParagraphStyle):
            _set_fonts(style, _LATIN, BODY_FONT_ZH)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    return doc


def heading(doc: DocumentObject, text: str, level: int = 1) -> Paragraph:
    paragraph: Paragraph = doc.add_heading(text, level=level)
    return paragraph


def para(doc: DocumentObject, text: str = "", bold_lead: str = "") -> Paragraph:
    p = doc.add_paragraph()
    if bold_lead:
        p.add_run(bold_lead).bold = True
    if text:
        p.add_run(text)
    return p


def bullet(doc: DocumentObject, text: str, bold_lead: str = "") -> Paragraph:
    p = doc.add_paragraph(style="List Bullet")
    if bold_lead:
        p.add_run(bold_lead).bold = True
    p.add_run(text)
    return p


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def add_table(
    doc: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float] | None = None,
    numeric_from: int | None = None,
    bold_last: bool = False,
) -> Table:
    """A real Word table: bold header row repeated on every page; columns from ``numeric_from`` right-aligned."""
    table: Table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(label)
        run.bold = True
    _repeat_header(table)
    for r, row in enumerate(rows):
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for c, (cell, value) in enumerate(zip(cells, row, strict=True)):
            run = cell.paragraphs[0].add_run(value)
            if bold_last and r == len(rows) - 1:
                run.bold = True
            if numeric_from is not None and c >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row_ in table.rows:
        for cell in row_.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    if widths_cm:
        for row_ in table.rows:
            for cell, width in zip(row_.cells, widths_cm, strict=False):
                cell.width = Cm(width)
    doc.add_paragraph()
    return table


def add_figure(doc: DocumentObject, png: bytes, caption: str, width_cm: float = 16.0) -> None:
    if not png:
        return
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap = doc.add_paragraph(caption, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
