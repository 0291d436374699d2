"""What the cheapest-path output shows besides the selection: its options, the trade-off curve, and, when no
selection reaches the target, what stays short and what data would change that."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.evaluate.result import INSUFFICIENT, InstanceResult, decimal_json, fraction_json
from engine.plan.benefits import UNITS
from engine.plan.search import Check
from engine.plan.selection import PlanOptions, sig

__all__ = ["curve", "option_rows", "shortfall"]


def option_rows(po: PlanOptions, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The options of a selection (plan order): ids, measure codes, names, investment, payback, savings on their
    own and what each keeps when combined with the others of the selection."""
    proj = po.project(ids)
    rows = []
    for oid, in_sel in zip(proj.ids, proj.combined.in_plan, strict=True):
        opt = po.by_id(oid)
        row = opt.row
        rows.append(
            {
                "option_id": oid,
                "measure_code": opt.option.measure_code,
                "name": dict(row["name"]),
                "category": row["category"],
                "cost_class": row["cost_class"],
                "steps": list(row["steps"]),
                "origin": row["origin"],
                "investment": row["investment"],
                "payback_years": row["payback_years"],
                "savings": row["savings"],
                "savings_in_selection": {
                    r: {"low": sig(t[0]), "central": sig(t[1]), "high": sig(t[2]), "unit": UNITS[r]}
                    for r, t in sorted(in_sel.items())
                },
                "quantified": row["quantified"],
            }
        )
    return rows


def _point(po: PlanOptions, ids: frozenset[str], levels: list[str], target: str) -> dict[str, Any]:
    proj = po.project(ids)
    inv = po.investment(proj.ids)
    ev = proj.evaluation
    return {
        "options": list(proj.ids),
        "investment": inv["central"],
        "unpriced_options": inv["options_without_investment"],
        "level": ev.overall_level,
        "index": fraction_json(ev.indices_worst[target], 4),
        "indices": {f"Y_{lv}": fraction_json(ev.indices_worst[lv], 4) for lv in levels},
        "reaches_target": ev.overall_level in levels and levels.index(ev.overall_level) <= levels.index(target),
    }


def curve(
    po: PlanOptions,
    levels: list[str],
    target: str,
    checked: list[tuple[frozenset[str], Check]],
    singles: dict[str, Check],
    best: frozenset[str] | None,
) -> list[dict[str, Any]]:
    """The trade-off between investment and the target's index among the selections evaluated (none, each option
    on its own, every proposal of the search, every option of the plan): for each, the known investment, the level
    and the indices; kept are the selections no other beats (no more investment for a higher index), separately
    for the fully priced ones and those holding options without a price (whose investment is a lower bound)."""
    pool = {frozenset(): None, frozenset(po.ids): None}
    pool.update({frozenset({k}): None for k in singles})
    pool.update({s: None for s, _ in checked})
    if best is not None:
        pool[best] = None
    points = [_point(po, s, levels, target) for s in sorted(pool, key=lambda s: (len(s), po.ordered(s)))]
    out = []
    for priced in (True, False):
        group = [p for p in points if (not p["unpriced_options"]) == priced]
        group.sort(key=lambda p: (p["investment"], -(p["index"] or 0), len(p["options"]), p["options"]))
        top = -1.0
        for p in group:
            if (p["index"] or 0) > top:
                top = p["index"] or 0
                out.append(
                    {**p, "priced": priced, "optimal": best is not None and po.ordered(best) == tuple(p["options"])}
                )
    if best is not None and not any(p["optimal"] for p in out):
        p = _point(po, best, levels, target)
        out.append({**p, "priced": not p["unpriced_options"], "optimal": True})
    out.sort(key=lambda p: (not p["priced"], p["investment"], p["index"] or 0, p["options"]))
    return out


def _short(inst: InstanceResult, now: InstanceResult | None, target: str, levels: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "indicator": inst.key,
        "name": {"zh": inst.name_zh, "en": inst.name_en},
        "kind": inst.kind,
        "unit": inst.unit,
        "limiting": inst.limiting,
        "points": fraction_json(inst.points.get(target), 4),
        "level_now": now.level if now is not None else None,
        "level_with_all": inst.level,
        "value_now": decimal_json(now.value) if now is not None else None,
        "value_with_all": decimal_json(inst.value),
    }
    threshold = next((t for t in inst.thresholds if t.level == target), None)
    if threshold is not None:
        row["threshold"] = {"value": decimal_json(threshold.value), "comparison": threshold.comparison}
        if threshold.unreachable:
            row["threshold"]["unreachable"] = True
        if inst.value is not None and not threshold.unreachable:
            change = threshold.value - inst.value
            row["change_needed"] = decimal_json(change)
            row["change_needed_percent"] = decimal_json(change / inst.value * 100, 2) if inst.value else None
    if inst.kind == "qualitative":
        # the target is reached when its criteria hold, or (no criteria of its own) those of the nearest stricter
        # level that has some, and those of every looser level
        at = levels.index(target)
        own = next((lv for lv in reversed(levels[: at + 1]) if lv in inst.criteria_log), None)
        asked = ([own] if own is not None else []) + [lv for lv in levels[at + 1 :] if lv in inst.criteria_log]
        row["unmet"] = [
            {"level": lv, **leaf.as_dict()}
            for lv in asked
            for leaf in inst.criteria_log[lv]
            if leaf.outcome is not True
        ]
    if inst.level == INSUFFICIENT or inst.missing:
        row["missing"] = list(inst.missing)
    return row


def shortfall(
    po: PlanOptions,
    plan: dict[str, Any],
    target: str,
    levels: list[str],
    baseline: Check,
    singles: dict[str, Check],
    allowed: set[str],
    unpriced_left_out: list[str],
) -> dict[str, Any]:
    """Why no selection reaches ``target``: with every option in ``allowed``, the index and the rating
    rule against what the target asks, each indicator that stays short (by how much, and which options move it),
    and the data that would change the answer (missing inputs, unknown answers, unquantified or unpriced options,
    the questions the plan asks before recommending more)."""
    ids = po.ordered(allowed)
    ev = po.project(ids).evaluation
    now = {i.key: i for i in po.project(()).evaluation.instances}
    rule = po.kb.benchmark_sets[po.benchmark_set].rating[target]
    index = ev.indices_worst[target]
    rows = []
    movers: dict[str, list[str]] = {}
    for oid, check in singles.items():
        for key, sig_ in check.signatures.items():
            if baseline.signatures.get(key) != sig_ and oid in allowed:
                movers.setdefault(key, []).append(oid)
    not_met = set(ev.rating[target]["limiting_not_met"])
    for inst in ev.instances:
        if inst.key not in baseline.hits:
            continue
        hit = inst.reached.get(target) is True
        if hit and inst.key not in not_met:
            continue
        row = _short(inst, now.get(inst.key), target, levels)
        row["moved_by"] = po.ordered(movers.get(inst.key, []))
        row["blocks_by_limiting_rule"] = inst.key in not_met
        row["why"] = (
            "data_missing"
            if inst.level == INSUFFICIENT
            else "no_option_moves_it"
            if not row["moved_by"]
            else "options_not_enough"
        )
        rows.append(row)
    rows.sort(key=lambda r: (not r["blocks_by_limiting_rule"], -(r["points"] or 0), r["indicator"]))
    unquantified = [
        {
            "option_id": r["option_id"],
            "inputs": (r.get("to_quantify") or {}).get("inputs", []),
            "questions": (r.get("to_quantify") or {}).get("questions", []),
        }
        for r in plan["recommendations"]
        if not r["quantified"] and r["option_id"] in allowed
    ]
    unknown = sorted(
        {
            str(leaf.subject)
            for inst in ev.instances
            for log in inst.criteria_log.values()
            for leaf in log
            if leaf.outcome is None
        }
    )
    gap = Decimal(str(rule.min_index)) - Decimal(index.numerator) / Decimal(index.denominator)
    return {
        "scope": "all" if len(ids) == len(po.options) else "priced",
        "with_options": list(ids),
        "level_with_options": ev.overall_level,
        "index": {
            "level": target,
            "needed": float(rule.min_index),
            "reached": fraction_json(index, 4),
            "gap": decimal_json(max(gap, Decimal(0)), 4),
        },
        "limiting_not_met": sorted(not_met),
        "indicators": rows,
        "data": {
            "missing_inputs": sorted({m for inst in ev.instances for m in inst.missing}),
            "unknown_answers": unknown,
            "unquantified_options": unquantified,
            "unpriced_options": unpriced_left_out,
            "questions_to_ask": plan.get("questions_to_ask", []),
        },
    }
