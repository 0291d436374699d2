"""Three-valued evaluation of the condition language (engine/kb/conditions.py) over a self-inspection.

``True`` and ``False`` are definite; ``None`` means unknown (an answer is missing or "unknown"). Every leaf
evaluation is recorded as a :class:`LeafResult`, so that a caller can say which answer decided the outcome.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.kb.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.loader import KnowledgeBase

__all__ = ["FactView", "LeafResult", "Outcome", "evaluate_condition"]

Outcome = bool | None


@dataclass(frozen=True)
class LeafResult:
    """One leaf test: what was tested, against what, what was found, and the outcome."""

    subject: str
    op: str
    expected: Any
    actual: Any
    outcome: Outcome

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "op": self.op,
            "expected": self.expected,
            "actual": _jsonable(self.actual),
            "outcome": self.outcome,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class FactView:
    """What conditions can see: enterprise answers, step answers of the steps run, families run, trends."""

    answers: Mapping[str, Any]
    step_answers: Mapping[str, Mapping[str, Any]]  # step id -> answers (steps that are run)
    step_families: Mapping[str, str]  # step id -> family (steps that are run)
    # indicator id -> consecutive year-on-year improvements ending at the evaluated year, and whether the count
    # is complete (False when the chain reaches the first reported year, so earlier years might extend it)
    trends: Mapping[str, tuple[int, bool]] = field(default_factory=dict)
    # the steps run of each set of families asked about, worked out once per view (its steps never change)
    _steps: dict[frozenset[str], list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def steps_of(self, families: frozenset[str]) -> list[str]:
        """The steps run whose family is one of ``families``, sorted."""
        found = self._steps.get(families)
        if found is None:
            found = self._steps[families] = sorted(s for s, fam in self.step_families.items() if fam in families)
        return found


def _compare(op: str, actual: Any, expected: Any) -> Outcome:
    if actual is None or actual == "unknown":
        return None
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return bool(actual in expected)
    if op == "not_in":
        return bool(actual not in expected)
    if isinstance(actual, bool) or not isinstance(actual, int | Decimal | float):
        return False
    exp = Decimal(str(expected))
    act = actual if isinstance(actual, Decimal) else Decimal(str(actual))
    return _ORDER[op](act, exp)


_ORDER: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def _all(outcomes: list[Outcome]) -> Outcome:
    if any(o is False for o in outcomes):
        return False
    if any(o is None for o in outcomes):
        return None
    return True


def _any(outcomes: list[Outcome]) -> Outcome:
    if any(o is True for o in outcomes):
        return True
    if any(o is None for o in outcomes):
        return None
    return False


def _leaf(kb: KnowledgeBase, leaf: Leaf, facts: FactView, log: list[LeafResult]) -> Outcome:
    if leaf.steps_run is not None:
        run = list(facts.steps_of(frozenset(leaf.steps_run)))
        run_outcome = bool(run) if leaf.op == "present" else not run
        log.append(LeafResult(f"steps_run:{','.join(leaf.steps_run)}", leaf.op, None, run, run_outcome))
        return run_outcome
    if leaf.trend is not None:
        trend = facts.trends.get(leaf.trend)
        improving = trend[0] if trend is not None else None
        trend_outcome = _compare(leaf.op, improving, leaf.value)
        if trend is not None and not trend[1] and trend_outcome is False and leaf.op in ("ge", "gt", "eq"):
            trend_outcome = None  # more reported years could still meet it
        log.append(LeafResult(f"trend:{leaf.trend}", leaf.op, leaf.value, improving, trend_outcome))
        return trend_outcome
    assert leaf.question is not None
    question = kb.questions[leaf.question]
    if question.scope == "enterprise":
        actual = facts.answers.get(leaf.question)
        answer_outcome: Outcome
        if leaf.op in ("present", "absent"):
            known = actual is not None and actual != "unknown"
            answer_outcome = known if leaf.op == "present" else not known
        else:
            answer_outcome = _compare(leaf.op, actual, leaf.value)
        log.append(LeafResult(f"answer:{leaf.question}", leaf.op, leaf.value, actual, answer_outcome))
        return answer_outcome
    families = frozenset(leaf.families or question.families)
    steps = facts.steps_of(families)
    per_step: dict[str, Any] = {s: facts.step_answers.get(s, {}).get(leaf.question) for s in steps}
    outcomes: list[Outcome] = []
    for value in per_step.values():
        if leaf.op in ("present", "absent"):
            known = value is not None and value != "unknown"
            outcomes.append(known if leaf.op == "present" else not known)
        else:
            outcomes.append(_compare(leaf.op, value, leaf.value))
    # with no step of these families run, "all" holds vacuously and "any" fails
    combined: Outcome = leaf.quantifier == "all"
    if steps:
        combined = _all(outcomes) if leaf.quantifier == "all" else _any(outcomes)
    subject = f"steps[{leaf.quantifier}:{','.join(sorted(families))}].{leaf.question}"
    log.append(LeafResult(subject, leaf.op, leaf.value, per_step, combined))
    return combined


def evaluate_condition(kb: KnowledgeBase, cond: Condition, facts: FactView, log: list[LeafResult]) -> Outcome:
    """Evaluate ``cond``; append every leaf test to ``log``."""
    if isinstance(cond, AllOf):
        return _all([evaluate_condition(kb, c, facts, log) for c in cond.all])
    if isinstance(cond, AnyOf):
        return _any([evaluate_condition(kb, c, facts, log) for c in cond.any])
    if isinstance(cond, NotOf):
        inner = evaluate_condition(kb, cond.not_, facts, log)
        return None if inner is None else not inner
    return _leaf(kb, cond, facts, log)
