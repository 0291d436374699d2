"""Request examples for the OpenAPI document, read from the bundled ``examples/`` when they are present."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["EXAMPLES_DIR", "plan_request_examples", "self_inspection_examples"]

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
_SHOWN = ("demo_single_sided_small", "demo_hdi_leader")


@cache
def self_inspection_examples() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in _SHOWN:
        path = EXAMPLES_DIR / f"{name}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            out[name] = {"summary": data.get("enterprise", {}).get("name", name), "value": data}
    return out


def plan_request_examples() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        "stored": {
            "summary": "plan a stored self-inspection",
            "value": {"self_inspection_id": "si_019a3c5e2f10a1b2c3d4e5f60718"},
        },
        "stored_other_set": {
            "summary": "... against another benchmark set, for an earlier year",
            "value": {
                "self_inspection_id": "si_019a3c5e2f10a1b2c3d4e5f60718",
                "benchmark_set": "chongqing_limits",
                "year": 2024,
            },
        },
    }
    for name, example in self_inspection_examples().items():
        out[f"inline_{name}"] = {
            "summary": f"validate, store and plan in one call: {example['summary']}",
            "value": {"self_inspection": example["value"]},
        }
    return out
