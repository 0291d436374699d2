"""What-if: paths with index and key=value selectors, errors that name the field (zh and en), answers changed,
options accepted and rejected, the differences explained from the traces, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import EditError
from engine.graph import build_graph
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.plan.edits import apply_edits, parse_assignment, parse_path
from engine.plan.whatif import what_if

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


MID = _raw("demo_double_multilayer_mid")


def test_paths_by_index_and_by_member() -> None:
    assert parse_path("process[step=inner_etching].answers.q_rinse_type") == [
        ("key", "process"),
        ("select", ("step", "inner_etching")),
        ("key", "answers"),
        ("key", "q_rinse_type"),
    ]
    data, edits = apply_edits(
        MID,
        [
            ("process[step=inner_etching].answers.q_rinse_type", "counter_current"),
            ("years[0].wastes[1].quantity.value", 12.5),
            ("years[year=2025].resources.electricity.value", 1),
        ],
    )
    index = next(i for i, p in enumerate(MID["process"]) if p["step"] == "inner_etching")
    assert edits[0].resolved == f"process[{index}].answers.q_rinse_type" and edits[0].old == "single_overflow"
    assert data["process"][index]["answers"]["q_rinse_type"] == "counter_current"
    assert (
        data["years"][0]["wastes"][1]["quantity"]["value"] == 12.5
        and edits[1].old == MID["years"][0]["wastes"][1]["quantity"]["value"]
    )
    assert edits[2].resolved == "years[2].resources.electricity.value"
    assert MID["process"][index]["answers"]["q_rinse_type"] == "single_overflow"  # the input is not changed


def test_values_are_json_or_text() -> None:
    assert parse_assignment("a.b=12.5") == ("a.b", 12.5)
    assert parse_assignment("a.b=true") == ("a.b", True)
    assert parse_assignment("a.b=counter_current") == ("a.b", "counter_current")
    assert parse_assignment('a[k=x=y].b={"value": 3, "unit": "t"}') == ("a[k=x=y].b", {"value": 3, "unit": "t"})
    with pytest.raises(EditError, match="PATH=VALUE"):
        parse_assignment("a.b")


@pytest.mark.parametrize(
    ("path", "en", "zh"),
    [
        ("yeras[0].wastes", "(root) has no key 'yeras'; did you mean 'years'?", "没有键 'yeras'；是否应为 'years'"),
        ("years[7].wastes", "years has 3 item(s) (0 to 2), not 7", "years 只有 3 项"),
        ("process[step=inner_etchin].run", "did you mean 'inner_etching'?", "是否应为 'inner_etching'"),
        ("years[0].resources.electricity.value.x", "is not an object", "不是对象"),
        ("years[0]..value", "cannot read the path", "无法解析路径"),
        ("process[run=True].step", "items with run=True: use [n]", "请用 [n] 指定"),
    ],
)
def test_path_errors_name_the_field(path: str, en: str, zh: str) -> None:
    with pytest.raises(EditError) as caught:
        apply_edits(MID, [("years[0].year", 2023), (path, 1)])
    err = caught.value
    assert err.field == path and err.where == "set[1].path" and err.rule == "path_not_found"
    assert en in err.text("en") and err.text("en").startswith(path)
    assert zh in err.text("zh")


def test_invalid_value_names_the_field_the_validation_rejects() -> None:
    with pytest.raises(EditError) as caught:
        what_if(KB, MID, sets=[("process[step=inner_etching].answers.q_rinse_type", "bogus")], graph=GRAPH)
    err = caught.value
    assert err.field == "process[step=inner_etching].answers.q_rinse_type" and err.where == "set[0].value"
    assert "process[4].answers.q_rinse_type" in err.text("en") and "'bogus' is not a choice" in err.text("en")
    assert "修改后的自查数据" in err.text("zh") and err.errors


def test_option_errors() -> None:
    with pytest.raises(EditError, match="did you mean 'led_lighting'") as caught:
        what_if(KB, MID, accept=["led_lightin"], graph=GRAPH)
    assert caught.value.where == "accept[0]" and "知识库中没有方案" in caught.value.text("zh")
    with pytest.raises(EditError, match="both accepted and rejected"):
        what_if(KB, MID, accept=["led_lighting"], reject=["led_lighting"], graph=GRAPH)
    with pytest.raises(EditError, match="does not hold this option"):
        what_if(KB, MID, reject=["line_water_energy_metering"], graph=GRAPH)
    with pytest.raises(EditError, match="conflicts with led_exposure_imaging, also accepted"):
        what_if(KB, MID, accept=["ldi_direct_imaging", "led_exposure_imaging"], graph=GRAPH)


def test_no_change_no_difference() -> None:
    out = what_if(KB, MID, graph=GRAPH)
    diff = out["differences"]
    assert diff["indicators"] == [] and diff["totals"] == {} and diff["changed_inputs"] == []
    assert diff["findings"] == {"appeared": [], "disappeared": []}
    assert diff["options"] == {"appeared": [], "disappeared": []}
    assert out["plan"]["options"] == out["baseline"]["options"]
    assert out["level"] == {"now": "III", "projected": "III", "baseline_now": "III", "baseline_projected": "III"}


def test_changed_answer_explained_from_the_trace() -> None:
    out = what_if(KB, MID, sets=[("process[step=inner_etching].answers.q_rinse_type", "counter_current")], graph=GRAPH)
    diff = out["differences"]
    assert diff["changed_inputs"] == ["input:process[4].answers.q_rinse_type"]
    gone = {f["id"]: f for f in diff["findings"]["disappeared"]}
    single = gone["finding:rinse_single_stage@step:inner_etching"]
    assert single["rule"] == "rinse_single_after_concentrated_bath"
    assert single["because"] == ["input:process[4].answers.q_rinse_type"]
    assert out["changes"]["set"][0]["old"] == "single_overflow"


def test_changed_answers_put_an_option_in_place() -> None:
    sets = [
        ("answers.q_cp_audit_work_plan", True),
        ("answers.q_cp_audit_scope", "whole_process"),
        ("answers.q_cp_option_implementation_rate", 90),
    ]
    out = what_if(KB, MID, sets=sets, graph=GRAPH)
    gone = {o["option_id"]: o for o in out["differences"]["options"]["disappeared"]}
    audit = gone["regular_cp_audit"]
    assert audit["why"] == "rules_no_longer_fire" and audit["recommendations"] == ["recommendation:regular_cp_audit"]
    assert "input:answers.q_cp_audit_scope" in audit["because"]
    changed = {(i["indicator"], i["stage"]): i for i in out["differences"]["indicators"]}
    cp = changed[("cp_audit", "now")]
    assert (cp["from"]["level"], cp["to"]["level"]) == ("III", "I")
    assert cp["edits"] == [path for path, _ in sets]  # the indicator reads the answers changed


def test_changed_quantity_moves_indicators_and_the_projected_level() -> None:
    out = what_if(KB, MID, sets=[("years[year=2025].resources.electricity.value", 10_300_000)], graph=GRAPH)
    changed = {(i["indicator"], i["stage"]): i for i in out["differences"]["indicators"]}
    elec = changed[("electricity_per_m2[mix]", "now")]
    # 11.4 GWh / 300,000 m2 = 38 kWh/m2; 10.3 GWh: 34.33
    assert elec["from"]["value"] == 38.0 and elec["to"]["value"] == pytest.approx(34.333333)
    assert elec["edits"] == ["years[year=2025].resources.electricity.value"]
    assert out["level"]["projected"] == "II" and out["level"]["baseline_projected"] == "III"
    assert out["differences"]["level"]["projected"] == {"from": "III", "to": "II"}


def test_rejected_option_takes_what_needs_it_along() -> None:
    out = what_if(KB, _raw("demo_single_sided_small"), reject=["line_water_energy_metering"], graph=GRAPH)
    log = {e["option"]: e for e in out["plan"]["resolution"]}
    assert log["line_water_energy_metering"]["kind"] == "rejected"
    assert log["counter_current_rinse"]["kind"] == "premise_excluded"
    ids = [o["option_id"] for o in out["plan"]["options"]]
    assert "counter_current_rinse" not in ids and "line_water_energy_metering" not in ids
    gone = {o["option_id"]: o["why"] for o in out["differences"]["options"]["disappeared"]}
    assert gone["line_water_energy_metering"] == "rejected" and gone["counter_current_rinse"] == "premise_excluded"


def test_rejected_options_and_what_rests_on_them() -> None:
    out = what_if(KB, MID, reject=["acid_etchant_electrolytic_regeneration", "alkaline_etchant_sx_ew"], graph=GRAPH)
    log = {e["option"]: e for e in out["plan"]["resolution"]}
    assert log["recovered_copper_as_anode"]["kind"] == "premise_excluded"
    totals = out["differences"]["totals"]
    # the copper recovered on site was the etchant regenerations'
    assert totals["copper_recovered_kg"]["to"] < totals["copper_recovered_kg"]["from"]
    # their investments are declared gaps: the known investment does not grow, and neither option is counted
    assert totals.get("investment", {"change": 0})["change"] <= 0
    unpriced = out["plan"]["totals"]["investment"]["options_without_investment"]
    assert "acid_etchant_electrolytic_regeneration" not in unpriced and "alkaline_etchant_sx_ew" not in unpriced


def test_accepted_option_replaces_the_one_it_conflicts_with() -> None:
    out = what_if(KB, MID, accept=["ldi_direct_imaging"], graph=GRAPH)
    log = {e["option"]: e for e in out["plan"]["resolution"]}
    assert log["ldi_direct_imaging"]["kind"] == "accepted"
    assert log["led_exposure_imaging"]["kind"] == "conflict_with_accepted"
    added = next(o for o in out["plan"]["options"] if o["option_id"] == "ldi_direct_imaging")
    assert added["origin"] == "accepted" and added["measure_code"] == KB.options["ldi_direct_imaging"].measure_code
    assert added["steps"]  # on the imaging steps the plant runs
    diff = out["differences"]["options"]
    assert [o["option_id"] for o in diff["appeared"]] == ["ldi_direct_imaging"]
    assert [o["option_id"] for o in diff["disappeared"]] == ["led_exposure_imaging"]


def test_same_input_same_json() -> None:
    kwargs: dict[str, Any] = {
        "sets": [("process[step=inner_etching].answers.q_rinse_type", "counter_current")],
        "accept": ["ldi_direct_imaging"],
        "reject": ["counter_current_rinse"],
    }
    a = json.dumps(what_if(KB, MID, graph=GRAPH, **kwargs))
    assert a == json.dumps(what_if(KB, _raw("demo_double_multilayer_mid"), **kwargs))
