"""The audit focus: the process areas run, ranked by the weighted sum of the classic factors (Σ R × W)."""

from __future__ import annotations

from typing import Any

from engine.inference.run import InferenceResult
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.plan.records import Rec

__all__ = ["audit_focus"]


def audit_focus(kb: KnowledgeBase, si: SelfInspection, inf: InferenceResult, recs: dict[str, Rec]) -> dict[str, Any]:
    policy = kb.plan_policy
    if policy is None:
        return {}
    run = [f.step for f in si.process if f.run and f.step in kb.steps]
    families = sorted({kb.steps[s].family for s in run})
    findings = inf.findings()
    raw: dict[str, dict[str, int]] = {fam: {} for fam in families}
    family_of = {s: kb.steps[s].family for s in run}
    at_area: dict[str, list[dict[str, Any]]] = {fam: [] for fam in families}
    for f in findings:  # a finding is about an area by its family, or by a step run in it
        areas = {f.get("subject_family"), family_of.get(str(f.get("subject_step")))}
        for fam in areas:
            if fam in at_area:
                at_area[fam].append(f)
    rec_steps = [set(r.steps) for r in recs.values()]
    for fam in families:
        steps = [s for s in run if family_of[s] == fam]
        in_area = set(steps)
        at = at_area[fam]
        cats = [kb.findings[f["finding"]].category for f in at if f["finding"] in kb.findings]
        streams = [kb.streams[sid] for sid in {o for s in steps for o in kb.steps[s].outputs}]
        raw[fam] = {
            "waste_amount": sum(1 for c in cats if c in ("water", "wastewater", "waste", "copper", "chemicals")),
            "toxicity": sum(
                1
                for stream in streams
                if stream.hazardous_waste_code
                or stream.segregation_class in ("complexed_copper", "nickel", "cyanide", "ammonia_copper")
                or stream.kind == "liquid_waste"
            ),
            "energy": sum(1 for c in cats if c in ("energy", "carbon")),
            "environmental_cost": sum(1 for f in at if f.get("severity") == "high"),
            "cp_potential": sum(1 for r in rec_steps if not r.isdisjoint(in_area)),
        }
    factors = [f for f in policy.focus_factors if f.id in next(iter(raw.values()), {})]
    left_out = [f.id for f in policy.focus_factors if f not in factors]
    rows: list[dict[str, Any]] = []
    for fam in families:
        scores: dict[str, int] = {}
        for factor in factors:
            top = max((raw[x][factor.id] for x in families), default=0)
            scores[factor.id] = 1 + round(9 * raw[fam][factor.id] / top) if top else 1
        total = sum(scores[f.id] * f.weight for f in factors)
        rows.append(
            {
                "area": fam,
                "steps": sorted(s for s in run if kb.steps[s].family == fam),
                "counts": raw[fam],
                "scores": scores,
                "total": total,
            }
        )
    rows.sort(key=lambda r: (-int(r["total"]), str(r["area"])))
    return {
        "method": "weighted-sum ranking: total = Σ R × W; R = 1 + 9 × count / the highest count among the areas",
        "weights": {f.id: f.weight for f in factors},
        "left_out": left_out,
        "source": policy.focus_source,
        "grade": policy.focus_grade.value,
        "ranking": rows,
        "focus": rows[0]["area"] if rows else None,
    }
