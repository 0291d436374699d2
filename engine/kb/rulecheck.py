"""Load-time type check of the rules against the declared facts (engine/kb/factschema.py).

Every field a rule tests must exist on its fact type; the operator must fit the field's type; literal values
must be allowed values (question choices, known ids, levels); a numeric literal on a quantity carries the
quantity's unit, and one that is a number about the world (any unit but "1") carries a source and a grade;
references name an earlier binding and an existing field; placeholders of the rationale resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from engine.errors import KbIssue, did_you_mean
from engine.kb.factschema import FieldSpec, fact_schema
from engine.kb.rules import NUMERIC, FieldTest, Match, MatchAll, MatchAny, Pattern

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["check_rules", "field_tests", "placeholders"]

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")


def field_tests(match: Match | None) -> Iterator[FieldTest]:
    if match is None:
        return
    if isinstance(match, MatchAll):
        for part in match.all:
            yield from field_tests(part)
    elif isinstance(match, MatchAny):
        for part in match.any:
            yield from field_tests(part)
    else:
        yield match


def placeholders(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _PLACEHOLDER.finditer(text)]


def _fixed_indicator(pattern: Pattern) -> str | None:
    if pattern.fact != "indicator" or pattern.match is None:
        return None
    for test in field_tests(pattern.match):
        if test.field == "indicator" and test.op == "eq" and isinstance(test.value, str):
            return test.value
    return None


def check_rules(kb: KnowledgeBase) -> list[KbIssue]:
    issues: list[KbIssue] = []
    schema = fact_schema(kb)
    concluded_findings = {r.then.finding.id for r in kb.rules.values() if r.then.finding}
    for rid, rule in kb.rules.items():
        o = kb.origin("rules", rid)

        def add(path: str, message: str, fix: str = "", _o: Any = o) -> None:
            issues.append(KbIssue(_o.file, f"{_o.path}.{path}" if path else _o.path, message, fix))

        for i, sid in enumerate(rule.sources):
            if sid not in kb.sources:
                close = did_you_mean(sid, kb.sources)
                add(f"sources[{i}]", f"unknown source {sid!r}", f"did you mean {close[0]!r}?" if close else "")
        bound: dict[str, Pattern] = {}
        for part, patterns in (("when", rule.when), ("unless", rule.unless)):
            for pi, pattern in enumerate(patterns):
                ppath = f"{part}[{pi}]({pattern.as_})"
                _check_pattern(kb, schema, pattern, bound, concluded_findings, ppath, add)
                if part == "when":
                    bound[pattern.as_] = pattern
        then = rule.then
        if then.finding is not None:
            if then.finding.id not in kb.findings:
                close = did_you_mean(then.finding.id, kb.findings)
                add(
                    "then.finding.id",
                    f"unknown finding {then.finding.id!r}",
                    f"did you mean {close[0]!r}?" if close else "define it in knowledge_base/findings",
                )
            if then.finding.subject is not None and then.finding.subject not in bound:
                add("then.finding.subject", f"no binding {then.finding.subject!r}", f"use one of {sorted(bound)}")
            elif then.finding.subject is not None and then.finding.id in kb.findings:
                want = kb.findings[then.finding.id].subject
                got = bound[then.finding.subject].fact
                if want != got:
                    add(
                        "then.finding.subject",
                        f"finding {then.finding.id!r} is about a {want}, the binding is a {got}",
                        "bind the right fact as subject",
                    )
        for out_name in ("recommend", "constraint"):
            out = getattr(then, out_name)
            if out is None:
                continue
            options = getattr(kb, "options", {})
            for opt in [out.option, getattr(out, "requires", None), getattr(out, "excludes", None)]:
                if opt is not None and opt not in options:
                    close = did_you_mean(opt, options)
                    add(
                        f"then.{out_name}",
                        f"unknown option {opt!r}",
                        f"did you mean {close[0]!r}?" if close else "define it in the options catalogue",
                    )
            subject = getattr(out, "subject", None)
            if subject is not None and subject not in bound:
                add(f"then.{out_name}.subject", f"no binding {subject!r}", f"use one of {sorted(bound)}")
        for lang in ("zh", "en"):
            for name, fld in placeholders(getattr(rule.rationale, lang)):
                if name not in bound:
                    add(
                        f"rationale.{lang}",
                        f"placeholder {{{name}.{fld}}} names no binding",
                        f"use one of {sorted(bound)}",
                    )
                elif fld not in schema[bound[name].fact]:
                    close = did_you_mean(fld, schema[bound[name].fact])
                    add(
                        f"rationale.{lang}",
                        f"placeholder {{{name}.{fld}}}: a {bound[name].fact} fact has no {fld!r}",
                        f"did you mean {close[0]!r}?" if close else "",
                    )
    return issues


def _nested_refs(match: Match | None, top: bool = True) -> list[str]:
    """Refs inside any/all groups (durable_rules ignores such joins)."""
    if match is None or isinstance(match, FieldTest):
        return [] if top or match is None or match.ref is None else [match.field]
    parts = match.all if isinstance(match, MatchAll) else match.any
    nested = isinstance(match, MatchAny) or not top
    return [f for part in parts for f in _nested_refs(part, top=not nested and isinstance(match, MatchAll))]


def _check_pattern(
    kb: KnowledgeBase,
    schema: dict[str, dict[str, FieldSpec]],
    pattern: Pattern,
    bound: dict[str, Pattern],
    concluded_findings: set[str],
    ppath: str,
    add: Any,
) -> None:
    fields = schema[pattern.fact]
    for name in _nested_refs(pattern.match):
        add(
            f"{ppath}.match[{name}]",
            "a ref must be a top-level test of its pattern, not inside any/all groups",
            "move the join to the pattern's top-level all (durable_rules ignores nested joins)",
        )
    indicator = _fixed_indicator(pattern)
    if indicator is not None and indicator not in kb.indicators:
        close = did_you_mean(indicator, kb.indicators)
        add(f"{ppath}.match", f"unknown indicator {indicator!r}", f"did you mean {close[0]!r}?" if close else "")
        indicator = None
    for test in field_tests(pattern.match):
        tpath = f"{ppath}.match[{test.field}]"
        spec = fields.get(test.field)
        if spec is None:
            close = did_you_mean(test.field, fields)
            add(
                tpath,
                f"a {pattern.fact} fact has no field {test.field!r}",
                f"did you mean {close[0]!r}?" if close else f"fields: {sorted(fields)[:12]}...",
            )
            continue
        if test.op in ("present", "absent"):
            continue
        if test.ref is not None:
            name, _, fld = test.ref.partition(".")
            if name not in bound:
                add(tpath, f"ref {test.ref!r} names no earlier binding", f"bind it first; bound: {sorted(bound)}")
            elif fld not in schema[bound[name].fact]:
                add(tpath, f"ref {test.ref!r}: a {bound[name].fact} fact has no field {fld!r}")
            elif schema[bound[name].fact][fld].kind != spec.kind and spec.kind != "list":
                add(tpath, f"ref {test.ref!r} is a {schema[bound[name].fact][fld].kind}, {test.field!r} a {spec.kind}")
            continue
        values = test.value if isinstance(test.value, list) else [test.value]
        if spec.kind == "bool":
            if test.op not in ("eq", "ne") or not all(isinstance(v, bool) for v in values):
                add(tpath, f"op {test.op!r} with {test.value!r} does not fit a yes/no field", "use eq/ne true/false")
        elif spec.kind == "str":
            if test.op in NUMERIC or test.op == "contains":
                add(tpath, f"op {test.op!r} does not fit a text field", "use eq, ne, in or not_in")
            allowed = spec.allowed
            if pattern.fact == "finding" and test.field == "finding":
                allowed = tuple(sorted(concluded_findings))
            for v in values:
                if allowed and v not in allowed:
                    close = did_you_mean(str(v), allowed)
                    add(
                        tpath,
                        f"{v!r} is not a value of {pattern.fact}.{test.field}",
                        f"did you mean {close[0]!r}?" if close else f"allowed: {list(allowed)[:12]}",
                    )
        elif spec.kind == "list":
            if test.op != "contains":
                add(tpath, f"op {test.op!r} does not fit a list field", "use contains, present or absent")
            for v in values:
                if spec.allowed and v not in spec.allowed:
                    close = did_you_mean(str(v), spec.allowed)
                    add(
                        tpath,
                        f"{v!r} is not a value of {pattern.fact}.{test.field}",
                        f"did you mean {close[0]!r}?" if close else "",
                    )
        elif spec.kind == "number":
            if test.op in ("in", "not_in", "contains") or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            ):
                add(tpath, f"op {test.op!r} with {test.value!r} does not fit a number field", "compare with a number")
                continue
            unit = spec.unit
            if spec.per_indicator_unit:
                if indicator is None:
                    add(
                        tpath,
                        f"the unit of {test.field!r} depends on the indicator",
                        "fix the indicator with {field: indicator, op: eq, value: <id>} in the same pattern",
                    )
                    continue
                unit = kb.indicators[indicator].unit
            if test.unit != unit and not (unit == "1" and test.unit is None):
                add(
                    tpath,
                    f"literal {test.value!r} is given in {test.unit!r}, the field is in {unit!r}",
                    f"write unit: {unit!r} and the value in that unit",
                )
            if unit != "1" and (test.source is None or test.grade is None):
                add(
                    tpath,
                    f"the threshold {test.value} {unit} is a number about the world without a source",
                    "add source and grade, or compare with the benchmark (level, level_rank, ratio_to_III)",
                )
            if test.source is not None:
                if test.source not in kb.sources:
                    close = did_you_mean(test.source, kb.sources)
                    add(tpath, f"unknown source {test.source!r}", f"did you mean {close[0]!r}?" if close else "")
                elif test.grade is not None and test.grade.rank < kb.sources[test.source].grade.rank:
                    add(tpath, f"grade {test.grade} is better than its source's grade {kb.sources[test.source].grade}")
