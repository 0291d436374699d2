"""Rendering with Jinja2 (one environment, autoescape for HTML, StrictUndefined so that a missing value fails):
the narrative (Markdown text) and the report (HTML, and PDF through WeasyPrint with a CJK font)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from engine.kb.loader import KnowledgeBase
from explanations.context import build_context

__all__ = ["environment", "render_narrative", "render_report_html", "render_report_pdf"]


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("explanations", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _css() -> str:
    return resources.files("explanations").joinpath("templates/report.css").read_text(encoding="utf-8")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def render_narrative(kb: KnowledgeBase, plan: dict[str, Any], lang: str = "zh") -> str:
    ctx = build_context(kb, plan, lang, generated_at="")
    return environment().get_template("narrative.md.j2").render(**vars(ctx))


def render_report_html(
    kb: KnowledgeBase,
    plan: dict[str, Any],
    lang: str = "zh",
    generated_at: str | None = None,
    *,
    annex: bool = True,
) -> str:
    """The report; ``annex`` adds the derivation trace and the why-not list at the end (collapsible)."""
    ctx = build_context(kb, plan, lang, generated_at=generated_at or _now())
    ctx.annex = annex
    return environment().get_template("report.html.j2").render(css=_css(), **vars(ctx))


def render_report_pdf(
    kb: KnowledgeBase,
    plan: dict[str, Any],
    lang: str = "zh",
    generated_at: str | None = None,
    *,
    annex: bool = False,
) -> bytes:
    """The report as PDF; the trace annex is left out of it by default (the HTML and the JSON carry it)."""
    from weasyprint import HTML  # imported here: it loads system libraries (pango)

    html = render_report_html(kb, plan, lang, generated_at, annex=annex)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
