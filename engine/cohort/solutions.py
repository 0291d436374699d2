"""Common and individual solutions, counted by measure code, with the cohort's aggregate quantified potential.

Every figure is a sum of each plan's *in-plan* savings (``savings_in_plan``: the option's share of what the
options before it left, never above the plant's base), never of an option's stand-alone savings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.cohort.members import Member, options_of

if TYPE_CHECKING:
    from engine.kb.cohortpolicy import CohortPolicy

__all__ = ["POTENTIAL_STREAMS", "plan_totals", "solutions"]

# The streams the overall audit reports first (water, wastewater, electricity, copper, COD, hazardous waste, CO2);
# any other stream a plan quantifies follows in name order.
POTENTIAL_STREAMS = (
    "fresh_water_m3",
    "wastewater_m3",
    "electricity_kwh",
    "copper_recovered_kg",
    "copper_in_wastewater_kg",
    "copper_discharged_kg",
    "cod_in_wastewater_kg",
    "hazardous_waste_t",
    "co2_t",
)
_CASES = ("low", "central", "high")
_EMPTY = dict.fromkeys(_CASES)


def _order(streams: set[str]) -> list[str]:
    return [s for s in POTENTIAL_STREAMS if s in streams] + sorted(streams - set(POTENTIAL_STREAMS))


def _add(into: dict[str, Any], amount: dict[str, Any]) -> None:
    for case in _CASES:
        if amount.get(case) is not None:
            into[case] = round((into.get(case) or 0.0) + float(amount[case]), 6)


def _sum_block(options: Sequence[tuple[str, dict[str, Any]]], n_plants: int) -> dict[str, Any]:
    streams: dict[str, dict[str, Any]] = {}
    plants: dict[str, set[str]] = {}
    money: dict[str, Any] = {"unit": "CNY/a", **_EMPTY}
    money_plants: set[str] = set()
    investment: dict[str, Any] = {"unit": "CNY", **_EMPTY}
    invest_plants: set[str] = set()
    for eid, opt in options:
        for stream, amount in (opt.get("savings_in_plan") or {}).items():
            entry = streams.setdefault(stream, {"unit": amount.get("unit"), **_EMPTY})
            _add(entry, amount)
            plants.setdefault(stream, set()).add(eid)
        m = opt.get("money") or {}
        if m.get("central") is not None:
            _add(money, m)
            money_plants.add(eid)
        inv = opt.get("investment")
        if isinstance(inv, dict) and inv.get("central") is not None:
            _add(investment, inv)
            invest_plants.add(eid)
    totals = {s: {**streams[s], "plants_quantified": len(plants[s])} for s in _order(set(streams))}
    return {
        "totals": totals,
        "money": {
            **money,
            "plants_quantified": len(money_plants),
            "plants_not_quantified": n_plants - len(money_plants),
        },
        "investment": {
            **investment,
            "plants_priced": len(invest_plants),
            "plants_not_priced": n_plants - len(invest_plants),
        },
    }


def solutions(members: Sequence[Member], policy: CohortPolicy) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(common, individual) solutions: one row per measure code, with the enterprises it is recommended to and the
    sum of their plans' in-plan savings."""
    from engine.cohort.overall import is_common

    n = len(members)
    codes: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for m in members:
        for opt in options_of(m.plan):
            code = opt.get("measure_code") or f"option:{opt.get('option_id')}"
            codes.setdefault(code, []).append((m.enterprise_id, opt))
    common: list[dict[str, Any]] = []
    individual: list[dict[str, Any]] = []
    for code, rows in sorted(codes.items(), key=lambda kv: (-len({e for e, _ in kv[1]}), kv[0])):
        enterprises = sorted({e for e, _ in rows})
        quantified = sorted({e for e, o in rows if o.get("quantified") and o.get("savings_in_plan")})
        first = rows[0][1]
        item = {
            "measure_code": code,
            "options": sorted({str(o.get("option_id")) for _, o in rows}),
            "name": first.get("name"),
            "category": first.get("category"),
            "cost_class": first.get("cost_class"),
            "count": len(enterprises),
            "share": round(100 * len(enterprises) / n, 1) if n else 0.0,
            "enterprises": enterprises,
            "plants_quantified": len(quantified),
            "plants_not_quantified": len(enterprises) - len(quantified),
            **_sum_block(rows, len(enterprises)),
        }
        (common if is_common(len(enterprises), n, policy.common_share) else individual).append(item)
    return common, individual


def plan_totals(members: Sequence[Member]) -> dict[str, Any]:
    """The cohort's potential: the sum of each plan's ``totals`` (its options combined, never above its base)."""
    n = len(members)
    streams: dict[str, dict[str, Any]] = {}
    money: dict[str, Any] = {"unit": "CNY/a", **_EMPTY}
    investment: dict[str, Any] = {"unit": "CNY", **_EMPTY}
    money_plants = invest_plants = 0
    for m in members:
        totals = m.plan.get("totals") or {}
        for stream, amount in totals.items():
            if stream in {"money", "investment", "method"} or not isinstance(amount, dict):
                continue
            entry = streams.setdefault(
                stream, {"unit": amount.get("unit"), **_EMPTY, "base": 0.0, "plants_quantified": 0}
            )
            _add(entry, amount)
            entry["plants_quantified"] += 1
            if amount.get("base") is None:
                entry["base"] = None
            elif entry["base"] is not None:
                entry["base"] = round(entry["base"] + float(amount["base"]), 6)
        if (totals.get("money") or {}).get("central") is not None:
            _add(money, totals["money"])
            money_plants += 1
        if (totals.get("investment") or {}).get("central") is not None:
            _add(investment, totals["investment"])
            invest_plants += 1
    out: dict[str, Any] = {}
    for stream in _order(set(streams)):
        entry = streams[stream]
        base = entry["base"]
        entry["share_of_base"] = (
            round(100 * entry["central"] / base, 1) if base and entry["central"] is not None else None
        )
        entry["plants_not_quantified"] = n - entry["plants_quantified"]
        out[stream] = entry
    out["money"] = {**money, "plants_quantified": money_plants, "plants_not_quantified": n - money_plants}
    out["investment"] = {**investment, "plants_priced": invest_plants, "plants_not_priced": n - invest_plants}
    return out
