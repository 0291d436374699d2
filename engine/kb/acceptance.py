"""The acceptance policy: what a simple acceptance checks, how it decides, and what rewards and subsidies follow.

Every figure carries a source and a grade (shared/domain/policy.md). The Bao'an pilot's own acceptance, reward and
subsidy rules are not public: where the policy needs them it holds an explicit placeholder (``placeholder: true``,
grade U), shown as such in every acceptance and meant to be replaced by the bureau's own figure without code. A
placeholder whose value is not known at all keeps ``value: null`` (for example a reward amount): the acceptance
then says which tier is reached and that its amount is unpublished, never a guessed amount.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from engine.kb.base import Grade, LocalText, Strict

__all__ = [
    "AcceptancePolicy",
    "PolicyFigure",
    "PolicyItem",
    "RewardTier",
    "ScoreRule",
    "SubsidyClass",
    "SubsidyScope",
]

_ID = r"^[a-z][a-z0-9_]*$"


class PolicyFigure(Strict):
    """A figure of a policy with its unit, source and grade; ``value: null`` where it is not published."""

    value: float | None
    unit: str
    source: str
    grade: Grade
    placeholder: bool = Field(default=False, description="an unpublished pilot rule: this system's stand-in")
    note: str = ""

    @model_validator(mode="after")
    def _graded(self) -> PolicyFigure:
        if self.placeholder and self.grade != Grade.U:
            raise ValueError("a placeholder has grade U (it is not a published figure)")
        if self.value is None and not self.placeholder:
            raise ValueError("a figure without a value must be marked placeholder: true (not published)")
        return self


class PolicyItem(Strict):
    """A veto item or a check item of the acceptance: ticked yes or no by the auditor on site."""

    id: str = Field(pattern=_ID)
    text: LocalText
    kind: Literal["veto", "document", "site"] = "site"
    required: bool = Field(default=True, description="a check item that must be ticked yes to pass")
    source: str
    grade: Grade
    placeholder: bool = False


class ScoreRule(Strict):
    """A points sheet (Beijing 2009 used one: 100 points, pass at 70). ``used: false`` reports it only."""

    used: bool
    pass_mark: PolicyFigure
    options_points: PolicyFigure = Field(description="points for the key options, shared by their share met")
    targets_points: PolicyFigure = Field(description="points for the targets, by the share met")
    checks_points: PolicyFigure = Field(description="points for the document and site checks, by the share met")


class RewardTier(Strict):
    """One tier of a reward scheme; within a scheme the first tier (in file order) whose conditions hold is given."""

    id: str = Field(pattern=_ID)
    scheme: str = Field(pattern=_ID)
    name: LocalText
    jurisdiction: str
    active: bool = True
    min_level: Literal["I", "II", "III"] | None = Field(default=None, description="verified level at least this")
    min_reduction_share: PolicyFigure | None = Field(
        default=None, description="a pollutant's measured reduction at least this share of its base (unit 1)"
    )
    reduction_resources: list[str] = Field(default_factory=list, description="resources counted as pollutants")
    amount: PolicyFigure
    conditions: list[LocalText] = Field(default_factory=list, description="conditions the system cannot check")


class SubsidyScope(Strict):
    """Which options a subsidy class covers: by measure area or group code, or by option id."""

    measure_areas: list[str] = Field(default_factory=list)
    measure_groups: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)


class SubsidyClass(Strict):
    """A subsidy class by option type and investment: share of the actual investment, with a cap."""

    id: str = Field(pattern=_ID)
    name: LocalText
    jurisdiction: str
    active: bool = True
    applies_to: SubsidyScope
    share: PolicyFigure
    cap: PolicyFigure
    min_investment: PolicyFigure | None = None
    conditions: list[LocalText] = Field(default_factory=list, description="conditions the system cannot check")


class AcceptancePolicy(Strict):
    id: str = Field(pattern=_ID)
    name: LocalText
    verdict: Literal["pass_fail"] = "pass_fail"
    verdict_source: str
    verdict_grade: Grade
    on_fail: list[LocalText] = Field(default_factory=list, description="what a failed acceptance entails")
    on_fail_source: str
    tolerance: PolicyFigure = Field(description="measured may fall short of expected by this share (unit 1)")
    partly_counts: bool = Field(default=False, description="may a partly implemented key option pass")
    gain_resources: list[str] = Field(
        default_factory=list, description="plan resources whose saving is an increase (copper recovered)"
    )
    contradiction_factor: PolicyFigure | None = Field(
        default=None,
        description="a plan's estimate is reported as contradicted when it is more than this many times, or less "
        "than its inverse, the median verified in the achievement library (unit 1); none: not checked",
    )
    vetoes: list[PolicyItem]
    checks: list[PolicyItem]
    score: ScoreRule
    reward_tiers: list[RewardTier] = Field(default_factory=list)
    subsidy_classes: list[SubsidyClass] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kinds(self) -> AcceptancePolicy:
        if any(v.kind != "veto" for v in self.vetoes):
            raise ValueError("every item under 'vetoes' has kind: veto")
        if any(c.kind == "veto" for c in self.checks):
            raise ValueError("items under 'checks' are of kind document or site, not veto")
        ids = [i.id for i in [*self.vetoes, *self.checks]]
        if len(ids) != len(set(ids)):
            raise ValueError("veto and check ids must be unique")
        return self
