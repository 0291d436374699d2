"""The evaluation as a plain-text table for people, in Chinese or English."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.completeness_text import completeness_lines
from explanations.figures import num
from explanations.i18n import firmness_text, indicator_level_label, instance_label, level_label, level_range_text
from explanations.names import field_path_label, indicator_key_label

__all__ = ["render_evaluation_text"]


def _level(name: str, lang: str) -> str:
    return level_label(name, lang)


def _num(value: float | None) -> str:
    """Every figure to three significant figures (explanations.figures.num), without thousands separators."""
    return num(value).replace(",", "")


def render_evaluation_text(ev: dict[str, Any], lang: str = "zh", kb: KnowledgeBase | None = None) -> str:
    zh = lang == "zh"
    levels = ev["benchmark_set"]["levels"]
    lines = []
    ent = ev["enterprise"]
    lines.append(("清洁生产水平评价：" if zh else "Cleaner-production evaluation: ") + f"{ent['name']}, {ev['year']}")
    if ent.get("synthetic"):
        lines.append("（合成示例数据）" if zh else "(synthetic example data)")
    bset = ev["benchmark_set"]
    lines.append(("基准体系：" if zh else "Benchmark set: ") + bset["name"]["zh" if zh else "en"])
    lines.append(("n 的定义：" if zh else "Definition of n: ") + bset["n_note"]["zh" if zh else "en"])
    lines.append("")
    lines.append(("综合评定：" if zh else "Overall level: ") + level_range_text(ev, lang))
    firmness = firmness_text(ev.get("level_firmness") or {}, lang)
    if firmness:
        lines.append(("等级未确定：" if zh else "Level not determined: ") + firmness)
    lines.append(
        ("综合指数：" if zh else "Indices: ") + "  ".join(f"Y_{lv} = {_num(ev['indices'][f'Y_{lv}'])}" for lv in levels)
    )
    lines.append("")
    header = (
        ["指标" if zh else "Indicator", "值" if zh else "Value", "单位" if zh else "Unit"]
        + [f"{lv}" for lv in levels]
        + ["级别" if zh else "Level", "等级来源" if zh else "Grade"]
    )
    rows = [header]
    for ind in ev["indicators"]:
        instance = instance_label(ind["instance"], lang)
        name = ind["name"]["zh" if zh else "en"] + (f" [{instance}]" if instance else "")
        if ind["kind"] == "quantitative":
            th = [f"{t['comparison']}{_num(t['value'])}" for t in (ind["thresholds"].get(lv) for lv in levels) if t]
            th += [""] * (len(levels) - len(th))
            grades = sorted({t["grade"] for t in ind["thresholds"].values()})
            value = _num(ind["value"])
        else:
            th = ["✓" if ind["reached"].get(lv) else ("?" if ind["reached"].get(lv) is None else "✗") for lv in levels]
            grades = []
            value = ""
        flags = (" *" if ind["limiting"] else "") + (" ~" if ind["provisional"] else "")
        level = indicator_level_label(ind, lang) + flags
        rows.append([name, value, ind["unit"] if ind["kind"] == "quantitative" else "", *th, level, ",".join(grades)])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r)).rstrip())
    lines.append("")
    lines.append(
        "* 限定性指标  ~ 含 C/D/U 级或已知不一致的基准值（暂定）"
        if zh
        else "* limiting indicator  ~ threshold of grade C/D/U or known-inconsistent (provisional)"
    )
    block = ev["blocking"]
    if block["next_level"]:
        lines.append("")
        target = _level(block["next_level"], lang)
        lines.append(
            f"距 {target} 还差：综合指数 {_num(block['index_gap'])} 分；需改进的指标："
            if zh
            else f"To reach {target}: index short by {_num(block['index_gap'])} points; indicators to improve:"
        )
        for row in block["indicators"][:12]:
            nl = row.get("next_level") or {}
            extra = ""
            if "target" in nl:
                extra = f" → {nl['comparison']}{_num(nl['target'])}"
            elif nl.get("reachable") is False:
                extra = f" → {nl['comparison']}{_num(nl['threshold'])} " + (
                    f"（无法达到：上限 {_num(nl['bound'])}）" if zh else f"(unreachable: at most {_num(nl['bound'])})"
                )
            elif nl.get("unmet"):
                extra = " → " + ("；" if zh else "; ").join(
                    field_path_label(kb, u["subject"], lang) if kb else u["subject"] for u in nl["unmet"][:3]
                )
            flag = (" （限定性）" if zh else " (limiting)") if row["blocks_by_limiting_rule"] else ""
            key = indicator_key_label(kb, row["key"], lang) if kb else row["key"]
            lines.append(f"  - {key}: {_level(row['level'], lang)}{extra}{flag}")
    dq = ev["data_quality"]
    if dq["insufficient_data"] or dq["warnings"]:
        lines.append("")
        lines.append("数据质量：" if zh else "Data quality:")
        for key in dq["insufficient_data"]:
            lines.append(
                ("  - 数据不足：" if zh else "  - insufficient data: ")
                + (indicator_key_label(kb, key, lang) if kb else key)
            )
        for w in dq["warnings"]:
            message = w.get("message_zh" if zh else "message_en") or w["message"]
            lines.append(f"  - {field_path_label(kb, w['path'], lang) if kb else w['path']}: {message}")
    if ev.get("completeness"):
        lines.append("")
        lines.extend(completeness_lines(ev["completeness"], lang, kb=kb))
    lines.append("")
    lines.append(f"kb {ev['kb_version']} {ev['kb_hash'][:19]}…  input {ev['input_hash'][:19]}…")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
