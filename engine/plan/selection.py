"""The options of a plan and the projection of any selection of them, with the selection's figures.

The cheapest-path search (engine/plan/path.py) and the what-if (engine/plan/whatif.py) ask "what would the plant
read, and what level would it reach, if only these options were implemented?". The answer is the plan's own
projection run on the selection: the options' savings (re-estimated exactly as the plan estimates them) combined
on what remains in the plan's order (engine/plan/combine.py), the self-inspection projected
(engine/plan/projection.py) and evaluated again (engine/evaluate/evaluation.py). No second projection is written
here; selecting every option of the plan gives back the plan's own ``projected`` evaluation and ``totals``.

The selection's figures follow the plan's totals: savings combined on what remains, never above the plant's base;
money as each option's valuation times the share of its own saving it keeps in the selection; investment summed
over the options whose investment is known (the others listed); CO2 from the electricity saved at the regional
grid factor in force; simple payback = investment / money saved per year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.evaluate.evaluation import evaluate
from engine.evaluate.instances import grid_factor
from engine.evaluate.result import EvaluationResult
from engine.graph import ProcessGraph, build_graph
from engine.inference.run import infer
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.benefits import UNITS, Savings, estimate
from engine.plan.combine import Combined, combine
from engine.plan.costs import combined_money
from engine.plan.pools import Pools
from engine.plan.projection import project

__all__ = ["PlanOption", "PlanOptions", "Projection", "relations", "sig", "supports_of"]


def sig(value: float | Decimal, digits: int = 3) -> float:
    """A figure to ``digits`` significant figures, as the plan shows its estimates."""
    if value == 0:
        return 0.0
    return float(f"{float(value):.{digits}g}")


def relations(
    kb: KnowledgeBase, si: SelfInspection, benchmark_set: str, year: int, graph: ProcessGraph | None = None
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Every (a, b) with a requiring b, and every conflicting pair (sorted), for this plant: the catalogue's and
    those the constraint rules conclude from its answers (the ones the plan's resolution applies)."""
    ev = evaluate(kb, si, benchmark_set=benchmark_set, year=year)
    inf = infer(kb, si, ev, graph or build_graph(kb))
    requires: set[tuple[str, str]] = set()
    conflicts: set[tuple[str, str]] = set()
    for c in inf.conclusions:
        if c["type"] == "constraint":
            if c["relation"] == "requires":
                requires.add((c["option"], c["other"]))
            else:
                conflicts.add((min(c["option"], c["other"]), max(c["option"], c["other"])))
    for oid, opt in kb.options.items():
        requires |= {(oid, b) for b in opt.prerequisites}
        conflicts |= {(min(oid, b), max(oid, b)) for b in opt.conflicts if b != oid}
    return requires, conflicts


def supports_of(plan: dict[str, Any], ids: set[str], requires: set[tuple[str, str]]) -> dict[str, list[frozenset[str]]]:
    """What each option of the plan rests on, as alternatives (any one suffices), each a set of options that must
    all stay: a prerequisite the plan added rests on each option needing it; an option concluded from other
    options' recommendations rests on those of each derivation (engine/plan/resolve.py drops it when they go)."""
    out: dict[str, list[frozenset[str]]] = {}
    nodes = plan.get("trace", {})
    for row in plan["recommendations"]:
        oid = row["option_id"]
        if oid not in ids:
            continue
        if row.get("origin") == "prerequisite":
            out[oid] = [frozenset({a}) for a, b in sorted(requires) if b == oid and a in ids]
            continue
        alternatives: list[frozenset[str]] = []
        for nid in row.get("because", []):
            node = nodes.get(nid, {})
            if node.get("type") != "recommendation" or node.get("value", {}).get("option") != oid:
                continue
            for deriv in node.get("derivations") or [{"premises": node.get("premises", [])}]:
                on = {
                    nodes[p]["value"]["option"]
                    for p in deriv["premises"]
                    if nodes.get(p, {}).get("type") == "recommendation"
                }
                alternatives.append(frozenset(on - {oid}))
        if alternatives and all(alternatives):
            out[oid] = sorted(set(alternatives), key=sorted)
    return out


@dataclass
class PlanOption:
    """One option of the plan: the knowledge-base option, its steps, its savings and its figures as planned."""

    option: Option
    steps: list[str]
    savings: Savings | None
    row: dict[str, Any]  # the plan's recommendation entry

    @property
    def id(self) -> str:
        return self.option.id

    @property
    def investment(self) -> float | None:
        """Central investment (CNY), None when unknown (a declared gap)."""
        inv = self.row.get("investment") or {}
        value = inv.get("central")
        return float(value) if value is not None else None

    @property
    def money(self) -> float | None:
        """Central net money saved per year on its own (CNY/a), None when nothing of it is priced."""
        money = self.row.get("money") or {}
        return float(money["central"]) if money.get("parts") and money.get("central") is not None else None

    @property
    def inert(self) -> bool:
        """No saving and no effect on the answers: the projection reads nothing of it (combine.py, projection.py),
        so it cannot change any indicator, alone or with others."""
        effects = self.option.effects
        parts = self.savings.parts if self.savings is not None else []
        return not parts and not effects.answers and not effects.step_answers and not effects.waste_destination

    def electricity_kwh(self) -> Decimal:
        """Central electricity saved on its own (kWh/a; negative when it consumes electricity)."""
        if self.savings is None:
            return Decimal(0)
        return self.savings.amounts.get("electricity_kwh", (Decimal(0),) * 3)[1]


@dataclass
class Projection:
    """A selection projected: the savings combined on what remains and the evaluation of the projected data."""

    ids: tuple[str, ...]  # in the plan's order
    combined: Combined
    evaluation: EvaluationResult


@dataclass
class PlanOptions:
    """The options of one plan, ready to be projected in any selection (memoised: the same selection is projected
    once)."""

    kb: KnowledgeBase
    si: SelfInspection
    year: int
    benchmark_set: str
    options: list[PlanOption]  # in the plan's order
    pools: Pools
    _memo: dict[tuple[str, ...], Projection] = field(default_factory=dict, repr=False)
    _combined: dict[tuple[str, ...], Combined] = field(default_factory=dict, repr=False)
    _now: dict[tuple[()], EvaluationResult] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, kb: KnowledgeBase, si: SelfInspection, plan: dict[str, Any]) -> PlanOptions:
        """The options of ``plan`` (made from ``si`` with ``kb``), their savings estimated as the plan did."""
        year = int(plan["year"])
        yd = si.year(year)
        pools = Pools.of(kb, si, yd)
        options = []
        for row in plan["recommendations"]:
            option = kb.options[row["option_id"]]
            steps = list(row["steps"])
            options.append(PlanOption(option, steps, estimate(kb, si, yd, option, steps, pools), row))
        bset = plan["evaluation"]["benchmark_set"]["id"]
        return cls(kb, si, year, bset, options, pools)

    @classmethod
    def of_rows(
        cls, kb: KnowledgeBase, si: SelfInspection, year: int, benchmark_set: str, rows: list[dict[str, Any]]
    ) -> PlanOptions:
        """Options given as plan entries (``option_id``, ``steps``, ``investment``, ``money`` ...), in this order."""
        return cls.of(
            kb, si, {"year": year, "recommendations": rows, "evaluation": {"benchmark_set": {"id": benchmark_set}}}
        )

    @property
    def ids(self) -> list[str]:
        return [o.id for o in self.options]

    def by_id(self, oid: str) -> PlanOption:
        return next(o for o in self.options if o.id == oid)

    def ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        wanted = set(ids)
        return tuple(o.id for o in self.options if o.id in wanted)

    def project(self, ids: Iterable[str]) -> Projection:
        """The selection projected with the plan's projection (combine on what remains, project, evaluate)."""
        key = self.ordered(ids)
        found = self._memo.get(key)
        if found is not None:
            return found
        chosen = [o for o in self.options if o.id in set(key)]
        combined = self.combined(key)
        projected = project(self.kb, self.si, self.year, combined, [(o.option, o.steps) for o in chosen])
        evaluation = evaluate(
            self.kb, projected, benchmark_set=self.benchmark_set, year=self.year, projection=True, base=self.now()
        )
        result = Projection(key, combined, evaluation)
        self._memo[key] = result
        return result

    def combined(self, ids: Iterable[str]) -> Combined:
        """The selection's savings combined on what remains, in the plan's order (no evaluation)."""
        key = self.ordered(ids)
        found = self._combined.get(key)
        if found is None:
            found = self._combined[key] = combine(self.pools, [o.savings for o in self.options if o.id in set(key)])
        return found

    def now(self) -> EvaluationResult:
        """The evaluation of the self-inspection as it is (the plan's own ``evaluation``)."""
        found = self._now.get(())
        if found is None:
            found = self._now[()] = evaluate(self.kb, self.si, benchmark_set=self.benchmark_set, year=self.year)
        return found

    @property
    def evaluations(self) -> int:
        """How many distinct selections were projected and evaluated."""
        return len(self._memo)

    # --- the figures of a selection ---------------------------------------------------------------------------
    def grid(self) -> tuple[float | None, str]:
        factor, note = grid_factor(self.kb, "grid_emission_factor", self.si.enterprise.grid_region, self.year)
        return (float(factor.value) if factor is not None else None), note

    def co2_t(self, ids: Iterable[str]) -> float | None:
        """Central CO2 avoided per year (t) through the electricity the selection saves, combined."""
        factor, _ = self.grid()
        kwh = self.combined(ids).totals.get("electricity_kwh")
        if factor is None or kwh is None:
            return None
        return float(kwh[1]) * factor / 1000

    def money(self, ids: Iterable[str]) -> list[float] | None:
        """(low, central, high) net money saved per year (CNY/a), as the plan's totals count it: each option's
        valuation times the share of its own saving it keeps in the selection; None when nothing is priced."""
        money = self.money_row(ids)
        return [float(money[k]) for k in ("low", "central", "high")] if money else None

    def money_row(self, ids: Iterable[str]) -> dict[str, Any] | None:
        """The selection's money as the plan's ``totals.money`` gives it (rounded, with what is not priced)."""
        key = self.ordered(ids)
        chosen = [self.by_id(i) for i in key]
        return combined_money(
            [
                (opt.row.get("money"), opt.savings.amounts if opt.savings else None, in_plan)
                for opt, in_plan in zip(chosen, self.combined(key).in_plan, strict=True)
            ]
        )

    def investment(self, ids: Iterable[str]) -> dict[str, Any]:
        """The investment of the selection: the sum over the options whose investment is known, and the others."""
        chosen = [self.by_id(i) for i in self.ordered(ids)]
        known = [o.row["investment"] for o in chosen if o.investment is not None]
        return {
            "unit": "CNY",
            "low": round(sum(i["low"] for i in known)),
            "central": round(sum(i["central"] for i in known)),
            "high": round(sum(i["high"] for i in known)),
            "options_priced": len(known),
            "options_without_investment": [o.id for o in chosen if o.investment is None],
        }

    def savings(self, ids: Iterable[str]) -> dict[str, Any]:
        """The selection's savings combined on what remains (as the plan's ``totals``), CO2 and money."""
        key = self.ordered(ids)
        combined = self.combined(key)
        out: dict[str, Any] = {}
        for resource, (lo, ce, hi) in sorted(combined.totals.items()):
            base = combined.bases.get(resource)
            out[resource] = {  # low and high as the smallest and largest case, as the plan's totals
                "low": sig(min(lo, ce, hi)),
                "central": sig(ce),
                "high": sig(max(lo, ce, hi)),
                "unit": UNITS[resource],
                "base": sig(base) if base is not None else None,
                "share_of_base": sig(ce / base * 100, 2) if base else None,
            }
        factor, _ = self.grid()
        kwh = combined.totals.get("electricity_kwh")
        if factor is not None and kwh is not None:
            values = [float(v) * factor / 1000 for v in kwh]
            out["co2_t"] = {"low": sig(min(values)), "central": sig(values[1]), "high": sig(max(values)), "unit": "t"}
        money = self.money_row(key)
        if money is not None:
            out["money"] = money
        return out

    def payback_years(self, ids: Iterable[str]) -> float | None:
        """Simple payback of the selection (a): known investment / money saved per year; None when the money saved
        is not positive or nothing of the selection is priced."""
        key = self.ordered(ids)
        if not key:
            return None
        money = self.money(key)
        inv = self.investment(key)
        if money is None or money[1] <= 0 or inv["options_priced"] == 0:
            return None
        return float(inv["central"]) / money[1]
