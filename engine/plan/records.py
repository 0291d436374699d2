"""The working record of one recommended option while the plan is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.kb.options import Option
from engine.plan.benefits import Savings

__all__ = ["SEVERITY_ORDER", "Rec"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Rec:
    option: Option
    steps: list[str] = field(default_factory=list)
    because: list[str] = field(default_factory=list)  # trace node ids: recommendation nodes and their premises
    findings: list[dict[str, Any]] = field(default_factory=list)
    origin: str = "rule"  # rule | prerequisite
    reason: str = ""
    savings: Savings | None = None
    money: dict[str, Any] | None = None
    payback: dict[str, Any] | None = None
    priority: dict[str, Any] = field(default_factory=dict)
