"""What the overall evaluation reads from each member's plan: level, indicators, finding kinds, options.

A member is one enterprise in one period, with its self-inspection and the plan built from it (the plan's JSON as
the engine makes it; its ``evaluation`` is the level evaluation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FINDING_KEYS",
    "Member",
    "finding_kinds",
    "indicator_rows",
    "options_of",
    "shared",
    "slim_option",
    "slim_plan",
    "slim_row",
]


@dataclass(frozen=True)
class Member:
    enterprise_id: str
    period: str
    self_inspection: dict[str, Any]
    plan: dict[str, Any]
    ref: str | None = None  # the stored self-inspection id, or the file it came from
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def evaluation(self) -> dict[str, Any]:
        ev: dict[str, Any] = self.plan.get("evaluation") or {}
        return ev

    @property
    def name(self) -> str:
        ent = self.plan.get("enterprise") or self.self_inspection.get("enterprise") or {}
        return str(ent.get("name") or self.enterprise_id)

    @property
    def district(self) -> str:
        ent = self.plan.get("enterprise") or self.self_inspection.get("enterprise") or {}
        return str(ent.get("district") or "")

    @property
    def level(self) -> str | None:
        level = self.evaluation.get("overall_level")
        return str(level) if level is not None else None


def finding_kinds(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Finding kind -> {rules, subjects, severity} from the plan's trace (the kind, not the instance id)."""
    out: dict[str, dict[str, Any]] = {}
    for node in (plan.get("trace") or {}).values():
        if node.get("type") != "finding":
            continue
        value = node.get("value") or {}
        kind = value.get("finding")
        if not kind:
            continue
        entry = out.setdefault(kind, {"rules": set(), "subjects": set(), "severity": value.get("severity")})
        if node.get("rule"):
            entry["rules"].add(node["rule"])
        if value.get("subject"):
            entry["subjects"].add(value["subject"])
    return out


def indicator_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The evaluation's indicators (each row keyed by ``key``: the indicator id and its board type)."""
    return list((plan.get("evaluation") or {}).get("indicators") or [])


def options_of(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan.get("recommendations") or [])


# What the overall evaluation reads of a plan (and nothing else): a plan without its trace, projections, gaps and
# savings models is about a tenth of the size, so that a cohort of thousands fits in memory.
_CASES = ("low", "central", "high")
FINDING_KEYS = ("finding", "subject", "severity")  # of a finding node's value
_ROW_KEYS = ("key", "id", "instance", "name", "kind", "unit", "direction", "group", "level", "value")
_OPTION_KEYS = (
    "option_id",
    "measure_code",
    "name",
    "category",
    "cost_class",
    "quantified",
    "savings_in_plan",
    "money",
    "investment",
)


def slim_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in _ROW_KEYS}
    out["thresholds"] = {
        level: {k: th.get(k) for k in ("value", "comparison", "expr")} if isinstance(th, dict) else th
        for level, th in (row.get("thresholds") or {}).items()
    }
    return out


def _amount(amount: Any) -> Any:
    return {k: amount.get(k) for k in ("unit", *_CASES)} if isinstance(amount, dict) else amount


def slim_option(option: dict[str, Any]) -> dict[str, Any]:
    out = {k: option.get(k) for k in _OPTION_KEYS}
    out["money"], out["investment"] = _amount(out["money"]), _amount(out["investment"])
    if isinstance(out["savings_in_plan"], dict):
        out["savings_in_plan"] = {k: _amount(v) for k, v in out["savings_in_plan"].items()}
    return out


def shared(node: Any, cache: dict[Any, Any]) -> Any:
    """``node`` with equal strings and equal flat dicts of strings (names such as ``{zh, en}``) replaced by one
    instance from ``cache``: the members of a large cohort repeat the same names thousands of times. Only for data
    that is read, never changed in place. (The parent of a cohort pool runs this on every member it receives, beside
    the workers: each value's type is tested once, in line, and a flat dict is built only when it is new.)"""
    kind = type(node)
    if kind is str:
        return cache.setdefault(node, node)
    if kind is list:
        items = []
        for v in node:
            t = type(v)
            items.append(cache.setdefault(v, v) if t is str else shared(v, cache) if t is dict or t is list else v)
        return items
    if kind is not dict:
        return node
    flat = bool(node)
    for v in node.values():
        if type(v) is not str:
            flat = False
            break
    if flat:
        key = ("dict", *sorted(node.items()))
        found = cache.get(key)
        if found is None:
            found = cache[key] = {cache.setdefault(k, k): cache.setdefault(v, v) for k, v in node.items()}
        return found
    out = {}
    for k, v in node.items():
        t = type(v)
        if t is str:
            v = cache.setdefault(v, v)
        elif t is dict or t is list:
            v = shared(v, cache)
        out[cache.setdefault(k, k) if type(k) is str else k] = v
    return out


def slim_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The parts of a plan :mod:`engine.cohort` reads: the level evaluation's level, indices, benchmark and indicator
    rows, the options' in-plan savings, the totals and the trace's finding nodes (kind, rule, subject, severity).
    Evaluating a cohort of slim plans gives the same result as of full ones."""
    ev = plan.get("evaluation") or {}
    findings = {
        nid: {
            "type": "finding",
            "rule": node.get("rule"),
            "value": {k: (node.get("value") or {}).get(k) for k in FINDING_KEYS},
        }
        for nid, node in (plan.get("trace") or {}).items()
        if node.get("type") == "finding"
    }
    bench = ev.get("benchmark_set")
    return {
        "enterprise": plan.get("enterprise"),
        "year": plan.get("year"),
        "evaluation": {
            "overall_level": ev.get("overall_level"),
            "indices": ev.get("indices"),
            "benchmark_set": {"id": bench.get("id")} if isinstance(bench, dict) else bench,
            "kb_version": ev.get("kb_version"),
            "kb_hash": ev.get("kb_hash"),
            "indicators": [slim_row(r) for r in ev.get("indicators") or []],
        },
        "recommendations": [slim_option(o) for o in plan.get("recommendations") or []],
        "totals": plan.get("totals"),
        "trace": findings,
    }
