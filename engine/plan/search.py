"""Exact search for the best selection of options that reaches a target level: an integer program (HiGHS) over a
relaxation of the level, every proposal verified with the real projection, and cuts learnt from each verification.

Why this method. The level is not a linear function of the options: savings are combined on what remains, the
projected data are evaluated again, indicators are compared with thresholds and weighted into indices. So no
integer program can model it exactly. What can be modelled is a *relaxation*, a condition every selection that
reaches the target must meet, and the relaxation is tightened with what each exact evaluation teaches:

- an indicator moves only through the options that move it on their own (its ``touchers``: the singletons are
  projected first; an indicator none of the chosen options touches keeps its present result);
- the target's rating rule: the points of the indicators that reach the target add up to the minimum index, and
  every limiting indicator reaches the level the rule asks;
- a verified selection S in which indicator i falls short proves that every selection choosing the same of i's
  touchers as S falls short on i too, so ``y_i <= [the choice among i's touchers differs from S's]`` is a valid
  cut (far stronger than excluding S alone); a limiting indicator short in S gives the same cut as a constraint.

HiGHS returns the selection with the best objective that meets the relaxation; it is verified with the real
projection. If it reaches the target it is optimal (the relaxation admits every selection that reaches the target,
and none of them has a better objective). If not, the cuts it yields exclude it and the program is solved again.
When the program has no solution left, no selection reaches the target: infeasibility is proven. For objectives
that are not additive (CO2 avoided combined on what remains, payback as a ratio) the program optimises an additive
bound (the options' figures on their own, which combination never exceeds) and the search stops when the bound can
no longer beat the best verified selection (Dinkelbach's parametric form for the ratio).

The relaxation rests on one premise, checked on every evaluation: an indicator's result depends only on which of
its touchers are chosen, and the points of an indicator do not depend on the selection. If an evaluation
contradicts it, the search continues excluding only the selections it verified, and ``exact`` is false.
The search is bounded by a number of verifications (``limit``); when the bound is hit the best selection found so
far is returned with ``exact`` false and the bound stated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np
from highspy._core import _Highs  # the solver without the callback layer of highspy.Highs, which prints a banner

__all__ = ["Bound", "Check", "Indicator", "Item", "Outcome", "Problem", "search"]

Objective = Literal["investment", "payback", "co2"]
_EPS = 1e-6
_BIG_PAYBACK = 1e9  # years: the payback of a selection that saves no money, before one that does is found
_SOLVES = 20  # programs solved per verification allowed, at most (proposals ruled out by their exact objective)
# Ratio and combined objectives (payback, CO2) prove optimality with an additive bound that overlapping options make
# loose: the proposals whose bound beats the best verified selection but whose exact value does not are excluded one
# by one. At most this many proposals are solved; beyond, the best verified selection is returned, ``exact`` false
# and the bound stated (a choice of this system, to answer within seconds).
_PROPOSALS = 80


@dataclass(frozen=True)
class Item:
    """An option the search may choose: its central investment (CNY; None unknown), its central money saved per
    year on its own (CNY/a) and its central CO2 avoided on its own (t/a), the additive bounds."""

    id: str
    cost: float | None = None
    money: float = 0.0
    co2: float = 0.0


@dataclass(frozen=True)
class Bound:
    """An indicator driven by one resource saved (engine/plan/drivers.py): it reaches the target only if the
    selection saves more than ``need`` of ``resource`` (None: no selection saves enough), and a selection saves at
    most the sum of its options' ``gains`` (their own savings of it)."""

    resource: str
    need: float | None
    gains: dict[str, float]


@dataclass(frozen=True)
class Indicator:
    """An indicator instance counted in the target's index: the points it adds when it reaches the target, whether
    the rating rule asks it to reach a level (limiting), the options that move it on their own, and its bound."""

    key: str
    points: float
    limiting: bool
    touchers: frozenset[str]
    bound: Bound | None = None


@dataclass(frozen=True)
class Check:
    """The exact verdict on one selection: whether the target is reached, and for each indicator counted whether
    it reaches the target and (limiting ones) the level the rule asks; ``signatures`` the full records of every
    indicator instance, for the premise check."""

    reached: bool
    index: float
    hits: dict[str, bool]
    limiting_ok: dict[str, bool]
    signatures: dict[str, str]
    level: str = ""
    totals: dict[str, float] = field(default_factory=dict)  # central amounts saved by the selection, per resource


@dataclass
class Problem:
    items: list[Item]  # in the plan's order
    indicators: list[Indicator]
    min_index: float
    baseline: Check  # the verdict on the empty selection
    allowed: set[str]  # items that may be chosen (the others are fixed out)
    requires: list[tuple[str, str]] = field(default_factory=list)  # (a, b): a needs b
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    supports: dict[str, list[frozenset[str]]] = field(default_factory=dict)  # item -> alternatives it rests on
    touchers_of: dict[str, frozenset[str]] = field(default_factory=dict)  # every instance key -> its touchers
    limiting_is_target: bool = True  # the rule asks the limiting indicators to reach the target itself


@dataclass
class Outcome:
    best: frozenset[str] | None
    value: float | None  # the objective of the best selection (investment CNY, payback a, CO2 t)
    status: Literal["optimal", "infeasible", "limit"]
    exact: bool
    verifications: int
    checked: list[tuple[frozenset[str], Check]] = field(default_factory=list)
    premise_failed: frozenset[str] | None = None  # the selection whose evaluation contradicted the premise


class _Model:
    """A binary program on HiGHS (quiet, deterministic: one thread, zero optimality gap)."""

    def __init__(self) -> None:
        self.h = _Highs()
        for name, value in (
            ("output_flag", False),
            ("threads", 1),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 0.0),
            ("random_seed", 0),
        ):
            self.h.setOptionValue(name, value)
        self.n = 0

    def binary(self, lower: float = 0.0, upper: float = 1.0) -> int:
        self.h.addVar(lower, upper)
        self.h.changeColIntegrality(self.n, highspy.HighsVarType.kInteger)
        self.n += 1
        return self.n - 1

    def row(self, coeffs: dict[int, float], lower: float, upper: float) -> None:
        cols = sorted(c for c, v in coeffs.items() if v != 0)
        inf = highspy.kHighsInf
        self.h.addRow(
            -inf if lower == -np.inf else lower,
            inf if upper == np.inf else upper,
            len(cols),
            np.array(cols, dtype=np.int32),
            np.array([coeffs[c] for c in cols], dtype=np.float64),
        )

    def objective(self, costs: dict[int, float]) -> None:
        for col in range(self.n):
            self.h.changeColCost(col, costs.get(col, 0.0))

    def solve(self) -> tuple[list[float], float] | None:
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return list(self.h.getSolution().col_value), float(self.h.getInfo().objective_function_value)


class _Search:
    def __init__(self, problem: Problem, oracle: Callable[[frozenset[str]], Check]) -> None:
        self.p = problem
        self.oracle = oracle
        self.m = _Model()
        ids = [it.id for it in problem.items]
        self.x = {i: self.m.binary(0.0, 1.0 if i in problem.allowed else 0.0) for i in ids}
        self.items = {it.id: it for it in problem.items}
        self.premise = True
        self.premise_failed: frozenset[str] | None = None
        self.learnt: dict[tuple[str, frozenset[str]], bool] = {}
        self.checked: list[tuple[frozenset[str], Check]] = []
        self.verifications = 0
        self.seen: dict[frozenset[str], Check] = {}
        self._constraints()
        self.y: dict[str, int] = {}
        self._index_row()
        self._learn(frozenset(), problem.baseline)

    # --- the fixed part -----------------------------------------------------------------------------------
    def _constraints(self) -> None:
        x = self.x
        for a, b in self.p.requires:
            if a in x and b in x:
                self.m.row({x[a]: 1.0, x[b]: -1.0}, -np.inf, 0.0)
        for a, b in self.p.conflicts:
            if a in x and b in x:
                self.m.row({x[a]: 1.0, x[b]: 1.0}, -np.inf, 1.0)
        for oid, alternatives in sorted(self.p.supports.items()):
            if oid not in x or any(not alt for alt in alternatives):
                continue
            zs = []
            for alt in alternatives:
                if not all(a in x for a in alt):
                    continue
                z = self.m.binary()
                zs.append(z)
                for a in sorted(alt):
                    self.m.row({z: 1.0, x[a]: -1.0}, -np.inf, 0.0)
            self.m.row({x[oid]: 1.0, **{z: -1.0 for z in zs}}, -np.inf, 0.0)

    def _index_row(self) -> None:
        fixed = 0.0
        coeffs: dict[int, float] = {}
        for ind in self.p.indicators:
            movable = ind.touchers & self.p.allowed
            if not movable:
                fixed += ind.points if self.p.baseline.hits.get(ind.key) else 0.0
                continue
            self.y[ind.key] = y = self.m.binary()
            coeffs[y] = ind.points
            if ind.bound is not None:
                self._bound_row(ind.bound, y)
            if ind.bound is not None and ind.limiting and self.p.limiting_is_target:
                self._bound_row(ind.bound, None)
        self.m.row(coeffs, self.p.min_index - fixed - _EPS, np.inf)

    def _bound_row(self, bound: Bound, y: int | None) -> None:
        """y <= sum(gains of the chosen) / need (or 1 <= ... without y): the knapsack bound."""
        if bound.need is None:
            if y is not None:
                self.m.row({y: 1.0}, -np.inf, 0.0)
            else:
                self.m.row({}, 1.0, np.inf)
            return
        coeffs = {self.x[o]: -g / bound.need for o, g in bound.gains.items() if o in self.x and g > 0}
        if y is None:
            self.m.row({c: -v for c, v in coeffs.items()}, 1.0 - _EPS, np.inf)
        else:
            coeffs[y] = 1.0
            self.m.row(coeffs, -np.inf, _EPS)

    # --- learning from an exact verdict ---------------------------------------------------------------------
    def _pattern_cut(self, touchers: frozenset[str], chosen: frozenset[str], y: int | None) -> None:
        """[choice among ``touchers`` differs from ``chosen``] >= y (or >= 1 without y)."""
        coeffs: dict[int, float] = {}
        for t in sorted(touchers):
            if t in self.x:
                coeffs[self.x[t]] = -1.0 if t in chosen else 1.0
        size = len(chosen & touchers)
        if y is None:
            self.m.row(coeffs, 1.0 - size, np.inf)
        else:
            coeffs[y] = -1.0
            self.m.row(coeffs, -size, np.inf)

    def _no_good(self, s: frozenset[str]) -> None:
        self._pattern_cut(frozenset(self.x), s, None)

    def _holds(self, s: frozenset[str], check: Check) -> bool:
        """The premise on this evaluation: untouched instances unchanged, results a function of the touchers."""
        base = self.p.baseline
        for key, sig in check.signatures.items():
            if not (self.p.touchers_of.get(key, frozenset()) & s) and base.signatures.get(key) != sig:
                return False
        for ind in self.p.indicators:
            pattern = s & ind.touchers
            for kind, result in (("hit", check.hits.get(ind.key)), ("lim", check.limiting_ok.get(ind.key))):
                if result is None:
                    continue
                seen = self.learnt.get((kind + ":" + ind.key, pattern))
                if seen is not None and seen != result:
                    return False
            b = ind.bound
            if b is not None and check.totals:
                saved = check.totals.get(b.resource, 0.0)
                most = sum(g for o, g in b.gains.items() if o in s)
                if saved > most * (1 + 1e-9) + 1e-6:
                    return False  # more saved than the options save on their own
                if check.hits.get(ind.key) and (b.need is None or saved <= b.need):
                    return False  # reached with less saved than the threshold
        points = sum(ind.points for ind in self.p.indicators if check.hits.get(ind.key))
        return abs(points - check.index) <= 1e-3

    def _learn(self, s: frozenset[str], check: Check) -> bool:
        """Add the cuts ``check`` proves; False when none of them excludes ``s`` itself."""
        excluded = False
        if self.premise and s and not self._holds(s, check):
            self.premise = False
            self.premise_failed = s
        if not self.premise:
            if not check.reached:
                self._no_good(s)
            return not check.reached
        for ind in self.p.indicators:
            pattern = s & ind.touchers
            hit = check.hits.get(ind.key, False)
            if (k := ("hit:" + ind.key, pattern)) not in self.learnt:
                self.learnt[k] = hit
                if not hit and ind.key in self.y:
                    self._pattern_cut(ind.touchers, pattern, self.y[ind.key])
                    excluded = True
            if ind.limiting:
                ok = check.limiting_ok.get(ind.key, True)
                if (k := ("lim:" + ind.key, pattern)) not in self.learnt:
                    self.learnt[k] = ok
                    if not ok:
                        self._pattern_cut(ind.touchers, pattern, None)
                        excluded = True
        return excluded or check.reached

    def observe(self, s: frozenset[str], check: Check) -> None:
        """An evaluation made outside the search (the singletons): learnt from, not counted."""
        self._learn(s, check)

    def verify(self, s: frozenset[str]) -> Check:
        self.verifications += 1
        if s in self.seen:  # proposed again: nothing learnt excluded it, so exclude the selection itself
            self._no_good(s)
            return self.seen[s]
        check = self.oracle(s)
        self.seen[s] = check
        self.checked.append((s, check))
        if not self._learn(s, check) and not check.reached:
            self._no_good(s)  # no indicator explains the failure: exclude the selection itself
        return check

    def propose(self) -> frozenset[str] | None:
        solved = self.m.solve()
        if solved is None:
            return None
        values, _ = solved
        return frozenset(i for i, col in self.x.items() if values[col] > 0.5)

    # --- the objectives -------------------------------------------------------------------------------------
    def run(
        self, objective: Objective, value: Callable[[frozenset[str]], float | None], limit: int
    ) -> tuple[frozenset[str] | None, float | None, str]:
        n = len(self.items)
        x = self.x
        if objective == "investment":
            # least known investment (CNY), then fewest options: one integer objective
            self.m.objective({x[i]: (it.cost or 0.0) * (n + 1) + 1 for i, it in self.items.items()})
            while self.verifications < limit:
                s = self.propose()
                if s is None:
                    return None, None, "infeasible"
                if self.verify(s).reached:
                    return s, sum(self.items[i].cost or 0.0 for i in s), "optimal"
            return None, None, "limit"
        best: frozenset[str] | None = None
        best_value: float | None = None
        solves = 0
        if objective == "co2":
            # most CO2: the program maximises the options' own CO2, an upper bound of the combined one; the combined
            # CO2 only grows with the options that save electricity and falls with those that consume it
            # (combine.py), so a selection that cannot beat the best one found rules out every selection with fewer
            # savers and more consumers of electricity (a down-set cut)
            self.m.objective({x[i]: -it.co2 + 1e-6 for i, it in self.items.items()})
            while self.verifications < limit and solves < min(_SOLVES * limit, _PROPOSALS):
                solves += 1
                s = self.propose()
                if s is None:
                    return best, best_value, "optimal" if best is not None else "infeasible"
                got = value(s) or 0.0
                if best_value is not None and got <= best_value + _EPS:
                    self._down_cut(s)
                    continue
                if self.verify(s).reached:
                    best, best_value = s, got
                    self.m.row({x[i]: it.co2 for i, it in self.items.items()}, best_value + _EPS, np.inf)
                    self._down_cut(s)
            return best, best_value, "limit"
        # payback: Dinkelbach's parametric form, min investment/lam - money, on the bound money-on-its-own (never
        # below the money the option keeps in a selection); no selection beats payback lam when the minimum is >= 0
        lam = _BIG_PAYBACK
        while self.verifications < limit and solves < min(_SOLVES * limit, _PROPOSALS):
            solves += 1
            self.m.objective({x[i]: (it.cost or 0.0) / lam - it.money + 1e-9 for i, it in self.items.items()})
            solved = self.m.solve()
            if solved is None:
                return best, best_value, "optimal" if best is not None else "infeasible"
            values, obj = solved
            if best is not None and obj >= -1e-3:
                return best, best_value, "optimal"
            s = frozenset(i for i, col in x.items() if values[col] > 0.5)
            years = value(s)
            if best is not None and (years is None or (best_value is not None and years >= best_value - _EPS)):
                self._no_good(s)  # its exact payback does not beat the best one: no need to evaluate it
                continue
            if self.verify(s).reached:
                if best is None or (years is not None and (best_value is None or years < best_value - _EPS)):
                    best, best_value = s, years
                    if years is not None:
                        lam = years
                self._no_good(s)
        return best, best_value, "limit"

    def _down_cut(self, s: frozenset[str]) -> None:
        """Exclude every selection with no saver of electricity outside ``s`` and every consumer of ``s``."""
        coeffs: dict[int, float] = {}
        size = 0
        for i, it in self.items.items():
            if it.co2 > 0 and i not in s:
                coeffs[self.x[i]] = 1.0
            elif it.co2 < 0 and i in s:
                coeffs[self.x[i]] = -1.0
                size += 1
        self.m.row(coeffs, 1.0 - size, np.inf)


def search(
    problem: Problem,
    oracle: Callable[[frozenset[str]], Check],
    objective: Objective,
    *,
    value: Callable[[frozenset[str]], float | None] = lambda s: None,
    limit: int = 300,
    observed: Iterable[tuple[frozenset[str], Check]] = (),
) -> Outcome:
    """The best selection of ``problem.allowed`` items reaching the target, verified with ``oracle``.

    ``value`` gives the exact objective of a selection (payback in years, CO2 in t/a; the investment is additive
    and read from the items); ``observed`` are evaluations already made (the singletons), learnt from first."""
    run = _Search(problem, oracle)
    for s, check in observed:
        run.observe(s, check)
    best, best_value, status = run.run(objective, value, limit)
    exact = status != "limit" and run.premise
    return Outcome(
        best=best,
        value=best_value,
        status="limit" if status == "limit" else "optimal" if best is not None else "infeasible",
        exact=exact,
        verifications=run.verifications,
        checked=run.checked,
        premise_failed=run.premise_failed,
    )
