"""The condition language shared by qualitative indicator criteria and (later) rules.

A condition is a leaf test or a combination::

    {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}
    {question: q_id, op: eq, value: true}                    an answer of the self-inspection manual
    {question: rinse_stages, op: ge, value: 2, quantifier: all, families: [acid_etching]}
                                                              a step-scoped answer, over the steps run
    {trend: carbon_intensity, op: ge, value: 2}              consecutive year-on-year improvements
    {steps_run: [copper_plating, metallisation], op: present} whether any step of these families is run

Evaluation is three-valued (true, false, unknown): an unknown or missing answer makes a leaf unknown, and
unknown propagates (``all`` is false if any part is false, unknown if any is unknown, else true).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["AllOf", "AnyOf", "Condition", "Leaf", "NotOf", "Op"]

Op = Literal["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "present", "absent"]
NUMERIC_OPS = {"gt", "ge", "lt", "le"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Leaf(_Strict):
    question: str | None = None
    trend: str | None = None
    steps_run: list[str] | None = Field(default=None, description="step families; true if any such step is run")
    op: Op
    value: Any = None
    quantifier: Literal["all", "any"] = "all"
    families: list[str] | None = Field(default=None, description="narrow a step-scoped question to these families")

    @model_validator(mode="after")
    def _one_subject(self) -> Leaf:
        subjects = [s for s in (self.question, self.trend, self.steps_run) if s is not None]
        if len(subjects) != 1:
            raise ValueError("a condition tests exactly one of: question, trend, steps_run")
        if self.op in ("present", "absent"):
            if self.value is not None:
                raise ValueError(f"op {self.op!r} takes no value")
        elif self.value is None:
            raise ValueError(f"op {self.op!r} needs a value")
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a list value")
        if self.op in NUMERIC_OPS and (isinstance(self.value, bool) or not isinstance(self.value, int | float)):
            raise ValueError(f"op {self.op!r} needs a number")
        if self.steps_run is not None and self.op not in ("present", "absent"):
            raise ValueError("steps_run is tested with op present or absent")
        if self.trend is not None and self.op not in NUMERIC_OPS | {"eq", "ne"}:
            raise ValueError("a trend is a count of improving years: compare it with a number")
        return self


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(_Strict):
    not_: Condition = Field(alias="not")


Condition = Annotated[AllOf | AnyOf | NotOf | Leaf, Field(union_mode="left_to_right")]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
