"""Build the plan of one enterprise: evaluation -> inference -> recommended options with savings, cost, payback
and a priority whose parts are shown; conflicts and prerequisites resolved with reasons; the audit focus; targets;
and the evaluation re-run on the projected data.

The plan is deterministic: the same self-inspection and knowledge base give the same JSON, byte for byte.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.evaluate.evaluation import LEVELS_ONLY, evaluate
from engine.evaluate.instances import grid_factor
from engine.evaluate.result import EvaluationResult, decimal_json
from engine.graph import ProcessGraph, build_graph
from engine.inference.run import InferenceResult, infer
from engine.inference.whynot import why_not_basis
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.plan.after import before_after, projected_view, targets_of
from engine.plan.benefits import UNITS, Triple, estimate
from engine.plan.combine import Combined, combine
from engine.plan.costs import combined_money, investment, operating_cost, payback, prices, stream_fees, valuation
from engine.plan.focus import audit_focus
from engine.plan.pools import Pools
from engine.plan.priority import priority, room_to_lift
from engine.plan.projection import project
from engine.plan.records import SEVERITY_ORDER, Rec
from engine.plan.resolve import rank_key, resolve
from engine.plan.screen import in_place, screen
from engine.plan.shortlist import key_options

__all__ = ["PLAN_VERSION", "build_plan", "core_recommendations", "core_totals", "plan_core"]

PLAN_VERSION = "2"  # 2: `projected` carries what differs from `evaluation` (session 5); 1: the whole evaluation


def _j(value: Decimal | None, places: int = 3) -> float | None:
    return decimal_json(value, places)


def _sig(value: Decimal, digits: int = 3) -> float:
    """An estimate to ``digits`` significant figures (the ranges beside it carry the uncertainty)."""
    if value == 0:
        return 0.0
    return float(f"{float(value):.{digits}g}")


def _co2(kb: KnowledgeBase, si: SelfInspection, year: int, amounts: dict[str, Triple]) -> dict[str, Any] | None:
    """CO2 avoided (t/a) through the electricity saved, at the regional grid factor in force (negative: added)."""
    kwh = amounts.get("electricity_kwh")
    if kwh is None:
        return None
    factor, note = grid_factor(kb, "grid_emission_factor", si.enterprise.grid_region, year)
    if factor is None:
        return {"note": note}
    values = [v * factor.value / 1000 for v in kwh]
    return {
        "unit": "t",
        "low": _sig(min(values)),
        "central": _sig(values[1]),
        "high": _sig(max(values)),
        "factor": {
            "value": float(factor.value),
            "unit": "kgCO2/kWh",
            "source": factor.source,
            "grade": factor.grade.value,
            "data_year": factor.data_year,
            "note": note,
        },
    }


def _class_by_investment(kb: KnowledgeBase, rec: Rec) -> str | None:
    """The cost class the known investment implies (the policy's line), where it differs from the catalogue's."""
    policy = kb.plan_policy
    central = rec.investment.get("central") if rec.investment else None
    if policy is None or policy.no_low_cost_max_investment is None or central is None:
        return None
    implied = "medium_high" if central > policy.no_low_cost_max_investment else "no_low"
    return implied if implied != rec.option.cost_class else None


def _collect(
    kb: KnowledgeBase, inf: InferenceResult, recommendations: list[dict[str, Any]]
) -> tuple[dict[str, Rec], list[dict[str, Any]]]:
    recs: dict[str, Rec] = {}
    nodes = inf.trace.nodes
    for rec in recommendations:
        option = kb.options[rec["option"]]
        entry = recs.setdefault(option.id, Rec(option))
        if rec.get("subject_step") and rec["subject_step"] not in entry.steps:
            entry.steps.append(rec["subject_step"])
        elif rec.get("subject_stream"):
            # a recommendation about a reported stream whose producing steps the plant did not list: the steps the
            # knowledge base says produce it and the option applies to
            for sid in nodes[rec["subject"]].value.get("producers", []):
                fits = sid in option.steps or (sid in kb.steps and kb.steps[sid].family in option.families)
                if fits and sid not in entry.steps:
                    entry.steps.append(sid)
        entry.because.append(rec["id"])
        for deriv in nodes[rec["id"]].derivations or [{"premises": nodes[rec["id"]].premises}]:
            for pid in deriv["premises"]:
                node = nodes[pid]
                if pid not in entry.because:
                    entry.because.append(pid)
                if node.type == "finding" and all(f["id"] != pid for f in entry.findings):
                    entry.findings.append({"id": pid, **node.value})
    constraints = [c for c in inf.conclusions if c["type"] == "constraint"]
    for entry in recs.values():
        entry.steps.sort()
        entry.because.sort()
        entry.findings.sort(key=lambda f: (SEVERITY_ORDER.get(str(f.get("severity")), 3), f["id"]))
    return recs, constraints


def _evaluate_options(
    kb: KnowledgeBase,
    si: SelfInspection,
    ev: EvaluationResult,
    recs: dict[str, Rec],
    price_list: dict[str, Any],
    figures: dict[tuple[str, tuple[str, ...]], tuple[Any, ...]],
    pools: Pools,
) -> None:
    """Each option's savings, costs and priority. ``figures``: what was already worked out for an option on the
    same steps (savings, costs and money are functions of the plant's data, the option and its steps; nothing
    changes them once made); the priority is worked out each time (it reads the evaluation's blocking)."""
    year = pools.year
    fees = stream_fees(pools)
    blocking = {row["key"].split("[")[0] for row in ev.blocking.get("indicators", [])}
    room = room_to_lift(ev, {i.id for i in ev.instances if i.limiting})
    for rec in recs.values():
        key = (rec.option.id, tuple(rec.steps))
        if key in figures:
            (rec.savings, rec.opex, rec.money, rec.co2, rec.investment, rec.cost_class_by_investment, rec.payback) = (
                figures[key]
            )
        else:
            rec.savings = estimate(kb, si, year, rec.option, rec.steps, pools)
            amounts = rec.savings.amounts if rec.savings is not None else {}
            rec.opex = operating_cost(pools, rec.option, rec.steps, rec.savings)
            rec.money = valuation(rec.savings, price_list, fees, rec.opex) if amounts else None
            rec.co2 = _co2(kb, si, ev.year, amounts)
            rec.investment = investment(si, pools, rec.option, rec.steps)
            rec.cost_class_by_investment = _class_by_investment(kb, rec)
            rec.payback = payback(rec.investment, rec.money)
            figures[key] = (
                rec.savings,
                rec.opex,
                rec.money,
                rec.co2,
                rec.investment,
                rec.cost_class_by_investment,
                rec.payback,
            )
        rec.priority = priority(kb, rec, ev, blocking, room)


def _drop_nothing_to_save(recs: dict[str, Rec]) -> list[dict[str, Any]]:
    """Options whose benefit model had every input it needs and found nothing to save in the plant's own data
    (every line already rinses that way, no such waste is disposed of, no once-through cooling ...) are dropped:
    the quantities, not only the answers, decide whether an option applies."""
    log = []
    for oid in sorted(recs):
        s = recs[oid].savings
        if s is not None and not s.parts and not s.missing:
            log.append(
                {
                    "option": oid,
                    "action": "dropped",
                    "reason": "nothing to save: the plant's own quantities leave this option nothing to act on "
                    "(already done on every line concerned, or no such stream reported)",
                    "text": {
                        "zh": "无可节约：企业自身数据中没有该方案可作用的对象"
                        "（相关生产线均已如此，或未报告此类废物流）",
                        "en": "nothing to save: the plant's own quantities leave this option nothing to act on "
                        "(already done on every line concerned, or no such stream reported)",
                    },
                }
            )
            del recs[oid]
    return log


def _recommended(
    kb: KnowledgeBase,
    si: SelfInspection,
    ev: EvaluationResult,
    inf: InferenceResult,
    price_list: dict[str, Any],
    pools: Pools,
) -> tuple[list[Rec], list[dict[str, Any]], list[dict[str, Any]]]:
    """Screen the recommendations (in place, unknown status, line type), then resolve conflicts, prerequisites
    and premises; the options ranked by the plan's total order, the resolution log and the questions to ask."""
    screening = screen(kb, si, ev.year, inf.recommendations(), inf.trace.nodes)
    recs, constraints = _collect(kb, inf, screening.kept)
    for oid, checks in screening.checks.items():
        if oid in recs:
            recs[oid].checks = checks
    figures: dict[tuple[str, tuple[str, ...]], tuple[Any, ...]] = {}
    _evaluate_options(kb, si, ev, recs, price_list, figures, pools)
    resolution = screening.log + _drop_nothing_to_save(recs)
    resolution += resolve(
        kb,
        recs,
        constraints,
        nodes=inf.trace.nodes,
        in_place=lambda option, steps: in_place(kb, si, ev.year, option, steps),
    )
    _evaluate_options(kb, si, ev, recs, price_list, figures, pools)  # added prerequisites get their figures too
    return sorted(recs.values(), key=rank_key), resolution, screening.questions


_NOTES = {
    "missing": {
        "zh": "补充上列数据后即可量化",
        "en": "supply the inputs listed to quantify it",
    },
    "no_model": {
        "zh": "尚无可引用的效果数据，无法从自查数据量化：请以企业试验、供应商保证值或实施后的计量数据补充",
        "en": "no citable effect figure, so it cannot be quantified from the self-inspection: use the enterprise's "
        "trial, the supplier's guaranteed figure or metering after implementation",
    },
}


def _no_model_note(rec: Rec) -> dict[str, str]:
    """What to do when an option has no quantity yet: supply the inputs named, or give a figure of one's own."""
    return dict(_NOTES["missing"] if rec.savings is not None and rec.savings.missing else _NOTES["no_model"])


def _amount_json(triple: Triple, resource: str) -> dict[str, Any]:
    """Central case with the smallest and largest of the three cases as low and high (combined on what remains,
    each case is combined on its own, so the low case does not always give the smallest share)."""
    lo, hi = min(triple), max(triple)
    return {"low": _sig(lo), "central": _sig(triple[1]), "high": _sig(hi), "unit": UNITS[resource]}


def _in_plan_json(rec: Rec, in_plan: dict[str, Triple]) -> dict[str, Any]:
    """An option's share in the combined plan, per case (low, central and high are each combined on their own)."""
    out: dict[str, Any] = {r: _amount_json(t, r) for r, t in sorted(in_plan.items())}
    if rec.co2 is not None and rec.co2.get("central") is not None and "electricity_kwh" in in_plan and rec.savings:
        alone = rec.savings.amounts.get("electricity_kwh")
        if alone and alone[1]:
            ratio = float(in_plan["electricity_kwh"][1] / alone[1])
            out["co2_t"] = {"central": _sig(Decimal(str(rec.co2["central"] * ratio))), "unit": "t"}
    return out


def _rec_json(rec: Rec, in_plan: dict[str, Triple]) -> dict[str, Any]:
    opt = rec.option
    savings: dict[str, Any] = {}
    if rec.savings is not None:
        for resource, triple in sorted(rec.savings.amounts.items()):
            savings[resource] = _amount_json(triple, resource)
        if rec.co2 is not None:
            savings["co2_t"] = rec.co2
    quantified = any(v.get("central") for k, v in savings.items() if k != "co2_t")
    to_quantify: dict[str, Any] | None = None
    if not quantified:
        what = opt.to_quantify
        to_quantify = {
            "inputs": list(rec.savings.missing) if rec.savings is not None else [],
            "questions": list(rec.savings.questions) if rec.savings is not None else [],
            "note": {"zh": what.zh, "en": what.en} if what else _no_model_note(rec),
        }
    return {
        "option_id": opt.id,
        "measure_code": opt.measure_code,
        "name": {"zh": opt.name.zh, "en": opt.name.en},
        "category": opt.category,
        "steps": rec.steps,
        "cost_class": rec.cost_class,
        "cost_class_basis": "investment" if rec.cost_class_by_investment else "catalogue",
        "quantified": quantified,
        "savings": savings,
        "savings_in_plan": _in_plan_json(rec, in_plan),
        "savings_model": None
        if rec.savings is None
        else {
            "kind": opt.benefit.kind if opt.benefit else None,
            "parameters": rec.savings.parameters,
            "assumptions": rec.savings.assumptions,
            "missing": rec.savings.missing,
            "includes_claims": rec.savings.claim,
            "includes_assumptions": rec.savings.assumption,
        },
        "to_quantify": to_quantify,
        "qualitative_benefit": {"zh": opt.qualitative_benefit.zh, "en": opt.qualitative_benefit.en},
        "money": rec.money,
        "operating_cost": rec.opex,
        "investment": rec.investment,
        "payback_years": rec.payback,
        "priority": rec.priority,
        "to_check": rec.checks,
        "origin": rec.origin,
        "reason": rec.reason,
        "findings": [f["id"] for f in rec.findings],
        "because": rec.because,
        "sources": list(opt.sources),
    }


def _totals(
    kb: KnowledgeBase, si: SelfInspection, year: int, ordered: list[Rec], combined: Combined, price_list: dict[str, Any]
) -> dict[str, Any]:
    """The plan's totals: savings combined on what remains (never above the base), money, investment, CO2."""
    out: dict[str, Any] = {}
    for resource, triple in sorted(combined.totals.items()):
        base = combined.bases.get(resource)
        row = _amount_json(triple, resource)
        row["base"] = _sig(base) if base is not None else None
        row["share_of_base"] = _sig(triple[1] / base * 100, 2) if base else None
        out[resource] = row
    co2 = _co2(kb, si, year, combined.totals)
    if co2 is not None and "central" in co2:
        out["co2_t"] = {k: co2[k] for k in ("low", "central", "high", "unit")}
    money = combined_money(
        [
            (rec.money, rec.savings.amounts if rec.savings else None, in_plan)
            for rec, in_plan in zip(ordered, combined.in_plan, strict=True)
        ]
    )
    if money is not None:
        out["money"] = money
    known = [r.investment for r in ordered if r.investment and r.investment.get("central") is not None]
    gaps = [r.option.id for r in ordered if not r.investment or r.investment.get("central") is None]
    out["investment"] = {
        "unit": "CNY",
        "low": round(sum(i["low"] for i in known)),
        "central": round(sum(i["central"] for i in known)),
        "high": round(sum(i["high"] for i in known)),
        "options_priced": len(known),
        "options_without_investment": gaps,
    }
    out["method"] = (
        "each option in the plan's order takes its share of what the options before it left in the same pool "
        "(rinse water of a line, a waste stream, the plant total); totals never exceed the plant's base"
    )
    return out


@dataclass
class PlanCore:
    """What every plan is built from: the evaluation, the inference, the resolved options and their combination."""

    ev: EvaluationResult
    inf: InferenceResult
    price_list: dict[str, Any]
    ordered: list[Rec]
    resolution: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    pools: Pools
    combined: Combined


def plan_core(
    kb: KnowledgeBase,
    si: SelfInspection,
    graph: ProcessGraph | None,
    benchmark_set: str | None,
    year: int | None,
    warnings: list[dict[str, str]] | None,
    leave_out: Collection[str] = (),
) -> PlanCore:
    """The evaluation, inference, options and their combination a plan is built from. ``leave_out``: parts of the
    evaluation the caller does not read (``evaluate``'s ``PARTS``; the options' priority reads ``blocking``)."""
    graph = graph or build_graph(kb)
    ev = evaluate(kb, si, benchmark_set=benchmark_set, year=year, warnings=warnings, leave_out=leave_out)
    inf = infer(kb, si, ev, graph, explain=False)  # the why-not is computed when asked: not_fired_of
    price_list = prices(kb, si)
    pools = Pools.of(kb, si, si.year(ev.year))  # read-only: shared by every option's figures and the combination
    ordered, resolution, questions = _recommended(kb, si, ev, inf, price_list, pools)
    combined = combine(pools, [r.savings for r in ordered])
    return PlanCore(ev, inf, price_list, ordered, resolution, questions, pools, combined)


def _head(kb: KnowledgeBase, ev: EvaluationResult) -> dict[str, Any]:
    """The members every plan begins with: versions, hashes, the enterprise, the year and its evaluation."""
    return {
        "plan_version": PLAN_VERSION,
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "input_hash": ev.input_hash,
        "enterprise": ev.enterprise,
        "year": ev.year,
        "evaluation": ev.as_dict(),
    }


def core_recommendations(core: PlanCore) -> list[dict[str, Any]]:
    """The plan's ``recommendations``: each option with its savings alone and its share in the combined plan."""
    return [_rec_json(r, p) for r, p in zip(core.ordered, core.combined.in_plan, strict=True)]


def core_totals(kb: KnowledgeBase, si: SelfInspection, core: PlanCore) -> dict[str, Any]:
    """The plan's ``totals``."""
    return _totals(kb, si, core.ev.year, core.ordered, core.combined, core.price_list)


def build_plan(
    kb: KnowledgeBase,
    si: SelfInspection,
    *,
    graph: ProcessGraph | None = None,
    benchmark_set: str | None = None,
    year: int | None = None,
    warnings: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    core = plan_core(kb, si, graph, benchmark_set, year, warnings)
    ev, inf, ordered, combined = core.ev, core.inf, core.ordered, core.combined
    recs = {r.option.id: r for r in ordered}
    no_low = [r for r in ordered if r.cost_class == "no_low"]
    combined_low = combine(core.pools, [r.savings for r in no_low])
    after_low_si = project(kb, si, ev.year, combined_low, [(r.option, r.steps) for r in no_low])
    after_all_si = project(kb, si, ev.year, combined, [(r.option, r.steps) for r in ordered])
    after_low = evaluate(
        kb, after_low_si, benchmark_set=benchmark_set, year=ev.year, projection=True, base=ev, leave_out=LEVELS_ONLY
    )
    after_all = evaluate(kb, after_all_si, benchmark_set=benchmark_set, year=ev.year, projection=True, base=ev)
    targets = targets_of(ev, after_low, after_all)
    return {
        **_head(kb, ev),
        "key_options": key_options(kb, ordered, targets, list(ev.benchmark_set["levels"])),
        "recommendations": core_recommendations(core),
        "questions_to_ask": core.questions,
        "groups": {
            "no_low_cost": [r.option.id for r in ordered if r.cost_class == "no_low"],
            "medium_high_cost": [r.option.id for r in ordered if r.cost_class == "medium_high"],
        },
        "resolution": core.resolution,
        "totals": core_totals(kb, si, core),
        "prices": {k: {**v, "value": float(v["value"])} for k, v in sorted(core.price_list.items())},
        "audit_focus": audit_focus(kb, si, inf, recs),
        "targets": targets,
        "before_after": before_after(ev, after_all),
        "projected": projected_view(after_all),
        "projected_no_low_cost": {
            "overall_level": after_low.overall_level,
            "indices": after_low.indices_json(),
        },
        "trace": inf.trace.flat(),
        "why_not_basis": why_not_basis(inf.base, inf.firings),
    }
