"""The achievement library (成果库): what verified acceptances measured, by measure code, as evidence for plans.

Pure functions. :func:`outcomes_of` reads one verification (with its checklist) into outcome rows: per implemented
option its measure code, actual investment, the capacity the plan scaled its investment by, and the measured
savings (per year at the plan year's output, and per m² of that output so plants of different size compare).
:func:`aggregate` takes the medians by measure code over many acceptances; :func:`annotate` sets them beside a
plan's options and reports the plan's estimates that the verified outcomes contradict (expected more than
``factor`` times, or less than 1/``factor`` of, the median verified; ``factor`` comes from the policy data).
"""

from __future__ import annotations

from statistics import median
from typing import Any

__all__ = ["GRADE", "aggregate", "annotate", "outcomes_of"]

GRADE = "measured_in_cohort"
_GRADE_TEXT = {"zh": "同批企业实测", "en": "measured in the cohort"}


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def outcomes_of(checklist: dict[str, Any], verification: dict[str, Any], *, acceptance_id: str) -> list[dict[str, Any]]:
    """One row per option the verification found implemented, with what was measured of it."""
    planned = {i["id"]: i for i in checklist.get("items", [])}
    base_out = _num((checklist.get("base") or {}).get("output_m2"))
    enterprise = (checklist.get("enterprise") or {}).get("id")
    rows = []
    for item in verification.get("items", []):
        code = item.get("measure_code")
        if item.get("status") != "implemented" or not code:
            continue
        scaling = ((planned.get(item["id"]) or {}).get("investment_planned") or {}).get("scaling") or {}
        investment = _num((item.get("investment") or {}).get("value"))
        capacity = _num(scaling.get("capacity"))
        savings = {}
        for res, m in (item.get("measured") or {}).items():
            saving = _num(m.get("saving"))
            if saving is None:
                continue
            per_m2 = saving / base_out if base_out else None
            savings[res] = {"value": saving, "per_m2": per_m2, "unit": m.get("unit")}
        rows.append(
            {
                "acceptance_id": acceptance_id,
                "enterprise_id": enterprise,
                "option_id": item["id"],
                "measure_code": code,
                "verdict": verification.get("verdict"),
                "met": item.get("met"),
                "investment": investment,
                "capacity": {"driver": scaling.get("driver"), "value": capacity} if capacity else None,
                "investment_per_capacity": investment / capacity if investment is not None and capacity else None,
                "output_m2": base_out,
                "savings": savings,
            }
        )
    return rows


def _stat(values: list[float], unit: str | None) -> dict[str, Any] | None:
    return {"median": median(values), "n": len(values), "unit": unit} if values else None


def aggregate(outcomes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Medians by measure code: investment, investment per unit of capacity (by driver), savings per resource
    (per year and per m² of output), with the number of plants (distinct enterprises) and of outcomes."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for row in outcomes:
        by_code.setdefault(row["measure_code"], []).append(row)
    out: dict[str, dict[str, Any]] = {}
    for code in sorted(by_code):
        rows = by_code[code]
        per_cap: dict[str, list[float]] = {}
        for r in rows:
            if r["investment_per_capacity"] is not None and r["capacity"]:
                per_cap.setdefault(str(r["capacity"]["driver"]), []).append(r["investment_per_capacity"])
        resources = sorted({res for r in rows for res in r["savings"]})
        savings = {}
        for res in resources:
            vals = [r["savings"][res] for r in rows if res in r["savings"]]
            unit = vals[0]["unit"]
            savings[res] = {
                "median": median(v["value"] for v in vals),
                "median_per_m2": _stat([v["per_m2"] for v in vals if v["per_m2"] is not None], f"{unit}/m2"),
                "n": len(vals),
                "unit": unit,
            }
        out[code] = {
            "measure_code": code,
            "n_plants": len({r["enterprise_id"] for r in rows}),
            "n_outcomes": len(rows),
            "n_met": sum(1 for r in rows if r["met"] is True),
            "investment": _stat([r["investment"] for r in rows if r["investment"] is not None], "CNY"),
            "investment_per_capacity": {
                driver: _stat(vals, f"CNY per {driver}") for driver, vals in sorted(per_cap.items())
            },
            "savings": savings,
            "grade": GRADE,
            "grade_text": dict(_GRADE_TEXT),
            "options": sorted({r["option_id"] for r in rows}),
        }
    return out


def _fmt(x: float) -> str:
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _contradiction(what: str, expected: float, verified: float, factor: float, unit: str) -> dict[str, Any] | None:
    if verified <= 0 or expected <= 0:
        return None
    ratio = expected / verified
    if 1 / factor <= ratio <= factor:
        return None
    direction = "above" if ratio > factor else "below"
    return {
        "what": what,
        "expected": expected,
        "median_verified": verified,
        "ratio": round(ratio, 3),
        "unit": unit,
        "direction": direction,
        "text": {
            "zh": f"{what}：方案估计 {_fmt(expected)} {unit}，为已核验中位数 {_fmt(verified)} 的 {ratio:.2g} 倍"
            f"（{'高于' if direction == 'above' else '低于'}阈值 {factor:g} 倍）",
            "en": f"{what}: the plan expects {_fmt(expected)} {unit}, {ratio:.2g} x the verified median "
            f"{_fmt(verified)} ({direction} the {factor:g} x threshold)",
        },
    }


def annotate(plan: dict[str, Any], library: dict[str, dict[str, Any]], *, factor: float | None) -> list[dict[str, Any]]:
    """Beside each option of ``plan`` that the library knows: the verified outcomes, and the plan's estimates they
    contradict (per m² of output for savings, per unit of capacity for investment); ``factor`` None checks none."""
    base_out = None
    for ind in (plan.get("evaluation") or {}).get("indicators", []):
        for inp in ind.get("inputs", []):
            if inp.get("name") == "output_m2" and _num(inp.get("value")):
                base_out = float(inp["value"])
                break
        if base_out:
            break
    out = []
    for rec in plan.get("recommendations", []):
        entry = library.get(rec.get("measure_code") or "")
        if entry is None:
            continue
        inv = entry["investment"]
        saving_parts_zh, saving_parts_en = [], []
        for res, s in entry["savings"].items():
            saving_parts_zh.append(f"{res} {_fmt(s['median'])} {s['unit']}/年")
            saving_parts_en.append(f"{res} {_fmt(s['median'])} {s['unit']}/a")
        inv_zh = f"投资中位数 {_fmt(inv['median'])} 元" if inv else "投资未填报"
        inv_en = f"median investment {_fmt(inv['median'])} CNY" if inv else "investment not reported"
        n = entry["n_plants"]
        text = {
            "zh": f"已在 {n} 家企业实施并核验：{inv_zh}；节约中位数 {'、'.join(saving_parts_zh) or '未计量'}"
            f"（{_GRADE_TEXT['zh']}）",
            "en": f"implemented and verified at {n} plant(s): {inv_en}; median saving "
            f"{', '.join(saving_parts_en) or 'not metered'} ({_GRADE_TEXT['en']})",
        }
        contradicted = []
        if factor:
            for res, exp in (rec.get("savings") or {}).items():
                s = entry["savings"].get(res)
                central = _num((exp or {}).get("central")) if isinstance(exp, dict) else None
                if s is None or central is None or not base_out or not s["median_per_m2"]:
                    continue
                c = _contradiction(
                    f"{res} saving per m2", central / base_out, s["median_per_m2"]["median"], factor, f"{s['unit']}/m2"
                )
                if c:
                    contradicted.append(c)
            scaling = (rec.get("investment") or {}).get("scaling") or {}
            central_inv, capacity = _num((rec.get("investment") or {}).get("central")), _num(scaling.get("capacity"))
            per_cap = entry["investment_per_capacity"].get(str(scaling.get("driver")))
            if central_inv and capacity and per_cap:
                c = _contradiction(
                    f"investment per {scaling['driver']}",
                    central_inv / capacity,
                    per_cap["median"],
                    factor,
                    f"CNY per {scaling['driver']}",
                )
                if c:
                    contradicted.append(c)
        out.append(
            {
                "option_id": rec["option_id"],
                "measure_code": rec["measure_code"],
                "verified": entry,
                "text": text,
                "grade": GRADE,
                "contradicted": contradicted,
            }
        )
    return out
