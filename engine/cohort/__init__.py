"""The overall evaluation of an industry cohort (整体审核): pure functions over the members' plans.

:func:`evaluate_cohort` takes the members of one or more periods and returns, per period, the level distribution,
every indicator's distribution by board type with the level thresholds, each enterprise's percentile, the
industry's lagging indicators, common and individual problems and solutions with the aggregate potential, and,
for two or more periods, the before/after of the first and last."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.cohort.compare import before_after
from engine.cohort.members import Member
from engine.cohort.overall import CohortError, evaluate_period, is_common
from engine.cohort.position import own_position
from engine.cohort.solutions import POTENTIAL_STREAMS
from engine.cohort.stats import percentile_rank, quantile
from engine.kb.cohortpolicy import CohortPolicy

__all__ = [
    "POTENTIAL_STREAMS",
    "CohortError",
    "CohortPolicy",
    "Member",
    "before_after",
    "evaluate_cohort",
    "evaluate_period",
    "is_common",
    "own_position",
    "percentile_rank",
    "quantile",
]

COHORT_VERSION = "1"


def evaluate_cohort(
    members: Sequence[Member],
    *,
    policy: CohortPolicy,
    name: str = "",
    periods: Sequence[str] | None = None,
    finding_titles: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every period's overall evaluation (in the order of ``periods``, default sorted) and the before/after of the
    first and the last period."""
    order = list(periods) if periods else sorted({m.period for m in members})
    unknown = sorted({m.period for m in members} - set(order))
    if unknown:
        raise CohortError(
            f"member period(s) {', '.join(unknown)} are not among the cohort's periods {order}", "periods"
        )
    results = [
        evaluate_period([m for m in members if m.period == p], policy=policy, period=p, finding_titles=finding_titles)
        for p in order
        if any(m.period == p for m in members)
    ]
    if not results:
        raise CohortError("a cohort needs at least one enterprise")
    return {
        "cohort_version": COHORT_VERSION,
        "name": name,
        "periods": results,
        "before_after": before_after(results[0], results[-1]) if len(results) >= 2 else None,
    }
