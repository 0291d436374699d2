"""Indicator instances: the value of each indicator of a benchmark set for one enterprise and year.

Per-board-type indicators become one instance per product line when the plant reports the line's own
consumption, one instance for a single-product plant, and otherwise one plant-wide instance compared with the
output-weighted benchmark (Σ share × threshold), because consumption is not metered per board type.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.evaluate.copper import copper_recovery
from engine.evaluate.result import Computed, Input, LevelThreshold
from engine.exact import Fraction
from engine.intake.model import Outlet, Product, SelfInspection, YearData
from engine.intake.quantities import PER_PRODUCT, read_quantity
from engine.kb import models as m
from engine.kb.loader import KnowledgeBase

__all__ = ["Computed", "compute_value", "effective_thresholds", "grid_factor", "plant_value", "product_lines"]


def _read(year: YearData, yi: int, name: str, product: tuple[int, Product] | None, out: Computed) -> Decimal | None:
    reading = read_quantity(year, yi, name, product)
    if reading is None:  # pragma: no cover - callers only ask product lines for names they report
        out.missing.append(f"years[{yi}]: {name}")
        return None
    out.inputs.append(Input(reading.name, reading.value, reading.unit, reading.path))
    if reading.value is None:
        out.missing.append(reading.path)
    return reading.value


def grid_factor(kb: KnowledgeBase, param_id: str, region: str, year: int) -> tuple[m.ParameterValue | None, str]:
    """The regional factor in force at the end of ``year`` (latest ``valid_from`` on or before 31 December).

    When none was yet published by then, the earliest published factor is used and the returned note says so.
    """
    param = kb.parameters[param_id]
    end = dt.date(year, 12, 31)
    regional = [v for v in param.values if v.key.get("region") == region and v.key.get("basis") == "average"]
    in_force = [v for v in regional if v.valid_from <= end]
    if in_force:
        return max(in_force, key=lambda v: v.valid_from), ""
    if regional:
        earliest = min(regional, key=lambda v: v.valid_from)
        return earliest, (
            f"no {param_id} for region {region} was in force at the end of {year}; the earliest published one "
            f"(data year {earliest.data_year}, published {earliest.valid_from}) is used"
        )
    return None, f"no {param_id} for region {region} in the knowledge base"


def _concentration(
    yi: int, oi: int, outlet: Outlet, compute: m.PollutantPerOutput, out: Computed
) -> tuple[str, Decimal | None]:
    """The outlet's concentration by the indicator's statistic, with where it was read and how it was made."""
    reading = outlet.reading(compute.pollutant, compute.statistic)
    if reading.samples:
        out.notes.append(f"{outlet.name} {compute.pollutant}: {reading.note}")
        return f"years[{yi}].wastewater.outlets[{oi}].samples[pollutant={compute.pollutant}]", reading.value
    return f"years[{yi}].wastewater.outlets[{oi}].concentrations.{compute.pollutant}", reading.value


def _pollutant(
    year: YearData, yi: int, compute: m.PollutantPerOutput, product: tuple[int, Product] | None, out: Computed
) -> Decimal | None:
    position = "before_treatment" if compute.stage == "generated" else "discharge"
    outlets = [(i, o) for i, o in enumerate(year.wastewater.outlets) if o.position == position]
    if not outlets:
        out.missing.append(f"years[{yi}].wastewater.outlets[position={position}].concentrations.{compute.pollutant}")
        return None
    load = Decimal(0)
    if len(outlets) == 1:
        oi, outlet = outlets[0]
        cpath, cval = _concentration(yi, oi, outlet, compute, out)
        out.inputs.append(Input(f"{compute.pollutant}_mg_per_l", cval, "mg/L", cpath))
        if product is not None:
            pi, prod = product
            volume = prod.wastewater.canonical() if prod.wastewater else None
            vpath = f"years[{yi}].products[{pi}].wastewater"
        elif compute.stage == "generated":
            volume = year.wastewater.generated.canonical()
            vpath = f"years[{yi}].wastewater.generated"
        else:
            volume = year.wastewater.discharged.canonical() if year.wastewater.discharged else None
            vpath = f"years[{yi}].wastewater.discharged"
        out.inputs.append(Input("wastewater_m3", volume, "m3", vpath))
        if cval is None:
            out.missing.append(cpath)
        if volume is None:
            out.missing.append(vpath)
        if cval is None or volume is None:
            return None
        return cval * volume
    if product is not None:
        out.notes.append("several outlets at this position: the load cannot be split by product line")
        return None
    for oi, outlet in outlets:
        cpath, cval = _concentration(yi, oi, outlet, compute, out)
        vpath = f"years[{yi}].wastewater.outlets[{oi}].volume"
        vol = outlet.volume.canonical() if outlet.volume is not None else None
        out.inputs.append(Input(f"{compute.pollutant}_mg_per_l", cval, "mg/L", cpath))
        out.inputs.append(Input("outlet_volume_m3", vol, "m3", vpath))
        if cval is None:
            out.missing.append(cpath)
        if vol is None:
            out.missing.append(vpath)
        if cval is None or vol is None:
            return None
        load += cval * vol
    return load


def compute_value(
    kb: KnowledgeBase,
    si: SelfInspection,
    year: YearData,
    ind: m.Indicator,
    product: tuple[int, Product] | None = None,
    factor_year: int | None = None,
) -> Computed:
    """The indicator's value for the plant (``product`` None) or one product line; None when inputs are missing.

    ``factor_year`` chooses the grid factor (default: the year's own); a trend over several years uses the
    evaluated year's factor for every year, so that it shows the plant's change, not the grid's.
    """
    yi = si.index_of(year)
    out = Computed(None)
    comp = ind.compute
    if isinstance(comp, m.PerOutput):
        num = _read(year, yi, comp.quantity, product, out)
        den = _read(year, yi, "output_m2", product, out)
        if num is not None and den:
            out.value = num / den
    elif isinstance(comp, m.PollutantPerOutput):
        grams = _pollutant(year, yi, comp, product, out)
        den = _read(year, yi, "output_m2", product, out)
        if grams is not None and den:
            out.value = grams / den
    elif isinstance(comp, m.Ratio):
        nums = [_read(year, yi, q, product, out) for q in comp.numerator]
        dens = [_read(year, yi, q, product, out) for q in comp.denominator]
        if all(v is not None for v in nums + dens):
            numerator = sum((v for v in nums if v is not None), Decimal(0))
            denominator = sum((v for v in dens if v is not None), Decimal(0))
            if denominator:
                out.value = numerator / denominator * 100
    elif isinstance(comp, m.WasteRatio):
        out.value = _waste_ratio(kb, year, yi, comp, out)
    elif isinstance(comp, m.CopperBalance):
        out = copper_recovery(kb, si, year, comp)
    elif isinstance(comp, m.CarbonPerOutputValue):
        kwh = _read(year, yi, "electricity_kwh", None, out)
        value_path = f"years[{yi}].output_value"
        output_value = year.output_value.canonical() if year.output_value else None
        out.inputs.append(Input("output_value_10k_cny", output_value, "10^4CNY", value_path))
        if output_value is None:
            out.missing.append(value_path)
        factor, note = grid_factor(kb, comp.grid_factor, si.enterprise.grid_region, factor_year or year.year)
        if note:
            out.notes.append(note)
        if factor is not None:
            out.parameters.append(
                {
                    "parameter": comp.grid_factor,
                    "key": dict(factor.key),
                    "value": float(factor.value),
                    "unit": kb.parameters[comp.grid_factor].unit,
                    "valid_from": factor.valid_from.isoformat(),
                    "data_year": factor.data_year,
                    "source": factor.source,
                    "grade": factor.grade.value,
                }
            )
        if kwh is not None and output_value and factor is not None:
            # kWh x kgCO2/kWh = kg; / 1000 = t
            out.value = kwh * factor.value / Decimal(1000) / output_value
    return out


def _waste_ratio(kb: KnowledgeBase, year: YearData, yi: int, comp: m.WasteRatio, out: Computed) -> Decimal | None:
    total = Decimal(0)
    recovered = Decimal(0)
    counted = 0
    for wi, waste in enumerate(year.wastes):
        if comp.streams and waste.stream not in comp.streams:
            continue
        if comp.category is not None and waste.category != comp.category:
            continue
        path = f"years[{yi}].wastes[{wi}].quantity"
        qty = waste.quantity.canonical()
        out.inputs.append(Input(f"{waste.label}->{waste.destination}", qty, "t", path))
        if qty is None:
            out.missing.append(path)
            return None
        if waste.unknown_destination:
            # used or not is what the destination says: an unknown one leaves the rate unknown, not recycled
            out.missing.append(f"years[{yi}].wastes[{wi}].destination")
            return None
        counted += 1
        total += qty
        if kb.destinations[waste.destination].kind in comp.recovered_destination_kinds:
            recovered += qty
    if counted == 0:
        what = ", ".join(comp.streams) if comp.streams else f"{comp.category} waste"
        out.missing.append(f"years[{yi}].wastes[] ({what})")
        return None
    if total == 0:
        return None
    return recovered / total * 100


def plant_value(kb: KnowledgeBase, si: SelfInspection, year: YearData, ind: m.Indicator) -> Decimal | None:
    return compute_value(kb, si, year, ind).value


def product_lines(ind: m.Indicator, year: YearData) -> bool:
    """Whether every product line of the year reports its own inputs for this indicator."""
    comp = ind.compute
    names: list[str] = []
    if isinstance(comp, m.PerOutput):
        names = [comp.quantity]
    elif isinstance(comp, m.Ratio):
        names = [*comp.numerator, *comp.denominator]
    elif isinstance(comp, m.PollutantPerOutput):
        names = ["wastewater_m3"]
    else:
        return False
    if any(n not in PER_PRODUCT for n in names):
        return False
    # a product line reports a quantity when read_quantity finds it on the line (None: not reported)
    return all(
        read_quantity(year, 0, n, (pi, prod)) is not None for pi, prod in enumerate(year.products) for n in names
    )
    return True


Effective = list[tuple[str, Decimal, Decimal, m.ThresholdCell]]  # (level, effective, transcribed, cell) per level


def effective_thresholds(row: m.ThresholdRow, levels: list[str], direction: str, n: int) -> Effective:
    """(level, effective, transcribed, cell) strictest first; effective applies the nested envelope.

    A value that reaches a stricter level also counts for the looser ones, so the effective threshold of a level
    is the loosest of it and every stricter level. On monotone rows this changes nothing.
    """
    out = []
    envelope: Decimal | None = None
    for level in levels:
        cell = row.levels[level]
        value = cell.expr.at(n)
        if envelope is None:
            envelope = value
        elif direction == "lower_is_better":
            envelope = max(envelope, value)
        else:
            envelope = min(envelope, value)
        out.append((level, envelope, value, cell))
    return out


def mix_thresholds(
    rows: list[tuple[Fraction, Effective]], levels: list[str]
) -> list[tuple[str, Decimal, Decimal, list[m.ThresholdCell]]]:
    """Output-weighted benchmark: Σ share_i × effective threshold_i, per level (exact); ``rows``: each board type's
    output share with its row's :func:`effective_thresholds`."""
    result = []
    for idx, level in enumerate(levels):
        eff = Fraction(0)
        raw = Fraction(0)
        cells = []
        for share, entries in rows:
            level_, e, t, cell = entries[idx]
            assert level_ == level
            eff += share * Fraction(e)
            raw += share * Fraction(t)
            cells.append(cell)
        result.append((level, _dec(eff), _dec(raw), cells))
    return result


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def threshold_infos(
    entries: list[tuple[str, Decimal, Decimal, m.ThresholdCell]], direction: str
) -> list[LevelThreshold]:
    comparison = "<=" if direction == "lower_is_better" else ">="
    return [
        LevelThreshold(level, eff, raw, str(cell.expr), cell.source, cell.grade.value, comparison, cell.note)
        for level, eff, raw, cell in entries
    ]
