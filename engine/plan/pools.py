"""The pools of a plant's own quantities that options act on, each with its size and where it was read.

A plant reports totals (fresh water, wastewater, electricity, chemicals by category, each waste stream's
tonnage, raw-wastewater concentrations). Options act on parts of them: the rinse water of one line, the
once-through cooling water of one step, the tonnage of one stream. A pool is such a part; its size is the
ceiling of what any option, or any combination of options, can save from it.

Allocations are stated, never hidden: a line's rinse water is its metered water (``q_line_water_m3``) when the
enterprise gives it, else an equal share of the rinse water of the unmetered wet lines, the rinse water being the
wastewater generated times the rinse share (a sourced plant figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.intake.model import SelfInspection, YearData
from engine.kb.base import Range
from engine.kb.loader import KnowledgeBase

__all__ = ["PLANT", "Pools", "d", "range_of"]

PLANT = "plant"
RINSE_SHARE = "rinse_share_of_wastewater"
BAKE_LOSS = "final_bake_weight_loss"  # % of the solder mask lost in the final bake without a UV bump cure


def d(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def range_of(rng: Range) -> tuple[Decimal, Decimal, Decimal]:
    return d(rng.low), d(rng.central), d(rng.high)


def _answer_number(answers: dict[str, Any], qid: str) -> Decimal | None:
    value = answers.get(qid)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return d(value)


@dataclass
class Pools:
    """The plant's quantities for one reporting year, split into the pools options act on."""

    kb: KnowledgeBase
    si: SelfInspection
    year: YearData
    yi: int
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # step -> its answers
    wet: list[str] = field(default_factory=list)  # wet lines run (steps whose family has rinse questions)
    # a line's rinse water, worked out once (the pools are read-only once made; every option reads the same lines)
    _rinse: dict[str, tuple[tuple[Decimal, Decimal, Decimal] | None, str, list[str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, kb: KnowledgeBase, si: SelfInspection, year: YearData) -> Pools:
        rinse_q = kb.questions.get("q_rinse_stages")
        families = set(rinse_q.families) if rinse_q else set()
        wet = sorted(f.step for f in si.process if f.run and f.step in kb.steps and kb.steps[f.step].family in families)
        answers = {f.step: dict(f.answers) for f in si.process if f.run}
        return cls(kb, si, year, si.index_of(year), answers, wet)

    # --- plant totals ---------------------------------------------------------------------------------------
    @property
    def fresh_water(self) -> Decimal | None:
        return self.year.resources.fresh_water.canonical()

    @property
    def wastewater(self) -> Decimal | None:
        return self.year.wastewater.generated.canonical()

    @property
    def discharged(self) -> Decimal | None:
        """Wastewater discharged (the treated effluent), else the wastewater generated."""
        node = self.year.wastewater.discharged
        value = node.canonical() if node is not None else None
        return value if value is not None else self.wastewater

    @property
    def electricity(self) -> Decimal | None:
        return self.year.resources.electricity.canonical()

    @property
    def output_m2(self) -> Decimal | None:
        outputs = [p.output.canonical() for p in self.year.products]
        return None if None in outputs else sum((o for o in outputs if o is not None), Decimal(0))

    def total(self, resource: str) -> Decimal | None:
        """The plant's base of a resource (what the plan's totals may never exceed), or None if unknown."""
        if resource == "fresh_water_m3":
            return self.fresh_water
        if resource == "wastewater_m3":
            return self.wastewater
        if resource == "electricity_kwh":
            return self.electricity
        if resource == "copper_in_wastewater_kg":
            return self.raw_load("cu")
        if resource == "cod_in_wastewater_kg":
            return self.raw_load("cod")
        if resource == "cyanide_in_wastewater_kg":
            return self.raw_load("cn")
        if resource == "ccl_m2":
            node = self.year.resources.ccl_input
            return node.canonical() if node is not None else None
        if resource == "wastewater_discharged_m3":
            return self.discharged
        if resource == "copper_discharged_kg":
            found = self.discharged_load("cu")
            return found[0] if found else None
        if resource == "hazardous_waste_t":
            qs = [w.quantity.canonical() for w in self.year.wastes if w.category == "hazardous"]
            return None if not qs or None in qs else sum((q for q in qs if q is not None), Decimal(0))
        if resource == "voc_emitted_kg":
            return self.voc_generated()
        if resource == "chemicals_t":
            qs = [c.quantity.canonical() for c in self.year.resources.chemicals]
            return None if not qs or None in qs else sum((q for q in qs if q is not None), Decimal(0))
        return None  # copper recovered is a product, not a consumption: no base

    def raw_load(self, pollutant: str) -> Decimal | None:
        """kg/a of a pollutant in the raw wastewater: the before-treatment concentration x the volume generated."""
        outlets = [o for o in self.year.wastewater.outlets if o.position == "before_treatment"]
        conc = getattr(outlets[0].concentrations, pollutant) if len(outlets) == 1 else None
        c = conc.canonical() if conc is not None else None
        v = self.wastewater
        return c * v / 1000 if c is not None and v is not None else None  # mg/L x m3 = g; /1000 = kg

    def discharged_load(self, pollutant: str) -> tuple[Decimal, Decimal, Decimal] | None:
        """(kg/a, mg/L, m³/a) of a pollutant at the main discharge outlet (the highest sample if several)."""
        outlets = [o for o in self.year.wastewater.outlets if o.position == "discharge"]
        values = [getattr(o.concentrations, pollutant) for o in outlets]
        concs = [c.canonical() for c in values if c is not None and c.canonical() is not None]
        discharged = self.year.wastewater.discharged
        volume = (discharged.canonical() if discharged is not None else None) or self.wastewater
        if not concs or volume is None:
            return None
        conc = max(c for c in concs if c is not None)
        return conc * volume / 1000, conc, volume

    # --- rinse water of one line ----------------------------------------------------------------------------
    def rinse_share(self) -> tuple[tuple[Decimal, Decimal, Decimal], dict[str, Any]] | None:
        fig = self.kb.plant_figures.get(RINSE_SHARE)
        if fig is None:
            return None
        return range_of(fig.value), _param_row(fig.id, fig.value)

    def line_water(self, step: str) -> Decimal | None:
        """The line's own metered water, when the enterprise answers it."""
        return _answer_number(self.answers.get(step, {}), "q_line_water_m3")

    def rinse(self, step: str) -> tuple[tuple[Decimal, Decimal, Decimal] | None, str, list[str]]:
        """(low, central, high) m³/a of rinse water of a line; how it was taken; the inputs missing."""
        found = self._rinse.get(step)
        if found is None:
            found = self._rinse[step] = self._line_rinse(step)
        triple, how, missing = found
        return triple, how, list(missing)

    def _line_rinse(self, step: str) -> tuple[tuple[Decimal, Decimal, Decimal] | None, str, list[str]]:
        metered = self.line_water(step)
        if metered is not None:
            return (metered, metered, metered), f"{step}: metered line water (q_line_water_m3)", []
        share = self.rinse_share()
        ww = self.wastewater
        if share is None or ww is None:
            return None, "", [f"years[{self.yi}].wastewater.generated", f"process[step={step}].answers.q_line_water_m3"]
        unmetered = [s for s in self.wet if self.line_water(s) is None] or [step]
        metered_total = sum((self.line_water(s) or Decimal(0) for s in self.wet), Decimal(0))
        (lo, ce, hi), _ = share
        triple = tuple(max(ww * x / 100 - metered_total, Decimal(0)) / len(unmetered) for x in (lo, ce, hi))
        how = (
            f"{step}: wastewater generated x rinse share, shared equally by the {len(unmetered)} unmetered wet "
            "lines run (no line meter reading; give q_line_water_m3 to replace the allocation)"
        )
        return (triple[0], triple[1], triple[2]), how, []

    def cooling(self, step: str) -> Decimal | None:
        answers = self.answers.get(step, {})
        if answers.get("q_cooling_water") != "once_through":
            return Decimal(0) if answers.get("q_cooling_water") in ("closed_loop", "no_cooling") else None
        return _answer_number(answers, "q_cooling_water_m3")

    # --- chemicals and streams ------------------------------------------------------------------------------
    def chemicals(self, categories: list[str]) -> Decimal | None:
        qs = [c.quantity.canonical() for c in self.year.resources.chemicals if c.category in categories]
        if not qs or None in qs:
            return None
        return sum((q for q in qs if q is not None), Decimal(0))

    def voc_in_materials(self) -> Decimal | None:
        """kg/a of VOCs the plant's materials carry (quantity x the VOCs content of their safety data sheets): the
        most that can be emitted. None when no material states its VOCs content."""
        rows = [c for c in self.year.resources.chemicals if c.voc_content is not None]
        vocs = [(c.quantity.canonical(), c.voc_content.canonical()) for c in rows if c.voc_content is not None]
        if not vocs or any(q is None or v is None for q, v in vocs):
            return None
        return sum((q * v / 100 * 1000 for q, v in vocs if q is not None and v is not None), Decimal(0))  # t -> kg

    def ink_solids(self) -> Decimal | None:
        """kg/a of ink solids (the inks' quantity less their VOCs content): an upper bound of the mask cured, as every
        ink reported is counted (circuit inks too). None when an ink states no VOCs content."""
        inks = [c for c in self.year.resources.chemicals if c.category == "ink"]
        rows = [(c.quantity.canonical(), c.voc_content.canonical() if c.voc_content else None) for c in inks]
        if not rows or any(q is None or v is None for q, v in rows):
            return None
        return sum((q * (100 - v) / 100 * 1000 for q, v in rows if q is not None and v is not None), Decimal(0))

    def voc_generated(self) -> Decimal | None:
        """kg/a of VOCs generated: what the materials carry by their safety data sheets, plus the share of the ink
        solids lost in the final bake (knowledge_base/plan/plant_figures.yaml), where the inks state their content."""
        carried = self.voc_in_materials()
        solids = self.ink_solids()
        fig = self.kb.plant_figures.get(BAKE_LOSS)
        if carried is None:
            return None
        if solids is None or fig is None:
            return carried
        return carried + solids * d(fig.value.central) / 100

    def stream(self, streams: list[str]) -> Decimal | None:
        qs = [w.quantity.canonical() for w in self.year.wastes if w.stream in streams]
        if not qs or None in qs:
            return None
        return sum((q for q in qs if q is not None), Decimal(0))

    def stream_copper(self, streams: list[str]) -> Decimal | None:
        """t of copper the enterprise reports for the streams (every waste of them must give copper_t)."""
        wastes = [w for w in self.year.wastes if w.stream in streams]
        cu = [w.copper_t.canonical() if w.copper_t is not None else None for w in wastes]
        if not wastes or None in cu:
            return None
        return sum((c for c in cu if c is not None), Decimal(0))


def _param_row(name: str, rng: Range) -> dict[str, Any]:
    return {
        "name": name,
        "low": rng.low,
        "central": rng.central,
        "high": rng.high,
        "unit": rng.unit,
        "source": rng.source,
        "grade": rng.grade.value,
        "claim": rng.claim,
        "assumption": rng.assumption,
        "note": rng.note,
    }


param_row = _param_row
