"""The Excel workbook: every bundled example round-trips (example -> xlsx -> import gives the same validated
self-inspection), so do the schema-2 facts, and a workbook with errors gives every error at its sheet and cell in
Chinese and English."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.cli import main
from engine.intake.model import SelfInspection
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.intake.workbook.reader import import_workbook
from engine.intake.workbook.writer import write_workbook
from engine.kb.loader import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _si(kb: KnowledgeBase, path: Path) -> SelfInspection:
    return parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_round_trips(kb: KnowledgeBase, path: Path) -> None:
    si = _si(kb, path)
    lang = "zh" if EXAMPLES.index(path) % 2 == 0 else "en"
    assert import_workbook(kb, write_workbook(kb, lang, si)).inspection == si


def test_round_trip_in_the_other_language(kb: KnowledgeBase) -> None:
    si = _si(kb, EXAMPLES[0])  # written in Chinese above
    assert import_workbook(kb, write_workbook(kb, "en", si)).inspection == si


def _records_data(kb: KnowledgeBase) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "demo_single_sided_small.json").read_text(encoding="utf-8"))
    year = data["years"][-1]
    year["pass_rate"] = {"value": 95.5, "unit": "%"}
    year["wastewater"]["discharge_route"] = "park_plant"
    year["wastewater"]["gb21900_table"] = "table2"
    year["wastewater"]["permit_limits"] = {"permit_number": "91440300TEST001P", "cu": {"value": 0.3, "unit": "mg/L"}}
    discharge = year["wastewater"]["outlets"][1]
    del discharge["concentrations"]["cu"]
    discharge["samples"] = [
        {"pollutant": "cu", "date": "2025-03-02", "value": 0.21, "flow": {"value": 20, "unit": "m3"}, "note": "季度"},
        {"pollutant": "cu", "date": "2025-06-02", "below_detection": True, "detection_limit": 0.05},
        {"pollutant": "cu", "date": "2025-09-02", "value": 0.029, "qualifier": "<="},
        {"pollutant": "ni", "value": 0.04, "qualifier": "<", "unit": "mg/L"},
    ]
    year["wastes"].append(
        {
            "stream": "custom",
            "name": "废抹布手套",
            "hw_code": "HW49 900-041-49",
            "category": "hazardous",
            "quantity": {"value": 1.2, "unit": "t"},
            "destination": "unknown",
        }
    )
    year["resources"]["fuels"] = [{"fuel": "natural_gas", "quantity": 1200, "unit": "m3", "note": "锅炉"}]
    year["resources"]["fresh_water_by_workshop"] = [{"name": "一车间", "value": 4000, "unit": "m3"}]
    pre = next(p for p in data["process"] if p["step"] == "pre_clean")
    del pre["answers"]["q_line_exhaust_treatment"]
    data["exhaust_sources"] = [
        {
            "name": "DA001 酸雾",
            "steps": ["pre_clean", "solder_mask"],
            "treatment": [{"unit": "water_spray", "count": 2}, {"unit": "uv_photolysis"}, {"unit": "activated_carbon"}],
        }
    ]
    sm = next(p for p in data["process"] if p["step"] == "solder_mask")
    sm["answers"]["q_line_exhaust_treatment"] = "uv_photolysis"
    next(p for p in data["process"] if p["step"] == "inner_etching")["chemistry"] = "ammoniacal"
    legend = next(p for p in data["process"] if p["step"] == "legend_printing")
    legend.update(run=False, absent_reason="outsourced", answers={}, note="外协丝印")
    data["investment_quotes"] = [{"option": next(iter(kb.options)), "amount": {"value": 35, "unit": "10^4CNY"}}]
    return data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_schema_2_facts_round_trip(kb: KnowledgeBase, lang: str) -> None:
    validated = parse_self_inspection(kb, _records_data(kb))
    si = validated.inspection
    back = import_workbook(kb, write_workbook(kb, lang, si))
    assert back.inspection == si
    assert [w.rule for w in back.warnings] == [w.rule for w in validated.warnings]
    assert all(w.cell for w in back.warnings)


def _book(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _sheet(book: Any, marker: str) -> Worksheet:
    ws: Worksheet = next(ws for ws in book.worksheets if ws["A1"].value == marker)
    return ws


def _row(ws: Worksheet, key: str) -> int:
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == key)


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_errors_gives_every_error_at_its_cell(kb: KnowledgeBase) -> None:
    si = _si(kb, ROOT / "examples" / "demo_single_sided_small.json")
    book = _book(write_workbook(kb, "zh", si))
    years = _sheet(book, "sheet:years")
    r = _row(years, "resources.electricity")
    years.cell(r, 5, "很多")  # second year's value column: E
    wastes = _sheet(book, "sheet:wastes")
    wastes["C3"] = "废铜泥"  # no such stream
    products = _sheet(book, "sheet:products")
    products["B3"] = 2019  # not a reporting year
    section = _sheet(book, "section:process_equipment")
    qr = _row(section, "q_no_obsolete_equipment")
    section.cell(qr, 3, "也许")
    step = _sheet(book, "step:pre_clean")
    sr = _row(step, "q_rinse_stages")
    step.cell(sr, 3, 99)
    monitoring = _sheet(book, "sheet:monitoring")
    monitoring["C3"] = "不存在的排放口"
    content = _save(book)
    with pytest.raises(SelfInspectionInvalid) as info:
        import_workbook(kb, content)
    rules: dict[str | None, set[str]] = {}
    for e in info.value.errors:
        rules.setdefault(e.cell, set()).add(e.rule)

    def at(ws: Worksheet, ref: str) -> set[str]:
        title = f"'{ws.title}'" if not ws.title.isalnum() else ws.title
        return rules.get(f"{title}!{ref}", set())

    assert "decimal_parsing" in at(years, f"E{r}")
    assert "unknown_stream" in at(wastes, "C3")
    assert "year_not_reported" in at(products, "B3")
    assert "answer_type" in at(section, f"C{qr}")
    assert "answer_range" in at(step, f"C{sr}")
    assert "outlet_not_listed" in at(monitoring, "C3")
    for err in info.value.errors:
        assert err.cell and err.message_zh and err.message_en and err.message_zh != err.message_en
        assert err.line("zh").startswith(err.cell) and err.line("en").startswith(err.cell)


def test_the_blank_template_has_the_manual_and_unknown_in_its_lists(kb: KnowledgeBase) -> None:
    book = _book(write_workbook(kb, "zh"))
    markers = {ws["A1"].value for ws in book.worksheets}
    assert {"sheet:enterprise", "sheet:years", "sheet:wastes", "sheet:monitoring", "sheet:process"} <= markers
    assert {f"section:{s}" for s in ("process_equipment", "pollution_control", "management")} <= markers
    assert {f"step:{s}" for s in ("pre_clean", "inner_etching", "cutting")} <= markers
    section = _sheet(book, "section:process_equipment")
    r = _row(section, "q_plant_layout")
    lists = book["_lists"]
    dv = next(d for d in section.data_validations.dataValidation if f"C{r}" in str(d.sqref))
    col = dv.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    labels = [c.value for c in lists[col] if c.value]
    assert labels[-1] == "未知" and kb.questions["q_plant_layout"].choices[0].text.zh in labels
    assert section.cell(r, 6).value == kb.questions["q_plant_layout"].help.zh  # type: ignore[union-attr]
    with pytest.raises(SelfInspectionInvalid) as info:
        import_workbook(kb, write_workbook(kb, "en"))
    assert {e.path for e in info.value.errors} >= {"enterprise.id", "enterprise.name", "years"}
    assert all(e.cell for e in info.value.errors)


def test_cli_manual_xlsx_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str], kb: KnowledgeBase) -> None:
    example = ROOT / "examples" / "demo_hdi_leader.json"
    book = tmp_path / "si.xlsx"
    assert main(["manual", "--format", "xlsx", "--lang", "en", "--from", str(example), "-o", str(book)]) == 0
    out = tmp_path / "si.json"
    assert main(["import", str(book), "-o", str(out)]) == 0
    again = parse_self_inspection(kb, json.loads(out.read_text(encoding="utf-8"))).inspection
    assert again == _si(kb, example)
    assert main(["manual", "--format", "xlsx"]) == 2
    assert "needs -o" in capsys.readouterr().err
    bad = _book(book.read_bytes())
    _sheet(bad, "sheet:enterprise")["C3"] = "not an id!"
    bad.save(book)
    assert main(["import", str(book), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "!C3 (enterprise.id)" in err and "格式不符" in err
