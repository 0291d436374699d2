"""What an enterprise may see of its cohort: its own position against anonymised peers (no other enterprise's id,
name or value; statistics only where at least ``policy.min_peers_shown`` enterprises stand behind them)."""

from __future__ import annotations

from typing import Any

__all__ = ["own_position"]

_TABLE_KEYS = ("benchmark_set", "kb_version", "kb_hash")


def _tables(benchmark: dict[str, Any]) -> dict[str, Any]:
    """The benchmark tables a period used, without the per-version lists of enterprises."""
    return {k: benchmark.get(k) for k in (*_TABLE_KEYS, "uniform")}


def own_position(evaluation: dict[str, Any], enterprise_id: str, *, min_peers: int = 3) -> dict[str, Any]:
    """The enterprise's slice of a cohort evaluation (one period, or a whole one with ``periods``)."""
    if "periods" in evaluation:
        out = {k: v for k, v in evaluation.items() if k not in {"periods", "before_after", "members"}}
        out["periods"] = [
            own_position(p, enterprise_id, min_peers=min_peers)
            for p in evaluation["periods"]
            if any(e["id"] == enterprise_id for e in p["enterprises"])
        ]
        ba = evaluation.get("before_after")
        if ba:
            own_rows = [e for e in ba["enterprises"] if e["id"] == enterprise_id]
            out["before_after"] = {
                "before": ba["before"],
                "after": ba["after"],
                "benchmark": {
                    "before": _tables(ba["benchmark"]["before"]),
                    "after": _tables(ba["benchmark"]["after"]),
                    "same_tables": ba["benchmark"]["same_tables"],
                },
                "enterprises": own_rows,
                "cohort": ba["cohort"] if ba["cohort"]["enterprises_compared"] >= min_peers else None,
            }
        return out
    own = next((e for e in evaluation["enterprises"] if e["id"] == enterprise_id), None)
    n = evaluation["n"]
    shown = n >= min_peers
    indicators = []
    for ind in evaluation["indicators"]:
        mine = next((v for v in ind["values"] if v["enterprise_id"] == enterprise_id), None)
        if mine is None:
            continue
        dist = ind.get("distribution")
        indicators.append(
            {
                "key": ind["key"],
                "name": ind["name"],
                "unit": ind["unit"],
                "direction": ind["direction"],
                "value": mine["value"],
                "level": mine["level"],
                "percentile": mine.get("percentile"),
                "thresholds": ind["thresholds"],
                "distribution": dist if dist and dist["n"] >= min_peers else None,
                "levels": ind["levels"] if ind["n_rated"] >= min_peers else None,
            }
        )

    def _anon(items: list[dict[str, Any]], extra: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {**{k: it.get(k) for k in extra}, "share": it["share"], "concerns_you": enterprise_id in it["enterprises"]}
            for it in items
        ]

    return {
        "period": evaluation["period"],
        "n": n,
        "enterprise": own,
        "levels": evaluation["levels"] if shown else None,
        "indicators": indicators,
        "common_problems": _anon(evaluation["common_problems"], ("finding", "title", "severity")) if shown else [],
        "common_solutions": _anon(evaluation["common_solutions"], ("measure_code", "name")) if shown else [],
        "benchmark": {k: evaluation["benchmark"][k] for k in _TABLE_KEYS},
        "policy": evaluation["policy"],
        "anonymised": True,
    }
