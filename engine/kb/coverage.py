"""Rule coverage, reported by ``smart-audit kb check``: which steps and quantitative indicators no rule is
about, which findings or options no rule reaches, and which rules can never fire (contradictory tests, or
dependence on conclusions that nothing produces)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.kb.rulecheck import field_tests
from engine.kb.rules import FieldTest, MatchAll, Pattern

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["rule_coverage"]


def _top_tests(pattern: Pattern) -> list[FieldTest]:
    """Tests that must all hold (the top-level conjunction of the pattern)."""
    m = pattern.match
    if m is None:
        return []
    if isinstance(m, FieldTest):
        return [m]
    if isinstance(m, MatchAll):
        return [t for t in m.all if isinstance(t, FieldTest)]
    return []


def _contradiction(pattern: Pattern) -> str | None:
    tests = [t for t in _top_tests(pattern) if t.ref is None]
    by_field: dict[str, list[FieldTest]] = {}
    for t in tests:
        by_field.setdefault(t.field, []).append(t)
    for fld, ts in by_field.items():
        eqs = {repr(t.value) for t in ts if t.op == "eq"}
        if len(eqs) > 1:
            return f"{pattern.as_}.{fld} must equal several values {sorted(eqs)}"
        if any(t.op == "absent" for t in ts) and any(t.op != "absent" for t in ts):
            return f"{pattern.as_}.{fld} is tested both absent and present"
        for t in ts:
            for u in ts:
                if t.op == "eq" and u.op == "ne" and t.value == u.value:
                    return f"{pattern.as_}.{fld} eq and ne {t.value!r}"
        lo: Decimal | None = None
        hi: Decimal | None = None
        lo_open = hi_open = False
        for t in ts:
            if t.op in ("gt", "ge") and isinstance(t.value, int | float):
                v = Decimal(str(t.value))
                if lo is None or v > lo or (v == lo and t.op == "gt"):
                    lo, lo_open = v, t.op == "gt"
            if t.op in ("lt", "le") and isinstance(t.value, int | float):
                v = Decimal(str(t.value))
                if hi is None or v < hi or (v == hi and t.op == "lt"):
                    hi, hi_open = v, t.op == "lt"
        if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
            return f"{pattern.as_}.{fld} has an empty range ({lo} .. {hi})"
    return None


def _fixed(pattern: Pattern, fields: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for t in field_tests(pattern.match):
        if t.field in fields and t.ref is None:
            if t.op == "eq" and isinstance(t.value, str):
                out.add(t.value)
            elif t.op in ("in", "contains") and isinstance(t.value, list | str):
                out.update([t.value] if isinstance(t.value, str) else [str(v) for v in t.value])
    return out


def rule_coverage(kb: KnowledgeBase) -> dict[str, Any]:
    steps_covered: set[str] = set()
    indicators_covered: set[str] = set()
    family_steps: dict[str, list[str]] = {}
    for step in kb.steps.values():
        family_steps.setdefault(step.family, []).append(step.id)
    for rule in kb.rules.values():
        for p in [*rule.when, *rule.unless]:
            if p.fact == "step":
                steps_covered |= _fixed(p, ("step",))
                for fam in _fixed(p, ("family",)):
                    steps_covered.update(family_steps.get(fam, []))
            if p.fact == "finding":
                steps_covered |= _fixed(p, ("subject_step",))
                for fam in _fixed(p, ("subject_family",)):
                    steps_covered.update(family_steps.get(fam, []))
                indicators_covered |= _fixed(p, ("subject_indicator",))
            if p.fact == "indicator":
                indicators_covered |= _fixed(p, ("indicator",))
            if p.fact == "enterprise":
                steps_covered |= _fixed(p, ("steps_run",))
    # rules that can never fire: contradictions, then dependence on conclusions nothing produces
    dead: dict[str, str] = {}
    for rid, rule in kb.rules.items():
        for p in rule.when:
            why = _contradiction(p)
            if why:
                dead[rid] = why
    changed = True
    while changed:
        changed = False
        live_findings = {r.then.finding.id for r in kb.rules.values() if r.then.finding and r.id not in dead}
        live_options = {r.then.recommend.option for r in kb.rules.values() if r.then.recommend and r.id not in dead}
        for rid, rule in kb.rules.items():
            if rid in dead:
                continue
            for p in rule.when:
                if p.fact == "finding":
                    wanted = _fixed(p, ("finding",))
                    if (wanted and not wanted & live_findings) or not live_findings:
                        dead[rid] = f"needs finding {sorted(wanted) or 'any'} that no live rule concludes"
                        changed = True
                        break
                if p.fact == "recommendation":
                    wanted = _fixed(p, ("option",))
                    if (wanted and not wanted & live_options) or not live_options:
                        dead[rid] = f"needs recommendation {sorted(wanted) or 'any'} that no live rule concludes"
                        changed = True
                        break
    options = getattr(kb, "options", {})
    reachable_options = {r.then.recommend.option for r in kb.rules.values() if r.then.recommend and r.id not in dead}
    quantitative = sorted(i for i, ind in kb.indicators.items() if ind.direction != "qualitative")
    return {
        "rules": len(kb.rules),
        "steps_without_rule": sorted(set(kb.steps) - steps_covered),
        "quantitative_indicators_without_rule": sorted(set(quantitative) - indicators_covered),
        "options_never_reachable": sorted(set(options) - reachable_options),
        "rules_never_firing": [{"rule": rid, "why": why} for rid, why in sorted(dead.items())],
    }
