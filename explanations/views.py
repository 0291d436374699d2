"""The views a report is rendered from: indicators, findings, options, trace nodes and sources, as the templates
read them (built by explanations/context.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explanations.summary import Summary

__all__ = [
    "FindingView",
    "IndicatorView",
    "NodeView",
    "ParameterView",
    "RecommendationView",
    "ReportContext",
    "SourceView",
    "ThresholdView",
]


@dataclass
class ThresholdView:
    level: str
    text: str
    source: str
    grade: str
    provisional: bool


@dataclass
class IndicatorView:
    key: str
    name: str
    value: str
    unit: str
    level: str
    level_code: str
    thresholds: list[ThresholdView]
    limiting: bool
    provisional: bool
    notes: list[str]


@dataclass
class ParameterView:
    name: str
    value: str
    source: str
    grade: str
    provisional: bool


@dataclass
class FindingView:
    id: str
    title: str
    severity: str
    severity_code: str
    subject: str
    observed: str
    rule_id: str
    rule_title: str
    parameters: list[ParameterView]
    premises: list[str]
    leads_to: list[str] = field(default_factory=list)
    leads_labels: list[str] = field(default_factory=list)


@dataclass
class RecommendationView:
    id: str
    code: str
    name: str
    category: str
    steps: str
    cost_class: str
    savings: list[str]
    money: str
    investment: str
    payback: str
    score: int
    parts: str
    findings: list[tuple[str, str]]
    missing: list[str]
    assumptions: list[str]
    claim: bool
    assumption: bool
    benefit: str
    node: str


@dataclass
class NodeView:
    id: str
    type: str
    label: str
    rule: str
    values: list[tuple[str, str]]
    premises: list[str]
    parameters: list[ParameterView]


@dataclass
class SourceView:
    id: str
    title: str
    issuer: str
    year: str
    locator: str
    grade: str
    provisional: bool


@dataclass
class ReportContext:
    lang: str
    L: dict[str, str]
    enterprise: dict[str, Any]
    year: int
    kb_version: str
    kb_hash: str
    input_hash: str
    generated_at: str
    benchmark_name: str
    n_note: str
    overall_level: str
    overall_best: str
    determined: bool
    range_open: bool  # unknown data leave the level between overall_level and overall_best
    firmness_note: str  # why contested threshold rows leave the level undetermined, or ""
    indices: list[tuple[str, str]]
    indicators: list[IndicatorView]
    blocking_level: str
    blocking_gap: str
    blocking: list[tuple[str, str, str, str]]  # (key, name, level, target)
    insufficient: list[str]
    missing_inputs: list[str]
    warnings: list[str]
    graph_svg: str
    findings: list[FindingView]
    no_low: list[RecommendationView]
    medium_high: list[RecommendationView]
    resolution: list[str]
    totals: list[str]
    key_options: list[tuple[str, str, str]]  # (option id, name, why)
    focus: list[tuple[str, str, str]]
    focus_note: str
    targets: list[tuple[str, str, str, str]]
    before_after_svg: str
    before_after: list[tuple[str, str, str, str, str]]
    projected_level: str
    why_not: list[str]
    nodes: list[NodeView]
    sources: list[SourceView]
    summary: Summary
    level_text: str
    finding_groups: list[tuple[FindingView, list[FindingView]]]  # one entry per kind of finding, in order
    annex: bool = True  # the trace and why-not annex (left out of the PDF by default)
