"""The self-inspection as it would read after the options are implemented, for the projected evaluation.

Quantities fall by the plan's combined savings (engine/plan/combine.py: options on the same pool take their share
of what remains, so nothing falls below zero or below what the options can physically remove). Pollutants move as
masses: the raw wastewater's copper and COD loads fall by the masses the options remove, and the concentration is
the remaining load over the remaining volume (less rinse water at the same drag-out means a higher concentration,
not less copper). Waste streams fall by the tonnage saved from them; copper recovered is added to the year's
recovered copper. Answers and waste destinations change as each option's ``effects`` say, on its steps.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from engine.intake.model import SelfInspection, StepFacts, YearData, validate_answers
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.combine import Combined

__all__ = ["project"]


def _scale(node: dict[str, Any] | None, ratio: Decimal, floor: bool = False) -> None:
    """Scale a quantity node; ``floor`` rounds down at 1e-9 so that a mass kept constant (less volume, higher
    concentration) never comes out above the original through decimal rounding."""
    if node is None or node.get("value") in (None, "unknown"):
        return
    value = max(Decimal(str(node["value"])) * ratio, Decimal(0))
    if floor and value < Decimal("1e15"):  # quantize would overflow the context's precision beyond that
        value = value.quantize(Decimal("1e-9"), rounding=ROUND_FLOOR)
    node["value"] = str(value)


def _left(base: Decimal | None, saved: Decimal | None) -> Decimal:
    """Share of ``base`` left after ``saved`` (1 when nothing is known; never below zero)."""
    if not base or saved is None:
        return Decimal(1)
    return max(Decimal(0), 1 - saved / base)


def _effects(
    kb: KnowledgeBase,
    si: SelfInspection,
    y: dict[str, Any],
    options: list[tuple[Option, list[str]]],
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Apply the options' waste destinations to the year ``y`` (in place); return the enterprise answers and, by
    position in ``process``, the step answers they set."""
    answers: dict[str, Any] = {}
    step_answers: dict[int, dict[str, Any]] = {}
    for option, steps in options:
        for stream, dest in option.effects.waste_destination.items():
            for waste in y["wastes"]:
                if waste["stream"] == stream:
                    waste["destination"] = dest
        for qid, value in option.effects.answers.items():
            answers[qid] = value
        if not option.effects.step_answers:
            continue
        targets = set(steps) or {
            s
            for s in (f.step for f in si.process if f.run)
            if s in option.steps or (s in kb.steps and kb.steps[s].family in option.families)
        }
        for i, facts in enumerate(si.process):
            if facts.step not in targets or not facts.run:
                continue
            family = kb.steps[facts.step].family
            for qid, value in option.effects.step_answers.items():
                question = kb.questions.get(qid)
                if question is not None and family in question.families:
                    step_answers.setdefault(i, {})[qid] = value
    return answers, step_answers


def _with_effects(
    si: SelfInspection, yi: int, year: YearData, answers: dict[str, Any], step_answers: dict[int, dict[str, Any]]
) -> SelfInspection:
    """``si`` with the projected year and the answers set, each validated as in a self-inspection; the rest (earlier
    years, the steps whose answers did not change, the enterprise) is the same (frozen) models."""
    years = list(si.years)
    years[yi] = year
    update: dict[str, Any] = {"years": years}
    if answers:
        update["answers"] = {**si.answers, **validate_answers(answers)}
    if step_answers:
        process = list(si.process)
        for i, changed in step_answers.items():
            data = process[i].model_dump()
            data["answers"] = {**data["answers"], **changed}
            process[i] = StepFacts.model_validate(data)
        update["process"] = process
    return si.model_copy(update=update)


def project(
    kb: KnowledgeBase, si: SelfInspection, year: int, combined: Combined, options: list[tuple[Option, list[str]]]
) -> SelfInspection:
    yi = [y.year for y in si.years].index(year)
    cur = si.years[yi]
    y = cur.model_dump()  # Python values (Decimal, enums) validate again faster than their JSON forms
    saved = {r: t[1] for r, t in combined.totals.items()}
    water = _left(cur.resources.fresh_water.canonical(), saved.get("fresh_water_m3"))
    volume = cur.wastewater.generated.canonical()
    wastewater = _left(volume, saved.get("wastewater_m3"))
    electricity = _left(cur.resources.electricity.canonical(), saved.get("electricity_kwh"))
    _scale(y["resources"]["fresh_water"], water)
    for part in y["resources"].get("fresh_water_by_workshop", []):
        _scale(part, water)
    _scale(y["resources"]["electricity"], electricity)
    ccl = cur.resources.ccl_input.canonical() if cur.resources.ccl_input is not None else None
    ccl_left = _left(ccl, saved.get("ccl_m2"))
    _scale(y["resources"].get("ccl_input"), ccl_left)
    for product in y["products"]:
        _scale(product.get("ccl_input"), ccl_left)
    for part in y["resources"].get("electricity_by_workshop", []):
        _scale(part, electricity)
    _scale(y["wastewater"]["generated"], wastewater)
    discharged = cur.wastewater.discharged.canonical() if cur.wastewater.discharged is not None else None
    # less generated means less discharged; treated effluent reused instead of discharged comes on top
    left_discharged = wastewater * _left(discharged, saved.get("wastewater_discharged_m3"))
    _scale(y["wastewater"].get("discharged"), left_discharged)
    for product in y["products"]:
        _scale(product.get("fresh_water"), water)
        _scale(product.get("electricity"), electricity)
        _scale(product.get("wastewater"), wastewater)
    raw = [o for o in cur.wastewater.outlets if o.position == "before_treatment"]
    for resource, pollutant in (("copper_in_wastewater_kg", "cu"), ("cod_in_wastewater_kg", "cod")):
        if len(raw) != 1 or getattr(raw[0].concentrations, pollutant) is None or not volume:
            continue
        conc = getattr(raw[0].concentrations, pollutant).canonical()
        if conc is None:
            continue
        load_left = _left(conc * volume / 1000, saved.get(resource))
        idx = cur.wastewater.outlets.index(raw[0])
        # concentration = load / volume: the load falls by load_left, the volume by `wastewater`
        ratio = load_left / wastewater if wastewater else load_left
        _scale(y["wastewater"]["outlets"][idx]["concentrations"][pollutant], ratio, floor=True)
    for pool, tonnes in combined.stream_saved.items():
        streams = pool.removeprefix("stream:").split("+")
        wastes = [w for w in y["wastes"] if w["stream"] in streams and w["quantity"]["value"] != "unknown"]
        total = sum((Decimal(str(w["quantity"]["value"])) for w in wastes), Decimal(0))
        for waste in wastes:
            _scale(waste["quantity"], _left(total, tonnes))
    # copper recovered on site is added to the year's recovered copper, except copper of a stream that already goes
    # to a recycler or to recovery (the year's figure, or its recycler receipts, already count it)
    recovering = {d.id for d in kb.destinations.values() if d.kind in ("offsite_recycling", "onsite_recovery")}
    new_kg = Decimal(0)
    for pool, kg in combined.copper_by_pool.items():
        streams = pool.removeprefix("copper:stream:").split("+") if pool.startswith("copper:stream:") else []
        if not any(w.stream in streams and w.destination in recovering for w in cur.wastes):
            new_kg += kg
    if new_kg and y.get("copper_recovered") and y["copper_recovered"]["value"] != "unknown":
        unit = y["copper_recovered"]["unit"]
        add = new_kg / (1000 if unit == "t" else 1)
        y["copper_recovered"]["value"] = str(Decimal(str(y["copper_recovered"]["value"])) + add)
    answers, step_answers = _effects(kb, si, y, options)
    return _with_effects(si, yi, YearData.model_validate(y), answers, step_answers)
