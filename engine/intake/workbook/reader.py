"""Read the self-inspection workbook back (``smart-audit import FILE.xlsx``): the same validation as a JSON
submission, and every error at its sheet and cell (``年度数据!D5``) as well as its field path."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.intake.issues import InputIssue, SelfInspectionInvalid
from engine.intake.validate import ValidatedInspection, parse_self_inspection
from engine.intake.workbook.common import kb_enums, parse_decimal, put_path
from engine.intake.workbook.layout import DATA_ROW, FIELD_ROWS, TABLES, Enum, FieldRow
from engine.intake.workbook.tables import RowRecord, monitoring_sample, parse_cell, table_records
from engine.kb.loader import KnowledgeBase

__all__ = ["XLSX_MEDIA_TYPE", "import_workbook", "read_workbook"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PARENT = re.compile(r"(\.[^.\[]+|\[\d+\])$")


def _quote(title: str) -> str:
    return f"'{title}'" if re.search(r"[^\w]", title) else title


class _Reader:
    def __init__(self, kb: KnowledgeBase, content: bytes) -> None:
        self.kb = kb
        self.enums: dict[str, Enum] = kb_enums(kb)
        try:
            self.wb = load_workbook(io.BytesIO(content), data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SelfInspectionInvalid(
                [
                    InputIssue(
                        "(root)",
                        "workbook_invalid",
                        f"not an xlsx workbook: {exc}",
                        f"不是有效的 xlsx 工作簿：{exc}",
                    )
                ]
            ) from None
        self.sheets: dict[str, Worksheet] = {}
        for ws in self.wb.worksheets:
            marker = ws["A1"].value
            if isinstance(marker, str) and ":" in marker:
                self.sheets[marker.strip()] = ws
        self.cells: dict[str, str] = {}
        self.issues: list[InputIssue] = []
        self.data: dict[str, Any] = {"schema_version": "2", "enterprise": {}}

    def at(self, ws: Worksheet, col: str | int, row: int) -> str:
        letter = get_column_letter(col) if isinstance(col, int) else col
        return f"{_quote(ws.title)}!{letter}{row}"

    def issue(self, cell: str, path: str, rule: str, en: str, zh: str) -> None:
        self.issues.append(InputIssue(path, rule, en, zh, cell))

    def need(self, marker: str) -> Worksheet | None:
        ws = self.sheets.get(marker)
        if ws is None and marker.startswith("sheet:"):
            self.issue(
                "(workbook)",
                "(root)",
                "sheet_missing",
                f"the workbook has no sheet {marker[6:]!r} (marker {marker} in A1): use the template of "
                "smart-audit manual --format xlsx",
                f"工作簿缺少工作表 {marker[6:]!r}（A1 标记 {marker}）：请使用 smart-audit manual --format xlsx "
                "生成的模板",
            )
        return ws

    # -- key-value sheets ---------------------------------------------------------------------------------------
    def _field(self, row: FieldRow, value: Any, unit: Any) -> Any:
        if row.kind == "quantity":
            parsed = parse_cell("decimal", value)
            if parsed is None:
                return None
            unit_text = parse_cell("text", unit)
            return {"value": parsed, "unit": unit_text}
        if row.kind == "percent":
            parsed = parse_cell("decimal", value)
            return None if parsed is None else {"value": parsed, "unit": "%"}
        return parse_cell(row.kind, value, self.enums.get(row.enum or ""))

    def enterprise(self) -> None:
        ws = self.need("sheet:enterprise")
        rows = {r.key: r for r in FIELD_ROWS["enterprise"]}
        if ws is None:
            return
        for r in range(DATA_ROW, ws.max_row + 1):
            key = _key(ws, r)
            if key not in rows:
                continue
            self.cells[key] = self.at(ws, 3, r)
            value = self._field(rows[key], ws.cell(r, 3).value, ws.cell(r, 4).value)
            if value is not None:
                put_path(self.data, key, value)
        self.cells["enterprise"] = self.at(ws, 3, DATA_ROW)

    def years(self) -> None:
        ws = self.need("sheet:years")
        self.data["years"], self.data["reporting_years"] = [], []
        self.year_index: dict[Any, int] = {}
        if ws is None:
            return
        rows = {r.key: r for r in FIELD_ROWS["years"]}
        keyed = [(r, _key(ws, r)) for r in range(DATA_ROW, ws.max_row + 1)]
        keyed = [(r, k) for r, k in keyed if k in rows]
        year_row = next((r for r, k in keyed if k == "year"), DATA_ROW)
        self.cells["reporting_years"] = self.cells["(root)"] = self.cells["years"] = self.at(ws, 3, year_row)
        for vcol in range(3, ws.max_column + 1, 2):
            values = {k: (ws.cell(r, vcol).value, ws.cell(r, vcol + 1).value, r) for r, k in keyed}
            if all(parse_cell("text", v) is None for v, _, _ in values.values()):
                continue
            yi = len(self.data["years"])
            year: dict[str, Any] = {}
            for key, (value, unit, r) in values.items():
                row = rows[key]
                path = f"years[{yi}].{key}"
                self.cells[path] = self.cells[f"{path}.value"] = self.at(ws, vcol, r)
                self.cells[f"{path}.unit"] = self.at(ws, vcol + 1, r)
                parsed = self._field(row, value, unit)
                if parsed is not None:
                    put_path(year, key, parsed)
            year.setdefault("resources", {})
            year.setdefault("wastewater", {})
            year.setdefault("products", [])
            self.cells[f"years[{yi}]"] = self.at(ws, vcol, year_row)
            self.data["years"].append(year)
            self.data["reporting_years"].append(year.get("year"))
            self.year_index[year.get("year")] = yi

    def prices(self) -> None:
        ws = self.need("sheet:prices")
        if ws is None:
            return
        keys = {r.key for r in FIELD_ROWS["prices"]}
        prices: dict[str, Any] = {}
        for r in range(DATA_ROW, ws.max_row + 1):
            key = _key(ws, r)
            value, since = ws.cell(r, 3).value, ws.cell(r, 4).value
            if key not in keys or (value is None and since is None):
                continue
            self.cells[f"prices.{key}"] = self.cells[f"prices.{key}.value"] = self.at(ws, 3, r)
            self.cells[f"prices.{key}.valid_from"] = self.at(ws, 4, r)
            prices[key] = {"value": parse_decimal(value), "valid_from": _date(since)}
        if prices:
            self.data["prices"] = prices

    # -- answers ----------------------------------------------------------------------------------------------
    def _answers(self, ws: Worksheet, prefix: str) -> dict[str, tuple[Any, str]]:
        out = {}
        for r in range(DATA_ROW, ws.max_row + 1):
            qid, value = ws.cell(r, 1).value, ws.cell(r, 3).value
            if not isinstance(qid, str) or value is None or (isinstance(value, str) and not value.strip()):
                continue
            cell = self.at(ws, 3, r)
            self.cells[f"{prefix}.{qid}"] = cell
            out[qid] = (value.strip() if isinstance(value, str) else value, cell)
        return out

    def manual(self) -> None:
        answers: dict[str, Any] = {}
        for marker, ws in self.sheets.items():
            if marker.startswith("section:"):
                answers.update({q: v for q, (v, _) in self._answers(ws, "answers").items()})
        self.data["answers"] = answers

    def process(self) -> None:
        ws = self.need("sheet:process")
        process: list[dict[str, Any]] = []
        index: dict[str, int] = {}
        if ws is not None:
            for r in range(DATA_ROW, ws.max_row + 1):
                sid = ws.cell(r, 1).value
                run = parse_cell("bool", ws.cell(r, 3).value)
                if not isinstance(sid, str) or run is None:
                    continue
                pi = len(process)
                facts: dict[str, Any] = {"step": sid, "run": run}
                chem_enum = self.enums.get(f"chemistry:{sid}")
                extras = (
                    ("absent_reason", parse_cell("enum", ws.cell(r, 4).value, self.enums["absent_reason"]), 4),
                    ("chemistry", parse_cell("enum", ws.cell(r, 5).value, chem_enum), 5),
                    ("note", parse_cell("text", ws.cell(r, 6).value), 6),
                )
                for key, value, col in extras:
                    self.cells[f"process[{pi}].{key}"] = self.at(ws, col, r)
                    if value is not None:
                        facts[key] = value
                self.cells[f"process[{pi}]"] = self.cells[f"process[{pi}].step"] = self.at(ws, 2, r)
                self.cells[f"process[{pi}].run"] = self.at(ws, 3, r)
                index[sid] = pi
                process.append(facts)
        for marker, sheet in self.sheets.items():
            if not marker.startswith("step:"):
                continue
            sid = marker[5:]
            if sid not in index:
                found = self._answers(sheet, f"step:{sid}")
                if found:
                    cell = next(iter(found.values()))[1]
                    self.issue(
                        cell,
                        "process",
                        "answers_for_undeclared_step",
                        f"step {sid!r} has answers but the process sheet does not say whether it is run (yes/no)",
                        f"工序 {sid!r} 填有答案，但工序表未填写是否运行（是/否）",
                    )
                continue
            pi = index[sid]
            answers = self._answers(sheet, f"process[{pi}].answers")
            if answers:
                process[pi]["answers"] = {q: v for q, (v, _) in answers.items()}
                self.cells[f"process[{pi}].answers"] = next(iter(answers.values()))[1]
        self.data["process"] = process

    # -- tables ---------------------------------------------------------------------------------------------------
    def _rows(self, table_id: str) -> tuple[Worksheet | None, list[RowRecord]]:
        ws = self.need(f"sheet:{table_id}")
        if ws is None:
            return None, []
        width = ws.max_column
        rows = [(r, [ws.cell(r, c).value for c in range(2, width + 1)]) for r in range(DATA_ROW, ws.max_row + 1)]
        return ws, table_records(TABLES[table_id], rows, self.enums)

    def _year(self, ws: Worksheet, rec: RowRecord) -> int | None:
        if rec.year in self.year_index:
            return self.year_index[rec.year]
        cell = self.at(ws, rec.cells["year"], rec.row)
        years = list(self.year_index)
        self.issue(
            cell,
            "reporting_years",
            "year_not_reported",
            f"year {rec.year!r} is not a year of the yearly-data sheet ({years})",
            f"年份 {rec.year!r} 不是年度数据表中的报告年份（{years}）",
        )
        return None

    def _map(self, ws: Worksheet, rec: RowRecord, path: str) -> None:
        self.cells[path] = self.at(ws, "B", rec.row)
        for key, letter in rec.cells.items():
            if letter:
                self.cells[f"{path}.{key}"] = self.at(ws, letter, rec.row)

    def tables(self) -> None:
        years = self.data["years"]
        lists = {
            "products": ("products",),
            "fuels": ("resources", "fuels"),
            "chemicals": ("resources", "chemicals"),
            "wastes": ("wastes",),
            "outlets": ("wastewater", "outlets"),
        }
        for tid in ("products", "parts", "fuels", "chemicals", "wastes", "outlets"):
            ws, records = self._rows(tid)
            if ws is None:
                continue
            for j, _ in enumerate(years):
                self.cells.setdefault(
                    f"years[{j}].{'.'.join(lists.get(tid, ('resources',)))}", self.at(ws, "B", DATA_ROW)
                )
            for rec in records:
                yi = self._year(ws, rec)
                if yi is None:
                    continue
                if tid == "parts":
                    total = rec.record.pop("total", None)
                    if total not in ("fresh_water", "electricity"):
                        self.issue(
                            self.at(ws, rec.cells["total"], rec.row),
                            f"years[{yi}].resources",
                            "part_of_unknown_total",
                            "say which total the part belongs to: fresh water or electricity",
                            "请注明该部分属于哪一总量：新鲜水或电",
                        )
                        continue
                    where: tuple[str, ...] = ("resources", f"{total}_by_workshop")
                else:
                    where = lists[tid]
                node = years[yi]
                for part in where[:-1]:
                    node = node.setdefault(part, {})
                items = node.setdefault(where[-1], [])
                if tid == "outlets":
                    rec.record.setdefault("concentrations", {})
                self._map(ws, rec, f"years[{yi}].{'.'.join(where)}[{len(items)}]")
                items.append(rec.record)
        self.monitoring()
        for tid, key in (("exhaust", "exhaust_sources"), ("quotes", "investment_quotes")):
            ws, records = self._rows(tid)
            if ws is None:
                continue
            out: list[dict[str, Any]] = []
            for rec in records:
                self._map(ws, rec, f"{key}[{len(out)}]")
                out.append(rec.record)
            if out:
                self.data[key] = out

    def monitoring(self) -> None:
        ws, records = self._rows("monitoring")
        if ws is None:
            return
        for rec in records:
            yi = self._year(ws, rec)
            if yi is None:
                continue
            outlets = self.data["years"][yi].get("wastewater", {}).get("outlets", [])
            name = rec.record.get("outlet")
            oi = next((i for i, o in enumerate(outlets) if o.get("name") == name), None)
            if oi is None:
                self.issue(
                    self.at(ws, rec.cells["outlet"], rec.row),
                    f"years[{yi}].wastewater.outlets",
                    "outlet_not_listed",
                    f"outlet {name!r} is not on the outlets sheet for {rec.record.get('year', rec.year)}",
                    f"排放口 {name!r} 未在该年度的废水排放口表中列出",
                )
                continue
            outlet, base = outlets[oi], f"years[{yi}].wastewater.outlets[{oi}]"
            record = rec.record.get("record") or ("sample" if rec.record.get("date") else "reported")
            pollutant = rec.record.get("pollutant")
            if record == "reported":
                result = parse_decimal(rec.record.get("result"))
                path = f"{base}.concentrations.{pollutant}"
                self.cells[path] = self.cells[f"{path}.value"] = self.at(ws, rec.cells["result"], rec.row)
                self.cells[f"{path}.unit"] = self.at(ws, rec.cells["unit"], rec.row)
                conc = outlet.setdefault("concentrations", {})
                if pollutant == "ph":
                    conc["ph"] = result
                else:
                    conc[str(pollutant)] = {"value": result, "unit": rec.record.get("unit")}
                continue
            samples = outlet.setdefault("samples", [])
            cells = dict(rec.cells)
            sample = monitoring_sample(rec.record, cells)
            path = f"{base}.samples[{len(samples)}]"
            self.cells[path] = self.at(ws, "B", rec.row)
            for key, letter in cells.items():
                if letter:
                    self.cells[f"{path}.{key}"] = self.at(ws, letter, rec.row)
            samples.append(sample)

    def read(self) -> dict[str, Any]:
        self.enterprise()
        self.years()
        self.tables()
        self.manual()
        self.process()
        self.prices()
        return self.data

    def cell_of(self, path: str) -> str | None:
        probe = path
        while probe:
            if probe in self.cells:
                return self.cells[probe]
            shorter = _PARENT.sub("", probe)
            if shorter == probe:
                break
            probe = shorter
        return self.cells.get("(root)")


def _key(ws: Worksheet, row: int) -> str:
    """The key in the hidden column A of a row ("" when none)."""
    value = ws.cell(row, 1).value
    return value.strip() if isinstance(value, str) else ""


def _date(raw: Any) -> Any:
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10]
    return parse_cell("text", raw)


def read_workbook(kb: KnowledgeBase, content: bytes) -> tuple[dict[str, Any], list[InputIssue], _Reader]:
    """The raw self-inspection data read from the workbook, the problems of reading it (at their cells), and the
    reader (for the cells of field paths)."""
    reader = _Reader(kb, content)
    data = reader.read()
    return data, reader.issues, reader


def import_workbook(kb: KnowledgeBase, content: bytes) -> ValidatedInspection:
    """Read and validate a workbook; raise :class:`SelfInspectionInvalid` with every error at its cell."""
    data, issues, reader = read_workbook(kb, content)
    try:
        validated = parse_self_inspection(kb, data)
    except SelfInspectionInvalid as exc:
        errors = [*issues, *(e.at(reader.cell_of(e.path)) for e in exc.errors)]
        warnings = [w.at(reader.cell_of(w.path)) for w in exc.warnings]
        raise SelfInspectionInvalid(errors, warnings) from None
    if issues:
        raise SelfInspectionInvalid(issues, [w.at(reader.cell_of(w.path)) for w in validated.warnings])
    warnings = [w.at(reader.cell_of(w.path)) for w in validated.warnings]
    return ValidatedInspection(validated.inspection, warnings)
