"""How much of one resource a selection must save for an indicator to reach the target, and the most each option
can add to it: the knapsack bound of the cheapest-path search (engine/plan/search.py).

Some indicators are driven by one resource saved and by nothing else the options do: electricity per m2 by the
electricity saved, fresh water per m2 by the fresh water saved. For those the search needs more than "which
options touch it": with a dozen energy options, 2^12 choices would each have to be tried. Two facts bound them.

- combine.py: in any selection, the central amount of a resource saved in total is at most the sum of the
  options' own central savings of it (each option takes a share of what the others left, never more than it saves
  on its own; what an option consumes is added back to what remains, which the clamp to the base bounds again);
- the indicator, evaluated on the self-inspection projected with only that resource saved, reaches the target
  once the amount saved passes a threshold, found here by bisection on the amount (the projection is fed the
  amount directly: engine/plan/projection.py reads only the combined totals).

So a selection whose options' own savings add up to no more than the threshold cannot bring the indicator to the
target. The premise, stated and checked on every selection the search evaluates (engine/plan/search.py): the
indicator reads only that resource of the selection (none of the options' answer effects and no other resource
moves it, checked by projecting each resource and each option's effects alone) and more of it saved is never worse.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, DecimalException

from engine.evaluate.evaluation import evaluate
from engine.evaluate.result import EvaluationResult
from engine.plan.combine import Combined
from engine.plan.projection import project
from engine.plan.search import Bound, Check
from engine.plan.selection import PlanOptions

__all__ = ["bounds"]

_STEPS = 18  # bisection steps on the amount saved: the threshold to 2^-18 of the largest amount


def _projected(po: PlanOptions, resource: str | None, amount: Decimal, effects_of: str | None) -> EvaluationResult:
    totals = {resource: (amount, amount, amount)} if resource is not None else {}
    bases = {resource: po.pools.total(resource)} if resource is not None else {}
    combined = Combined(totals=totals, bases=bases)
    options = [(o.option, o.steps) for o in po.options if o.id == effects_of]
    return evaluate(
        po.kb, project(po.kb, po.si, po.year, combined, options), benchmark_set=po.benchmark_set, year=po.year
    )


def _probe(
    po: PlanOptions,
    verdict: Callable[[EvaluationResult], Check],
    resource: str | None,
    amount: Decimal,
    effects_of: str | None = None,
) -> Check | None:
    """The verdict on a probe, None when the projection cannot be computed for it (an extreme amount)."""
    try:
        return verdict(_projected(po, resource, amount, effects_of))
    except DecimalException:
        return None


def bounds(
    po: PlanOptions,
    baseline: Check,
    touchers: dict[str, set[str]],
    verdict: Callable[[EvaluationResult], Check],
) -> dict[str, Bound]:
    """For each indicator counted, short of the target now and driven by one resource alone: the bound."""
    gains: dict[str, dict[str, float]] = {}
    for o in po.options:
        for resource, triple in (o.savings.amounts if o.savings is not None else {}).items():
            gains.setdefault(resource, {})[o.id] = float(triple[1])
    wanted = {k for k, hit in baseline.hits.items() if not hit and touchers.get(k)}
    if not wanted:
        return {}
    moved_by_effects: set[str] = set()
    for o in po.options:
        e = o.option.effects
        if e.answers or e.step_answers or e.waste_destination:
            probe = _probe(po, verdict, None, Decimal(0), o.id)
            if probe is None:
                return {}  # what moves what is not known: no bound at all (the search stays exact, only slower)
            sigs = probe.signatures
            moved_by_effects |= {k for k, s in sigs.items() if baseline.signatures.get(k) != s}
    drivers: dict[str, set[str]] = {}
    most: dict[str, Decimal] = {}
    for resource in sorted(gains):
        total = sum((Decimal(str(max(g, 0.0))) for g in gains[resource].values()), Decimal(0))
        base = po.pools.total(resource)
        most[resource] = min(total, base) if base is not None else total
        if most[resource] <= 0:
            continue
        probe = _probe(po, verdict, resource, most[resource])
        if probe is None:
            return {}
        for key, s in probe.signatures.items():
            if baseline.signatures.get(key) != s:
                drivers.setdefault(key, set()).add(resource)
    out: dict[str, Bound] = {}
    for key in sorted(wanted):
        found = drivers.get(key, set())
        if key in moved_by_effects or len(found) != 1:
            continue
        (resource,) = found
        own = gains[resource]
        if any(own.get(t, 0.0) == 0.0 for t in touchers[key]):
            continue  # an option moves it without saving that resource: not driven by it alone
        positive = {o: max(g, 0.0) for o, g in sorted(own.items())}  # every option saving it, touching or not
        hi = most[resource]
        top = _probe(po, verdict, resource, hi)
        if top is None:
            continue
        if not top.hits.get(key):
            out[key] = Bound(resource, None, positive)
            continue
        lo = Decimal(0)
        for _ in range(_STEPS):
            mid = (lo + hi) / 2
            probe = _probe(po, verdict, resource, mid)
            if probe is None:
                break
            if probe.hits.get(key):
                hi = mid
            else:
                lo = mid
        else:
            out[key] = Bound(resource, float(lo), positive)
    return out
