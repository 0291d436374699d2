"""The differences between a what-if scenario and its baseline, explained from the two plans' traces.

A finding or a recommendation that appears (or disappears) is explained by the premises it rests on (in the trace
it appears in) that changed: raw answers and quantities (``input:`` nodes whose value differs or that only one
trace holds) and indicators whose level changed. An option that joins or leaves the plan is explained by the
accept/reject log, else by its recommendations appearing or disappearing, else by the plan's resolution (e.g. an
answer changed so that it is now in place). Indicators that change are listed with the edits among their inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from engine.evaluate.result import EvaluationResult, decimal_json, fraction_json
from engine.plan.edits import Edit
from engine.plan.pathreport import option_rows
from engine.plan.selection import PlanOptions

__all__ = ["differences", "summary"]


def summary(po: PlanOptions, plan: dict[str, Any], evaluation: dict[str, Any]) -> dict[str, Any]:
    """A plan in short: level now and projected, its options and its totals (savings, money, investment)."""
    proj = po.project(po.ids)
    levels = list(evaluation["benchmark_set"]["levels"])
    return {
        "level_now": evaluation["overall_level"],
        "indices_now": evaluation["indices"],
        "projected_level": proj.evaluation.overall_level,
        "projected_indices": {f"Y_{lv}": fraction_json(proj.evaluation.indices_worst[lv], 4) for lv in levels},
        "options": option_rows(po, proj.ids),
        "totals": {
            **po.savings(proj.ids),
            "investment": po.investment(proj.ids),
            "payback_years": _round(po.payback_years(proj.ids)),
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _closure(trace: dict[str, Any], nid: str) -> set[str]:
    seen: set[str] = set()
    todo = [nid]
    while todo:
        cur = todo.pop()
        node = trace.get(cur)
        if node is None:
            continue
        for deriv in node.get("derivations") or [{"premises": node.get("premises", [])}]:
            for p in deriv["premises"]:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
    return seen


def _changed(t0: dict[str, Any], t1: dict[str, Any]) -> set[str]:
    """The raw inputs whose value changed (or that one trace alone holds) and the indicators whose level changed."""
    out = set()
    for nid in set(t0) | set(t1):
        a, b = t0.get(nid), t1.get(nid)
        kind = (a or b or {}).get("type")
        if kind == "input":
            moved = a is None or b is None or a["value"] != b["value"]
        else:
            moved = (
                kind == "indicator" and a is not None and b is not None and a["value"]["level"] != b["value"]["level"]
            )
        if moved:
            out.add(nid)
    return out


def _because(trace: dict[str, Any], nid: str, changed: set[str]) -> list[str]:
    return sorted(_closure(trace, nid) & changed)


def _findings(t0: dict[str, Any], t1: dict[str, Any], changed: set[str]) -> dict[str, list[dict[str, Any]]]:
    def rows(here: dict[str, Any], there: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"id": nid, **here[nid]["value"], "rule": here[nid]["rule"], "because": _because(here, nid, changed)}
            for nid in sorted(here)
            if here[nid]["type"] == "finding" and nid not in there
        ]

    return {"appeared": rows(t1, t0), "disappeared": rows(t0, t1)}


def _rec_nodes(trace: dict[str, Any], oid: str) -> set[str]:
    return {n for n, v in trace.items() if v["type"] == "recommendation" and v["value"].get("option") == oid}


def _resolution(plan: dict[str, Any], oid: str) -> dict[str, Any] | None:
    return next((e for e in plan.get("resolution", []) if e.get("option") == oid and e.get("action") != "added"), None)


def _options(
    plan0: dict[str, Any],
    plan1: dict[str, Any],
    before: list[str],
    after: list[str],
    log: list[dict[str, Any]],
    changed: set[str],
) -> dict[str, list[dict[str, Any]]]:
    t0, t1 = plan0["trace"], plan1["trace"]
    logged = {e["option"]: e for e in log}
    names = {r["option_id"]: r["name"] for r in plan0["recommendations"] + plan1["recommendations"]}

    def explain(oid: str, joined: bool) -> dict[str, Any]:
        row: dict[str, Any] = {"option_id": oid, "name": names.get(oid)}
        if oid in logged:
            return {**row, "why": logged[oid]["kind"], "reason": logged[oid]["reason"]}
        here, there = (t1, t0) if joined else (t0, t1)
        new = sorted(_rec_nodes(here, oid) - _rec_nodes(there, oid))
        if new and not _rec_nodes(there, oid):
            because = sorted({c for n in new for c in _because(here, n, changed)})
            why = "recommended_by_rules" if joined else "rules_no_longer_fire"
            return {**row, "why": why, "recommendations": new, "because": because}
        entry = _resolution(plan0 if joined else plan1, oid)
        if entry is not None:
            why = "no_longer_excluded" if joined else "excluded_by_resolution"
            return {**row, "why": why, "reason": entry.get("reason"), "text": entry.get("text")}
        return {**row, "why": "recommended_by_rules" if joined else "rules_no_longer_fire", "because": []}

    return {
        "appeared": [explain(o, True) for o in after if o not in before],
        "disappeared": [explain(o, False) for o in before if o not in after],
    }


def _norm(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _edits_of(inst: Any, edits: Sequence[Edit]) -> list[str]:
    """The edits among an indicator's inputs (by field path) or among the answers its criteria read."""
    out = []
    for e in edits:
        target = e.resolved
        paths = [i.path for i in inst.inputs]
        hit = any(target.startswith(p) or p.startswith(target) or _norm(target).startswith(p) for p in paths)
        qid = target.rsplit(".", 1)[-1]
        hit = hit or any(qid in str(leaf.subject) for log in inst.criteria_log.values() for leaf in log)
        if hit:
            out.append(e.path)
    return out


def _indicators(a: EvaluationResult, b: EvaluationResult, stage: str, edits: Sequence[Edit]) -> list[dict[str, Any]]:
    before = {i.key: i for i in a.instances}
    rows = []
    for inst in b.instances:
        old = before.get(inst.key)
        if old is not None and decimal_json(old.value) == decimal_json(inst.value) and old.level == inst.level:
            continue
        rows.append(
            {
                "indicator": inst.key,
                "name": {"zh": inst.name_zh, "en": inst.name_en},
                "stage": stage,
                "unit": inst.unit,
                "from": {"value": decimal_json(old.value), "level": old.level} if old is not None else None,
                "to": {"value": decimal_json(inst.value), "level": inst.level},
                "edits": _edits_of(inst, edits) if stage == "now" else [],
            }
        )
    return rows


def _change(a: Any, b: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"from": a, "to": b}
    if isinstance(a, int | float) and isinstance(b, int | float):
        out["change"] = round(b - a, 6)
    return out


def differences(
    po0: PlanOptions,
    plan0: dict[str, Any],
    po1: PlanOptions,
    plan1: dict[str, Any],
    edits: Sequence[Edit],
    log: list[dict[str, Any]],
    accept: Sequence[str],
    reject: Sequence[str],
) -> dict[str, Any]:
    """Level and indices, indicators, findings, options and totals: what differs, and why (from the traces)."""
    del accept, reject  # the log records what they did
    changed = _changed(plan0["trace"], plan1["trace"])
    now0, now1 = po0.now(), po1.now()
    proj0, proj1 = po0.project(po0.ids).evaluation, po1.project(po1.ids).evaluation
    levels = list(plan0["evaluation"]["benchmark_set"]["levels"])
    indices: dict[str, dict[str, Any]] = {}
    for stage, a, b in (("now", now0, now1), ("projected", proj0, proj1)):
        for lv in levels:
            x, y = fraction_json(a.indices_worst[lv], 4), fraction_json(b.indices_worst[lv], 4)
            if x != y:
                indices.setdefault(stage, {})[f"Y_{lv}"] = _change(x, y)
    totals0 = {**po0.savings(po0.ids), "investment": po0.investment(po0.ids)}
    totals1 = {**po1.savings(po1.ids), "investment": po1.investment(po1.ids)}
    savings = {}
    for key in sorted(set(totals0) | set(totals1)):
        x, y = (totals0.get(key) or {}).get("central"), (totals1.get(key) or {}).get("central")
        if x != y:
            savings[key] = {**_change(x, y), "unit": (totals1.get(key) or totals0.get(key) or {}).get("unit")}
    return {
        "level": {
            "now": _change(now0.overall_level, now1.overall_level),
            "projected": _change(proj0.overall_level, proj1.overall_level),
        },
        "indices": indices,
        "indicators": _indicators(now0, now1, "now", edits) + _indicators(proj0, proj1, "projected", edits),
        "findings": _findings(plan0["trace"], plan1["trace"], changed),
        "options": _options(plan0, plan1, po0.ids, po1.ids, log, changed),
        "totals": savings,
        "changed_inputs": sorted(n for n in changed if n.startswith("input:")),
    }
