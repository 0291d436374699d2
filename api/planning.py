"""The service's calls into the engine: validate a self-inspection, evaluate its level, build a plan.

Engine errors become problems here, with the field path inside the request body (``prefix`` is where the
self-inspection sits in it: ``""`` for a submission, ``"self_inspection."`` for an inline plan request).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from api.kbstate import LoadedKb
from api.problems import ProblemError, issue
from engine.errors import UnknownIdError, did_you_mean
from engine.evaluate.completeness import with_completeness
from engine.evaluate.evaluation import evaluate, input_hash
from engine.intake.model import SelfInspection
from engine.intake.validate import SelfInspectionInvalid, ValidatedInspection, parse_self_inspection
from engine.intake.workbook.reader import import_workbook
from engine.jsontext import compact
from engine.plan.build import build_plan

__all__ = [
    "BuiltPlan",
    "ValidatedInspection",
    "assess",
    "canonical_json",
    "canonical_parts",
    "check_plan_options",
    "input_hash",
    "joined",
    "level_of",
    "make_plan",
    "validate",
    "validate_workbook",
    "warnings_of",
]


def canonical_json(data: Any) -> str:
    """The one serialisation used for stored JSON: key order kept as produced, no spaces, UTF-8 text (written in C,
    the same text as the standard library's: engine/jsontext.py)."""
    return compact(data)


def canonical_parts(data: dict[str, Any]) -> dict[str, str]:
    """Each top-level member's canonical JSON, in order: ``joined`` of them is ``canonical_json(data)``, so that a
    document stored in parts is written once and reassembles byte for byte."""
    return {k: canonical_json(v) for k, v in data.items()}


def joined(parts: dict[str, str]) -> str:
    return "{" + ",".join(canonical_json(k) + ":" + v for k, v in parts.items()) + "}"


def _prefixed(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return prefix.rstrip(".") if path == "(root)" else prefix + path


def validate(loaded: LoadedKb, raw: Any, *, prefix: str = "", stored: str | None = None) -> ValidatedInspection:
    """Parse and validate a self-inspection against the knowledge base; 422 with every error if invalid.
    ``stored`` names a stored self-inspection being validated again (against a newer knowledge base)."""
    try:
        return parse_self_inspection(loaded.kb, raw)
    except SelfInspectionInvalid as exc:
        raise _invalid(loaded, exc, prefix, stored) from exc


def _invalid(loaded: LoadedKb, exc: SelfInspectionInvalid, prefix: str, stored: str | None) -> ProblemError:
    errors = [{**e.as_dict(), "path": _prefixed(prefix, e.path)} for e in exc.errors]
    warnings = [{**w.as_dict(), "path": _prefixed(prefix, w.path)} for w in exc.warnings]
    first = errors[0]
    where = f"{first['cell']} ({first['path']})" if first.get("cell") else first["path"]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    detail = (
        f"the stored self-inspection {stored} does not validate against knowledge base {loaded.version}: "
        f"{where}: {first['message']}{more}"
        if stored
        else f"{where}: {first['message']}{more}; nothing of it was accepted"
    )
    return ProblemError(
        422, "self-inspection-invalid", "Self-inspection invalid", detail, errors=errors, warnings=warnings
    )


def validate_workbook(loaded: LoadedKb, content: bytes) -> ValidatedInspection:
    """Read and validate a workbook (``smart-audit manual --format xlsx``); 422 with every error at its cell."""
    try:
        return import_workbook(loaded.kb, content)
    except SelfInspectionInvalid as exc:
        raise _invalid(loaded, exc, "", None) from exc


def warnings_of(validated: ValidatedInspection) -> list[dict[str, str]]:
    return [w.as_dict() for w in validated.warnings]


def level_of(loaded: LoadedKb, validated: ValidatedInspection) -> str:
    """The overall level certainly reached in the latest reporting year, by the default benchmark set."""
    return assess(loaded, validated)[0]


def assess(loaded: LoadedKb, validated: ValidatedInspection) -> tuple[str, dict[str, Any]]:
    """The overall level certainly reached in the latest reporting year (default benchmark set) and the
    completeness report of the self-inspection."""
    ev = evaluate(loaded.kb, validated.inspection, warnings=warnings_of(validated))
    return ev.overall_level, ev.completeness


def check_plan_options(loaded: LoadedKb, si: SelfInspection, benchmark_set: str | None, year: int | None) -> None:
    """422 naming ``benchmark_set`` or ``year`` if the knowledge base or the self-inspection lacks them."""
    errors = []
    if benchmark_set is not None and benchmark_set not in loaded.kb.benchmark_sets:
        close = did_you_mean(benchmark_set, loaded.kb.benchmark_sets)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        errors.append(
            issue("benchmark_set", "unknown_benchmark_set", f"there is no benchmark set {benchmark_set!r}{hint}")
        )
    if year is not None and year not in si.reporting_years:
        errors.append(
            issue("year", "not_a_reporting_year", f"{year} is not one of the reporting years {si.reporting_years}")
        )
    if errors:
        raise ProblemError(
            422, "request-invalid", "Request invalid", f"{errors[0]['path']}: {errors[0]['message']}", errors=errors
        )


@dataclass(frozen=True)
class BuiltPlan:
    plan: dict[str, Any]
    text: str  # canonical JSON, as hashed
    sha256: str
    parts: dict[str, str]  # each top-level member's canonical JSON (text is their join)

    @property
    def level(self) -> str | None:
        level = self.plan.get("evaluation", {}).get("overall_level")
        return str(level) if level is not None else None


def make_plan(
    loaded: LoadedKb, validated: ValidatedInspection, *, benchmark_set: str | None, year: int | None
) -> BuiltPlan:
    check_plan_options(loaded, validated.inspection, benchmark_set, year)
    try:
        plan = build_plan(
            loaded.kb,
            validated.inspection,
            graph=loaded.graph,
            benchmark_set=benchmark_set,
            year=year,
            warnings=warnings_of(validated),
        )
    except UnknownIdError as exc:  # the checks above should have caught it: name what the engine names
        path = {"benchmark set": "benchmark_set", "reporting year": "year"}.get(exc.kind, "(root)")
        raise ProblemError(
            422, "request-invalid", "Request invalid", str(exc), errors=[issue(path, "unknown_id", str(exc))]
        ) from exc
    plan = with_completeness(plan)
    parts = canonical_parts(plan)
    text = joined(parts)
    return BuiltPlan(plan, text, "sha256:" + hashlib.sha256(text.encode()).hexdigest(), parts)
