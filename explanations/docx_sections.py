"""The figures of the Word report as table cells and sentences, read from the plan (never recomputed): the level
and how firm it is, what blocks the next level, option rows (savings, worth, investment, payback, CO2) and the
plan's totals. Names, never ids; estimates to three significant figures (``figures.num``)."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.docx_names import indicator_name, level_name, option_name, resource_name, step_names, text
from explanations.figures import num

__all__ = [
    "blocking_lines",
    "cmp_sign",
    "investment_cell",
    "level_sentence",
    "option_row",
    "savings_cell",
    "totals_row",
]


def level_sentence(kb: KnowledgeBase, ev: dict[str, Any], lang: str) -> list[str]:
    """The level, whether it is determined, the range left open by unknown answers, and why contested rows leave
    it undetermined (with the indicators named)."""
    zh = lang == "zh"
    level = level_name(ev["overall_level"], lang)
    rng = ev.get("overall_level_range") or {}
    firm = ev.get("level_firmness") or {}
    out = []
    determined = bool(ev.get("determined", True))
    state = text("firm", lang) if determined else text("not_firm", lang)
    out.append(f"综合评定等级：{level}（{state}）" if zh else f"Overall level: {level} ({state})")
    best = rng.get("best")
    if best and best != ev["overall_level"]:
        span = f"{level} – {level_name(best, lang)}"
        out.append(
            f"{text('range', lang)}：{span}（部分答案为“未知”）"
            if zh
            else f"{text('range', lang)}: {span} (some answers are unknown)"
        )
    if firm and not firm.get("determined", True):
        names = ("、" if zh else ", ").join(indicator_name(kb, r["key"], lang, ev) for r in firm.get("contested", []))

        def span_of(pair: dict[str, str]) -> str:
            worst, best_ = level_name(pair["worst"], lang), level_name(pair["best"], lang)
            return worst if worst == best_ else f"{worst} – {best_}"

        with_, without = span_of(firm["level_with_contested"]), span_of(firm["level_without_contested"])
        out.append(
            f"含有争议的基准行（{names}）时为 {with_}，去掉这些指标后为 {without}；"
            "以官方文本核对这些基准行之前，等级未确定。"
            if zh
            else f"{with_} with the contested threshold rows ({names}), {without} without them; the level is not "
            "determined until these rows are checked against the official text."
        )
    return out


def cmp_sign(comparison: str) -> str:
    return {"<=": "≤", ">=": "≥"}.get(comparison, comparison)


def _indicator(ev: dict[str, Any], key: str) -> dict[str, Any]:
    return next((i for i in ev["indicators"] if i["key"] == key), {})


def _target_text(nl: dict[str, Any] | None, lang: str) -> str:
    if not nl:
        return "—"
    if "target" in nl:
        return f"{cmp_sign(nl['comparison'])} {num(nl['target'])}"
    if nl.get("reachable") is False:
        return "无法达到" if lang == "zh" else "unreachable"
    return (f"达到{level_name(nl.get('level'), lang)}要求") if lang == "zh" else f"meet level {nl.get('level')}"


def blocking_lines(kb: KnowledgeBase, ev: dict[str, Any], lang: str, limit: int = 6) -> list[str]:
    zh = lang == "zh"
    block = ev.get("blocking") or {}
    nxt = block.get("next_level")
    if not nxt:
        return ["已达最高等级。" if zh else "The highest level is reached."]
    out = []
    if block.get("index_gap") is not None:
        out.append(
            f"达到{level_name(nxt, lang)}：综合评价指数现为 {num(block.get('index_now'))}，"
            f"需 ≥ {num(block.get('index_needed'))}"
            f"（{text('index_short', lang)} {num(block.get('index_gap'))}）"
            if zh
            else f"For level {nxt}: the comprehensive index is {num(block.get('index_now'))}, "
            f"{num(block.get('index_needed'))} is needed ({text('index_short', lang)} {num(block.get('index_gap'))})"
        )
    for row in block.get("indicators", [])[:limit]:
        ind = _indicator(ev, row["key"])
        name = indicator_name(kb, row["key"], lang, ev)
        now = f"{num(ind.get('value'))} {ind.get('unit', '')}".strip() if ind.get("value") is not None else ""
        now_text = now or level_name(row["level"], lang)
        nl = row.get("next_level")
        pct = (nl or {}).get("change_needed_percent")
        change = f"（{num(pct, 2)}%）" if pct is not None and zh else (f" ({num(pct, 2)} %)" if pct is not None else "")
        limiting = text("limiting", lang) if row.get("limiting") else ""
        if zh:
            target = _target_text(nl, lang)
            sep = "" if target.startswith("达到") else " "
            out.append(f"{name}{limiting}：现状 {now_text}，需{sep}{target}{change}")
        else:
            out.append(f"{name}{limiting}: now {now_text}, needs {_target_text(nl, lang)}{change}")
    return out


def savings_cell(savings: dict[str, Any], lang: str) -> str:
    parts = []
    for resource, s in savings.items():
        if resource == "co2_t" or not isinstance(s, dict) or s.get("central") is None:
            continue
        parts.append(f"{resource_name(resource, lang)} {num(s['central'])} {s.get('unit', '')}".strip())
    return ("；" if lang == "zh" else "; ").join(parts) or "—"


def investment_cell(inv: dict[str, Any] | None, lang: str) -> str:
    if not inv or inv.get("status") == "gap" or inv.get("central") is None:
        return text("to_quote", lang)
    if inv.get("status") == "quote":
        return num(inv["central"]) + ("（企业报价）" if lang == "zh" else " (quote)")
    return f"{num(inv['central'])}（{num(inv.get('low'))}–{num(inv.get('high'))}）"


def _money_cell(money: dict[str, Any] | None, lang: str) -> str:
    if not money or money.get("central") is None:
        return "—"
    cell = num(money["central"])
    if money.get("incomplete"):
        cell += "（不完整）" if lang == "zh" else " (incomplete)"
    return cell


def _co2_cell(savings: dict[str, Any]) -> str:
    co2 = savings.get("co2_t")
    return num(co2.get("central")) if isinstance(co2, dict) else "—"


def option_row(kb: KnowledgeBase, rec: dict[str, Any], lang: str, with_steps: bool = False) -> list[str]:
    """Name, (steps,) savings, worth, investment, payback, CO2 of one recommendation."""
    payback = rec.get("payback_years") or {}
    row = [option_name(kb, rec["option_id"], lang)]
    if with_steps:
        row.append(step_names(kb, list(rec.get("steps") or []), lang))
    row += [
        savings_cell(rec.get("savings") or {}, lang),
        _money_cell(rec.get("money"), lang),
        investment_cell(rec.get("investment"), lang),
        num(payback.get("central")),
        _co2_cell(rec.get("savings") or {}),
    ]
    return row


def totals_row(plan: dict[str, Any], lang: str, with_steps: bool = False) -> list[str]:
    """The plan's totals (options combined on what remains, as the plan states them)."""
    totals = plan.get("totals") or {}
    resources = {k: v for k, v in totals.items() if k not in ("money", "investment", "method", "co2_t")}
    inv = totals.get("investment") or {}
    inv_cell = num(inv.get("central")) if inv.get("central") is not None else "—"
    if inv.get("options_without_investment"):
        n = len(inv["options_without_investment"])
        inv_cell += f"（另 {n} 项待询价）" if lang == "zh" else f" ({n} more to be quoted)"
    label = text("total", lang) + ("（按剩余量叠加）" if lang == "zh" else " (combined on what remains)")
    row = [label]
    if with_steps:
        row.append("")
    row += [
        savings_cell(resources, lang),
        _money_cell(totals.get("money"), lang),
        inv_cell,
        "—",
        _co2_cell(totals),
    ]
    return row
