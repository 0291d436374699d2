"""The acceptance checklist (验收核查清单) of a stored plan.

Items are the plan's options to verify on site: its key options (the shortlist heading the plan: they move a
blocking indicator, carry a target or save the most) must be implemented to pass (``required``); its other
medium/high-cost options are listed too (a feasibility study may reject them: "will not" is then recorded, not a
failure). Each item carries what the plan expects of it: its savings alone (``expected``) and its share in the
plan's combination (``expected_in_plan``). The targets are the plan's, required where the plan projects them to
be reached. Veto and check items come from the acceptance policy in the knowledge base.
"""

from __future__ import annotations

import hashlib
from typing import Any

from engine.errors import UnknownIdError
from engine.jsontext import compact
from engine.kb.acceptance import AcceptancePolicy, PolicyFigure, PolicyItem
from engine.kb.loader import KnowledgeBase

__all__ = ["CHECKLIST_VERSION", "build_checklist", "figure", "plan_sha256", "policy_of"]

CHECKLIST_VERSION = 1
_LEVEL_RANK = {"I": 0, "II": 1, "III": 2, "below_III": 3}
_NOT_RESOURCES = {"co2_t", "money", "investment", "method"}


def plan_sha256(plan: dict[str, Any]) -> str:
    """The plan's hash as the service stores it (its canonical JSON, key order as produced)."""
    text = compact(plan)  # the service's canonical JSON (api/planning.canonical_json)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def policy_of(kb: KnowledgeBase, policy_id: str = "default") -> AcceptancePolicy:
    if policy_id not in kb.acceptance_policies:
        raise UnknownIdError("acceptance policy", policy_id, list(kb.acceptance_policies))
    return kb.acceptance_policies[policy_id]


def figure(fig: PolicyFigure | None) -> dict[str, Any] | None:
    if fig is None:
        return None
    out: dict[str, Any] = {"value": fig.value, "unit": fig.unit, "source": fig.source, "grade": fig.grade.value}
    if fig.placeholder:
        out["placeholder"] = True
    if fig.note:
        out["note"] = fig.note
    return out


def _item(item: PolicyItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "text": item.text.model_dump(),
        "required": item.required,
        "source": item.source,
        "grade": item.grade.value,
    }
    if item.placeholder:
        out["placeholder"] = True
    return out


def _base_output(plan: dict[str, Any]) -> float | None:
    for ind in plan.get("evaluation", {}).get("indicators", []):
        for inp in ind.get("inputs") or []:
            if inp.get("name") == "output_m2" and inp.get("value"):
                return float(inp["value"])
    return None


def _central(savings: dict[str, Any] | None) -> dict[str, Any]:
    return {
        res: {"low": s.get("low"), "central": s.get("central"), "high": s.get("high"), "unit": s.get("unit")}
        for res, s in (savings or {}).items()
        if isinstance(s, dict) and s.get("central") is not None
    }


def _targets(plan: dict[str, Any]) -> list[dict[str, Any]]:
    names = {i["key"]: i for i in plan.get("evaluation", {}).get("indicators", [])}
    out = []
    for t in plan.get("targets", []):
        nxt = t.get("next_level") or {}
        after = (t.get("after_all") or {}).get("level")
        if not nxt.get("level") or nxt.get("target") is None:
            continue
        reaches = after in _LEVEL_RANK and _LEVEL_RANK[after] <= _LEVEL_RANK[nxt["level"]]
        ind = names.get(t["indicator"], {})
        inputs = [i.get("name") for i in ind.get("inputs") or []]
        per_m2 = len(inputs) == 2 and inputs[1] == "output_m2"
        out.append(
            {
                "indicator": t["indicator"],
                "name": ind.get("name"),
                "unit": t.get("unit"),
                "now": (t.get("now") or {}).get("value"),
                "expected_after": (t.get("after_all") or {}).get("value"),
                "level": nxt["level"],
                "target": nxt["target"],
                "comparison": nxt.get("comparison"),
                "required": reaches,
                "measured_by": {"resource": inputs[0], "per": "output_m2"} if per_m2 else {"indicator": t["indicator"]},
            }
        )
    return out


def build_checklist(kb: KnowledgeBase, plan: dict[str, Any], policy_id: str = "default") -> dict[str, Any]:
    """The checklist of ``plan`` (the engine's plan JSON) under the acceptance policy ``policy_id``."""
    policy = policy_of(kb, policy_id)
    recs = {r["option_id"]: r for r in plan.get("recommendations", [])}
    key = {k["option_id"]: k for k in plan.get("key_options", [])}
    chosen = [oid for oid in key if oid in recs]
    chosen += [oid for oid, r in recs.items() if r.get("cost_class") == "medium_high" and oid not in key]
    items = []
    for oid in chosen:
        r = recs[oid]
        k = key.get(oid)
        items.append(
            {
                "id": oid,
                "option_id": oid,
                "measure_code": r.get("measure_code"),
                "name": r.get("name"),
                "cost_class": r.get("cost_class"),
                "steps": r.get("steps", []),
                "required": k is not None,
                "why": (k or {}).get("why", ["medium_high_cost"]),
                "why_text": (k or {}).get("text")
                or {
                    "zh": "中/高费方案：现场核查其建成与运行",
                    "en": "medium/high-cost option: check on site that it was built and runs",
                },
                "expected": _central(r.get("savings")),
                "expected_in_plan": _central(r.get("savings_in_plan")),
                "investment_planned": r.get("investment"),
            }
        )
    totals = plan.get("totals", {})
    resources = {
        res: str(t["unit"])
        for res, t in totals.items()
        if res not in _NOT_RESOURCES and isinstance(t, dict) and t.get("unit")
    }
    base = {
        res: {"value": t["base"], "unit": t["unit"]}
        for res, t in totals.items()
        if res in resources and t.get("base") is not None
    }
    return {
        "checklist_version": CHECKLIST_VERSION,
        "plan_sha256": plan_sha256(plan),
        "plan_kb_hash": plan.get("kb_hash"),
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "policy": {"id": policy.id, "name": policy.name.model_dump()},
        "enterprise": plan.get("enterprise"),
        "year": plan.get("year"),
        "level_now": plan.get("evaluation", {}).get("overall_level"),
        "level_projected": (plan.get("projected") or {}).get("overall_level"),
        "base": {"output_m2": _base_output(plan), "resources": base},
        "resources": resources,
        "tolerance": figure(policy.tolerance),
        "items": items,
        "targets": _targets(plan),
        "vetoes": [_item(v) for v in policy.vetoes],
        "checks": [_item(c) for c in policy.checks],
    }
