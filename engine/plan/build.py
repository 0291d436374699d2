"""Build the plan of one enterprise: evaluation -> inference -> recommended options with savings, cost, payback
and a priority whose parts are shown; conflicts and prerequisites resolved with reasons; the audit focus; targets;
and the evaluation re-run on the projected data.

The plan is deterministic: the same self-inspection and knowledge base give the same JSON, byte for byte.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.evaluate.evaluation import evaluate
from engine.evaluate.instances import grid_factor
from engine.evaluate.result import EvaluationResult, decimal_json
from engine.graph import ProcessGraph, build_graph
from engine.inference.run import InferenceResult, infer
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.benefits import UNITS, Savings, estimate
from engine.plan.focus import audit_focus
from engine.plan.priority import priority
from engine.plan.projection import project
from engine.plan.records import SEVERITY_ORDER, Rec
from engine.plan.resolve import rank_key, resolve
from engine.plan.screen import in_place, screen
from engine.plan.shortlist import key_options

__all__ = ["PLAN_VERSION", "build_plan"]

PLAN_VERSION = "1"


def _j(value: Decimal | None, places: int = 3) -> float | None:
    return decimal_json(value, places)


def _prices(kb: KnowledgeBase, si: SelfInspection, year: int) -> dict[str, dict[str, Any]]:
    """Prices per unit of saving: the enterprise's own, else a sourced knowledge-base value (flagged)."""
    out: dict[str, dict[str, Any]] = {}
    given = si.prices
    pairs = (
        ("fresh_water_m3", "water_cny_per_m3", "industrial_water_price_shenzhen", "CNY/m3"),
        ("wastewater_m3", "wastewater_treatment_cny_per_m3", None, "CNY/m3"),
        ("electricity_kwh", "electricity_cny_per_kwh", None, "CNY/kWh"),
        ("hazardous_waste_t", "hazardous_waste_cny_per_t", None, "CNY/t"),
        ("copper_recovered_kg", "copper_cny_per_t", "copper_price", "CNY/t"),
    )
    for resource, field_name, param_id, unit in pairs:
        price = getattr(given, field_name) if given is not None else None
        if price is not None:
            out[resource] = {"value": price.value, "unit": unit, "source": "enterprise", "valid_from": price.valid_from}
        elif param_id and param_id in kb.parameters:
            param = kb.parameters[param_id]
            value = max(param.values, key=lambda v: v.valid_from)
            out[resource] = {
                "value": value.value,
                "unit": unit,
                "source": value.source,
                "grade": value.grade.value,
                "valid_from": value.valid_from.isoformat(),
                "note": value.note or "",
                "flag": "knowledge-base default; give the enterprise's own price",
            }
    return out


def _valuation(
    kb: KnowledgeBase, si: SelfInspection, year: int, savings: Savings, prices: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    total = [Decimal(0), Decimal(0), Decimal(0)]
    for resource, triple in sorted(savings.amounts.items()):
        price = prices.get(resource)
        if price is None:
            continue
        per_unit = Decimal(price["value"]) / (1000 if resource == "copper_recovered_kg" else 1)
        values = [v * per_unit for v in triple]
        parts[resource] = {"low": _j(values[0], 0), "central": _j(values[1], 0), "high": _j(values[2], 0)}
        total = [t + v for t, v in zip(total, values, strict=True)]
    unpriced = sorted(r for r in savings.amounts if r not in prices)
    return {
        "unit": "CNY/a",
        "low": _j(total[0], 0),
        "central": _j(total[1], 0),
        "high": _j(total[2], 0),
        "parts": parts,
        "unpriced": unpriced,
    }


def _co2(kb: KnowledgeBase, si: SelfInspection, year: int, savings: Savings) -> dict[str, Any] | None:
    kwh = savings.amounts.get("electricity_kwh")
    if kwh is None:
        return None
    factor, note = grid_factor(kb, "grid_emission_factor", si.enterprise.grid_region, year)
    if factor is None:
        return {"note": note}
    values = [v * factor.value / 1000 for v in kwh]
    return {
        "unit": "t",
        "low": _j(values[0]),
        "central": _j(values[1]),
        "high": _j(values[2]),
        "factor": {
            "value": float(factor.value),
            "unit": "kgCO2/kWh",
            "source": factor.source,
            "grade": factor.grade.value,
            "data_year": factor.data_year,
            "note": note,
        },
    }


def _payback(option: Option, money: dict[str, Any] | None) -> dict[str, Any] | None:
    inv = option.investment
    if inv is None or money is None or not money.get("central"):
        return None
    low_money, high_money = money["low"] or 0, money["high"] or 0
    central_inv = (inv.low + inv.high) / 2
    return {
        "central": round(central_inv / money["central"], 2),
        "low": round(inv.low / high_money, 2) if high_money else None,
        "high": round(inv.high / low_money, 2) if low_money else None,
        "unit": "a",
    }


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
    kb: KnowledgeBase, si: SelfInspection, ev: EvaluationResult, recs: dict[str, Rec], prices: dict[str, Any]
) -> None:
    year = si.year(ev.year)
    blocking = {row["key"].split("[")[0] for row in ev.blocking.get("indicators", [])}
    limiting = {i.id for i in ev.instances if i.limiting}
    for rec in recs.values():
        rec.savings = estimate(kb, si, year, rec.option, rec.steps)
        if rec.savings is not None and rec.savings.amounts:
            rec.money = _valuation(kb, si, ev.year, rec.savings, prices)
        rec.payback = _payback(rec.option, rec.money)
        rec.priority = priority(kb, rec, ev, blocking, limiting)


def _recommended(
    kb: KnowledgeBase, si: SelfInspection, ev: EvaluationResult, inf: InferenceResult, prices: dict[str, Any]
) -> tuple[list[Rec], list[dict[str, Any]], list[dict[str, Any]]]:
    """Screen the recommendations (in place, unknown status, line type), then resolve conflicts, prerequisites
    and premises; the options ranked by the plan's total order, the resolution log and the questions to ask."""
    screening = screen(kb, si, ev.year, inf.recommendations(), inf.trace.nodes)
    recs, constraints = _collect(kb, inf, screening.kept)
    for oid, checks in screening.checks.items():
        if oid in recs:
            recs[oid].checks = checks
    _evaluate_options(kb, si, ev, recs, prices)
    resolution = screening.log + resolve(
        kb,
        recs,
        constraints,
        nodes=inf.trace.nodes,
        in_place=lambda option, steps: in_place(kb, si, ev.year, option, steps),
    )
    _evaluate_options(kb, si, ev, recs, prices)  # added prerequisites get their figures too
    return sorted(recs.values(), key=rank_key), resolution, screening.questions


def _targets(ev: EvaluationResult, after_low: EvaluationResult, after_all: EvaluationResult) -> list[dict[str, Any]]:
    low = {i.key: i for i in after_low.instances}
    full = {i.key: i for i in after_all.instances}
    out = []
    for inst in ev.instances:
        if inst.kind != "quantitative" or inst.level in ("I", "not_applicable"):
            continue
        a, b = low.get(inst.key), full.get(inst.key)
        out.append(
            {
                "indicator": inst.key,
                "unit": inst.unit,
                "now": {"value": decimal_json(inst.value), "level": inst.level},
                "after_no_low_cost": {"value": decimal_json(a.value) if a else None, "level": a.level if a else None},
                "after_all": {"value": decimal_json(b.value) if b else None, "level": b.level if b else None},
                "next_level": inst.next_level,
            }
        )
    return out


def _before_after(ev: EvaluationResult, after: EvaluationResult) -> list[dict[str, Any]]:
    later = {i.key: i for i in after.instances}
    rows = []
    for inst in ev.instances:
        other = later.get(inst.key)
        rows.append(
            {
                "indicator": inst.key,
                "unit": inst.unit,
                "before": {"value": decimal_json(inst.value), "level": inst.level},
                "after": {
                    "value": decimal_json(other.value) if other else None,
                    "level": other.level if other else None,
                },
            }
        )
    return rows


def _rec_json(kb: KnowledgeBase, si: SelfInspection, year: int, rec: Rec) -> dict[str, Any]:
    opt = rec.option
    savings: dict[str, Any] = {}
    if rec.savings is not None:
        for resource, (lo, ce, hi) in sorted(rec.savings.amounts.items()):
            savings[resource] = {"low": _j(lo), "central": _j(ce), "high": _j(hi), "unit": UNITS[resource]}
        co2 = _co2(kb, si, year, rec.savings)
        if co2 is not None:
            savings["co2_t"] = co2
    return {
        "option_id": opt.id,
        "measure_code": opt.measure_code,
        "name": {"zh": opt.name.zh, "en": opt.name.en},
        "category": opt.category,
        "steps": rec.steps,
        "cost_class": opt.cost_class,
        "savings": savings,
        "savings_model": None
        if rec.savings is None
        else {
            "kind": opt.benefit.kind if opt.benefit else None,
            "parameters": rec.savings.parameters,
            "assumptions": rec.savings.assumptions,
            "missing": rec.savings.missing,
            "includes_claims": rec.savings.claim,
        },
        "qualitative_benefit": {"zh": opt.qualitative_benefit.zh, "en": opt.qualitative_benefit.en},
        "money": rec.money,
        "investment": None
        if opt.investment is None
        else {
            "low": opt.investment.low,
            "high": opt.investment.high,
            "unit": "CNY",
            "basis": opt.investment.basis,
            "source": opt.investment.source,
            "grade": opt.investment.grade.value,
            "claim": opt.investment.claim,
        },
        "payback_years": rec.payback,
        "priority": rec.priority,
        "to_check": rec.checks,
        "origin": rec.origin,
        "reason": rec.reason,
        "findings": [f["id"] for f in rec.findings],
        "because": rec.because,
        "sources": list(opt.sources),
    }


def build_plan(
    kb: KnowledgeBase,
    si: SelfInspection,
    *,
    graph: ProcessGraph | None = None,
    benchmark_set: str | None = None,
    year: int | None = None,
    warnings: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    graph = graph or build_graph(kb)
    ev = evaluate(kb, si, benchmark_set=benchmark_set, year=year, warnings=warnings)
    inf = infer(kb, si, ev, graph)
    prices = _prices(kb, si, ev.year)
    ordered, resolution, questions = _recommended(kb, si, ev, inf, prices)
    recs = {r.option.id: r for r in ordered}
    no_low = [r for r in ordered if r.option.cost_class == "no_low"]
    after_low_si = project(kb, si, ev.year, [(r.option, r.steps, r.savings) for r in no_low])
    after_all_si = project(kb, si, ev.year, [(r.option, r.steps, r.savings) for r in ordered])
    after_low = evaluate(kb, after_low_si, benchmark_set=benchmark_set, year=ev.year)
    after_all = evaluate(kb, after_all_si, benchmark_set=benchmark_set, year=ev.year)
    totals: dict[str, list[Decimal]] = {}
    for rec in ordered:
        if rec.savings is None:
            continue
        for resource, triple in rec.savings.amounts.items():
            acc = totals.setdefault(resource, [Decimal(0)] * 3)
            for i in range(3):
                acc[i] += triple[i]
    targets = _targets(ev, after_low, after_all)
    return {
        "plan_version": PLAN_VERSION,
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "input_hash": ev.input_hash,
        "enterprise": ev.enterprise,
        "year": ev.year,
        "evaluation": ev.as_dict(),
        "key_options": key_options(kb, ordered, targets, list(ev.benchmark_set["levels"])),
        "recommendations": [_rec_json(kb, si, ev.year, r) for r in ordered],
        "questions_to_ask": questions,
        "groups": {
            "no_low_cost": [r.option.id for r in ordered if r.option.cost_class == "no_low"],
            "medium_high_cost": [r.option.id for r in ordered if r.option.cost_class == "medium_high"],
        },
        "resolution": resolution,
        "totals": {
            resource: {
                "low": _j(v[0]),
                "central": _j(v[1]),
                "high": _j(v[2]),
                "unit": UNITS[resource],
                "note": "simple sum of the options' estimates; overlapping options may double-count",
            }
            for resource, v in sorted(totals.items())
        },
        "prices": {k: {**v, "value": float(v["value"])} for k, v in sorted(prices.items())},
        "audit_focus": audit_focus(kb, si, inf, recs),
        "targets": targets,
        "before_after": _before_after(ev, after_all),
        "projected": after_all.as_dict(),
        "projected_no_low_cost": {
            "overall_level": after_low.overall_level,
            "indices": after_low.as_dict()["indices"],
        },
        "trace": inf.trace.flat(),
        "not_fired": inf.not_fired,
    }
