"""How firm the overall level is: whether it rests on threshold rows the knowledge base itself contests.

A threshold row marked ``known_inconsistent`` in a benchmark set is kept as transcribed (the nested envelope
applies), but the knowledge base says it is probably wrong. An indicator instance whose thresholds come from such
a row, alone or in an output-weighted mix, is *contested*. The level is rated twice: with every instance (the
method as transcribed; this is the level reported, ``overall_level``) and without the contested instances, taken
out and the weights renormalised exactly as for indicators that do not apply. When the two differ (worst or best
case), the level is not determined: a row the knowledge base flags as wrong decides it. The level without the
contested rows is not reported in its place, because leaving an indicator out is not the method either; both are
given, with the rows that decide.

Members marked ``not_rated`` (their thresholds do not fit the indicator as defined) are computed and shown but
never counted, in either reading.
"""

from __future__ import annotations

from typing import Any

from engine.evaluate.instances import effective_thresholds
from engine.evaluate.rating import indices, rating
from engine.evaluate.result import INSUFFICIENT, NOT_APPLICABLE, InstanceResult, fraction_json
from engine.exact import Fraction
from engine.kb import models as m

__all__ = ["RULE", "contested_rows", "level_firmness", "mark_not_rated"]

RULE = {
    "zh": "基准中标记为已知不一致（known_inconsistent）的阈值行视为有争议；"
    "使用这些行（或由其构成的嵌套包络、按产量加权的基准）的指标实例即为有争议的实例。等级按两种口径评定：含全部实例（按转录的方法，即报告的综合等级），以及去掉有争议实例"
    "（与不适用指标相同，移出后权重重新归一）。两者不同时，等级视为未确定。",
    "en": "Threshold rows marked known_inconsistent in the benchmark set are contested; an indicator instance whose "
    "thresholds come from such a row (or the nested envelope or output-weighted benchmark built from one) is "
    "contested. The level is rated with every instance (the method as transcribed: the overall level reported) and "
    "without the contested instances (taken out and the weights renormalised, as for indicators that do not apply). "
    "When the two differ, the level is not determined.",
}


def contested_rows(
    rows: list[tuple[Fraction, m.ThresholdRow, int]], levels: list[str], direction: str
) -> list[dict[str, Any]]:
    """The known-inconsistent rows among those an instance is compared with, and whether the envelope changed them."""
    out = []
    for share, row, n in rows:
        if not row.known_inconsistent:
            continue
        entries = effective_thresholds(row, levels, direction, n)
        entry: dict[str, Any] = {
            "board": str(row.board) if row.board is not None else None,
            "reason": row.known_inconsistent,
            "envelope_applied": any(eff != raw for _, eff, raw, _ in entries),
        }
        if len(rows) > 1:
            entry["output_share"] = fraction_json(share)
        if row.board is not None and row.board.construction.layered:
            entry["n"] = n
        out.append(entry)
    return out


def mark_not_rated(inst: InstanceResult, reason: str, levels: list[str]) -> None:
    """Keep the value and thresholds of a ``not_rated`` member, but take it out of the indices and the rating."""
    if inst.level == NOT_APPLICABLE:
        return
    inst.not_rated = {"reason": reason, "level_against_thresholds": inst.level}
    inst.notes.append(f"not rated: {reason}")
    inst.level = inst.level_worst = inst.level_best = NOT_APPLICABLE
    inst.reached = {lv: None for lv in levels}
    inst.next_level = None
    inst.method = "not_rated"


def _level_text(level: str) -> str:
    return level.replace("below_", "below ")


def _reason(contested: list[InstanceResult], with_: tuple[str, str], without: tuple[str, str]) -> dict[str, str] | None:
    if with_ == without:
        return None
    keys = ", ".join(i.key for i in contested)

    def span(pair: tuple[str, str]) -> str:
        return _level_text(pair[0]) if pair[0] == pair[1] else f"{_level_text(pair[0])} – {_level_text(pair[1])}"

    return {
        "zh": f"等级取决于有争议的基准行：含 {keys} 时为 {span(with_)}，去掉后为 {span(without)}；"
        "这些行被知识库标记为已知不一致（很可能是转录错误），在以官方文本核对之前等级未确定。",
        "en": f"The level depends on contested threshold rows: with {keys} it is {span(with_)}, without them "
        f"{span(without)}. The knowledge base marks these rows known_inconsistent (probably transcription errors); "
        "until they are checked against the official text, the level is not determined.",
    }


def level_firmness(
    bset: m.BenchmarkSet,
    instances: list[InstanceResult],
    with_contested: tuple[str, str],
    block: dict[str, Any],
) -> dict[str, Any]:
    """The ``level_firmness`` record of an evaluation (see the module docstring)."""
    contested = [i for i in instances if i.contested and i.level != NOT_APPLICABLE]
    keys = {i.key for i in contested}
    levels = bset.levels

    undecided = any(i.level == INSUFFICIENT for i in instances)  # else the best case is the worst case

    def rated(excluded: set[str]) -> tuple[tuple[str, str], dict[str, Fraction]]:
        y_w, _ = indices(bset, instances, "worst", excluded, with_points=False)
        y_b = indices(bset, instances, "best", excluded, with_points=False)[0] if undecided else y_w
        worst, _ = rating(bset, instances, y_w, "worst", excluded)
        best, _ = rating(bset, instances, y_b, "best", excluded) if undecided else (worst, None)
        return (worst, best), y_w

    without, y_without = rated(keys) if keys else (with_contested, {})
    rows = []
    for inst in contested:
        alone, _ = rated({inst.key})
        rows.append(
            {
                "key": inst.key,
                "level": inst.level,
                "rows": inst.contested,
                "changes_level_alone": alone != with_contested,
            }
        )
    determined = with_contested == without
    out: dict[str, Any] = {
        "determined": determined,
        "reason": _reason(contested, with_contested, without),
        "rule": dict(RULE),
        "reported": "with_contested",
        "level_with_contested": {"worst": with_contested[0], "best": with_contested[1]},
        "level_without_contested": {"worst": without[0], "best": without[1]},
        "contested": rows,
        "determined_by": [r["key"] for r in block.get("indicators", [])],
        "determined_by_note": {
            "zh": "限制综合等级的指标：未达到上一等级的指标（详见 blocking），其中任何一个改进都有助于提升等级。",
            "en": "The indicators that limit the overall level: those short of the next level (details in "
            "blocking), each of which, improved, helps lift it.",
        },
        "not_rated": [{"key": i.key, **i.not_rated} for i in instances if i.not_rated is not None],
    }
    if keys:
        out["indices_without_contested"] = {f"Y_{lv}": fraction_json(y_without[lv], 4) for lv in levels}
    return out
