"""Exhaust sources with their ordered treatment chains, read as the step answers the rules use.

For each step an exhaust source serves, q_line_exhaust_treatment is the ``exhaust_choice`` of the chain's unit with
the lowest rank (knowledge_base/manual/treatment_units.yaml; an empty chain is "ventilation_only"), and
q_dust_collection is "collection_recovery" or "extraction_only" by ``dust_recovered`` when the chain has a dust unit,
"extraction_only" when it has none. A step served by several sources takes the lowest-ranked reading of them all.
A stated answer must agree with the derived one; where the step states none, the derived answer is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.errors import did_you_mean
from engine.intake.issues import InputIssue
from engine.intake.model import ExhaustSource, SelfInspection
from engine.kb.loader import KnowledgeBase

__all__ = ["DUST_QUESTION", "EXHAUST_QUESTION", "Derived", "apply_exhaust", "check_exhaust", "derive_exhaust"]

EXHAUST_QUESTION = "q_line_exhaust_treatment"
DUST_QUESTION = "q_dust_collection"
_UNTREATED = "ventilation_only"


@dataclass(frozen=True)
class Derived:
    value: str
    rank: int
    source: int  # index in exhaust_sources


def _exhaust_reading(kb: KnowledgeBase, source: ExhaustSource) -> tuple[str, int] | None:
    units = [kb.treatment_units[s.unit] for s in source.treatment if s.unit in kb.treatment_units]
    if len(units) != len(source.treatment):
        return None  # an unknown unit: reported by check_exhaust, nothing derived
    deciding = [u for u in units if u.exhaust_choice is not None]
    if not source.treatment:
        return _UNTREATED, 1000
    if not deciding:
        return None
    best = min(deciding, key=lambda u: u.rank)
    assert best.exhaust_choice is not None
    return best.exhaust_choice, best.rank


def _dust_reading(kb: KnowledgeBase, source: ExhaustSource) -> tuple[str, int] | None:
    units = [kb.treatment_units.get(s.unit) for s in source.treatment]
    if any(u is None for u in units):
        return None
    collects = any(u is not None and u.dust for u in units)
    if collects and source.dust_recovered is None:
        return None  # collected, but whether it is recovered is not said
    if collects and source.dust_recovered:
        return "collection_recovery", 0
    return "extraction_only", 1


def derive_exhaust(kb: KnowledgeBase, si: SelfInspection) -> dict[str, dict[str, Derived]]:
    """step id -> question id -> the answer derived from the exhaust sources serving the step."""
    out: dict[str, dict[str, Derived]] = {}
    for si_index, source in enumerate(si.exhaust_sources):
        readings = {EXHAUST_QUESTION: _exhaust_reading(kb, source), DUST_QUESTION: _dust_reading(kb, source)}
        for sid in source.steps:
            step = kb.steps.get(sid)
            if step is None:
                continue
            for qid, reading in readings.items():
                q = kb.questions.get(qid)
                if reading is None or q is None or step.family not in q.families:
                    continue
                value, rank = reading
                if value not in {c.value for c in q.choices}:
                    continue
                current = out.setdefault(sid, {}).get(qid)
                if current is None or rank < current.rank:
                    out[sid][qid] = Derived(value, rank, si_index)
    return out


def check_exhaust(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    """Unknown steps and units, steps not run, and stated answers that contradict the chain."""
    run = {f.step for f in si.process if f.run}
    for i, source in enumerate(si.exhaust_sources):
        path = f"exhaust_sources[{i}]"
        for j, sid in enumerate(source.steps):
            if sid not in kb.steps:
                close = did_you_mean(sid, kb.steps)
                hint_en = f"; did you mean {close[0]!r}?" if close else ""
                hint_zh = f"；是否应为 {close[0]!r}？" if close else ""
                yield InputIssue(
                    f"{path}.steps[{j}]",
                    "unknown_step",
                    f"there is no process step {sid!r}{hint_en}",
                    f"没有工序 {sid!r}{hint_zh}",
                )
            elif sid not in run:
                yield InputIssue(
                    f"{path}.steps[{j}]",
                    "exhaust_step_not_run",
                    f"step {sid!r} is not run (declare it in process[] with run: true)",
                    f"工序 {sid!r} 未运行（请在 process[] 中以 run: true 列出）",
                )
        for k, stage in enumerate(source.treatment):
            if stage.unit not in kb.treatment_units:
                close = did_you_mean(stage.unit, kb.treatment_units)
                hint_en = f"; did you mean {close[0]!r}?" if close else ""
                hint_zh = f"；是否应为 {close[0]!r}？" if close else ""
                yield InputIssue(
                    f"{path}.treatment[{k}].unit",
                    "unknown_treatment_unit",
                    f"there is no treatment unit {stage.unit!r}{hint_en}",
                    f"没有废气处理装置类型 {stage.unit!r}{hint_zh}",
                )
    derived = derive_exhaust(kb, si)
    for pi, facts in enumerate(si.process):
        for qid, d in derived.get(facts.step, {}).items():
            stated = facts.answers.get(qid)
            if stated is None or stated == "unknown" or stated == d.value:
                continue
            yield InputIssue(
                f"process[{pi}].answers.{qid}",
                "exhaust_chain_conflict",
                f"{stated!r} contradicts the treatment chain of exhaust_sources[{d.source}], which reads as "
                f"{d.value!r}: correct one of them",
                f"{stated!r} 与 exhaust_sources[{d.source}] 的处理工艺（相当于 {d.value!r}）不符，请更正其一",
            )


def apply_exhaust(kb: KnowledgeBase, si: SelfInspection) -> SelfInspection:
    """The self-inspection with the answers derived from its exhaust sources added where a step states none."""
    derived = derive_exhaust(kb, si)
    if not derived:
        return si
    process = []
    for facts in si.process:
        add = {
            qid: d.value
            for qid, d in derived.get(facts.step, {}).items()
            if facts.run and facts.answers.get(qid) in (None, "unknown")
        }
        process.append(facts.model_copy(update={"answers": {**facts.answers, **add}}) if add else facts)
    return si.model_copy(update={"process": process})
