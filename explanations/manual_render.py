"""The printable self-inspection manual (``smart-audit manual --format html|pdf``), grouped as an enterprise fills it
in: enterprise and yearly data, the tables (products, wastes, outlets and monitoring, exhaust sources), the
manual's sections, the process steps and each step's questions; with help texts, units and the allowed answers.
The same layout as the workbook (engine/intake/workbook/layout.py)."""

from __future__ import annotations

from typing import Any

from engine.intake.workbook.common import kb_enums
from engine.intake.workbook.layout import FIELD_ROWS, TABLES, UNITS_OF, UNKNOWN_LABEL, YES_NO, sheet_title
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question
from explanations.render import _css, environment

__all__ = ["manual_context", "render_manual_html", "render_manual_pdf"]


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _question(q: Question, lang: str) -> dict[str, Any]:
    if q.answer == "boolean":
        options = list(YES_NO["zh" if lang == "zh" else "en"])
    else:
        options = [_t(lang, c.text.zh, c.text.en) for c in q.choices]
    kind = {
        "number": _t(lang, "数字", "number"),
        "integer": _t(lang, "整数", "whole number"),
        "text": _t(lang, "文字", "text"),
        "multi_choice": _t(lang, "可多选", "one or more"),
    }.get(q.answer, "")
    bounds = ""
    if q.minimum is not None or q.maximum is not None:
        lo = "" if q.minimum is None else f"{q.minimum.normalize():f}"
        hi = "" if q.maximum is None else f"{q.maximum.normalize():f}"
        bounds = f"[{lo}, {hi}]"
    return {
        "id": q.id,
        "text": _t(lang, q.text.zh, q.text.en),
        "help": _t(lang, q.help.zh, q.help.en) if q.help is not None else "",
        "unit": q.unit or "",
        "options": options,
        "kind": kind,
        "bounds": bounds,
    }


def _fields(sheet_id: str, lang: str, enums: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in FIELD_ROWS[sheet_id]:
        units = (
            UNITS_OF.get(row.qkind or "", []) if row.kind == "quantity" else (["%"] if row.kind == "percent" else [])
        )
        options = enums[row.enum].labels(lang) if row.enum else []
        if row.kind == "bool":
            options = list(YES_NO["zh" if lang == "zh" else "en"])
        out.append(
            {"label": row.label(lang), "units": units, "options": options, "help": _t(lang, row.help_zh, row.help_en)}
        )
    return out


def _tables(lang: str, enums: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for table in TABLES.values():
        cols = []
        for col in table.columns:
            units = UNITS_OF.get(col.qkind or "", []) if col.kind == "quantity" else []
            options = enums[col.enum].labels(lang) if col.enum and col.enum not in ("stream", "option") else []
            cols.append({"label": col.label(lang), "units": units, "options": options})
        out.append(
            {
                "id": table.id,
                "title": sheet_title(table.id, lang),
                "note": _t(lang, table.note_zh, table.note_en),
                "columns": cols,
                "rows": 4,
            }
        )
    return out


def manual_context(kb: KnowledgeBase, lang: str = "zh") -> dict[str, Any]:
    """Everything the manual template shows, in ``lang``."""
    enums = kb_enums(kb)
    sections = []
    for section in sorted(kb.sections.values(), key=lambda s: (s.order, s.id)):
        qs = sorted(
            (q for q in kb.questions.values() if q.section == section.id and q.scope == "enterprise"),
            key=lambda q: (q.order, q.id),
        )
        if qs:
            sections.append(
                {
                    "id": section.id,
                    "title": _t(lang, section.title.zh, section.title.en),
                    "description": _t(lang, section.description.zh, section.description.en)
                    if section.description
                    else "",
                    "questions": [_question(q, lang) for q in qs],
                }
            )
    steps = []
    for step in kb.steps.values():
        qs = sorted(
            (q for q in kb.questions.values() if q.scope == "step" and step.family in q.families),
            key=lambda q: (q.order, q.id),
        )
        steps.append(
            {
                "id": step.id,
                "name": _t(lang, step.name.zh, step.name.en),
                "chemistries": [_t(lang, c.name.zh, c.name.en) for c in step.chemistries],
                "questions": [_question(q, lang) for q in qs],
            }
        )
    steps_section = kb.sections.get("process_steps")
    return {
        "lang": lang,
        "t": lambda zh, en: _t(lang, zh, en),
        "title": _t(
            lang, "印制电路板企业清洁生产自查手册", "Cleaner-production self-inspection manual for PCB enterprises"
        ),
        "kb_version": kb.version.version,
        "kb_hash": kb.version.short_hash,
        "unknown": UNKNOWN_LABEL[lang],
        "enterprise": _fields("enterprise", lang, enums),
        "years": _fields("years", lang, enums),
        "prices": _fields("prices", lang, enums),
        "tables": _tables(lang, enums),
        "sections": sections,
        "steps_title": _t(lang, steps_section.title.zh, steps_section.title.en) if steps_section else "",
        "steps_description": (
            _t(lang, steps_section.description.zh, steps_section.description.en)
            if steps_section and steps_section.description
            else ""
        ),
        "steps": steps,
        "absent_reasons": enums["absent_reason"].labels(lang),
        "treatment_units": enums["treatment_unit"].labels(lang),
        "streams": enums["stream"].labels(lang),
        "destinations": enums["destination"].labels(lang),
    }


def render_manual_html(kb: KnowledgeBase, lang: str = "zh") -> str:
    return environment().get_template("manual.html.j2").render(css=_css(), **manual_context(kb, lang))


def render_manual_pdf(kb: KnowledgeBase, lang: str = "zh") -> bytes:
    from weasyprint import HTML  # imported here: it loads system libraries (pango)

    pdf: bytes = HTML(string=render_manual_html(kb, lang)).write_pdf()
    return pdf
