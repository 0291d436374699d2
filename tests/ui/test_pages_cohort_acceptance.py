"""The cohort dashboard, the enterprise's own position, the acceptance checklist with its verification, the Word
download and the what-if answers, in a real browser at 1280 px and at 390 px; every control has a label."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import httpx
import pytest

from api.keys import create_key
from tests.ui.conftest import ROOT, shot
from tests.ui.test_pages import UNLABELLED, _login, _no_horizontal_scroll

pytestmark = pytest.mark.browser

MEMBERS = ("demo_single_sided_small", "demo_double_multilayer_mid", "demo_hdi_leader")


@pytest.fixture(scope="module")
def world(server: dict[str, Any]) -> dict[str, Any]:
    """Three stored self-inspections (one of the enterprise key's plant), a cohort of them and a bureau key."""
    headers = {"X-API-Key": server["keys"]["platform"]}
    ids, names, plans = [], [], {}
    with httpx.Client(base_url=server["url"], headers=headers, timeout=120) as client:
        for name in MEMBERS:
            data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
            r = client.post("/v1/self-inspections", json=data)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
            names.append(data["enterprise"]["name"])
            p = client.post("/v1/plans", json={"self_inspection_id": ids[-1]})
            assert p.status_code == 201, p.text
            plans[data["enterprise"]["id"]] = p.json()["id"]
        r = client.post("/v1/cohorts", json={"name": "宝安区线路板整体审核（界面测试）", "periods": [
            {"label": "2025", "self_inspection_ids": ids}]})  # fmt: skip
        assert r.status_code == 201, r.text
        cohort = r.json()["id"]
        evaluation = client.get(f"/v1/cohorts/{cohort}/evaluation").json()
    with server["app"].state.sessions() as session:
        server["keys"]["bureau"] = create_key(session, role="bureau", name="区生态环境局").secret
        session.commit()
    return {"cohort": cohort, "names": names, "plans": plans, "evaluation": evaluation}


def test_bureau_sees_the_dashboard_with_levels_and_a_common_solution(
    browser: Any, server: dict[str, Any], world: dict[str, Any], width: int
) -> None:
    page = _login(browser, server, "bureau", width)
    assert page.url.endswith("/ui/cohorts")
    page.click(f"a[href='/ui/cohorts/{world['cohort']}']")
    period = world["evaluation"]["periods"][0]
    counts = page.locator(".period .level-counts .count").all_inner_texts()
    assert sum(int(c) for c in counts) == period["n"] == 3
    assert page.locator(".levels-chart svg").count() == 1
    solutions = page.locator(".common-solutions tbody th").all_inner_texts()
    assert period["common_solutions"], "the example cohort has a common solution"
    assert period["common_solutions"][0]["name"]["zh"] in solutions
    text = page.inner_text("main")
    for name in world["names"]:
        assert name in text  # the bureau reads the whole cohort, by name
    assert "co_" not in text and "demo-bao-an" not in text  # names, not ids
    # rewards: every member listed, none verified in this cohort yet
    assert page.locator("#rewards tbody tr").count() == period["n"]
    assert f"0 / {period['n']}" in page.inner_text("#rewards-totals")
    assert page.evaluate(UNLABELLED) == []
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"cohort-dashboard-{width}")
    page.goto(page.url + "?lang=en")
    assert "Cohort dashboard" in page.inner_text("h1")
    assert period["common_solutions"][0]["name"]["en"] in page.locator(".common-solutions tbody th").all_inner_texts()
    page.context.close()


def test_enterprise_sees_its_position_without_peer_names(
    browser: Any, server: dict[str, Any], world: dict[str, Any], width: int
) -> None:
    page = _login(browser, server, "enterprise", width)
    page.goto(server["url"] + f"/ui/cohorts/{world['cohort']}")
    text = page.inner_text("main")
    own, *peers = world["names"]
    assert own in text
    for name in peers:
        assert name not in text  # peers are anonymised
    own_level = next(e for e in world["evaluation"]["periods"][0]["enterprises"] if e["name"] == own)["level"]
    assert page.locator(".own-level").inner_text().strip() != ""
    assert own_level is None or page.locator(".own-level").inner_text().strip() != "未定级"
    assert page.locator(".own-indicators tbody tr").count() >= 1
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"cohort-position-{width}")
    page.context.close()


def test_enterprise_ticks_the_checklist_and_the_auditor_verifies(
    browser: Any, server: dict[str, Any], world: dict[str, Any], width: int, tmp_path: Any
) -> None:
    # a fresh plan for each width, so that each run opens its own acceptance
    headers = {"X-API-Key": server["keys"]["enterprise"]}
    data = json.loads((ROOT / "examples" / "demo_single_sided_small.json").read_text(encoding="utf-8"))
    with httpx.Client(base_url=server["url"], headers=headers, timeout=120) as client:
        plan_id = client.post("/v1/plans", json={"self_inspection": data}).json()["id"]
    page = _login(browser, server, "enterprise", width)
    page.goto(server["url"] + f"/ui/plans/{plan_id}")
    with page.expect_navigation():
        page.click("#open-acceptance")
    assert "/ui/acceptances/ac_" in page.url
    assert page.evaluate(UNLABELLED) == []
    page.select_option("#item-0-status", "implemented")
    page.fill("#item-0-investment", "不知道")  # not a number: refused at its field, nothing stored
    page.click("#save-evidence")
    assert "items[0].investment.value" in page.inner_text("#errors")
    assert page.locator("#acc-version").inner_text() == "1"
    page.select_option("#item-0-status", "implemented")
    page.fill("#item-0-in_service", "2025-10-01")
    page.fill("#item-0-investment", "20000")
    page.fill("#item-0-evidence", "completion.txt")
    page.fill("#plant-from", "2026-01-01")
    page.fill("#plant-to", "2026-06-30")
    page.fill("#plant-output", "25000")
    page.fill("#reading-fresh_water_m3", "2000")
    report = tmp_path / "completion.txt"
    report.write_bytes(f"竣工记录 {width}".encode())
    page.set_input_files("#doc-0-file", str(report))
    page.click("#save-evidence")
    page.wait_for_url("**saved=1")
    assert page.locator("#acc-version").inner_text() == "2"
    import hashlib

    assert page.input_value("#doc-0-sha256") == hashlib.sha256(report.read_bytes()).hexdigest()
    acceptance = page.url.split("?")[0]
    page.context.close()

    page = _login(browser, server, "auditor", width)
    page.goto(acceptance)
    assert page.evaluate(UNLABELLED) == []
    page.locator("form.verify input[type=checkbox][id^=check-]").first.check()
    page.click("#verify")
    verdict = page.locator("#verdict")
    assert "未通过" in verdict.locator("h2").inner_text()  # one option of thirty ticked: it cannot pass
    missing = verdict.locator(".missing li").all_inner_texts()
    assert any("未填报实施情况" in m for m in missing), missing
    assert verdict.locator(".subsidies li").count() == 1  # the one implemented option with its investment
    assert page.locator("#acc-version").inner_text() == "3"
    if width < 600:
        _no_horizontal_scroll(page)
    shot(page, f"acceptance-verdict-{width}")
    page.context.close()


def test_word_download_and_what_if_answers(browser: Any, server: dict[str, Any], world: dict[str, Any]) -> None:
    plan_id = world["plans"]["demo-bao-an-single-small"]
    page = _login(browser, server, "enterprise")
    page.goto(server["url"] + f"/ui/plans/{plan_id}")
    with page.expect_download() as download:
        page.click("a[href$='/download/docx']")
    content = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "深圳市示例合成单面线路板厂" in body
    assert page.evaluate(UNLABELLED) == []
    page.fill("#set-path-1", "years[1].products[0].output.value")
    page.fill("#set-value-1", "abc")
    page.click("form[action$='/whatif'] button[type=submit]")
    page.wait_for_load_state()  # the click waits only for the answer to begin: count once the page has loaded
    assert page.locator(".error[role=alert]").count() == 1
    assert page.input_value("#set-path-1") == "years[1].products[0].output.value"  # kept for correction
    page.fill("#set-value-1", "60000")
    page.click("form[action$='/whatif'] button[type=submit]")
    result = page.locator("#whatif-result").inner_text()
    assert "→" in result and "{" not in result  # readable text, not raw JSON
    shot(page, "whatif-set-answer")
    page.context.close()
