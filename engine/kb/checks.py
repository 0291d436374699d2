"""Cross-record checks of a loaded knowledge base: references, units, grades, thresholds, weights.

Each check returns :class:`~engine.errors.KbIssue` values; the loader raises them all together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from engine.errors import KbIssue, did_you_mean
from engine.intake.model import Pollutants
from engine.intake.quantities import QUANTITIES
from engine.kb import models as m
from engine.kb.acceptancecheck import check_acceptance_policies
from engine.kb.conditions import NUMERIC_OPS, AllOf, AnyOf, Condition, Leaf, NotOf
from engine.kb.effluent import check_effluent_standards
from engine.kb.optioncheck import check_options
from engine.kb.rulecheck import check_rules
from engine.kb.strata import RuleCycleError, strata

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["check_knowledge_base", "monotonicity_violations"]

POLLUTANTS = frozenset(name for name in Pollutants.model_fields if name != "ph")
EXHAUST_QUESTION = "q_line_exhaust_treatment"  # the step answer a treatment chain is read as (engine/intake/exhaust.py)


class _Checker:
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

    def source(self, sourced: m.Sourced | m.LevelCriterion, file: str, path: str) -> None:
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


def check_knowledge_base(kb: KnowledgeBase) -> list[KbIssue]:
    c = _Checker(kb)
    _check_process(c)
    _check_indicators(c)
    _check_benchmarks(c)
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


def _families(kb: KnowledgeBase) -> set[str]:
    return {step.family for step in kb.steps.values()}


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
    families = _families(kb)
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


def check_condition(c: _Checker, cond: Condition, file: str, path: str) -> None:
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
    families = _families(kb)
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


def _check_indicators(c: _Checker) -> None:
    kb = c.kb
    for iid, ind in kb.indicators.items():
        o = kb.origin("indicators", iid)
        c.sources_list(ind.sources, o.file, o.path)
        c.unit(ind.unit, o.file, o.path)
        for i, s in enumerate(ind.drivers.streams):
            c.ref("stream", s, kb.streams, o.file, f"{o.path}.drivers.streams[{i}]")
        for i, s in enumerate(ind.drivers.steps):
            c.ref("step", s, kb.steps, o.file, f"{o.path}.drivers.steps[{i}]")
        names: list[str] = []
        if isinstance(ind.compute, m.PerOutput):
            names = [ind.compute.quantity]
        elif isinstance(ind.compute, m.Ratio):
            names = [*ind.compute.numerator, *ind.compute.denominator]
        for name in names:
            if name not in QUANTITIES:
                close = did_you_mean(name, QUANTITIES)
                c.add(
                    o.file,
                    f"{o.path}.compute",
                    f"unknown self-inspection quantity {name!r}",
                    f"did you mean {close[0]!r}?" if close else f"use one of {sorted(QUANTITIES)}",
                )
        if isinstance(ind.compute, m.PollutantPerOutput) and ind.compute.pollutant not in POLLUTANTS:
            c.add(
                o.file,
                f"{o.path}.compute.pollutant",
                f"unknown pollutant {ind.compute.pollutant!r}",
                f"use one of {sorted(POLLUTANTS)}",
            )
        if isinstance(ind.compute, m.WasteRatio):
            for i, sid in enumerate(ind.compute.streams):
                if c.ref("stream", sid, kb.streams, o.file, f"{o.path}.compute.streams[{i}]"):
                    if kb.streams[sid].kind == "resource":
                        c.add(
                            o.file,
                            f"{o.path}.compute.streams[{i}]",
                            f"{sid!r} is a resource, not a waste",
                            "name waste streams",
                        )
        if isinstance(ind.compute, m.CopperBalance):
            for i, sid in enumerate(ind.compute.copper_streams):
                c.ref("stream", sid, kb.streams, o.file, f"{o.path}.compute.copper_streams[{i}]")
            known_families = {step.family for step in kb.steps.values()}
            for i, fam in enumerate(ind.compute.plating_families):
                if fam not in known_families:
                    close = did_you_mean(fam, known_families)
                    c.add(
                        o.file,
                        f"{o.path}.compute.plating_families[{i}]",
                        f"unknown step family {fam!r}",
                        f"did you mean {close[0]!r}?" if close else f"use one of {sorted(known_families)}",
                    )
        if isinstance(ind.compute, m.CarbonPerOutputValue):
            c.ref("parameter", ind.compute.grid_factor, kb.parameters, o.file, f"{o.path}.compute.grid_factor")
        if ind.bounds is not None:
            low, high = ind.bounds.min, ind.bounds.max
            if low is None and high is None:
                c.add(o.file, f"{o.path}.bounds", "bounds name neither min nor max", "give min, max or both")
            elif low is not None and high is not None and low >= high:
                c.add(o.file, f"{o.path}.bounds", f"min {low} is not below max {high}", "swap or correct them")


def monotonicity_violations(
    row: m.ThresholdRow, levels: list[str], direction: str, bset: m.BenchmarkSet, percent: bool
) -> Iterator[str]:
    """Say, for each layer count where it happens, how the row's levels fail to nest (strictest first)."""
    layered = row.board is not None and row.board.construction.layered
    layer_counts = range(bset.layer_range[0], bset.layer_range[1] + 1) if layered else [2]
    for layers in layer_counts:
        n = bset.n_for(layers)
        values = [(name, row.levels[name].expr.at(n)) for name in levels if name in row.levels]
        for (strict_name, strict), (loose_name, loose) in pairwise(values):
            worse = strict > loose if direction == "lower_is_better" else strict < loose
            if worse:
                yield (
                    f"at {layers} layers (n={n}) level {strict_name} ({row.levels[strict_name].expr} = {strict})"
                    f" is looser than level {loose_name} ({row.levels[loose_name].expr} = {loose})"
                )
        if percent:
            for name, value in values:
                if value > Decimal(100) or value < 0:
                    yield f"at {layers} layers (n={n}) level {name} threshold {value} % is outside 0-100 %"


def _check_benchmarks(c: _Checker) -> None:
    kb = c.kb
    if kb.meta.default_benchmark_set not in kb.benchmark_sets:
        c.ref(
            "benchmark set",
            kb.meta.default_benchmark_set,
            kb.benchmark_sets,
            "kb.yaml",
            "kb.default_benchmark_set",
        )
    for bid, bset in kb.benchmark_sets.items():
        o = kb.origin("benchmark_sets", bid)
        c.sources_list(bset.sources, o.file, o.path)
        if sorted(bset.rating) != sorted(bset.levels):
            c.add(
                o.file,
                "benchmark_set.rating",
                f"rating must give one rule per level {bset.levels}",
                "add or remove rating entries",
            )
        for level, rule in bset.rating.items():
            c.source(rule, o.file, f"benchmark_set.rating.{level}")
            if rule.limiting_at_least is not None and rule.limiting_at_least not in bset.levels:
                c.add(
                    o.file,
                    f"benchmark_set.rating.{level}.limiting_at_least",
                    f"unknown level {rule.limiting_at_least!r}",
                    f"use one of {bset.levels}",
                )
        seen_members: set[str] = set()
        for gi, group in enumerate(bset.groups):
            gpath = f"benchmark_set.groups[{gi}](id={group.id})"
            if group.weight is not None:
                c.source(group.weight, o.file, f"{gpath}.weight")
                if group.weight.unit != "1":
                    c.add(o.file, f"{gpath}.weight.unit", "weights are dimensionless", "use unit '1'")
            elif bset.method == "index_system":
                c.add(
                    o.file,
                    f"{gpath}.weight",
                    "an index-system group needs a weight",
                    "add weight: {value, unit: '1', source, grade}",
                )
            for mi, member in enumerate(group.members):
                mpath = f"{gpath}.members[{mi}](indicator={member.indicator})"
                _check_member(c, bset, member, o.file, mpath, seen_members)
        if bset.method == "index_system":
            weights = [g.weight.value for g in bset.groups if g.weight is not None]
            if len(weights) == len(bset.groups) and sum(weights, Decimal(0)) != Decimal(1):
                c.add(
                    o.file,
                    "benchmark_set.groups",
                    f"group weights sum to {sum(weights, Decimal(0))}, not 1",
                    "correct the weights so that they sum to exactly 1",
                )


def _check_member(
    c: _Checker, bset: m.BenchmarkSet, member: m.BenchmarkMember, file: str, mpath: str, seen: set[str]
) -> None:
    kb = c.kb
    if not c.ref("indicator", member.indicator, kb.indicators, file, f"{mpath}.indicator"):
        return
    if member.indicator in seen:
        c.add(file, mpath, f"indicator {member.indicator!r} is listed twice in the set", "keep one entry")
    seen.add(member.indicator)
    ind = kb.indicators[member.indicator]
    if member.weight is not None:
        c.source(member.weight, file, f"{mpath}.weight")
        if member.weight.unit != "1":
            c.add(file, f"{mpath}.weight.unit", "weights are dimensionless", "use unit '1'")
    elif bset.method == "index_system":
        c.add(
            file,
            f"{mpath}.weight",
            "an index-system member needs a weight",
            "add weight: {value, unit: '1', source, grade}",
        )
    if member.limiting is not None:
        c.source(member.limiting, file, f"{mpath}.limiting")
    if member.shared_by_output and not ind.per_board_type:
        c.add(
            file,
            f"{mpath}.shared_by_output",
            "only a per-board-type indicator can share its weight by output",
            "set per_board_type: true on the indicator or remove shared_by_output",
        )
    for name, crit in member.level_texts.items():
        if name not in bset.levels:
            c.add(file, f"{mpath}.level_texts.{name}", f"unknown level {name!r}", f"use one of {bset.levels}")
        c.source(crit, file, f"{mpath}.level_texts.{name}")
    for level, cond in member.criteria.items():
        if level not in bset.levels:
            c.add(file, f"{mpath}.criteria.{level}", f"unknown level {level!r}", f"use one of {bset.levels}")
        check_condition(c, cond, file, f"{mpath}.criteria.{level}")
    if member.applies_if is not None:
        check_condition(c, member.applies_if, file, f"{mpath}.applies_if")
    if ind.direction == "qualitative":
        if member.thresholds:
            c.add(
                file,
                f"{mpath}.thresholds",
                "a qualitative indicator has level texts, not numeric thresholds",
                "move the requirement into level_texts",
            )
        if kb.questions and not member.criteria:
            c.add(
                file,
                f"{mpath}.criteria",
                "a qualitative member needs criteria over the manual's answers",
                "add criteria: {level: condition} for the levels in level_texts",
            )
        missing = sorted(set(member.level_texts) - set(member.criteria))
        if kb.questions and member.criteria and missing:
            c.add(file, f"{mpath}.criteria", f"level texts {missing} have no criteria", "add a condition per level")
        return
    if member.criteria:
        c.add(file, f"{mpath}.criteria", "a quantitative member is judged by thresholds", "remove criteria")
    if not member.thresholds:
        c.add(file, f"{mpath}.thresholds", "a quantitative member needs thresholds", "add threshold rows")
    boards: list[str] = []
    for ri, row in enumerate(member.thresholds):
        rpath = f"{mpath}.thresholds[{ri}]" + (f"(board={row.board})" if row.board else "")
        if row.unit != ind.unit:
            c.add(
                file,
                f"{rpath}.unit",
                f"unit {row.unit!r} differs from the indicator's unit {ind.unit!r}",
                f"write the threshold in {ind.unit}",
            )
        if ind.per_board_type and row.board is None:
            c.add(
                file,
                f"{rpath}.board",
                "the indicator is per board type: the row needs a board",
                "add board: {rigidity, construction}",
            )
        if not ind.per_board_type and row.board is not None:
            c.add(file, f"{rpath}.board", "the indicator is not per board type", "remove board")
        if row.board is not None:
            key = str(row.board)
            overlap = [
                b
                for b in boards
                if b.split("/")[1] == key.split("/")[1] and "any" in (b.split("/")[0], key.split("/")[0])
            ]
            if key in boards or overlap:
                c.add(file, f"{rpath}.board", f"board {key} is covered by another row", "keep one row per board")
            boards.append(key)
            if not row.board.construction.layered:
                for name, cell in row.levels.items():
                    if cell.expr.depends_on_n:
                        c.add(
                            file,
                            f"{rpath}.levels.{name}",
                            f"{cell.expr} depends on n but {key} boards have no n",
                            "use a constant",
                        )
        missing = [lv for lv in bset.levels if lv not in row.levels]
        extra = [lv for lv in row.levels if lv not in bset.levels]
        if missing or extra:
            c.add(
                file,
                f"{rpath}.levels",
                f"levels must be exactly {bset.levels} (missing {missing}, unknown {extra})",
                "give one threshold per level of the set",
            )
            continue
        for name, cell in row.levels.items():
            c.source(cell, file, f"{rpath}.levels.{name}")
            if cell.correction is not None and cell.grade != m.Grade.D:
                c.add(file, f"{rpath}.levels.{name}.grade", "a corrected value is derived", "set grade: D")
        violations = list(monotonicity_violations(row, bset.levels, ind.direction, bset, percent=ind.unit == "%"))
        if violations and not row.known_inconsistent:
            shown = "; ".join(violations[:3]) + (f"; and {len(violations) - 3} more" if len(violations) > 3 else "")
            c.add(
                file,
                rpath,
                f"thresholds are not monotone: {shown}",
                "correct the value (levels.X.correction: {original, reason}, grade D) or keep it and mark the row "
                "known_inconsistent: <reason>",
            )
        if row.known_inconsistent and not violations:
            c.add(
                file,
                f"{rpath}.known_inconsistent",
                "the row is marked known_inconsistent but its thresholds nest",
                "remove the mark",
            )


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
