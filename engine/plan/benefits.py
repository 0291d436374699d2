"""Annual savings of one option for one enterprise, from its benefit model and the plant's own quantities.

Every figure is a (low, central, high) triple taken from one pool of the plant (engine/plan/pools.py) and never
larger than that pool; every parameter read is listed with its source and grade (claims and this system's own
planning assumptions flagged); every allocation is stated; a model whose inputs are missing returns no figure
for them and names the inputs (and the manual questions) that would quantify it. Negative amounts are resources
the option consumes (e.g. the electricity of electrowinning). The models live in engine/plan/models_water.py and
engine/plan/models_streams.py; this module dispatches and holds the equipment and per-output models.
"""

from __future__ import annotations

from decimal import Decimal

from engine.intake.model import SelfInspection, YearData
from engine.kb.loader import KnowledgeBase
from engine.kb.options import BenefitModel, Option
from engine.plan.models_streams import diversion, effluent_endpoint, sludge_drying, stream_recovery
from engine.plan.models_water import dragout, pool_fraction, rinse_layout
from engine.plan.pools import PLANT, Pools, d
from engine.plan.savings import UNITS, Part, Savings, Triple
from engine.plan.savings import scale as _scale

__all__ = ["UNITS", "Part", "Savings", "Triple", "estimate"]


def _equipment_power(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.fraction is not None and model.power_question and model.hours_question
    f = out.param("fraction", model.fraction)
    question = pools.kb.questions.get(model.power_question)
    enterprise = question is not None and question.scope == "enterprise"
    targets = ["enterprise"] if enterprise else steps or [s for s in pools.answers if s in option.steps]
    for step in targets:
        ans = dict(pools.si.answers) if enterprise else pools.answers.get(step, {})
        kw, hours = ans.get(model.power_question), ans.get(model.hours_question)
        if not isinstance(kw, int | float | Decimal) or not isinstance(hours, int | float | Decimal):
            for q in (model.power_question, model.hours_question):
                out.need(f"answers.{q}" if enterprise else f"process[step={step}].answers.{q}", q)
            continue
        kwh = d(kw) * d(hours)
        out.add("electricity_kwh", f"equipment:{model.power_question}:{step}", _scale((kwh, kwh, kwh), f), kwh)
        out.assumptions.append(f"{step}: rated power x running hours = {kwh} kWh/a")


def _per_output(pools: Pools, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.resource is not None and model.saving is not None
    kb, year = pools.kb, pools.year
    s = out.param("saving", model.saving)
    scale = Decimal("0.001") if model.saving.unit in ("L/m2", "g/m2") else Decimal(1)
    area = Decimal(0)
    for pi, prod in enumerate(year.products):
        route_steps = {
            step
            for r in kb.routes.values()
            if r.rigidity == prod.rigidity and r.construction == prod.construction
            for item in r.items
            for step in item.steps
        }
        if steps and not set(steps) & route_steps:
            continue
        output = prod.output.canonical()
        if output is None:
            out.need(f"years[{pools.yi}].products[{pi}].output")
            continue
        area += output
    out.assumptions.append("applies to the output of the board types whose route passes the steps concerned")
    amount = (area * s[0] * scale, area * s[1] * scale, area * s[2] * scale)
    wet = [step for step in steps if step in pools.wet]
    if model.resource == "fresh_water_m3" and len(wet) == 1:
        # water of a wet line comes out of that line's rinse pool, shared with the line's other rinse options
        base, how, _ = pools.rinse(wet[0])
        if base is not None:
            out.assumptions.append(how + "; the saving is at most that line's rinse water")
            out.add("fresh_water_m3", f"rinse:{wet[0]}", amount, base)
            out.add("wastewater_m3", f"rinse:{wet[0]}", amount, base)
            return
    out.add(model.resource, PLANT, amount, pools.total(model.resource))
    if model.resource == "fresh_water_m3":
        out.add("wastewater_m3", PLANT, amount, pools.wastewater)
        out.assumptions.append("the fresh water saved is also wastewater not generated")


def estimate(
    kb: KnowledgeBase,
    si: SelfInspection,
    year: YearData,
    option: Option,
    steps: list[str],
    pools: Pools | None = None,
) -> Savings | None:
    """Savings of ``option`` recommended for ``steps`` (empty: plant-wide); None when it has no benefit model.
    ``pools``: the plant's pools of that year, when the caller has them already (``Pools.of``)."""
    model = option.benefit
    if model is None:
        return None
    pools = pools if pools is not None else Pools.of(kb, si, year)
    out = Savings(mechanism=model.mechanism)
    unmet = {q: v for q, v in model.applies_if.items() if si.answers.get(q) != v}
    if unmet:
        for qid, value in sorted(unmet.items()):
            out.need(f"answers.{qid} = {value!r} (the model's figures hold only then)", qid)
        return out
    if model.kind == "pool_fraction":
        pool_fraction(pools, option, model, steps, out)
    elif model.kind == "rinse_layout":
        rinse_layout(pools, option, model, steps, out)
    elif model.kind == "dragout_reduction":
        dragout(pools, option, model, steps, out)
    elif model.kind == "stream_recovery":
        stream_recovery(pools, option, model, out)
    elif model.kind == "sludge_drying":
        sludge_drying(pools, model, out)
    elif model.kind == "equipment_power":
        _equipment_power(pools, option, model, steps, out)
    elif model.kind == "diversion":
        diversion(pools, model, out)
    elif model.kind == "effluent_endpoint":
        effluent_endpoint(pools, model, out)
    elif model.kind == "per_output":
        _per_output(pools, model, steps, out)
    return out
