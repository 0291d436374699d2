"""The overall evaluation of one period of a cohort: levels, indicator distributions by board type, percentiles,
the industry's lagging indicators, common and individual problems and solutions.

Pure: it reads the members' plans (their evaluation, trace and recommendations) and the cohort policy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from engine.cohort.members import Member, finding_kinds, indicator_rows
from engine.cohort.solutions import plan_totals, solutions
from engine.cohort.stats import QUANTILE_METHOD, percentile_ranks, summary
from engine.errors import SmartAuditError
from engine.exact import Fraction
from engine.kb.cohortpolicy import CohortPolicy

__all__ = ["LEVEL_ORDER", "CohortError", "evaluate_period", "is_common", "level_rank"]

LEVEL_ORDER = ("I", "II", "III", "below_III")


class CohortError(SmartAuditError):
    """A cohort cannot be evaluated as given (``field`` names the input at fault)."""

    def __init__(self, message: str, field: str = "members") -> None:
        super().__init__(message)
        self.field = field


def level_rank(level: str | None) -> int:
    """0 for level I ... 3 below level III; 4 for no level."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def is_common(count: int, n: int, share: float) -> bool:
    """``count / n >= share``, exactly (no float rounding at the edge: 3 of 10 at 30 % is common)."""
    return n > 0 and Fraction(count, n) >= Fraction(str(share))


def _share(count: int, n: int) -> float:
    return round(100 * count / n, 1) if n else 0.0


def _benchmark(members: Sequence[Member]) -> dict[str, Any]:
    seen: dict[tuple[str, str, str], list[str]] = {}
    for m in members:
        ev = m.evaluation
        key = (str((ev.get("benchmark_set") or {}).get("id")), str(ev.get("kb_version")), str(ev.get("kb_hash")))
        seen.setdefault(key, []).append(m.enterprise_id)
    versions = [
        {"benchmark_set": k[0], "kb_version": k[1], "kb_hash": k[2], "enterprises": sorted(v)}
        for k, v in sorted(seen.items())
    ]
    head = versions[0] if versions else {"benchmark_set": None, "kb_version": None, "kb_hash": None}
    return {
        "benchmark_set": head["benchmark_set"],
        "kb_version": head["kb_version"],
        "kb_hash": head["kb_hash"],
        "uniform": len(versions) <= 1,
        "versions": versions,
    }


def _overall_score(m: Member) -> tuple[float, ...]:
    """Higher is better: the level first, then the indices towards levels I, II and III."""
    idx = m.evaluation.get("indices") or {}
    return (-level_rank(m.level), *(float(idx.get(k) or 0.0) for k in ("Y_I", "Y_II", "Y_III")))


def _thresholds(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows:
        for level, th in (row.get("thresholds") or {}).items():
            if not isinstance(th, dict) or th.get("value") is None:
                continue
            entry = out.setdefault(
                level, {"min": th["value"], "max": th["value"], "comparison": th.get("comparison"), "expr": []}
            )
            entry["min"] = min(entry["min"], th["value"])
            entry["max"] = max(entry["max"], th["value"])
            if th.get("expr") and th["expr"] not in entry["expr"]:
                entry["expr"].append(th["expr"])
    return {k: {**v, "min": round(v["min"], 6), "max": round(v["max"], 6)} for k, v in out.items()}


def _indicators(members: Sequence[Member], policy: CohortPolicy) -> list[dict[str, Any]]:
    groups: dict[str, list[tuple[Member, dict[str, Any]]]] = {}
    for m in members:
        for row in indicator_rows(m.plan):
            groups.setdefault(row["key"], []).append((m, row))
    lag_rank = level_rank(policy.lagging_below_level)
    out = []
    for key in sorted(groups):
        pairs = groups[key]
        first = pairs[0][1]
        higher = first.get("direction") == "higher_is_better"
        quantitative = first.get("kind") != "qualitative"
        rated = [(m, r) for m, r in pairs if r.get("level") is not None]
        counts = {lv: sum(1 for _, r in rated if r.get("level") == lv) for lv in LEVEL_ORDER}
        lagging = sorted(m.enterprise_id for m, r in rated if level_rank(r.get("level")) > lag_rank)
        valued = [(m, r, float(r["value"])) for m, r in pairs if quantitative and r.get("value") is not None]
        values = [v for _, _, v in valued]
        ranks = percentile_ranks(values, higher_is_better=higher)
        entry: dict[str, Any] = {
            "key": key,
            "id": first.get("id"),
            "board": first.get("instance"),
            "name": first.get("name"),
            "kind": first.get("kind"),
            "unit": first.get("unit"),
            "direction": first.get("direction"),
            "group": first.get("group"),
            "levels": counts,
            "n_rated": len(rated),
            "lagging_enterprises": lagging,
            "lagging_share": _share(len(lagging), len(rated)),
            "lagging": bool(rated) and is_common(len(lagging), len(rated), policy.lagging_share),
            "thresholds": _thresholds([r for _, r in pairs]),
            "distribution": summary(values, higher_is_better=higher) if values else None,
            "values": [
                {
                    "enterprise_id": m.enterprise_id,
                    "value": round(v, 6),
                    "level": r.get("level"),
                    "percentile": rank,
                }
                for (m, r, v), rank in zip(valued, ranks, strict=True)
            ]
            if quantitative
            else [{"enterprise_id": m.enterprise_id, "value": None, "level": r.get("level")} for m, r in pairs],
        }
        out.append(entry)
    return out


def _problems(
    members: Sequence[Member], policy: CohortPolicy, titles: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    n = len(members)
    kinds: dict[str, dict[str, Any]] = {}
    for m in members:
        for kind, info in finding_kinds(m.plan).items():
            entry = kinds.setdefault(kind, {"enterprises": [], "rules": set(), "severity": info["severity"]})
            entry["enterprises"].append(m.enterprise_id)
            entry["rules"] |= info["rules"]
    common: list[dict[str, Any]] = []
    individual: list[dict[str, Any]] = []
    for kind, entry in sorted(kinds.items(), key=lambda kv: (-len(kv[1]["enterprises"]), kv[0])):
        count = len(entry["enterprises"])
        item = {
            "finding": kind,
            "title": titles.get(kind),
            "severity": entry["severity"],
            "count": count,
            "share": _share(count, n),
            "enterprises": sorted(entry["enterprises"]),
            "rules": sorted(entry["rules"]),
        }
        (common if is_common(count, n, policy.common_share) else individual).append(item)
    return common, individual


def evaluate_period(
    members: Sequence[Member],
    *,
    policy: CohortPolicy,
    period: str | None = None,
    finding_titles: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The overall evaluation of the members of one period (each enterprise once)."""
    if not members:
        raise CohortError("a cohort period needs at least one enterprise")
    seen = Counter(m.enterprise_id for m in members)
    dupes = sorted(i for i, k in seen.items() if k > 1)
    if dupes:
        raise CohortError(f"enterprise(s) {', '.join(dupes)} appear more than once in period {period}")
    members = sorted(members, key=lambda m: m.enterprise_id)
    n = len(members)
    scores = [_overall_score(m) for m in members]
    ranks = percentile_ranks(scores, higher_is_better=True)
    levels = {lv: sum(1 for m in members if m.level == lv) for lv in LEVEL_ORDER}
    levels["none"] = n - sum(levels.values())
    indicators = _indicators(members, policy)
    common, individual = _problems(members, policy, finding_titles or {})
    common_solutions, individual_solutions = solutions(members, policy)
    return {
        "period": period,
        "n": n,
        "enterprises": [
            {
                "id": m.enterprise_id,
                "name": m.name,
                "district": m.district,
                "ref": m.ref,
                "year": m.plan.get("year"),
                "level": m.level,
                "indices": m.evaluation.get("indices"),
                "percentile": rank,
            }
            for m, rank in zip(members, ranks, strict=True)
        ],
        "levels": {"counts": levels, "shares": {k: _share(v, n) for k, v in levels.items()}},
        "indicators": indicators,
        "lagging_indicators": [
            {"key": i["key"], "name": i["name"], "share": i["lagging_share"], "enterprises": i["lagging_enterprises"]}
            for i in indicators
            if i["lagging"]
        ],
        "common_problems": common,
        "individual_problems": individual,
        "common_solutions": common_solutions,
        "individual_solutions": individual_solutions,
        "totals": plan_totals(members),
        "benchmark": _benchmark(members),
        "policy": policy.model_dump(mode="json"),
        "method": {
            "quantiles": QUANTILE_METHOD,
            "percentile": "share of the other enterprises this one does better than, ties counting half",
            "overall_percentile": "ordered by level, then by the indices Y_I, Y_II, Y_III",
            "common": "shared by at least common_share of the cohort's enterprises (count / n, exact)",
            "potential": "sums of each plan's in-plan savings (options combined on what remains, never above the "
            "plant's base); an option alone is never summed",
        },
    }
