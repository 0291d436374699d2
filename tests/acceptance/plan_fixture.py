"""A small plan (the engine's plan JSON, only the members acceptance reads) whose arithmetic is done by hand.

Plan year: 100,000 m² made, 50,000 m³ fresh water (0.5 m³/m²), 45,000 m³ wastewater (0.45 m³/m²).
Key option counter_current_rinse (PCB-W-RIN-01) saves 10,000 m³ fresh water and 10,000 m³ wastewater a year;
wastewater_segregation (PCB-S-SEG-01, medium/high cost, not key) has no quantified saving. Target: fresh water
per m² at most 0.45 (level II), which the plan expects to reach (0.4).
"""

from __future__ import annotations

import copy
from typing import Any

_SAVE = {
    "fresh_water_m3": {"low": 9000.0, "central": 10000.0, "high": 11000.0, "unit": "m3"},
    "wastewater_m3": {"low": 9000.0, "central": 10000.0, "high": 11000.0, "unit": "m3"},
}

PLAN: dict[str, Any] = {
    "plan_version": 1,
    "kb_hash": "sha256:test",
    "enterprise": {"id": "ent-1", "name": "示例厂", "district": "宝安区"},
    "year": 2025,
    "evaluation": {
        "overall_level": "III",
        "indicators": [
            {
                "key": "fresh_water_per_m2[mix]",
                "name": {"zh": "单位产品新鲜水耗", "en": "Fresh water per unit product"},
                "inputs": [
                    {"name": "fresh_water_m3", "value": 50000.0, "unit": "m3"},
                    {"name": "output_m2", "value": 100000.0, "unit": "m2"},
                ],
            }
        ],
    },
    "projected": {"overall_level": "II"},
    "key_options": [
        {"option_id": "counter_current_rinse", "why": ["carries_target"], "text": {"zh": "目标", "en": "target"}}
    ],
    "recommendations": [
        {
            "option_id": "counter_current_rinse",
            "measure_code": "PCB-W-RIN-01",
            "name": {"zh": "多级逆流漂洗改造", "en": "Multi-stage counter-current rinsing"},
            "cost_class": "medium_high",
            "steps": ["inner_etching"],
            "savings": _SAVE,
            "savings_in_plan": _SAVE,
            "investment": {"status": "gap"},
        },
        {
            "option_id": "wastewater_segregation",
            "measure_code": "PCB-S-SEG-01",
            "name": {"zh": "废水分质分流", "en": "Wastewater segregation"},
            "cost_class": "medium_high",
            "steps": [],
            "savings": {},
            "savings_in_plan": {},
            "investment": {"status": "gap"},
        },
        {
            "option_id": "led_lighting",
            "measure_code": "PCB-E-MGT-02",
            "name": {"zh": "LED 照明", "en": "LED lighting"},
            "cost_class": "no_low",
            "savings": {},
            "savings_in_plan": {},
        },
    ],
    "totals": {
        "fresh_water_m3": {"central": 10000.0, "unit": "m3", "base": 50000.0},
        "wastewater_m3": {"central": 10000.0, "unit": "m3", "base": 45000.0},
        "copper_recovered_kg": {"central": 0.0, "unit": "kg", "base": None},
        "co2_t": {"central": 0.0, "unit": "t"},
        "money": {"unit": "CNY/a", "central": 0},
    },
    "targets": [
        {
            "indicator": "fresh_water_per_m2[mix]",
            "unit": "m3/m2",
            "now": {"value": 0.5, "level": "III"},
            "after_all": {"value": 0.4, "level": "II"},
            "next_level": {"level": "II", "target": 0.45, "comparison": "<="},
        }
    ],
}

VETOES = {
    "no_audit_capability": False,
    "wrong_focus_or_targets": False,
    "banned_equipment_in_use": False,
    "phase_out_not_planned": False,
    "compliance_deferred": False,
}
CHECKS = {
    "acceptance_monitoring_report": True,
    "stable_compliance": True,
    "no_low_cost_continuing": True,
    "meters_in_place": True,
    "treatment_facilities_running": True,
}
REPORT = b"acceptance monitoring report"


def evidence(**changes: Any) -> dict[str, Any]:
    """The 'met' case; keyword arguments replace top-level members."""
    import hashlib

    ev: dict[str, Any] = {
        "plant": {
            "period": {"from": "2026-01-01", "to": "2026-06-30"},
            "output": {"value": 60000, "unit": "m2"},
            # 24,000 / 60,000 = 0.4 m³/m²: saved (0.5 − 0.4) × 100,000 = 10,000 m³/a
            # 18,000 / 60,000 = 0.3 m³/m²: saved (0.45 − 0.3) × 100,000 = 15,000 m³/a, 1/3 of the base
            "readings": [
                {"resource": "fresh_water_m3", "value": 24000, "unit": "m3"},
                {"resource": "wastewater_m3", "value": 18000, "unit": "m3"},
            ],
        },
        "items": [
            {
                "item": "counter_current_rinse",
                "status": "implemented",
                "in_service": "2025-11-01",
                "investment": {"value": 400000, "unit": "CNY"},
                # line meter: 2,000/10,000 = 0.2 before, 1,200/12,000 = 0.1 after: (0.2 − 0.1) × 100,000 = 10,000
                "measured": {
                    "before": {
                        "period": {"from": "2025-05-01", "to": "2025-07-31"},
                        "output": {"value": 10000, "unit": "m2"},
                        "readings": [{"resource": "fresh_water_m3", "value": 2000, "unit": "m3"}],
                    },
                    "after": {
                        "period": {"from": "2026-01-01", "to": "2026-03-31"},
                        "output": {"value": 12000, "unit": "m2"},
                        "readings": [{"resource": "fresh_water_m3", "value": 1200, "unit": "m3"}],
                    },
                },
                "evidence": ["rinse_acceptance.pdf"],
            },
            {
                "item": "wastewater_segregation",
                "status": "implemented",
                "in_service": "2025-12-01",
                "investment": {"value": 400000, "unit": "CNY"},
                "evidence": ["rinse_acceptance.pdf"],
            },
        ],
        "vetoes": dict(VETOES),
        "checks": dict(CHECKS),
        "documents": [{"name": "rinse_acceptance.pdf", "sha256": hashlib.sha256(REPORT).hexdigest()}],
    }
    ev.update(copy.deepcopy(changes))
    return ev


def plan() -> dict[str, Any]:
    return copy.deepcopy(PLAN)
