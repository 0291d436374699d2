"""The cheapest path to a target level: of the options a plan recommends, the selection with the least investment
(or the shortest payback, or the most CO2 avoided) whose projected evaluation reaches the target.

Method: an exact search (engine/plan/search.py): an integer program solved by HiGHS over a relaxation of the
level, each proposal verified with the plan's own projection (engine/plan/selection.py: combine on what remains,
project, evaluate), cuts learnt from each verification. Exact because every selection the program excludes is
proven not to reach the target (or not to beat the best verified one); bounded by a number of verifications, and
when the bound is hit the output says so (``exact`` false, ``bound.hit`` true). Why not a plain integer program:
the level is a non-linear function of the options (savings combined on what remains, thresholds, weighted
indices), so a linear model can only be a relaxation whose answers must be verified; why not plain enumeration:
2^n selections of the 10-60 options a plan holds.

Rules of the selection:
- an option comes with its prerequisites (the catalogue's and those the rules concluded), never with an option it
  conflicts with, and an option the plan holds only because another needs it, or that rests on other options'
  recommendations, only with them (the plan's own resolution rules, engine/plan/resolve.py);
- investment objective: an option whose investment is unknown (status ``gap``) cannot be priced, so it is left out
  unless ``include_unpriced``; then its investment is counted as unknown, the total is the known part (a lower
  bound) and the options without a price are listed. Among selections of equal known investment, the fewest
  options. When the priced options alone cannot reach the target, the output says whether unpriced options could
  (``with_unpriced``);
- payback objective: known investment / money saved per year combined on what remains (unpriced options as above);
- co2 objective: the CO2 avoided through the electricity the selection saves, combined; price does not matter.
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import UnknownIdError
from engine.evaluate.result import INSUFFICIENT, NOT_APPLICABLE, EvaluationResult, fraction_json
from engine.exact import Fraction
from engine.graph import ProcessGraph
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.plan.combine import Combined
from engine.plan.drivers import bounds
from engine.plan.path_options import DEFAULT_LIMIT, OBJECTIVES
from engine.plan.pathreport import curve, option_rows, shortfall
from engine.plan.search import Bound, Check, Indicator, Item, Outcome, Problem, search
from engine.plan.selection import PlanOptions, relations, supports_of

__all__ = ["DEFAULT_LIMIT", "OBJECTIVES", "PATH_VERSION", "cheapest_path", "check_of", "problem_of"]

PATH_VERSION = "1"

_METHOD = {
    "en": "exact search: integer program (HiGHS) over a relaxation of the rating rule, every proposal verified "
    "with the plan's projection, cuts learnt from each verification",
    "zh": "精确搜索：对评级规则的松弛建立整数规划（HiGHS求解），每个候选组合均用方案本身的预测重新评价验证，"
    "并从每次验证中学习割平面",
}


def _reaches(ev: EvaluationResult, levels: list[str], target: str) -> bool:
    return ev.overall_level in levels and levels.index(ev.overall_level) <= levels.index(target)


def check_of(ev: EvaluationResult, levels: list[str], target: str, combined: Combined | None = None) -> Check:
    """The verdict on one projected evaluation: target reached, and per counted indicator whether it reaches the
    target (as the index counts it, worst case) and the level the limiting rule asks."""
    hits: dict[str, bool] = {}
    limiting_ok: dict[str, bool] = {}
    not_met = set(ev.rating[target]["limiting_not_met"])
    for inst in ev.instances:
        if inst.level == NOT_APPLICABLE or target not in inst.points:
            continue
        reached = inst.reached.get(target)
        if reached is None:
            worst = inst.level_worst if inst.level == INSUFFICIENT else inst.level
            reached = worst in levels and levels.index(worst) <= levels.index(target)
        hits[inst.key] = bool(reached)
        if inst.limiting:
            limiting_ok[inst.key] = inst.key not in not_met
    return Check(
        reached=_reaches(ev, levels, target),
        index=float(ev.indices_worst[target]),
        hits=hits,
        limiting_ok=limiting_ok,
        signatures={i.key: json.dumps(i.as_dict(), sort_keys=True, default=str) for i in ev.instances},
        level=ev.overall_level,
        totals={r: float(t[1]) for r, t in combined.totals.items()} if combined is not None else {},
    )


def _constraints(
    kb: KnowledgeBase, si: SelfInspection, po: PlanOptions, plan: dict[str, Any], graph: ProcessGraph | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict[str, list[frozenset[str]]]]:
    """Prerequisites, conflicts and the options an option rests on, among the plan's options."""
    ids = set(po.ids)
    requires, conflicts = relations(kb, si, po.benchmark_set, po.year, graph)
    # a prerequisite outside the plan is in place (else the plan would hold it, or not the option needing it)
    requires = {(a, b) for a, b in requires if a in ids and b in ids}
    conflicts = {(a, b) for a, b in conflicts if a in ids and b in ids}
    return sorted(requires), sorted(conflicts), supports_of(plan, ids, requires)


def touchers_of(baseline: Check, singles: dict[str, Check]) -> dict[str, set[str]]:
    """For every indicator instance, the options that change its record when implemented on their own."""
    touchers: dict[str, set[str]] = {}
    for oid, check in singles.items():
        for key, sig in check.signatures.items():
            if baseline.signatures.get(key) != sig:
                touchers.setdefault(key, set()).add(oid)
    return touchers


def problem_of(
    po: PlanOptions,
    target: str,
    baseline: Check,
    touchers: dict[str, set[str]],
    found: dict[str, Bound],
    *,
    requires: list[tuple[str, str]],
    conflicts: list[tuple[str, str]],
    supports: dict[str, list[frozenset[str]]],
    allowed: set[str],
) -> Problem:
    bset = po.kb.benchmark_sets[po.benchmark_set]
    base_ev = po.project(()).evaluation
    indicators = [
        Indicator(
            inst.key,
            float(inst.points.get(target, Fraction(0))),
            inst.limiting,
            frozenset(touchers.get(inst.key, ())),
            found.get(inst.key),
        )
        for inst in base_ev.instances
        if inst.key in baseline.hits
    ]
    factor, _ = po.grid()
    items = [
        Item(
            o.id,
            cost=o.investment,
            money=o.money or 0.0,
            co2=float(o.electricity_kwh()) * factor / 1000 if factor is not None else 0.0,
        )
        for o in po.options
    ]
    return Problem(
        items=items,
        indicators=indicators,
        min_index=float(bset.rating[target].min_index),
        baseline=baseline,
        allowed=allowed,
        requires=requires,
        conflicts=conflicts,
        supports=supports,
        touchers_of={k: frozenset(v) for k, v in touchers.items()},
        limiting_is_target=bset.rating[target].limiting_at_least in (None, target),
    )


def _value(po: PlanOptions, objective: str, ids: frozenset[str]) -> float | None:
    if objective == "payback":
        return po.payback_years(ids)
    if objective == "co2":
        return po.co2_t(ids)
    return float(po.investment(ids)["central"])


def _selection_json(po: PlanOptions, ids: frozenset[str] | tuple[str, ...], levels: list[str]) -> dict[str, Any]:
    proj = po.project(ids)
    ev = proj.evaluation
    return {
        "options": option_rows(po, proj.ids),
        "investment": po.investment(proj.ids),
        "savings": po.savings(proj.ids),
        "payback_years": _round(po.payback_years(proj.ids), 2),
        "projected_level": ev.overall_level,
        "projected_indices": {f"Y_{lv}": fraction_json(ev.indices_worst[lv], 4) for lv in levels},
    }


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _bound(outcome: Outcome, limit: int) -> dict[str, Any]:
    return {"verifications": outcome.verifications, "limit": limit, "hit": outcome.status == "limit"}


def cheapest_path(
    kb: KnowledgeBase,
    si: SelfInspection,
    plan: dict[str, Any],
    *,
    target: str,
    objective: str = "investment",
    include_unpriced: bool = False,
    limit: int = DEFAULT_LIMIT,
    graph: ProcessGraph | None = None,
) -> dict[str, Any]:
    """The best selection of ``plan``'s options whose projected evaluation reaches ``target`` (see the module
    docstring for the rules), with the trade-off curve and, when none reaches it, what stays short."""
    levels = list(plan["evaluation"]["benchmark_set"]["levels"])
    if target not in levels:
        raise UnknownIdError("level", target, levels)
    if objective not in OBJECTIVES:
        raise UnknownIdError("objective", objective, OBJECTIVES)
    po = PlanOptions.of(kb, si, plan)
    requires, conflicts, supports = _constraints(kb, si, po, plan, graph)

    def oracle(ids: Any) -> Check:
        proj = po.project(ids)
        return check_of(proj.evaluation, levels, target, proj.combined)

    baseline = oracle(())
    singles = {o.id: oracle((o.id,)) for o in po.options if not o.inert}
    touchers = touchers_of(baseline, singles)
    found = {} if baseline.reached else bounds(po, baseline, touchers, lambda ev: check_of(ev, levels, target))
    priced = {o.id for o in po.options if o.investment is not None}
    everything = set(po.ids)
    allowed = everything if objective == "co2" or include_unpriced else priced

    def run(allowed_ids: set[str], how: str) -> Outcome:
        problem = problem_of(
            po,
            target,
            baseline,
            touchers,
            found,
            requires=requires,
            conflicts=conflicts,
            supports=supports,
            allowed=allowed_ids,
        )
        observed = [(frozenset({k}), c) for k, c in singles.items()]
        return search(problem, oracle, how, value=lambda s: _value(po, how, s), limit=limit, observed=observed)  # type: ignore[arg-type]

    current = plan["evaluation"]["overall_level"]
    rule = kb.benchmark_sets[po.benchmark_set].rating[target]
    out: dict[str, Any] = {
        "path_version": PATH_VERSION,
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "input_hash": plan["input_hash"],
        "enterprise": plan["enterprise"],
        "year": po.year,
        "benchmark_set": po.benchmark_set,
        "target": target,
        "objective": objective,
        "include_unpriced": include_unpriced,
        "current_level": current,
        "rule": {
            "level": target,
            "min_index": float(rule.min_index),
            "limiting_at_least": rule.limiting_at_least,
            "text": {"zh": rule.text.zh, "en": rule.text.en},
        },
        "method": _METHOD,
    }
    checked: list[tuple[frozenset[str], Check]] = []
    if baseline.reached:
        outcome = Outcome(frozenset(), 0.0, "optimal", True, 0)
        out["status"] = "already_reached"
    else:
        outcome = run(allowed, objective)
        checked = outcome.checked
        out["status"] = outcome.status
    best = outcome.best
    out["feasible"] = best is not None
    out["exact"] = outcome.exact
    out["bound"] = _bound(outcome, limit)
    if outcome.premise_failed is not None:
        out["premise_failed_at"] = sorted(outcome.premise_failed)
    chosen = _selection_json(po, best if best is not None else (), levels)
    out.update(chosen if best is not None else {k: None for k in chosen})
    if best is None:
        out["options"] = []
    out["objective_value"] = _round(outcome.value, 3) if best is not None else None
    unpriced = [i for i in po.ids if i not in priced]
    out["unpriced_options"] = unpriced
    short_of = allowed
    if best is None and allowed != everything:
        wider = run(everything, "investment")
        checked = checked + wider.checked
        out["with_unpriced"] = {
            "feasible": wider.best is not None,
            "exact": wider.exact,
            "bound": _bound(wider, limit),
            **(
                {
                    **_selection_json(po, wider.best, levels),
                    "unpriced_options": [i for i in po.ordered(wider.best) if i not in priced],
                }
                if wider.best is not None
                else {}
            ),
        }
        if wider.best is None:
            out["with_unpriced"]["options"] = []
            short_of = everything  # not even every option of the plan: say what stays short with all of them
    out["shortfall"] = (
        None
        if best is not None
        else shortfall(
            po, plan, target, levels, baseline, singles, short_of, [i for i in unpriced if i not in short_of]
        )
    )
    out["curve"] = curve(po, levels, target, checked, singles, best)
    out["evaluations"] = po.evaluations
    return out
