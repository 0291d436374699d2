"""Plans: the request that makes one, what is stored, its trace, its replay and its review notes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from api.schemas.common import FieldIssue

__all__ = [
    "Difference",
    "KbRef",
    "NoteCreate",
    "NoteOut",
    "PlanCreate",
    "PlanOut",
    "PlanSummary",
    "ReplayOut",
    "TraceOut",
]

_INLINE = WithJsonSchema(
    {
        "anyOf": [{"$ref": "#/components/schemas/SelfInspection"}, {"type": "null"}],
        "description": "a self-inspection to validate, store and plan in one call (instead of self_inspection_id)",
    }
)


class PlanCreate(BaseModel):
    """Make a plan of a stored self-inspection (``self_inspection_id``) or of one sent inline (``self_inspection``)."""

    model_config = ConfigDict(extra="forbid")

    self_inspection_id: str | None = Field(default=None, max_length=40, description="a stored self-inspection")
    self_inspection: Annotated[dict[str, Any] | None, _INLINE] = None
    benchmark_set: str | None = Field(
        default=None, max_length=64, description="benchmark set id (default: the knowledge base's default)"
    )
    year: int | None = Field(default=None, ge=1900, le=2100, description="reporting year (default: the latest)")

    @model_validator(mode="after")
    def _one_source(self) -> PlanCreate:
        if (self.self_inspection_id is None) == (self.self_inspection is None):
            raise ValueError("give exactly one of self_inspection_id and self_inspection")
        return self


class KbRef(BaseModel):
    version: str = Field(examples=["0.6.0"])
    hash: str = Field(examples=["sha256:3f1c…"])


class PlanSummary(BaseModel):
    """A stored plan in a list."""

    id: str = Field(examples=["pl_019a3c5e2f10a1b2c3d4e5f60718"])
    self_inspection_id: str
    enterprise_id: str
    district: str
    year: int = Field(description="the reporting year planned for")
    level: str | None = Field(description="overall level evaluated in that year", examples=["II"])
    kb_version: str
    created_at: datetime


class PlanOut(PlanSummary):
    """A stored plan: the engine's plan exactly as produced, with who asked for it and with which knowledge base."""

    kb_hash: str
    input_hash: str
    benchmark_set: str | None = Field(description="as asked; null = the knowledge base's default")
    requested_year: int | None = Field(description="as asked; null = the latest reporting year")
    plan_sha256: str = Field(description="SHA-256 of the plan JSON as the engine produced it, trace included")
    created_by: str = Field(description="id of the API key that asked for it")
    trace_url: str = Field(description="where the plan's derivation trace and why-not are read")
    plan: dict[str, Any] = Field(
        description="the plan: kb_version, kb_hash, input_hash, evaluation, recommendations, resolution, totals, "
        "targets, before_after, projected (the indicators' values and levels after the plan), why_not_basis, ...; "
        "the trace only with include=trace (plan_sha256 is the hash of the plan with its trace)"
    )


class TraceOut(BaseModel):
    """The derivation trace of a plan: ``{node id: {type, value, rule, premises, parameters, derivations}}``."""

    plan_id: str
    kb_version: str
    kb_hash: str
    input_hash: str
    trace: dict[str, Any]
    not_fired: dict[str, Any] = Field(description="for every rule that did not fire: why not")


class Difference(BaseModel):
    path: str = Field(examples=["recommendations[0].savings.central"])
    stored: Any = None
    replayed: Any = None


class ReplayOut(BaseModel):
    """A stored plan recomputed from its stored self-inspection, and how the two compare."""

    plan_id: str
    stored_kb: KbRef = Field(description="the knowledge base the plan was made with")
    used_kb: KbRef = Field(description="the knowledge base the replay ran with")
    exact: bool = Field(description="true when the replay ran with the plan's own knowledge base (same hash)")
    identical: bool = Field(description="true when the recomputed plan equals the stored one, byte for byte")
    differences_total: int
    differences: list[Difference] = Field(description="the first differences, by JSON path")
    input_errors: list[FieldIssue] = Field(
        default_factory=list, description="when the stored self-inspection no longer validates: why"
    )
    detail: str


class NoteCreate(BaseModel):
    """A review note on a plan (auditors)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000, examples=["Rinse water figures checked on site: confirmed."])


class NoteOut(BaseModel):
    id: str
    plan_id: str
    author_key_id: str
    role: str
    text: str
    created_at: datetime
