"""What an option costs and what its savings are worth: investment (the enterprise's quote, a sourced range carried
to the plant's capacity by a stated rule, or a declared gap), operating-cost changes, money at the enterprise's
or the knowledge base's prices, and simple payback.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.evaluate.result import decimal_json
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.benefits import Part, Savings
from engine.plan.pools import Pools, d, param_row, range_of

__all__ = ["investment", "operating_cost", "payback", "prices", "stream_fees", "valuation"]

_GAP = {
    "zh": "投资未知：请向设备供应商询价，并在自查表 investment_quotes 中填报报价",
    "en": "investment unknown: ask a supplier for a quote and enter it under investment_quotes",
}
_GAP_MANAGEMENT = {
    "zh": "管理措施，无需购置设备；如有费用（培训、软件、咨询），请在自查表 investment_quotes 中填报",
    "en": "a management measure with no equipment to buy; enter any cost (training, software, advice) under "
    "investment_quotes",
}


def _j(value: Decimal | None, places: int = 0) -> float | None:
    return decimal_json(value, places)


def _driver(pools: Pools, option: Option, steps: list[str], driver: str) -> Decimal | None:
    if driver == "stream_t":
        return pools.stream(option.benefit.streams) if option.benefit and option.benefit.streams else None
    if driver == "output_m2":
        return pools.output_m2
    if driver == "steps":
        return Decimal(max(len(steps), 1))
    if driver == "wastewater_m3":
        return pools.wastewater
    if driver == "rinse_water_m3":
        total = Decimal(0)
        for step in steps:
            triple, _, _ = pools.rinse(step)
            if triple is None:
                return None
            total += triple[1]
        return total or None
    return None


def investment(si: SelfInspection, pools: Pools, option: Option, steps: list[str]) -> dict[str, Any]:
    """The investment of an option for this plant, always with its status: quote, range or gap."""
    quote = next((q for q in si.investment_quotes if q.option == option.id), None)
    if quote is not None:
        canonical = quote.amount.canonical()  # 10^4 CNY
        amount = canonical * 10000 if canonical is not None else None
        if amount is not None:
            return {
                "status": "quote",
                "low": _j(amount),
                "central": _j(amount),
                "high": _j(amount),
                "unit": "CNY",
                "basis": "the enterprise's own quote",
                "source": "enterprise",
                "note": quote.note,
            }
    inv = option.investment
    if inv is None:
        note = option.investment_gap or None
        return {
            "status": "gap",
            "low": None,
            "central": None,
            "high": None,
            "unit": "CNY",
            "note": {"zh": note.zh, "en": note.en}
            if note
            else dict(_GAP_MANAGEMENT if option.category == "management" else _GAP),
        }
    low, high = d(inv.low), d(inv.high)
    central = (low + high) / 2
    row: dict[str, Any] = {
        "status": "range",
        "unit": "CNY",
        "basis": inv.basis,
        "basis_zh": inv.basis_zh or inv.basis,
        "source": inv.source,
        "grade": inv.grade.value,
        "claim": inv.claim,
        "assumption": inv.assumption,
    }
    if inv.scaling is not None:
        sc = inv.scaling
        capacity = _driver(pools, option, steps, sc.driver)
        if capacity is None or capacity <= 0:
            return {
                "status": "gap",
                "low": None,
                "central": None,
                "high": None,
                "unit": "CNY",
                "note": {
                    "zh": f"投资无法按规模换算（缺少 {sc.driver}）："
                    f"参考值 {inv.low:.0f}–{inv.high:.0f} 元对应 {inv.basis_zh or inv.basis}",
                    "en": f"investment cannot be scaled ({sc.driver} unknown): the reference {inv.low:.0f}-"
                    f"{inv.high:.0f} CNY is for {inv.basis}",
                },
            }
        ratio = capacity / d(sc.reference)
        exps = range_of(sc.exponent)
        factors = sorted(Decimal(str(float(ratio) ** float(e))) for e in exps)
        factor_c = Decimal(str(float(ratio) ** float(exps[1])))
        if sc.minimum_units:
            floor = Decimal(sc.minimum_units)
            factors = [max(f, floor) for f in factors]
            factor_c = max(factor_c, floor)
        low, central, high = low * factors[0], central * factor_c, high * factors[-1]
        row["scaling"] = {
            "rule": "reference cost x (capacity / reference)^exponent",
            "driver": sc.driver,
            "capacity": float(capacity),
            "reference": sc.reference,
            "exponent": param_row("exponent", sc.exponent),
            "minimum_units": sc.minimum_units,
            "reference_cost": {"low": inv.low, "high": inv.high},
        }
    row.update({"low": _j(low), "central": _j(central), "high": _j(high)})
    if inv.note:
        row["note"] = inv.note
    return row


def operating_cost(pools: Pools, option: Option, steps: list[str], savings: Savings | None) -> dict[str, Any] | None:
    """Annual operating-cost change the savings do not count (CNY/a, positive = costs more), or None."""
    if not option.operating_cost:
        return None
    total = [Decimal(0)] * 3
    rows = []
    for oc in option.operating_cost:
        if oc.per == "copper_kg":
            cu = savings.amounts.get("copper_recovered_kg") if savings else None
            qty = cu[1] if cu else None
        else:
            qty = _driver(pools, option, steps, oc.per)
        if qty is None:
            continue
        v = range_of(oc.value)
        for i in range(3):
            total[i] += qty * v[i]
        rows.append(
            {
                "what": {"zh": oc.what.zh, "en": oc.what.en},
                "per": oc.per,
                "quantity": float(qty),
                **param_row("rate", oc.value),
            }
        )
    if not rows:
        return None
    return {"unit": "CNY/a", "low": _j(total[0]), "central": _j(total[1]), "high": _j(total[2]), "parts": rows}


def prices(kb: KnowledgeBase, si: SelfInspection) -> dict[str, dict[str, Any]]:
    """Prices per unit of saving: the enterprise's own, else a sourced knowledge-base value (flagged)."""
    out: dict[str, dict[str, Any]] = {}
    given = si.prices
    pairs = (
        ("fresh_water_m3", "water_cny_per_m3", "industrial_water_price_shenzhen", "CNY/m3"),
        ("wastewater_m3", "wastewater_treatment_cny_per_m3", None, "CNY/m3"),
        ("electricity_kwh", "electricity_cny_per_kwh", None, "CNY/kWh"),
        ("hazardous_waste_t", "hazardous_waste_cny_per_t", None, "CNY/t"),
        ("copper_recovered_kg", "copper_cny_per_t", "copper_price", "CNY/t"),
    )
    for resource, field_name, param_id, unit in pairs:
        price = getattr(given, field_name) if given is not None else None
        if price is not None:
            out[resource] = {"value": price.value, "unit": unit, "source": "enterprise", "valid_from": price.valid_from}
        elif param_id and param_id in kb.parameters:
            param = kb.parameters[param_id]
            value = max(param.values, key=lambda v: v.valid_from)
            out[resource] = {
                "value": value.value,
                "unit": unit,
                "source": value.source,
                "grade": value.grade.value,
                "valid_from": value.valid_from.isoformat(),
                "note": value.note or "",
                "flag": "knowledge-base default; give the enterprise's own price",
            }
    return out


def stream_fees(pools: Pools) -> dict[str, Decimal]:
    """The plant's own fee per tonne of each waste stream (negative: it is paid), where it gives one."""
    fees: dict[str, list[Decimal]] = {}
    for waste in pools.year.wastes:
        if waste.fee_cny_per_t is not None:
            fees.setdefault(waste.stream, []).append(waste.fee_cny_per_t)
    return {sid: sum(v, Decimal(0)) / len(v) for sid, v in fees.items()}


# resources that cost or earn money when a price is known (pollutant masses do not, by themselves)
_MONEY_RESOURCES = {
    "fresh_water_m3",
    "wastewater_m3",
    "wastewater_discharged_m3",
    "electricity_kwh",
    "hazardous_waste_t",
    "chemicals_t",
    "copper_recovered_kg",
    "ccl_m2",
}


def _unit_price(part: Part, price_list: dict[str, dict[str, Any]], fees: dict[str, Decimal]) -> Decimal | None:
    """CNY per unit of the part's resource: a waste stream's own fee first, then the price list."""
    if part.resource == "waste_to_disposal_t":
        return None  # recycling costs or pays something too: the difference from disposal is not known here
    if part.resource == "hazardous_waste_t":
        streams = part.pool.split(":", 1)[-1].split("+")
        known = [fees[s] for s in streams if s in fees]
        if known:
            return sum(known, Decimal(0)) / len(known)
    price = price_list.get(part.resource)
    if price is None:
        return None
    return Decimal(price["value"]) / (1000 if part.resource == "copper_recovered_kg" else 1)


def valuation(
    savings: Savings | None,
    price_list: dict[str, dict[str, Any]],
    fees: dict[str, Decimal],
    opex: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Money saved per year (CNY/a) at the plant's own fees and prices (else the knowledge base's), net of
    operating-cost changes; None if nothing is priced."""
    parts: dict[str, list[Decimal]] = {}
    priced: set[str] = set()
    for part in savings.parts if savings is not None else []:
        unit = _unit_price(part, price_list, fees)
        if unit is None:
            continue
        priced.add(part.resource)
        values = sorted(v * unit for v in part.amount)
        central = part.amount[1] * unit
        acc = parts.setdefault(part.resource, [Decimal(0)] * 3)
        for i, v in enumerate((values[0], central, values[2])):
            acc[i] += v
    total = [sum((p[i] for p in parts.values()), Decimal(0)) for i in range(3)]
    out_parts: dict[str, Any] = {r: {"low": _j(v[0]), "central": _j(v[1]), "high": _j(v[2])} for r, v in parts.items()}
    if opex is not None:
        cost = [d(opex["low"] or 0), d(opex["central"] or 0), d(opex["high"] or 0)]
        total = [total[0] - cost[2], total[1] - cost[1], total[2] - cost[0]]
        out_parts["operating_cost"] = {"low": -opex["high"], "central": -opex["central"], "high": -opex["low"]}
    if not out_parts:
        return None
    amounts = savings.amounts if savings is not None else {}
    unpriced = sorted(r for r in amounts if r not in priced)
    # money is incomplete where something the option consumes is not priced, or where a saving is not priced while
    # a cost is: the net figure would then lean one way
    incomplete = sorted(
        r for r in unpriced if r in _MONEY_RESOURCES and (amounts[r][1] < 0 or (opex is not None and amounts[r][1] > 0))
    )
    return {
        "unit": "CNY/a",
        "low": _j(total[0]),
        "central": _j(total[1]),
        "high": _j(total[2]),
        "parts": dict(sorted(out_parts.items())),
        "unpriced": unpriced,
        "incomplete": incomplete,
    }


def payback(inv: dict[str, Any], money: dict[str, Any] | None) -> dict[str, Any] | None:
    """Simple payback in years: investment / net money saved per year, where both are known and positive (and the
    money is complete: no consumed resource or offsetting saving left unpriced)."""
    if money is not None and money.get("incomplete"):
        return None
    if money is None or inv.get("central") is None or not money.get("central") or money["central"] <= 0:
        return None
    low_money, high_money = money.get("low") or 0, money.get("high") or 0
    return {
        "central": round(inv["central"] / money["central"], 1),
        "low": round(inv["low"] / high_money, 1) if high_money > 0 else None,
        "high": round(inv["high"] / low_money, 1) if low_money > 0 else None,
        "unit": "a",
    }


def combined_money(
    rows: list[tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any]]],
) -> dict[str, Any] | None:
    """The money a selection saves per year (CNY/a, low/central/high): each option's valuation times the share of
    its own saving it keeps in the selection (``rows``: its money, its savings alone, what it keeps in the plan);
    an operating-cost change counts whole. None when nothing of the selection is priced."""
    total = [0.0, 0.0, 0.0]
    priced = False
    incomplete: set[str] = set()
    for money, alone, in_plan in rows:
        if not money or alone is None:
            continue
        incomplete.update(money.get("incomplete", []))
        for resource, part in money["parts"].items():
            if resource == "operating_cost":
                share = [1.0, 1.0, 1.0]
            else:
                share = [
                    float(in_plan[resource][i] / alone[resource][i])
                    if resource in in_plan and alone.get(resource) and alone[resource][i]
                    else 0.0
                    for i in range(3)
                ]
            for i, end in enumerate(("low", "central", "high")):
                total[i] += (part[end] or 0) * share[i]
            priced = True
    if not priced:
        return None
    return {
        "unit": "CNY/a",
        "low": round(total[0]),
        "central": round(total[1]),
        "high": round(total[2]),
        "incomplete": sorted(incomplete),
    }
