"""Validation of a self-inspection against its schema and the knowledge base.

Errors make the submission invalid as a whole (nothing is accepted half); warnings flag values that are possible
but implausible, each with its reason. Every issue names the field path (``years[2].resources.electricity``)
and the rule broken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from engine.errors import SmartAuditError, did_you_mean
from engine.intake.model import Answer, Product, SelfInspection, StepFacts, YearData
from engine.intake.units import UNITS, to_canonical
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question

__all__ = ["InputIssue", "SelfInspectionInvalid", "ValidatedInspection", "parse_self_inspection"]

# "Implausible" means this many times beyond the loosest level-III threshold (or below 1/this of the strictest
# level-I threshold) of the default benchmark set: a screening rule of the intake, not a fact about the world.
PLAUSIBILITY_FACTOR = Decimal(10)


@dataclass(frozen=True)
class InputIssue:
    path: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


class SelfInspectionInvalid(SmartAuditError):
    """The self-inspection breaks the schema or the knowledge base's rules; nothing of it is accepted."""

    def __init__(self, errors: list[InputIssue], warnings: list[InputIssue] | None = None) -> None:
        self.errors = errors
        self.warnings = warnings or []
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"self-inspection invalid ({len(errors)} error(s)):\n{lines}")


@dataclass(frozen=True)
class ValidatedInspection:
    inspection: SelfInspection
    warnings: list[InputIssue]


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "literal[", "decimal")) or part in ("Decimal", "bool", "int", "str"):
            continue
        else:
            out += ("." if out else "") + part
    return out or "(root)"


def _schema_issues(exc: ValidationError) -> list[InputIssue]:
    issues = []
    for err in exc.errors():
        rule = str(err["type"])
        msg = err["msg"].removeprefix("Value error, ")
        if rule == "extra_forbidden":
            msg = f"unknown field {err['loc'][-1]!r}"
        elif rule == "missing":
            msg = "required field is missing"
        issues.append(InputIssue(_path(tuple(err["loc"])), rule, msg))
    # union members report the same problem several times; keep the first of each path+message
    seen: set[tuple[str, str]] = set()
    unique = []
    for issue in issues:
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            unique.append(issue)
    return unique


def _check_answer(q: Question, value: Answer, path: str) -> Iterator[InputIssue]:
    if value == "unknown":
        return
    kind = q.answer
    if kind == "boolean" and not isinstance(value, bool):
        yield InputIssue(path, "answer_type", f"question {q.id!r} takes true, false or 'unknown'")
    elif kind == "choice":
        allowed = [c.value for c in q.choices]
        if not isinstance(value, str) or value not in allowed:
            close = did_you_mean(str(value), allowed)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield InputIssue(path, "answer_choice", f"{value!r} is not a choice of {q.id!r}: {allowed}{hint}")
    elif kind == "multi_choice":
        allowed = [c.value for c in q.choices]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            yield InputIssue(path, "answer_choice", f"question {q.id!r} takes a list of {allowed}")
    elif kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            yield InputIssue(path, "answer_type", f"question {q.id!r} takes a number ({q.unit or 'count'})")
            return
        if kind == "integer" and Decimal(value) != Decimal(value).to_integral_value():
            yield InputIssue(path, "answer_type", f"question {q.id!r} takes a whole number")
        if q.minimum is not None and value < q.minimum:
            yield InputIssue(path, "answer_range", f"{value} is below the minimum {q.minimum} of {q.id!r}")
        if q.maximum is not None and value > q.maximum:
            yield InputIssue(path, "answer_range", f"{value} is above the maximum {q.maximum} of {q.id!r}")
    elif kind == "text" and not isinstance(value, str):
        yield InputIssue(path, "answer_type", f"question {q.id!r} takes text")


def _unknown_question(kb: KnowledgeBase, qid: str, path: str, candidates: list[str]) -> InputIssue:
    close = did_you_mean(qid, candidates)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return InputIssue(path, "unknown_question", f"there is no question {qid!r} in the manual{hint}")


def _check_answers(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    enterprise_q = [q.id for q in kb.questions.values() if q.scope == "enterprise"]
    for qid, value in si.answers.items():
        path = f"answers.{qid}"
        q = kb.questions.get(qid)
        if q is None:
            yield _unknown_question(kb, qid, path, list(kb.questions))
        elif q.scope != "enterprise":
            yield InputIssue(path, "answer_scope", f"{qid!r} is asked per process step: answer it under process[]")
        else:
            yield from _check_answer(q, value, path)
    del enterprise_q
    seen: dict[str, int] = {}
    for i, facts in enumerate(si.process):
        yield from _check_step(kb, facts, f"process[{i}]", seen, i)


def _check_step(kb: KnowledgeBase, facts: StepFacts, path: str, seen: dict[str, int], i: int) -> Iterator[InputIssue]:
    step = kb.steps.get(facts.step)
    if step is None:
        close = did_you_mean(facts.step, kb.steps)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield InputIssue(f"{path}.step", "unknown_step", f"there is no process step {facts.step!r}{hint}")
        return
    if facts.step in seen:
        yield InputIssue(
            f"{path}.step", "duplicate_step", f"step {facts.step!r} is already described at process[{seen[facts.step]}]"
        )
    seen[facts.step] = i
    asked = [q.id for q in kb.questions.values() if q.scope == "step" and step.family in q.families]
    for qid, value in facts.answers.items():
        qpath = f"{path}.answers.{qid}"
        q = kb.questions.get(qid)
        if q is None:
            yield _unknown_question(kb, qid, qpath, asked or list(kb.questions))
        elif q.scope != "step":
            yield InputIssue(qpath, "answer_scope", f"{qid!r} is asked of the enterprise: answer it under answers")
        elif step.family not in q.families:
            yield InputIssue(
                qpath, "answer_scope", f"{qid!r} is not asked for {step.family!r} steps such as {facts.step!r}"
            )
        else:
            yield from _check_answer(q, value, qpath)
    if not facts.run and facts.answers:
        yield InputIssue(
            f"{path}.answers", "answers_for_step_not_run", f"step {facts.step!r} is not run: leave its answers out"
        )


def _known(value: Decimal | None) -> bool:
    return value is not None


def _check_routes(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    declared = {f.step for f in si.process}
    made: dict[tuple[str, str], str] = {}
    for yi, year in enumerate(si.years):
        for pi, product in enumerate(year.products):
            made.setdefault((product.rigidity.value, product.construction.value), f"years[{yi}].products[{pi}]")
    for (rigidity, construction), path in sorted(made.items()):
        routes = [r for r in kb.routes.values() if r.rigidity == rigidity and r.construction == construction]
        if not routes:
            yield InputIssue(
                path, "no_route", f"the knowledge base has no process route for {rigidity}/{construction} boards"
            )
            continue
        for route in routes:
            missing = []
            for item in route.items:
                if item.optional:
                    continue
                if not any(s in declared for s in item.steps):
                    missing.append(" or ".join(item.steps))
            if missing:
                yield InputIssue(
                    "process",
                    "route_not_declared",
                    f"{rigidity}/{construction} boards are made ({path}) but the process does not declare "
                    f"{', '.join(repr(m) for m in missing)} "
                    "(list each step with run: true, or run: false if outsourced)",
                )


def _sum_parts(parts: list[Any], kind: str, path: str) -> tuple[Decimal | None, list[InputIssue]]:
    total = Decimal(0)
    issues = []
    for i, part in enumerate(parts):
        if part.unit not in UNITS[kind]:
            issues.append(
                InputIssue(
                    f"{path}[{i}].unit",
                    "unit",
                    f"unit {part.unit!r} is not a unit of {kind}; use one of {sorted(UNITS[kind])}",
                )
            )
            return None, issues
        if part.value == "unknown":
            return None, issues
        if part.value < 0:
            issues.append(InputIssue(f"{path}[{i}].value", "negative", "a quantity cannot be negative"))
            return None, issues
        total += to_canonical(kind, part.value, part.unit)
    return total, issues


def _check_year(yi: int, year: YearData) -> Iterator[InputIssue]:
    p = f"years[{yi}]"
    res = year.resources
    positive = [
        (f"{p}.resources.fresh_water", res.fresh_water.canonical()),
        (f"{p}.resources.electricity", res.electricity.canonical()),
        (f"{p}.wastewater.generated", year.wastewater.generated.canonical()),
        (f"{p}.resources.ccl_input", res.ccl_input.canonical() if res.ccl_input else None),
        (f"{p}.output_value", year.output_value.canonical() if year.output_value else None),
    ]
    for pi, product in enumerate(year.products):
        positive.append((f"{p}.products[{pi}].output", product.output.canonical()))
    for path, value in positive:
        if value is not None and value == 0:
            yield InputIssue(f"{path}.value", "must_be_positive", "must be greater than zero for a running PCB plant")
    keys = [prod.board_key for prod in year.products]
    for pi, key in enumerate(keys):
        if keys.index(key) != pi:
            yield InputIssue(
                f"{p}.products[{pi}]", "duplicate_product", f"board type {key} is listed twice in the year"
            )
    # totals and their parts
    checks: list[tuple[str, Decimal | None, Decimal | None, list[InputIssue]]] = []
    for name, kind, parts in (
        ("fresh_water", "volume", res.fresh_water_by_workshop),
        ("electricity", "energy", res.electricity_by_workshop),
    ):
        total = getattr(res, name).canonical()
        part_sum, issues = _sum_parts(parts, kind, f"{p}.resources.{name}_by_workshop")
        checks.append((f"{p}.resources.{name}_by_workshop", total, part_sum if parts else None, issues))
    if res.electricity_wastewater_plant is not None:
        checks.append(
            (
                f"{p}.resources.electricity_wastewater_plant",
                res.electricity.canonical(),
                res.electricity_wastewater_plant.canonical(),
                [],
            )
        )
    for field, total in (
        ("electricity", res.electricity.canonical()),
        ("fresh_water", res.fresh_water.canonical()),
        ("wastewater", year.wastewater.generated.canonical()),
        ("ccl_input", res.ccl_input.canonical() if res.ccl_input else None),
        ("output_value", year.output_value.canonical() if year.output_value else None),
    ):
        values = [getattr(prod, field) for prod in year.products]
        given = [v.canonical() for v in values if v is not None]
        known = [v for v in given if v is not None]
        if known and len(known) == len(given):
            checks.append((f"{p}.products[].{field}", total, sum(known, Decimal(0)), []))
    discharged = year.wastewater.discharged
    if discharged is not None:
        checks.append((f"{p}.wastewater.discharged", year.wastewater.generated.canonical(), discharged.canonical(), []))
    for path, total, part_sum, issues in checks:
        yield from issues
        if total is not None and part_sum is not None and part_sum > total:
            yield InputIssue(
                path,
                "parts_exceed_total",
                f"the parts add up to {part_sum.normalize():f}, more than the total {total.normalize():f}",
            )


def _check_wastes(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    for yi, year in enumerate(si.years):
        for wi, waste in enumerate(year.wastes):
            path = f"years[{yi}].wastes[{wi}]"
            stream = kb.streams.get(waste.stream)
            if stream is None or stream.kind == "resource":
                candidates = [s.id for s in kb.streams.values() if s.kind != "resource"]
                close = did_you_mean(waste.stream, candidates)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield InputIssue(f"{path}.stream", "unknown_stream", f"there is no waste stream {waste.stream!r}{hint}")
                continue
            if waste.destination not in kb.destinations:
                close = did_you_mean(waste.destination, kb.destinations)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield InputIssue(
                    f"{path}.destination", "unknown_destination", f"there is no destination {waste.destination!r}{hint}"
                )
            elif waste.destination not in stream.destinations:
                yield InputIssue(
                    f"{path}.destination",
                    "destination_not_allowed",
                    f"{waste.stream!r} cannot go to {waste.destination!r}; allowed: {stream.destinations}",
                )


def _plausibility(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    bset = kb.default_benchmark_set
    checks = {
        "electricity_per_m2": "electricity",
        "fresh_water_per_m2": "fresh_water",
        "wastewater_per_m2": "wastewater",
    }
    for yi, year in enumerate(si.years):
        outputs = [prod.output.canonical() for prod in year.products]
        known_outputs = [o for o in outputs if o is not None]
        if len(known_outputs) != len(outputs):
            continue
        total_output = sum(known_outputs, Decimal(0))
        if total_output <= 0:
            continue
        for indicator_id, field in checks.items():
            plant = (
                year.wastewater.generated.canonical()
                if field == "wastewater"
                else getattr(year.resources, field).canonical()
            )
            if plant is None:
                continue
            intensity = plant / total_output
            loosest, strictest = _threshold_envelope(kb, bset.id, indicator_id, year.products)
            if loosest is not None and intensity > loosest * PLAUSIBILITY_FACTOR:
                yield InputIssue(
                    f"years[{yi}].resources.{field}" if field != "wastewater" else f"years[{yi}].wastewater.generated",
                    "implausibly_high",
                    f"{intensity:.3f} per m² is more than {PLAUSIBILITY_FACTOR} times the loosest level-III threshold "
                    f"({loosest}) of {indicator_id}: check the unit and the output",
                )
            if strictest is not None and intensity * PLAUSIBILITY_FACTOR < strictest:
                yield InputIssue(
                    f"years[{yi}].resources.{field}" if field != "wastewater" else f"years[{yi}].wastewater.generated",
                    "implausibly_low",
                    f"{intensity:.4f} per m² is less than 1/{PLAUSIBILITY_FACTOR} of the strictest level-I threshold "
                    f"({strictest}) of {indicator_id}: check the unit and whether all workshops are included",
                )
        for pi, product in enumerate(year.products):
            if product.pass_rate is not None and isinstance(product.pass_rate.value, Decimal):
                if product.pass_rate.value < 50:
                    yield InputIssue(
                        f"years[{yi}].products[{pi}].pass_rate",
                        "implausibly_low",
                        "a pass rate below 50 % is unusual: check whether it is the scrap rate",
                    )
        ccl = year.resources.ccl_input.canonical() if year.resources.ccl_input else None
        if ccl and total_output > ccl:
            yield InputIssue(
                f"years[{yi}].resources.ccl_input",
                "implausibly_low",
                "less copper-clad laminate put in than board produced: CCL utilisation would exceed 100 %",
            )


def _threshold_envelope(
    kb: KnowledgeBase, set_id: str, indicator_id: str, products: list[Product]
) -> tuple[Decimal | None, Decimal | None]:
    bset = kb.benchmark_sets[set_id]
    member = next((m for g in bset.groups for m in g.members if m.indicator == indicator_id), None)
    if member is None:
        return None, None
    loosest: Decimal | None = None
    strictest: Decimal | None = None
    for product in products:
        for row in member.thresholds:
            if row.board is None or not row.board.matches(product.rigidity, product.construction):
                continue
            n = bset.n_for(product.layers or 2)
            values = [row.levels[level].expr.at(n) for level in bset.levels]
            hi, lo = max(values), min(values)
            loosest = hi if loosest is None else max(loosest, hi)
            strictest = lo if strictest is None else min(strictest, lo)
    return loosest, strictest


def _check_quotes(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    for i, quote in enumerate(si.investment_quotes):
        if quote.option not in kb.options:
            close = did_you_mean(quote.option, kb.options)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield InputIssue(
                f"investment_quotes[{i}].option", "unknown_option", f"there is no option {quote.option!r}{hint}"
            )


def parse_self_inspection(kb: KnowledgeBase, data: Any) -> ValidatedInspection:
    """Parse and validate raw JSON data; raise :class:`SelfInspectionInvalid` with every error found."""
    try:
        si = SelfInspection.model_validate(data)
    except ValidationError as exc:
        raise SelfInspectionInvalid(_schema_issues(exc)) from None
    errors: list[InputIssue] = []
    errors.extend(_check_answers(kb, si))
    errors.extend(_check_routes(kb, si))
    for yi, year in enumerate(si.years):
        errors.extend(_check_year(yi, year))
    errors.extend(_check_wastes(kb, si))
    errors.extend(_check_quotes(kb, si))
    warnings = list(_plausibility(kb, si)) if not errors else []
    if errors:
        raise SelfInspectionInvalid(errors, warnings)
    return ValidatedInspection(si, warnings)
