"""Cohorts (整体审核): the request that creates one, what is stored and shown."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CohortCreate", "CohortMemberOut", "CohortOut", "CohortPeriodIn", "CohortPeriodOut", "CohortSummary"]


class CohortPeriodIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(description="the period's label, e.g. 2024 (at most 40 characters)", examples=["2024"])
    self_inspection_ids: list[str] = Field(
        description="stored self-inspections, one per enterprise (at least one; each visible to the caller)",
        examples=[["si_0193a1b2c3d4e5f6a7b8c9d0e1f2"]],
    )


class CohortCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "宝安区线路板行业整体审核 2024–2026",
                    "periods": [
                        {"label": "2024", "self_inspection_ids": ["si_0193a1b2c3d4e5f6a7b8c9d0e1f2"]},
                        {"label": "2026", "self_inspection_ids": ["si_0193f1e2d3c4b5a6978877665544"]},
                    ],
                }
            ]
        },
    )

    name: str = Field(description="the cohort's name (at most 200 characters)")
    periods: list[CohortPeriodIn] = Field(
        description="one or more periods in order; with two or more, the before/after compares the first and last"
    )


class CohortMemberOut(BaseModel):
    self_inspection_id: str
    enterprise_id: str
    enterprise_name: str
    district: str
    year: int = Field(description="the self-inspection's latest reporting year")


class CohortPeriodOut(BaseModel):
    label: str
    members: list[CohortMemberOut]


class CohortSummary(BaseModel):
    id: str
    name: str
    periods: list[str] = Field(description="the period labels, in order")
    members_shown: int = Field(description="members the caller may see (an auditor: those in its districts)")
    partial: bool = Field(description="true when the caller sees only some of the members (its districts)")
    owner_role: str = Field(description="the role of the key that created it")
    created_by: str
    created_at: datetime


class CohortOut(CohortSummary):
    members: list[CohortPeriodOut] = Field(description="per period, the members the caller may see")
