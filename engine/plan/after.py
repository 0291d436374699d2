"""The after-case of a plan: the projected evaluation as the plan carries it, the targets of each indicator with
the no/low-cost options and with all of them, and every indicator before and after."""

from __future__ import annotations

from typing import Any

from engine.evaluate.result import EvaluationResult, decimal_json

__all__ = ["before_after", "projected_view", "targets_of"]


def targets_of(ev: EvaluationResult, after_low: EvaluationResult, after_all: EvaluationResult) -> list[dict[str, Any]]:
    low = {i.key: i for i in after_low.instances}
    full = {i.key: i for i in after_all.instances}
    out = []
    for inst in ev.instances:
        if inst.kind != "quantitative" or inst.level in ("I", "not_applicable"):
            continue
        a, b = low.get(inst.key), full.get(inst.key)
        out.append(
            {
                "indicator": inst.key,
                "unit": inst.unit,
                "now": {"value": decimal_json(inst.value), "level": inst.level},
                "after_no_low_cost": {"value": decimal_json(a.value) if a else None, "level": a.level if a else None},
                "after_all": {"value": decimal_json(b.value) if b else None, "level": b.level if b else None},
                "next_level": inst.next_level,
            }
        )
    return out


def before_after(ev: EvaluationResult, after: EvaluationResult) -> list[dict[str, Any]]:
    later = {i.key: i for i in after.instances}
    rows = []
    for inst in ev.instances:
        other = later.get(inst.key)
        rows.append(
            {
                "indicator": inst.key,
                "unit": inst.unit,
                "before": {"value": decimal_json(inst.value), "level": inst.level},
                "after": {
                    "value": decimal_json(other.value) if other else None,
                    "level": other.level if other else None,
                },
            }
        )
    return rows


# The projected evaluation keeps what differs from the evaluation: values, levels, indices, rating and what blocks;
# the indicators' names, thresholds, sources, criteria and texts are those of ``evaluation`` (same knowledge base).
_PROJECTED_DROP = ("kb_version", "kb_hash", "input_hash", "enterprise", "benchmark_set", "completeness")


def projected_view(ev: EvaluationResult) -> dict[str, Any]:
    """The projected evaluation as a plan carries it: what differs from the evaluation of the plant's own data."""
    return {k: v for k, v in ev.as_dict(brief=True).items() if k not in _PROJECTED_DROP}
