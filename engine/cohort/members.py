"""What the overall evaluation reads from each member's plan: level, indicators, finding kinds, options.

A member is one enterprise in one period, with its self-inspection and the plan built from it (the plan's JSON as
the engine makes it; its ``evaluation`` is the level evaluation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Member", "finding_kinds", "indicator_rows", "options_of"]


@dataclass(frozen=True)
class Member:
    enterprise_id: str
    period: str
    self_inspection: dict[str, Any]
    plan: dict[str, Any]
    ref: str | None = None  # the stored self-inspection id, or the file it came from
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def evaluation(self) -> dict[str, Any]:
        ev: dict[str, Any] = self.plan.get("evaluation") or {}
        return ev

    @property
    def name(self) -> str:
        ent = self.plan.get("enterprise") or self.self_inspection.get("enterprise") or {}
        return str(ent.get("name") or self.enterprise_id)

    @property
    def district(self) -> str:
        ent = self.plan.get("enterprise") or self.self_inspection.get("enterprise") or {}
        return str(ent.get("district") or "")

    @property
    def level(self) -> str | None:
        level = self.evaluation.get("overall_level")
        return str(level) if level is not None else None


def finding_kinds(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Finding kind -> {rules, subjects, severity} from the plan's trace (the kind, not the instance id)."""
    out: dict[str, dict[str, Any]] = {}
    for node in (plan.get("trace") or {}).values():
        if node.get("type") != "finding":
            continue
        value = node.get("value") or {}
        kind = value.get("finding")
        if not kind:
            continue
        entry = out.setdefault(kind, {"rules": set(), "subjects": set(), "severity": value.get("severity")})
        if node.get("rule"):
            entry["rules"].add(node["rule"])
        if value.get("subject"):
            entry["subjects"].add(value["subject"])
    return out


def indicator_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The evaluation's indicators (each row keyed by ``key``: the indicator id and its board type)."""
    return list((plan.get("evaluation") or {}).get("indicators") or [])


def options_of(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan.get("recommendations") or [])
