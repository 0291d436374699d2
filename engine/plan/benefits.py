"""Annual savings of an option for one enterprise, from its benefit model and the enterprise's own data.

Every figure is a (low, central, high) triple; every parameter read is listed with its source and grade; every
allocation the model has to assume is stated. A model whose inputs are missing returns no figure and says which
input to supply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.intake.model import SelfInspection, YearData
from engine.kb.loader import KnowledgeBase
from engine.kb.options import BenefitModel, Option, Range

__all__ = ["Savings", "estimate", "wet_steps_run"]

UNITS = {
    "fresh_water_m3": "m3",
    "wastewater_m3": "m3",
    "electricity_kwh": "kWh",
    "copper_in_wastewater_kg": "kg",
    "cod_in_wastewater_kg": "kg",
    "hazardous_waste_t": "t",
    "chemicals_t": "t",
    "copper_recovered_kg": "kg",
}


@dataclass
class Savings:
    amounts: dict[str, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)  # resource -> low/central/high
    parameters: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    claim: bool = False

    def add(self, resource: str, low: Decimal, central: Decimal, high: Decimal) -> None:
        lo, ce, hi = self.amounts.get(resource, (Decimal(0), Decimal(0), Decimal(0)))
        self.amounts[resource] = (lo + max(low, Decimal(0)), ce + max(central, Decimal(0)), hi + max(high, Decimal(0)))


def _d(x: float) -> Decimal:
    return Decimal(str(x))


def _param(out: Savings, name: str, rng: Range) -> tuple[Decimal, Decimal, Decimal]:
    out.parameters.append(
        {
            "name": name,
            "low": rng.low,
            "central": rng.central,
            "high": rng.high,
            "unit": rng.unit,
            "source": rng.source,
            "grade": rng.grade.value,
            "claim": rng.claim,
        }
    )
    out.claim = out.claim or rng.claim
    return _d(rng.low), _d(rng.central), _d(rng.high)


def wet_steps_run(kb: KnowledgeBase, si: SelfInspection) -> list[str]:
    """Steps run whose family has rinse questions (the wet lines among which rinse water is allocated)."""
    rinse_q = kb.questions.get("q_rinse_stages")
    families = set(rinse_q.families) if rinse_q else set()
    return sorted(f.step for f in si.process if f.run and f.step in kb.steps and kb.steps[f.step].family in families)


def _plant_base(kb: KnowledgeBase, year: YearData, yi: int, resource: str, out: Savings) -> Decimal | None:
    res = year.resources
    if resource == "fresh_water_m3":
        value, path = res.fresh_water.canonical(), f"years[{yi}].resources.fresh_water"
    elif resource == "wastewater_m3":
        value, path = year.wastewater.generated.canonical(), f"years[{yi}].wastewater.generated"
    elif resource == "electricity_kwh":
        value, path = res.electricity.canonical(), f"years[{yi}].resources.electricity"
    elif resource in ("copper_in_wastewater_kg", "cod_in_wastewater_kg"):
        pollutant = "cu" if resource.startswith("copper") else "cod"
        outlets = [o for o in year.wastewater.outlets if o.position == "before_treatment"]
        conc = getattr(outlets[0].concentrations, pollutant) if len(outlets) == 1 else None
        c = conc.canonical() if conc is not None else None
        v = year.wastewater.generated.canonical()
        value = c * v / 1000 if c is not None and v is not None else None  # mg/L x m3 = g; /1000 = kg
        path = f"years[{yi}].wastewater.outlets[before_treatment].concentrations.{pollutant}"
    elif resource == "hazardous_waste_t":
        qs = [w.quantity.canonical() for w in year.wastes if w.category == "hazardous"]
        value = sum((q for q in qs if q is not None), Decimal(0)) if qs and None not in qs else None
        path = f"years[{yi}].wastes[category=hazardous]"
    elif resource == "chemicals_t":
        qs = [c.quantity.canonical() for c in res.chemicals]
        value = sum((q for q in qs if q is not None), Decimal(0)) if qs and None not in qs else None
        path = f"years[{yi}].resources.chemicals"
    else:
        return None
    if value is None:
        out.missing.append(path)
    return value


def _stream_tonnage(year: YearData, yi: int, streams: list[str], out: Savings) -> Decimal | None:
    wastes = [w for w in year.wastes if w.stream in streams]
    if not wastes:
        out.missing.append(f"years[{yi}].wastes[stream in {streams}]")
        return None
    qs = [w.quantity.canonical() for w in wastes]
    if None in qs:
        out.missing.append(f"years[{yi}].wastes[stream in {streams}].quantity")
        return None
    return sum((q for q in qs if q is not None), Decimal(0))


def _rinse_flow(r: Decimal, n: int) -> Decimal:
    """Rinse flow per unit drag-out for n counter-current stages (options.md §4.2): Q(1) = r, Q(n) = r^(1/n) + 1/n."""
    if n <= 1:
        return r
    return Decimal(float(r) ** (1.0 / n)) + Decimal(1) / Decimal(n)


def _current_stages(answers: dict[str, Any]) -> int | None:
    kind = answers.get("q_rinse_type")
    stages = answers.get("q_rinse_stages")
    if kind in ("single_overflow", "parallel", "spray_once_through", "none"):
        return 1
    if kind == "counter_current" and isinstance(stages, int | Decimal) and not isinstance(stages, bool):
        return max(int(stages), 1)
    if isinstance(stages, int) and not isinstance(stages, bool) and kind is None:
        return max(stages, 1)
    return None


def estimate(kb: KnowledgeBase, si: SelfInspection, year: YearData, option: Option, steps: list[str]) -> Savings | None:
    """Savings of ``option`` recommended for ``steps`` (empty: plant-wide); None when it has no benefit model."""
    model: BenefitModel | None = option.benefit
    if model is None:
        return None
    yi = si.years.index(year)
    out = Savings()
    if model.kind == "resource_fraction":
        assert model.resource is not None and model.fraction is not None
        base = _plant_base(kb, year, yi, model.resource, out)
        lo, ce, hi = _param(out, "fraction", model.fraction)
        if base is not None:
            if model.scope == "steps" and steps:
                wet = wet_steps_run(kb, si) or steps
                share = Decimal(len([s for s in steps if s in wet] or steps)) / Decimal(len(wet))
                out.assumptions.append(
                    f"{model.resource} of the steps concerned taken as {len(steps)}/{len(wet)} of the plant's "
                    "(equal share of the wet lines run; no line meter reading)"
                )
                base = base * share
            out.add(model.resource, base * lo / 100, base * ce / 100, base * hi / 100)
            if model.resource == "fresh_water_m3":
                out.add("wastewater_m3", base * lo / 100, base * ce / 100, base * hi / 100)
                out.assumptions.append("the fresh water saved is also wastewater not generated")
    elif model.kind == "rinse_stages":
        assert model.dilution_ratio and model.rinse_share and model.target_stages
        water = _plant_base(kb, year, yi, "fresh_water_m3", out)
        r_lo, r_ce, r_hi = _param(out, "dilution_ratio", model.dilution_ratio)
        s_lo, s_ce, s_hi = _param(out, "rinse_share", model.rinse_share)
        wet = wet_steps_run(kb, si)
        answers = {f.step: dict(f.answers) for f in si.process if f.run}
        target = model.target_stages
        out.assumptions.append(
            f"rinse water = plant fresh water x rinse share, shared equally by the {len(wet)} wet lines run "
            "(no per-line meter reading)"
        )
        if water is not None and wet:
            for step in steps:
                n0 = _current_stages(answers.get(step, {}))
                if n0 is None:
                    out.missing.append(f"process[step={step}].answers.q_rinse_type / q_rinse_stages")
                    continue
                if n0 >= target:
                    continue
                per_line = water / Decimal(len(wet))

                def saved(r: Decimal, share: Decimal, n0: int = n0, per_line: Decimal = per_line) -> Decimal:
                    reduction = 1 - _rinse_flow(r, target) / _rinse_flow(r, n0)
                    return per_line * share / 100 * reduction

                low, central, high = saved(r_lo, s_lo), saved(r_ce, s_ce), saved(r_hi, s_hi)
                out.add("fresh_water_m3", low, central, high)
                out.add("wastewater_m3", low, central, high)
    elif model.kind == "waste_fraction":
        assert model.fraction is not None
        tonnage = _stream_tonnage(year, yi, model.streams, out)
        lo, ce, hi = _param(out, "fraction", model.fraction)
        if tonnage is not None:
            out.add("hazardous_waste_t", tonnage * lo / 100, tonnage * ce / 100, tonnage * hi / 100)
        if model.chemicals_fraction is not None:
            clo, cce, chi = _param(out, "chemicals_fraction", model.chemicals_fraction)
            if tonnage is not None:
                out.add("chemicals_t", tonnage * clo / 100, tonnage * cce / 100, tonnage * chi / 100)
                out.assumptions.append("chemicals no longer bought are taken in proportion to the spent liquor")
    elif model.kind == "copper_from_waste":
        assert model.recovery is not None
        wastes = [w for w in year.wastes if w.stream in model.streams]
        lo, ce, hi = _param(out, "recovery", model.recovery)
        copper = [w.copper_t.canonical() if w.copper_t is not None else None for w in wastes]
        if not wastes or None in copper:
            out.missing.append(
                f"years[{yi}].wastes[stream in {model.streams}].copper_t "
                "(copper contained, e.g. from recycler receipts)"
            )
        else:
            cu_kg = sum((c for c in copper if c is not None), Decimal(0)) * 1000
            out.add("copper_recovered_kg", cu_kg * lo / 100, cu_kg * ce / 100, cu_kg * hi / 100)
    elif model.kind == "per_output":
        assert model.resource is not None and model.saving is not None
        lo, ce, hi = _param(out, "saving", model.saving)
        scale = Decimal("0.001") if model.saving.unit == "L/m2" else Decimal(1)
        if model.resource in ("copper_in_wastewater_kg", "cod_in_wastewater_kg"):
            scale = Decimal("0.001")  # g/m2 -> kg
        routes = {r.id: {s for item in r.items for s in item.steps} for r in kb.routes.values()}
        area = Decimal(0)
        for pi, prod in enumerate(year.products):
            route_steps = set().union(
                *(
                    steps_
                    for rid, steps_ in routes.items()
                    if kb.routes[rid].rigidity == prod.rigidity and kb.routes[rid].construction == prod.construction
                )
            )
            if steps and not set(steps) & route_steps:
                continue
            output = prod.output.canonical()
            if output is None:
                out.missing.append(f"years[{yi}].products[{pi}].output")
                continue
            area += output
        out.assumptions.append("applies to the output of the board types whose route passes the steps concerned")
        out.add(model.resource, area * lo * scale, area * ce * scale, area * hi * scale)
        if model.resource == "fresh_water_m3":
            out.add("wastewater_m3", area * lo * scale, area * ce * scale, area * hi * scale)
            out.assumptions.append("the fresh water saved is also wastewater not generated")
    return out
