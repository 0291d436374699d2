"""Rewards and subsidies across a cohort: each member's latest verified acceptance, as decided there
(engine/acceptance/money.py), collected with the reasons; members without a verification are listed, never dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MemberAcceptance", "cohort_rewards"]


@dataclass(frozen=True)
class MemberAcceptance:
    enterprise_id: str
    period: str
    acceptance_id: str | None
    verification: dict[str, Any] | None  # the stored verification (verdict, rewards, subsidies), None if none


def _amount(entry: dict[str, Any]) -> float | None:
    value = (entry.get("amount") or {}).get("value") if isinstance(entry.get("amount"), dict) else entry.get("amount")
    return float(value) if value is not None else None


def cohort_rewards(members: list[MemberAcceptance]) -> dict[str, Any]:
    """Per member: verdict, rewards (tier, amount, because), proposed subsidies (option, class, amount, capped) and
    their sums; for the cohort: the sums, how many were verified, passed, rewarded, and which amounts are not
    published (placeholders of the pilot's rules)."""
    rows: list[dict[str, Any]] = []
    reward_total = subsidy_total = 0.0
    unpublished: list[str] = []
    verified = passed = rewarded = 0
    for m in sorted(members, key=lambda r: (r.period, r.enterprise_id)):
        v = m.verification
        if v is None:
            rows.append(
                {
                    "enterprise_id": m.enterprise_id,
                    "period": m.period,
                    "acceptance_id": m.acceptance_id,
                    "verdict": None,
                    "status": "not_verified",
                    "rewards": [],
                    "subsidies": [],
                    "reward_cny": 0.0,
                    "subsidy_cny": 0.0,
                }
            )
            continue
        verified += 1
        passed += v.get("verdict") == "pass"
        rewards = [
            {
                "scheme": r.get("scheme"),
                "tier": r.get("tier"),
                "name": r.get("name"),
                "amount_cny": _amount(r),
                "because": r.get("because", []),
            }
            for r in v.get("rewards", [])
        ]
        subsidies = [
            {
                "option_id": s.get("option_id"),
                "name": s.get("name"),
                "investment_cny": s.get("investment"),
                "class": (s.get("proposed") or {}).get("class"),
                "class_name": (s.get("proposed") or {}).get("name"),
                "amount_cny": (s.get("proposed") or {}).get("amount"),
                "capped": bool((s.get("proposed") or {}).get("capped")),
            }
            for s in v.get("subsidies", [])
        ]
        r_sum = sum(r["amount_cny"] or 0.0 for r in rewards)
        s_sum = sum(s["amount_cny"] or 0.0 for s in subsidies)
        unpublished += [f"{m.enterprise_id}:{r['tier']}" for r in rewards if r["amount_cny"] is None]
        unpublished += [f"{m.enterprise_id}:{s['option_id']}" for s in subsidies if s["amount_cny"] is None]
        rewarded += bool(rewards)
        reward_total += r_sum
        subsidy_total += s_sum
        rows.append(
            {
                "enterprise_id": m.enterprise_id,
                "period": m.period,
                "acceptance_id": m.acceptance_id,
                "verdict": v.get("verdict"),
                "status": "verified",
                "rewards": rewards,
                "subsidies": subsidies,
                "reward_cny": round(r_sum, 2),
                "subsidy_cny": round(s_sum, 2),
            }
        )
    return {
        "members": rows,
        "totals": {
            "reward_cny": round(reward_total, 2),
            "subsidy_cny": round(subsidy_total, 2),
            "members": len(rows),
            "verified": verified,
            "passed": passed,
            "rewarded": rewarded,
            "not_verified": len(rows) - verified,
            "amounts_not_published": sorted(unpublished),
        },
        "method": {
            "zh": "每家企业取其最近一次验收核验的奖励与补贴决定（按政策数据计算，见各验收的核验过程）；"
            "未核验的企业列出，不计金额；未公开的金额不计入合计。",
            "en": "each enterprise's latest verified acceptance, with the reward and subsidy decisions made there from "
            "the policy data (see each acceptance's verification trace); members not verified are listed with no "
            "amount; amounts not published are left out of the sums",
        },
    }
