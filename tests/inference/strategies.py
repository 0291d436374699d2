"""Hypothesis strategies that generate valid, varied self-inspections for the real knowledge base: a bundled
example as the skeleton, every answer redrawn from its allowed values (or "unknown"), quantities rescaled, each
reported waste kept or dropped and sent to one of its allowed destinations."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
# hazardous streams the quantity rules read (knowledge_base/rules/quantities.yaml)
QUANTITY_STREAMS = (
    "spent_acid_etchant",
    "spent_alkaline_etchant",
    "spent_micro_etch",
    "spent_tin_stripper",
    "wwt_sludge",
    "spent_developer",
    "spent_stripper",
    "spent_activated_carbon",
)


def _answer(q: Question) -> st.SearchStrategy[Any]:
    unknown = st.just("unknown")
    if q.answer == "boolean":
        return st.one_of(st.booleans(), unknown)
    if q.answer == "choice":
        return st.one_of(st.sampled_from([c.value for c in q.choices]), unknown)
    if q.answer == "multi_choice":
        return st.lists(st.sampled_from([c.value for c in q.choices]), unique=True)
    lo = int(q.minimum) if q.minimum is not None else 0
    hi = int(q.maximum) if q.maximum is not None else 100
    return st.one_of(st.integers(min_value=lo, max_value=hi), unknown)


def _scale(node: Any, factor: Decimal) -> None:
    """Multiply every known quantity under ``node`` (dicts with value and unit) by ``factor``."""
    if isinstance(node, list):
        for item in node:
            _scale(item, factor)
        return
    if not isinstance(node, dict):
        return
    if "value" in node and "unit" in node and "concentrations" not in node:
        if node["value"] != "unknown" and node["unit"] not in ("mg/L", "g/L"):
            node["value"] = float(Decimal(str(node["value"])) * factor)
        return
    for key, value in node.items():
        if key != "concentrations":
            _scale(value, factor)


@st.composite
def self_inspections(draw: st.DrawFn, kb: KnowledgeBase) -> dict[str, Any]:
    base = json.loads(draw(st.sampled_from(EXAMPLES)).read_text(encoding="utf-8"))
    data = copy.deepcopy(base)
    for qid, q in sorted(kb.questions.items()):
        if q.scope == "enterprise":
            data["answers"][qid] = draw(_answer(q))
    for facts in data["process"]:
        if not facts.get("run", True):
            continue
        family = kb.steps[facts["step"]].family
        facts["answers"] = {
            qid: draw(_answer(q))
            for qid, q in sorted(kb.questions.items())
            if q.scope == "step" and family in q.families
        }
    for year in data["years"]:
        # wastes: each reported or not, to an allowed destination (the quantity rules read both); the simplest
        # draw keeps the example's own waste and destination
        kept = []
        for waste in year.get("wastes", []):
            if not draw(st.booleans()):
                own = waste["destination"]
                others = [d for d in kb.streams[waste["stream"]].destinations if d != own]
                waste["destination"] = draw(st.sampled_from([own, *others]))
                kept.append(waste)
        # and, now and then, a hazardous stream the example does not report (developer, stripper, spent carbon ...)
        for stream in QUANTITY_STREAMS:
            if stream not in {w["stream"] for w in kept} and draw(st.integers(0, 3)) == 3:
                tonnes = draw(st.sampled_from([0, 2.5, 40, 300]))
                destination = draw(st.sampled_from(kb.streams[stream].destinations))
                kept.append(
                    {
                        "stream": stream,
                        "category": "hazardous",
                        "quantity": {"value": tonnes, "unit": "t"},
                        "destination": destination,
                    }
                )
        year["wastes"] = kept
        factor = Decimal(str(draw(st.sampled_from([0.3, 0.6, 1.0, 1.4, 2.5]))))
        # every resource and wastewater quantity of the year is rescaled together, so parts stay below totals
        for section in ("resources", "wastewater"):
            _scale(year[section], factor)
        for product in year["products"]:
            for key in ("electricity", "fresh_water", "wastewater", "ccl_input"):
                if product.get(key):
                    _scale(product[key], factor)
        for outlet in year["wastewater"].get("outlets", []):
            for conc in outlet["concentrations"].values():
                if isinstance(conc, dict) and conc["value"] != "unknown":
                    conc["value"] = draw(st.sampled_from([0.05, 0.5, 5, 40, 120, 600]))
    return data
