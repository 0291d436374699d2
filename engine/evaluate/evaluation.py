"""Evaluate one enterprise against a benchmark set: indicator levels, comprehensive indices, overall level.

The method (shared/domain/standards.md §2.4): membership Y_g(x) = 100 when an indicator reaches level g
(nested: a stricter level counts for the looser ones), else 0; Y_g = Σ_i w_i Σ_j w'_ij Y_g(x_ij) with the
weights renormalised over the applicable indicators; the overall level is the strictest level whose rating
rule holds (the benchmark set's ``rating``). Arithmetic is exact (fractions), so "Y_III = 100" is decided exactly.
Unknown answers give each indicator a worst and a best case; the overall level reported is the worst case, the
level the enterprise certainly reaches, with the best case beside it. Indices and the rating rules are in
engine/evaluate/rating.py; whether contested threshold rows decide the level, in engine/evaluate/firmness.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal
from typing import Any

from engine.errors import UnknownIdError
from engine.evaluate.completeness import completeness
from engine.evaluate.criteria import FactView, LeafResult, Outcome, evaluate_condition
from engine.evaluate.firmness import contested_rows, level_firmness, mark_not_rated
from engine.evaluate.history import Unchanged, fact_view, plant_value, trends
from engine.evaluate.instances import (
    Computed,
    Effective,
    compute_value,
    effective_thresholds,
    mix_thresholds,
    product_lines,
    threshold_infos,
)
from engine.evaluate.rating import blocking, indices, rating
from engine.evaluate.result import (
    FAILS,
    INSUFFICIENT,
    NOT_APPLICABLE,
    EvaluationResult,
    InstanceResult,
    LevelThreshold,
    decimal_json,
    fraction_json,
)
from engine.exact import Fraction
from engine.intake.model import SelfInspection, YearData
from engine.jsontext import sorted_compact
from engine.kb import models as m
from engine.kb.loader import KnowledgeBase

__all__ = ["LEVELS_ONLY", "PARTS", "evaluate", "input_hash", "trends"]  # trends: engine/evaluate/history.py

# The parts of an evaluation a caller may leave out (``evaluate(leave_out=...)``); LEVELS_ONLY: all but the
# indicators, levels and indices (build_plan's no/low-cost projection)
PARTS = ("input_hash", "completeness", "blocking", "level_firmness", "groups")
LEVELS_ONLY = ("blocking", "level_firmness", "groups")


def _number(value: Any) -> Any:
    """Numbers by value (7, 7.0 and Decimal("7.00") alike), so that equal self-inspections hash alike however they
    were written (JSON, or a workbook whose cells keep no trailing zeros); anything else JSON cannot write as its
    text. Called by the JSON encoder for what it cannot write itself (one walk of the data, in C)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def input_hash(si: SelfInspection) -> str:
    data = si.model_dump(mode="python")
    canonical = sorted_compact(data, _number)  # json.dumps(sort_keys=True, ...), in C (engine/jsontext.py)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _frac(value: Decimal) -> Fraction:
    return Fraction(value)


def _level_from_reached(levels: list[str], reached: dict[str, bool]) -> str:
    for level in levels:
        if reached[level]:
            return level
    return FAILS


def _qualitative(
    kb: KnowledgeBase, bset: m.BenchmarkSet, member: m.BenchmarkMember, facts: FactView, inst: InstanceResult
) -> None:
    levels = bset.levels
    own: dict[str, Outcome] = {}
    for level in levels:
        cond = member.criteria.get(level)
        if cond is None:
            continue
        log: list[LeafResult] = []
        own[level] = evaluate_condition(kb, cond, facts, log)
        inst.criteria_log[level] = log

    def reached(assume: bool) -> dict[str, bool]:
        """A level with criteria is reached when its own and every looser level's criteria hold; a level without
        is reached when some stricter level with criteria is."""
        value = {lv: (assume if o is None else o) for lv, o in own.items()}
        held = [True] * (len(levels) + 1)  # held[i]: the criteria of levels[i:] all hold
        for i in range(len(levels) - 1, -1, -1):
            held[i] = held[i + 1] and value.get(levels[i], True)
        out: dict[str, bool] = {}
        for i, level in enumerate(levels):
            out[level] = held[i] if level in value else any(held[j] for j in range(i) if levels[j] in value)
        return out

    worst, best = reached(False), reached(True)
    inst.reached = {lv: (worst[lv] if worst[lv] == best[lv] else None) for lv in levels}
    inst.level_worst = _level_from_reached(levels, worst)
    inst.level_best = _level_from_reached(levels, best)
    inst.level = inst.level_worst if inst.level_worst == inst.level_best else INSUFFICIENT
    inst.level_texts = {lv: {"zh": t.text.zh, "en": t.text.en} for lv, t in member.level_texts.items()}
    for lv, text in member.level_texts.items():
        if text.grade.provisional:
            inst.provisional = True
        if lv not in inst.sources and text.source not in inst.sources:
            inst.sources.append(text.source)
    idx = levels.index(inst.level_worst) if inst.level_worst in levels else len(levels)
    if idx > 0:
        target = levels[idx - 1]
        failing = [r.as_dict() for r in inst.criteria_log.get(target, []) if r.outcome is not True]
        inst.next_level = {"level": target, "unmet": failing}


def _row_thresholds(
    kb: KnowledgeBase, row: m.ThresholdRow, levels: list[str], direction: str, n: int
) -> tuple[Effective, tuple[LevelThreshold, ...]]:
    """A threshold row's :func:`effective_thresholds` at ``n`` and their (frozen) threshold records, worked out once
    per knowledge base (a row is one of its records)."""

    def make() -> tuple[Effective, tuple[LevelThreshold, ...]]:
        entries = effective_thresholds(row, levels, direction, n)
        return entries, tuple(threshold_infos(entries, direction))

    return kb.derived(("row_thresholds", id(row), tuple(levels), direction, n), make)


def _quantitative(
    kb: KnowledgeBase,
    bset: m.BenchmarkSet,
    member: m.BenchmarkMember,
    ind: m.Indicator,
    inst: InstanceResult,
    computed: Computed,
    rows: list[tuple[Fraction, m.ThresholdRow, int]],
) -> None:
    levels = bset.levels
    inst.value = computed.value
    inst.inputs = computed.inputs
    inst.missing = computed.missing
    inst.parameters = computed.parameters
    inst.notes.extend(computed.notes)
    inst.contested = contested_rows(rows, levels, ind.direction)
    if len(rows) == 1:
        _, row, n = rows[0]
        entries, infos = _row_thresholds(kb, row, levels, ind.direction, n)
        inst.thresholds = list(infos)
        if row.known_inconsistent:
            inst.provisional = True
            inst.notes.append(f"known-inconsistent thresholds: {row.known_inconsistent}")
        cells = [cell for _, _, _, cell in entries]
    else:
        effective = [(share, _row_thresholds(kb, row, levels, ind.direction, n)[0]) for share, row, n in rows]
        mixed = mix_thresholds(effective, levels)
        comparison = "<=" if ind.direction == "lower_is_better" else ">="
        inst.thresholds = [
            LevelThreshold(
                level,
                eff,
                raw,
                " + ".join(f"{fraction_json(share, 4)}×({row.levels[level].expr})" for share, row, _ in rows),
                ",".join(sorted({c.source for c in cells_})),
                max((c.grade for c in cells_), key=lambda g: g.rank).value,
                comparison,
                "output-weighted benchmark",
            )
            for level, eff, raw, cells_ in mixed
        ]
        cells = [c for _, _, _, cs in mixed for c in cs]
        if any(row.known_inconsistent for _, row, _ in rows):
            inst.provisional = True
    for cell in cells:
        if cell.grade.provisional:
            inst.provisional = True
        if cell.source not in inst.sources:
            inst.sources.append(cell.source)
    inst.thresholds = _bounded(ind, inst.thresholds, inst)
    if computed.value is None:
        # unknown value: anything from failing to the strictest level a value can reach
        inst.reached = {t.level: (False if t.unreachable else None) for t in inst.thresholds}
        reachable = [t.level for t in inst.thresholds if not t.unreachable]
        inst.level, inst.level_worst, inst.level_best = INSUFFICIENT, FAILS, reachable[0] if reachable else FAILS
        return
    value = computed.value
    reached: dict[str, bool] = {}
    for t in inst.thresholds:
        reached[t.level] = value <= t.value if ind.direction == "lower_is_better" else value >= t.value
    inst.reached = dict(reached)
    inst.level = inst.level_worst = inst.level_best = _level_from_reached(levels, reached)
    idx = levels.index(inst.level) if inst.level in levels else len(levels)
    if idx > 0:
        target = inst.thresholds[idx - 1]
        gap = value - target.value
        if target.unreachable:
            inst.next_level = _unreachable(ind, target)
            return
        inst.next_level = {
            "level": target.level,
            "target": decimal_json(target.value),
            "comparison": target.comparison,
            "change_needed": decimal_json(-gap),
            "change_needed_percent": decimal_json(-gap / value * 100, 2) if value else None,
        }


def _bounded(ind: m.Indicator, thresholds: list[LevelThreshold], inst: InstanceResult) -> list[LevelThreshold]:
    """Flag the thresholds no value can reach (beyond the indicator's bounds), with one note on the instance."""
    b = ind.bounds
    if b is None:
        return thresholds
    out = []
    for t in thresholds:
        beyond = (b.max is not None and t.comparison == ">=" and t.value > b.max) or (
            b.min is not None and t.comparison == "<=" and t.value < b.min
        )
        out.append(replace(t, unreachable=True) if beyond else t)
    flagged = [t for t in out if t.unreachable]
    if flagged:
        limit = b.max if flagged[0].comparison == ">=" else b.min
        shown = ", ".join(f"{t.level} {t.comparison} {decimal_json(t.value)}" for t in flagged)
        inst.notes.append(
            f"thresholds beyond what the indicator can take ({decimal_json(limit)} {ind.unit}: {b.reason.en}), "
            f"so no value reaches them: {shown}"
        )
    return out


def _unreachable(ind: m.Indicator, target: LevelThreshold) -> dict[str, Any]:
    """The next level when its threshold cannot be reached: no target is proposed, the reason is given."""
    assert ind.bounds is not None
    limit = ind.bounds.max if target.comparison == ">=" else ind.bounds.min
    return {
        "level": target.level,
        "reachable": False,
        "threshold": decimal_json(target.value),
        "comparison": target.comparison,
        "bound": decimal_json(limit),
        "note": {
            "zh": f"{target.level}级阈值 {target.comparison} {decimal_json(target.value)} {ind.unit} "
            f"超出该指标可能的取值（{decimal_json(limit)} {ind.unit}：{ind.bounds.reason.zh}），"
            "无法达到，故不给出目标值。",
            "en": f"The level {target.level} threshold {target.comparison} {decimal_json(target.value)} {ind.unit} is "
            f"beyond what the indicator can take ({decimal_json(limit)} {ind.unit}: {ind.bounds.reason.en}); it "
            "cannot be reached, so no target is given.",
        },
    }


def _board_rows(
    bset: m.BenchmarkSet, member: m.BenchmarkMember, rigidity: m.Rigidity, construction: m.Construction
) -> m.ThresholdRow | None:
    return next((r for r in member.thresholds if r.board is not None and r.board.matches(rigidity, construction)), None)


def _instances_for_member(
    kb: KnowledgeBase,
    si: SelfInspection,
    year: YearData,
    bset: m.BenchmarkSet,
    group: m.BenchmarkGroup,
    member: m.BenchmarkMember,
    facts: FactView,
    computed: dict[str, Computed],
) -> list[InstanceResult]:
    found = _member_instances(kb, si, year, bset, group, member, facts, computed)
    if member.not_rated:
        for inst in found:
            mark_not_rated(inst, member.not_rated, bset.levels)
    return found


def _member_instances(
    kb: KnowledgeBase,
    si: SelfInspection,
    year: YearData,
    bset: m.BenchmarkSet,
    group: m.BenchmarkGroup,
    member: m.BenchmarkMember,
    facts: FactView,
    computed: dict[str, Computed],
) -> list[InstanceResult]:
    """``computed``: the plant values of the year that :func:`trends` worked out (:func:`plant_value`)."""
    ind = kb.indicators[member.indicator]
    weight = _frac(member.weight.value) if member.weight is not None else Fraction(1)
    limiting = bool(member.limiting and member.limiting.value)

    def new(instance: str | None, share: Fraction | None, method: str) -> InstanceResult:
        return InstanceResult(
            id=ind.id,
            instance=instance,
            group=group.id,
            name_zh=ind.name.zh,
            name_en=ind.name.en,
            unit=ind.unit,
            direction=ind.direction,
            kind="qualitative" if ind.direction == "qualitative" else "quantitative",
            value=None,
            level=NOT_APPLICABLE,
            level_worst=NOT_APPLICABLE,
            level_best=NOT_APPLICABLE,
            reached={},
            weight=weight * share if share is not None else weight,
            share=share,
            limiting=limiting,
            limiting_grade=member.limiting.grade.value if member.limiting else "",
            method=method,
        )

    if member.applies_if is not None:
        log: list[LeafResult] = []
        applies = evaluate_condition(kb, member.applies_if, facts, log)
        if applies is False:
            inst = new(None, None, "not_applicable")
            inst.notes.append("not applicable: " + "; ".join(f"{r.subject} {r.op} -> {r.actual}" for r in log))
            inst.reached = {lv: None for lv in bset.levels}
            return [inst]
    if ind.direction == "qualitative":
        inst = new(None, None, "criteria")
        _qualitative(kb, bset, member, facts, inst)
        return [inst]
    if not ind.per_board_type:
        inst = new(None, None, "plant")
        row = member.thresholds[0]
        _quantitative(kb, bset, member, ind, inst, plant_value(kb, si, year, ind, computed), [(Fraction(1), row, 0)])
        return [inst]
    outputs = [p.output.canonical() for p in year.products]
    if any(o is None for o in outputs):
        inst = new(None, None, "plant")
        inst.level, inst.level_worst, inst.level_best = INSUFFICIENT, FAILS, bset.levels[0]
        inst.reached = {lv: None for lv in bset.levels}
        inst.missing = [f"years[{si.index_of(year)}].products[{i}].output" for i, o in enumerate(outputs) if o is None]
        return [inst]
    total = sum((o for o in outputs if o is not None), Decimal(0))
    shares = [Fraction(o) / Fraction(total) for o in outputs if o is not None]
    rows: list[tuple[Fraction, m.ThresholdRow, int]] = []
    for prod, share in zip(year.products, shares, strict=True):
        brow = _board_rows(bset, member, prod.rigidity, prod.construction)
        if brow is not None:
            rows.append((share, brow, bset.n_for(prod.layers or 2)))
    if not rows:
        inst = new(None, None, "not_applicable")
        inst.notes.append("no threshold for the board types made")
        inst.reached = {lv: None for lv in bset.levels}
        return [inst]
    shared = member.shared_by_output
    if len(year.products) == 1 or product_lines(ind, year):
        result = []
        for pi, (prod, share) in enumerate(zip(year.products, shares, strict=True)):
            prow = _board_rows(bset, member, prod.rigidity, prod.construction)
            if prow is None:
                continue
            per_product = len(year.products) > 1
            inst = new(prod.board_key, share if shared else None, "per_product" if per_product else "plant")
            if not shared and per_product:
                inst.weight = weight / len(year.products)
            inst.layers = prod.layers if prod.construction.layered else None
            inst.n = bset.n_for(prod.layers) if prod.layers and prod.construction.layered else None
            line = (pi, prod)
            value = compute_value(kb, si, year, ind, line) if per_product else plant_value(kb, si, year, ind, computed)
            _quantitative(kb, bset, member, ind, inst, value, [(Fraction(1), prow, bset.n_for(prod.layers or 2))])
            result.append(inst)
        return result
    inst = new("mix", None, "output_weighted_benchmark")
    inst.notes.append(
        "consumption is not reported per board type: the plant-wide value is compared with the output-weighted "
        "benchmark (Σ output share × threshold)"
    )
    inst.share = None
    _quantitative(kb, bset, member, ind, inst, plant_value(kb, si, year, ind, computed), rows)
    inst.notes.append(
        "board mix: "
        + ", ".join(f"{p.board_key} {fraction_json(s, 4)}" for p, s in zip(year.products, shares, strict=True))
    )
    return [inst]


def _group_rows(
    bset: m.BenchmarkSet, instances: list[InstanceResult], points: dict[str, dict[str, Fraction]]
) -> list[dict[str, Any]]:
    group_rows = []
    for group in bset.groups:
        members = [i for i in instances if i.group == group.id]
        group_rows.append(
            {
                "id": group.id,
                "name": {"zh": group.name.zh, "en": group.name.en},
                "weight": decimal_json(group.weight.value) if group.weight else None,
                "weight_grade": group.weight.grade.value if group.weight else None,
                "applicable": any(i.level != NOT_APPLICABLE for i in members),
                "points": {
                    lv: fraction_json(
                        sum(
                            (points.get(i.key, {}).get(lv, Fraction(0)) for i in members if i.reached.get(lv) is True),
                            Fraction(0),
                        ),
                        4,
                    )
                    for lv in bset.levels
                },
            }
        )
    return group_rows


def evaluate(
    kb: KnowledgeBase,
    si: SelfInspection,
    *,
    benchmark_set: str | None = None,
    year: int | None = None,
    warnings: list[dict[str, str]] | None = None,
    projection: bool = False,
    base: EvaluationResult | None = None,
    leave_out: Collection[str] = (),
) -> EvaluationResult:
    """Evaluate the enterprise in ``year`` (default: the latest reporting year) against a benchmark set.

    ``projection``: the evaluation of projected data (a plan's after-case), which needs neither the input hash nor
    the completeness of answers (those of the enterprise's own data stand): both are left empty. ``base``: the
    evaluation (same benchmark set and year) of the self-inspection this one projects, whose earlier years and
    steps run it keeps (engine/plan/projection.py): the earlier years' trend values and the qualitative indicators
    whose conditions read nothing that changed are taken over (engine/evaluate/history.py). ``leave_out``: parts
    a caller does not read, left empty: any of :data:`PARTS` (``input_hash`` and ``completeness`` are always left
    out of a projection: those of the enterprise's own data stand). :data:`LEVELS_ONLY` leaves what the
    indicators, levels and indices are."""
    set_id = benchmark_set or kb.meta.default_benchmark_set
    if set_id not in kb.benchmark_sets:
        raise UnknownIdError("benchmark set", set_id, kb.benchmark_sets)
    bset = kb.benchmark_sets[set_id]
    the_year = si.latest if year is None else next((y for y in si.years if y.year == year), None)
    if the_year is None:
        raise UnknownIdError("reporting year", str(year), [str(y.year) for y in si.years])
    if base is not None and (
        base.kb_hash != kb.version.hash or base.benchmark_set["id"] != bset.id or base.year != the_year.year
    ):
        base = None  # another knowledge base, benchmark set or year: nothing of it can be taken over
    computed: dict[str, Computed] = {}  # the plant values of the year, as the trends work them out
    counts, series, exact = trends(kb, si, the_year.year, base.trend_values if base is not None else None, computed)
    facts = fact_view(kb, si, counts)
    unchanged = Unchanged(kb, base, facts) if base is not None else None
    instances: list[InstanceResult] = []
    for group in bset.groups:
        for member in group.members:
            kept = unchanged.instance(group.id, member) if unchanged is not None else None
            if kept is not None:
                instances.append(kept)
            else:
                instances.extend(_instances_for_member(kb, si, the_year, bset, group, member, facts, computed))
    y_worst, points = indices(bset, instances, "worst")
    undecided = any(i.level == INSUFFICIENT for i in instances)  # else the best case is the worst case
    y_best = indices(bset, instances, "best", with_points=False)[0] if undecided else y_worst
    overall, rating_detail = rating(bset, instances, y_worst, "worst")
    best = rating(bset, instances, y_best, "best")[0] if undecided else overall
    for inst in instances:
        inst.points = points.get(inst.key, {})
    unknown = set(leave_out) - set(PARTS)
    if unknown:
        raise ValueError(f"no such part of an evaluation: {sorted(unknown)}; the parts: {list(PARTS)}")
    out = set(leave_out) | ({"input_hash", "completeness"} if projection else set())
    block = {} if "blocking" in out else blocking(bset, instances, overall, y_worst, points, rating_detail)
    group_rows = [] if "groups" in out else _group_rows(bset, instances, points)
    firmness = {} if "level_firmness" in out else level_firmness(bset, instances, (overall, best), block)
    return EvaluationResult(
        kb_version=kb.version.version,
        kb_hash=kb.version.hash,
        input_hash="" if "input_hash" in out else input_hash(si),
        enterprise={
            "id": si.enterprise.id,
            "name": si.enterprise.name,
            "district": si.enterprise.district,
            "synthetic": si.enterprise.synthetic,
        },
        year=the_year.year,
        benchmark_set={
            "id": bset.id,
            "name": {"zh": bset.name.zh, "en": bset.name.en},
            "method": bset.method,
            "levels": list(bset.levels),
            "n_definition": bset.n_definition,
            "n_note": {"zh": bset.n_note.zh, "en": bset.n_note.en},
            "sources": list(bset.sources),
        },
        overall_level=overall,
        overall_best=best,
        indices_worst=y_worst,
        indices_best=y_best,
        rating=rating_detail,
        instances=instances,
        blocking=block,
        warnings=warnings or [],
        trends=series,
        groups=group_rows,
        trend_values=exact,
        facts=facts,
        level_firmness=firmness,
        completeness={} if "completeness" in out else completeness(kb, si, bset, instances),
    )
