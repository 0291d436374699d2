"""Self-inspections: what a submission answers and how stored ones are listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import FieldIssue

__all__ = ["SelfInspectionOut", "SelfInspectionSummary"]


class SelfInspectionSummary(BaseModel):
    """A stored self-inspection in a list."""

    id: str = Field(examples=["si_019a3c5e2f10a1b2c3d4e5f60718"])
    enterprise_id: str = Field(examples=["demo-bao-an-single-small"])
    enterprise_name: str
    district: str = Field(examples=["宝安区"])
    year: int = Field(description="the latest reporting year", examples=[2025])
    level: str | None = Field(
        description="overall level certainly reached in that year (default benchmark set), at submission",
        examples=["below_III"],
    )
    created_at: datetime


class SelfInspectionOut(SelfInspectionSummary):
    """A stored self-inspection: the submission as received, with what validation and evaluation said of it."""

    reporting_years: list[int]
    kb_version: str = Field(description="knowledge base the submission was validated and evaluated with")
    kb_hash: str
    input_hash: str = Field(description="SHA-256 of the validated self-inspection; plans of it carry the same")
    warnings: list[FieldIssue] = Field(description="implausible but possible values, each with its reason")
    completeness: dict[str, Any] | None = Field(
        default=None,
        description="answered / applicable per manual section and per indicator, at submission (none for records "
        "stored before it was kept)",
    )
    created_by: str = Field(description="id of the API key that submitted it")
    data: dict[str, Any] = Field(description="the self-inspection as submitted")
