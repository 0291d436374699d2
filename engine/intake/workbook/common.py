"""Shared by the workbook writer and reader: the knowledge base's lists as enums, cell values, nested paths."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.intake.answers import choice_label
from engine.intake.wastes import CUSTOM_STREAM, UNKNOWN_DESTINATION
from engine.intake.workbook.layout import ENUMS, UNKNOWN_LABEL, YES_NO, Enum
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question

__all__ = [
    "MARKER",
    "answer_cell",
    "cell_number",
    "get_path",
    "kb_enums",
    "put_path",
    "safe_sheet_name",
    "split_lines",
    "yes_no",
]

MARKER = "smart-audit"  # B1 of the hidden _meta sheet
_INDEX = re.compile(r"^(?P<name>[^\[]+)\[(?P<i>\d+)\]$")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_SPLIT = re.compile(r"\s*(?:\n|;|；|、)\s*")


def kb_enums(kb: KnowledgeBase) -> dict[str, Enum]:
    """The static enums of the layout and the knowledge base's lists: streams, destinations, steps, options,
    treatment units, and each step's chemistries (``chemistry:<step>``)."""
    out = dict(ENUMS)
    waste_streams = [s for s in kb.streams.values() if s.kind != "resource"]
    out["stream"] = Enum(
        "stream",
        (
            *((s.id, s.name.zh, s.name.en) for s in waste_streams),
            (CUSTOM_STREAM, "自定义（知识库中无此类别）", "custom (no stream in the knowledge base)"),
        ),
    )
    out["destination"] = Enum(
        "destination",
        (
            *((d.id, d.name.zh, d.name.en) for d in kb.destinations.values()),
            (UNKNOWN_DESTINATION, UNKNOWN_LABEL["zh"], UNKNOWN_LABEL["en"]),
        ),
    )
    out["step"] = Enum("step", tuple((s.id, s.name.zh, s.name.en) for s in kb.steps.values()))
    out["option"] = Enum("option", tuple((o.id, o.name.zh, o.name.en) for o in kb.options.values()))
    out["treatment_unit"] = Enum(
        "treatment_unit", tuple((u.id, u.name.zh, u.name.en) for u in kb.treatment_units.values())
    )
    for step in kb.steps.values():
        if step.chemistries:
            out[f"chemistry:{step.id}"] = Enum(
                f"chemistry:{step.id}", tuple((c.id, c.name.zh, c.name.en) for c in step.chemistries)
            )
    return out


def yes_no(value: bool, lang: str) -> str:
    yes, no = YES_NO["zh" if lang == "zh" else "en"]
    return yes if value else no


def cell_number(value: Decimal | int | float) -> int | float | str:
    """A number as a cell holds it: an int when whole, a float when Excel keeps it exactly, else text."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if dec == dec.to_integral_value() and abs(dec) < 10**15:
        return int(dec)
    if len(dec.normalize().as_tuple().digits) <= 15:
        return float(dec)
    return f"{dec.normalize():f}"


def answer_cell(q: Question, value: Any, lang: str) -> Any:
    """An answer as the workbook shows it: yes/no, the choice's text, a number, text; "unknown" in the language."""
    if value == "unknown":
        return UNKNOWN_LABEL["zh" if lang == "zh" else "en"]
    if q.answer == "boolean" and isinstance(value, bool):
        return yes_no(value, lang)
    if q.answer == "choice" and isinstance(value, str):
        return choice_label(q, value, lang)
    if q.answer == "multi_choice" and isinstance(value, list):
        return "\n".join(choice_label(q, str(v), lang) for v in value)
    if q.answer in ("number", "integer") and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return cell_number(value)
    return value


def split_lines(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text.strip()) if p]


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET.sub("-", name).strip("'")[:31] or "sheet"
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def get_path(data: Any, path: str) -> Any:
    """``get_path({"a": {"b": [1, 2]}}, "a.b[1]") == 2``; None when any part is absent."""
    node = data
    for part in path.split("."):
        m = _INDEX.match(part)
        name, index = (m.group("name"), int(m.group("i"))) if m else (part, None)
        if not isinstance(node, dict) or node.get(name) is None:
            return None
        node = node[name]
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
    return node


def put_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at ``path`` (creating mappings; a list index appends in order)."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    last = parts[-1]
    m = _INDEX.match(last)
    if m:
        node.setdefault(m.group("name"), []).append(value)
    else:
        node[last] = value


def parse_decimal(raw: Any) -> Any:
    """A cell's number as a Decimal (floats through their shortest repr); other values unchanged."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        try:
            return Decimal(raw.strip().replace(",", ""))
        except InvalidOperation:
            return raw.strip()
    return raw
