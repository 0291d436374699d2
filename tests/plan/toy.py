"""Small synthetic problems for the exact search (engine/plan/search.py): items with costs, indicators whose result
is any function of the chosen items among their touchers, and a brute-force optimum to compare with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from engine.plan.search import Check, Indicator, Item, Problem

Rule = Callable[[frozenset[str]], bool]  # the indicator's result, given the chosen items among its touchers


@dataclass
class Toy:
    items: list[Item]
    indicators: list[tuple[str, float, bool, frozenset[str], Rule]]  # key, points, limiting, touchers, rule
    min_index: float
    requires: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    supports: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    allowed: set[str] | None = None

    def check(self, s: frozenset[str]) -> Check:
        hits, limiting, sigs = {}, {}, {}
        for key, _points, is_limiting, touchers, rule in self.indicators:
            hit = rule(s & touchers)
            hits[key] = hit
            if is_limiting:
                limiting[key] = hit
            sigs[key] = repr(sorted(s & touchers))
        index = sum(points for key, points, *_ in self.indicators if hits[key])
        reached = index >= self.min_index - 1e-9 and all(limiting.values())
        return Check(reached=reached, index=index, hits=hits, limiting_ok=limiting, signatures=sigs)

    def problem(self) -> Problem:
        return Problem(
            items=self.items,
            indicators=[Indicator(k, p, lim, t) for k, p, lim, t, _ in self.indicators],
            min_index=self.min_index,
            baseline=self.check(frozenset()),
            allowed=self.allowed if self.allowed is not None else {i.id for i in self.items},
            requires=self.requires,
            conflicts=self.conflicts,
            supports=self.supports,
            touchers_of={k: t for k, _, _, t, _ in self.indicators},
        )

    def admissible(self, s: frozenset[str]) -> bool:
        allowed = self.allowed if self.allowed is not None else {i.id for i in self.items}
        if not s <= allowed:
            return False
        if any(a in s and b not in s for a, b in self.requires):
            return False
        if any(a in s and b in s for a, b in self.conflicts):
            return False
        return all(o not in s or any(alt <= s for alt in alts) for o, alts in self.supports.items())

    def subsets(self) -> list[frozenset[str]]:
        ids = [i.id for i in self.items]
        return [frozenset(c) for n in range(len(ids) + 1) for c in combinations(ids, n)]

    def cost(self, s: frozenset[str]) -> float:
        return sum(i.cost or 0.0 for i in self.items if i.id in s)

    def brute_force(self, key: Callable[[frozenset[str]], float]) -> tuple[float, frozenset[str]] | None:
        """The best admissible selection reaching the target by ``key`` (lower is better), by enumeration."""
        found = [(key(s), s) for s in self.subsets() if self.admissible(s) and self.check(s).reached]
        return min(found, key=lambda t: (t[0], len(t[1]), sorted(t[1]))) if found else None


def weighted(weights: dict[str, float], need: float) -> Rule:
    """Reaches the target when the chosen touchers' weights add up to ``need``."""
    return lambda chosen: sum(weights[c] for c in chosen) >= need
