"""Result types of an evaluation, and their JSON form (``smart-audit evaluate --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, getcontext
from typing import Any

from engine.evaluate.criteria import FactView, LeafResult, Outcome
from engine.exact import Fraction

__all__ = [
    "Computed",
    "EvaluationResult",
    "Input",
    "InstanceResult",
    "LevelThreshold",
    "fraction_json",
]

NOT_APPLICABLE = "not_applicable"
INSUFFICIENT = "insufficient_data"
FAILS = "fails"


def fraction_json(value: Fraction | None, places: int = 6) -> float | None:
    """An exact fraction as a JSON number, rounded half-even to ``places`` decimals (deterministic)."""
    if value is None:
        return None
    return _rounded(Decimal(value.numerator) / Decimal(value.denominator), places)


def decimal_json(value: Decimal | None, places: int = 6) -> float | None:
    if value is None:
        return None
    return _rounded(value, places)


_QUANTUM = tuple(Decimal(1).scaleb(-p) for p in range(13))  # 1, 0.1, ... 1E-12: exact in any context


def _rounded(value: Decimal, places: int) -> float:
    """Half-even to ``places`` decimals; a value too large for that in the decimal context (a projection that leaves
    almost no wastewater) keeps the places its size allows instead of failing."""
    p = min(places, getcontext().prec - 1 - max(value.adjusted(), 0))
    return float(value.quantize(_QUANTUM[p] if 0 <= p < len(_QUANTUM) else Decimal(1).scaleb(-p)))


@dataclass(frozen=True)
class Input:
    """A raw value an indicator read: name, value (canonical unit), unit and the self-inspection field path."""

    name: str
    value: Decimal | None
    unit: str
    path: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": decimal_json(self.value), "unit": self.unit, "path": self.path}


@dataclass
class Computed:
    """An indicator's value for one plant or product line, with the inputs read (None when one is missing)."""

    value: Decimal | None
    inputs: list[Input] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LevelThreshold:
    level: str
    value: Decimal  # effective threshold at this board's n (nested envelope applied)
    transcribed: Decimal  # the value as written in the benchmark set at this n
    expr: str
    source: str
    grade: str
    comparison: str  # "<=" or ">="
    note: str = ""
    unreachable: bool = False  # beyond the indicator's bounds: no value can reach it

    def as_dict(self) -> dict[str, Any]:
        out = {
            "level": self.level,
            "value": decimal_json(self.value),
            "expr": self.expr,
            "comparison": self.comparison,
            "source": self.source,
            "grade": self.grade,
        }
        if self.transcribed != self.value:
            out["transcribed_value"] = decimal_json(self.transcribed)
        if self.note:
            out["note"] = self.note
        if self.unreachable:
            out["unreachable"] = True
        return out


BRIEF_KEYS = (
    "id",
    "key",
    "instance",
    "group",
    "kind",
    "value",
    "unit",
    "level",
    "reached",
    "limiting",
    "level_range",
    "points",
)


@dataclass
class InstanceResult:
    """One indicator as evaluated for this enterprise (per board type where the indicator is)."""

    id: str
    instance: str | None
    group: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    kind: str  # quantitative | qualitative
    value: Decimal | None
    level: str
    level_worst: str
    level_best: str
    reached: dict[str, Outcome]
    thresholds: list[LevelThreshold] = field(default_factory=list)
    weight: Fraction = Fraction(0)  # noqa: RUF009 - immutable; member weight x output share, before renormalisation
    share: Fraction | None = None
    limiting: bool = False
    limiting_grade: str = ""
    method: str = ""
    n: int | None = None
    layers: int | None = None
    inputs: list[Input] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    criteria_log: dict[str, list[LeafResult]] = field(default_factory=dict)
    level_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    provisional: bool = False
    sources: list[str] = field(default_factory=list)
    next_level: dict[str, Any] | None = None
    points: dict[str, Fraction] = field(default_factory=dict)  # contribution to each Y (worst case)
    contested: list[dict[str, Any]] = field(default_factory=list)  # known-inconsistent rows compared with
    not_rated: dict[str, Any] | None = None  # the member is shown but not counted (reason, level it would have)

    @property
    def key(self) -> str:
        return self.id if self.instance is None else f"{self.id}[{self.instance}]"

    def copy(self) -> InstanceResult:
        """A copy with its own lists and dicts (their items, immutable or never changed once made, are shared)."""
        return replace(
            self,
            reached=dict(self.reached),
            thresholds=list(self.thresholds),
            inputs=list(self.inputs),
            parameters=[dict(p) for p in self.parameters],
            criteria_log={lv: list(log) for lv, log in self.criteria_log.items()},
            level_texts={lv: dict(t) for lv, t in self.level_texts.items()},
            missing=list(self.missing),
            notes=list(self.notes),
            sources=list(self.sources),
            next_level=dict(self.next_level) if self.next_level is not None else None,
            points=dict(self.points),
            contested=[dict(c) for c in self.contested],
            not_rated=dict(self.not_rated) if self.not_rated is not None else None,
        )

    def brief(self) -> dict[str, Any]:
        """What a projected evaluation carries of the indicator: ``as_dict`` restricted to ``BRIEF_KEYS``."""
        out: dict[str, Any] = {
            "id": self.id,
            "key": self.key,
            "instance": self.instance,
            "group": self.group,
            "kind": self.kind,
            "value": decimal_json(self.value),
            "unit": self.unit,
            "level": self.level,
            "reached": dict(self.reached),
            "limiting": self.limiting,
        }
        if self.level == INSUFFICIENT:
            out["level_range"] = {"worst": self.level_worst, "best": self.level_best}
        if self.points:
            out["points"] = {k: fraction_json(v) for k, v in self.points.items()}
        return out

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "key": self.key,
            "instance": self.instance,
            "group": self.group,
            "name": {"zh": self.name_zh, "en": self.name_en},
            "kind": self.kind,
            "value": decimal_json(self.value),
            "unit": self.unit,
            "direction": self.direction,
            "level": self.level,
            "reached": dict(self.reached),
            "thresholds": {t.level: t.as_dict() for t in self.thresholds},
            "sources": self.sources,
            "weight": fraction_json(self.weight),
            "limiting": self.limiting,
            "method": self.method,
            "provisional": self.provisional,
        }
        if self.level == INSUFFICIENT:
            out["level_range"] = {"worst": self.level_worst, "best": self.level_best}
        if self.limiting_grade:
            out["limiting_grade"] = self.limiting_grade
        if self.share is not None:
            out["output_share"] = fraction_json(self.share)
        if self.layers is not None:
            out["layers"] = self.layers
            out["n"] = self.n
        if self.inputs:
            out["inputs"] = [i.as_dict() for i in self.inputs]
        if self.parameters:
            out["parameters"] = self.parameters
        if self.criteria_log:
            out["criteria"] = {lv: [r.as_dict() for r in log] for lv, log in self.criteria_log.items()}
        if self.level_texts:
            out["level_texts"] = self.level_texts
        if self.missing:
            out["missing"] = self.missing
        if self.notes:
            out["notes"] = self.notes
        if self.next_level is not None:
            out["next_level"] = self.next_level
        if self.points:
            out["points"] = {k: fraction_json(v) for k, v in self.points.items()}
        if self.contested:
            out["contested"] = self.contested
        if self.not_rated is not None:
            out["not_rated"] = self.not_rated
        return out


@dataclass
class EvaluationResult:
    kb_version: str
    kb_hash: str
    input_hash: str
    enterprise: dict[str, Any]
    year: int
    benchmark_set: dict[str, Any]
    overall_level: str
    overall_best: str
    indices_worst: dict[str, Fraction]
    indices_best: dict[str, Fraction]
    rating: dict[str, dict[str, Any]]
    instances: list[InstanceResult]
    blocking: dict[str, Any]
    warnings: list[dict[str, str]]
    trends: dict[str, dict[str, Any]]
    groups: list[dict[str, Any]]
    level_firmness: dict[str, Any] = field(default_factory=dict)
    completeness: dict[str, Any] = field(default_factory=dict)
    # exact plant values by (indicator, year) behind ``trends``: what a projection of the same years reuses
    trend_values: dict[tuple[str, int], Decimal | None] = field(default_factory=dict)
    facts: FactView | None = None  # what the conditions read (engine/evaluate/history.py)

    @property
    def determined(self) -> bool:
        """The level is known: the data decide it (worst = best case) and no contested row changes it."""
        return self.overall_level == self.overall_best and bool(self.level_firmness.get("determined", True))

    def instance(self, key: str) -> InstanceResult:
        return next(i for i in self.instances if i.key == key)

    def indices_json(self) -> dict[str, float | None]:
        """The comprehensive indices Y per level (worst case), as ``as_dict`` gives them."""
        return {f"Y_{lv}": fraction_json(self.indices_worst[lv], 4) for lv in self.benchmark_set["levels"]}

    def as_dict(self, brief: bool = False) -> dict[str, Any]:
        """The evaluation as JSON; ``brief``: each indicator as ``InstanceResult.brief`` gives it."""
        levels = self.benchmark_set["levels"]
        return {
            "kb_version": self.kb_version,
            "kb_hash": self.kb_hash,
            "input_hash": self.input_hash,
            "enterprise": self.enterprise,
            "year": self.year,
            "benchmark_set": self.benchmark_set,
            "overall_level": self.overall_level,
            "overall_level_range": {"worst": self.overall_level, "best": self.overall_best},
            "determined": self.determined,
            "indices": self.indices_json(),
            "indices_exact": {f"Y_{lv}": str(self.indices_worst[lv]) for lv in levels},
            "indices_best_case": {f"Y_{lv}": fraction_json(self.indices_best[lv], 4) for lv in levels},
            "rating": self.rating,
            "blocking": self.blocking,
            "level_firmness": self.level_firmness,
            "groups": self.groups,
            "indicators": [i.brief() if brief else i.as_dict() for i in self.instances],
            "trends": self.trends,
            "data_quality": {
                "warnings": self.warnings,
                "insufficient_data": [i.key for i in self.instances if i.level == INSUFFICIENT],
                "missing_inputs": sorted({m for i in self.instances for m in i.missing}),
                "not_rated": [i.key for i in self.instances if i.not_rated is not None],
            },
            "completeness": self.completeness,
        }
