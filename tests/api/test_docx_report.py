"""The Word report over HTTP: ``GET /v1/plans/{id}/report?format=docx`` answers with the docx media type and a
document python-docx opens, with the plan's level and the chapters; another tenant's plan is not found."""

from __future__ import annotations

import io

from docx import Document
from fastapi.testclient import TestClient

from explanations.docx_names import CHAPTERS
from explanations.docx_report import DOCX_MEDIA_TYPE
from explanations.i18n import level_label
from tests.api.conftest import World, assert_problem


def test_report_as_word_document(client: TestClient, world: World) -> None:
    plan = client.get(f"/v1/plans/{world.plan_a}", headers=world.ent_a.headers).json()
    response = client.get(f"/v1/plans/{world.plan_a}/report?format=docx", headers=world.ent_a.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    assert response.headers["content-disposition"].endswith('.docx"')
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    level = level_label(plan["plan"]["evaluation"]["overall_level"], "zh")
    assert f"综合评定等级：{level}" in text
    assert all(f"{i} {name}" in text for i, name in enumerate(CHAPTERS["zh"], 1))
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "方案"


def test_docx_report_in_english_and_of_another_tenant(client: TestClient, world: World) -> None:
    response = client.get(f"/v1/plans/{world.plan_a}/report?format=docx&lang=en", headers=world.ent_a.headers)
    assert response.status_code == 200
    assert "1 The enterprise" in [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert_problem(client.get(f"/v1/plans/{world.plan_a}/report?format=docx", headers=world.ent_b.headers), 404)
    assert_problem(client.get(f"/v1/plans/{world.plan_a}/report?format=odt", headers=world.ent_a.headers), 422)
