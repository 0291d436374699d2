"""The overall evaluation's policy: when a finding kind or an option counts as the cohort's common one, and when
an indicator lags for the industry. These are this system's own choices (graded U, adjustable in
``knowledge_base/policy.yaml``), not facts about the world."""

from __future__ import annotations

from pydantic import Field

from engine.kb.base import Grade, Strict

__all__ = ["CohortPolicy"]


class CohortPolicy(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    common_share: float = Field(
        gt=0, le=1, description="a finding kind or an option is common when at least this share of the cohort has it"
    )
    lagging_below_level: str = Field(description="an enterprise lags on an indicator when it is below this level")
    lagging_share: float = Field(
        gt=0, le=1, description="an indicator lags for the industry when at least this share of the rated lag"
    )
    min_peers_shown: int = Field(
        default=3, ge=1, description="an enterprise sees a cohort statistic only when this many enterprises are in it"
    )
    source: str
    grade: Grade
    note: str = ""
