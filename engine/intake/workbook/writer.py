"""Write the self-inspection workbook (``smart-audit manual --format xlsx``): one sheet per manual section, one per
process step with questions, and sheets for the yearly quantities, products, wastes, outlets and monitoring,
exhaust sources, prices and quotes; units, help texts, drop-down lists of the allowed answers ("unknown" among
them), prefilled from an earlier self-inspection when one is given."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.intake.model import SelfInspection
from engine.intake.workbook.common import MARKER, answer_cell, cell_number, get_path, kb_enums, safe_sheet_name, yes_no
from engine.intake.workbook.layout import (
    DATA_ROW,
    FIELD_ROWS,
    TABLES,
    UNITS_OF,
    UNKNOWN_LABEL,
    Column,
    Enum,
    FieldRow,
    Table,
    sheet_title,
)
from engine.intake.workbook.tables import table_rows
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question

__all__ = ["write_workbook"]

_HEAD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FILL = PatternFill("solid", fgColor="FFF4E5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_BLANK_ROWS = 60  # empty rows with drop-downs below the prefilled ones of a table
_BLANK_YEARS = 3


class _Lists:
    """Drop-down lists, one column each in the hidden sheet ``_lists``."""

    def __init__(self, wb: Workbook) -> None:
        self.ws = wb.create_sheet("_lists")
        self.ws.sheet_state = "hidden"
        self.cols: dict[tuple[str, ...], str] = {}

    def ref(self, labels: Sequence[str]) -> str:
        key = tuple(labels)
        if key not in self.cols:
            col = get_column_letter(len(self.cols) + 1)
            for i, label in enumerate(labels, start=1):
                self.ws[f"{col}{i}"] = label
            self.cols[key] = f"'_lists'!${col}$1:${col}${len(labels)}"
        return self.cols[key]


class _Writer:
    def __init__(self, kb: KnowledgeBase, lang: str, si: SelfInspection | None) -> None:
        self.kb, self.lang, self.si = kb, lang, si
        self.data: dict[str, Any] = si.model_dump(mode="python") if si is not None else {}
        self.wb = Workbook()
        self.wb.remove(self.wb.active)  # type: ignore[arg-type]
        self.enums = kb_enums(kb)
        self.taken: set[str] = {"_lists", "_meta"}
        self.unknown = UNKNOWN_LABEL[lang]

    # -- helpers ------------------------------------------------------------------------------------------------
    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def sheet(self, marker: str, title: str, heading: str, headers: Sequence[str]) -> Worksheet:
        ws: Worksheet = self.wb.create_sheet(safe_sheet_name(title, self.taken))
        ws["A1"] = marker
        ws["B1"] = heading
        ws["B1"].font = _TITLE
        for i, head in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=i, value=head)
            cell.font = _HEAD
            cell.fill = _FILL
        ws.column_dimensions["A"].hidden = True
        ws.freeze_panes = ws["C3"] if len(headers) > 2 else ws["A3"]
        return ws

    def dropdown(self, ws: Worksheet, cells: str, labels: Sequence[str], lists: _Lists) -> None:
        dv = DataValidation(type="list", formula1=lists.ref(labels), allow_blank=True)
        dv.errorStyle = "warning"  # other accepted forms (ids, the other language) may still be typed
        dv.error = self.t("不在下拉列表中；如确为有效写法可保留", "not in the list; keep it if it is an accepted form")
        ws.add_data_validation(dv)
        dv.add(cells)

    def enum_labels(self, enum: Enum, unknown: bool = False) -> list[str]:
        return enum.labels(self.lang) + ([self.unknown] if unknown else [])

    def value_cell(self, kind: str, value: Any, enum: str | None = None) -> Any:
        if kind == "percent" and isinstance(value, dict):
            value = value["value"]
        if value is None:
            return None
        if value == "unknown":
            return self.unknown
        if kind == "bool":
            return yes_no(bool(value), self.lang)
        if kind == "enum" and enum is not None:
            return self.enums[enum].label(str(value), self.lang)
        if kind in ("decimal", "int", "percent") and isinstance(value, int | Decimal):
            return cell_number(value)
        return value

    # -- key-value sheets ---------------------------------------------------------------------------------------
    def field_sheet(self, sheet_id: str, rows: Sequence[FieldRow], lists: _Lists) -> None:
        headers = [
            "key",
            self.t("项目", "item"),
            self.t("填写", "value"),
            self.t("单位", "unit"),
            self.t("说明", "help"),
        ]
        ws = self.sheet(
            f"sheet:{sheet_id}", sheet_title(sheet_id, self.lang), sheet_title(sheet_id, self.lang), headers
        )
        for r, row in enumerate(rows, start=DATA_ROW):
            ws.cell(r, 1, row.key)
            ws.cell(r, 2, row.label(self.lang))
            value = get_path(self.data, row.key)
            if row.kind == "quantity" and isinstance(value, dict):
                ws.cell(r, 3, self.value_cell("decimal", value["value"]))
                ws.cell(r, 4, value["unit"])
            else:
                ws.cell(r, 3, self.value_cell(row.kind, value, row.enum))
            self._row_lists(ws, row, r, 3, 4, lists)
            ws.cell(r, 5, self.t(row.help_zh, row.help_en) or None)
        for col, width in zip("BCDE", (40, 24, 10, 50), strict=True):
            ws.column_dimensions[col].width = width

    def _row_lists(self, ws: Worksheet, row: FieldRow, r: int, vcol: int, ucol: int, lists: _Lists) -> None:
        vref = f"{get_column_letter(vcol)}{r}"
        if row.kind == "bool":
            self.dropdown(ws, vref, [*self._yes_no(), self.unknown], lists)
        elif row.kind == "enum" and row.enum:
            self.dropdown(ws, vref, self.enum_labels(self.enums[row.enum]), lists)
        elif row.kind == "quantity" and row.qkind:
            units = UNITS_OF[row.qkind]
            uref = f"{get_column_letter(ucol)}{r}"
            self.dropdown(ws, uref, units, lists)
            if ws[uref].value is None:
                ws[uref] = units[0]
        elif row.kind == "percent":
            ws.cell(r, ucol, "%")

    def _yes_no(self) -> list[str]:
        return [yes_no(True, self.lang), yes_no(False, self.lang)]

    def years_sheet(self, lists: _Lists) -> None:
        years = self.data.get("years") or [{} for _ in range(_BLANK_YEARS)]
        headers = ["key", self.t("项目", "item")]
        for _ in years:
            headers += [self.t("数值", "value"), self.t("单位", "unit")]
        title = sheet_title("years", self.lang)
        ws = self.sheet("sheet:years", title, title, headers)
        ws.freeze_panes = ws["C4"]
        for r, row in enumerate(FIELD_ROWS["years"], start=DATA_ROW):
            ws.cell(r, 1, row.key)
            ws.cell(r, 2, row.label(self.lang))
            for yi, year in enumerate(years):
                vcol, ucol = 3 + 2 * yi, 4 + 2 * yi
                value = get_path(year, row.key)
                if row.kind == "quantity":
                    if isinstance(value, dict):
                        ws.cell(r, vcol, self.value_cell("decimal", value["value"]))
                        ws.cell(r, ucol, value["unit"])
                else:
                    ws.cell(r, vcol, self.value_cell(row.kind, value, row.enum))
                self._row_lists(ws, row, r, vcol, ucol, lists)
        ws.column_dimensions["B"].width = 36

    def prices_sheet(self) -> None:
        headers = [
            "key",
            self.t("项目", "item"),
            self.t("价格", "value"),
            self.t("执行日期（YYYY-MM-DD）", "from (YYYY-MM-DD)"),
        ]
        title = sheet_title("prices", self.lang)
        ws = self.sheet("sheet:prices", title, title, headers)
        prices = self.data.get("prices") or {}
        for r, row in enumerate(FIELD_ROWS["prices"], start=DATA_ROW):
            ws.cell(r, 1, row.key)
            ws.cell(r, 2, row.label(self.lang))
            price = prices.get(row.key)
            if price:
                ws.cell(r, 3, cell_number(price["value"]))
                ws.cell(r, 4, price["valid_from"])
        ws.column_dimensions["B"].width = 40

    # -- the manual -----------------------------------------------------------------------------------------------
    def question_sheet(
        self, marker: str, title: str, heading: str, questions: list[Question], answers: dict[str, Any], lists: _Lists
    ) -> None:
        headers = [
            "key",
            self.t("问题", "question"),
            self.t("回答", "answer"),
            self.t("单位", "unit"),
            self.t("可选答案", "allowed answers"),
            self.t("说明", "help"),
        ]
        ws = self.sheet(marker, title, heading, headers)
        for r, q in enumerate(questions, start=DATA_ROW):
            ws.cell(r, 1, q.id)
            ws.cell(r, 2, self.t(q.text.zh, q.text.en)).alignment = _WRAP
            if q.id in answers:
                ws.cell(r, 3, answer_cell(q, answers[q.id], self.lang))
            ws.cell(r, 4, q.unit)
            allowed = self._allowed(q)
            ws.cell(r, 5, "\n".join(allowed) if allowed else self._range_text(q)).alignment = _WRAP
            if q.help is not None:
                ws.cell(r, 6, self.t(q.help.zh, q.help.en)).alignment = _WRAP
            if allowed:
                self.dropdown(ws, f"C{r}", [*allowed, self.unknown], lists)
        for col, width in zip("BCDEF", (60, 30, 8, 40, 70), strict=True):
            ws.column_dimensions[col].width = width

    def _allowed(self, q: Question) -> list[str]:
        if q.answer == "boolean":
            return self._yes_no()
        return [self.t(c.text.zh, c.text.en) for c in q.choices]

    def _range_text(self, q: Question) -> str:
        parts = {
            "number": self.t("数字", "number"),
            "integer": self.t("整数", "whole number"),
            "text": self.t("文字", "text"),
        }
        out = parts.get(q.answer, "")
        if q.minimum is not None or q.maximum is not None:
            lo = "" if q.minimum is None else f"{q.minimum}"
            hi = "" if q.maximum is None else f"{q.maximum}"
            out += f" [{lo}, {hi}]"
        return out + self.t("；或“未知”", "; or 'unknown'")

    def manual_sheets(self, lists: _Lists) -> None:
        answers = self.data.get("answers") or {}
        for section in sorted(self.kb.sections.values(), key=lambda s: (s.order, s.id)):
            qs = sorted(
                (q for q in self.kb.questions.values() if q.section == section.id and q.scope == "enterprise"),
                key=lambda q: (q.order, q.id),
            )
            if qs:
                title = self.t(section.title.zh, section.title.en)
                self.question_sheet(f"section:{section.id}", title, title, qs, answers, lists)

    def process_sheets(self, lists: _Lists) -> None:
        declared = {f["step"]: f for f in self.data.get("process") or []}
        order = [s for s in declared if s in self.kb.steps] + [s for s in self.kb.steps if s not in declared]
        headers = [
            "key",
            self.t("工序", "step"),
            self.t("本厂运行（是/否；空白=未填）", "run here (yes/no; blank = not stated)"),
            self.t("未运行原因", "why not run"),
            self.t("工艺化学", "chemistry"),
            self.t("备注", "note"),
        ]
        title = sheet_title("process", self.lang)
        ws = self.sheet("sheet:process", title, title, headers)
        for r, sid in enumerate(order, start=DATA_ROW):
            step, facts = self.kb.steps[sid], declared.get(sid)
            ws.cell(r, 1, sid)
            ws.cell(r, 2, self.t(step.name.zh, step.name.en))
            if facts is not None:
                ws.cell(r, 3, yes_no(bool(facts["run"]), self.lang))
                ws.cell(r, 4, self.value_cell("enum", facts.get("absent_reason"), "absent_reason"))
                ws.cell(r, 5, self.value_cell("enum", facts.get("chemistry"), f"chemistry:{sid}"))
                ws.cell(r, 6, facts.get("note") or None)
            self.dropdown(ws, f"C{r}", self._yes_no(), lists)
            self.dropdown(ws, f"D{r}", self.enum_labels(self.enums["absent_reason"]), lists)
            if step.chemistries:
                self.dropdown(ws, f"E{r}", self.enum_labels(self.enums[f"chemistry:{sid}"]), lists)
        for col, width in zip("BCDEF", (40, 16, 16, 20, 30), strict=True):
            ws.column_dimensions[col].width = width
        for sid in order:
            step = self.kb.steps[sid]
            qs = sorted(
                (q for q in self.kb.questions.values() if q.scope == "step" and step.family in q.families),
                key=lambda q: (q.order, q.id),
            )
            if qs:
                name = self.t(step.name.zh, step.name.en)
                answers = (declared.get(sid) or {}).get("answers") or {}
                heading = self.t(f"工序：{name}（{sid}）", f"Step: {name} ({sid})")
                self.question_sheet(f"step:{sid}", name, heading, qs, answers, lists)

    # -- tables ---------------------------------------------------------------------------------------------------
    def table_sheet(self, table: Table, lists: _Lists) -> None:
        headers = ["key"]
        for col in table.columns:
            headers.append(col.label(self.lang))
            if col.kind == "quantity":
                headers.append(self.t("单位", "unit"))
        title = sheet_title(table.id, self.lang)
        heading = title + (f" — {self.t(table.note_zh, table.note_en)}" if table.note_zh else "")
        ws = self.sheet(f"sheet:{table.id}", title, heading, headers)
        ws.freeze_panes = ws["B3"]
        rows = table_rows(table, self.data, self.kb, self.lang, self.enums, self.si)
        last = DATA_ROW + len(rows) + _BLANK_ROWS - 1
        for r, cells in enumerate(rows, start=DATA_ROW):
            for c, value in enumerate(cells, start=2):
                if value is not None:
                    ws.cell(r, c, value)
        c = 2
        for col in table.columns:
            letter = get_column_letter(c)
            span = f"{letter}{DATA_ROW}:{letter}{last}"
            self._column_list(ws, col, span, lists)
            ws.column_dimensions[letter].width = 14 if col.kind in ("int", "decimal", "percent") else 24
            if col.kind == "quantity" and col.qkind:
                unit_letter = get_column_letter(c + 1)
                self.dropdown(ws, f"{unit_letter}{DATA_ROW}:{unit_letter}{last}", UNITS_OF[col.qkind], lists)
                ws.column_dimensions[unit_letter].width = 9
                c += 1
            c += 1

    def _column_list(self, ws: Worksheet, col: Column, span: str, lists: _Lists) -> None:
        if col.kind == "bool":
            self.dropdown(ws, span, self._yes_no(), lists)
        elif col.kind == "enum" and col.enum:
            self.dropdown(ws, span, self.enum_labels(self.enums[col.enum]), lists)
        elif col.key == "unit":
            self.dropdown(ws, span, UNITS_OF["concentration"], lists)

    def readme(self) -> None:
        ws = self.wb.create_sheet(safe_sheet_name(sheet_title("readme", self.lang), self.taken), 0)
        ws["A1"] = "sheet:readme"
        ws.column_dimensions["A"].hidden = True
        lines = _README[self.lang]
        for r, line in enumerate(lines, start=1):
            ws.cell(r, 2, line).alignment = _WRAP
        ws["B1"].font = _TITLE
        ws.column_dimensions["B"].width = 110

    def meta(self) -> None:
        ws = self.wb.create_sheet("_meta")
        ws.sheet_state = "hidden"
        ws["A1"], ws["B1"] = "format", MARKER
        ws["A2"], ws["B2"] = "schema_version", "2"
        ws["A3"], ws["B3"] = "kb_version", self.kb.version.version
        ws["A4"], ws["B4"] = "lang", self.lang

    def build(self) -> bytes:
        lists = _Lists(self.wb)
        self.field_sheet("enterprise", FIELD_ROWS["enterprise"], lists)
        self.years_sheet(lists)
        for tid in ("products", "parts", "fuels", "chemicals", "wastes", "outlets", "monitoring"):
            self.table_sheet(TABLES[tid], lists)
        self.manual_sheets(lists)
        self.process_sheets(lists)
        self.table_sheet(TABLES["exhaust"], lists)
        self.prices_sheet()
        self.table_sheet(TABLES["quotes"], lists)
        self.readme()
        self.meta()
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()


_README = {
    "zh": [
        "印制电路板企业清洁生产自查手册 —— 填报工作簿",
        "1. 按工作表依次填写：企业信息、年度数据（每个报告年度一列，填年份）、产品、分车间计量、燃料、化学品、"
        "固体废物、废水排放口与监测数据，再回答各章节问题、工序表（本厂运行的工序填“是”，未运行的填“否”并注明原因）和各工序问题。",
        "2. 下拉列表给出可选答案；不清楚的填“未知”，依赖它的指标将按“数据不足”处理，不会被猜测。",
        "3. 数量请同时选择单位；监测数据可逐次填写样品（日期、结果，如 0.3、<0.05、≤0.029、未检出并填检出限）。",
        "4. 知识库中没有的废物类别选“自定义”，并填写名称和危险废物代码（如 HW49 900-041-49）；去向不明的填“未知”。",
        "5. 废气排放源按废气经过的顺序填写处理单元及其台数；工序的废气处理答案将由此推出。",
        "6. 填好后运行：smart-audit import 本文件.xlsx -o 自查.json；所有错误将一次列出，并注明工作表和单元格。",
    ],
    "en": [
        "Cleaner-production self-inspection for PCB enterprises - workbook",
        "1. Fill in the sheets in turn: enterprise, yearly data (one column per reporting year, with the year), "
        "products, by-workshop metering, fuels, chemicals, wastes, outlets and monitoring; then answer the section "
        "sheets, the process sheet (yes for each step the plant runs, no with the reason for one it does not) and "
        "the step sheets.",
        "2. Drop-down lists give the allowed answers; write 'unknown' where the records do not say: what depends on "
        "it is then reported as insufficient data, never guessed.",
        "3. Give every quantity its unit; monitoring may be entered sample by sample (date, result such as 0.3, "
        "<0.05, ≤0.029, or ND with the detection limit).",
        "4. A waste the knowledge base has no stream for is 'custom', with its name and hazardous-waste code (e.g. "
        "HW49 900-041-49); an unknown destination is 'unknown'.",
        "5. Exhaust sources list their treatment units in the order the exhaust passes them, with the number of "
        "units; the steps' exhaust answers follow from them.",
        "6. Then run: smart-audit import this.xlsx -o self-inspection.json; every error is listed at once, with its "
        "sheet and cell.",
    ],
}


def write_workbook(kb: KnowledgeBase, lang: str = "zh", si: SelfInspection | None = None) -> bytes:
    """The self-inspection workbook in ``lang``, prefilled from ``si`` when given (xlsx bytes)."""
    return _Writer(kb, lang, si).build()
