"""Load-time checks of the options catalogue: codes, references, sources, units, effects, peer coverage."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.errors import KbIssue, did_you_mean
from engine.kb.options import Range

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["check_options"]

_SAVING_UNITS = {
    "fresh_water_m3": {"m3/m2", "L/m2"},
    "wastewater_m3": {"m3/m2", "L/m2"},
    "electricity_kwh": {"kWh/m2"},
    "copper_in_wastewater_kg": {"g/m2"},
    "cod_in_wastewater_kg": {"g/m2"},
}


def _answer_ok(q: Any, value: Any) -> bool:
    if q.answer == "boolean":
        return isinstance(value, bool)
    if q.answer == "choice":
        return value in [c.value for c in q.choices]
    if q.answer in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return (q.minimum is None or value >= q.minimum) and (q.maximum is None or value <= q.maximum)
    return isinstance(value, str)


def check_options(kb: KnowledgeBase) -> list[KbIssue]:
    issues: list[KbIssue] = []
    families = {s.family for s in kb.steps.values()}
    codes: dict[str, str] = {}
    for oid, opt in kb.options.items():
        o = kb.origin("options", oid)

        def add(path: str, message: str, fix: str = "", _o: Any = o) -> None:
            issues.append(KbIssue(_o.file, f"{_o.path}.{path}" if path else _o.path, message, fix))

        def ref(kind: str, wanted: str, known: Any, path: str, _add: Callable[..., None] = add) -> bool:
            if wanted in known:
                return True
            close = did_you_mean(wanted, known)
            _add(path, f"unknown {kind} {wanted!r}", f"did you mean {close[0]!r}?" if close else "")
            return False

        if opt.measure_code in codes:
            add(
                "measure_code",
                f"measure code {opt.measure_code} is already used by {codes[opt.measure_code]!r}",
                "codes are unique and stable: give the new option the next free number",
            )
        codes[opt.measure_code] = oid
        group = opt.measure_code[4:9]
        ref("measure group", group, kb.measure_groups, "measure_code")
        ref("measure area", opt.measure_code[4], kb.measure_areas, "measure_code")
        for i, sid in enumerate(opt.steps):
            ref("step", sid, kb.steps, f"steps[{i}]")
        for i, fam in enumerate(opt.families):
            ref("step family", fam, families, f"families[{i}]")
        for i, sid in enumerate(opt.sources):
            ref("source", sid, kb.sources, f"sources[{i}]")
        for name in ("prerequisites", "conflicts", "synergies"):
            for i, other in enumerate(getattr(opt, name)):
                if ref("option", other, kb.options, f"{name}[{i}]") and other == oid:
                    add(f"{name}[{i}]", f"an option cannot list itself under {name}")
        for other in opt.conflicts:
            if other in kb.options and oid not in kb.options[other].conflicts:
                add(
                    "conflicts",
                    f"{oid!r} conflicts with {other!r} but not the other way round",
                    f"add {oid} to the conflicts of {other}",
                )
        for other in set(opt.prerequisites) & set(opt.conflicts):
            add("prerequisites", f"{other!r} is both a prerequisite and a conflict")
        ranges: list[tuple[str, Range]] = []
        if opt.benefit is not None:
            ranges = [(f"benefit.{n}", r) for n, r in opt.benefit.ranges()]
            for i, sid in enumerate(opt.benefit.streams):
                if ref("stream", sid, kb.streams, f"benefit.streams[{i}]") and kb.streams[sid].kind == "resource":
                    add(f"benefit.streams[{i}]", f"{sid!r} is a resource, not a waste")
            for name, rng in ranges:
                want = {
                    "fraction": {"%"},
                    "reduction": {"%"},
                    "waste_avoided": {"%"},
                    "chemicals_avoided": {"%"},
                    "copper_recovery": {"%"},
                    "moisture_before": {"%"},
                    "moisture_after": {"%"},
                    "electricity_per_kg_copper": {"kWh/kg"},
                    "dilution_ratio": {"1"},
                    "endpoint": {"mg/L"},
                }.get(name.split(".")[-1])
                if name.endswith("saving") and opt.benefit.resource:
                    want = _SAVING_UNITS.get(opt.benefit.resource, set())
                if want is not None and rng.unit not in want:
                    add(f"{name}.unit", f"unit {rng.unit!r} does not fit", f"use {sorted(want)}")
                if rng.unit == "%" and not (rng.low >= 0 and rng.high <= 100):
                    add(name, "a percentage range must lie within 0-100")
        if opt.benefit is not None:
            for qid, value in opt.benefit.applies_if.items():
                q = kb.questions.get(qid)
                if q is None or q.scope != "enterprise":
                    add(f"benefit.applies_if.{qid}", f"{qid!r} is not an enterprise question")
                elif not _answer_ok(q, value):
                    add(f"benefit.applies_if.{qid}", f"{value!r} is not an answer {qid!r} can take")
            for name in ("power_question", "hours_question"):
                qid = getattr(opt.benefit, name)
                if qid is not None:
                    ref("question", qid, kb.questions, f"benefit.{name}")
            if opt.benefit.kind in ("stream_recovery", "sludge_drying", "diversion") and opt.benefit.pool:
                add("benefit.pool", f"a {opt.benefit.kind} model takes its pool from its streams; drop 'pool'")
        if opt.investment is not None and opt.investment.scaling is not None:
            exp = opt.investment.scaling.exponent
            ranges.append(("investment.scaling.exponent", exp))
            if exp.unit != "1" or not (0 < exp.low <= exp.high <= 1.5):
                add("investment.scaling.exponent", "a capacity exponent is a pure number between 0 and 1.5")
            if opt.investment.scaling.driver == "stream_t" and not (opt.benefit and opt.benefit.streams):
                add("investment.scaling.driver", "stream_t scaling needs the benefit model's streams")
        if opt.investment is not None:
            if opt.investment.low > opt.investment.high:
                add("investment", "low is above high")
            if ref("source", opt.investment.source, kb.sources, "investment.source"):
                if opt.investment.grade.rank < kb.sources[opt.investment.source].grade.rank:
                    add("investment.grade", "grade better than its source's")
        for i, oc in enumerate(opt.operating_cost):
            ranges.append((f"operating_cost[{i}].value", oc.value))
        for name, rng in ranges:
            if ref("source", rng.source, kb.sources, f"{name}.source"):
                if rng.grade.rank < kb.sources[rng.source].grade.rank:
                    add(
                        f"{name}.grade", f"grade {rng.grade} is better than its source's {kb.sources[rng.source].grade}"
                    )
            ref("unit", rng.unit, kb.units, f"{name}.unit")
        opt_families = set(opt.families) | {kb.steps[s].family for s in opt.steps if s in kb.steps}
        for qid, value in opt.effects.step_answers.items():
            q = kb.questions.get(qid)
            if q is None or q.scope != "step":
                add(f"effects.step_answers.{qid}", f"{qid!r} is not a step-scoped question")
            elif not set(q.families) & opt_families:
                add(f"effects.step_answers.{qid}", f"{qid!r} is not asked for the option's steps")
            elif not _answer_ok(q, value):
                add(f"effects.step_answers.{qid}", f"{value!r} is not an answer {qid!r} can take")
        for qid, value in opt.effects.answers.items():
            q = kb.questions.get(qid)
            if q is None or q.scope != "enterprise":
                add(f"effects.answers.{qid}", f"{qid!r} is not an enterprise question")
            elif not _answer_ok(q, value):
                add(f"effects.answers.{qid}", f"{value!r} is not an answer {qid!r} can take")
        for i, sid in enumerate(opt.effects.steps_run):
            ref("step", sid, kb.steps, f"effects.steps_run[{i}]")
        line_q = kb.questions.get("q_line_type")
        for i, lt in enumerate(opt.line_types):
            if line_q is None or lt not in [c.value for c in line_q.choices]:
                add(f"line_types[{i}]", f"{lt!r} is not an answer q_line_type can take")
        if opt.line_types and line_q is not None and not set(line_q.families) & opt_families:
            add("line_types", "q_line_type is not asked for the option's steps, so line_types can never apply")
        for sid, dest in opt.effects.waste_destination.items():
            if (
                ref("stream", sid, kb.streams, f"effects.waste_destination.{sid}")
                and ref("destination", dest, kb.destinations, f"effects.waste_destination.{sid}")
                and dest not in kb.streams[sid].destinations
            ):
                add(f"effects.waste_destination.{sid}", f"{sid!r} cannot go to {dest!r}")
    for pid, scheme in kb.peer_schemes.items():
        o = kb.origin("peer_schemes", pid)
        for i, oid in enumerate(scheme.options):
            if oid not in kb.options:
                close = did_you_mean(oid, kb.options)
                issues.append(
                    KbIssue(
                        o.file,
                        f"{o.path}.options[{i}]",
                        f"unknown option {oid!r}",
                        f"did you mean {close[0]!r}?" if close else "",
                    )
                )
    return issues
