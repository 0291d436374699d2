"""Before and after: two periods of a cohort, every indicator and level per enterprise and for the cohort.

An enterprise present in one period only is listed under ``missing``, never dropped silently; each side keeps the
benchmark-table version it was evaluated with."""

from __future__ import annotations

from typing import Any

from engine.cohort.overall import level_rank

__all__ = ["before_after"]


def _change(before: float | None, after: float | None, higher: bool) -> dict[str, Any]:
    if before is None or after is None:
        return {"change": None, "change_percent": None, "improved": None}
    change = round(after - before, 6)
    pct = round(100 * change / before, 1) if before else None
    improved = None if change == 0 else (change > 0) == higher
    return {"change": change, "change_percent": pct, "improved": improved}


def _by_enterprise(period: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for ind in period["indicators"]:
        for v in ind["values"]:
            out.setdefault(v["enterprise_id"], {})[ind["key"]] = {**v, "_ind": ind}
    return out


def before_after(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Compare two period evaluations (:func:`engine.cohort.overall.evaluate_period` results)."""
    ents_b = {e["id"]: e for e in before["enterprises"]}
    ents_a = {e["id"]: e for e in after["enterprises"]}
    both = sorted(set(ents_b) & set(ents_a))
    vals_b, vals_a = _by_enterprise(before), _by_enterprise(after)
    enterprises = []
    for eid in both:
        rows = []
        for key in sorted(set(vals_b.get(eid, {})) | set(vals_a.get(eid, {}))):
            b, a = vals_b.get(eid, {}).get(key), vals_a.get(eid, {}).get(key)
            ind = (a or b or {})["_ind"]
            higher = ind.get("direction") == "higher_is_better"
            rows.append(
                {
                    "key": key,
                    "name": ind.get("name"),
                    "unit": ind.get("unit"),
                    "before": b["value"] if b else None,
                    "after": a["value"] if a else None,
                    "level_before": b["level"] if b else None,
                    "level_after": a["level"] if a else None,
                    **_change(b["value"] if b else None, a["value"] if a else None, higher),
                }
            )
        lb, la = ents_b[eid]["level"], ents_a[eid]["level"]
        enterprises.append(
            {
                "id": eid,
                "name": ents_a[eid]["name"],
                "level_before": lb,
                "level_after": la,
                "level_steps": level_rank(lb) - level_rank(la),  # > 0: better level
                "indicators": rows,
            }
        )
    meds_b = {i["key"]: i for i in before["indicators"]}
    meds_a = {i["key"]: i for i in after["indicators"]}
    cohort_rows = []
    for key in sorted(set(meds_b) | set(meds_a)):
        b, a = meds_b.get(key), meds_a.get(key)
        ind = a or b or {}
        mb = (b or {}).get("distribution") or {}
        ma = (a or {}).get("distribution") or {}
        cohort_rows.append(
            {
                "key": key,
                "name": ind.get("name"),
                "unit": ind.get("unit"),
                "n_before": mb.get("n", 0),
                "n_after": ma.get("n", 0),
                "median_before": mb.get("median"),
                "median_after": ma.get("median"),
                "levels_before": (b or {}).get("levels"),
                "levels_after": (a or {}).get("levels"),
                **_change(mb.get("median"), ma.get("median"), ind.get("direction") == "higher_is_better"),
            }
        )
    same = before["benchmark"]["versions"] == after["benchmark"]["versions"] or (
        before["benchmark"]["kb_hash"] == after["benchmark"]["kb_hash"]
        and before["benchmark"]["uniform"]
        and after["benchmark"]["uniform"]
    )
    return {
        "before": before["period"],
        "after": after["period"],
        "benchmark": {"before": before["benchmark"], "after": after["benchmark"], "same_tables": same},
        "missing": {
            "only_before": [{"id": i, "name": ents_b[i]["name"]} for i in sorted(set(ents_b) - set(ents_a))],
            "only_after": [{"id": i, "name": ents_a[i]["name"]} for i in sorted(set(ents_a) - set(ents_b))],
        },
        "enterprises": enterprises,
        "cohort": {
            "enterprises_compared": len(both),
            "levels_before": before["levels"]["counts"],
            "levels_after": after["levels"]["counts"],
            "levels_improved": sum(1 for e in enterprises if e["level_steps"] > 0),
            "levels_worse": sum(1 for e in enterprises if e["level_steps"] < 0),
            "indicators": cohort_rows,
        },
    }
