"""The collector of knowledge-base issues shared by the cross-record checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from engine.errors import KbIssue, did_you_mean
from engine.intake.model import Pollutants
from engine.kb import base
from engine.kb.conditions import NUMERIC_OPS, AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.indicators import LevelCriterion

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["POLLUTANTS", "Checker", "check_condition", "families_of"]

POLLUTANTS = frozenset(name for name in Pollutants.model_fields if name != "ph")


class Checker:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.issues: list[KbIssue] = []

    def add(self, file: str, path: str, message: str, fix: str = "") -> None:
        self.issues.append(KbIssue(file, path, message, fix))

    def ref(self, kind: str, wanted: str, known: Iterable[str], file: str, path: str) -> bool:
        known = list(known)
        if wanted in known:
            return True
        close = did_you_mean(wanted, known)
        fix = f"did you mean {close[0]!r}?" if close else f"define the {kind} or use an existing id"
        self.add(file, path, f"unknown {kind} {wanted!r}", fix)
        return False

    def source(self, sourced: base.Sourced | LevelCriterion, file: str, path: str) -> None:
        if not self.ref("source", sourced.source, self.kb.sources, file, f"{path}.source"):
            return
        src = self.kb.sources[sourced.source]
        # A value cannot be more certain than the document it comes from; derived (D) and unconfirmed (U)
        # values are always allowed since they already say so.
        if sourced.grade.rank < src.grade.rank:
            self.add(
                file,
                f"{path}.grade",
                f"grade {sourced.grade} is better than its source {src.id}'s grade {src.grade}",
                f"use grade {src.grade} or lower, or cite a better source",
            )

    def unit(self, unit: str, file: str, path: str) -> None:
        self.ref("unit", unit, self.kb.units, file, f"{path}.unit")

    def sources_list(self, ids: list[str], file: str, path: str) -> None:
        for i, sid in enumerate(ids):
            self.ref("source", sid, self.kb.sources, file, f"{path}.sources[{i}]")


def check_condition(c: Checker, cond: Condition, file: str, path: str) -> None:
    """Parse-time type check of a condition against the declared facts (questions, indicators, families)."""
    kb = c.kb
    if isinstance(cond, AllOf):
        for i, part in enumerate(cond.all):
            check_condition(c, part, file, f"{path}.all[{i}]")
        return
    if isinstance(cond, AnyOf):
        for i, part in enumerate(cond.any):
            check_condition(c, part, file, f"{path}.any[{i}]")
        return
    if isinstance(cond, NotOf):
        check_condition(c, cond.not_, file, f"{path}.not")
        return
    assert isinstance(cond, Leaf)
    families = families_of(kb)
    if cond.steps_run is not None:
        for i, fam in enumerate(cond.steps_run):
            c.ref("step family", fam, families, file, f"{path}.steps_run[{i}]")
        return
    if cond.trend is not None:
        if c.ref("indicator", cond.trend, kb.indicators, file, f"{path}.trend"):
            if kb.indicators[cond.trend].direction == "qualitative":
                c.add(
                    file,
                    f"{path}.trend",
                    f"indicator {cond.trend!r} is qualitative and has no trend",
                    "use a quantitative indicator",
                )
        return
    assert cond.question is not None
    if not c.ref("question", cond.question, kb.questions, file, f"{path}.question"):
        return
    q = kb.questions[cond.question]
    where = f"{path} (question {q.id}, a {q.answer} answer)"
    if cond.families is not None:
        if q.scope != "step":
            c.add(file, f"{path}.families", f"question {q.id!r} is not step-scoped", "remove families")
        for fam in cond.families:
            if fam not in q.families:
                c.add(
                    file,
                    f"{path}.families",
                    f"question {q.id!r} is not asked for family {fam!r}",
                    f"use families among {q.families}",
                )
    if cond.op in ("present", "absent"):
        return
    values = cond.value if isinstance(cond.value, list) else [cond.value]
    if q.answer == "boolean":
        if cond.op not in ("eq", "ne") or not all(isinstance(v, bool) for v in values):
            c.add(
                file,
                where,
                f"op {cond.op!r} with value {cond.value!r} does not fit a yes/no answer",
                "use op eq or ne with true or false",
            )
    elif q.answer in ("choice", "multi_choice"):
        allowed = [ch.value for ch in q.choices]
        if cond.op in NUMERIC_OPS:
            c.add(file, where, f"op {cond.op!r} does not fit a choice answer", "use eq, ne, in or not_in")
        for v in values:
            if v not in allowed:
                close = did_you_mean(str(v), allowed)
                c.add(
                    file,
                    where,
                    f"{v!r} is not a choice of question {q.id!r}",
                    f"did you mean {close[0]!r}?" if close else f"use one of {allowed}",
                )
    elif q.answer in ("number", "integer"):
        if cond.op in ("in", "not_in") or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            c.add(
                file,
                where,
                f"op {cond.op!r} with value {cond.value!r} does not fit a numeric answer",
                "compare with a number (eq, ne, gt, ge, lt, le)",
            )
        else:
            for v in values:
                if (q.minimum is not None and v < q.minimum) or (q.maximum is not None and v > q.maximum):
                    c.add(
                        file,
                        where,
                        f"{v} is outside the answer's range {q.minimum}..{q.maximum}",
                        "compare with a value the answer can take",
                    )
    elif q.answer == "text":
        c.add(file, where, "free-text answers cannot be tested", "ask a boolean or choice question instead")


def families_of(kb: KnowledgeBase) -> set[str]:
    return {step.family for step in kb.steps.values()}
