"""Facts for the rules: one fact per entity (the enterprise, each step run, each indicator instance, each waste
stream the steps run produce or the plant reports, each pollutant measured at an effluent outlet), with many
properties each; graph knowledge is computed with networkx beforehand. A stream fact says whether the plant
reported a quantity for it (``reported``), and then its tonnage and its tonnage per m² of qualified output, so that
rules can read quantities, not only answers.

Each fact also lists the raw self-inspection paths it was built from (``inputs``), kept outside the fact so that
the trace can lead from a conclusion back to the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.evaluate.result import EvaluationResult
from engine.graph import ProcessGraph
from engine.inference.effluent import effluent_facts
from engine.intake.model import SelfInspection, YearData
from engine.kb.loader import KnowledgeBase

__all__ = ["BaseFacts", "build_facts", "durable_float"]


@dataclass
class BaseFacts:
    facts: list[dict[str, Any]]
    inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # fact id -> raw inputs
    parameters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # fact id -> thresholds read


def durable_float(value: float | Decimal) -> float:
    """A number as durable_rules can read it: its C JSON reader rejects exponent notation (``9e-05``) and, in a
    batch, silently drops the offending fact and every fact after it. Python writes floats below 1e-4 in that
    notation, so values are rounded to 6 decimals and magnitudes below 1e-4 become 0."""
    number = round(float(value), 6)
    if abs(number) < 1e-4:
        return 0.0
    return number


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return durable_float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Known answers as fact properties; unknown answers are left out (a test on them cannot match)."""
    return {k: _plain(v) for k, v in sorted(answers.items()) if v != "unknown" and v is not None}


def _producers(kb: KnowledgeBase, year: YearData) -> dict[str, list[str]]:
    """Stream id -> the steps that produce it per the knowledge base: the steps on the routes of the board types
    the plant makes, and the utility steps (run or not; the self-inspection may list no process at all)."""
    made = {(p.rigidity.value, p.construction.value) for p in year.products}
    candidates = {s for s, step in kb.steps.items() if step.kind == "utility"}
    for route in kb.routes.values():
        if (route.rigidity.value, route.construction.value) in made:
            candidates.update(s for item in route.items for s in item.steps)
    out: dict[str, list[str]] = {}
    for sid in sorted(candidates):
        for stream in kb.steps[sid].outputs:
            out.setdefault(stream, []).append(sid)
    return out


def build_facts(kb: KnowledgeBase, si: SelfInspection, ev: EvaluationResult, graph: ProcessGraph) -> BaseFacts:
    out = BaseFacts([])
    levels = ev.benchmark_set["levels"]
    latest = si.year(ev.year)
    steps_run = [f for f in si.process if f.run and f.step in kb.steps]
    # enterprise ---------------------------------------------------------------------------------------------
    ent: dict[str, Any] = {
        "type": "enterprise",
        "id": "enterprise",
        "district": si.enterprise.district,
        "grid_region": si.enterprise.grid_region,
        "board_types": len(latest.products),
        "overall_level": ev.overall_level,
        "overall_rank": levels.index(ev.overall_level) if ev.overall_level in levels else len(levels),
        "steps_run": sorted(f.step for f in steps_run),
        "families_run": sorted({kb.steps[f.step].family for f in steps_run}),
    }
    outputs = [p.output.canonical() for p in latest.products]
    if all(o is not None for o in outputs):
        ent["output_m2"] = durable_float(sum((o for o in outputs if o is not None), Decimal(0)))
    for lv in levels:
        if lv in ("I", "II", "III"):
            ent[f"Y_{lv}"] = durable_float(Decimal(ev.indices_worst[lv].numerator) / ev.indices_worst[lv].denominator)
    for prod in latest.products:
        ent[f"makes_{prod.rigidity.value}_{prod.construction.value}"] = True
    if latest.pass_rate is not None and latest.pass_rate.canonical() is not None:
        ent["pass_rate"] = _plain(latest.pass_rate.canonical())
    unknown = [(wi, w) for wi, w in enumerate(latest.wastes) if w.unknown_destination]
    if unknown:
        ent["wastes_destination_unknown"] = len(unknown)
        ent["wastes_destination_unknown_list"] = "、".join(w.label for _, w in unknown)
    ent.update(_answers(dict(si.answers)))
    out.facts.append(ent)
    out.inputs["enterprise"] = [{"path": f"answers.{k}", "value": _plain(v)} for k, v in sorted(si.answers.items())]
    yi_latest = si.index_of(latest)
    out.inputs["enterprise"] += [
        {"path": f"years[{yi_latest}].wastes[{wi}].destination", "value": f"{w.label}: unknown"} for wi, w in unknown
    ]
    # steps ------------------------------------------------------------------------------------------------
    for i, facts in enumerate(si.process):
        if not facts.run or facts.step not in kb.steps:
            continue
        step = kb.steps[facts.step]
        fid = f"step:{facts.step}"
        fact: dict[str, Any] = {
            "type": "step",
            "id": fid,
            "step": facts.step,
            "family": step.family,
            "streams": sorted(step.outputs_with(facts.chemistry)),
            "indicators": graph.indicators_of_step(facts.step),
        }
        if facts.chemistry is not None:
            fact["chemistry"] = facts.chemistry
        fact.update(_answers(dict(facts.answers)))
        out.facts.append(fact)
        out.inputs[fid] = [{"path": f"process[{i}].step", "value": facts.step}] + [
            {"path": f"process[{i}].answers.{k}", "value": _plain(v)} for k, v in sorted(facts.answers.items())
        ]
    # indicators -------------------------------------------------------------------------------------------
    for inst in ev.instances:
        fid = f"indicator:{inst.key}"
        fact = {
            "type": "indicator",
            "id": fid,
            "indicator": inst.id,
            "instance": inst.instance or "",
            "level": inst.level,
            "limiting": inst.limiting,
            "provisional": inst.provisional,
        }
        if inst.level in levels:
            fact["level_rank"] = levels.index(inst.level)
        elif inst.level == "fails":
            fact["level_rank"] = len(levels)
        if inst.value is not None:
            fact["value"] = durable_float(inst.value)
        thresholds = {t.level: t.value for t in inst.thresholds}
        for lv in ("I", "II", "III"):
            if lv in thresholds:
                fact[f"threshold_{lv}"] = durable_float(thresholds[lv])
        if inst.value is not None and thresholds.get("III"):
            fact["ratio_to_III"] = durable_float(inst.value / thresholds["III"])
        trend = ev.trends.get(inst.id, {})
        if "improving_years" in trend:
            fact["improving_years"] = trend["improving_years"]
        out.facts.append(fact)
        out.inputs[fid] = [i.as_dict() for i in inst.inputs]
        out.parameters[fid] = [
            {
                "name": f"{inst.id} level {t.level}",
                "value": float(t.value),
                "unit": inst.unit,
                "expr": t.expr,
                "source": t.source,
                "grade": t.grade,
            }
            for t in inst.thresholds
        ] + [
            {
                "name": f"{p['parameter']} ({', '.join(f'{k}={v}' for k, v in sorted(p['key'].items()))}, "
                f"data year {p.get('data_year')})",
                **p,
            }
            for p in inst.parameters
        ]
    # streams ----------------------------------------------------------------------------------------------
    produced: dict[str, list[str]] = {}
    for f in steps_run:
        for sid in kb.steps[f.step].outputs_with(f.chemistry):
            produced.setdefault(sid, []).append(f.step)
    reported: dict[str, list[tuple[int, Any]]] = {}
    yi = si.index_of(latest)
    for wi, waste in enumerate(latest.wastes):
        if waste.stream in kb.streams:  # custom wastes have no stream fact; the enterprise fact names them
            reported.setdefault(waste.stream, []).append((wi, waste))
    producers = _producers(kb, latest)
    known_outputs = [o for o in outputs if o is not None]
    output = sum(known_outputs, Decimal(0)) if len(known_outputs) == len(outputs) else None
    for sid in sorted(set(produced) | set(reported)):
        stream = kb.streams[sid]
        fid = f"stream:{sid}"
        fact = {
            "type": "stream",
            "id": fid,
            "stream": sid,
            "kind": stream.kind,
            "produced_by": sorted(produced.get(sid, [])),
            "producers": producers.get(sid, []),
            "hazardous": stream.hazardous_waste_code is not None,
            "reported": sid in reported,
        }
        if stream.segregation_class:
            fact["segregation_class"] = stream.segregation_class
        inputs = []
        if sid in reported:
            wastes = reported[sid]
            quantities = [w.quantity.canonical() for _, w in wastes]
            if all(q is not None for q in quantities):
                total = sum((q for q in quantities if q is not None), Decimal(0))
                fact["quantity_t"] = durable_float(total)
                if output:
                    fact["kg_per_m2"] = durable_float(total * 1000 / output)
            main = max(wastes, key=lambda p: p[1].quantity.canonical() or Decimal(0))[1]
            fact["destination"] = main.destination
            if not main.unknown_destination:
                fact["destination_kind"] = kb.destinations[main.destination].kind
            fact["hazardous"] = fact["hazardous"] or any(w.category == "hazardous" for _, w in wastes)
            inputs = [
                {
                    "path": f"years[{yi}].wastes[{wi}]",
                    "value": {"destination": w.destination, "quantity_t": _plain(w.quantity.canonical())},
                }
                for wi, w in wastes
            ]
        out.facts.append(fact)
        out.inputs[fid] = inputs
    # effluent -----------------------------------------------------------------------------------------------
    for eff in effluent_facts(kb, si, ev.year):
        fid = eff.fact["id"]
        out.facts.append({k: _plain(v) for k, v in eff.fact.items()})
        out.inputs[fid] = [{**i, "value": _plain(i["value"])} for i in eff.inputs]
        out.parameters[fid] = eff.parameters
    return out
