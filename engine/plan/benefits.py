"""Annual savings of one option for one enterprise, from its benefit model and the plant's own quantities.

Every figure is a (low, central, high) triple taken from one pool of the plant (engine/plan/pools.py) and never
larger than that pool; every parameter read is listed with its source and grade (claims and this system's own
planning assumptions flagged); every allocation is stated; a model whose inputs are missing returns no figure
for them and names the inputs (and the manual questions) that would quantify it. Negative amounts are resources
the option consumes (e.g. the electricity of electrowinning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.intake.model import SelfInspection, YearData
from engine.kb.base import Range
from engine.kb.loader import KnowledgeBase
from engine.kb.options import BenefitModel, Option
from engine.plan.pools import PLANT, Pools, d, param_row, range_of
from engine.plan.rinse import flow_factor, layout_of

__all__ = ["UNITS", "Part", "Savings", "estimate"]

UNITS = {
    "fresh_water_m3": "m3",
    "wastewater_m3": "m3",
    "electricity_kwh": "kWh",
    "copper_in_wastewater_kg": "kg",
    "cod_in_wastewater_kg": "kg",
    "hazardous_waste_t": "t",
    "chemicals_t": "t",
    "copper_recovered_kg": "kg",
    "waste_to_disposal_t": "t",
    "copper_discharged_kg": "kg",
    "wastewater_discharged_m3": "m3",
    "copper_to_recycler_kg": "kg",
    "ccl_m2": "m2",
    "cyanide_in_wastewater_kg": "kg",
}

Triple = tuple[Decimal, Decimal, Decimal]


@dataclass(frozen=True)
class Part:
    """One amount taken from one pool: ``pool`` names it (``plant``, ``rinse:<step>``, ``stream:<id>`` ...) and
    ``size`` is what the pool holds (None for a plant-wide pool, whose ceiling is the plant total); ``mechanism``
    groups options that claim the same saving (it counts once in a plan)."""

    resource: str
    pool: str
    amount: Triple
    size: Decimal | None
    mechanism: str | None = None


@dataclass
class Savings:
    parts: list[Part] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # manual questions whose answers would quantify it
    claim: bool = False
    assumption: bool = False
    mechanism: str | None = None

    @property
    def amounts(self) -> dict[str, Triple]:
        out: dict[str, Triple] = {}
        for part in self.parts:
            lo, ce, hi = out.get(part.resource, (Decimal(0), Decimal(0), Decimal(0)))
            out[part.resource] = (lo + part.amount[0], ce + part.amount[1], hi + part.amount[2])
        return out

    def add(self, resource: str, pool: str, amount: Triple, size: Decimal | None = None) -> None:
        """Add an amount from a pool, never more than the pool holds (a saving) and ordered low <= high."""
        values = sorted(amount)
        if size is not None:
            values = [min(v, size) for v in values]
        if all(v == 0 for v in values):
            return
        self.parts.append(Part(resource, pool, (values[0], values[1], values[2]), size, self.mechanism))

    def param(self, name: str, rng: Range) -> Triple:
        if all(p["name"] != name for p in self.parameters):
            self.parameters.append(param_row(name, rng))
        self.claim = self.claim or rng.claim
        self.assumption = self.assumption or rng.assumption
        return range_of(rng)

    def need(self, path: str, question: str | None = None) -> None:
        if path not in self.missing:
            self.missing.append(path)
        if question and question not in self.questions:
            self.questions.append(question)


def _scale(t: Triple, f: Triple, per: Decimal = Decimal(100)) -> Triple:
    return (t[0] * f[0] / per, t[1] * f[1] / per, t[2] * f[2] / per)


def _targets(pools: Pools, option: Option, steps: list[str]) -> list[str]:
    """The wet lines an option acts on: the steps it is recommended for, else those of its steps or families run,
    else (a plant-wide option) every wet line run."""
    if steps:
        return steps
    if not option.steps and not option.families:
        return list(pools.wet)
    return [s for s in pools.wet if s in option.steps or pools.kb.steps[s].family in option.families]


def _rinse_water(pools: Pools, out: Savings, step: str) -> Triple | None:
    triple, how, missing = pools.rinse(step)
    for path in missing:
        out.need(path, "q_line_water_m3" if "q_line_water_m3" in path else None)
    if triple is None:
        return None
    if how not in out.assumptions:
        out.assumptions.append(how)
    share = pools.rinse_share()
    if share is not None and pools.line_water(step) is None:
        fig = pools.kb.plant_figures["rinse_share_of_wastewater"]
        out.param("rinse_share_of_wastewater", fig.value)
    return triple


def _add_rinse(out: Savings, step: str, saved: Triple, base: Triple) -> None:
    out.add("fresh_water_m3", f"rinse:{step}", saved, base[2])
    out.add("wastewater_m3", f"rinse:{step}", saved, base[2])


def _pool_fraction(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.fraction is not None and model.pool is not None
    f = out.param("fraction", model.fraction)
    yi = pools.yi
    if model.pool == "rinse_water":
        for step in _targets(pools, option, steps):
            base = _rinse_water(pools, out, step)
            if base is not None:
                _add_rinse(out, step, _scale(base, f), base)
        if any(p.pool.startswith("rinse:") for p in out.parts):
            out.assumptions.append("the rinse water saved is also wastewater not generated")
    elif model.pool == "cooling_water":
        for step in steps or [s for s in pools.answers if s in option.steps]:
            base_c = pools.cooling(step)
            if base_c is None:
                out.need(f"process[step={step}].answers.q_cooling_water_m3", "q_cooling_water_m3")
                continue
            saved = _scale((base_c, base_c, base_c), f)
            out.add("fresh_water_m3", f"cooling:{step}", saved, base_c)
            out.add("wastewater_m3", f"cooling:{step}", saved, base_c)
        if out.parts:
            out.assumptions.append("once-through cooling water is drained, so what it saves is also wastewater")
    elif model.pool in ("fresh_water", "wastewater", "electricity"):
        resource = {"fresh_water": "fresh_water_m3", "wastewater": "wastewater_m3", "electricity": "electricity_kwh"}
        res = resource[model.pool]
        total = pools.total(res)
        if total is None:
            out.need(f"years[{yi}].resources.{model.pool}")
            return
        saved = _scale((total, total, total), f)
        out.add(res, PLANT, saved, total)
        if model.pool == "fresh_water" and pools.wastewater is not None:
            out.add("wastewater_m3", PLANT, saved, pools.wastewater)
            out.assumptions.append("the fresh water saved is also wastewater not generated")
    elif model.pool == "treated_effluent":
        total = pools.discharged
        if total is None:
            out.need(f"years[{yi}].wastewater.discharged")
            return
        saved = _scale((total, total, total), f)
        out.add("wastewater_discharged_m3", PLANT, saved, total)
        if pools.fresh_water is not None:
            out.add("fresh_water_m3", PLANT, saved, pools.fresh_water)
        out.assumptions.append(
            "the treated effluent recovered replaces fresh water and is not discharged; the wastewater generated "
            "by production is unchanged"
        )
    elif model.pool == "wastewater_plant_electricity":
        node = pools.year.resources.electricity_wastewater_plant
        total = node.canonical() if node is not None else None
        if total is None:
            out.need(f"years[{yi}].resources.electricity_wastewater_plant")
            return
        out.add("electricity_kwh", "wastewater_plant", _scale((total, total, total), f), total)
    elif model.pool == "copper_load":
        cu = pools.raw_load("cu")
        if cu is None:
            out.need(f"years[{yi}].wastewater.outlets[before_treatment].concentrations.cu")
            return
        targets = _targets(pools, option, steps)
        share = cu * len(targets) / len(pools.wet) if pools.wet and targets else cu
        pool = "cu:" + "+".join(targets)
        recovered = _scale((share, share, share), f)
        out.add("copper_in_wastewater_kg", pool, recovered, share)
        out.add("copper_recovered_kg", "copper:" + pool, recovered, share)
        out.assumptions.append(
            f"copper of the steps concerned taken as {len(targets)}/{len(pools.wet) or 1} of the raw wastewater's "
            "copper (equal share of the wet lines run); what is recovered as metal no longer reaches the wastewater"
        )
    elif model.pool == "cyanide_load":
        cn = pools.raw_load("cn")
        if cn is None:
            out.need(f"years[{yi}].wastewater.outlets[before_treatment].concentrations.cn")
            return
        out.add("cyanide_in_wastewater_kg", "cn", _scale((cn, cn, cn), f), cn)
    elif model.pool == "ccl":
        ccl_node = pools.year.resources.ccl_input
        total = ccl_node.canonical() if ccl_node is not None else None
        if total is None:
            out.need(f"years[{yi}].resources.ccl_input")
            return
        out.add("ccl_m2", PLANT, _scale((total, total, total), f), total)
    elif model.pool == "cod_load":
        cod = pools.raw_load("cod")
        if cod is None:
            out.need(f"years[{yi}].wastewater.outlets[before_treatment].concentrations.cod")
            return
        targets = _targets(pools, option, steps)
        share = cod * len(targets) / len(pools.wet) if pools.wet and targets else cod
        out.add("cod_in_wastewater_kg", "cod:" + "+".join(targets), _scale((share, share, share), f), share)
        out.assumptions.append(
            f"COD of the steps concerned taken as {len(targets)}/{len(pools.wet) or 1} of the raw wastewater's COD "
            "(equal share of the wet lines run; no per-stream COD reading)"
        )
    elif model.pool == "chemicals":
        total = pools.chemicals(model.chemical_categories)
        if total is None:
            out.need(f"years[{yi}].resources.chemicals[category in {model.chemical_categories}].quantity")
            return
        out.add(
            "chemicals_t", "chemicals:" + "+".join(model.chemical_categories), _scale((total, total, total), f), total
        )
    elif model.pool == "stream":
        total = pools.stream(model.streams)
        if total is None:
            out.need(f"years[{yi}].wastes[stream in {model.streams}].quantity")
            return
        pool = "stream:" + "+".join(model.streams)
        out.add("hazardous_waste_t", pool, _scale((total, total, total), f), total)


def _rinse_layout(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.dilution_ratio is not None and model.target_layout
    r = out.param("dilution_ratio", model.dilution_ratio)
    for step in _targets(pools, option, steps):
        now = layout_of(pools.answers.get(step, {}))
        if now is None:
            out.need(f"process[step={step}].answers.q_rinse_type / q_rinse_stages", "q_rinse_type")
            continue
        layout, n0 = now
        target = model.target_stages or n0
        if (layout, n0) == (model.target_layout, target) or (layout == model.target_layout and n0 >= target):
            continue
        base = _rinse_water(pools, out, step)
        if base is None:
            continue
        saved = []
        for ratio, q in zip(r, base, strict=True):
            before = flow_factor(layout, n0, ratio)
            after = flow_factor(model.target_layout, target, ratio)
            saved.append(q * max(Decimal(0), 1 - after / before) if before > 0 else Decimal(0))
        out.assumptions.append(
            f"{step}: {n0} x {layout} -> {target} x {model.target_layout} at the same drag-out and final-rinse "
            "concentration (dilution relation), the line taken to rinse now at the design dilution"
        )
        _add_rinse(out, step, (saved[0], saved[1], saved[2]), base)


def _dragout(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.reduction is not None
    f = out.param("reduction", model.reduction)
    targets = _targets(pools, option, steps)
    cu = pools.raw_load("cu")
    for step in targets:
        base = _rinse_water(pools, out, step)
        if base is not None:
            _add_rinse(out, step, _scale(base, f), base)
        if cu is not None and pools.wet:
            share = cu / len(pools.wet)
            out.add("copper_in_wastewater_kg", f"rinse:{step}", _scale((share, share, share), f), share)
    if cu is None:
        out.need(f"years[{pools.yi}].wastewater.outlets[before_treatment].concentrations.cu")
    else:
        out.assumptions.append(
            "at the same final-rinse concentration the rinse flow falls with the drag-out (Q ∝ K), and so does the "
            "copper dragged into the rinse water; the raw wastewater's copper is shared equally by the wet lines run"
        )


def _stream_recovery(pools: Pools, option: Option, model: BenefitModel, out: Savings) -> None:
    yi = pools.yi
    tonnage = pools.stream(model.streams)
    pool = "stream:" + "+".join(model.streams)
    if tonnage is None:
        out.need(f"years[{yi}].wastes[stream in {model.streams}].quantity")
        return
    t3 = (tonnage, tonnage, tonnage)
    if model.waste_avoided is not None:
        out.add("hazardous_waste_t", pool, _scale(t3, out.param("waste_avoided", model.waste_avoided)), tonnage)
    if model.chemicals_avoided is not None:
        saved = _scale(t3, out.param("chemicals_avoided", model.chemicals_avoided))
        out.add("chemicals_t", pool, saved, tonnage)
        out.assumptions.append("make-up chemicals no longer bought are taken in proportion to the spent liquor")
    if model.copper_recovery is None:
        return
    rec = out.param("copper_recovery", model.copper_recovery)
    reported = pools.stream_copper(model.streams)
    if reported is not None:
        cu_kg: Triple = (reported * 1000, reported * 1000, reported * 1000)
        out.assumptions.append("copper contained: the enterprise's own figure (wastes[].copper_t)")
    else:
        contained = _copper_contained(pools, model.streams, tonnage, out)
        if contained is None:
            out.need(f"years[{yi}].wastes[stream in {model.streams}].copper_t")
            return
        cu_kg = contained
    recovered = _scale(cu_kg, rec)
    out.add("copper_recovered_kg", "copper:" + pool, recovered, cu_kg[2])
    if model.electricity_per_kg_copper is not None:
        e = out.param("electricity_per_kg_copper", model.electricity_per_kg_copper)
        used = (-recovered[0] * e[0], -recovered[1] * e[1], -recovered[2] * e[2])
        out.add("electricity_kwh", "added:" + option.id, used)
        out.assumptions.append("electrowinning consumes electricity per kg of copper recovered (a negative saving)")


def _copper_contained(pools: Pools, streams: list[str], tonnage: Decimal, out: Savings) -> Triple | None:
    """kg of copper in the reported tonnage: t / density (t/m³) x copper (g/L = kg/m³), from stream properties."""
    if len(streams) != 1:
        return None
    props = pools.kb.streams[streams[0]].properties
    if props is not None and props.copper_share is not None:
        share = out.param(f"{streams[0]}.copper_share", props.copper_share)
        out.assumptions.append(f"copper contained: tonnage x typical copper share of {streams[0]}")
        return (tonnage * share[0] * 10, tonnage * share[1] * 10, tonnage * share[2] * 10)  # t x % x 1000 kg / 100
    if props is None or props.density is None or props.copper is None:
        return None
    rho = out.param(f"{streams[0]}.density", props.density)
    cu = out.param(f"{streams[0]}.copper", props.copper)
    out.assumptions.append(f"copper contained: tonnage / typical density x typical copper content of {streams[0]}")
    # low copper with high density gives the low end; high with low density the high end
    return (tonnage / rho[2] * cu[0], tonnage / rho[1] * cu[1], tonnage / rho[0] * cu[2])


def _sludge_drying(pools: Pools, model: BenefitModel, out: Savings) -> None:
    assert model.moisture_before is not None and model.moisture_after is not None
    tonnage = pools.stream(model.streams)
    if tonnage is None:
        out.need(f"years[{pools.yi}].wastes[stream in {model.streams}].quantity")
        return
    m0 = out.param("moisture_before", model.moisture_before)
    m1 = out.param("moisture_after", model.moisture_after)
    # least saving: wettest cake after, driest before; most: the other way round
    pairs = ((m0[0], m1[2]), (m0[1], m1[1]), (m0[2], m1[0]))
    saved = [tonnage * (1 - (100 - a) / (100 - b)) if b < a else Decimal(0) for a, b in pairs]
    out.add("hazardous_waste_t", "stream:" + "+".join(model.streams), (saved[0], saved[1], saved[2]), tonnage)
    out.assumptions.append("drying removes water only: the dry solids stay, mass x (1 - m0) / (1 - m1)")


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
        out.add("electricity_kwh", f"equipment:{option.id}:{step}", _scale((kwh, kwh, kwh), f), kwh)
        out.assumptions.append(f"{step}: rated power x running hours = {kwh} kWh/a")


def _diversion(pools: Pools, model: BenefitModel, out: Savings) -> None:
    assert model.fraction is not None
    kb, yi = pools.kb, pools.yi
    f = out.param("fraction", model.fraction)
    disposal = {d.id for d in kb.destinations.values() if d.kind in ("licensed_disposal", "general_disposal")}
    wastes = [w for w in pools.year.wastes if w.stream in model.streams]
    if not wastes or any(w.quantity.canonical() is None for w in wastes):
        out.need(f"years[{yi}].wastes[stream in {model.streams}].quantity")
        return
    for sid in sorted({w.stream for w in wastes}):
        disposed = sum(
            (w.quantity.canonical() or Decimal(0) for w in wastes if w.stream == sid and w.destination in disposal),
            Decimal(0),
        )
        if disposed == 0:
            continue
        diverted = _scale((disposed, disposed, disposed), f)
        out.add("waste_to_disposal_t", f"disposal:{sid}", diverted, disposed)
        if model.copper_recovery is not None:
            contained = _copper_contained(pools, [sid], disposed, out)
            if contained is not None:
                rec = out.param("copper_recovery", model.copper_recovery)
                out.add("copper_to_recycler_kg", f"copper:disposal:{sid}", _scale(contained, rec), contained[2])
    if out.parts:
        out.assumptions.append("only the tonnage now sent to landfill or incineration counts as diverted")


def _copper_reuse(pools: Pools, model: BenefitModel, out: Savings) -> None:
    assert model.fraction is not None
    kb, yi = pools.kb, pools.yi
    bought = pools.chemicals(model.chemical_categories)
    if bought is None:
        out.need(f"years[{yi}].resources.chemicals[category in {model.chemical_categories}].quantity")
        return
    reported = pools.year.copper_recovered.canonical() if pools.year.copper_recovered is not None else None
    if reported is not None:
        cu_t: Triple = (reported, reported, reported)
        out.assumptions.append("copper recovered on site: the year's own copper_recovered")
    else:
        onsite = {d.id for d in kb.destinations.values() if d.kind == "onsite_recovery"}
        streams = sorted({w.stream for w in pools.year.wastes if w.destination in onsite})
        totals = [Decimal(0)] * 3
        for sid in streams:
            tonnage = pools.stream([sid])
            own = pools.stream_copper([sid])
            kg = (own * 1000,) * 3 if own is not None else None
            if kg is None and tonnage is not None:
                kg = _copper_contained(pools, [sid], tonnage, out)
            if kg is None:
                continue
            totals = [t + k / 1000 for t, k in zip(totals, kg, strict=True)]
        if not any(totals):
            out.need(f"years[{yi}].copper_recovered")
            return
        cu_t = (totals[0], totals[1], totals[2])
        out.assumptions.append(
            "copper recovered on site: the copper contained in the wastes the plant recovers on site"
        )
    f = out.param("fraction", model.fraction)
    saved = tuple(min(c, bought) * x / 100 for c, x in zip(cu_t, f, strict=True))
    out.add("chemicals_t", "chemicals:" + "+".join(model.chemical_categories), (saved[0], saved[1], saved[2]), bought)


def _effluent_endpoint(pools: Pools, model: BenefitModel, out: Savings) -> None:
    assert model.pollutant is not None and model.endpoint is not None
    base = pools.discharged_load(model.pollutant)
    if base is None:
        out.need(f"years[{pools.yi}].wastewater.outlets[discharge].concentrations.{model.pollutant}")
        return
    load, conc, volume = base
    e = out.param("endpoint", model.endpoint)
    removed = tuple(max(conc - x, Decimal(0)) * volume / 1000 for x in (e[2], e[1], e[0]))
    out.add("copper_discharged_kg", "discharge:" + model.pollutant, (removed[0], removed[1], removed[2]), load)
    out.assumptions.append(
        f"discharged {model.pollutant}: monitored {conc} mg/L x {volume} m3/a; brought to the endpoint the case reached"
    )


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
    out.add(model.resource, PLANT, amount, pools.total(model.resource))
    if model.resource == "fresh_water_m3":
        out.add("wastewater_m3", PLANT, amount, pools.wastewater)
        out.assumptions.append("the fresh water saved is also wastewater not generated")


def estimate(kb: KnowledgeBase, si: SelfInspection, year: YearData, option: Option, steps: list[str]) -> Savings | None:
    """Savings of ``option`` recommended for ``steps`` (empty: plant-wide); None when it has no benefit model."""
    model = option.benefit
    if model is None:
        return None
    pools = Pools.of(kb, si, year)
    out = Savings(mechanism=model.mechanism)
    unmet = {q: v for q, v in model.applies_if.items() if si.answers.get(q) != v}
    if unmet:
        for qid, value in sorted(unmet.items()):
            out.need(f"answers.{qid} = {value!r} (the model's figures hold only then)", qid)
        return out
    if model.kind == "pool_fraction":
        _pool_fraction(pools, option, model, steps, out)
    elif model.kind == "rinse_layout":
        _rinse_layout(pools, option, model, steps, out)
    elif model.kind == "dragout_reduction":
        _dragout(pools, option, model, steps, out)
    elif model.kind == "stream_recovery":
        _stream_recovery(pools, option, model, out)
    elif model.kind == "sludge_drying":
        _sludge_drying(pools, model, out)
    elif model.kind == "equipment_power":
        _equipment_power(pools, option, model, steps, out)
    elif model.kind == "diversion":
        _diversion(pools, model, out)
    elif model.kind == "copper_reuse":
        _copper_reuse(pools, model, out)
    elif model.kind == "effluent_endpoint":
        _effluent_endpoint(pools, model, out)
    elif model.kind == "per_output":
        _per_output(pools, model, steps, out)
    return out
