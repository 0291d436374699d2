"""Strata of the rules: a rule runs after every rule whose conclusions it may match. Part of the knowledge base's
checks (a cycle is an error of the knowledge base) and of the rule compiler (engine/inference/program.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import SmartAuditError
from engine.kb.rulecheck import field_tests
from engine.kb.rules import Pattern

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["RuleCycleError", "strata"]


class RuleCycleError(SmartAuditError):
    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("rules depend on each other in a cycle: " + " -> ".join(cycle))


def _produced_by(kb: KnowledgeBase) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for rule in kb.rules.values():
        then = rule.then
        if then.finding is not None:
            out.setdefault(("finding", then.finding.id), []).append(rule.id)
        elif then.recommend is not None:
            out.setdefault(("recommendation", then.recommend.option), []).append(rule.id)
        elif then.constraint is not None:
            out.setdefault(("constraint", then.constraint.option), []).append(rule.id)
    return out


def _may_match(pattern: Pattern, produced: dict[tuple[str, str], list[str]]) -> list[str]:
    """Rules whose conclusions a pattern may match."""
    if pattern.fact not in ("finding", "recommendation"):
        return []
    key_field = "finding" if pattern.fact == "finding" else "option"
    fixed: set[str] | None = None
    for test in field_tests(pattern.match):
        if test.field == key_field and test.op == "eq" and isinstance(test.value, str):
            fixed = {test.value}
        elif test.field == key_field and test.op == "in" and isinstance(test.value, list):
            fixed = {str(v) for v in test.value}
    return sorted(
        r
        for (kind, key), rules in produced.items()
        if kind == pattern.fact and (fixed is None or key in fixed)
        for r in rules
    )


def strata(kb: KnowledgeBase) -> dict[str, int]:
    """Stratum of every rule; raises :class:`RuleCycleError` naming a cycle."""
    produced = _produced_by(kb)
    deps = {
        rid: sorted({d for p in [*rule.when, *rule.unless] for d in _may_match(p, produced)})
        for rid, rule in kb.rules.items()
    }
    level: dict[str, int] = {}
    visiting: list[str] = []

    def visit(rid: str) -> int:
        if rid in level:
            return level[rid]
        if rid in visiting:
            raise RuleCycleError([*visiting[visiting.index(rid) :], rid])
        visiting.append(rid)
        value = 1 + max((visit(d) for d in deps[rid]), default=-1)
        visiting.pop()
        level[rid] = value
        return value

    for rid in sorted(kb.rules):
        visit(rid)
    return level
