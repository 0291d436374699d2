"""Comprehensive indices, the rating rules and what blocks the next level, over evaluated indicator instances.

Y_g = Σ_i w_i Σ_j w'_ij Y_g(x_ij) with the weights renormalised over the instances that count: those that apply,
less any ``excluded`` (the firmness check leaves the contested ones out the same way, engine/evaluate/firmness.py).
Arithmetic is exact (fractions), so "Y_III = 100" is decided exactly.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from engine.evaluate.result import INSUFFICIENT, NOT_APPLICABLE, InstanceResult, fraction_json
from engine.exact import Fraction
from engine.kb import models as m

__all__ = ["blocking", "indices", "rating"]


def _counts(inst: InstanceResult, excluded: Collection[str]) -> bool:
    return inst.level != NOT_APPLICABLE and inst.key not in excluded


def _case_level(inst: InstanceResult, case: str) -> str:
    if inst.level != INSUFFICIENT:
        return inst.level
    return inst.level_worst if case == "worst" else inst.level_best


def indices(
    bset: m.BenchmarkSet,
    instances: list[InstanceResult],
    case: str,
    excluded: Collection[str] = (),
    with_points: bool = True,
) -> tuple[dict[str, Fraction], dict[str, dict[str, Fraction]]]:
    """Y per level and each instance's points (none unless ``with_points``); ``case`` worst or best for undecided
    memberships.

    A level's Y is Σ over groups of the group's share × the weights of its instances that reach the level
    (the same sum as Σ of the instances' points, with far fewer exact operations)."""
    levels = bset.levels
    rank = {lv: i for i, lv in enumerate(levels)}
    groups = {g.id: g for g in bset.groups}
    applicable = [i for i in instances if _counts(i, excluded)]
    group_weight: dict[str, Fraction] = {}
    member_total: dict[str, Fraction] = {}
    for inst in applicable:
        if inst.group not in group_weight:
            g = groups[inst.group]
            group_weight[inst.group] = Fraction(g.weight.value) if g.weight is not None else Fraction(1)
        member_total[inst.group] = member_total.get(inst.group, Fraction(0)) + inst.weight
    gsum = sum(group_weight.values(), Fraction(0))
    reached_weight: dict[str, dict[str, Fraction]] = {lv: {} for lv in levels}  # level -> group -> Σ weight
    points: dict[str, dict[str, Fraction]] = {}
    share: dict[str, Fraction] = {}
    for inst in applicable:
        total = member_total[inst.group]
        if not total or not gsum:
            continue
        if inst.group not in share:
            share[inst.group] = group_weight[inst.group] / gsum * 100 / total
        if with_points:
            points[inst.key] = dict.fromkeys(levels, share[inst.group] * inst.weight)
        bound = _case_level(inst, case) if inst.level == INSUFFICIENT else None
        for lv in levels:
            reached = inst.reached.get(lv)
            if reached is None:
                reached = bound is not None and bound in rank and rank[bound] <= rank[lv]
            if reached:
                by_group = reached_weight[lv]
                by_group[inst.group] = by_group[inst.group] + inst.weight if inst.group in by_group else inst.weight
    y = {lv: sum((share[g] * w for g, w in reached_weight[lv].items()), Fraction(0)) for lv in levels}
    return y, points


def rating(
    bset: m.BenchmarkSet,
    instances: list[InstanceResult],
    y: dict[str, Fraction],
    case: str,
    excluded: Collection[str] = (),
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The strictest level whose rating rule holds (else ``below_<loosest>``), and each rule's check."""
    levels = bset.levels
    detail: dict[str, dict[str, Any]] = {}
    achieved: str | None = None
    for lv in levels:
        rule = bset.rating[lv]
        index_ok = y[lv] >= Fraction(rule.min_index)
        limiting_fail: list[str] = []
        if rule.limiting_at_least is not None:
            need = levels.index(rule.limiting_at_least)
            for inst in instances:
                if not inst.limiting or not _counts(inst, excluded):
                    continue
                lvl = _case_level(inst, case)
                if lvl not in levels or levels.index(lvl) > need:
                    limiting_fail.append(inst.key)
        met = index_ok and not limiting_fail
        detail[lv] = {
            "met": met,
            "index": fraction_json(y[lv], 4),
            "min_index": float(rule.min_index),
            "index_ok": index_ok,
            "limiting_at_least": rule.limiting_at_least,
            "limiting_not_met": limiting_fail,
            "rule": {"zh": rule.text.zh, "en": rule.text.en},
            "source": rule.source,
            "grade": rule.grade.value,
        }
        if met and achieved is None:
            achieved = lv
    return achieved or f"below_{levels[-1]}", detail


def _lifts_alone(
    bset: m.BenchmarkSet,
    inst: InstanceResult,
    target: str,
    y: dict[str, Fraction],
    points: dict[str, dict[str, Fraction]],
    detail: dict[str, Any],
) -> bool:
    """Whether this instance alone reaching ``target`` would meet the target's rating rule (worst case)."""
    rule = bset.rating[target]
    gain = points.get(inst.key, {}).get(target, Fraction(0))
    index_ok = y[target] + gain >= Fraction(rule.min_index)
    others = [k for k in detail["limiting_not_met"] if k != inst.key]
    return index_ok and not others


def blocking(
    bset: m.BenchmarkSet,
    instances: list[InstanceResult],
    overall: str,
    y: dict[str, Fraction],
    points: dict[str, dict[str, Fraction]],
    detail: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The instances that do not reach the next level: the rows that, improved, would lift the overall level.

    Each row says whether it blocks through the limiting rule, the points it would add, whether it alone would
    lift the level (``lifts_alone``), whether its next threshold can be reached at all (``reachable``) and
    whether its threshold row is contested (``contested``).
    """
    levels = bset.levels
    idx = levels.index(overall) if overall in levels else len(levels)
    if idx == 0:
        return {"next_level": None, "indicators": []}
    target = levels[idx - 1]
    rule = bset.rating[target]
    need = levels.index(rule.limiting_at_least) if rule.limiting_at_least else None
    rows: list[dict[str, Any]] = []
    for inst in instances:
        if inst.level == NOT_APPLICABLE:
            continue
        if inst.reached.get(target) is True:
            continue
        limiting_block = bool(
            inst.limiting
            and need is not None
            and (inst.level_worst not in levels or levels.index(inst.level_worst) > need)
        )
        nl = inst.next_level or {}
        rows.append(
            {
                "key": inst.key,
                "level": inst.level,
                "limiting": inst.limiting,
                "blocks_by_limiting_rule": limiting_block,
                "points_available": fraction_json(points.get(inst.key, {}).get(target), 4),
                "lifts_alone": _lifts_alone(bset, inst, target, y, points, detail[target]),
                "reachable": nl.get("reachable", True),
                "contested": bool(inst.contested),
                "next_level": inst.next_level,
            }
        )
    rows.sort(key=lambda r: (not r["blocks_by_limiting_rule"], -float(r["points_available"] or 0), str(r["key"])))
    gap = Fraction(rule.min_index) - y[target]
    return {
        "next_level": target,
        "index_needed": float(rule.min_index),
        "index_now": fraction_json(y[target], 4),
        "index_gap": fraction_json(max(gap, Fraction(0)), 4),
        "indicators": rows,
    }
