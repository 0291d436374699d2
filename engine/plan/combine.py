"""Options combined on what remains: each option, in the plan's order, takes its share of what the options before
it left in the same pool, so that no combination saves more than a pool holds or more than the plant's total.

An option's own estimate (``Savings``) is its effect alone, against the whole pool; its share in the plan is
``fraction of the pool it saves alone`` x ``what remains of the pool``. Plant-wide fractions act on what remains
of the plant total. Resources an option consumes (negative amounts) are added back to what remains. Options of
one ``mechanism`` (e.g. three kinds of metering) claim the same saving: in the plan only what exceeds the largest
claim so far counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from engine.plan.benefits import Part, Savings, Triple
from engine.plan.pools import PLANT, Pools

__all__ = ["Combined", "combine"]

ZERO = (Decimal(0), Decimal(0), Decimal(0))


@dataclass
class Combined:
    in_plan: list[dict[str, Triple]] = field(default_factory=list)  # per option, in the order given
    totals: dict[str, Triple] = field(default_factory=dict)
    bases: dict[str, Decimal | None] = field(default_factory=dict)
    stream_saved: dict[str, Decimal] = field(default_factory=dict)  # central t saved per pool "stream:..."
    copper_by_pool: dict[str, Decimal] = field(default_factory=dict)  # central kg recovered on site per pool


class _Ledger:
    """What remains of every pool and plant total, per case, while the plan's options take their shares."""

    def __init__(self, pools: Pools, bases: dict[str, Decimal | None]) -> None:
        self.bases = bases
        self.pool_left: dict[tuple[str, str], list[Decimal]] = {}
        self.total_left = {r: [b, b, b] for r, b in bases.items() if b is not None}
        self.claimed: dict[tuple[str, str, str], list[Decimal]] = {}
        self.generated = pools.wastewater

    def _available(self, part: Part, i: int) -> Decimal:
        """What a plant-wide share may act on: what remains of the total (never more than the plant used), and
        for the wastewater discharged no more than the share of the remaining generation that is discharged."""
        base = self.bases.get(part.resource) or Decimal(0)
        avail = min(self.total_left.get(part.resource, [base] * 3)[i], base)
        if part.resource == "wastewater_discharged_m3" and self.generated:
            generated_left = self.total_left.get("wastewater_m3", [self.generated] * 3)[i]
            avail = min(avail, base * generated_left / self.generated)
        return max(avail, Decimal(0))

    def take(self, part: Part, i: int, followed: Decimal | None) -> Decimal:
        amount = part.amount[i]
        if followed is not None:
            taken = followed
        elif amount < 0:
            if part.resource in self.total_left:
                self.total_left[part.resource][i] -= amount
            return amount
        else:
            if part.mechanism is not None:
                # options of one mechanism claim the same saving: only what exceeds the largest claim so far counts
                done = self.claimed.setdefault((part.resource, part.pool, part.mechanism), [Decimal(0)] * 3)
                amount, done[i] = max(amount - done[i], Decimal(0)), max(done[i], amount)
                if amount == 0:
                    return Decimal(0)
            if part.pool == PLANT:
                base = self.bases.get(part.resource)
                taken = amount / base * self._available(part, i) if base else Decimal(0)
            else:
                size = part.size[i] if part.size is not None else Decimal(0)
                left = self.pool_left.setdefault((part.resource, part.pool), list(part.size or (Decimal(0),) * 3))
                taken = amount / size * left[i] if size else Decimal(0)
        if part.pool != PLANT and part.size is not None:
            left = self.pool_left.setdefault((part.resource, part.pool), list(part.size))
            if followed is not None:
                taken = min(taken, max(left[i], Decimal(0)))
            left[i] -= taken
        if part.resource in self.total_left:
            taken = min(taken, max(self.total_left[part.resource][i], Decimal(0)))
            self.total_left[part.resource][i] -= taken
        return taken


def _end_of_pipe(part: Part) -> bool:
    return part.resource == "wastewater_discharged_m3" or part.follows == "wastewater_discharged_m3"


def combine(pools: Pools, savings: list[Savings | None]) -> Combined:
    out = Combined()
    resources = sorted({p.resource for s in savings if s is not None for p in s.parts} | {"wastewater_m3"})
    out.bases = {res: pools.total(res) for res in resources}
    ledger = _Ledger(pools, out.bases)
    mine: list[dict[str, list[Decimal]]] = [{} for _ in savings]
    taken_here: list[dict[tuple[str, str], list[Decimal]]] = [{} for _ in savings]
    # end-of-pipe reuse acts on the effluent that source reduction leaves, so it is taken in a second pass
    for end_of_pipe in (False, True):
        for n, s in enumerate(savings):
            for part in s.parts if s is not None else []:
                if _end_of_pipe(part) != end_of_pipe:
                    continue
                followed = taken_here[n].get((part.follows, part.pool)) if part.follows else None
                got = [ledger.take(part, i, followed[i] if followed else None) for i in range(3)]
                taken_here[n][(part.resource, part.pool)] = got
                acc = mine[n].setdefault(part.resource, [Decimal(0)] * 3)
                for i in range(3):
                    acc[i] += got[i]
                if part.pool.startswith("stream:") and part.resource == "hazardous_waste_t":
                    out.stream_saved[part.pool] = out.stream_saved.get(part.pool, Decimal(0)) + got[1]
                if part.resource == "copper_recovered_kg":
                    out.copper_by_pool[part.pool] = out.copper_by_pool.get(part.pool, Decimal(0)) + got[1]
    out.in_plan = [{r: (v[0], v[1], v[2]) for r, v in m.items()} for m in mine]
    for per in out.in_plan:
        for res, t in per.items():
            lo, ce, hi = out.totals.get(res, ZERO)
            out.totals[res] = (lo + t[0], ce + t[1], hi + t[2])
    out.bases = {r: b for r, b in out.bases.items() if r in out.totals}
    return out
