"""The self-inspection manual (自查手册), generated from the knowledge base.

One structure feeds every rendering (this JSON; the workbook, engine/intake/workbook, and the printable manual,
explanations/manual_render.py, share its layout): sections, questions with their answer types and, for each
question, which indicators use its answer; the exhaust treatment units a chain may list and the chemistries a
step may be run with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.kb.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.loader import KnowledgeBase

__all__ = ["build_manual", "condition_questions", "question_users"]


def condition_questions(cond: Condition) -> Iterator[str]:
    """Question ids a condition reads."""
    if isinstance(cond, AllOf):
        for part in cond.all:
            yield from condition_questions(part)
    elif isinstance(cond, AnyOf):
        for part in cond.any:
            yield from condition_questions(part)
    elif isinstance(cond, NotOf):
        yield from condition_questions(cond.not_)
    elif isinstance(cond, Leaf) and cond.question is not None:
        yield cond.question


def question_users(kb: KnowledgeBase) -> dict[str, dict[str, list[str]]]:
    """For every question: the indicators (``set/indicator``) whose criteria read it."""
    users: dict[str, dict[str, list[str]]] = {q: {"indicators": [], "rules": []} for q in kb.questions}
    for bset in kb.benchmark_sets.values():
        for group in bset.groups:
            for member in group.members:
                conds = list(member.criteria.values())
                if member.applies_if is not None:
                    conds.append(member.applies_if)
                for cond in conds:
                    for qid in condition_questions(cond):
                        ref = f"{bset.id}/{member.indicator}"
                        if qid in users and ref not in users[qid]["indicators"]:
                            users[qid]["indicators"].append(ref)
    return users


def build_manual(kb: KnowledgeBase) -> dict[str, Any]:
    users = question_users(kb)
    families: dict[str, list[str]] = {}
    for step in kb.steps.values():
        families.setdefault(step.family, []).append(step.id)
    sections = []
    for section in sorted(kb.sections.values(), key=lambda s: (s.order, s.id)):
        questions = sorted((q for q in kb.questions.values() if q.section == section.id), key=lambda q: (q.order, q.id))
        rows = []
        for q in questions:
            row: dict[str, Any] = {
                "id": q.id,
                "text": {"zh": q.text.zh, "en": q.text.en},
                "answer": q.answer,
                "scope": q.scope,
            }
            if q.help is not None:
                row["help"] = {"zh": q.help.zh, "en": q.help.en}
            if q.choices:
                row["choices"] = [{"value": c.value, "text": {"zh": c.text.zh, "en": c.text.en}} for c in q.choices]
            if q.unit:
                row["unit"] = q.unit
            if q.minimum is not None:
                row["minimum"] = float(q.minimum)
            if q.maximum is not None:
                row["maximum"] = float(q.maximum)
            if q.scope == "step":
                row["families"] = list(q.families)
                row["steps"] = sorted(s for fam in q.families for s in families.get(fam, []))
            row["unknown_allowed"] = True
            row["used_by"] = users[q.id]
            row["sources"] = list(q.sources)
            rows.append(row)
        entry: dict[str, Any] = {
            "id": section.id,
            "order": section.order,
            "title": {"zh": section.title.zh, "en": section.title.en},
            "questions": rows,
        }
        if section.description is not None:
            entry["description"] = {"zh": section.description.zh, "en": section.description.en}
        sections.append(entry)
    return {
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "title": {
            "zh": "印制电路板企业清洁生产自查手册",
            "en": "Cleaner-production self-inspection manual for PCB enterprises",
        },
        "data_schema": "smart-audit manual --schema (JSON Schema of the self-inspection)",
        "question_count": sum(len(s["questions"]) for s in sections),
        "sections": sections,
        "treatment_units": [
            {
                "id": u.id,
                "name": {"zh": u.name.zh, "en": u.name.en},
                "exhaust_choice": u.exhaust_choice,
                "rank": u.rank,
                "dust": u.dust,
            }
            for u in kb.treatment_units.values()
        ],
        "step_chemistries": {
            s.id: [{"id": c.id, "name": {"zh": c.name.zh, "en": c.name.en}} for c in s.chemistries]
            for s in kb.steps.values()
            if s.chemistries
        },
    }
