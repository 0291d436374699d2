"""Benefit models on water and the loads it carries: a share of a pool, the rinse re-built by the dilution relation
over its tank layout, and drag-out reduction (Q ∝ K at the same final-rinse concentration)."""

from __future__ import annotations

from decimal import Decimal

from engine.kb.options import BenefitModel, Option
from engine.plan.pools import PLANT, Pools
from engine.plan.rinse import flow_factor, layout_of
from engine.plan.savings import Savings, Triple
from engine.plan.savings import scale as _scale

__all__ = ["dragout", "pool_fraction", "rinse_layout", "target_lines"]


def target_lines(pools: Pools, option: Option, steps: list[str]) -> list[str]:
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
    out.add("fresh_water_m3", f"rinse:{step}", saved, base)
    out.add("wastewater_m3", f"rinse:{step}", saved, base)


def pool_fraction(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.fraction is not None and model.pool is not None
    f = out.param("fraction", model.fraction)
    yi = pools.yi
    if model.pool == "rinse_water":
        for step in target_lines(pools, option, steps):
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
            out.add("fresh_water_m3", PLANT, saved, pools.fresh_water, follows="wastewater_discharged_m3")
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
        lines = target_lines(pools, option, steps)
        share = cu / len(pools.wet) if pools.wet else cu
        for step in lines:
            recovered = _scale((share, share, share), f)
            out.add("copper_in_wastewater_kg", f"cu:{step}", recovered, share)
            out.add("copper_recovered_kg", f"cu:{step}", recovered, share, follows="copper_in_wastewater_kg")
        out.assumptions.append(
            f"copper of each line taken as 1/{len(pools.wet) or 1} of the raw wastewater's copper (equal share of the "
            "wet lines run); what is recovered as metal no longer reaches the wastewater"
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
        targets = target_lines(pools, option, steps)
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
    elif model.pool == "voc_in_materials":
        total = pools.voc_in_materials()
        if total is None:
            out.need(f"years[{yi}].resources.chemicals[category=ink].voc_content")
            return
        out.add("voc_emitted_kg", "voc:materials", _scale((total, total, total), f), total)
        out.assumptions.append(
            f"VOCs carried by the materials: {total:.0f} kg/a (quantity x VOCs content of the safety data sheets)"
        )
    elif model.pool == "ink_solids":
        solids = pools.ink_solids()
        if solids is None:
            out.need(f"years[{yi}].resources.chemicals[category=ink].voc_content")
            return
        out.add("voc_emitted_kg", "voc:final_bake", _scale((solids, solids, solids), f), solids)
        out.assumptions.append(
            f"ink solids {solids:.0f} kg/a (inks less their VOCs content), all counted as mask cured: an upper bound"
        )
    elif model.pool == "stream":
        total = pools.stream(model.streams)
        if total is None:
            out.need(f"years[{yi}].wastes[stream in {model.streams}].quantity")
            return
        pool = "stream:" + "+".join(model.streams)
        out.add("hazardous_waste_t", pool, _scale((total, total, total), f), total)


def rinse_layout(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.dilution_ratio is not None and model.target_layout
    r = out.param("dilution_ratio", model.dilution_ratio)
    for step in target_lines(pools, option, steps):
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


def dragout(pools: Pools, option: Option, model: BenefitModel, steps: list[str], out: Savings) -> None:
    assert model.reduction is not None
    f = out.param("reduction", model.reduction)
    targets = target_lines(pools, option, steps)
    cu = pools.raw_load("cu")
    for step in targets:
        base = _rinse_water(pools, out, step)
        if base is not None:
            _add_rinse(out, step, _scale(base, f), base)
        if cu is not None and pools.wet:
            share = cu / len(pools.wet)
            out.add("copper_in_wastewater_kg", f"cu:{step}", _scale((share, share, share), f), share)
    if cu is None:
        out.need(f"years[{pools.yi}].wastewater.outlets[before_treatment].concentrations.cu")
    else:
        out.assumptions.append(
            "at the same final-rinse concentration the rinse flow falls with the drag-out (Q ∝ K), and so does the "
            "copper dragged into the rinse water; the raw wastewater's copper is shared equally by the wet lines run"
        )
