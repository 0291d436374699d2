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


def _take(
    part: Part,
    i: int,
    base: Decimal | None,
    pool_left: dict[tuple[str, str], list[Decimal]],
    total_left: dict[str, list[Decimal]],
    claimed: dict[tuple[str, str, str], list[Decimal]],
) -> Decimal:
    amount = part.amount[i]
    if part.mechanism is not None and amount > 0:
        # options of one mechanism claim the same saving: only what exceeds the largest claim so far counts
        key = (part.resource, part.pool, part.mechanism)
        done = claimed.setdefault(key, [Decimal(0)] * 3)
        extra = max(amount - done[i], Decimal(0))
        done[i] = max(done[i], amount)
        amount = extra
        if amount == 0:
            return Decimal(0)
    if amount < 0:
        if part.resource in total_left:
            total_left[part.resource][i] -= amount
        return amount
    if part.pool == PLANT:
        if not base:
            return Decimal(0)
        # a share of what remains of the plant total, never of more than the plant used before the plan (what
        # other options consume is not this option's to save)
        taken = amount / base * min(total_left[part.resource][i], base)
    else:
        size = part.size
        left = pool_left.setdefault((part.resource, part.pool), [size or Decimal(0)] * 3)
        taken = amount / size * left[i] if size else Decimal(0)
        left[i] -= taken
    if part.resource in total_left:
        taken = min(taken, max(total_left[part.resource][i], Decimal(0)))
        total_left[part.resource][i] -= taken
    return taken


def combine(pools: Pools, savings: list[Savings | None]) -> Combined:
    out = Combined()
    pool_left: dict[tuple[str, str], list[Decimal]] = {}
    total_left: dict[str, list[Decimal]] = {}
    claimed: dict[tuple[str, str, str], list[Decimal]] = {}
    resources = sorted({p.resource for s in savings if s is not None for p in s.parts})
    for res in resources:
        base = pools.total(res)
        out.bases[res] = base
        if base is not None:
            total_left[res] = [base, base, base]
    for s in savings:
        mine: dict[str, list[Decimal]] = {}
        for part in s.parts if s is not None else []:
            got = [_take(part, i, out.bases.get(part.resource), pool_left, total_left, claimed) for i in range(3)]
            acc = mine.setdefault(part.resource, [Decimal(0)] * 3)
            for i in range(3):
                acc[i] += got[i]
            if part.pool.startswith("stream:") and part.resource == "hazardous_waste_t":
                out.stream_saved[part.pool] = out.stream_saved.get(part.pool, Decimal(0)) + got[1]
        out.in_plan.append({r: (v[0], v[1], v[2]) for r, v in mine.items()})
    for per in out.in_plan:
        for res, t in per.items():
            lo, ce, hi = out.totals.get(res, ZERO)
            out.totals[res] = (lo + t[0], ce + t[1], hi + t[2])
    return out
