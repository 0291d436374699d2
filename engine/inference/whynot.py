"""Why a rule did not fire, computed when asked (trace, narrative, report, the API's trace route), not in every
plan: it took a quarter of a plan's time and a quarter of its JSON, and only those readers use it.

A plan keeps what is needed to recompute it exactly: its trace holds every fact (base facts and conclusions with
their values), and ``why_not_basis`` the order the base facts were asserted in and the rules that fired. The
explanation walks the facts in that order, so the result equals the one computed during the inference.
"""

from __future__ import annotations

from typing import Any

from engine.inference.plain import Firing, explain_not_fired
from engine.kb.loader import KnowledgeBase

__all__ = ["not_fired", "not_fired_of", "why_not_basis"]


def not_fired(kb: KnowledgeBase, facts: list[dict[str, Any]], fired: set[str]) -> dict[str, dict[str, Any]]:
    """For every rule of ``kb`` not in ``fired``: why not, on ``facts`` (base facts, then conclusions)."""
    return {rid: explain_not_fired(kb.rules[rid], facts) for rid in sorted(kb.rules) if rid not in fired}


def why_not_basis(base: list[dict[str, Any]], firings: list[Firing]) -> dict[str, list[str]]:
    """What a plan stores so that :func:`not_fired_of` can recompute the why-not from its trace."""
    return {"base_facts": [f["id"] for f in base], "fired": sorted({f.rule for f in firings})}


def not_fired_of(kb: KnowledgeBase, plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The why-not of a plan: stored in plans made before it was computed on request, recomputed otherwise from
    the plan's trace and ``why_not_basis`` (the plan's own knowledge base is needed: its rules are walked)."""
    if "not_fired" in plan:
        return dict(plan["not_fired"])
    basis = plan.get("why_not_basis")
    if basis is None:
        return {}
    trace: dict[str, Any] = plan["trace"]
    base_ids = basis["base_facts"]
    in_base = set(base_ids)
    # conclusions are every concluded node of the trace, in id order, as the inference appended them
    conclusion_ids = sorted(nid for nid, node in trace.items() if node["type"] != "input" and nid not in in_base)
    facts = [{"id": fid, "type": trace[fid]["type"], **trace[fid]["value"]} for fid in [*base_ids, *conclusion_ids]]
    return not_fired(kb, facts, set(basis["fired"]))
