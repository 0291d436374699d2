"""The self-inspection manual and the JSON Schema of a submission."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, KbDep
from api.schemas.common import problem_responses
from api.schemas.kb import ManualOut
from engine.intake.model import json_schema
from engine.manual import build_manual

router = APIRouter(prefix="/v1/manual", tags=["manual"], responses=problem_responses(401))


@router.get("", response_model=ManualOut, responses=problem_responses(503))
def get_manual(_caller: CallerDep, loaded: KbDep) -> dict[str, Any]:
    """The self-inspection manual: sections, questions, answer types, and the indicators each answer feeds."""
    return build_manual(loaded.kb)


@router.get("/schema", response_model=dict[str, Any])
def get_manual_schema(_caller: CallerDep) -> dict[str, Any]:
    """The JSON Schema of a self-inspection submission (POST /v1/self-inspections)."""
    return json_schema()
