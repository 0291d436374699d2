"""The self-inspection form, generated from the manual (engine/manual.py): its fields, the self-inspection JSON
built from a posted form on top of a draft, and the field at which each validation error (by its path) is shown.

Field names: ``e.*`` enterprise, ``y.year``, ``p.*`` the first product, ``r.*`` resources and ``w.*`` wastewater of
the latest reporting year, ``a.<question>`` site answers, ``s.<step>.run`` and ``s.<step>.<question>`` step answers.
Everything of the draft the form does not show (other years, wastes, outlets, ...) is kept as it is.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from engine.kb.loader import KnowledgeBase
from engine.manual import build_manual

__all__ = ["CORE", "Field", "FormModel", "apply_form", "error_field", "form_model", "value_of"]

# (name, label key, unit, path in the latest year or in the self-inspection, kind)
CORE: list[tuple[str, str, str, str]] = [
    ("e.id", "enterprise_id", "", "text"),
    ("e.name", "enterprise_name", "", "text"),
    ("e.district", "district", "", "text"),
    ("y.year", "year", "", "integer"),
    ("p.rigidity", "rigidity", "", "rigidity"),
    ("p.construction", "construction", "", "construction"),
    ("p.layers", "layers", "", "integer"),
    ("p.output", "output", "m2", "quantity"),
    ("r.fresh_water", "fresh_water", "m3", "quantity"),
    ("r.electricity", "electricity", "kWh", "quantity"),
    ("w.generated", "ww_generated", "m3", "quantity"),
    ("w.discharged", "ww_discharged", "m3", "quantity"),
]
CHOICES = {
    "rigidity": [("rigid", {"zh": "刚性板", "en": "rigid"}), ("flexible", {"zh": "挠性板", "en": "flexible"})],
    "construction": [
        ("single", {"zh": "单面板", "en": "single-sided"}),
        ("double", {"zh": "双面板", "en": "double-sided"}),
        ("multilayer", {"zh": "多层板", "en": "multilayer"}),
        ("hdi", {"zh": "HDI 板", "en": "HDI"}),
    ],
}


@dataclass
class Field:
    name: str
    label: dict[str, str]
    answer: str  # boolean | choice | number | integer
    unit: str = ""
    help: dict[str, str] | None = None
    choices: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


@dataclass
class StepGroup:
    step: str
    name: dict[str, str]
    fields: list[Field]


@dataclass
class SectionGroup:
    id: str
    title: dict[str, str]
    description: dict[str, str] | None
    fields: list[Field]
    steps: list[StepGroup]


@dataclass
class FormModel:
    sections: list[SectionGroup]
    step_order: list[str]


def _field(name: str, q: dict[str, Any]) -> Field:
    return Field(
        name=name,
        label=q["text"],
        answer=q["answer"],
        unit=q.get("unit", ""),
        help=q.get("help"),
        choices=[(c["value"], c["text"]) for c in q.get("choices", [])],
    )


def form_model(kb: KnowledgeBase) -> FormModel:
    manual = build_manual(kb)
    order = list(kb.steps)
    sections = []
    for s in manual["sections"]:
        site = [_field(f"a.{q['id']}", q) for q in s["questions"] if q["scope"] != "step"]
        per_step: dict[str, list[Field]] = {}
        for q in s["questions"]:
            if q["scope"] == "step":
                for step in q["steps"]:
                    per_step.setdefault(step, []).append(_field(f"s.{step}.{q['id']}", q))
        steps = [
            StepGroup(st, {"zh": kb.steps[st].name.zh, "en": kb.steps[st].name.en}, per_step[st])
            for st in order
            if st in per_step
        ]
        sections.append(SectionGroup(s["id"], s["title"], s.get("description"), site, steps))
    return FormModel(sections, order)


def _latest(data: dict[str, Any]) -> dict[str, Any]:
    years = data.setdefault("years", [])
    if not years:
        years.append({})
    latest: dict[str, Any] = years[-1]
    return latest


def _step(data: dict[str, Any], step: str, create: bool) -> dict[str, Any] | None:
    for entry in data.get("process", []):
        if isinstance(entry, dict) and entry.get("step") == step:
            return entry
    if not create:
        return None
    entry = {"step": step}
    data.setdefault("process", []).append(entry)
    return entry


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _shown(value.get("value"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_of(data: dict[str, Any], name: str) -> str:
    """The form value of a field, read from a (draft) self-inspection."""
    head, _, rest = name.partition(".")
    years = data.get("years") or [{}]
    latest = years[-1] if isinstance(years[-1], dict) else {}
    products = latest.get("products") or [{}]
    if head == "e":
        return _shown((data.get("enterprise") or {}).get(rest))
    if head == "y":
        return _shown(latest.get("year"))
    if head == "p":
        return _shown(products[0].get(rest) if isinstance(products[0], dict) else None)
    if head == "r":
        return _shown((latest.get("resources") or {}).get(rest))
    if head == "w":
        return _shown((latest.get("wastewater") or {}).get(rest))
    if head == "a":
        return _shown((data.get("answers") or {}).get(rest))
    if head == "s":
        step, _, qid = rest.partition(".")
        entry = _step(data, step, create=False)
        if entry is None:
            return ""
        if qid == "run":
            if entry.get("run", True):
                return "yes"
            return str(entry.get("absent_reason") or "not_used")
        return _shown((entry.get("answers") or {}).get(qid))
    return ""


def _number(text: str) -> Any:
    """A number if the text reads as one; else the text itself, for the validation to name."""
    cleaned = text.replace(",", "").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in cleaned else number


def _answer(f: Field | None, text: str) -> Any:
    if text == "unknown":
        return "unknown"
    if f is not None and f.answer == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if f is not None and f.answer in ("number", "integer"):
        return _number(text)
    return text


def apply_form(draft: dict[str, Any], form: dict[str, str], fields: dict[str, Field]) -> dict[str, Any]:
    """The self-inspection: the draft with the posted fields put in (an empty field removes its answer)."""
    data = copy.deepcopy(draft)
    data.setdefault("schema_version", "2")
    enterprise = data.setdefault("enterprise", {})
    latest = _latest(data)
    for name, unit, kind in ((n, u, k) for n, _, u, k in CORE):
        text = form.get(name, "").strip()
        head, _, rest = name.partition(".")
        if head == "e":
            if text:
                enterprise[rest] = text
            continue
        if head == "y":
            if text:
                latest["year"] = _number(text)
                data["reporting_years"] = [
                    y.get("year") for y in data["years"] if isinstance(y, dict) and y.get("year") is not None
                ]
            continue
        target = {
            "p": lambda: (latest.setdefault("products", [{}]) or [{}])[0],
            "r": lambda: latest.setdefault("resources", {}),
            "w": lambda: latest.setdefault("wastewater", {}),
        }[head]()
        if not latest.get("products"):
            latest["products"] = [target] if head == "p" else [{}]
        if not text:
            target.pop(rest, None)
        elif kind == "quantity":
            target[rest] = {"value": "unknown" if text == "unknown" else _number(text), "unit": unit}
        elif kind == "integer":
            target[rest] = _number(text)
        else:
            target[rest] = text
    answers = data.setdefault("answers", {})
    for name, f in fields.items():
        if not name.startswith("a."):
            continue
        text = form.get(name, "").strip()
        qid = name[2:]
        if text:
            answers[qid] = _answer(f, text)
        else:
            answers.pop(qid, None)
    steps = {n.split(".")[1] for n in form if n.startswith("s.") and n.endswith(".run")}
    for step in sorted(steps):
        run = form.get(f"s.{step}.run", "").strip()
        entry = _step(data, step, create=bool(run))
        if entry is None:
            continue
        if not run:
            data["process"] = [e for e in data["process"] if e is not entry]
            continue
        entry["run"] = run == "yes"
        if run == "yes":
            entry.pop("absent_reason", None)
        else:
            entry["absent_reason"] = run
        step_answers = entry.setdefault("answers", {})
        prefix = f"s.{step}."
        for name, f in fields.items():
            if name.startswith(prefix):
                text = form.get(name, "").strip()
                qid = name[len(prefix) :]
                if text and run == "yes":
                    step_answers[qid] = _answer(f, text)
                else:
                    step_answers.pop(qid, None)
    return data


_PROCESS = re.compile(r"^process\[(\d+)\](?:\.answers\.(\w+))?")
_YEAR = re.compile(r"^years\[(\d+)\]\.(products\[0\]|resources|wastewater)\.(\w+)")


def error_field(data: dict[str, Any], path: str) -> str | None:
    """The form field at which an error of this path is shown, or None (shown at the top with its path)."""
    if path.startswith("enterprise."):
        return "e." + path.split(".")[1]
    if path.startswith("answers."):
        return "a." + path.split(".")[1]
    m = _PROCESS.match(path)
    if m:
        process = data.get("process") or []
        index = int(m.group(1))
        if index < len(process) and isinstance(process[index], dict):
            step = process[index].get("step")
            return f"s.{step}.{m.group(2) or 'run'}"
        return None
    m = _YEAR.match(path)
    if m and int(m.group(1)) == len(data.get("years") or []) - 1:
        head = {"products[0]": "p", "resources": "r", "wastewater": "w"}[m.group(2)]
        return f"{head}.{m.group(3)}"
    if path.startswith(("reporting_years", "years")) and re.match(r"^years\[\d+\]\.year", path + ".year"):
        return "y.year"
    return None
