"""What an evaluation sees besides the year's quantities, and what a projection of it can take over.

- :func:`fact_view`: the answers, the steps run and the trends the condition language reads;
- :func:`trends`: consecutive year-on-year improvements of each quantitative indicator;
- :class:`Unchanged`: for the evaluation of a projection (engine/plan/projection.py changes the evaluated year's
  quantities and, by the options' effects, some answers; never the earlier years or the steps run), the base
  evaluation's qualitative indicators whose conditions read nothing that changed, taken over instead of evaluated
  again (each condition's reads: :func:`reads_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.evaluate.criteria import FactView
from engine.evaluate.instances import Computed, compute_value
from engine.evaluate.result import EvaluationResult, InstanceResult, decimal_json
from engine.intake.model import SelfInspection, YearData
from engine.kb import models as m
from engine.kb.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.loader import KnowledgeBase

__all__ = ["TrendValues", "Unchanged", "fact_view", "plant_value", "reads_of", "trends"]


def fact_view(kb: KnowledgeBase, si: SelfInspection, trend_counts: dict[str, tuple[int, bool]]) -> FactView:
    run = [f for f in si.process if f.run and f.step in kb.steps]
    return FactView(
        answers=dict(si.answers),
        step_answers={f.step: dict(f.answers) for f in run},
        step_families={f.step: kb.steps[f.step].family for f in run},
        trends=trend_counts,
    )


TrendValues = dict[tuple[str, int], Decimal | None]


def trends(
    kb: KnowledgeBase,
    si: SelfInspection,
    upto: int,
    earlier: TrendValues | None = None,
    computed: dict[str, Computed] | None = None,
) -> tuple[dict[str, tuple[int, bool]], dict[str, Any], TrendValues]:
    """Consecutive year-on-year improvements of each quantitative indicator (plant level), ending at ``upto``.

    Returns ``{indicator: (count, complete)}``; ``complete`` is False when the chain of improvements reaches the
    first reported year, so that earlier years (not reported) might extend it. Also the series shown and the
    exact values by (indicator, year). ``earlier``: exact values of the years before ``upto`` known to be those
    of this self-inspection (a projection changes only the evaluated year: engine/plan/projection.py).
    ``computed``: filled with each indicator's plant value of the year ``upto`` as worked out here (the evaluation
    of that year reads the same, :func:`plant_value`).
    """
    years = [y for y in si.years if y.year <= upto]
    counts: dict[str, tuple[int, bool]] = {}
    series: dict[str, Any] = {}
    exact: TrendValues = {}
    for ind in kb.indicators.values():
        if ind.direction == "qualitative":
            continue
        values: list[Decimal | None] = []
        for y in years:
            if earlier is not None and y.year != upto and (ind.id, y.year) in earlier:
                values.append(earlier[(ind.id, y.year)])
                continue
            found = compute_value(kb, si, y, ind, factor_year=upto)
            if computed is not None and y.year == upto:
                computed[ind.id] = found
            values.append(found.value)
        exact.update(((ind.id, y.year), v) for y, v in zip(years, values, strict=True))
        series[ind.id] = {
            "unit": ind.unit,
            "direction": ind.direction,
            "values": {str(y.year): decimal_json(v) for y, v in zip(years, values, strict=True)},
        }
        count = 0
        state = "exhausted"  # every reported comparison was an improvement
        for prev, cur in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
            if prev is None or cur is None:
                state = "unknown"  # a missing year: the chain could go on, the count is a lower bound
                break
            better = cur < prev if ind.direction == "lower_is_better" else cur > prev
            if not better:
                state = "broken"
                break
            count += 1
        if values and values[-1] is None:
            continue
        counts[ind.id] = (count, state == "broken" or (state == "exhausted" and len(years) >= 3))
        series[ind.id]["improving_years"] = count
    return counts, series, exact


def plant_value(
    kb: KnowledgeBase, si: SelfInspection, year: YearData, ind: m.Indicator, computed: dict[str, Computed]
) -> Computed:
    """The indicator's plant value in ``year``: the one :func:`trends` worked out for it (handed out once: the
    instance that takes it keeps its lists), else worked out here."""
    found = computed.pop(ind.id, None)
    return found if found is not None else compute_value(kb, si, year, ind)


@dataclass(frozen=True)
class Reads:
    """What a condition reads: enterprise answers, step answers (by question, any step), trends, the steps run."""

    answers: frozenset[str] = frozenset()
    step_questions: frozenset[str] = frozenset()
    trends: frozenset[str] = frozenset()
    steps_run: bool = False

    def __or__(self, other: Reads) -> Reads:
        return Reads(
            self.answers | other.answers,
            self.step_questions | other.step_questions,
            self.trends | other.trends,
            self.steps_run or other.steps_run,
        )

    def meets(self, other: Reads) -> bool:
        return bool(
            (self.answers & other.answers)
            or (self.step_questions & other.step_questions)
            or (self.trends & other.trends)
            or (self.steps_run and other.steps_run)
        )


def _reads(kb: KnowledgeBase, cond: Condition) -> Reads:
    if isinstance(cond, AllOf):
        return _union(kb, cond.all)
    if isinstance(cond, AnyOf):
        return _union(kb, cond.any)
    if isinstance(cond, NotOf):
        return _reads(kb, cond.not_)
    assert isinstance(cond, Leaf)
    if cond.steps_run is not None:
        return Reads(steps_run=True)
    if cond.trend is not None:
        return Reads(trends=frozenset({cond.trend}))
    assert cond.question is not None
    if kb.questions[cond.question].scope == "enterprise":
        return Reads(answers=frozenset({cond.question}))
    return Reads(step_questions=frozenset({cond.question}), steps_run=True)  # which steps: the families run


def _union(kb: KnowledgeBase, conds: list[Condition]) -> Reads:
    out = Reads()
    for c in conds:
        out = out | _reads(kb, c)
    return out


def reads_of(kb: KnowledgeBase, member: m.BenchmarkMember) -> Reads:
    """Everything the member's conditions (``applies_if`` and the criteria of every level) read (worked out once per
    knowledge base: the member is one of its records)."""

    def make() -> Reads:
        return _union(kb, [c for c in (member.applies_if, *member.criteria.values()) if c is not None])

    return kb.derived(("reads_of", id(member)), make)


def _changed(base: FactView, now: FactView) -> Reads:
    """What differs between two fact views."""
    answers = {k for k in base.answers.keys() | now.answers.keys() if base.answers.get(k) != now.answers.get(k)}
    questions: set[str] = set()
    for step in base.step_answers.keys() | now.step_answers.keys():
        a, b = base.step_answers.get(step, {}), now.step_answers.get(step, {})
        questions.update(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    trend = {k for k in base.trends.keys() | now.trends.keys() if base.trends.get(k) != now.trends.get(k)}
    return Reads(frozenset(answers), frozenset(questions), frozenset(trend), base.step_families != now.step_families)


class Unchanged:
    """The base evaluation's qualitative indicators a projection's evaluation can take over (a copy each)."""

    def __init__(self, kb: KnowledgeBase, base: EvaluationResult, facts: FactView) -> None:
        self._kb = kb
        self._changed = _changed(base.facts, facts) if base.facts is not None else None
        self._by_member = {(i.group, i.id): i for i in base.instances if i.kind == "qualitative"}

    def instance(self, group: str, member: m.BenchmarkMember) -> InstanceResult | None:
        if self._changed is None:
            return None
        inst = self._by_member.get((group, member.indicator))
        if inst is None or reads_of(self._kb, member).meets(self._changed):
            return None
        kept = inst.copy()  # its own lists and dicts: nothing done to the projection's reaches the base's
        kept.points = {}  # the evaluation sets the points again
        return kept
