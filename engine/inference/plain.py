"""A plain Python evaluator of the same rule conditions, with the same strata.

It serves twice: as the oracle of the differential tests (its conclusions must equal durable_rules'), and to
explain why a rule did not fire: which condition failed, the actual against the required value, or which input
was missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.inference.program import KEY_FIELDS, Program, conclude, merge_conclusions
from engine.kb.rules import FieldTest, Match, MatchAll, MatchAny, Pattern, Rule

__all__ = ["Firing", "explain_not_fired", "match", "run_plain"]


@dataclass(frozen=True)
class Firing:
    rule: str
    premises: tuple[str, ...]  # ids of the facts bound by the rule's ``when`` patterns, in order
    conclusion: dict[str, Any]


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "eq":
        return _same(actual, expected)
    if op == "ne":
        return not _same(actual, expected)
    if not (_num(actual) and _num(expected)):
        return False
    results = {"gt": actual > expected, "ge": actual >= expected, "lt": actual < expected, "le": actual <= expected}
    return bool(results[op])


def field_holds(test: FieldTest, fact: dict[str, Any], bound: dict[str, dict[str, Any]]) -> bool:
    present = test.field in fact
    if test.op == "present":
        return present
    if test.op == "absent":
        return not present
    if not present:
        return False
    actual = fact[test.field]
    if test.ref is not None:
        name, _, other = test.ref.partition(".")
        if other not in bound[name]:
            return False
        return _compare(test.op, actual, bound[name][other])
    if test.op == "in":
        return any(_compare("eq", actual, v) for v in test.value)
    if test.op == "not_in":
        return all(_compare("ne", actual, v) for v in test.value)
    if test.op == "contains":
        return isinstance(actual, list) and any(_compare("eq", item, test.value) for item in actual)
    return _compare(test.op, actual, test.value)


def match(m: Match | None, fact: dict[str, Any], bound: dict[str, dict[str, Any]]) -> bool:
    if m is None:
        return True
    if isinstance(m, MatchAll):
        return all(match(part, fact, bound) for part in m.all)
    if isinstance(m, MatchAny):
        return any(match(part, fact, bound) for part in m.any)
    return field_holds(m, fact, bound)


def _candidates(
    pattern: Pattern, facts: list[dict[str, Any]], bound: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    # as in durable_rules, the patterns of one rule (when and unless) match distinct facts
    taken = {f["id"] for f in bound.values()}
    for fact in facts:
        if fact["type"] == pattern.fact and fact["id"] not in taken and match(pattern.match, fact, bound):
            yield fact


def _bindings(rule: Rule, facts: list[dict[str, Any]]) -> Iterator[dict[str, dict[str, Any]]]:
    def walk(i: int, bound: dict[str, dict[str, Any]]) -> Iterator[dict[str, dict[str, Any]]]:
        if i == len(rule.when):
            if not any(any(True for _ in _candidates(p, facts, bound)) for p in rule.unless):
                yield dict(bound)
            return
        pattern = rule.when[i]
        for fact in _candidates(pattern, facts, bound):
            bound[pattern.as_] = fact
            yield from walk(i + 1, bound)
            del bound[pattern.as_]

    yield from walk(0, {})


def run_plain(program: Program, base: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Firing]]:
    """All conclusions and every firing, stratum by stratum; a stratum's conclusions join the facts together."""
    facts = [dict(f) for f in base]
    known = {f["id"] for f in facts}
    firings: list[Firing] = []
    for stratum in program.strata:
        produced: list[dict[str, Any]] = []
        for rid in stratum:
            rule = program.rules[rid].rule
            for bound in _bindings(rule, facts):
                conclusion = conclude(rule, bound)
                firings.append(Firing(rid, tuple(bound[p.as_]["id"] for p in rule.when), conclusion))
                produced.append(conclusion)
        new = merge_conclusions(produced, known)
        known.update(c["id"] for c in new)
        facts.extend(new)
    return facts[len(base) :], firings


# --- why not ----------------------------------------------------------------------------------------------------


def _first_failure(m: Match | None, fact: dict[str, Any], bound: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The first failing leaf test of ``m`` on ``fact`` (for ``any``, the failure of its first branch)."""
    if m is None:
        return None
    if isinstance(m, MatchAll):
        for part in m.all:
            failure = _first_failure(part, fact, bound)
            if failure is not None:
                return failure
        return None
    if isinstance(m, MatchAny):
        if match(m, fact, bound):
            return None
        branches = [_first_failure(part, fact, bound) for part in m.any]
        first = next(b for b in branches if b is not None)
        return {**first, "alternatives": len(m.any)}
    if field_holds(m, fact, bound):
        return None
    expected: Any = m.value
    if m.ref is not None:
        name, _, other = m.ref.partition(".")
        expected = {"ref": m.ref, "value": bound.get(name, {}).get(other)}
    return {
        "fact": fact["id"],
        "field": m.field,
        "op": m.op,
        "required": expected,
        "actual": fact.get(m.field),
        "missing": m.field not in fact and m.op != "absent",
    }


def _score(m: Match | None, fact: dict[str, Any], bound: dict[str, dict[str, Any]]) -> int:
    if m is None:
        return 0
    if isinstance(m, MatchAll):
        return sum(_score(p, fact, bound) for p in m.all)
    if isinstance(m, MatchAny):
        return max(_score(p, fact, bound) for p in m.any)
    if not field_holds(m, fact, bound):
        return 0
    # a fact that is the one the pattern names (its indicator, step, finding...) is the closest candidate
    return 10 if m.op == "eq" and m.field in KEY_FIELDS and m.field != "level" else 1


def _by_score(item: tuple[int, dict[str, Any]]) -> tuple[int, str]:
    return item[0], str(item[1]["id"])


def explain_not_fired(rule: Rule, facts: list[dict[str, Any]]) -> dict[str, Any]:
    """Why ``rule`` did not fire on ``facts``: the deepest partial match and the condition that stopped it."""
    best: dict[str, Any] | None = None

    def walk(i: int, bound: dict[str, dict[str, Any]]) -> bool:
        nonlocal best
        if i == len(rule.when):
            for p in rule.unless:
                blocker = next(_candidates(p, facts, bound), None)
                if blocker is not None:
                    best = {
                        "reason": "blocked",
                        "pattern": p.as_,
                        "by": blocker["id"],
                        "matched": {k: v["id"] for k, v in bound.items()},
                    }
                    return True
            return False
        pattern = rule.when[i]
        taken = {f["id"] for f in bound.values()}
        same_type = [f for f in facts if f["type"] == pattern.fact and f["id"] not in taken]
        matches = [f for f in same_type if match(pattern.match, f, bound)]
        for fact in matches:
            bound[pattern.as_] = fact
            if walk(i + 1, bound):
                return True
            del bound[pattern.as_]
        if not matches and (best is None or best.get("depth", -1) < i):
            if not same_type:
                best = {
                    "reason": "no_fact",
                    "pattern": pattern.as_,
                    "fact_type": pattern.fact,
                    "depth": i,
                    "matched": {k: v["id"] for k, v in bound.items()},
                }
            else:
                # the closest candidate: the fact that satisfies the most of the pattern's conditions; the
                # condition reported is one that failed on it. If none of several satisfies any, no fact is named
                # (naming an arbitrary one misleads): the condition that no fact meets is reported instead.
                score, closest = max(((_score(pattern.match, f, bound), f) for f in same_type), key=_by_score)
                failed = _first_failure(pattern.match, closest, bound)
                if score == 0 and len(same_type) > 1 and failed is not None:
                    failed = {**failed, "fact": None, "actual": None, "missing": False}
                best = {
                    "reason": "condition_failed",
                    "pattern": pattern.as_,
                    "depth": i,
                    "failed": failed,
                    "fact_type": pattern.fact,
                    "candidates": len(same_type),
                    "matched": {k: v["id"] for k, v in bound.items()},
                }
        return False

    if walk(0, {}):
        pass
    if best is None:
        return {"reason": "fired"}
    best.pop("depth", None)
    return best
