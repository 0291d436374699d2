"""Validation of a self-inspection against its schema and the knowledge base.

Errors make the submission invalid as a whole (nothing is accepted half); warnings flag values that are possible
but implausible, and route steps a plant does not declare, each with its reason. Every issue names the field path
(``years[2].resources.electricity``) and the rule broken, in Chinese and English. All errors come in one round: the
schema's (types, units, ranges) together with the knowledge base's (unknown questions, steps, streams, ...).

Order: refuse text no record may store and nesting too deep (engine/intake/rawinput.py), migrate the file to
the current schema version (engine/intake/migrate.py), turn Chinese answers into the canonical values
(engine/intake/answers.py), parse with the model, bound the magnitude of every number (engine/intake/bounds.py),
check the references to the knowledge base and the model-level rules, then add the step answers that
exhaust-source treatment chains imply (engine/intake/exhaust.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from engine.intake.answers import normalize_answers
from engine.intake.bounds import bound_issues
from engine.intake.checks import PLAUSIBILITY_FACTOR, check_year, plausibility, route_warnings, waste_warnings
from engine.intake.exhaust import apply_exhaust, check_exhaust
from engine.intake.issues import InputIssue, SelfInspectionInvalid, capped
from engine.intake.messages import translate
from engine.intake.migrate import migrate
from engine.intake.model import SelfInspection
from engine.intake.rawinput import check_tree
from engine.intake.refs import reference_issues
from engine.kb.loader import KnowledgeBase

__all__ = [
    "PLAUSIBILITY_FACTOR",
    "InputIssue",
    "SelfInspectionInvalid",
    "ValidatedInspection",
    "parse_self_inspection",
    "prepare",
    "schema_issues",
]


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


def schema_issues(exc: ValidationError) -> list[InputIssue]:
    """The model's errors as issues with both texts (pydantic's English translated by error type)."""
    issues = []
    errors = exc.errors()
    paths = [_path(tuple(e["loc"])) for e in errors]
    for err, path in zip(errors, paths, strict=True):
        rule = str(err["type"])
        expected = str((err.get("ctx") or {}).get("expected", ""))
        if rule == "literal_error" and expected == "'unknown'" and paths.count(path) > 1:
            continue  # the "unknown" member of a number-or-unknown union: the number's error says it
        msg = err["msg"].removeprefix("Value error, ")
        loc = tuple(err["loc"])
        field = str(loc[-1]) if loc else ""
        if rule == "extra_forbidden":
            msg = f"unknown field {field!r}"
        elif rule == "missing":
            msg = "required field is missing"
        zh = translate(rule, msg, err.get("ctx"), field)
        issues.append(InputIssue(path, rule, msg, zh))
    return _unique(issues)


def _unique(issues: list[InputIssue]) -> list[InputIssue]:
    """Union members report the same problem several times; keep the first of each path and message."""
    seen: set[tuple[str, str]] = set()
    out = []
    for issue in issues:
        if (issue.path, issue.message_en) not in seen:
            seen.add((issue.path, issue.message_en))
            out.append(issue)
    return capped(out)


def prepare(kb: KnowledgeBase, data: Any) -> Any:
    """The raw data as the model reads it: migrated to the current version, answers in canonical form."""
    return normalize_answers(kb, migrate(data))


def parse_self_inspection(kb: KnowledgeBase, data: Any) -> ValidatedInspection:
    """Parse and validate raw JSON data; raise :class:`SelfInspectionInvalid` with every error found."""
    check_tree(data)  # NUL, lone surrogates, deep nesting: before anything walks the data
    data = prepare(kb, data)
    references = reference_issues(kb, data)
    try:
        si = SelfInspection.model_validate(data)
    except ValidationError as exc:
        raise SelfInspectionInvalid(_unique([*schema_issues(exc), *references])) from None
    bounds = bound_issues(si)
    if bounds:  # before the checks that compute with the numbers
        raise SelfInspectionInvalid(_unique([*bounds, *references]))
    errors = list(references)
    for yi, year in enumerate(si.years):
        errors.extend(check_year(yi, year))
    errors.extend(check_exhaust(kb, si))
    warnings = [*route_warnings(kb, si), *waste_warnings(kb, si)]
    if errors:
        raise SelfInspectionInvalid(_unique(errors), warnings)
    warnings.extend(plausibility(kb, si))
    return ValidatedInspection(apply_exhaust(kb, si), warnings)
