"""Benefit models on waste streams and metals: on-site recovery of a reported stream (waste avoided, make-up
avoided, copper recovered from the copper it contains, electricity consumed), sludge drying by mass balance,
diversion from disposal, and a discharged pollutant brought to an endpoint."""

from __future__ import annotations

from decimal import Decimal

from engine.kb.options import BenefitModel, Option
from engine.plan.pools import Pools
from engine.plan.savings import Savings, Triple
from engine.plan.savings import scale as _scale

__all__ = ["copper_contained", "diversion", "effluent_endpoint", "sludge_drying", "stream_recovery"]


def stream_recovery(pools: Pools, option: Option, model: BenefitModel, out: Savings) -> None:
    yi = pools.yi
    tonnage = pools.stream(model.streams)
    pool = "stream:" + "+".join(model.streams)
    if tonnage is None:
        out.need(f"years[{yi}].wastes[stream in {model.streams}].quantity")
        return
    treatment = {d.id for d in pools.kb.destinations.values() if d.kind == "treatment"}
    treated = sum(
        (
            w.quantity.canonical() or Decimal(0)
            for w in pools.year.wastes
            if w.stream in model.streams and w.destination in treatment
        ),
        Decimal(0),
    )
    shipped = tonnage - treated  # what leaves as a waste today; what is dumped into the treatment plant does not
    t3 = (tonnage, tonnage, tonnage)
    if model.waste_avoided is not None and shipped > 0:
        s3 = (shipped, shipped, shipped)
        out.add("hazardous_waste_t", pool, _scale(s3, out.param("waste_avoided", model.waste_avoided)), shipped)
    if treated:
        out.assumptions.append(
            f"{treated} t of it goes to the plant's own treatment today: no waste shipment is avoided for it, but the "
            "copper recovered from it no longer reaches the wastewater"
        )
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
        contained = copper_contained(pools, model.streams, tonnage, out)
        if contained is None:
            out.need(f"years[{yi}].wastes[stream in {model.streams}].copper_t")
            return
        cu_kg = contained
    recovered = _scale(cu_kg, rec)
    out.add("copper_recovered_kg", "copper:" + pool, recovered, cu_kg)
    if treated:
        share = treated / tonnage
        moved = (recovered[0] * share, recovered[1] * share, recovered[2] * share)
        out.add("copper_in_wastewater_kg", "cu:" + pool, moved, pools.raw_load("cu"))
    if model.electricity_per_kg_copper is not None:
        e = out.param("electricity_per_kg_copper", model.electricity_per_kg_copper)
        used = (-recovered[0] * e[0], -recovered[1] * e[1], -recovered[2] * e[2])
        out.add("electricity_kwh", "added:" + option.id, used)
        out.assumptions.append("electrowinning consumes electricity per kg of copper recovered (a negative saving)")


def copper_contained(pools: Pools, streams: list[str], tonnage: Decimal, out: Savings) -> Triple | None:
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


def sludge_drying(pools: Pools, model: BenefitModel, out: Savings) -> None:
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


def diversion(pools: Pools, model: BenefitModel, out: Savings) -> None:
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
            contained = copper_contained(pools, [sid], disposed, out)
            if contained is not None:
                rec = out.param("copper_recovery", model.copper_recovery)
                out.add("copper_to_recycler_kg", f"copper:disposal:{sid}", _scale(contained, rec), contained)
    if out.parts:
        out.assumptions.append("only the tonnage now sent to landfill or incineration counts as diverted")


def effluent_endpoint(pools: Pools, model: BenefitModel, out: Savings) -> None:
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
