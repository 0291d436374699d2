"""The shortlist at the head of the plan: the key options an audit works from.

An option is key when it moves an indicator that blocks the next level or a limiting one, carries a target (moves
an indicator whose projected level improves), or is among the largest quantified savings. Key options are
ranked by the plan's total order (priority score, which includes the money saved and the level lift, then money,
CO2, investment, id); the options with the largest quantified savings are always in, the others follow by rank up
to the policy's ``shortlist_max``; when fewer than ``shortlist_min`` are key, the highest-priority options fill the
list. The sizes are the plan policy's (knowledge_base/plan/policy.yaml). The full list stays in
``recommendations``.
"""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from engine.plan.records import Rec
from engine.plan.resolve import rank_key

__all__ = ["key_options", "shortlist_sizes"]


def shortlist_sizes(kb: KnowledgeBase) -> tuple[int, int, int]:
    """(minimum, maximum, how many of the largest quantified savings are always in) from the plan policy."""
    policy = kb.plan_policy
    if policy is None:
        return 3, 7, 3
    return policy.shortlist_min, policy.shortlist_max, policy.shortlist_top_savings


_WHY = {
    "lifts_blocking": ("提升阻碍升级的指标", "moves an indicator that blocks the next level"),
    "lifts_limiting": ("提升限定性指标", "moves a limiting indicator"),
    "carries_target": ("承载清洁生产目标", "carries a target"),
    "largest_savings": ("量化节约金额最大之一", "among the largest quantified savings"),
    "highest_priority": ("优先级最高之一", "among the highest priorities"),
}


def _rank(level: str | None, levels: list[str]) -> int:
    return levels.index(level) if level in levels else len(levels)


def _names(kb: KnowledgeBase, ids: list[str], lang: str) -> str:
    out = []
    for iid in ids:
        ind = kb.indicators.get(iid)
        out.append(getattr(ind.name, lang) if ind is not None else iid)
    return "、".join(out) if lang == "zh" else ", ".join(out)


def key_options(
    kb: KnowledgeBase, recs: list[Rec], targets: list[dict[str, Any]], levels: list[str]
) -> list[dict[str, Any]]:
    """The ranked shortlist: ``[{option_id, rank, why: [codes], indicators: {code: [ids]}, text: {zh, en}}]``."""
    improving = {
        str(t["indicator"]).split("[")[0]
        for t in targets
        if _rank(t["after_all"]["level"], levels) < _rank(t["now"]["level"], levels)
    }
    min_key, max_key, top_savings = shortlist_sizes(kb)
    quantified = sorted((r for r in recs if (r.money_central() or 0) > 0), key=lambda r: -(r.money_central() or 0))
    top_money = {r.option.id for r in quantified[:top_savings]}
    why: dict[str, dict[str, list[str]]] = {}
    for rec in recs:
        moves = rec.priority.get("moves") or {}
        reasons: dict[str, list[str]] = {}
        if moves.get("blocking"):
            reasons["lifts_blocking"] = list(moves["blocking"])
        if moves.get("limiting"):
            reasons["lifts_limiting"] = list(moves["limiting"])
        carried = sorted(set(moves.get("indicators", [])) & improving)
        if carried:
            reasons["carries_target"] = carried
        if rec.option.id in top_money:
            reasons["largest_savings"] = []
        if reasons:
            why[rec.option.id] = reasons
    ranked = sorted(recs, key=rank_key)
    chosen = [r for r in ranked if r.option.id in top_money]
    chosen += [r for r in ranked if r.option.id in why and r not in chosen][: max(max_key - len(chosen), 0)]
    for rec in ranked:
        if len(chosen) >= min_key:
            break
        if rec not in chosen:
            why[rec.option.id] = {"highest_priority": []}
            chosen.append(rec)
    chosen.sort(key=rank_key)
    out = []
    for i, rec in enumerate(chosen, 1):
        reasons = why[rec.option.id]
        text = {}
        for lang, idx in (("zh", 0), ("en", 1)):
            parts = []
            for code, ids in reasons.items():
                label = _WHY[code][idx]
                parts.append(
                    f"{label}（{_names(kb, ids, lang)}）"
                    if ids and lang == "zh"
                    else f"{label} ({_names(kb, ids, lang)})"
                    if ids
                    else label
                )
            text[lang] = ("；" if lang == "zh" else "; ").join(parts)
        out.append(
            {
                "option_id": rec.option.id,
                "rank": i,
                "why": list(reasons),
                "indicators": {code: ids for code, ids in reasons.items() if ids},
                "text": text,
            }
        )
    return out
