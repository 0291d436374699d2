"""The web pages in a real browser (Chromium through Playwright): sign in, fill in and submit a self-inspection
by keyboard, see a field error in zh and in en, upload an Excel self-inspection (valid, and with an error shown at
its cell), the plan page with key options and a download, the auditor's drill-down and a review note; at 1280 px
and at 390 px; every control has a label."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from engine.intake.validate import parse_self_inspection
from engine.intake.workbook.writer import write_workbook
from engine.kb.loader import load_kb
from tests.ui.conftest import ROOT, shot

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "examples" / "demo_single_sided_small.json"

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.id && document.querySelector(`label[for="${el.id}"]`)) && !el.getAttribute('aria-label')
                && !el.closest('label'))
  .map(el => el.name || el.id)"""


def _workbook(broken: bool = False) -> tuple[bytes, str]:
    kb = load_kb()
    si = parse_self_inspection(kb, json.loads(EXAMPLE.read_text(encoding="utf-8"))).inspection
    content = write_workbook(kb, "zh", si)
    if not broken:
        return content, ""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and cell.value > 10:
                    cell.value = "很多"
                    out = io.BytesIO()
                    wb.save(out)
                    return out.getvalue(), cell.coordinate
    raise AssertionError("no numeric cell in the workbook")


def _login(browser: Any, server: dict[str, Any], role: str, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(server["url"] + "/ui/login")
    page.focus("#api_key")
    page.keyboard.type(server["keys"][role])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/ui/login" not in page.url
    return page


def _no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
        "document.documentElement.clientWidth + 1 && !e.closest('.scroll, .figure'))"
        ".slice(0, 3).map(e => e.outerHTML.slice(0, 80))"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px: {wide}"


def test_login_rejects_a_wrong_key_and_sets_a_strict_cookie(browser: Any, server: dict[str, Any]) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server["url"] + "/ui/login")
    page.fill("#api_key", "sak_0000000000_wrong")
    page.click("button[type=submit]")
    assert "密钥无效" in page.inner_text("main")
    assert not [c for c in context.cookies() if c["name"] == "sa_session"]
    page.fill("#api_key", server["keys"]["enterprise"])
    page.click("button[type=submit]")
    cookie = next(c for c in context.cookies() if c["name"] == "sa_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert server["keys"]["enterprise"].split("_", 2)[2] not in cookie["value"]  # the secret is not in the cookie
    assert "示例企业填报员" in page.inner_text("header")
    context.close()


def test_form_by_keyboard_field_error_in_zh_and_en_then_plan(browser: Any, server: dict[str, Any], width: int) -> None:
    page = _login(browser, server, "platform", width)
    page.goto(server["url"] + "/ui/self-inspections/new")
    assert page.evaluate(UNLABELLED) == []
    values = {
        "#f-e-id": f"ui-kbd-{width}",
        "#f-e-name": "键盘填报示例厂（合成）",
        "#f-e-district": "宝安区",
        "#f-y-year": "2025",
        "#f-p-output": "52000",
        "#f-r-fresh_water": "-6600",  # a negative quantity: refused at the field
        "#f-r-electricity": "700000",
        "#f-w-generated": "5100",
        "#f-w-discharged": "4900",
    }
    for selector, text in values.items():
        page.focus(selector)
        page.keyboard.type(text)
    page.select_option("#f-p-rigidity", "rigid")
    page.select_option("#f-p-construction", "single")
    page.click("button[value=submit]")
    field = page.locator(".field.invalid", has=page.locator("#f-r-fresh_water"))
    assert "不能为负" in field.inner_text()
    assert page.get_attribute("#f-r-fresh_water", "aria-invalid") == "true"
    shot(page, f"field-error-zh-{width}")
    # the draft was saved with the error: the English page shows the same field error in English
    draft = page.get_attribute("form.inspection", "action")
    assert draft is not None and "/ui/self-inspections/dr_" in draft  # the draft was saved with the error
    page.goto(server["url"] + draft + "?lang=en")
    page.click("button[value=submit]")
    field = page.locator(".field.invalid", has=page.locator("#f-r-fresh_water"))
    assert "negative" in field.inner_text().lower()
    shot(page, f"field-error-en-{width}")
    page.fill("#f-r-fresh_water", "6600")
    page.focus("#f-r-fresh_water")
    page.click("button[value=submit]")
    page.wait_for_url("**/ui/plans/**")
    assert page.locator("#level").inner_text().strip() != ""
    assert "Cleaner-production audit plan" in page.inner_text("h1")
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"plan-from-form-{width}")
    page.context.close()


def test_excel_upload_to_plan_with_key_options_and_downloads(
    browser: Any, server: dict[str, Any], width: int, tmp_path: Path
) -> None:
    page = _login(browser, server, "enterprise", width)
    page.goto(server["url"] + "/ui/self-inspections/new")
    with page.expect_download() as template:
        page.click("a[href$='template.xlsx']")
    assert template.value.path().read_bytes()[:2] == b"PK"  # an xlsx (zip) file
    content, _ = _workbook()
    upload = tmp_path / "self-inspection.xlsx"
    upload.write_bytes(content)
    page.set_input_files("#workbook", str(upload))
    page.click("form[action$='upload'] button[type=submit]")
    page.wait_for_url("**/ui/plans/**")
    rows = page.locator("#key-options tbody tr")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert "CNY" in first or "元" in first
    main_text = page.inner_text("main")
    assert "pl_" not in main_text and "water_reuse_rate" not in main_text  # names, not machine ids
    assert page.locator(".graph svg").count() == 1
    with page.expect_download() as download:
        page.click("a[href$='/download/json']")
    plan = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert plan["enterprise_id"] == "demo-bao-an-single-small"
    assert [k["option_id"] for k in plan["plan"]["key_options"]][: rows.count()]
    assert page.evaluate(UNLABELLED) == []
    page.select_option("#target", "II")
    page.click("form[action$='/path'] button")
    page.wait_for_load_state()  # the click waits only for the answer to begin: count once the page has loaded
    assert page.locator("#path-result").count() == 1
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"plan-from-excel-{width}")
    page.context.close()


def test_excel_error_shown_at_its_cell(browser: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page = _login(browser, server, "enterprise")
    content, coordinate = _workbook(broken=True)
    upload = tmp_path / "broken.xlsx"
    upload.write_bytes(content)
    page.goto(server["url"] + "/ui/self-inspections/new")
    page.set_input_files("#workbook", str(upload))
    page.click("form[action$='upload'] button[type=submit]")
    cells = page.locator("#errors .cell").all_inner_texts()
    assert any(c.endswith("!" + coordinate) for c in cells), cells
    shot(page, "excel-error-cell")
    page.context.close()


def test_auditor_drills_down_to_a_source_and_adds_a_note(browser: Any, server: dict[str, Any], width: int) -> None:
    page = _login(browser, server, "enterprise", width)
    content, _ = _workbook()
    page.goto(server["url"] + "/ui/self-inspections/new")
    path = Path(page.context.browser.version and "/tmp") / f"review-{width}.xlsx"
    path.write_bytes(content)
    page.set_input_files("#workbook", str(path))
    page.click("form[action$='upload'] button[type=submit]")
    page.wait_for_url("**/ui/plans/**")
    plan_id = page.url.rsplit("/", 1)[1]
    page.context.close()

    page = _login(browser, server, "auditor", width)
    assert page.url.endswith("/ui/review")
    page.select_option("#district", "宝安区")
    page.click(".filters button")
    page.click(f"a[href='/ui/review/plans/{plan_id}']")
    finding = page.locator("details.finding").filter(has=page.locator(".source")).first
    option = page.locator("details.option").filter(has=finding).first
    option.locator("summary").first.press("Enter")  # the keyboard opens the option ...
    finding.locator("summary").press("Enter")  # ... and its finding
    text = finding.inner_text()
    assert "规则" in text and "原始填报" in text
    source = finding.locator(".source").first.inner_text().strip()
    assert source and not source.isupper()  # the source's title, not its id
    assert finding.locator(".raw li").count() >= 1
    assert page.evaluate(UNLABELLED) == []
    page.fill("#note-text", f"现场核实漂洗水量 {width}")
    page.click("#notes button")
    assert f"现场核实漂洗水量 {width}" in page.inner_text("#notes")
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"review-drilldown-{width}")
    page.context.close()


def test_post_without_csrf_token_is_refused(browser: Any, server: dict[str, Any]) -> None:
    page = _login(browser, server, "platform")
    status = page.evaluate(
        """async (url) => (await fetch(url, {method: 'POST', body: new URLSearchParams({action: 'save'})})).status""",
        server["url"] + "/ui/self-inspections/new",
    )
    assert status == 403
    page.context.close()
