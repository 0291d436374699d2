"""What-if: change answers or quantities of a self-inspection, accept or reject options, and see the level, the
plan and the savings again in one call, with the differences from the baseline explained from the trace.

The scenario is made in three steps. (1) Every ``--set PATH=VALUE`` is applied (engine/plan/edits.py) and the
changed self-inspection validated again; the plan is built anew from it (engine/plan/build.py), so the level, the
findings and the recommendations follow the changed data. (2) Options are accepted or rejected on that plan:

- an accepted option outside the plan joins it on the steps it was concluded or screened for (else on the steps of
  its kind the plant runs), with its savings, investment and payback estimated as the plan estimates them; the
  options it conflicts with leave the plan; its prerequisites come with it unless already in place; two accepted
  options that conflict, or an option both accepted and rejected, are an error;
- a rejected option leaves the plan, and with it every option that needs it, every prerequisite only it needed and
  every option that rests only on it (the plan's own resolution rules); rejecting an option the plan does not hold
  is an error.

(3) The scenario's options are projected with the plan's projection (engine/plan/selection.py) and compared with the
baseline's (engine/plan/differences.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.errors import EditError, did_you_mean
from engine.graph import ProcessGraph, build_graph
from engine.intake.model import SelfInspection
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase
from engine.plan.benefits import UNITS, estimate
from engine.plan.build import build_plan
from engine.plan.costs import investment, operating_cost, payback, prices, stream_fees, valuation
from engine.plan.differences import differences, summary
from engine.plan.edits import Edit, apply_edits
from engine.plan.pools import Pools
from engine.plan.screen import in_place
from engine.plan.selection import PlanOptions, relations, sig, supports_of

__all__ = ["WHATIF_VERSION", "what_if"]

WHATIF_VERSION = "1"


def _validated(kb: KnowledgeBase, data: dict[str, Any], edits: list[Edit]) -> SelfInspection:
    try:
        return parse_self_inspection(kb, data).inspection
    except SelfInspectionInvalid as exc:
        first = exc.errors[0]
        edit = next((e for e in edits if first.path.startswith(e.resolved)), None)
        index = edits.index(edit) if edit is not None else None
        more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        more_zh = f"（另有 {len(exc.errors) - 1} 处）" if len(exc.errors) > 1 else ""
        raise EditError(
            edit.path if edit is not None else first.path,
            f"the changed self-inspection is invalid at {first.path}: {first.message}{more}",
            f"修改后的自查数据在 {first.path} 处无效：{first.message}{more_zh}",
            where=f"set[{index}].value" if index is not None else first.path,
            rule="value_invalid",
            errors=[e.as_dict() for e in exc.errors],
        ) from exc


def _steps_for(kb: KnowledgeBase, si: SelfInspection, plan: dict[str, Any], oid: str) -> list[str]:
    """The steps an accepted option acts on: those it was concluded or screened for, else the steps of its kind
    the plant runs (none for a plant-wide option)."""
    for entry in plan.get("resolution", []):
        if entry.get("option") == oid and entry.get("steps"):
            return sorted(entry["steps"])
    option = kb.options[oid]
    return sorted(
        f.step
        for f in si.process
        if f.run and (f.step in option.steps or (f.step in kb.steps and kb.steps[f.step].family in option.families))
    )


def _row(kb: KnowledgeBase, si: SelfInspection, year: int, oid: str, steps: list[str], origin: str) -> dict[str, Any]:
    """A plan entry for an option the plan did not hold, estimated as the plan estimates its own options."""
    option = kb.options[oid]
    yd = si.year(year)
    pools = Pools.of(kb, si, yd)
    savings = estimate(kb, si, yd, option, steps, pools)
    opex = operating_cost(pools, option, steps, savings)
    amounts = savings.amounts if savings is not None else {}
    money = valuation(savings, prices(kb, si), stream_fees(pools), opex) if amounts else None
    inv = investment(si, pools, option, steps)
    shown = {
        r: {"low": sig(t[0]), "central": sig(t[1]), "high": sig(t[2]), "unit": UNITS[r]} for r, t in amounts.items()
    }
    return {
        "option_id": oid,
        "measure_code": option.measure_code,
        "name": {"zh": option.name.zh, "en": option.name.en},
        "category": option.category,
        "steps": steps,
        "cost_class": option.cost_class,
        "quantified": any(v["central"] for v in shown.values()),
        "savings": dict(sorted(shown.items())),
        "money": money,
        "investment": inv,
        "payback_years": payback(inv, money),
        "origin": origin,
        "because": [],
    }


def _unknown(kb: KnowledgeBase, oid: str, where: str) -> EditError:
    close = did_you_mean(oid, kb.options)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    hint_zh = f"；是否应为 {close[0]!r}？" if close else ""
    return EditError(
        oid,
        f"no option {oid!r} in the knowledge base{hint}",
        f"知识库中没有方案 {oid!r}{hint_zh}",
        where=where,
        rule="unknown_option",
    )


def _scenario(
    kb: KnowledgeBase,
    si: SelfInspection,
    plan: dict[str, Any],
    accept: Sequence[str],
    reject: Sequence[str],
    graph: ProcessGraph,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The plan's entries once the options are accepted and rejected, and the log of what changed and why."""
    year = int(plan["year"])
    bset = plan["evaluation"]["benchmark_set"]["id"]
    rows = {r["option_id"]: r for r in plan["recommendations"]}
    order = list(rows)
    log: list[dict[str, Any]] = []
    for i, oid in enumerate(accept):
        if oid not in kb.options:
            raise _unknown(kb, oid, f"accept[{i}]")
    for i, oid in enumerate(reject):
        if oid not in kb.options:
            raise _unknown(kb, oid, f"reject[{i}]")
        if oid in accept:
            raise EditError(
                oid,
                "both accepted and rejected",
                "同时被接受和拒绝",
                where=f"reject[{i}]",
                rule="accepted_and_rejected",
            )
        if oid not in rows and oid not in accept:
            raise EditError(
                oid,
                "the plan does not hold this option, so it cannot be rejected",
                "方案中没有该措施，无法拒绝",
                where=f"reject[{i}]",
                rule="not_in_plan",
            )
    if not accept and not reject:
        return [rows[o] for o in order], log
    requires, conflicts = relations(kb, si, bset, year, graph)
    clash = {frozenset(c) for c in conflicts}
    for i, a in enumerate(accept):
        for b in accept[i + 1 :]:
            if frozenset((a, b)) in clash:
                raise EditError(
                    a,
                    f"conflicts with {b}, also accepted",
                    f"与同时接受的 {b} 冲突",
                    where=f"accept[{i}]",
                    rule="accepted_conflict",
                )
    extra: list[str] = []
    dropped: list[str] = []
    rests = supports_of(plan, set(rows), requires)
    for oid in accept:
        if oid in rows:
            log.append({"option": oid, "action": "kept", "kind": "accepted", "reason": "accepted; already in the plan"})
            continue
        steps = _steps_for(kb, si, plan, oid)
        option = kb.options[oid]
        if not steps and (option.steps or option.families):
            raise EditError(
                oid,
                "it applies to none of the steps the plant runs",
                "该方案不适用于企业运行的任何工序",
                where=f"accept[{accept.index(oid)}]",
                rule="no_step_run",
            )
        rows[oid] = _row(kb, si, year, oid, steps, "accepted")
        extra.append(oid)
        log.append({"option": oid, "action": "added", "kind": "accepted", "reason": "accepted"})
        for other in [o for o in order if frozenset((oid, o)) in clash]:
            del rows[other]
            dropped.append(other)
            log.append(
                {
                    "option": other,
                    "action": "excluded",
                    "kind": "conflict_with_accepted",
                    "reason": f"conflicts with {oid}, accepted",
                }
            )
    changed = True
    while changed:  # prerequisites of what was accepted
        changed = False
        for a, b in sorted(requires):
            if a not in extra or b in rows:
                continue
            if b in reject:
                raise EditError(
                    a,
                    f"needs {b}, which is rejected",
                    f"需要被拒绝的 {b}",
                    where=f"accept[{list(accept).index(a)}]" if a in accept else "accept",
                    rule="needs_rejected",
                )
            steps = list(rows[a]["steps"])
            if in_place(kb, si, year, kb.options[b], steps) is not None:
                continue
            rows[b] = _row(kb, si, year, b, steps, "prerequisite")
            extra.insert(extra.index(a), b)
            log.append(
                {"option": b, "action": "added", "kind": "prerequisite", "reason": f"prerequisite of {a}, accepted"}
            )
            changed = True
    gone = set(reject) | set(dropped)
    for oid in reject:
        del rows[oid]
        log.append({"option": oid, "action": "excluded", "kind": "rejected", "reason": "rejected"})
    changed = True
    while changed:  # what needs, or only rests on, what left
        changed = False
        for oid in [o for o in order + extra if o in rows]:
            needs = sorted(b for a, b in requires if a == oid and b in gone)
            needed_by = [a for a, b in requires if b == oid and a in rows]
            why = ""
            alternatives = rests.get(oid)
            if needs:
                why = f"needs {', '.join(needs)}, which left the plan"
            elif rows[oid].get("origin") == "prerequisite" and not needed_by:
                why = "a prerequisite no option left in the plan needs"
            elif rows[oid].get("origin") == "rule" and alternatives and not any(a <= set(rows) for a in alternatives):
                why = f"rests on {', '.join(sorted(set().union(*alternatives) - set(rows)))}, which left the plan"
            if why:
                del rows[oid]
                gone.add(oid)
                log.append({"option": oid, "action": "excluded", "kind": "premise_excluded", "reason": why})
                changed = True
    return [rows[o] for o in order + extra if o in rows], log


def what_if(
    kb: KnowledgeBase,
    raw: dict[str, Any],
    *,
    sets: Sequence[tuple[str, Any]] = (),
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    benchmark_set: str | None = None,
    year: int | None = None,
    graph: ProcessGraph | None = None,
    baseline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The scenario of ``raw`` (a valid self-inspection, as JSON) with ``sets`` applied and ``accept``/``reject``
    options, compared with ``baseline`` (its plan; built when not given). Raises EditError naming the field."""
    graph = graph or build_graph(kb)
    si0 = parse_self_inspection(kb, raw).inspection
    plan0 = baseline or build_plan(kb, si0, graph=graph, benchmark_set=benchmark_set, year=year)
    data, edits = apply_edits(raw, list(sets))
    si1 = _validated(kb, data, edits) if edits else si0
    plan1 = build_plan(kb, si1, graph=graph, benchmark_set=benchmark_set, year=year) if edits else plan0
    rows, log = _scenario(kb, si1, plan1, list(accept), list(reject), graph)
    bset = plan1["evaluation"]["benchmark_set"]["id"]
    po0 = PlanOptions.of(kb, si0, plan0)
    po1 = PlanOptions.of_rows(kb, si1, int(plan1["year"]), bset, rows)
    base = summary(po0, plan0, plan0["evaluation"])
    scen = summary(po1, plan1, plan1["evaluation"])
    return {
        "whatif_version": WHATIF_VERSION,
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "input_hash": plan0["input_hash"],
        "scenario_input_hash": plan1["input_hash"],
        "enterprise": plan1["enterprise"],
        "year": plan1["year"],
        "benchmark_set": bset,
        "changes": {"set": [e.as_dict() for e in edits], "accept": list(accept), "reject": list(reject)},
        "level": {
            "now": scen["level_now"],
            "projected": scen["projected_level"],
            "baseline_now": base["level_now"],
            "baseline_projected": base["projected_level"],
        },
        "plan": {**scen, "resolution": log},
        "baseline": base,
        "differences": differences(po0, plan0, po1, plan1, edits, log, accept, reject),
    }
