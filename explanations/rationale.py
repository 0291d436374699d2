"""Rule rationales rendered from the trace: ``{binding.field}`` / ``{binding.field:.2f}`` placeholders take the
values of the facts the firing matched (recorded in the trace), never recomputed."""

from __future__ import annotations

import re
from typing import Any

from engine.inference.trace import Trace
from engine.kb.loader import KnowledgeBase

__all__ = ["render_rationale", "render_value"]

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def render_value(value: Any, spec: str | None = None) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "是/yes" if value else "否/no"
    if isinstance(value, float | int) and spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def render_rationale(kb: KnowledgeBase, trace: Trace, node_id: str, lang: str, derivation: int = 0) -> str:
    node = trace.nodes[node_id]
    derivs = node.derivations or [{"rule": node.rule, "premises": node.premises}]
    deriv = derivs[min(derivation, len(derivs) - 1)]
    rule = kb.rules[deriv["rule"]]
    values = {p.as_: trace.nodes[pid].value for p, pid in zip(rule.when, deriv["premises"], strict=True)}
    template = rule.rationale.zh if lang == "zh" else rule.rationale.en

    def fill(m: re.Match[str]) -> str:
        fact = values.get(m.group(1)) or {}
        return render_value(fact.get(m.group(2)), m.group(3))

    return _PLACEHOLDER.sub(fill, template)
