"""``smart-audit accept checklist`` and ``accept verify``: JSON out, document hashes from the files, exit codes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from api.cli import main
from tests.acceptance.plan_fixture import REPORT, evidence, plan


def _files(tmp_path: Path, report: bytes = REPORT) -> tuple[str, str]:
    (tmp_path / "plan.json").write_text(json.dumps(plan(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(report)
    ev = evidence()
    ev["documents"][0]["path"] = "report.pdf"
    (tmp_path / "evidence.json").write_text(json.dumps(ev, ensure_ascii=False), encoding="utf-8")
    return str(tmp_path / "plan.json"), str(tmp_path / "evidence.json")


def test_checklist_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_path, ev_path = _files(tmp_path)
    assert main(["accept", "checklist", plan_path]) == 0
    checklist = json.loads(capsys.readouterr().out)
    assert [i["id"] for i in checklist["items"]] == ["counter_current_rinse", "wastewater_segregation"]
    assert main(["accept", "verify", plan_path, ev_path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "pass" and result["documents"][0]["verified"] is True
    assert {"verdict", "items", "targets", "vetoes", "reasons", "kb_version", "kb_hash"} <= set(result)


def test_a_changed_document_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_path, ev_path = _files(tmp_path, report=b"tampered")
    assert main(["accept", "verify", plan_path, ev_path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "fail" and result["documents"][0]["verified"] is False
    assert hashlib.sha256(REPORT).hexdigest() in result["documents"][0]["sha256"]


def test_bad_evidence_exit_1_with_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_path, ev_path = _files(tmp_path)
    data = json.loads(Path(ev_path).read_text(encoding="utf-8"))
    data["items"][0]["status"] = "done"
    Path(ev_path).write_text(json.dumps(data), encoding="utf-8")
    assert main(["accept", "verify", plan_path, ev_path, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "items[0].status" in err and "literal_error" in err
