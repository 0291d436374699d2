"""Write the bundled sample cohort: 23 synthetic Bao'an PCB enterprises for 2024 and for 2026 (合成示例).

    python scripts/make_sample_cohort.py            # writes examples/cohort/2024/*.json and examples/cohort/2026/*.json
    python scripts/make_sample_cohort.py --check    # exit 1 if the committed files differ from what it would write

Every enterprise is one of the complete examples in ``examples/`` (board types: single-sided, double + 4L,
multilayer + HDI, HDI leader, flexible + rigid-flex) scaled to another size (every quantity with the output) and
moved to another performance (water, electricity, copper-bearing chemistry and wastes, CCL per m² multiplied by a
factor drawn per enterprise; better plants with more yes/no practices in place, worse ones with fewer). In 2026
some enterprises have implemented options: counter-current rinsing (less water and wastewater), line and plant
metering (a little less electricity), on-site etchant regeneration (less etchant bought, less spent etchant) and a
clean-production management system; their answers and quantities say so.
Nothing is random outside ``random.Random(SEED)``; every name and id is marked synthetic. The same generator
(``generate``) feeds the cohort benchmark with any number of enterprises."""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUT = EXAMPLES / "cohort"
SEED = 20240613
N_SAMPLE = 23
TEMPLATES = (
    "demo_single_sided_small",
    "demo_double_multilayer_mid",
    "demo_multilayer_hdi_large",
    "demo_hdi_leader",
    "demo_flex_rigidflex_submetered",
)
BEFORE, AFTER = 2024, 2026
OPTIONS = ("rinse", "metering", "etchant", "management")
_EXTENSIVE = {"m2", "m3", "kWh", "t", "10^4CNY"}
_SIZE_ANSWERS = {"q_compressor_power_kw", "q_lighting_power_kw", "q_exposure_power_kw"}
_COPPER_CHEMICALS = {"etchant", "micro_etch", "plating"}
_COPPER_WASTES = {"spent_alkaline_etchant", "spent_acid_etchant", "spent_micro_etch", "wwt_sludge"}


def _templates() -> list[dict[str, Any]]:
    return [json.loads((EXAMPLES / f"{t}.json").read_text(encoding="utf-8")) for t in TEMPLATES]


def _round(x: float) -> float | int:
    return round(x) if abs(x) >= 10 else round(x, 1)


def _stream(path: tuple[str, ...], node: dict[str, Any]) -> str:
    """Which performance factor applies to a quantity, by where it stands."""
    last = path[-1]
    if node["unit"] == "kWh":
        return "electricity"
    if node["unit"] == "m3":
        return "water"
    if "ccl_input" in path:
        return "ccl"
    if last == "output":
        return "size"
    if last == "output_value":
        return "value"
    if "copper_recovered" in path:
        return "copper"
    return "materials"


def _scale(node: Any, factors: dict[str, float], path: tuple[str, ...] = ()) -> None:
    """Multiply every extensive quantity by the size and its stream's factor (concentrations, shares unchanged)."""
    if isinstance(node, dict):
        if node.get("unit") in _EXTENSIVE and isinstance(node.get("value"), int | float) and path:
            kind = _stream(path, node)
            f = factors["size"] * (1.0 if kind == "size" else factors[kind])
            node["value"] = _round(node["value"] * f)
            return
        for key, value in node.items():
            _scale(value, factors, (*path, key))
    elif isinstance(node, list):
        for item in node:
            _scale(item, factors, path)


def _copper_quantities(year: dict[str, Any], factor: float) -> None:
    for chem in year.get("resources", {}).get("chemicals", []):
        if chem.get("category") in _COPPER_CHEMICALS:
            chem["quantity"]["value"] = _round(chem["quantity"]["value"] * factor)
    for waste in year.get("wastes", []):
        if waste.get("stream") in _COPPER_WASTES:
            waste["quantity"]["value"] = _round(waste["quantity"]["value"] * factor)


def _value(node: Any) -> float:
    return float(node["value"]) if isinstance(node, dict) and isinstance(node.get("value"), int | float) else 0.0


def _reconcile(year: dict[str, Any]) -> None:
    """Totals never below the sum of their parts after rounding each (products, workshops)."""
    res = year.get("resources", {})
    products = year.get("products", [])
    pairs = [
        (res.get(k), [p.get(k) for p in products] + res.get(f"{k}_by_workshop", []))
        for k in ("ccl_input", "fresh_water", "electricity")
    ]
    pairs.append(((year.get("wastewater") or {}).get("generated"), [p.get("wastewater") for p in products]))
    for total, parts in pairs:
        if isinstance(total, dict):
            for group in (parts[: len(products)], parts[len(products) :]):
                total["value"] = max(total["value"], _round(sum(_value(x) for x in group)))


def _year(template_year: dict[str, Any], year: int, factors: dict[str, float]) -> dict[str, Any]:
    out = copy.deepcopy(template_year)
    out["year"] = year
    _scale(out, factors)
    _copper_quantities(out, factors["copper"])
    _reconcile(out)
    return out


def _enterprise(tpl: dict[str, Any], index: int) -> dict[str, Any]:
    ent = dict(tpl["enterprise"])
    ent["id"] = f"synthetic-bao-an-pcb-{index:05d}"
    ent["name"] = f"深圳市宝安区合成示例线路板{index:05d}号厂（合成示例 synthetic）"
    ent["synthetic"] = True
    return ent


def _answers(doc: dict[str, Any], size: float) -> None:
    for key in _SIZE_ANSWERS & set(doc["answers"]):
        if isinstance(doc["answers"][key], int | float):
            doc["answers"][key] = _round(doc["answers"][key] * size)
    for step in doc["process"]:
        for key in _SIZE_ANSWERS & set(step.get("answers") or {}):
            if isinstance(step["answers"][key], int | float):
                step["answers"][key] = _round(step["answers"][key] * size)


def _implement(doc: dict[str, Any], year: dict[str, Any], options: set[str], full: bool) -> None:
    """Options in place: answers say so (in the last year's document), quantities fall (half in the year between)."""
    share = 1.0 if full else 0.5
    res = year.get("resources", {})

    def cut(node: dict[str, Any] | None, by: float) -> None:
        if isinstance(node, dict) and isinstance(node.get("value"), int | float):
            node["value"] = _round(node["value"] * (1 - by * share))

    if "rinse" in options:
        for key in ("fresh_water", "reused_water"):
            cut(res.get(key), 0.18)
        for row in res.get("fresh_water_by_workshop", []):
            cut(row, 0.18)
        for key in ("generated", "discharged"):
            cut(year.get("wastewater", {}).get(key), 0.18)
        for product in year.get("products", []):
            cut(product.get("fresh_water"), 0.18)
            cut(product.get("wastewater"), 0.18)
    if "metering" in options:
        cut(res.get("electricity"), 0.04)
        for row in res.get("electricity_by_workshop", []):
            cut(row, 0.04)
        for product in year.get("products", []):
            cut(product.get("electricity"), 0.04)
    if "etchant" in options:
        for chem in res.get("chemicals", []):
            if chem.get("category") == "etchant":
                cut(chem["quantity"], 0.55)
        for waste in year.get("wastes", []):
            if waste.get("stream") in {"spent_alkaline_etchant", "spent_acid_etchant"}:
                cut(waste["quantity"], 0.7)
    if not full:
        return
    for step in doc["process"]:
        answers = step.get("answers") or {}
        if "rinse" in options and answers.get("q_rinse_type") in {"single_overflow", "parallel"}:
            answers["q_rinse_type"] = "counter_current"
            answers["q_rinse_stages"] = max(3, int(answers.get("q_rinse_stages") or 0))
        if "metering" in options and answers.get("q_line_metering") is False:
            answers["q_line_metering"] = True
        if "etchant" in options and answers.get("q_etchant_regeneration") == "offsite_recovery":
            answers["q_etchant_regeneration"] = "onsite_regeneration"
    top = doc["answers"]
    if "rinse" in options and top.get("q_rinse_water_reuse") in {"none", "partial"}:
        top["q_rinse_water_reuse"] = "high_recovery" if top["q_rinse_water_reuse"] == "partial" else "partial"
    if "metering" in options:
        for key in ("q_energy_meters_gb17167", "q_water_meters_gb24789"):
            if key in top:
                top[key] = True
    if "management" in options:  # a clean-production system: the management practices all in place
        for key in ("q_cp_audit_work_plan", *_PRACTICES):
            if key in top:
                top[key] = True


def _document(
    tpl: dict[str, Any], index: int, last: int, factors: dict[str, float], options: set[str], growth: float
) -> dict[str, Any]:
    doc = copy.deepcopy(tpl)
    doc["enterprise"] = _enterprise(tpl, index)
    doc["enterprise"]["staff"] = _round(tpl["enterprise"]["staff"] * factors["size"])
    _answers(doc, factors["size"])
    template_years = tpl["years"]
    n = len(template_years)
    years = list(range(last - n + 1, last + 1))
    doc["reporting_years"] = years
    built = []
    for i, y in enumerate(years):
        # up to the first period: the template's years (the same in both documents); after it, the template's last
        # year grown and with the options in place
        step = max(0, y - BEFORE)
        # output value per m² up 4 % a year after 2024 (carbon per output value keeps falling, as in the templates)
        f = {**factors, "size": factors["size"] * growth**step, "value": 1.04**step}
        row = _year(template_years[min(n - 1, y - (BEFORE - n + 1))], y, f)
        if step and options:
            _implement(doc, row, options, full=i == n - 1)
            _reconcile(row)
        built.append(row)
    doc["years"] = built
    for price in (doc.get("prices") or {}).values():
        if isinstance(price, dict) and "valid_from" in price:
            price["valid_from"] = f"{years[0]}-01-01"
    return doc


# Yes/no practices that differ between plants of one kind: better plants have more in place, worse ones fewer.
_PRACTICES = (
    "q_cp_plan",
    "q_cp_rules_incentives",
    "q_cp_leadership_body",
    "q_energy_audit_done",
    "q_carbon_inventory",
    "q_ems_gb24001",
    "q_exhaust_ledger",
    "q_monitoring_staff",
    "q_realtime_database",
    "q_plantwide_saving_measures",
    "q_high_cod_liquids_separated",
    "q_edge_scrap_recycled",
    "q_energy_meters_gb17167",
    "q_water_meters_gb24789",
    "q_exhaust_auto_dosing",
    "q_noise_measures",
)


def _practices(tpl: dict[str, Any], level: float, rng: random.Random) -> dict[str, Any]:
    """The template with some practices switched by the plant's performance (one draw per practice and step)."""
    out = copy.deepcopy(tpl)
    for key in _PRACTICES:
        draw = rng.random()
        value = out["answers"].get(key)
        if value is False and level < 1.0 and draw < 0.5:
            out["answers"][key] = True
        elif value is True and level > 1.2 and draw < 0.2:
            out["answers"][key] = False
    for step in out["process"]:
        answers = step.get("answers") or {}
        if "q_rinse_type" not in answers:
            continue
        draw = rng.random()
        if answers["q_rinse_type"] == "counter_current" and level > 1.05 and draw < 0.3:
            answers["q_rinse_type"] = "single_overflow"
        elif answers["q_rinse_type"] == "single_overflow" and level < 1.0 and draw < 0.4:
            answers["q_rinse_type"] = "counter_current"
    return out


def enterprise_pair(templates: list[dict[str, Any]], index: int, rng: random.Random) -> tuple[dict, dict]:
    """The 2024 and 2026 self-inspections of enterprise ``index`` (draws from ``rng`` in a fixed order)."""
    tpl = templates[(index - 1) % len(templates)]
    level = rng.choice((0.88, 0.95, 1.0, 1.1, 1.22, 1.35))  # better ... worse than the template's plant
    factors = {
        "size": round(rng.uniform(0.4, 1.8), 3),
        "water": round(level * rng.uniform(0.92, 1.08), 3),
        "electricity": round(level * rng.uniform(0.92, 1.08), 3),
        "copper": round(level * rng.uniform(0.92, 1.08), 3),
        "ccl": round(rng.uniform(0.99, 1.06), 3),
        "materials": round(rng.uniform(0.92, 1.1), 3),
        "value": 1.0,
    }
    growth = round(rng.uniform(0.97, 1.06), 3)  # output per year from 2024 to 2026
    options = {o for o in OPTIONS if rng.random() < 0.55}
    tpl = _practices(tpl, level, rng)
    before = _document(tpl, index, BEFORE, factors, set(), 1.0)
    after = _document(tpl, index, AFTER, factors, options, growth)
    return before, after


def generate(n: int = N_SAMPLE, seed: int = SEED) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(file name, 2024 document, 2026 document) of ``n`` synthetic enterprises."""
    rng = random.Random(seed)
    templates = _templates()
    for index in range(1, n + 1):
        before, after = enterprise_pair(templates, index, rng)
        yield f"synthetic_bao_an_pcb_{index:05d}.json", before, after


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def files(n: int = N_SAMPLE, seed: int = SEED) -> dict[Path, str]:
    """Every file the generator writes (path relative to the repository root -> text)."""
    out: dict[Path, str] = {}
    for name, before, after in generate(n, seed):
        out[Path("examples/cohort") / str(BEFORE) / name] = dumps(before)
        out[Path("examples/cohort") / str(AFTER) / name] = dumps(after)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    wanted = files()
    if args.check:
        stale = [p for p, text in wanted.items() if not (ROOT / p).is_file() or (ROOT / p).read_text("utf-8") != text]
        for p in stale:
            print(f"{p}: differs from the generator's output", file=sys.stderr)
        return 1 if stale else 0
    for sub in (str(BEFORE), str(AFTER)):
        for old in (OUT / sub).glob("*.json") if (OUT / sub).is_dir() else []:
            old.unlink()
    for path, text in wanted.items():
        (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / path).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} files under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
