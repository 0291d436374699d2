"""The knowledge base as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.plans import KbRef

__all__ = [
    "GraphOut",
    "KbInfo",
    "KbIssueOut",
    "KbRecordOut",
    "KbSummaryOut",
    "LoadReportOut",
    "ManualOut",
    "ReloadOut",
    "ReloadRequest",
]


class KbIssueOut(BaseModel):
    """One problem in a knowledge base that failed to load: file, key path, what is wrong, the fix."""

    file: str
    path: str
    message: str
    fix: str


class LoadReportOut(BaseModel):
    ok: bool
    path: str
    at: datetime
    version: str | None
    hash: str | None
    issues: list[KbIssueOut]


class KbInfo(BaseModel):
    """The knowledge base in use."""

    name: dict[str, str]
    version: str
    hash: str
    default_benchmark_set: str
    benchmark_sets: list[str]
    path: str = Field(description="the folder's name relative to the configured roots (never the server's full path)")
    loaded_at: datetime
    counts: dict[str, int]
    in_memory: list[KbRef] = Field(description="knowledge bases kept for exact replays, oldest first")
    last_load: LoadReportOut | None = Field(description="the last load or reload, failed or not")


class ReloadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(
        default=None,
        max_length=4096,
        description="knowledge-base folder inside the configured roots (SMART_AUDIT_KB_ROOTS; default: the folder "
        "holding the configured knowledge base)",
    )


class GraphOut(BaseModel):
    """The process graph, node-link JSON: edges have a ``kind`` (route, input, output, destination, ...)."""

    directed: bool
    multigraph: bool
    graph: dict[str, Any]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


class KbRecordOut(BaseModel):
    """One knowledge-base record, where it was read, and its content."""

    id: str
    kind: str = Field(examples=["indicators", "options", "rules", "sources"])
    file: str = Field(description="file relative to the knowledge-base root")
    key_path: str
    data: dict[str, Any]


class ManualOut(BaseModel):
    """The self-inspection manual generated from the knowledge base."""

    model_config = ConfigDict(extra="allow")

    kb_version: str
    kb_hash: str
    title: dict[str, str]
    data_schema: str
    question_count: int
    sections: list[dict[str, Any]]


class KbSummaryOut(BaseModel):
    """What ``smart-audit kb check --json`` reports: counts, values by grade, rule coverage, open gaps."""

    model_config = ConfigDict(extra="allow")

    version: str
    hash: str
    default_benchmark_set: str
    counts: dict[str, int]
    grades: dict[str, int]
    source_grades: dict[str, int]
    graph: dict[str, int]
    rule_coverage: dict[str, Any]
    gaps: list[dict[str, str]]


class ReloadOut(BaseModel):
    """A reload that succeeded: the knowledge base now served, and the one it replaced."""

    loaded: LoadReportOut
    serving: KbRef
    previous: KbRef | None
