"""The priority of a recommended option: a sum of shown parts whose weights are the plan policy's.

Parts: ``severity`` (worst finding addressed), ``findings`` (how many), ``level_lift`` (it moves an indicator that
blocks the next level, or a limiting indicator not yet at the best level), ``compliance`` (it addresses an
effluent over its limit), ``no_low_cost``, ``payback`` and ``money`` (quantified net money saved per year).
The indicators an option moves are those of its findings, the qualitative indicators whose criteria test an
answer its effects set, and the quantitative ones computed from a resource it saves or a waste it redirects.
"""

from __future__ import annotations

from typing import Any

from engine.evaluate.result import EvaluationResult
from engine.kb.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.loader import KnowledgeBase
from engine.plan.records import Rec

__all__ = ["COMPLIANCE_FINDINGS", "moved_indicators", "priority", "room_to_lift"]

COMPLIANCE_FINDINGS = frozenset({"effluent_over_limit"})
_POLLUTANT_RESOURCE = {"cu": "copper_in_wastewater_kg", "cod": "cod_in_wastewater_kg"}
_Maps = tuple[dict[str, list[tuple[str, frozenset[str] | None]]], dict[str, set[str]], dict[str, set[str]]]
_MAPS: dict[str, _Maps] = {}


def _leaves(cond: Condition | None) -> list[Leaf]:
    if cond is None:
        return []
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, AllOf):
        return [leaf for c in cond.all for leaf in _leaves(c)]
    if isinstance(cond, AnyOf):
        return [leaf for c in cond.any for leaf in _leaves(c)]
    if isinstance(cond, NotOf):
        return _leaves(cond.not_)
    return []  # pragma: no cover - the union is closed


def _maps(kb: KnowledgeBase) -> _Maps:
    """question -> (indicator, families the criterion narrows it to), resource saved -> indicators, waste stream
    -> indicators; built once per knowledge-base hash."""
    cached = _MAPS.get(kb.version.hash)
    if cached is not None:
        return cached
    by_question: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
    for bset in kb.benchmark_sets.values():
        for group in bset.groups:
            for member in group.members:
                for cond in member.criteria.values():
                    for leaf in _leaves(cond):
                        if leaf.question:
                            narrow = frozenset(leaf.families) if leaf.families else None
                            by_question.setdefault(leaf.question, []).append((member.indicator, narrow))
    by_resource: dict[str, set[str]] = {}
    by_stream: dict[str, set[str]] = {}
    for ind in kb.indicators.values():
        c = ind.compute
        names: list[str] = []
        if c.kind == "per_output":
            names = [c.quantity]
        elif c.kind == "ratio":
            names = [*c.numerator, *c.denominator]
        elif c.kind == "pollutant_per_output" and c.pollutant in _POLLUTANT_RESOURCE:
            names = [_POLLUTANT_RESOURCE[c.pollutant]]
        elif c.kind == "carbon_per_output_value":
            names = ["electricity_kwh"]
        elif c.kind == "waste_ratio":
            for sid in c.streams or ind.drivers.streams:
                by_stream.setdefault(sid, set()).add(ind.id)
        for name in names:
            by_resource.setdefault(name, set()).add(ind.id)
    _MAPS[kb.version.hash] = (by_question, by_resource, by_stream)
    return _MAPS[kb.version.hash]


def moved_indicators(kb: KnowledgeBase, rec: Rec) -> set[str]:
    """The indicators (ids) the option bears on."""
    by_question, by_resource, by_stream = _maps(kb)
    moved = {str(f["subject_indicator"]) for f in rec.findings if f.get("subject_indicator")}
    effects = rec.option.effects
    option = rec.option
    families = {kb.steps[s].family for s in rec.steps if s in kb.steps} or (
        set(option.families) | {kb.steps[s].family for s in option.steps if s in kb.steps}
    )
    for qid in effects.step_answers:
        moved |= {i for i, narrow in by_question.get(qid, []) if narrow is None or narrow & families}
    for qid in effects.answers:
        moved |= {i for i, _ in by_question.get(qid, [])}
    if rec.savings is not None:
        for resource, triple in rec.savings.amounts.items():
            if triple[1] > 0:
                moved |= by_resource.get(resource, set())
    streams = list(effects.waste_destination)
    if rec.option.benefit is not None:
        streams += rec.option.benefit.streams
    for sid in streams:
        moved |= by_stream.get(sid, set())
    return moved


def room_to_lift(ev: EvaluationResult, limiting: set[str]) -> set[str]:
    """Limiting indicators with an instance below the best level (a limiting indicator at level I is not lifted)."""
    levels = list(ev.benchmark_set.get("levels", []))
    best = levels[0] if levels else None
    return {i.id for i in ev.instances if i.id in limiting and i.level in levels and i.level != best}


def priority(kb: KnowledgeBase, rec: Rec, ev: EvaluationResult, blocking: set[str], room: set[str]) -> dict[str, Any]:
    """``room``: the limiting indicators not yet at the best level (:func:`room_to_lift`)."""
    policy = kb.plan_policy
    if policy is None:
        return {"score": 0, "parts": {}}
    parts: dict[str, int] = {}
    severities = [str(f.get("severity")) for f in rec.findings]
    parts["severity"] = max((policy.severity_points.get(s, 0) for s in severities), default=0)
    parts["findings"] = min(len(rec.findings), policy.max_findings_counted) * policy.per_finding_points
    moved = moved_indicators(kb, rec)
    lifts_blocking, lifts_limiting = sorted(moved & blocking), sorted(moved & room)
    parts["level_lift"] = (policy.blocks_next_level_points if lifts_blocking else 0) + (
        policy.limiting_points if lifts_limiting else 0
    )
    compliance = any(f.get("finding") in COMPLIANCE_FINDINGS for f in rec.findings)
    parts["compliance"] = policy.compliance_points if compliance else 0
    parts["no_low_cost"] = policy.no_low_cost_points if rec.cost_class == "no_low" else 0
    payback_points = 0
    if rec.payback is not None and rec.payback.get("central") is not None:
        for bucket in sorted(policy.payback_points, key=lambda b: b.max_years):
            if rec.payback["central"] <= bucket.max_years:
                payback_points = bucket.points
                break
    parts["payback"] = payback_points
    money = rec.money_central()
    money_points = 0
    if money is not None:
        for mb in sorted(policy.money_points, key=lambda b: -b.min_cny_per_year):
            if money >= mb.min_cny_per_year:
                money_points = mb.points
                break
    parts["money"] = money_points
    return {
        "score": sum(parts.values()),
        "parts": parts,
        "moves": {"indicators": sorted(moved), "blocking": lifts_blocking, "limiting": lifts_limiting},
        "policy": policy.id,
        "source": policy.priority_source,
        "grade": policy.priority_grade.value,
    }
