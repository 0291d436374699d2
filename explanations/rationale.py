"""Rule rationales rendered from the trace: ``{binding.field}`` / ``{binding.field:.2f}`` placeholders take the
values of the facts the firing matched (recorded in the trace), never recomputed."""

from __future__ import annotations

import re
from typing import Any

from engine.inference.trace import Trace
from engine.kb.loader import KnowledgeBase
from explanations.i18n import EFFLUENT_LABELS, instance_label, level_label

__all__ = ["localise", "render_rationale", "render_value"]

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def render_value(value: Any, spec: str | None = None, lang: str = "zh") -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float | int) and spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(str(v) for v in value)
    return str(value)


def localise(kb: KnowledgeBase, field_name: str, value: Any, lang: str) -> Any:
    """Codes as people read them: step, stream, indicator and pollutant ids as names, outlet positions and limit
    tables as their names, choice values as their texts."""

    def name(text: Any) -> str:
        return str(text.zh if lang == "zh" else text.en)

    if isinstance(value, list):
        return [localise(kb, field_name, v, lang) for v in value]
    if not isinstance(value, str):
        return value
    if field_name in ("step", "subject_step", "produced_by", "producers") and value in kb.steps:
        return name(kb.steps[value].name)
    if field_name in ("stream", "subject_stream") and value in kb.streams:
        return name(kb.streams[value].name)
    if field_name in ("indicator", "subject_indicator") and value in kb.indicators:
        return name(kb.indicators[value].name)
    if field_name in ("pollutant", "subject_pollutant"):
        for std in kb.effluent_standards.values():
            pollutant = std.pollutant(value)
            if pollutant is not None:
                return name(pollutant.name)
    if field_name in ("position", "applies_at") and value in EFFLUENT_LABELS[lang]:
        return EFFLUENT_LABELS[lang][value]
    if field_name == "limit_basis":
        for std in kb.effluent_standards.values():
            table = std.table(value)
            if table is not None:
                return name(table.name)
        return EFFLUENT_LABELS[lang].get(value, value)
    if field_name == "finding" and value in kb.findings:
        return name(kb.findings[value].title)
    if field_name in ("destination",) and value in kb.destinations:
        return name(kb.destinations[value].name)
    if field_name in ("level", "overall_level"):
        return level_label(value, lang)
    if field_name == "instance":
        return instance_label(value, lang)
    question = kb.questions.get(field_name)
    if question is not None:
        for choice in question.choices:
            if choice.value == value:
                return name(choice.text)
    return value


def render_rationale(kb: KnowledgeBase, trace: Trace, node_id: str, lang: str, derivation: int = 0) -> str:
    node = trace.nodes[node_id]
    derivs = node.derivations or [{"rule": node.rule, "premises": node.premises}]
    deriv = derivs[min(derivation, len(derivs) - 1)]
    rule = kb.rules[deriv["rule"]]
    values = {p.as_: trace.nodes[pid].value for p, pid in zip(rule.when, deriv["premises"], strict=True)}
    template = rule.rationale.zh if lang == "zh" else rule.rationale.en

    def fill(m: re.Match[str]) -> str:
        fact = values.get(m.group(1)) or {}
        value = localise(kb, m.group(2), fact.get(m.group(2)), lang)
        return render_value(value, m.group(3), lang)

    return _PLACEHOLDER.sub(fill, template)
