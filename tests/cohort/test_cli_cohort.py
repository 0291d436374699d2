"""``smart-audit cohort`` on two small folders of examples: a second period edited by hand, one enterprise missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _scale(node: Any, key: str, factor: float) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, dict) and "value" in v:
                v["value"] = round(v["value"] * factor)
            else:
                _scale(v, key, factor)
    elif isinstance(node, list):
        for item in node:
            _scale(item, key, factor)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("cohort")
    before, after = root / "2024", root / "2026"
    before.mkdir()
    after.mkdir()
    for name in ("demo_flex_rigidflex_submetered", "demo_hdi_leader"):
        shutil.copy(EXAMPLES / f"{name}.json", before)
    data = json.loads((EXAMPLES / "demo_flex_rigidflex_submetered.json").read_text(encoding="utf-8"))
    _scale(data["years"][-1], "electricity", 0.8)  # 20 % less electricity, plant and lines alike
    (after / "flex.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = root / "r.json"
    assert main(["cohort", "compare", str(before), str(after), "--json", "-q", "-o", str(out)]) == 0
    html = root / "r.html"
    assert main(["cohort", str(before), "--compare", str(after), "--format", "html", "-q", "-o", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "前后对比" in text and "仅在前期" in text
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_before_after_from_folders(result: dict[str, Any]) -> None:
    ba = result["before_after"]
    assert (ba["before"], ba["after"]) == ("2024", "2026")
    assert [e["id"] for e in ba["missing"]["only_before"]] == ["demo-bao-an-hdi-leader"]
    (flex,) = ba["enterprises"]
    rows = {r["key"]: r for r in flex["indicators"]}
    row = rows["electricity_per_m2[flexible/double]"]
    assert (row["before"], row["after"], row["change_percent"], row["improved"]) == (22.0, 17.6, -20.0, True)
    assert ba["benchmark"]["same_tables"] is True and ba["benchmark"]["before"]["benchmark_set"] == "pcb_index_system"


def test_potential_is_the_sum_of_the_plans(result: dict[str, Any]) -> None:
    first = result["periods"][0]
    assert first["n"] == 2 and first["levels"]["counts"]["I"] == 1 and first["levels"]["counts"]["II"] == 1
    # hazardous waste: each plan's in-plan total; the common solutions' sums never exceed it
    hw = first["totals"]["hazardous_waste_t"]
    per_code = sum((s["totals"].get("hazardous_waste_t") or {}).get("central") or 0 for s in first["common_solutions"])
    per_code += sum(
        (s["totals"].get("hazardous_waste_t") or {}).get("central") or 0 for s in first["individual_solutions"]
    )
    assert hw["plants_quantified"] == 2
    assert per_code == pytest.approx(hw["central"], rel=0.01)
    assert hw["central"] <= hw["base"]


def test_bad_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text('{"enterprise": {}}', encoding="utf-8")
    assert main(["cohort", str(tmp_path), "-q"]) == 1
    assert "bad.json" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"enterprise": 1,', "[json_invalid]"),
        ('{"a": 1, "a": 2}', "[duplicate_key]"),
        ('{"a": "\\u0000"}', "[nul_character]"),
    ],
)
def test_a_file_that_is_not_strict_json_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    """Each file is read strictly where it is planned (also in a worker of the pool): the refusal names the file
    and the rule, and nothing is evaluated."""
    shutil.copy(EXAMPLES / "demo_hdi_leader.json", tmp_path)
    (tmp_path / "broken.json").write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["cohort", str(tmp_path), "--json", "-q", "-o", str(out)]) != 0
    err = capsys.readouterr().err
    assert "broken.json" in err and said in err and not out.exists()
