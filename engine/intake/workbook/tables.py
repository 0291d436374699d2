"""The table sheets of the workbook (products, by-workshop metering, fuels, chemicals, wastes, outlets,
monitoring, exhaust sources, quotes): a record of the self-inspection per row, both ways."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from engine.intake.answers import NO_WORDS, YES_WORDS
from engine.intake.measures import is_unknown_word
from engine.intake.workbook.common import cell_number, parse_decimal, yes_no
from engine.intake.workbook.layout import UNKNOWN_LABEL, Column, Enum, Table
from engine.kb.loader import KnowledgeBase

__all__ = ["RowRecord", "monitoring_sample", "parse_cell", "record_cells", "table_records", "table_rows"]

_UNITS = 6  # treatment-unit columns of an exhaust source
_ND = frozenset({"nd", "未检出", "n.d.", "not detected"})
_RESULT = re.compile(r"^(?P<q><=|≤|<|＜|≦)?\s*(?P<v>[0-9.eE+-]+)$")


@dataclass
class RowRecord:
    """A record read from one row: its year (per-year tables), its fields, and the cell of each field path."""

    year: Any
    row: int
    record: dict[str, Any]
    cells: dict[str, str]  # field path within the record -> column letter


# ------------------------------------------------------------------------------------------------ writing


def _value(col: Column, value: Any, lang: str, enums: dict[str, Enum]) -> Any:
    if value is None or value == "":
        return None
    if value == "unknown":
        return UNKNOWN_LABEL[lang]
    if col.kind == "bool":
        return yes_no(bool(value), lang)
    if col.kind == "enum" and col.enum:
        return enums[col.enum].label(str(value), lang)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return cell_number(value)
    return value


def record_cells(col: Column, rec: dict[str, Any], lang: str, enums: dict[str, Enum]) -> list[Any]:
    """The cells of one column for a record (two for a quantity: value and unit)."""
    if col.kind == "quantity":
        if col.flat is not None:
            value, unit = rec.get(col.flat[0]), rec.get(col.flat[1])
        else:
            q = rec.get(col.key)
            value, unit = (q["value"], q["unit"]) if isinstance(q, dict) else (None, None)
        return [_value(col, value, lang, enums), unit]
    if col.kind == "percent":
        q = rec.get(col.key)
        return [_value(col, q["value"] if isinstance(q, dict) else None, lang, enums)]
    return [_value(col, rec.get(col.key), lang, enums)]


def _monitoring(year: dict[str, Any], lang: str) -> Iterator[dict[str, Any]]:
    for outlet, model in zip(year["wastewater"]["outlets"], year["_outlets"], strict=True):
        conc = outlet.get("concentrations") or {}
        for pollutant, value in conc.items():
            if value is None or (pollutant != "ph" and model.derived(pollutant)):
                continue
            if pollutant == "ph":
                yield {"outlet": outlet["name"], "pollutant": "ph", "record": "reported", "result": value}
            else:
                yield {
                    "outlet": outlet["name"],
                    "pollutant": pollutant,
                    "record": "reported",
                    "result": value["value"],
                    "unit": value["unit"],
                }
        for s in outlet.get("samples") or []:
            if s["below_detection"]:
                result: Any = "未检出" if lang == "zh" else "ND"
            elif s["qualifier"] == "=":
                result = s["value"]
            else:
                result = ("≤" if s["qualifier"] == "<=" else "<") + f"{s['value'].normalize():f}"
            yield {
                "outlet": outlet["name"],
                "pollutant": s["pollutant"],
                "record": "sample",
                "date": s.get("date"),
                "result": result,
                "detection_limit": s.get("detection_limit"),
                "unit": s["unit"],
                "flow": s.get("flow"),
                "note": s.get("note"),
            }


def _records(table: Table, data: dict[str, Any], kb: KnowledgeBase, lang: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    years = data.get("years") or []
    if table.id == "exhaust":
        for src in data.get("exhaust_sources") or []:
            rec = {"name": src["name"], "dust_recovered": src.get("dust_recovered"), "note": src.get("note")}
            names = [
                kb.steps[s].name.zh if lang == "zh" else kb.steps[s].name.en for s in src["steps"] if s in kb.steps
            ]
            rec["steps"] = "\n".join(names) if len(names) == len(src["steps"]) else "\n".join(src["steps"])
            for i, stage in enumerate(src["treatment"][:_UNITS], start=1):
                rec[f"unit_{i}"], rec[f"count_{i}"] = stage["unit"], stage["count"]
            yield None, rec
        return
    if table.id == "quotes":
        for quote in data.get("investment_quotes") or []:
            yield None, quote
        return
    for year in years:
        y = year["year"]
        if table.id == "products":
            yield from ((y, p) for p in year["products"])
        elif table.id == "parts":
            for total in ("fresh_water", "electricity"):
                for part in year["resources"].get(f"{total}_by_workshop") or []:
                    yield y, {**part, "total": total}
        elif table.id == "fuels":
            yield from ((y, f) for f in year["resources"].get("fuels") or [])
        elif table.id == "chemicals":
            yield from ((y, c) for c in year["resources"].get("chemicals") or [])
        elif table.id == "wastes":
            yield from ((y, w) for w in year.get("wastes") or [])
        elif table.id == "outlets":
            yield from ((y, o) for o in year["wastewater"].get("outlets") or [])
        elif table.id == "monitoring":
            yield from ((y, m) for m in _monitoring(year, lang))


def table_rows(
    table: Table, data: dict[str, Any], kb: KnowledgeBase, lang: str, enums: dict[str, Enum], si: Any = None
) -> list[list[Any]]:
    """The rows of ``table`` for the self-inspection ``data`` (a dump of ``si``; monitoring reads the model too:
    a concentration that stands for its samples is written as the samples only)."""
    if table.id == "monitoring":
        models = [y.wastewater.outlets for y in si.years] if si is not None else []
        data = {**data, "years": [{**y, "_outlets": m} for y, m in zip(data.get("years") or [], models, strict=True)]}
    out = []
    for year, rec in _records(table, data, kb, lang):
        cells: list[Any] = []
        for col in table.columns:
            if col.key == "year":
                cells.append(year)
            else:
                cells.extend(record_cells(col, rec, lang, enums))
        out.append(cells)
    return out


# ------------------------------------------------------------------------------------------------ reading


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def parse_cell(kind: str, raw: Any, enum: Enum | None = None) -> Any:
    """A cell's value as the self-inspection field takes it (left as written when it cannot be read, so that
    validation reports it at the cell)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if is_unknown_word(raw):
        return "unknown"
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10]
    if kind == "text":
        return _text(raw)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        return True if word in YES_WORDS else False if word in NO_WORDS else str(raw).strip()
    if kind == "enum":
        text = _text(raw) or ""
        return (enum.parse(text) if enum is not None else None) or text
    value = parse_decimal(raw)
    if kind == "int" and isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _result(raw: Any) -> dict[str, Any]:
    """A monitoring result cell: a number, '<x' / '≤x', or not detected."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return {"value": parse_decimal(raw)}
    text = str(raw).strip()
    if text.lower() in _ND:
        return {"below_detection": True}
    m = _RESULT.match(text.replace(" ", ""))
    if m:
        qualifier = "=" if not m.group("q") else ("<" if m.group("q") in ("<", "＜") else "<=")
        return {"value": parse_decimal(m.group("v")), "qualifier": qualifier}
    return {"value": text}


def _exhaust(rec: dict[str, Any], cells: dict[str, str], enums: dict[str, Enum]) -> dict[str, Any]:
    steps_text = rec.pop("steps", None) or ""
    steps = []
    for part in (p for p in re.split(r"\s*(?:\n|;|；)\s*", str(steps_text).strip()) if p):
        sid = enums["step"].parse(part)
        if sid is not None:
            steps.append(sid)
        else:  # one per line is the form written; ids or names may also be separated by commas or 、
            steps.extend(enums["step"].parse(p) or p for p in re.split(r"\s*[,，、]\s*", part) if p)
    out: dict[str, Any] = {k: v for k, v in rec.items() if not k.startswith(("unit_", "count_")) and v is not None}
    out["steps"] = steps
    treatment: list[dict[str, Any]] = []
    for i in range(1, _UNITS + 1):
        unit, count = rec.get(f"unit_{i}"), rec.get(f"count_{i}")
        if unit is None and count is None:
            continue
        stage: dict[str, Any] = {"unit": unit}
        if count is not None:
            stage["count"] = count
        k = len(treatment)
        cells[f"treatment[{k}].unit"] = cells.get(f"unit_{i}", "")
        cells[f"treatment[{k}].count"] = cells.get(f"count_{i}", "")
        cells[f"treatment[{k}]"] = cells.get(f"unit_{i}", "")
        treatment.append(stage)
    out["treatment"] = treatment
    return out


def _sample(rec: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    result = rec.pop("result", None)
    sample: dict[str, Any] = {k: v for k, v in rec.items() if v is not None and k not in ("outlet", "record")}
    if result is not None:
        parsed = _result(result)
        sample.update(parsed)
        for key in parsed:
            cells[key] = cells.get("result", "")
    return sample


def table_records(table: Table, rows: list[tuple[int, list[Any]]], enums: dict[str, Enum]) -> list[RowRecord]:
    """Records of the table's rows ``(row number, cells from column B)``; empty rows are skipped."""
    out = []
    for r, values in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rec: dict[str, Any] = {}
        cells: dict[str, str] = {}
        year: Any = None
        c = 0
        for col in table.columns:
            letter = _letter(c)
            raw = values[c] if c < len(values) else None
            if col.key == "year":
                year = parse_cell("int", raw)
                cells["year"] = letter
            elif col.kind == "quantity":
                unit_raw = values[c + 1] if c + 1 < len(values) else None
                value = parse_cell("decimal", raw)
                unit = _text(unit_raw)
                vkey, ukey = col.flat if col.flat else (f"{col.key}.value", f"{col.key}.unit")
                if value is not None:
                    if col.flat:
                        rec[vkey], rec[ukey] = value, unit
                    else:
                        rec[col.key] = {"value": value, "unit": unit}
                cells[vkey], cells[ukey] = letter, _letter(c + 1)
                cells[col.key] = letter
                c += 1
            elif col.kind == "percent":
                value = parse_cell("decimal", raw)
                if value is not None:
                    rec[col.key] = {"value": value, "unit": "%"}
                cells[col.key] = cells[f"{col.key}.value"] = letter
            else:
                kind = "text" if col.kind in ("steps", "result") else col.kind
                value = raw if col.kind == "result" else parse_cell(kind, raw, enums.get(col.enum or ""))
                if value is not None:
                    rec[col.key] = value
                cells[col.key] = letter
            c += 1
        if table.id == "exhaust":
            rec = _exhaust(rec, cells, enums)
        out.append(RowRecord(year, r, rec, cells))
    return out


def _letter(index: int) -> str:
    """Column letter of the index-th cell after column A (0 -> B)."""
    return get_column_letter(index + 2)


def monitoring_sample(rec: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    """A monitoring row of record type "sample" as a sample of the model."""
    return _sample(dict(rec), cells)
