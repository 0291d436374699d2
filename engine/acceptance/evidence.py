"""The evidence of an acceptance (验收证据): per checklist item a tick with its evidence, the plant's meter readings
for a stated period, monitoring samples in the intake's format, the auditor's veto and check ticks, and the
documents (name and SHA-256) the ticks rest on.

Nothing is accepted half: :func:`parse_evidence` returns the validated evidence or raises
:class:`AcceptanceInvalid` with every error, each naming the field and the rule broken in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.errors import SmartAuditError
from engine.intake.issues import InputIssue
from engine.intake.messages import invalid
from engine.intake.monitoring import Sample
from engine.intake.validate import schema_issues

__all__ = [
    "AcceptanceInvalid",
    "Document",
    "Evidence",
    "ItemTick",
    "Measured",
    "Period",
    "Reading",
    "parse_evidence",
]

Status = Literal["implemented", "partly", "not", "will_not"]
_DATE = r"^\d{4}-\d{2}-\d{2}$"


class AcceptanceInvalid(SmartAuditError):
    """The evidence (or the plan it refers to) breaks a rule; nothing of it is used."""

    def __init__(self, errors: list[InputIssue]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"acceptance evidence invalid ({len(errors)} error(s)):\n{lines}")

    def lines(self, lang: str) -> list[str]:
        return [e.line(lang) for e in self.errors]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Period(_Model):
    start: str = Field(alias="from", pattern=_DATE)
    end: str = Field(alias="to", pattern=_DATE)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        try:
            start, end = dt.date.fromisoformat(self.start), dt.date.fromisoformat(self.end)
        except ValueError:
            invalid("date_invalid", "not a calendar date (YYYY-MM-DD)", "不是有效日期（YYYY-MM-DD）")
        if end < start:
            invalid("period_order", "the period ends before it starts ('to' < 'from')", "期间结束早于开始（to < from）")
        return self

    @property
    def days(self) -> int:
        return (dt.date.fromisoformat(self.end) - dt.date.fromisoformat(self.start)).days + 1


class Reading(_Model):
    """A meter reading: what was used or generated during the period (the plan's resource names and units)."""

    resource: str = Field(min_length=2, description="a resource of the plan's totals, e.g. fresh_water_m3")
    value: float = Field(ge=0)
    unit: str


class Output(_Model):
    value: float = Field(gt=0)
    unit: Literal["m2"]


class Scope(_Model):
    """What was metered over one period: the output made and the readings."""

    period: Period
    output: Output
    readings: list[Reading] = Field(min_length=1)


class Measured(_Model):
    """An option's own metering (a line meter): a period before and a period after it went into service."""

    before: Scope
    after: Scope


class Money(_Model):
    value: float = Field(ge=0)
    unit: Literal["CNY"]


class ItemTick(_Model):
    item: str = Field(min_length=1, description="the checklist item's id (an option id)")
    status: Status
    in_service: str | None = Field(default=None, pattern=_DATE, description="date in service")
    investment: Money | None = Field(default=None, description="actual investment")
    measured: Measured | None = None
    evidence: list[str] = Field(default_factory=list, description="names of documents under 'documents'")
    note: str = ""

    @model_validator(mode="after")
    def _in_service(self) -> ItemTick:
        if self.status in ("implemented", "partly") and self.in_service is None:
            invalid(
                "in_service_missing",
                "an implemented option needs its date in service (in_service)",
                "已实施的方案需填写投运日期（in_service）",
            )
        return self


class Document(_Model):
    name: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^(sha256:)?[0-9a-f]{64}$")
    path: str | None = Field(default=None, description="the file, relative to the evidence file (CLI)")

    @property
    def digest(self) -> str:
        return self.sha256.removeprefix("sha256:")


class IndicatorValue(_Model):
    indicator: str = Field(min_length=2)
    value: float
    unit: str


class Plant(_Model):
    """The plant as metered during the acceptance period (after the options)."""

    period: Period
    output: Output
    readings: list[Reading] = Field(default_factory=list)
    indicators: list[IndicatorValue] = Field(default_factory=list)
    samples: list[Sample] = Field(default_factory=list, description="monitoring samples, the intake's format")


class Evidence(_Model):
    plan_sha256: str | None = Field(default=None, description="the plan the evidence is for (checked if given)")
    plant: Plant
    items: list[ItemTick] = Field(default_factory=list)
    vetoes: dict[str, bool] = Field(default_factory=dict, description="veto id -> true if the veto applies")
    checks: dict[str, bool] = Field(default_factory=dict, description="check id -> true if found in order")
    check_evidence: dict[str, list[str]] = Field(default_factory=dict, description="check id -> document names")
    documents: list[Document] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Evidence:
        items = [t.item for t in self.items]
        if len(items) != len(set(items)):
            invalid("duplicate_item", "an item is ticked twice", "同一核查项重复填报")
        names = [d.name for d in self.documents]
        if len(names) != len(set(names)):
            invalid("duplicate_document", "two documents have the same name", "文件名称重复")
        return self


def _issue(path: str, rule: str, en: str, zh: str) -> InputIssue:
    return InputIssue(path, rule, en, zh)


def _cross_issues(ev: Evidence, checklist: dict[str, Any]) -> list[InputIssue]:
    """The evidence against its checklist: known items, vetoes, checks, documents and resources."""
    issues: list[InputIssue] = []
    option_ids = {i["id"] for i in checklist["items"]}
    veto_ids = {v["id"] for v in checklist["vetoes"]}
    check_ids = {c["id"] for c in checklist["checks"]}
    resources = checklist["resources"]
    docs = {d.name for d in ev.documents}
    for i, tick in enumerate(ev.items):
        if tick.item not in option_ids:
            issues.append(
                _issue(
                    f"items[{i}].item",
                    "unknown_item",
                    f"{tick.item!r} is not an item of the checklist ({', '.join(sorted(option_ids))})",
                    f"{tick.item!r} 不是核查清单中的项目",
                )
            )
        for j, name in enumerate(tick.evidence):
            if name not in docs:
                issues.append(
                    _issue(
                        f"items[{i}].evidence[{j}]",
                        "unknown_document",
                        f"document {name!r} is not listed under 'documents'",
                        f"文件 {name!r} 未在 documents 中登记",
                    )
                )
        if tick.measured is not None:
            for side in ("before", "after"):
                scope = getattr(tick.measured, side)
                issues += _reading_issues(scope.readings, resources, f"items[{i}].measured.{side}.readings")
    issues += _reading_issues(ev.plant.readings, resources, "plant.readings")
    for field, given, known in (("vetoes", ev.vetoes, veto_ids), ("checks", ev.checks, check_ids)):
        for key in given:
            if key not in known:
                issues.append(
                    _issue(
                        f"{field}.{key}",
                        "unknown_" + field[:-1],
                        f"{key!r} is not a {field[:-1]} of the policy ({', '.join(sorted(known))})",
                        f"{key!r} 不是验收政策中的{'否决项' if field == 'vetoes' else '核查项'}",
                    )
                )
    for key, names in ev.check_evidence.items():
        for j, name in enumerate(names):
            if key not in check_ids or name not in docs:
                issues.append(
                    _issue(
                        f"check_evidence.{key}[{j}]",
                        "unknown_document",
                        f"unknown check {key!r} or document {name!r}",
                        f"核查项 {key!r} 或文件 {name!r} 未登记",
                    )
                )
    return issues


def _reading_issues(readings: list[Reading], resources: dict[str, str], where: str) -> list[InputIssue]:
    issues = []
    seen: set[str] = set()
    for k, r in enumerate(readings):
        if r.resource not in resources:
            issues.append(
                _issue(
                    f"{where}[{k}].resource",
                    "unknown_resource",
                    f"{r.resource!r} is not a resource of the plan ({', '.join(sorted(resources))})",
                    f"{r.resource!r} 不是方案中的资源或污染物",
                )
            )
        elif r.unit != resources[r.resource]:
            issues.append(
                _issue(
                    f"{where}[{k}].unit",
                    "unit_mismatch",
                    f"{r.resource} is metered in {resources[r.resource]}, not {r.unit}",
                    f"{r.resource} 的单位应为 {resources[r.resource]}，不是 {r.unit}",
                )
            )
        if r.resource in seen:
            issues.append(_issue(f"{where}[{k}].resource", "duplicate_reading", "read twice", "同一资源重复填报"))
        seen.add(r.resource)
    return issues


def parse_evidence(data: Any, checklist: dict[str, Any]) -> Evidence:
    """Validate ``data`` against the model and the checklist it answers; raise :class:`AcceptanceInvalid`."""
    try:
        ev = Evidence.model_validate(data)
    except ValidationError as exc:
        raise AcceptanceInvalid(schema_issues(exc)) from None
    issues = _cross_issues(ev, checklist)
    if ev.plan_sha256 is not None and checklist.get("plan_sha256") and ev.plan_sha256 != checklist["plan_sha256"]:
        issues.append(
            _issue(
                "plan_sha256",
                "plan_mismatch",
                "the evidence is for another plan (plan_sha256 differs)",
                "证据对应的不是本方案（plan_sha256 不一致）",
            )
        )
    if issues:
        raise AcceptanceInvalid(issues)
    return ev
