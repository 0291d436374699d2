"""The bundled acceptance cases (examples/acceptance/<case>/), made from the plan of one bundled self-inspection.

Every case starts from ``examples/demo_double_multilayer_mid.json`` (plan year 300,000 m²) and its checklist.
Per key option and resource with an expected saving S (``expected.central``, negative for an increase) the case
achieves f × S, metered on the option's line in a quarter before and a quarter after:

- before B = |S| (0 for a gained resource: copper recovered), output O_b;
- after A = (B ÷ O_b − f × S ÷ 300,000) × O_a (a gained resource: f × S × O_a ÷ 300,000), output O_a;

so that (B ÷ O_b − A ÷ O_a) × 300,000 = f × S. The plant's half-year reading of each resource with a base b is
(b − Σ f × S_in_plan) × output_period ÷ 300,000, the sum over the key options (``expected_in_plan.central``).

| case | what differs |
|---|---|
| met | f = 1 everywhere, O_b = O_a = 30,000 m², 150,000 m² in the half-year |
| partly_met | counter-current rinsing f = 0.7 (below 1 − tolerance), sludge drying ticked "partly" (f = 0.5) |
| unmet | f = 0.5 everywhere; water reuse 50 %, solid-waste utilisation 71 % |
| veto | as met, but banned equipment is still in use |
| output_growth | as met, but output grew by 20 %: O_b = 25,000, O_a = 30,000 m², 180,000 m² in the half-year |
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from engine.acceptance import build_checklist
from engine.evaluate.completeness import with_completeness
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import default_kb_path, load_kb
from engine.plan.build import build_plan

__all__ = ["CASES", "SOURCE", "write_cases"]

SOURCE = Path("examples/demo_double_multilayer_mid.json")
GAIN = {"copper_recovered_kg"}
CASES: dict[str, dict[str, Any]] = {
    "met": {},
    "partly_met": {
        "factor": {"counter_current_rinse": 0.7, "sludge_dewatering_drying": 0.5},
        "status": {"sludge_dewatering_drying": "partly"},
    },
    "unmet": {"default": 0.5, "indicators": {"water_reuse_rate": 50.0, "general_solid_waste_utilisation": 71.0}},
    "veto": {"vetoes": {"banned_equipment_in_use": True}},
    "output_growth": {"output_before": 25000, "plant_output": 180000},
}
_REPORT = b"acceptance monitoring report (synthetic)\n"
_BUILD = b"completion records of the key options (synthetic)\n"


def _scope(period: tuple[str, str], output: float, readings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "period": {"from": period[0], "to": period[1]},
        "output": {"value": output, "unit": "m2"},
        "readings": readings,
    }


def evidence_of(checklist: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    base_out = float(checklist["base"]["output_m2"])
    ob, oa = float(spec.get("output_before", 30000)), 30000.0
    plant_out = float(spec.get("plant_output", 150000))
    factors = spec.get("factor", {})
    required = [it for it in checklist["items"] if it["required"]]
    items = []
    for it in required:
        f = factors.get(it["id"], spec.get("default", 1.0))
        before, after = [], []
        for res, e in it["expected"].items():
            if res not in checklist["resources"]:
                continue
            s = float(e["central"])
            b = 0.0 if res in GAIN else abs(s)
            a = f * s * oa / base_out if res in GAIN else (b / ob - f * s / base_out) * oa
            unit = checklist["resources"][res]
            before.append({"resource": res, "value": round(b, 3), "unit": unit})
            after.append({"resource": res, "value": round(a, 3), "unit": unit})
        tick: dict[str, Any] = {
            "item": it["id"],
            "status": spec.get("status", {}).get(it["id"], "implemented"),
            "in_service": "2025-10-01",
            "investment": {"value": 500000 if it["cost_class"] == "medium_high" else 20000, "unit": "CNY"},
            "evidence": ["completion_records.txt"],
        }
        if before:
            tick["measured"] = {
                "before": _scope(("2025-04-01", "2025-06-30"), ob, before),
                "after": _scope(("2026-01-01", "2026-03-31"), oa, after),
            }
        items.append(tick)
    readings = []
    for res, b in checklist["base"]["resources"].items():
        got = sum(
            factors.get(i["id"], spec.get("default", 1.0))
            * float((i["expected_in_plan"].get(res) or {}).get("central") or 0)
            for i in required
        )
        value = (float(b["value"]) - got) * plant_out / base_out
        if value > 0:
            readings.append({"resource": res, "value": round(value, 3), "unit": b["unit"]})
    indicators = {"water_reuse_rate": 58.0, "general_solid_waste_utilisation": 90.0, **spec.get("indicators", {})}
    vetoes = {v["id"]: False for v in checklist["vetoes"]}
    vetoes.update(spec.get("vetoes", {}))
    plant = _scope(("2026-01-01", "2026-06-30"), plant_out, readings)
    plant["indicators"] = [{"indicator": k, "value": v, "unit": "%"} for k, v in indicators.items()]
    return {
        "plant": plant,
        "items": items,
        "vetoes": vetoes,
        "checks": {k["id"]: True for k in checklist["checks"]},
        "check_evidence": {"acceptance_monitoring_report": ["monitoring_report.txt"]},
        "documents": [
            {
                "name": "monitoring_report.txt",
                "sha256": hashlib.sha256(_REPORT).hexdigest(),
                "path": "monitoring_report.txt",
            },
            {
                "name": "completion_records.txt",
                "sha256": hashlib.sha256(_BUILD).hexdigest(),
                "path": "completion_records.txt",
            },
        ],
    }


def write_cases(root: Path) -> None:
    kb = load_kb(default_kb_path())
    validated = parse_self_inspection(kb, json.loads(SOURCE.read_text(encoding="utf-8")))
    plan = with_completeness(build_plan(kb, validated.inspection, warnings=[w.as_dict() for w in validated.warnings]))
    checklist = build_checklist(kb, plan)
    for case, spec in CASES.items():
        d = root / case
        d.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE, d / "self_inspection.json")
        (d / "monitoring_report.txt").write_bytes(_REPORT)
        (d / "completion_records.txt").write_bytes(_BUILD)
        text = json.dumps(evidence_of(checklist, spec), ensure_ascii=False, indent=2) + "\n"
        (d / "evidence.json").write_text(text, encoding="utf-8")
