"""Effluent facts: one per pollutant measured at an effluent outlet (workshop or main outlet) in the evaluated year,
compared with the GB 21900-2008 tables and the plant's permit limits where the standard monitors that pollutant.

Which limit binds (``limit``): the strictest of the permit's limit and the stated table's; when the plant states
no table, Table 2 (the standard's general limit) and, unless the permit gives a limit for the pollutant, Table 3
(``limit_assumed``: it binds only where the authority designates Table 3). The rules (rules/compliance.yaml) say
which comparison holds where; every limit read is listed with its source and grade for the trace. Numbers are
Decimals here; engine/inference/facts.py makes them durable_rules-safe floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.intake.model import Concentration, Outlet, SelfInspection, Wastewater
from engine.intake.monitoring import Reduced
from engine.kb.effluent import OUTLET_POSITIONS, EffluentPollutant, EffluentStandard, limit_in_force
from engine.kb.loader import KnowledgeBase

__all__ = ["GB21900", "EffluentFact", "effluent_facts"]

GB21900 = "gb21900_2008"  # the effluent standard Wastewater.gb21900_table names a table of


@dataclass(frozen=True)
class EffluentFact:
    fact: dict[str, Any]
    inputs: list[dict[str, Any]]
    parameters: list[dict[str, Any]]


@dataclass(frozen=True)
class _Limit:
    basis: str  # "permit", "table2" or "table3"
    value: Decimal
    source: str
    grade: str
    assumed: bool


def _compare(fact: dict[str, Any], suffix: str, value: Decimal, limit: Decimal) -> None:
    fact[f"limit{suffix}"] = limit
    fact[f"ratio_to{suffix or '_limit'}"] = value / limit
    fact[f"margin{suffix}"] = value - limit


def _permit_limit(ww: Wastewater, pollutant: str) -> Decimal | None:
    if ww.permit_limits is None:
        return None
    conc: Concentration | None = getattr(ww.permit_limits, pollutant)
    return conc.canonical() if conc is not None else None


def _one(
    kb: KnowledgeBase,
    std: EffluentStandard,
    pol: EffluentPollutant,
    year: int,
    path: str,
    ww: Wastewater,
    oi: int,
    outlet: Outlet,
    reading: Reduced,
) -> EffluentFact:
    assert reading.value is not None
    value = reading.value
    fact: dict[str, Any] = {
        "type": "effluent",
        "id": f"effluent:{oi}:{pol.pollutant}",
        "year": year,
        "outlet": outlet.name,
        "outlet_index": oi,
        "position": outlet.position,
        "pollutant": pol.pollutant,
        "class_i": pol.class_i,
        "applies_at": pol.applies_at,
        "value": value,
        "compared": outlet.position == pol.applies_at,
    }
    inputs: list[dict[str, Any]]
    if reading.samples:
        fact.update(statistic=reading.statistic, samples=reading.samples, upper_bound=reading.upper_bound)
        inputs = [
            {"path": f"{path}.outlets[{oi}].samples[{si}]", "value": s.text()}
            for si, s in enumerate(outlet.samples)
            if s.pollutant == pol.pollutant
        ]
    else:
        inputs = [{"path": f"{path}.outlets[{oi}].concentrations.{pol.pollutant}", "value": value}]
    parameters: list[dict[str, Any]] = [
        {
            "name": f"{std.name.en}: where {pol.name.en} is monitored",
            "name_zh": f"{std.name.zh}：{pol.name.zh}的监测位置",
            "value": pol.applies_at,
            "unit": None,
            "source": pol.source,
            "grade": pol.grade.value,
        }
    ]
    if ww.discharge_route is not None:
        fact["discharge_route"] = ww.discharge_route
    if ww.gb21900_table is not None:
        fact["table"] = ww.gb21900_table
        inputs.append({"path": f"{path}.gb21900_table", "value": ww.gb21900_table})
    if not fact["compared"]:
        return EffluentFact(fact, inputs, parameters)
    candidates: list[_Limit] = []
    permit = _permit_limit(ww, pol.pollutant)
    if permit is not None and permit > 0:
        _compare(fact, "_permit", value, permit)
        candidates.append(_Limit("permit", permit, "permit", "", False))
        inputs.append({"path": f"{path}.permit_limits.{pol.pollutant}", "value": permit})
        if ww.permit_limits is not None and ww.permit_limits.permit_number:
            fact["permit_number"] = ww.permit_limits.permit_number
    for table in std.tables:
        limit = limit_in_force(kb, table, pol.pollutant, year)
        if limit is None:
            continue
        _compare(fact, f"_{table.id}", value, limit.value)
        parameters.append(
            {
                "name": f"{table.name.en}: {pol.name.en}",
                "name_zh": f"{table.name.zh}：{pol.name.zh}",
                "value": float(limit.value),
                "unit": "mg/L",
                "source": limit.source,
                "grade": limit.grade.value,
                "valid_from": limit.valid_from.isoformat(),
            }
        )
        stated = ww.gb21900_table
        # a stated table binds alone; unstated, Table 2 always and Table 3 unless the permit gives the limit
        binds = (table.id == stated) if stated else (table.id == "table2" or permit is None)
        if binds:
            assumed = stated is None and table.id != "table2"
            candidates.append(_Limit(table.id, limit.value, limit.source, limit.grade.value, assumed))
    if candidates:
        binding = min(candidates, key=lambda c: c.value)  # the first of equal limits: the permit's, then Table 2
        _compare(fact, "", value, binding.value)
        fact["limit_basis"] = binding.basis
        fact["limit_assumed"] = binding.assumed
        fact["limit_source"] = binding.source
        if binding.grade:
            fact["limit_grade"] = binding.grade
        if reading.upper_bound and value > binding.value:
            _undetermined(fact)
    return EffluentFact(fact, inputs, parameters)


def _undetermined(fact: dict[str, Any]) -> None:
    """A bound above the limit (not detected with a detection limit above it, or "≤ x" with x above it) says
    nothing about compliance: the comparisons are taken out and the fact says so."""
    for key in [k for k in fact if k.startswith(("limit", "ratio_to", "margin"))]:
        del fact[key]
    fact["limit_undetermined"] = True


def effluent_facts(kb: KnowledgeBase, si: SelfInspection, year: int) -> list[EffluentFact]:
    """The effluent facts of ``year``; none when the knowledge base holds no GB 21900 record."""
    std = kb.effluent_standards.get(GB21900)
    if std is None:
        return []
    yi = si.index_of(si.year(year))
    ww = si.year(year).wastewater
    path = f"years[{yi}].wastewater"
    out = []
    for oi, outlet in enumerate(ww.outlets):
        if outlet.position not in OUTLET_POSITIONS:
            continue
        for pol in std.pollutants:
            reading = outlet.reading(pol.pollutant, std.sample_statistic)
            if reading.value is None:
                continue
            out.append(_one(kb, std, pol, year, path, ww, oi, outlet, reading))
    return out
