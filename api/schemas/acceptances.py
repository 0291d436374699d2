"""Acceptances: creating one from a plan, evidence, verification, versions and their hash chain; achievements."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AcceptanceCreate",
    "AcceptanceOut",
    "AcceptanceSummary",
    "AchievementsOut",
    "ChainOut",
    "ChecklistOut",
    "EvidenceSubmit",
    "FileUpload",
    "PlanAchievementsOut",
    "VerifyRequest",
    "VersionOut",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AcceptanceCreate(_Strict):
    policy: str = Field(default="default", max_length=64, description="acceptance policy id of the knowledge base")


class FileUpload(_Strict):
    """A document uploaded with the evidence; stored with its SHA-256. Name it under ``evidence.documents``."""

    name: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(description="the file's bytes, base64")
    media_type: str = Field(default="application/octet-stream", max_length=100)


class EvidenceSubmit(_Strict):
    """The evidence as of now (it replaces the previous evidence in a new version; history keeps every one)."""

    evidence: dict[str, Any] = Field(
        description="ticks per item, plant readings, vetoes/checks, documents [{name, sha256}] (README: Simple "
        "acceptance); a document uploaded under files may omit sha256"
    )
    files: list[FileUpload] = Field(default_factory=list, max_length=50)


class AcceptanceEvidenceIn(EvidenceSubmit):
    """Evidence by the enterprise for a plan (its acceptance is opened if it has none) or an open acceptance."""

    plan_id: str | None = Field(default=None, max_length=64, description="the stored plan the evidence is for")
    acceptance_id: str | None = Field(default=None, max_length=64, description="or the acceptance, if already open")
    policy: str = Field(default="default", max_length=64, description="acceptance policy id, when one is opened")


class VerifyRequest(_Strict):
    """The auditor's on-site ticks; they take precedence over any the enterprise gave."""

    vetoes: dict[str, bool] = Field(default_factory=dict, description="veto id -> true if the veto applies")
    checks: dict[str, bool] = Field(default_factory=dict, description="check id -> true if found in order")
    check_evidence: dict[str, list[str]] = Field(default_factory=dict, description="check id -> document names")
    note: str = Field(default="", max_length=4000)


class VersionOut(BaseModel):
    version: int
    kind: Literal["checklist", "evidence", "verification"]
    verdict: str | None
    author_key_id: str = Field(description="the API key that wrote (signed) this version")
    role: str
    created_at: datetime
    prev_hash: str
    hash: str
    body: dict[str, Any] | None = Field(default=None, description="the version's content (left out in history)")


class AcceptanceSummary(BaseModel):
    id: str = Field(examples=["ac_019a3c5e2f10a1b2c3d4e5f60718"])
    plan_id: str
    enterprise_id: str
    district: str
    year: int
    policy_id: str
    status: Literal["open", "evidence_submitted", "verified"]
    verdict: str | None = Field(description="the latest verification's verdict (pass | fail)")
    versions: int
    created_by: str
    created_at: datetime


class AcceptanceOut(AcceptanceSummary):
    """An acceptance: its current checklist, evidence and verification, and every version (append-only)."""

    head_hash: str
    checklist: dict[str, Any]
    evidence: dict[str, Any] | None
    verification: dict[str, Any] | None
    current: VersionOut
    history: list[VersionOut]


class ChecklistOut(BaseModel):
    plan_id: str
    acceptance_id: str | None = Field(description="the stored acceptance's id; null: built now, not stored")
    checklist: dict[str, Any]


class ChainOut(BaseModel):
    acceptance_id: str
    valid: bool
    versions: int
    head: str | None
    algorithm: str
    problems: list[dict[str, Any]]


class AchievementsOut(BaseModel):
    """Verified outcomes by measure code, over the latest verification of every stored acceptance."""

    acceptances: int = Field(description="acceptances with a verification counted")
    items: list[dict[str, Any]] = Field(
        description="per measure code: n_plants, investment {median, n, unit}, investment_per_capacity, savings "
        "{resource: {median, median_per_m2, n, unit}}, grade measured_in_cohort"
    )


class PlanAchievementsOut(BaseModel):
    plan_id: str
    contradiction_factor: dict[str, Any] | None = Field(description="the policy figure used, with its source")
    options: list[dict[str, Any]] = Field(
        description="per option the library knows: text (zh/en), verified medians, contradicted estimates"
    )
