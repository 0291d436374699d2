"""The one-page summary that opens the text plan, the narrative and the report (zh/en): the level and how firm it
is, what blocks the next level, the 3-5 key options with savings, investment, payback and CO2, and the targets.
Every figure comes from the plan; numbers follow the one rounding rule of ``explanations.figures.num``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.figures import investment_short, money_text, num, payback_text, savings_text
from explanations.i18n import firmness_text, level_label, level_range_text
from explanations.names import indicator_key_label

__all__ = ["KeyOptionRow", "Summary", "build_summary", "summary_lines"]

MAX_KEY_OPTIONS = 5


@dataclass
class KeyOptionRow:
    name: str
    why: str
    savings: list[str]
    money: str
    investment: str
    payback: str
    co2: str


@dataclass
class Summary:
    level: str
    indices: str
    firmness: str
    projected_no_low: str
    projected_all: str
    next_level: str
    index_gap: str
    blocking: list[str]
    key_options: list[KeyOptionRow]
    targets: list[str]
    totals: list[str] = field(default_factory=list)


def _co2(rec: dict[str, Any]) -> str:
    s = (rec.get("savings") or {}).get("co2_t")
    if not isinstance(s, dict) or s.get("central") is None:
        return "—"
    return f"{num(s['central'])} t/a ({num(s.get('low'))}–{num(s.get('high'))})"


def _indices(indices: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {num(v)}" for k, v in indices.items())


def _blocking_row(kb: KnowledgeBase, row: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    name = indicator_key_label(kb, row["key"], lang)
    nl = row.get("next_level") or {}
    text = f"{name}: {level_label(row['level'], lang)}"
    if "target" in nl:
        text += f" → {nl['comparison']} {num(nl['target'])}"
    elif nl.get("reachable") is False:
        text += f" → {nl['comparison']} {num(nl['threshold'])}" + ("（无法达到）" if zh else " (unreachable)")
    if row.get("blocks_by_limiting_rule"):
        text += "（限定性）" if zh else " (limiting)"
    return text


def build_summary(kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> Summary:
    zh = lang == "zh"
    ev = plan["evaluation"]
    block = ev.get("blocking") or {}
    by_id = {r["option_id"]: r for r in plan["recommendations"]}
    keys = []
    for row in (plan.get("key_options") or [])[:MAX_KEY_OPTIONS]:
        rec = by_id.get(row["option_id"])
        if rec is None:
            continue
        keys.append(
            KeyOptionRow(
                rec["name"][lang],
                row["text"][lang],
                [s for s in savings_text(rec["savings"], lang) if not s.startswith(("二氧化碳", "CO2"))],
                money_text(rec.get("money"), lang),
                investment_short(rec.get("investment"), lang),
                payback_text(rec.get("payback_years"), lang),
                _co2(rec),
            )
        )
    targets = []
    for t in plan.get("targets") or []:
        targets.append(
            f"{indicator_key_label(kb, t['indicator'], lang)}: {num(t['now']['value'])} → "
            f"{num(t['after_all']['value'])} {t['unit']} ({level_label(t['now']['level'], lang)} → "
            f"{level_label(str(t['after_all']['level']), lang)})"
        )
    totals = plan.get("totals") or {}
    tot = []
    if totals.get("money"):
        tot.append(("年经济效益 " if zh else "worth ") + money_text(totals["money"], lang))
    inv = totals.get("investment")
    if inv and inv.get("central") is not None:
        gaps = len(inv.get("options_without_investment", []))
        tot.append(
            f"投资 {num(inv['central'])} CNY（{inv['options_priced']} 项有投资估算，{gaps} 项待询价）"
            if zh
            else f"investment {num(inv['central'])} CNY ({inv['options_priced']} options priced, {gaps} to be quoted)"
        )
    co2 = totals.get("co2_t")
    if isinstance(co2, dict) and co2.get("central") is not None:
        tot.append(("减排二氧化碳 " if zh else "CO2 avoided ") + f"{num(co2['central'])} t/a")
    return Summary(
        level=level_range_text(ev, lang),
        indices=_indices(ev["indices"]),
        firmness=firmness_text(ev.get("level_firmness") or {}, lang),
        projected_no_low=level_range_text(plan["projected_no_low_cost"], lang),
        projected_all=level_range_text(plan["projected"], lang),
        next_level=level_label(block["next_level"], lang) if block.get("next_level") else "",
        index_gap=num(block.get("index_gap")),
        blocking=[_blocking_row(kb, r, lang) for r in (block.get("indicators") or [])[:5]],
        key_options=keys,
        targets=targets,
        totals=tot,
    )


def summary_lines(s: Summary, lang: str) -> list[str]:
    """The summary as plain text lines (the text plan; the narrative renders the same object as Markdown)."""
    zh = lang == "zh"
    lines = [
        "【摘要】" if zh else "[Summary]",
        ("现状等级：" if zh else "Level now: ") + s.level + f"  ({s.indices})",
    ]
    if s.firmness:
        lines.append(("等级未确定：" if zh else "Level not determined: ") + s.firmness)
    lines.append(
        ("实施无/低费方案后：" if zh else "After the no/low-cost options: ")
        + s.projected_no_low
        + ("；全部方案实施后（预测）：" if zh else "; after all options (projected): ")
        + s.projected_all
    )
    if s.next_level:
        lines.append(
            (
                f"距 {s.next_level} 的差距：综合指数差 {s.index_gap} 分"
                if zh
                else f"To reach {s.next_level}: index short by {s.index_gap}"
            )
            + ("；主要阻碍指标：" if zh else "; indicators in the way:")
        )
        lines += [f"  - {b}" for b in s.blocking]
    if s.key_options:
        lines.append("重点方案：" if zh else "Key options:")
        for i, k in enumerate(s.key_options, 1):
            lines.append(f"  {i}. {k.name}")
            if k.savings:
                lines.append(("     年节约：" if zh else "     saves/a: ") + "; ".join(k.savings))
            lines.append(
                ("     年效益：" if zh else "     worth: ")
                + k.money
                + ("；投资：" if zh else "; investment: ")
                + k.investment
                + ("；回收期：" if zh else "; payback: ")
                + k.payback
                + ("；减排CO2：" if zh else "; CO2 avoided: ")
                + k.co2
            )
    if s.totals:
        lines.append(("方案合计：" if zh else "Plan totals: ") + ("；" if zh else "; ").join(s.totals))
    if s.targets:
        lines.append("清洁生产目标：" if zh else "Targets:")
        lines += [f"  - {t}" for t in s.targets]
    return lines
