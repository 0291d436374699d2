"""The completeness report as text lines (evaluation and plan text)."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.names import field_path_label

__all__ = ["completeness_lines"]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g} %"


def completeness_lines(
    report: dict[str, Any], lang: str, *, indicators: int = 5, kb: KnowledgeBase | None = None
) -> list[str]:
    """Totals, one line per manual section, and the least complete indicators (``indicators`` of them)."""
    if not report:
        return []
    zh = lang == "zh"
    lines = [
        ("填报完整度：已答 " if zh else "Completeness: answered ")
        + f"{report['answered']} / {report['applicable']} ({_pct(report['percent'])})"
        + (
            f"；指标数据齐全 {report['indicators_complete']} / {report['indicators_applicable']}"
            if zh
            else f"; indicators with complete data {report['indicators_complete']} / {report['indicators_applicable']}"
        )
    ]
    for section in report["sections"]:
        title = section["title"]["zh" if zh else "en"]
        lines.append(f"  - {title}: {section['answered']} / {section['applicable']} ({_pct(section['percent'])})")
    gaps = sorted(
        (i for i in report["indicators"] if i["applicable"] and i["answered"] < i["applicable"]),
        key=lambda i: (i["answered"] / i["applicable"], i["key"]),
    )
    if gaps:
        lines.append("  数据最不全的指标：" if zh else "  indicators with the most data missing:")
        for row in gaps[:indicators]:
            name = row["name"]["zh" if zh else "en"]
            sep = "；" if zh else "; "
            first = sep.join(field_path_label(kb, m, lang) if kb else m for m in row["missing"][:3])
            key = "" if kb else f" [{row['key']}]"
            lines.append(f"    {name}{key}: {row['answered']} / {row['applicable']}  ({first})")
    return lines
