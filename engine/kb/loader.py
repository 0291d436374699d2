"""Load the knowledge base: read every YAML file, validate each against its model, merge, cross-check.

Nothing is returned unless everything is valid; every problem found is reported at once as a
:class:`~engine.errors.KnowledgeBaseError` whose issues name the file, the key path and the fix.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import KbIssue, KnowledgeBaseError, did_you_mean
from engine.kb import models as m
from engine.kb.acceptance import AcceptancePolicy
from engine.kb.cohortpolicy import CohortPolicy
from engine.kb.effluent import EffluentStandard
from engine.kb.options import MeasureArea, MeasureGroup, Option, PeerScheme
from engine.kb.planpolicy import PlanPolicy
from engine.kb.rules import Rule
from engine.kb.yamlio import DuplicateKeyError, load_yaml

_T = TypeVar("_T")

__all__ = ["DEFAULT_KB_PATH", "KbVersion", "KnowledgeBase", "Origin", "default_kb_path", "load_kb"]

DEFAULT_KB_PATH = Path(__file__).resolve().parents[2] / "knowledge_base"


def default_kb_path() -> Path:
    """``$SMART_AUDIT_KB`` if set, else the repository's ``knowledge_base/``."""
    return Path(os.environ.get("SMART_AUDIT_KB", DEFAULT_KB_PATH))


@dataclass(frozen=True)
class KbVersion:
    """The semantic version of the content and a hash of its bytes; carried by everything computed from it."""

    version: str
    hash: str

    @property
    def short_hash(self) -> str:
        return self.hash.removeprefix("sha256:")[:12]

    def as_dict(self) -> dict[str, str]:
        return {"version": self.version, "hash": self.hash}


@dataclass(frozen=True)
class Origin:
    """Where a record was read: file (relative to the knowledge-base root) and key path."""

    file: str
    path: str


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    meta: m.KbMeta
    version: KbVersion
    sources: dict[str, m.Source]
    units: dict[str, m.Unit]
    steps: dict[str, m.Step]
    streams: dict[str, m.Stream]
    destinations: dict[str, m.Destination]
    routes: dict[str, m.Route]
    indicators: dict[str, m.Indicator]
    parameters: dict[str, m.Parameter]
    benchmark_sets: dict[str, m.BenchmarkSet]
    effluent_standards: dict[str, EffluentStandard] = field(default_factory=dict)
    gaps: dict[str, m.Gap] = field(default_factory=dict)
    sections: dict[str, m.ManualSection] = field(default_factory=dict)
    questions: dict[str, m.Question] = field(default_factory=dict)
    treatment_units: dict[str, m.TreatmentUnit] = field(default_factory=dict)
    findings: dict[str, m.FindingDef] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    options: dict[str, Option] = field(default_factory=dict)
    measure_areas: dict[str, MeasureArea] = field(default_factory=dict)
    measure_groups: dict[str, MeasureGroup] = field(default_factory=dict)
    peer_schemes: dict[str, PeerScheme] = field(default_factory=dict)
    plan_policies: dict[str, PlanPolicy] = field(default_factory=dict)
    plant_figures: dict[str, m.PlantFigure] = field(default_factory=dict)
    acceptance_policies: dict[str, AcceptancePolicy] = field(default_factory=dict)
    cohort_policies: dict[str, CohortPolicy] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    # what is worked out from the records alone, once per knowledge base (its records never change once loaded)
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def derived(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, worked out once for this knowledge base under ``key`` (a structure that depends only on its
        records: it is loaded once and never changed)."""
        try:
            return cast(_T, self._derived[key])
        except KeyError:
            value = self._derived[key] = make()
            return value

    @property
    def plan_policy(self) -> PlanPolicy | None:
        """The plan policy in force: the first by id (None when the knowledge base has none)."""
        return self.derived(
            "plan_policy", lambda: next(iter(sorted(self.plan_policies.items())))[1] if self.plan_policies else None
        )

    @property
    def default_benchmark_set(self) -> m.BenchmarkSet:
        return self.benchmark_sets[self.meta.default_benchmark_set]

    def origin(self, record_type: str, record_id: str) -> Origin:
        return self.origins.get((record_type, record_id), Origin("?", f"{record_type}[id={record_id}]"))

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "units": len(self.units),
            "steps": len(self.steps),
            "streams": len(self.streams),
            "destinations": len(self.destinations),
            "routes": len(self.routes),
            "indicators": len(self.indicators),
            "benchmark_sets": len(self.benchmark_sets),
            "parameters": len(self.parameters),
            "gaps": len(self.gaps),
            "manual_sections": len(self.sections),
            "questions": len(self.questions),
            "findings": len(self.findings),
            "rules": len(self.rules),
            "options": len(self.options),
            "peer_schemes": len(self.peer_schemes),
            "plant_figures": len(self.plant_figures),
        }


def _content_hash(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def _all_field_names() -> set[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [m.KbFile]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for sub in model.__subclasses__():
            stack.append(sub)
    for obj in vars(m).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


def _loc_to_path(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``steps[3](id=inner_etch).outputs[1]``, following the raw data for ids."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f"(id={node['id']})"
            elif isinstance(node, dict) and isinstance(node.get("indicator"), str):
                out += f"(indicator={node['indicator']})"
        else:
            if part in {
                "PerOutput",
                "PollutantPerOutput",
                "Ratio",
                "WasteRatio",
                "CopperBalance",
                "CarbonPerOutputValue",
                "Qualitative",
            }:
                continue
            if part.startswith(
                (
                    "per_output",
                    "pollutant_per_output",
                    "ratio",
                    "waste_ratio",
                    "copper_balance",
                    "carbon_per",
                    "qualitative",
                )
            ):
                continue
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


_FIELD_NAMES: set[str] | None = None


def _pydantic_issues(rel: str, raw: Any, exc: ValidationError) -> list[KbIssue]:
    global _FIELD_NAMES
    if _FIELD_NAMES is None:
        _FIELD_NAMES = _all_field_names()
    issues = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = _loc_to_path(raw, loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            close = [name for name in did_you_mean(key, _FIELD_NAMES) if name != key]
            fix = "remove the key" + (f", or did you mean {close[0]!r}?" if close else "")
            issues.append(KbIssue(rel, path, f"unknown key {key!r}", fix))
        elif kind == "missing":
            issues.append(KbIssue(rel, path, "required key is missing", f"add '{loc[-1]}'"))
        elif kind == "string_pattern_mismatch":
            pattern = (err.get("ctx") or {}).get("pattern", "")
            hint = "snake_case like 'inner_etch'" if "a-z" in str(pattern) else "UPPER_SNAKE like 'HJ450_2008'"
            issues.append(KbIssue(rel, path, f"{err['input']!r} is not a valid id", f"write it in {hint}"))
        elif kind == "enum" or kind == "literal_error":
            expected = (err.get("ctx") or {}).get("expected", "")
            issues.append(KbIssue(rel, path, f"{err['input']!r} is not allowed", f"use one of {expected}"))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            issues.append(KbIssue(rel, path, msg, ""))
    return issues


def _read_files(root: Path) -> tuple[list[tuple[str, Any, m.KbFile | None]], list[KbIssue], list[Path]]:
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    parsed: list[tuple[str, Any, m.KbFile | None]] = []
    issues: list[KbIssue] = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            raw = load_yaml(path)
        except DuplicateKeyError as exc:
            issues.append(
                KbIssue(rel, f"line {exc.second_line}", str(exc), "keep one of the two keys; merge their values")
            )
            continue
        except yaml.YAMLError as exc:
            issues.append(KbIssue(rel, "", f"not valid YAML: {exc}", "fix the YAML syntax"))
            continue
        if raw is None:
            continue
        if not isinstance(raw, dict):
            issues.append(
                KbIssue(
                    rel,
                    "",
                    "a knowledge-base file must be a mapping",
                    "start with a record type, e.g. 'steps:'",
                )
            )
            continue
        try:
            parsed.append((rel, raw, m.KbFile.model_validate(raw)))
        except ValidationError as exc:
            issues.extend(_pydantic_issues(rel, raw, exc))
    return parsed, issues, files


def load_kb(root: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base at ``root`` (default: :func:`default_kb_path`)."""
    from engine.kb.checks import check_knowledge_base

    root = Path(root) if root is not None else default_kb_path()
    if not root.is_dir():
        raise KnowledgeBaseError([KbIssue(str(root), "", "knowledge-base folder not found", "check the path")])
    parsed, issues, files = _read_files(root)

    metas: list[tuple[str, m.KbMeta]] = []
    collections: dict[str, dict[str, Any]] = {name: {} for name in m.RECORD_TYPES}
    benchmark_sets: dict[str, m.BenchmarkSet] = {}
    origins: dict[tuple[str, str], Origin] = {}

    for rel, _raw, kb_file in parsed:
        if kb_file is None:
            continue
        if kb_file.kb is not None:
            metas.append((rel, kb_file.kb))
        for record_type in m.RECORD_TYPES:
            for index, record in enumerate(getattr(kb_file, record_type)):
                rid = record.id if hasattr(record, "id") else record.code
                if rid in collections[record_type]:
                    first = origins[(record_type, rid)]
                    issues.append(
                        KbIssue(
                            rel,
                            f"{record_type}[{index}](id={rid})",
                            f"duplicate {record_type[:-1]} id {rid!r}, first defined in {first.file} at {first.path}",
                            "give the record a new id or merge the two",
                        )
                    )
                    continue
                collections[record_type][rid] = record
                origins[(record_type, rid)] = Origin(rel, f"{record_type}[{index}](id={rid})")
        if kb_file.benchmark_set is not None:
            bset = kb_file.benchmark_set
            if bset.id in benchmark_sets:
                first = origins[("benchmark_sets", bset.id)]
                issues.append(
                    KbIssue(
                        rel,
                        "benchmark_set",
                        f"duplicate benchmark set id {bset.id!r}, first in {first.file}",
                        "",
                    )
                )
            else:
                benchmark_sets[bset.id] = bset
                origins[("benchmark_sets", bset.id)] = Origin(rel, "benchmark_set")

    if len(metas) != 1 and not issues:
        where = ", ".join(rel for rel, _ in metas) or "no file"
        issues.append(KbIssue("kb.yaml", "kb", f"exactly one 'kb:' record is needed, found {len(metas)} ({where})", ""))
    if issues:
        raise KnowledgeBaseError(issues)

    meta = metas[0][1]
    kb = KnowledgeBase(
        root=root,
        meta=meta,
        version=KbVersion(meta.version, _content_hash(root, files)),
        sources=collections["sources"],
        units=collections["units"],
        steps=collections["steps"],
        streams=collections["streams"],
        destinations=collections["destinations"],
        routes=collections["routes"],
        indicators=collections["indicators"],
        parameters=collections["parameters"],
        effluent_standards=collections["effluent_standards"],
        benchmark_sets=benchmark_sets,
        gaps=collections["gaps"],
        sections=collections["sections"],
        questions=collections["questions"],
        treatment_units=collections["treatment_units"],
        findings=collections["findings"],
        rules=collections["rules"],
        options=collections["options"],
        measure_areas=collections["measure_areas"],
        measure_groups=collections["measure_groups"],
        peer_schemes=collections["peer_schemes"],
        plan_policies=collections["plan_policies"],
        cohort_policies=collections["cohort_policies"],
        plant_figures=collections["plant_figures"],
        acceptance_policies=collections["acceptance_policies"],
        origins=origins,
        files=tuple(p.relative_to(root).as_posix() for p in files),
    )
    problems = check_knowledge_base(kb)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
