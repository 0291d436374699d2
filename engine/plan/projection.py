"""The self-inspection as it would read after the options are implemented, for the projected evaluation.

Savings of several options on one quantity combine multiplicatively (each saves its share of what is left), so
that overlapping estimates never drive a quantity below zero; answers and waste destinations change as each
option's ``effects`` say, on the steps it is recommended for.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.benefits import Savings

__all__ = ["project"]


def _scale(node: dict[str, Any] | None, ratio: Decimal) -> None:
    if node is None or node.get("value") in (None, "unknown"):
        return
    node["value"] = str(Decimal(str(node["value"])) * ratio)


def _remaining(base: Decimal | None, savings: list[Decimal]) -> Decimal:
    """Share left of ``base`` after each saving takes its part of what remains (never below zero)."""
    if not base:
        return Decimal(1)
    left = Decimal(1)
    for saved in savings:
        left *= max(Decimal(0), 1 - saved / base)
    return left


def project(
    kb: KnowledgeBase, si: SelfInspection, year: int, options: list[tuple[Option, list[str], Savings | None]]
) -> SelfInspection:
    data = si.model_dump(mode="json")
    yi = [y["year"] for y in data["years"]].index(year)
    y = data["years"][yi]
    cur = si.years[yi]
    per: dict[str, list[Decimal]] = {}
    for _, _, savings in options:
        if savings is None:
            continue
        for resource, (_, central, _) in savings.amounts.items():
            per.setdefault(resource, []).append(central)
    water = _remaining(cur.resources.fresh_water.canonical(), per.get("fresh_water_m3", []))
    wastewater = _remaining(cur.wastewater.generated.canonical(), per.get("wastewater_m3", []))
    electricity = _remaining(cur.resources.electricity.canonical(), per.get("electricity_kwh", []))
    _scale(y["resources"]["fresh_water"], water)
    for part in y["resources"].get("fresh_water_by_workshop", []):
        _scale(part, water)
    _scale(y["resources"]["electricity"], electricity)
    for part in y["resources"].get("electricity_by_workshop", []):
        _scale(part, electricity)
    _scale(y["resources"].get("electricity_wastewater_plant"), electricity)
    _scale(y["wastewater"]["generated"], wastewater)
    _scale(y["wastewater"].get("discharged"), wastewater)
    for product in y["products"]:
        _scale(product.get("fresh_water"), water)
        _scale(product.get("electricity"), electricity)
        _scale(product.get("wastewater"), wastewater)
    for resource, pollutant in (("copper_in_wastewater_kg", "cu"), ("cod_in_wastewater_kg", "cod")):
        if resource not in per:
            continue
        raw = [o for o in cur.wastewater.outlets if o.position == "before_treatment"]
        if len(raw) == 1 and getattr(raw[0].concentrations, pollutant) is not None:
            conc = getattr(raw[0].concentrations, pollutant).canonical()
            volume = cur.wastewater.generated.canonical()
            if conc is not None and volume:
                ratio = _remaining(conc * volume / 1000, per[resource])
                idx = cur.wastewater.outlets.index(raw[0])
                # the load falls by `ratio`, the volume by `wastewater`: concentration = load / volume
                _scale(
                    y["wastewater"]["outlets"][idx]["concentrations"][pollutant],
                    ratio / wastewater if wastewater else ratio,
                )
    for option, steps, savings in options:
        model = option.benefit
        if model is not None and model.kind == "waste_fraction" and savings is not None and model.fraction:
            keep = 1 - Decimal(str(model.fraction.central)) / 100
            for waste in y["wastes"]:
                if waste["stream"] in model.streams:
                    _scale(waste["quantity"], keep)
        for stream, dest in option.effects.waste_destination.items():
            for waste in y["wastes"]:
                if waste["stream"] == stream:
                    waste["destination"] = dest
        for qid, value in option.effects.answers.items():
            data["answers"][qid] = value
        if option.effects.step_answers:
            targets = set(steps) or {
                s
                for s in (f.step for f in si.process if f.run)
                if s in option.steps or (s in kb.steps and kb.steps[s].family in option.families)
            }
            for facts in data["process"]:
                if facts["step"] not in targets or not facts.get("run", True):
                    continue
                family = kb.steps[facts["step"]].family
                for qid, value in option.effects.step_answers.items():
                    question = kb.questions.get(qid)
                    if question is not None and family in question.families:
                        facts.setdefault("answers", {})[qid] = value
    return SelfInspection.model_validate(data)
