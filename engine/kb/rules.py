"""Rule records (knowledge_base/rules/*.yaml): forward-chaining rules over the self-inspection's facts.

A rule matches one or more facts (``when``: patterns that bind names; later patterns may refer to earlier
bindings with ``ref``), optionally requires that no fact matches the ``unless`` patterns, and concludes a finding,
a recommendation, or a constraint between recommendations. Rules are type-checked against the declared facts
(engine/kb/factschema.py) when the knowledge base loads.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.kb.base import Grade, LocalText

__all__ = [
    "Conclusion",
    "FactType",
    "FieldTest",
    "MatchAll",
    "MatchAny",
    "Pattern",
    "Rule",
    "Stage",
]

FactType = Literal["enterprise", "step", "indicator", "stream", "effluent", "finding", "recommendation"]
Stage = Literal["finding", "recommendation", "constraint"]
FieldOp = Literal["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "present", "absent", "contains"]
NUMERIC = frozenset({"gt", "ge", "lt", "le"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FieldTest(_Strict):
    """A test on one property of the matched fact."""

    field: str = Field(min_length=1)
    op: FieldOp
    value: Any = None
    ref: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$",
        description="compare with <binding>.<field> of an earlier pattern",
    )
    unit: str | None = Field(default=None, description="unit of a numeric literal; must match the field's unit")
    source: str | None = Field(
        default=None, description="source id of a numeric literal that is a fact about the world"
    )
    grade: Grade | None = None

    @model_validator(mode="after")
    def _shape(self) -> FieldTest:
        if self.op in ("present", "absent"):
            if self.value is not None or self.ref is not None:
                raise ValueError(f"op {self.op!r} takes neither value nor ref")
            return self
        if (self.value is None) == (self.ref is None):
            raise ValueError(f"op {self.op!r} needs exactly one of value or ref")
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a list value")
        if self.ref is not None and self.op not in ("eq", "ne", "gt", "ge", "lt", "le"):
            raise ValueError("a ref can be compared with eq, ne, gt, ge, lt or le")
        if self.op in NUMERIC and self.value is not None:
            if isinstance(self.value, bool) or not isinstance(self.value, int | float):
                raise ValueError(f"op {self.op!r} needs a number")
        if (self.source is None) != (self.grade is None):
            raise ValueError("a sourced literal needs both source and grade")
        return self


class MatchAll(_Strict):
    all: list[Match] = Field(min_length=1)


class MatchAny(_Strict):
    any: list[Match] = Field(min_length=1)


Match = Annotated[MatchAll | MatchAny | FieldTest, Field(union_mode="left_to_right")]
MatchAll.model_rebuild()
MatchAny.model_rebuild()


class Pattern(_Strict):
    fact: FactType
    as_: str = Field(alias="as", pattern=r"^[a-z][a-z0-9_]*$", description="binding name")
    match: Match | None = None


class FindingOut(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Literal["high", "medium", "low"]
    subject: str | None = Field(default=None, description="binding of the fact the finding is about")


class RecommendOut(_Strict):
    option: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    subject: str | None = None


class ConstraintOut(_Strict):
    option: str
    requires: str | None = None
    excludes: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ConstraintOut:
        if (self.requires is None) == (self.excludes is None):
            raise ValueError("a constraint either requires or excludes another option")
        return self


class Conclusion(_Strict):
    finding: FindingOut | None = None
    recommend: RecommendOut | None = None
    constraint: ConstraintOut | None = None

    @model_validator(mode="after")
    def _one(self) -> Conclusion:
        given = [x for x in (self.finding, self.recommend, self.constraint) if x is not None]
        if len(given) != 1:
            raise ValueError("a rule concludes exactly one of: finding, recommend, constraint")
        return self

    @property
    def kind(self) -> str:
        return "finding" if self.finding else "recommendation" if self.recommend else "constraint"


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: LocalText
    stage: Stage
    priority: int = Field(default=100, ge=1, le=999, description="lower fires first (durable_rules 'pri')")
    when: list[Pattern] = Field(min_length=1)
    unless: list[Pattern] = Field(default_factory=list)
    then: Conclusion
    rationale: LocalText
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _bindings(self) -> Rule:
        names = [p.as_ for p in [*self.when, *self.unless]]
        if len(set(names)) != len(names):
            raise ValueError("binding names (as) must be unique within a rule")
        expected = {"finding": "finding", "recommendation": "recommend", "constraint": "constraint"}[self.stage]
        if self.then.kind.replace("recommendation", "recommend") != expected:
            raise ValueError(f"a {self.stage}-stage rule concludes a {expected}")
        return self
