"""Rules compiled once per knowledge base: strata, durable_rules JSON, and the conclusion each firing asserts.

Stratification makes forward chaining with negation deterministic: a rule's stratum is one more than the highest
stratum of the rules concluding facts it may match (in ``when`` or ``unless``); rules that read only base facts
are stratum 0. Rules of stratum k run after every conclusion of lower strata exists (durable_rules: a gate fact
per stratum), so an ``unless`` never fires on a fact that a later firing would assert. A cycle is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.kb.loader import KnowledgeBase
from engine.kb.rules import FieldTest, Match, MatchAll, MatchAny, Pattern, Rule
from engine.kb.strata import RuleCycleError, strata

__all__ = [
    "GATE",
    "GATE_KEY",
    "SINK",
    "CompiledRule",
    "Program",
    "RuleCycleError",
    "binding_keys",
    "compile_program",
    "conclude",
    "strata",
]

GATE = "gate"  # name of the stratum gate fact type and id prefix
GATE_KEY = "g__gate"  # its binding key in compiled rules


def binding_keys(rule: Rule) -> dict[str, str]:
    """durable_rules keys of a rule's bindings: by position (``b0``, ``b1``, ... and ``u0`` for ``unless``), never
    the author's names, because its closures reserve names such as ``s`` and ``m``, and because positional keys
    let identical joins of different rules share one alpha node (its alpha stack holds only 64 entries)."""
    keys = {p.as_: f"b{i}" for i, p in enumerate(rule.when)}
    keys.update({p.as_: f"u{i}" for i, p in enumerate(rule.unless)})
    return keys


FACT_TYPES = (
    "enterprise",
    "step",
    "indicator",
    "stream",
    "effluent",
    "finding",
    "recommendation",
    "constraint",
    "gate",
)


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    stratum: int
    definition: dict[str, Any]


@dataclass(frozen=True)
class Chunk:
    """One durable_rules ruleset: a slice of one stratum's rules (rules of a stratum never read each other's
    conclusions, so they can run in separate sessions).

    ``accepts``: by fact type, the alternatives of literal string equalities one pattern (``when`` or ``unless``)
    of the chunk's rules requires (an empty alternative: every fact of the type). A fact no alternative admits
    could pass no alpha node of the chunk's rules, so it is not sent to that chunk; every fact that is sent still
    matches the chunk's catch-all. Facts are sent whole: sending only the tested fields lost firings
    (durable_rules 2.0.28, tests/inference/test_differential.py).
    """

    name: str
    stratum: int
    rules: tuple[str, ...]
    definition: dict[str, Any]
    accepts: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = field(default_factory=dict)

    def admits(self, fact: dict[str, Any]) -> bool:
        alternatives = self.accepts.get(fact["type"])
        if alternatives is None:
            return False
        for required in alternatives:
            for key, value in required:
                have = fact.get(key)
                if have != value and not isinstance(have, list):  # a list: left to the engine (conservative)
                    break
            else:
                return True
        return False


@dataclass(frozen=True)
class Program:
    name: str
    kb_hash: str
    rules: dict[str, CompiledRule]
    strata: list[list[str]]
    chunks: list[Chunk]


# Rules per durable_rules ruleset. Its alpha network walks a fixed 64-entry stack (events.c MAX_STACK_SIZE) and
# fails with error 303 when a fact matches too many alpha nodes at once, leaving a state that crashes on
# delete_state (measured with 285 rules in one ruleset, knowledge base 0.2.0). Small rulesets keep every fact's
# branching low; each ruleset is one more session parsing the facts again. With the tests ordered by selectivity
# (_selectivity), whole strata of up to 190 rules ran the 1,000 generated inputs of tests/inference/
# test_differential.py without error (session 7); 100 keeps half of that margin and needs 7 sessions instead of
# 12 (durable_rules' run about -20 % instructions; benchmarks/RESULTS.md).
CHUNK_SIZE = 100
SINK = "sink:"  # the catch-all rules' names, sink:<fact type>: a ':' no rule id can hold (engine/kb/rules.py)


# --- durable_rules JSON ----------------------------------------------------------------------------------------


def _test_json(test: FieldTest, keys: dict[str, str]) -> dict[str, Any]:
    """One test as durable_rules JSON. A test on a property the fact lacks never matches (the alpha network only
    visits a fact's own properties), which is the plain evaluator's semantics too, so no ``$ex`` guard is added:
    each extra alpha node costs room on durable_rules' fixed 64-entry alpha stack (error 303)."""
    f = test.field
    if test.op == "present":
        return {"$ex": {f: 1}}
    if test.op == "absent":
        return {"$nex": {f: 1}}
    if test.ref is not None:
        name, _, other = test.ref.partition(".")
        ref = {keys[name]: other}
        op = {"eq": None, "ne": "$neq", "gt": "$gt", "ge": "$gte", "lt": "$lt", "le": "$lte"}[test.op]
        return {f: ref} if op is None else {op: {f: ref}}
    if test.op == "eq":
        return {f: test.value}
    if test.op == "ne":
        return {"$neq": {f: test.value}}
    if test.op == "in":
        return {"$or": [{f: v} for v in test.value]}
    if test.op == "not_in":
        return {"$and": [{"$neq": {f: v}} for v in test.value]}
    if test.op == "contains":
        return {"$iany": {f: {"$i": test.value}}}
    op = {"gt": "$gt", "ge": "$gte", "lt": "$lt", "le": "$lte"}[test.op]
    return {op: {f: test.value}}


def _match_json(match: Match, keys: dict[str, str]) -> dict[str, Any]:
    if isinstance(match, MatchAll):
        return {"$and": [_match_json(m, keys) for m in _ordered(match.all)]}
    if isinstance(match, MatchAny):
        return {"$or": [_match_json(m, keys) for m in match.any]}
    return _test_json(match, keys)


KEY_FIELDS = frozenset(
    {
        "indicator",
        "step",
        "family",
        "finding",
        "option",
        "stream",
        "subject_step",
        "subject_family",
        "subject_indicator",
        "subject_stream",
        "pollutant",
        "subject_pollutant",
        "level",
    }
)


def _selectivity(item: Match) -> int:
    """Order of the tests of a pattern. Selective equality tests first, so that durable_rules' alpha network
    branches on few nodes per fact (its alpha stack holds 64 entries: error 303); joins (refs) before any group
    (``in``, ``not_in``, any, all), because durable_rules ignores a join that follows a group (measured)."""
    if not isinstance(item, FieldTest):
        return 9
    if item.ref is not None:
        return 6
    if item.op == "eq" and isinstance(item.value, str):
        return 0 if item.field in KEY_FIELDS else 1
    if item.op == "eq":
        return 2
    if item.op in ("gt", "ge", "lt", "le"):
        return 3
    if item.op in ("ne", "contains"):
        return 4
    if item.op in ("present", "absent"):
        return 5
    return 9  # in, not_in compile to groups


def _ordered(items: list[Match]) -> list[Match]:
    return sorted(items, key=_selectivity)


def _pattern_json(pattern: Pattern, keys: dict[str, str]) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"type": pattern.fact}]
    if isinstance(pattern.match, MatchAll):
        parts += [_match_json(m, keys) for m in _ordered(pattern.match.all)]
    elif pattern.match is not None:
        parts.append(_match_json(pattern.match, keys))
    return {"$and": parts}


def _rule_json(rule: Rule) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{GATE_KEY: {"type": GATE}}]
    keys = binding_keys(rule)
    terms += [{keys[p.as_]: _pattern_json(p, keys)} for p in rule.when]
    terms += [{f"{keys[p.as_]}$not": _pattern_json(p, keys)} for p in rule.unless]
    return {"all": terms, "pri": rule.priority, "run": f"rule:{rule.id}"}


def _required(pattern: Pattern) -> tuple[tuple[str, str], ...]:
    """The literal string equalities a fact must meet to pass the pattern's alpha nodes (a subset of its tests,
    so that the filter never refuses a fact the engine would accept)."""
    tests = pattern.match.all if isinstance(pattern.match, MatchAll) else [pattern.match] if pattern.match else []
    return tuple(
        sorted(
            (t.field, t.value)
            for t in tests
            if isinstance(t, FieldTest) and t.op == "eq" and t.ref is None and isinstance(t.value, str)
        )
    )


def _accepts(rules: list[Rule]) -> dict[str, tuple[tuple[tuple[str, str], ...], ...]]:
    accepts: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for rule in rules:
        for pattern in [*rule.when, *rule.unless]:
            accepts.setdefault(pattern.fact, set()).add(_required(pattern))
    return {t: (((),) if () in alts else tuple(sorted(alts))) for t, alts in accepts.items()}


def compile_program(kb: KnowledgeBase) -> Program:
    levels = strata(kb)
    base = f"smart_audit_{kb.version.short_hash}"
    compiled = {rid: CompiledRule(rule, levels[rid], _rule_json(rule)) for rid, rule in kb.rules.items()}
    depth = max(levels.values(), default=-1) + 1
    by_stratum = [sorted(r for r, lv in levels.items() if lv == k) for k in range(depth)]
    chunks = []
    for k, rule_ids in enumerate(by_stratum):
        for start in range(0, len(rule_ids), CHUNK_SIZE):
            part = tuple(rule_ids[start : start + CHUNK_SIZE])
            definition: dict[str, Any] = {rid: compiled[rid].definition for rid in part}
            # every fact must match some rule, or durable_rules raises MessageNotHandledException. The catch-all
            # fires once per fact (one Python call each). Measured and refused: a ``cap`` on it lost real firings
            # of other rules on generated inputs (tests/inference/test_differential.py); a catch-all that waits
            # for a fact never asserted made delete_state corrupt the heap (double free).
            for fact_type in FACT_TYPES:
                definition[f"{SINK}{fact_type}"] = {"all": [{"m": {"type": fact_type}}], "pri": 999, "run": "sink"}
            name = f"{base}_s{k}_c{start // CHUNK_SIZE}"
            chunks.append(Chunk(name, k, part, {name: definition}, _accepts([kb.rules[rid] for rid in part])))
    return Program(base, kb.version.hash, compiled, by_stratum, chunks)


# --- conclusions ------------------------------------------------------------------------------------------------

_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


def merge_conclusions(firings_conclusions: list[dict[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    """The new facts of one stratum: one per id, whatever the order the rules fired in. Several rules may conclude
    the same finding about the same subject; the fact carries the highest severity among them."""
    merged: dict[str, dict[str, Any]] = {}
    for conclusion in firings_conclusions:
        cid = conclusion["id"]
        if cid in known:
            continue
        if cid not in merged:
            merged[cid] = dict(conclusion)
        elif "severity" in conclusion:
            current = merged[cid]
            if _SEVERITY_RANK[conclusion["severity"]] > _SEVERITY_RANK[current["severity"]]:
                current["severity"] = conclusion["severity"]
    return [merged[cid] for cid in sorted(merged)]


def conclude(rule: Rule, bound: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fact a firing asserts; identical in the durable and the plain engine (its id identifies it)."""
    then = rule.then
    if then.finding is not None:
        out: dict[str, Any] = {"type": "finding", "finding": then.finding.id, "severity": then.finding.severity}
        subject = bound[then.finding.subject] if then.finding.subject else None
        out["id"] = f"finding:{then.finding.id}" + (f"@{subject['id']}" if subject else "")
    elif then.recommend is not None:
        out = {"type": "recommendation", "option": then.recommend.option}
        subject = bound[then.recommend.subject] if then.recommend.subject else None
        out["id"] = f"recommendation:{then.recommend.option}" + (f"@{subject['id']}" if subject else "")
    else:
        assert then.constraint is not None
        c = then.constraint
        relation, other = ("requires", c.requires) if c.requires else ("excludes", c.excludes)
        out = {
            "type": "constraint",
            "id": f"constraint:{c.option}:{relation}:{other}",
            "option": c.option,
            "relation": relation,
            "other": other,
        }
        subject = None
    if subject is not None:
        out["subject"] = subject["id"]
        for src, dst in (
            ("step", "subject_step"),
            ("family", "subject_family"),
            ("indicator", "subject_indicator"),
            ("stream", "subject_stream"),
            ("pollutant", "subject_pollutant"),
            ("outlet", "subject_outlet"),
        ):
            if src in subject and isinstance(subject[src], str):
                out[dst] = subject[src]
    return out
