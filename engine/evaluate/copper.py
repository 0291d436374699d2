"""The copper recovery rate from the plant's copper balance: copper recovered ÷ copper entering production × 100.

Copper entering = laminate copper + plating copper (the inputs of a PCB copper balance: laminate foil,
electroplated and electroless copper, knowledge_base/sources FZKA_5854). The laminate copper is given in tonnes or
computed from the laminate and foil put in (area × nominal copper per m² of each clad side); plating copper is
given in tonnes, and is zero when no plating step is run. Copper recovered is the plant's own figure when it
gives one, else the copper contained in the wastes sent to the recovery destinations. A missing input leaves the
value unknown (insufficient data); nothing is assumed in its place.
"""

from __future__ import annotations

from decimal import Decimal

from engine.evaluate.result import Computed, Input
from engine.intake.model import SelfInspection, YearData
from engine.kb import models as m
from engine.kb.loader import KnowledgeBase

__all__ = ["copper_recovery"]

_GRAMS_PER_TONNE = Decimal(1_000_000)  # unit definition


def _laminate(year: YearData, yi: int, comp: m.CopperBalance, out: Computed) -> Decimal | None:
    cin = year.copper_input
    base = f"years[{yi}].copper_input"
    if cin is not None and cin.laminate is not None:
        value = cin.laminate.canonical()
        out.inputs.append(Input("laminate_copper_t", value, "t", f"{base}.laminate"))
        if value is None:
            out.missing.append(f"{base}.laminate")
        return value
    ok = True
    ccl = year.resources.ccl_input.canonical() if year.resources.ccl_input else None
    out.inputs.append(Input("ccl_input_m2", ccl, "m2", f"years[{yi}].resources.ccl_input"))
    if ccl is None:
        out.missing.append(f"years[{yi}].resources.ccl_input")
        ok = False
    sides = [w.canonical() for w in cin.ccl_foil] if cin is not None else []
    for si_, grams in enumerate(sides):
        out.inputs.append(Input(f"ccl_foil_side_{si_ + 1}_g_per_m2", grams, "g/m2", f"{base}.ccl_foil[{si_}]"))
    if not sides or any(g is None for g in sides):
        out.missing.append(f"{base}.ccl_foil" if not sides else f"{base}.ccl_foil[]")
        ok = False
    foil_grams = Decimal(0)
    laminated = [p.board_key for p in year.products if p.construction in comp.laminated_constructions]
    area = cin.lamination_foil_area.canonical() if cin is not None and cin.lamination_foil_area else None
    weight = cin.lamination_foil.canonical() if cin is not None and cin.lamination_foil else None
    given = cin is not None and cin.lamination_foil_area is not None
    if given:
        out.inputs.append(Input("lamination_foil_m2", area, "m2", f"{base}.lamination_foil_area"))
        if cin is not None and cin.lamination_foil is not None:
            out.inputs.append(Input("lamination_foil_g_per_m2", weight, "g/m2", f"{base}.lamination_foil"))
        if area is None:
            out.missing.append(f"{base}.lamination_foil_area")
            ok = False
        elif area and weight is None:
            out.missing.append(f"{base}.lamination_foil")
            ok = False
        elif area and weight is not None:
            foil_grams = area * weight
    elif laminated:
        out.missing.append(f"{base}.lamination_foil_area")
        out.notes.append(
            f"{', '.join(laminated)} boards are laminated: the copper foil put into lamination is part of the copper "
            "entering (give lamination_foil_area and lamination_foil, 0 if none)"
        )
        ok = False
    if not ok or ccl is None:
        return None
    grams = ccl * sum((g for g in sides if g is not None), Decimal(0)) + foil_grams
    return grams / _GRAMS_PER_TONNE


def _plating(
    kb: KnowledgeBase, si: SelfInspection, year: YearData, yi: int, comp: m.CopperBalance, out: Computed
) -> Decimal | None:
    path = f"years[{yi}].copper_input.plating"
    cin = year.copper_input
    if cin is not None and cin.plating is not None:
        value = cin.plating.canonical()
        out.inputs.append(Input("plating_copper_t", value, "t", path))
        if value is None:
            out.missing.append(path)
        return value
    plating_steps = sorted(
        f.step for f in si.process if f.run and f.step in kb.steps and kb.steps[f.step].family in comp.plating_families
    )
    if plating_steps:
        out.missing.append(path)
        out.notes.append(f"plating steps are run ({', '.join(plating_steps)}): the plating copper bought is needed")
        return None
    out.notes.append(f"no step of {', '.join(comp.plating_families)} is run: no plating copper enters")
    return Decimal(0)


def _recovered(kb: KnowledgeBase, year: YearData, yi: int, comp: m.CopperBalance, out: Computed) -> Decimal | None:
    if year.copper_recovered is not None:
        value = year.copper_recovered.canonical()
        out.inputs.append(Input("copper_recovered_t", value, "t", f"years[{yi}].copper_recovered"))
        if value is None:
            out.missing.append(f"years[{yi}].copper_recovered")
        return value
    total = Decimal(0)
    seen = False
    complete = True
    for wi, waste in enumerate(year.wastes):
        copper_stream = waste.stream in comp.copper_streams
        seen = seen or copper_stream
        if waste.unknown_destination:
            if copper_stream or waste.copper_t is not None:
                # recovered or not is what the destination says: without it the copper recovered is not known
                path = f"years[{yi}].wastes[{wi}].destination"
                out.inputs.append(Input(f"{waste.label}->unknown destination", None, "t", path))
                out.missing.append(path)
                complete = False
            continue
        if kb.destinations[waste.destination].kind not in comp.recovered_destination_kinds:
            continue
        if waste.copper_t is None and not copper_stream:
            continue
        path = f"years[{yi}].wastes[{wi}].copper_t"
        value = waste.copper_t.canonical() if waste.copper_t is not None else None
        out.inputs.append(Input(f"{waste.stream}->{waste.destination} copper", value, "t", path))
        if value is None:
            out.missing.append(path)
            complete = False
        else:
            total += value
            seen = True
    if not seen:
        out.missing.append(f"years[{yi}].copper_recovered")
        return None
    if not complete:
        return None
    out.notes.append("copper recovered = the copper contained in the wastes sent to recovery (no plant figure given)")
    return total


def copper_recovery(kb: KnowledgeBase, si: SelfInspection, year: YearData, comp: m.CopperBalance) -> Computed:
    """Copper recovered ÷ copper entering × 100 (%), with every input read; None when one is missing."""
    yi = si.index_of(year)
    out = Computed(None)
    recovered = _recovered(kb, year, yi, comp, out)
    laminate = _laminate(year, yi, comp, out)
    plating = _plating(kb, si, year, yi, comp, out)
    if recovered is None or laminate is None or plating is None:
        return out
    entering = laminate + plating
    out.notes.append(
        f"copper entering = laminate {_t(laminate)} t + plating {_t(plating)} t = {_t(entering)} t; "
        f"copper recovered {_t(recovered)} t"
    )
    if not entering:
        out.notes.append("no copper entering: the rate is undefined")
        return out
    out.value = recovered / entering * 100
    if recovered > entering:
        out.notes.append("more copper recovered than entered: check the copper figures (stock changes?)")
    return out


def _t(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001')).normalize():f}"
