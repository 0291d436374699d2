"""Checks of the indicators and benchmark tables: units, sources, thresholds in level order, weights."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from engine.errors import did_you_mean
from engine.intake.quantities import QUANTITIES
from engine.kb import models as m
from engine.kb.checker import POLLUTANTS, check_condition
from engine.kb.checker import Checker as _Checker

if TYPE_CHECKING:
    pass

__all__ = ["check_benchmarks", "check_indicators", "monotonicity_violations"]


def check_indicators(c: _Checker) -> None:
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


def check_benchmarks(c: _Checker) -> None:
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
