"""Rewards and subsidies collected over a cohort, worked by hand."""

from __future__ import annotations

from engine.acceptance.cohort_rewards import MemberAcceptance, cohort_rewards


def _verification(verdict: str, reward: float | None, subsidies: list[tuple[str, float | None, bool]]) -> dict:
    rewards = (
        []
        if reward is False
        else [
            {
                "scheme": "sz",
                "tier": "sz_cp_reward",
                "name": {"zh": "奖", "en": "reward"},
                "amount": {"value": reward, "unit": "CNY"},
                "because": ["acceptance passed"],
            }
        ]
    )
    return {
        "verdict": verdict,
        "rewards": rewards,
        "subsidies": [
            {
                "option_id": oid,
                "name": {"zh": oid, "en": oid},
                "investment": 400000.0,
                "proposed": {
                    "class": "sz_facility",
                    "name": {"zh": "设施", "en": "facility"},
                    "amount": amt,
                    "capped": capped,
                },
            }
            for oid, amt, capped in subsidies
        ],
    }


def test_sums_counts_and_unpublished_amounts() -> None:
    members = [
        MemberAcceptance("ent-a", "2026", "acc-a", _verification("pass", 100000.0, [("ccr", 200000.0, False)])),
        MemberAcceptance("ent-b", "2026", "acc-b", _verification("pass", None, [("regen", 5000000.0, True)])),
        MemberAcceptance("ent-c", "2026", "acc-c", _verification("fail", False, [])),
        MemberAcceptance("ent-d", "2026", None, None),
    ]
    out = cohort_rewards(members)
    t = out["totals"]
    # rewards: 100,000 (ent-a) + unpublished (ent-b, left out) = 100,000; subsidies: 200,000 + 5,000,000
    assert t["reward_cny"] == 100000.0 and t["subsidy_cny"] == 5200000.0
    assert (t["members"], t["verified"], t["passed"], t["rewarded"], t["not_verified"]) == (4, 3, 2, 2, 1)
    assert t["amounts_not_published"] == ["ent-b:sz_cp_reward"]
    rows = {m["enterprise_id"]: m for m in out["members"]}
    assert rows["ent-b"]["subsidies"][0]["capped"] is True and rows["ent-d"]["status"] == "not_verified"
    assert rows["ent-c"]["verdict"] == "fail" and rows["ent-c"]["reward_cny"] == 0
