"""API keys (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.access import Role

__all__ = ["KeyCreate", "KeyCreated", "KeyOut"]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="who or what holds the key")
    role: Role
    enterprise_id: str | None = Field(default=None, max_length=64, description="enterprise keys: the enterprise")
    districts: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=100,
        description="auditor keys: the districts they read; enterprise keys (optional): the districts they file in",
    )


class KeyOut(BaseModel):
    id: str
    prefix: str = Field(description="the first part of the key, shown to recognise it")
    name: str
    role: Role
    enterprise_id: str | None
    districts: list[str]
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    secret: str | None = Field(
        description="the API key: shown once, never stored in clear (null when a retried call is answered again)"
    )
