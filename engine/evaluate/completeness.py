"""How complete a self-inspection is: answered ÷ applicable, per section of the manual and per indicator.

Applicable questions: every enterprise-wide question of a section, and every step question once for each step the
plant runs whose family it is asked for. Answered: given and not "unknown". Per indicator: a quantitative
indicator's inputs read (known ÷ needed, the needed ones including those the self-inspection does not give at
all); a qualitative indicator's questions read by its level criteria (answered ÷ applicable, as above). An
indicator with nothing applicable (not applicable to the plant) counts 0 of 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.evaluate.result import NOT_APPLICABLE, InstanceResult
from engine.intake.model import SelfInspection
from engine.kb import models as m
from engine.kb.loader import KnowledgeBase
from engine.manual import condition_questions

__all__ = ["completeness", "with_completeness"]


def _percent(answered: int, applicable: int) -> float | None:
    return round(answered / applicable * 100, 1) if applicable else None


class _Slots:
    """(path, answered) of every place a question is asked of this plant, worked out once per question: the
    sections and the qualitative indicators read the same questions again and again."""

    def __init__(self, kb: KnowledgeBase, si: SelfInspection) -> None:
        self.kb = kb
        self.si = si
        self.run = [(i, f) for i, f in enumerate(si.process) if f.run and f.step in kb.steps]
        self.done: dict[str, list[tuple[str, bool]]] = {}

    def of(self, qid: str) -> list[tuple[str, bool]]:
        found = self.done.get(qid)
        if found is None:
            found = self.done[qid] = self._slots(qid)
        return found

    def _slots(self, qid: str) -> list[tuple[str, bool]]:
        q = self.kb.questions.get(qid)
        if q is None:
            return []
        if q.scope == "enterprise":
            value = self.si.answers.get(qid)
            return [(f"answers.{qid}", value is not None and value != "unknown")]
        out = []
        for i, facts in self.run:
            if self.kb.steps[facts.step].family in q.families:
                value = facts.answers.get(qid)
                out.append((f"process[{i}].answers.{qid}", value is not None and value != "unknown"))
        return out

    def all(self, qids: Iterable[str]) -> list[tuple[str, bool]]:
        return [slot for qid in qids for slot in self.of(qid)]


def _section_questions(kb: KnowledgeBase) -> list[tuple[m.ManualSection, list[str]]]:
    """The manual's sections in order, each with its questions' ids in order (the knowledge base's, kept on it)."""
    return kb.derived(
        "completeness.sections",
        lambda: [
            (section, [q.id for q in questions if q.section == section.id])
            for questions in [sorted(kb.questions.values(), key=lambda q: (q.order, q.id))]
            for section in sorted(kb.sections.values(), key=lambda s: (s.order, s.id))
        ],
    )


def _sections(kb: KnowledgeBase, slots_of: _Slots) -> list[dict[str, Any]]:
    rows = []
    for section, qids in _section_questions(kb):
        slots = slots_of.all(qids)
        answered = sum(1 for _, ok in slots if ok)
        rows.append(
            {
                "id": section.id,
                "title": {"zh": section.title.zh, "en": section.title.en},
                "answered": answered,
                "applicable": len(slots),
                "percent": _percent(answered, len(slots)),
                "unanswered": [path for path, ok in slots if not ok],
            }
        )
    return rows


def _criteria_questions(kb: KnowledgeBase, bset: m.BenchmarkSet, indicator: str) -> list[str]:
    """The questions a qualitative indicator's level criteria read, in order (kept on the knowledge base)."""

    def make() -> list[str]:
        member = _member(bset, indicator)
        conds = list(member.criteria.values()) if member is not None else []
        return list(dict.fromkeys(q for c in conds for q in condition_questions(c)))

    return kb.derived(("completeness.criteria", bset.id, indicator), make)


def _member(bset: m.BenchmarkSet, indicator: str) -> m.BenchmarkMember | None:
    return next((mm for g in bset.groups for mm in g.members if mm.indicator == indicator), None)


def _indicator(kb: KnowledgeBase, slots_of: _Slots, bset: m.BenchmarkSet, inst: InstanceResult) -> dict[str, Any]:
    row: dict[str, Any] = {"key": inst.key, "id": inst.id, "name": {"zh": inst.name_zh, "en": inst.name_en}}
    if inst.level == NOT_APPLICABLE:
        return {**row, "answered": 0, "applicable": 0, "percent": None, "missing": []}
    if inst.kind == "qualitative":
        slots = slots_of.all(_criteria_questions(kb, bset, inst.id))
        answered = sum(1 for _, ok in slots if ok)
        missing = [path for path, ok in slots if not ok]
        applicable = len(slots)
    else:
        missing = list(dict.fromkeys(inst.missing))
        needed = list(dict.fromkeys([i.path for i in inst.inputs] + missing))
        applicable = len(needed)
        answered = applicable - len(missing)
    return {
        **row,
        "answered": answered,
        "applicable": applicable,
        "percent": _percent(answered, applicable),
        "missing": missing,
    }


def completeness(
    kb: KnowledgeBase, si: SelfInspection, bset: m.BenchmarkSet, instances: list[InstanceResult]
) -> dict[str, Any]:
    """The completeness report of the self-inspection for the evaluated year (see the module text)."""
    slots_of = _Slots(kb, si)
    sections = _sections(kb, slots_of)
    indicators = [_indicator(kb, slots_of, bset, inst) for inst in instances]
    answered = sum(s["answered"] for s in sections)
    applicable = sum(s["applicable"] for s in sections)
    rated = [i for i in indicators if i["applicable"]]
    complete = sum(1 for i in rated if i["answered"] == i["applicable"])
    return {
        "answered": answered,
        "applicable": applicable,
        "percent": _percent(answered, applicable),
        "indicators_complete": complete,
        "indicators_applicable": len(rated),
        "sections": sections,
        "indicators": indicators,
        "note": {
            "zh": "已答 ÷ 适用：企业层面问题各计一次，工序问题按每个运行的适用工序各计一次；“未知”计为未答。"
            "定量指标按其所需数据计，定性指标按其分级条件所读的问题计。",
            "en": "Answered ÷ applicable: an enterprise question counts once, a step question once for each step run "
            "it is asked for; 'unknown' counts as unanswered. A quantitative indicator counts the data it needs, a "
            "qualitative one the questions its level criteria read.",
        },
    }


def with_completeness(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with its evaluation's completeness report as the top-level ``completeness`` key."""
    return {**plan, "completeness": plan.get("evaluation", {}).get("completeness", {})}
