"""Regenerate the bundled acceptance examples (run from the repository root:
``/work/main/.venv/bin/python scripts/make_acceptance_example.py``). Deterministic: the same files every run.

1. ``examples/acceptance/demo_double_multilayer_mid/evidence.json`` from its checklist.json (after
   ``smart-audit accept checklist PLAN.json -o .../checklist.json``): every key option implemented, metered 5 %
   better than the plan expects (a smaller increase where the plan expects one), synthetic documents.
2. ``examples/acceptance/<case>/`` for the cases met, partly_met, unmet, veto and output_growth: the bundled
   self-inspection ``examples/demo_double_multilayer_mid.json`` copied as ``self_inspection.json`` and evidence built
   from its plan's checklist (``acceptance_cases.py`` beside this script says how each case is made).
"""

import hashlib
import json
import sys
from pathlib import Path


def legacy() -> None:

    D = Path("examples/acceptance/demo_double_multilayer_mid")
    c = json.loads((D / "checklist.json").read_text())
    BASE = c["base"]["output_m2"]
    GAIN = {"copper_recovered_kg"}
    report = b"demo acceptance monitoring report (synthetic)\n"
    (D / "monitoring_report.txt").write_bytes(report)
    build = b"demo completion records of the key options (synthetic)\n"
    (D / "completion_records.txt").write_bytes(build)
    items = []
    for it in c["items"]:
        if not it["required"]:
            continue
        before, after = [], []
        for res, e in it["expected"].items():
            if res not in c["resources"]:
                continue
            E = e["central"]
            S = E * 1.05 if E > 0 else E * 0.7  # better than the plan expected (a smaller increase)
            if res in GAIN:
                ib, ia = 0.0, S / BASE
            else:
                ib = abs(S) * 2 / BASE + 0.01
                ia = ib - S / BASE
            before.append({"resource": res, "value": round(ib * 25000, 3), "unit": c["resources"][res]})
            after.append({"resource": res, "value": round(ia * 30000, 3), "unit": c["resources"][res]})
        tick = {
            "item": it["id"],
            "status": "implemented",
            "in_service": "2025-10-01",
            "investment": {"value": 500000 if it["cost_class"] == "medium_high" else 20000, "unit": "CNY"},
            "evidence": ["completion_records.txt"],
        }
        if before:
            tick["measured"] = {
                "before": {
                    "period": {"from": "2025-04-01", "to": "2025-06-30"},
                    "output": {"value": 25000, "unit": "m2"},
                    "readings": before,
                },
                "after": {
                    "period": {"from": "2026-01-01", "to": "2026-03-31"},
                    "output": {"value": 30000, "unit": "m2"},
                    "readings": after,
                },
            }
        items.append(tick)
    # plant: 150,000 m² in the half-year; each resource cut a little more than the required items' savings_in_plan
    plant_out = 150000
    readings = []
    for res, b in c["base"]["resources"].items():
        exp = sum(
            float((i["expected_in_plan"].get(res) or {}).get("central") or 0) for i in c["items"] if i["required"]
        )
        per = (b["value"] - exp * 1.05) / BASE
        if per > 0:
            readings.append({"resource": res, "value": round(per * plant_out, 1), "unit": b["unit"]})
    ev = {
        "plant": {
            "period": {"from": "2026-01-01", "to": "2026-06-30"},
            "output": {"value": plant_out, "unit": "m2"},
            "readings": readings,
            "indicators": [
                {"indicator": "water_reuse_rate", "value": 58.0, "unit": "%"},
                {"indicator": "general_solid_waste_utilisation", "value": 90.0, "unit": "%"},
            ],
        },
        "items": items,
        "vetoes": {v["id"]: False for v in c["vetoes"]},
        "checks": {k["id"]: True for k in c["checks"]},
        "check_evidence": {"acceptance_monitoring_report": ["monitoring_report.txt"]},
        "documents": [
            {
                "name": "monitoring_report.txt",
                "sha256": hashlib.sha256(report).hexdigest(),
                "path": "monitoring_report.txt",
            },
            {
                "name": "completion_records.txt",
                "sha256": hashlib.sha256(build).hexdigest(),
                "path": "completion_records.txt",
            },
        ],
    }
    (D / "evidence.json").write_text(json.dumps(ev, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
    from acceptance_cases import write_cases

    legacy()
    write_cases(Path("examples/acceptance"))
