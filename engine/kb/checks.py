"""Cross-record checks of a loaded knowledge base: references, units, grades, thresholds, weights.

Each check returns :class:`~engine.errors.KbIssue` values; the loader raises them all together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import KbIssue
from engine.kb import models as m
from engine.kb.acceptancecheck import check_acceptance_policies
from engine.kb.benchcheck import check_benchmarks, check_indicators, monotonicity_violations
from engine.kb.checker import POLLUTANTS, families_of
from engine.kb.checker import Checker as _Checker
from engine.kb.effluent import check_effluent_standards
from engine.kb.optioncheck import check_options
from engine.kb.rulecheck import check_rules
from engine.kb.strata import RuleCycleError, strata

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["check_knowledge_base", "monotonicity_violations"]

EXHAUST_QUESTION = "q_line_exhaust_treatment"  # the step answer a treatment chain is read as (engine/intake/exhaust.py)


def check_knowledge_base(kb: KnowledgeBase) -> list[KbIssue]:
    c = _Checker(kb)
    _check_process(c)
    check_indicators(c)
    check_benchmarks(c)
    _check_parameters(c)
    c.issues.extend(check_effluent_standards(kb, POLLUTANTS))
    _check_manual(c)
    _check_treatment_units(c)
    _check_findings(c)
    c.issues.extend(check_rules(kb))
    c.issues.extend(check_options(kb))
    c.issues.extend(check_acceptance_policies(kb))
    for pid, policy in kb.plan_policies.items():
        o = kb.origin("plan_policies", pid)
        for name in ("priority_source", "focus_source"):
            c.ref("source", getattr(policy, name), kb.sources, o.file, f"{o.path}.{name}")
    for pid, cpolicy in kb.cohort_policies.items():
        o = kb.origin("cohort_policies", pid)
        c.ref("source", cpolicy.source, kb.sources, o.file, f"{o.path}.source")
    if not c.issues:
        _check_strata(c)
    return c.issues


def _check_strata(c: _Checker) -> None:
    try:
        strata(c.kb)
    except RuleCycleError as exc:
        o = c.kb.origin("rules", exc.cycle[0])
        c.add(o.file, o.path, str(exc), "a rule may not depend, through the facts it matches, on its own conclusions")


def _check_findings(c: _Checker) -> None:
    concluded = {r.then.finding.id for r in c.kb.rules.values() if r.then.finding}
    for fid in c.kb.findings:
        if c.kb.rules and fid not in concluded:
            o = c.kb.origin("findings", fid)
            c.add(o.file, o.path, f"no rule concludes finding {fid!r}", "write a rule for it or remove it")


def _check_chemistries(c: _Checker, step: m.Step, file: str, path: str) -> None:
    ids = [chem.id for chem in step.chemistries]
    if len(set(ids)) != len(ids):
        c.add(file, f"{path}.chemistries", "chemistry ids must be unique within a step", "rename the duplicate")
    for ci, chem in enumerate(step.chemistries):
        c.sources_list(chem.sources, file, f"{path}.chemistries[{ci}]")
        for i, out in enumerate(chem.outputs or []):
            if c.ref("stream", out, c.kb.streams, file, f"{path}.chemistries[{ci}].outputs[{i}]"):
                if c.kb.streams[out].kind == "resource":
                    c.add(file, f"{path}.chemistries[{ci}].outputs[{i}]", f"output {out!r} is a resource stream")


def _check_treatment_units(c: _Checker) -> None:
    kb = c.kb
    question = kb.questions.get(EXHAUST_QUESTION)
    choices = [ch.value for ch in question.choices] if question is not None else []
    for uid, unit in kb.treatment_units.items():
        o = kb.origin("treatment_units", uid)
        c.sources_list(unit.sources, o.file, o.path)
        if unit.exhaust_choice is not None:
            c.ref(f"choice of {EXHAUST_QUESTION}", unit.exhaust_choice, choices, o.file, f"{o.path}.exhaust_choice")


def _check_manual(c: _Checker) -> None:
    kb = c.kb
    families = families_of(kb)
    for qid, q in kb.questions.items():
        o = kb.origin("questions", qid)
        c.ref("manual section", q.section, kb.sections, o.file, f"{o.path}.section")
        c.sources_list(q.sources, o.file, o.path)
        if q.unit is not None:
            c.unit(q.unit, o.file, o.path)
        for i, fam in enumerate(q.families):
            c.ref("step family", fam, families, o.file, f"{o.path}.families[{i}]")
        values = [ch.value for ch in q.choices]
        if len(set(values)) != len(values):
            c.add(o.file, f"{o.path}.choices", "choice values must be unique", "rename the duplicate choice")


def _check_process(c: _Checker) -> None:
    kb = c.kb
    for sid, step in kb.steps.items():
        o = kb.origin("steps", sid)
        c.sources_list(step.sources, o.file, o.path)
        for i, inp in enumerate(step.inputs):
            if c.ref("stream", inp.stream, kb.streams, o.file, f"{o.path}.inputs[{i}].stream"):
                if kb.streams[inp.stream].kind != "resource":
                    c.add(
                        o.file,
                        f"{o.path}.inputs[{i}]",
                        f"input {inp.stream!r} is not a resource stream",
                        "list waste streams under outputs",
                    )
        for i, out in enumerate(step.outputs):
            if c.ref("stream", out, kb.streams, o.file, f"{o.path}.outputs[{i}]"):
                if kb.streams[out].kind == "resource":
                    c.add(
                        o.file,
                        f"{o.path}.outputs[{i}]",
                        f"output {out!r} is a resource stream",
                        "list resources under inputs",
                    )
        _check_chemistries(c, step, o.file, o.path)
    for sid, stream in kb.streams.items():
        o = kb.origin("streams", sid)
        c.sources_list(stream.sources, o.file, o.path)
        for i, dest_id in enumerate(stream.destinations):
            c.ref("destination", dest_id, kb.destinations, o.file, f"{o.path}.destinations[{i}]")
    for did, dest in kb.destinations.items():
        o = kb.origin("destinations", did)
        c.sources_list(dest.sources, o.file, o.path)
        if dest.step is not None and c.ref("step", dest.step, kb.steps, o.file, f"{o.path}.step"):
            if kb.steps[dest.step].kind != "utility":
                c.add(
                    o.file,
                    f"{o.path}.step",
                    f"step {dest.step!r} runs a destination but is not a utility step",
                    "set kind: utility on the step",
                )
    for rid, route in kb.routes.items():
        o = kb.origin("routes", rid)
        c.sources_list(route.sources, o.file, o.path)
        seen: set[str] = set()
        for i, item in enumerate(route.items):
            for step_id in item.steps:
                if c.ref("step", step_id, kb.steps, o.file, f"{o.path}.items[{i}]"):
                    if kb.steps[step_id].kind == "utility":
                        c.add(
                            o.file,
                            f"{o.path}.items[{i}]",
                            f"utility step {step_id!r} is not on a board route",
                            "remove it from the route; streams reach it through their destinations",
                        )
                if step_id in seen:
                    c.add(
                        o.file,
                        f"{o.path}.items[{i}]",
                        f"step {step_id!r} appears twice in the route",
                        "use a distinct step id for the second visit (e.g. outer_developing)",
                    )
                seen.add(step_id)


def _check_parameters(c: _Checker) -> None:
    kb = c.kb
    for pid, param in kb.parameters.items():
        o = kb.origin("parameters", pid)
        c.unit(param.unit, o.file, o.path)
        seen: set[tuple[tuple[tuple[str, str], ...], str]] = set()
        for i, value in enumerate(param.values):
            c.source(value, o.file, f"{o.path}.values[{i}]")
            key = (tuple(sorted(value.key.items())), value.valid_from.isoformat())
            if key in seen:
                c.add(
                    o.file,
                    f"{o.path}.values[{i}]",
                    f"two values for {dict(value.key)} from {value.valid_from}",
                    "keep one, or give the later one its own valid_from date",
                )
            seen.add(key)
