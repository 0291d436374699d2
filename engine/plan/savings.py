"""The figures a benefit model returns: amounts taken from pools of the plant, with the parameters read, the
assumptions stated and the inputs (and manual questions) still missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.kb.base import Range
from engine.plan.pools import param_row, range_of

__all__ = ["UNITS", "Part", "Savings", "Triple", "scale"]

UNITS = {
    "fresh_water_m3": "m3",
    "wastewater_m3": "m3",
    "electricity_kwh": "kWh",
    "copper_in_wastewater_kg": "kg",
    "cod_in_wastewater_kg": "kg",
    "hazardous_waste_t": "t",
    "chemicals_t": "t",
    "copper_recovered_kg": "kg",
    "waste_to_disposal_t": "t",
    "copper_discharged_kg": "kg",
    "wastewater_discharged_m3": "m3",
    "copper_to_recycler_kg": "kg",
    "ccl_m2": "m2",
    "cyanide_in_wastewater_kg": "kg",
    "voc_emitted_kg": "kg",
}

Triple = tuple[Decimal, Decimal, Decimal]


@dataclass(frozen=True)
class Part:
    """One amount taken from one pool: ``pool`` names it (``plant``, ``rinse:<step>``, ``stream:<id>`` ...) and
    ``size`` is what the pool holds in the low, central and high case (None for a plant-wide pool, whose ceiling
    is the plant total); ``mechanism`` groups options that claim the same saving (it counts once in a plan);
    ``follows`` names another resource of the same option whose amount in the plan this one equals (the fresh
    water that reused effluent replaces is what the reuse actually takes; copper recovered from a rinse is the
    copper actually taken out of it)."""

    resource: str
    pool: str
    amount: Triple
    size: Triple | None
    mechanism: str | None = None
    follows: str | None = None


@dataclass
class Savings:
    parts: list[Part] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # manual questions whose answers would quantify it
    claim: bool = False
    assumption: bool = False
    mechanism: str | None = None

    @property
    def amounts(self) -> dict[str, Triple]:
        out: dict[str, Triple] = {}
        for part in self.parts:
            lo, ce, hi = out.get(part.resource, (Decimal(0), Decimal(0), Decimal(0)))
            out[part.resource] = (lo + part.amount[0], ce + part.amount[1], hi + part.amount[2])
        return out

    def add(
        self,
        resource: str,
        pool: str,
        amount: Triple,
        size: Decimal | Triple | None = None,
        follows: str | None = None,
    ) -> None:
        """Add an amount from a pool, never more than the pool holds in that case (low, central, high)."""
        sizes: Triple | None = (size, size, size) if isinstance(size, Decimal) else size
        values = sorted(amount) if all(v <= 0 for v in amount) else list(amount)  # a consumption: low = most used
        if sizes is not None:
            values = [min(v, c) if v > 0 else v for v, c in zip(values, sizes, strict=True)]
        if all(v == 0 for v in values):
            return
        self.parts.append(Part(resource, pool, (values[0], values[1], values[2]), sizes, self.mechanism, follows))

    def param(self, name: str, rng: Range) -> Triple:
        if all(p["name"] != name for p in self.parameters):
            self.parameters.append(param_row(name, rng))
        self.claim = self.claim or rng.claim
        self.assumption = self.assumption or rng.assumption
        return range_of(rng)

    def need(self, path: str, question: str | None = None) -> None:
        if path not in self.missing:
            self.missing.append(path)
        if question and question not in self.questions:
            self.questions.append(question)


def scale(t: Triple, f: Triple, per: Decimal = Decimal(100)) -> Triple:
    return (t[0] * f[0] / per, t[1] * f[1] / per, t[2] * f[2] / per)
