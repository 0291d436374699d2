"""Rewards and subsidies of a verified acceptance, decided from the policy data alone.

Rewards: per active scheme, the first tier (in the policy's order) whose conditions hold: the acceptance passed,
the verified level at least the tier's, and where the tier asks for it a pollutant's measured cut at least the
stated share of its base. Subsidies: per implemented option with its actual investment, the active classes whose
scope covers the option's measure code; amount = min(share × investment, cap), none below a minimum investment;
the largest known amount is proposed. An unpublished figure (``value: null``) gives the class or tier without an
amount, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.acceptance.checklist import figure
from engine.kb.acceptance import AcceptancePolicy, SubsidyClass
from engine.kb.loader import KnowledgeBase

__all__ = ["rewards", "subsidies"]

Step = Callable[..., None]
_LEVEL_RANK = {"I": 0, "II": 1, "III": 2, "below_III": 3}


def rewards(policy: AcceptancePolicy, result: dict[str, Any], step: Step) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    decided: set[str] = set()
    level = result.get("verified_level")
    shares = {res: r.get("share_of_base") for res, r in result["plant"].get("resources", {}).items()}
    for tier in policy.reward_tiers:
        if not tier.active or tier.scheme in decided:
            continue
        why: list[str] = []
        ok = result["verdict"] == "pass"
        if not ok:
            why.append("acceptance not passed")
        if tier.min_level is not None:
            reached = level in _LEVEL_RANK and _LEVEL_RANK[level] <= _LEVEL_RANK[tier.min_level]
            ok = ok and reached
            why.append(f"verified level {level} {'≥' if reached else '<'} {tier.min_level}")
        if tier.min_reduction_share is not None:
            need = float(tier.min_reduction_share.value or 0.0)
            best = max((float(shares[r]) for r in tier.reduction_resources if shares.get(r) is not None), default=None)
            hit = best is not None and best >= need
            ok = ok and hit
            why.append(f"largest measured pollutant cut {best} {'≥' if hit else '<'} {need} of its base")
        if not ok:
            continue
        decided.add(tier.scheme)
        amount = tier.amount.value
        entry = {
            "scheme": tier.scheme,
            "tier": tier.id,
            "name": tier.name.model_dump(),
            "jurisdiction": tier.jurisdiction,
            "amount": figure(tier.amount),
            "amount_published": amount is not None,
            "because": why,
            "conditions": [c.model_dump() for c in tier.conditions],
        }
        out.append(entry)
        money_zh = f"{amount:,.0f} 元" if amount is not None else "金额未公开（占位）"
        money_en = f"CNY {amount:,.0f}" if amount is not None else "amount not published (placeholder)"
        step(
            f"reward:{tier.id}",
            f"奖励：{tier.name.zh}，{money_zh}",
            f"reward: {tier.name.en}, {money_en}",
            parameters={"amount": figure(tier.amount), "min_reduction_share": figure(tier.min_reduction_share)},
            result={"because": why},
        )
    return out


def _covers(sub: SubsidyClass, option_id: str, code: str | None) -> bool:
    scope = sub.applies_to
    if option_id in scope.options:
        return True
    if not code:
        return False
    parts = code.split("-")  # PCB-<area>-<group>-<nn>
    area = parts[1] if len(parts) > 1 else ""
    group = "-".join(parts[1:3]) if len(parts) > 2 else ""
    return area in scope.measure_areas or group in scope.measure_groups


def subsidies(
    kb: KnowledgeBase, policy: AcceptancePolicy, items: list[dict[str, Any]], step: Step
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item["status"] != "implemented" or not item.get("investment"):
            continue
        invest = float(item["investment"]["value"])
        offers: list[dict[str, Any]] = []
        for sub in policy.subsidy_classes:
            if not sub.active or not _covers(sub, item["id"], item.get("measure_code")):
                continue
            floor = sub.min_investment.value if sub.min_investment else None
            if floor is not None and invest <= floor:
                continue
            share, cap = sub.share.value, sub.cap.value
            amount = None if share is None or cap is None else round(min(share * invest, cap), 2)
            offers.append(
                {
                    "class": sub.id,
                    "name": sub.name.model_dump(),
                    "jurisdiction": sub.jurisdiction,
                    "share": figure(sub.share),
                    "cap": figure(sub.cap),
                    "min_investment": figure(sub.min_investment),
                    "amount": amount,
                    "capped": amount is not None and cap is not None and share is not None and share * invest > cap,
                    "conditions": [c.model_dump() for c in sub.conditions],
                }
            )
        if not offers:
            continue
        known = [o for o in offers if o["amount"] is not None]
        best = max(known, key=lambda o: o["amount"]) if known else offers[0]
        out.append(
            {"option_id": item["id"], "name": item["name"], "investment": invest, "proposed": best, "classes": offers}
        )
        amt = best["amount"]
        step(
            f"subsidy:{item['id']}",
            f"补贴：{item['name']['zh']}，{best['name']['zh']}，"
            + (
                f"min({best['share']['value']} × {invest:,.0f}, {best['cap']['value']:,.0f}) = {amt:,.2f} 元"
                if amt is not None
                else "比例或上限未公开（占位）"
            ),
            f"subsidy: {item['name']['en']}, {best['name']['en']}, "
            + (
                f"min({best['share']['value']} × {invest:,.0f}, {best['cap']['value']:,.0f}) = CNY {amt:,.2f}"
                if amt is not None
                else "share or cap not published (placeholder)"
            ),
            result={"class": best["class"], "amount": amt},
        )
    return out
