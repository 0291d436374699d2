"""The evaluation of a projection takes over what it can from its base (engine/evaluate/history.py): the earlier
years' trend values and the qualitative indicators whose conditions read nothing that changed. Taken over or
evaluated again, the result is the same."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import LEVELS_ONLY, evaluate
from engine.evaluate.history import Reads, reads_of
from engine.evaluate.result import EvaluationResult
from engine.intake.model import SelfInspection
from engine.intake.validate import parse_self_inspection
from engine.kb.conditions import Leaf
from engine.kb.loader import KnowledgeBase, load_kb
from engine.plan.projection import project

ROOT = Path(__file__).resolve().parents[2]
COHORT = sorted((ROOT / "examples" / "cohort" / "2024").glob("*.json"))
EXAMPLES = sorted((ROOT / "examples").glob("*.json")) + COHORT[:6]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _si(kb: KnowledgeBase, path: Path) -> SelfInspection:
    return parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection


def _same(a: EvaluationResult, b: EvaluationResult) -> None:
    """Equal as JSON, and equal in what the JSON leaves out (exact values, trend values, the facts seen)."""
    assert a.as_dict() == b.as_dict()
    assert [(i.key, i.value, i.level, i.reached, i.points) for i in a.instances] == [
        (i.key, i.value, i.level, i.reached, i.points) for i in b.instances
    ]
    assert a.indices_worst == b.indices_worst and a.indices_best == b.indices_best
    assert a.trend_values == b.trend_values and a.facts == b.facts


def _projected(kb: KnowledgeBase, si: SelfInspection, ev: EvaluationResult) -> SelfInspection:
    """The self-inspection after every option of its plan, as build_plan projects it."""
    from engine.plan.build import plan_core  # the plan's options and their combination

    core = plan_core(kb, si, None, None, None, None)
    return project(kb, si, ev.year, core.combined, [(r.option, r.steps) for r in core.ordered])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_projection_evaluated_with_its_base_is_the_same_as_without(kb: KnowledgeBase, path: Path) -> None:
    si = _si(kb, path)
    ev = evaluate(kb, si)
    after = _projected(kb, si, ev)
    _same(
        evaluate(kb, after, year=ev.year, projection=True, base=ev),
        evaluate(kb, after, year=ev.year, projection=True),
    )


def _member_reading_an_answer(kb: KnowledgeBase) -> tuple[str, str, Any]:
    """A qualitative member whose criteria read an enterprise yes/no answer: (indicator, question, the value its
    leaf expects)."""
    bset = kb.benchmark_sets[kb.meta.default_benchmark_set]
    for group in bset.groups:
        for member in group.members:
            for cond in member.criteria.values():
                if isinstance(cond, Leaf) and cond.question and cond.op == "eq" and isinstance(cond.value, bool):
                    if kb.questions[cond.question].scope == "enterprise":
                        return member.indicator, cond.question, cond.value
    raise AssertionError("no qualitative member reads an enterprise yes/no answer directly")


def test_an_indicator_whose_answer_changed_is_evaluated_again(kb: KnowledgeBase) -> None:
    """Change one answer a qualitative indicator reads (as an option's effect would): that indicator is evaluated
    again (its level moves), the others are taken over, and the result is the same as a full evaluation."""
    indicator, question, expected = _member_reading_an_answer(kb)
    si = _si(kb, EXAMPLES[0])
    ev = evaluate(kb, si)
    value = expected if si.answers.get(question) != expected else not expected  # the other answer
    changed = si.model_copy(update={"answers": {**si.answers, question: value}})
    with_base = evaluate(kb, changed, year=ev.year, projection=True, base=ev)
    _same(with_base, evaluate(kb, changed, year=ev.year, projection=True))
    before = next(i for i in ev.instances if i.id == indicator)
    after = next(i for i in with_base.instances if i.id == indicator)
    assert before.criteria_log != after.criteria_log  # evaluated again on the new answer, not taken over


def test_a_base_of_another_year_benchmark_set_or_knowledge_base_is_not_used(kb: KnowledgeBase) -> None:
    """A base evaluated for another year (or benchmark set, or by another knowledge base) is ignored: its indicators,
    here marked so that a take-over would show, are not taken over."""
    si = _si(kb, EXAMPLES[0])
    ev = evaluate(kb, si)
    full = evaluate(kb, si, projection=True)
    marked = [replace(i, level="marked") for i in ev.instances]
    for wrong in ({"year": ev.year - 1}, {"benchmark_set": {**ev.benchmark_set, "id": "another"}}, {"kb_hash": "x"}):
        other = replace(ev, instances=marked, trend_values={}, **wrong)
        _same(evaluate(kb, si, projection=True, base=other), full)
    taken = evaluate(kb, si, projection=True, base=replace(ev, instances=marked))
    assert any(i.level == "marked" for i in taken.instances)  # the same year and set: taken over (the mark shows)


def test_what_a_condition_reads(kb: KnowledgeBase) -> None:
    bset = kb.benchmark_sets[kb.meta.default_benchmark_set]
    member = next(m for g in bset.groups for m in g.members if m.criteria)
    reads = reads_of(kb, member)
    assert reads is reads_of(kb, member)  # worked out once per member
    assert reads.answers | reads.step_questions | reads.trends or reads.steps_run
    assert Reads(answers=frozenset({"a"})).meets(Reads(answers=frozenset({"a", "b"})))
    assert not Reads(answers=frozenset({"a"})).meets(Reads(step_questions=frozenset({"a"})))
    assert Reads(steps_run=True).meets(Reads(steps_run=True))


@pytest.mark.parametrize("path", EXAMPLES[:6], ids=lambda p: p.stem)
def test_a_levels_only_evaluation_has_the_levels_and_indices_of_the_full_one(kb: KnowledgeBase, path: Path) -> None:
    """What build_plan reads of its no/low-cost projection is the same in the levels-only evaluation; what it
    leaves out is empty, not stale."""
    si = _si(kb, path)
    ev = evaluate(kb, si)
    after = _projected(kb, si, ev)
    full = evaluate(kb, after, year=ev.year, projection=True, base=ev)
    brief = evaluate(kb, after, year=ev.year, projection=True, base=ev, leave_out=LEVELS_ONLY)
    assert (brief.overall_level, brief.overall_best) == (full.overall_level, full.overall_best)
    assert brief.indices_json() == full.indices_json() and brief.indices_best == full.indices_best
    assert [i.as_dict() for i in brief.instances] == [i.as_dict() for i in full.instances]
    assert (brief.blocking, brief.level_firmness, brief.groups) == ({}, {}, [])
    assert full.groups and full.level_firmness


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_projection_is_the_self_inspection_its_data_validates_to(kb: KnowledgeBase, path: Path) -> None:
    """project() validates only the year and the steps it changed and keeps the rest: the result is the same as
    validating the whole projected data, and the base self-inspection is left as it was."""
    si = _si(kb, path)
    before = si.model_dump()
    after = _projected(kb, si, evaluate(kb, si))
    assert SelfInspection.model_validate(after.model_dump()) == after
    assert si.model_dump() == before
    assert after.model_dump() != before  # the options changed something (every example has options)


def test_a_projection_validates_the_answers_it_sets(kb: KnowledgeBase) -> None:
    """An option's answer goes through the self-inspection's own answer validation (a float becomes a Decimal)."""
    from decimal import Decimal

    from engine.plan.projection import _with_effects

    si = _si(kb, EXAMPLES[0])
    qid = next(iter(si.answers))
    out = _with_effects(si, len(si.years) - 1, si.latest, {qid: 0.5}, {})
    assert out.answers[qid] == Decimal("0.5") and isinstance(out.answers[qid], Decimal)
    assert list(out.answers) == list(si.answers)  # the order of the answers is kept


def test_what_is_derived_from_the_knowledge_base_is_made_once(kb: KnowledgeBase) -> None:
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [len(made)]

    first = kb.derived(("test", "once"), make)
    assert kb.derived(("test", "once"), make) is first and made == [1]
    assert load_kb().derived(("test", "once"), make) == [2]  # another knowledge base works it out for itself


def test_a_taken_over_indicator_shares_no_list_or_dict_with_the_base(kb: KnowledgeBase) -> None:
    """What the projection's evaluation does to an indicator it took over never reaches the base evaluation's."""
    si = _si(kb, EXAMPLES[0])
    ev = evaluate(kb, si)
    before = [i.as_dict() for i in ev.instances]
    projected = evaluate(kb, si, projection=True, base=ev)
    taken = [i for i in projected.instances for b in ev.instances if (i.group, i.key) == (b.group, b.key)]
    assert taken
    for inst in taken:
        inst.notes.append("changed")
        inst.reached["I"] = None
        inst.sources.append("x")
        for log in inst.criteria_log.values():
            log.clear()
        for text in inst.level_texts.values():
            text["zh"] = "changed"
        if inst.next_level is not None:
            inst.next_level["level"] = "changed"
    assert [i.as_dict() for i in ev.instances] == before
