"""Liveness and readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from api.schemas.plans import KbRef

__all__ = ["Health", "Ready"]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    kb: KbRef
    database: Literal["ok"] = "ok"
