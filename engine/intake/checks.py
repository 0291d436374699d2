"""Checks of a parsed self-inspection: totals and their parts, process routes, wastes' codes, monitoring dates, and
the plausibility of the main intensities. Errors make it invalid; warnings flag what is possible but unusual.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.intake.issues import InputIssue
from engine.intake.model import Product, SelfInspection, YearData, hw_category
from engine.intake.units import UNITS, to_canonical
from engine.kb.loader import KnowledgeBase

__all__ = ["PLAUSIBILITY_FACTOR", "check_year", "plausibility", "route_warnings", "waste_warnings"]

# "Implausible" means this many times beyond the loosest level-III threshold (or below 1/this of the strictest
# level-I threshold) of the default benchmark set: a screening rule of the intake, not a fact about the world.
PLAUSIBILITY_FACTOR = Decimal(10)


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


def route_warnings(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    """Board types made whose knowledge-base route has steps the process does not declare (real plants outsource
    steps, run alternatives the knowledge base does not list, or skip AOI): warnings, not errors."""
    declared = {f.step for f in si.process}
    made: dict[tuple[str, str], str] = {}
    for yi, year in enumerate(si.years):
        for pi, product in enumerate(year.products):
            made.setdefault((product.rigidity.value, product.construction.value), f"years[{yi}].products[{pi}]")
    for (rigidity, construction), path in sorted(made.items()):
        routes = [r for r in kb.routes.values() if r.rigidity == rigidity and r.construction == construction]
        if not routes:
            yield InputIssue(
                path,
                "no_route",
                f"the knowledge base has no process route for {rigidity}/{construction} boards: streams are not "
                "traced to steps for them",
                f"知识库中没有 {rigidity}/{construction} 板的工艺路线：这类产品的废物无法追溯到工序",
            )
            continue
        for route in routes:
            missing = [
                " or ".join(item.steps)
                for item in route.items
                if not item.optional and not any(s in declared for s in item.steps)
            ]
            if missing:
                names = ", ".join(repr(m) for m in missing)
                yield InputIssue(
                    "process",
                    "route_not_declared",
                    f"{rigidity}/{construction} boards are made ({path}) but the process does not declare {names}: "
                    "list each step the plant runs (run: true) or does not run (run: false, with absent_reason); "
                    "what depends on an undeclared step is not assessed",
                    f"生产 {rigidity}/{construction} 板（{path}），但工序清单未列出 {names}：请列出本厂运行的工序"
                    "（run: true）或未运行的工序（run: false，并填写 absent_reason）；依赖未列工序的内容不作评价",
                )


def _sum_parts(parts: list[Any], kind: str, path: str) -> tuple[Decimal | None, list[InputIssue]]:
    total = Decimal(0)
    issues = []
    for i, part in enumerate(parts):
        if part.unit not in UNITS[kind]:
            allowed = sorted(UNITS[kind])
            issues.append(
                InputIssue(
                    f"{path}[{i}].unit",
                    "unit",
                    f"unit {part.unit!r} is not a unit of {kind}; use one of {allowed}",
                    f"单位 {part.unit!r} 不是{kind}的单位，应为 {allowed} 之一",
                )
            )
            return None, issues
        if part.value == "unknown":
            return None, issues
        if part.value < 0:
            issues.append(InputIssue(f"{path}[{i}].value", "negative", "a quantity cannot be negative", "不能为负数"))
            return None, issues
        total += to_canonical(kind, part.value, part.unit)
    return total, issues


def check_year(yi: int, year: YearData) -> Iterator[InputIssue]:
    p = f"years[{yi}]"
    res = year.resources
    positive = [
        (f"{p}.resources.fresh_water", res.fresh_water.canonical()),
        (f"{p}.resources.electricity", res.electricity.canonical()),
        (f"{p}.wastewater.generated", year.wastewater.generated.canonical()),
        (f"{p}.resources.ccl_input", res.ccl_input.canonical() if res.ccl_input else None),
        (f"{p}.output_value", year.output_value.canonical() if year.output_value else None),
    ]
    for pi, product in enumerate(year.products):
        positive.append((f"{p}.products[{pi}].output", product.output.canonical()))
    for path, value in positive:
        if value is not None and value == 0:
            yield InputIssue(
                f"{path}.value",
                "must_be_positive",
                "must be greater than zero for a running PCB plant",
                "正在生产的线路板企业此项应大于零",
            )
    keys = [prod.board_key for prod in year.products]
    for pi, key in enumerate(keys):
        if keys.index(key) != pi:
            yield InputIssue(
                f"{p}.products[{pi}]",
                "duplicate_product",
                f"board type {key} is listed twice in the year",
                f"同一年中板型 {key} 重复填写",
            )
    checks: list[tuple[str, Decimal | None, Decimal | None, list[InputIssue]]] = []
    for name, kind, parts in (
        ("fresh_water", "volume", res.fresh_water_by_workshop),
        ("electricity", "energy", res.electricity_by_workshop),
    ):
        total = getattr(res, name).canonical()
        part_sum, issues = _sum_parts(parts, kind, f"{p}.resources.{name}_by_workshop")
        checks.append((f"{p}.resources.{name}_by_workshop", total, part_sum if parts else None, issues))
    if res.electricity_wastewater_plant is not None:
        checks.append(
            (
                f"{p}.resources.electricity_wastewater_plant",
                res.electricity.canonical(),
                res.electricity_wastewater_plant.canonical(),
                [],
            )
        )
    for field, total in (
        ("electricity", res.electricity.canonical()),
        ("fresh_water", res.fresh_water.canonical()),
        ("wastewater", year.wastewater.generated.canonical()),
        ("ccl_input", res.ccl_input.canonical() if res.ccl_input else None),
        ("output_value", year.output_value.canonical() if year.output_value else None),
    ):
        values = [getattr(prod, field) for prod in year.products]
        given = [v.canonical() for v in values if v is not None]
        known = [v for v in given if v is not None]
        if known and len(known) == len(given):
            checks.append((f"{p}.products[].{field}", total, sum(known, Decimal(0)), []))
    discharged = year.wastewater.discharged
    if discharged is not None:
        checks.append((f"{p}.wastewater.discharged", year.wastewater.generated.canonical(), discharged.canonical(), []))
    for path, total, part_sum, issues in checks:
        yield from issues
        if total is not None and part_sum is not None and part_sum > total:
            yield InputIssue(
                path,
                "parts_exceed_total",
                f"the parts add up to {_n(part_sum)}, more than the total {_n(total)}",
                f"各部分合计 {_n(part_sum)}，超过总量 {_n(total)}",
            )


def waste_warnings(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    """Hazardous-waste codes that differ from the knowledge base's, custom hazardous wastes without a code, and
    samples dated outside their year."""
    for yi, year in enumerate(si.years):
        for wi, waste in enumerate(year.wastes):
            path = f"years[{yi}].wastes[{wi}]"
            stream = kb.streams.get(waste.stream)
            if waste.hw_code is not None and stream is not None and stream.hazardous_waste_code:
                own, kb_cat = hw_category(waste.hw_code), hw_category(stream.hazardous_waste_code)
                if own and kb_cat and own != kb_cat:
                    yield InputIssue(
                        f"{path}.hw_code",
                        "hw_code_differs",
                        f"{waste.hw_code} is in category {own}; the knowledge base files {waste.stream!r} under "
                        f"{stream.hazardous_waste_code} ({kb_cat}): check the transfer manifest",
                        f"{waste.hw_code} 属 {own} 类；知识库中 {waste.stream!r} 为 {stream.hazardous_waste_code}"
                        f"（{kb_cat}）：请核对转移联单",
                    )
            if waste.custom and waste.category == "hazardous" and waste.hw_code is None:
                yield InputIssue(
                    f"{path}.hw_code",
                    "hw_code_missing",
                    f"custom hazardous waste {waste.label!r} has no hazardous-waste code (hw_code, e.g. HW49)",
                    f"自定义危险废物 {waste.label!r} 未填写危险废物代码（hw_code，如 HW49）",
                )
        for oi, outlet in enumerate(year.wastewater.outlets):
            for si_, sample in enumerate(outlet.samples):
                if sample.date is not None and not sample.date.startswith(f"{year.year}-"):
                    yield InputIssue(
                        f"years[{yi}].wastewater.outlets[{oi}].samples[{si_}].date",
                        "sample_outside_year",
                        f"sample of {sample.date} is reported for {year.year}",
                        f"{sample.date} 的样品填报在 {year.year} 年",
                    )


def plausibility(kb: KnowledgeBase, si: SelfInspection) -> Iterator[InputIssue]:
    bset = kb.default_benchmark_set
    checks = {
        "electricity_per_m2": "electricity",
        "fresh_water_per_m2": "fresh_water",
        "wastewater_per_m2": "wastewater",
    }
    for yi, year in enumerate(si.years):
        outputs = [prod.output.canonical() for prod in year.products]
        known_outputs = [o for o in outputs if o is not None]
        if len(known_outputs) != len(outputs):
            continue
        total_output = sum(known_outputs, Decimal(0))
        if total_output <= 0:
            continue
        for indicator_id, field in checks.items():
            plant = (
                year.wastewater.generated.canonical()
                if field == "wastewater"
                else getattr(year.resources, field).canonical()
            )
            if plant is None:
                continue
            intensity = plant / total_output
            path = f"years[{yi}].resources.{field}" if field != "wastewater" else f"years[{yi}].wastewater.generated"
            loosest, strictest = _threshold_envelope(kb, bset.id, indicator_id, year.products)
            if loosest is not None and intensity > loosest * PLAUSIBILITY_FACTOR:
                yield InputIssue(
                    path,
                    "implausibly_high",
                    f"{intensity:.3f} per m² is more than {PLAUSIBILITY_FACTOR} times the loosest level-III threshold "
                    f"({loosest}) of {indicator_id}: check the unit and the output",
                    f"每平方米 {intensity:.3f}，超过 {indicator_id} 最宽松Ⅲ级基准值（{loosest}）的 "
                    f"{PLAUSIBILITY_FACTOR} 倍：请核对单位和产量",
                )
            if strictest is not None and intensity * PLAUSIBILITY_FACTOR < strictest:
                yield InputIssue(
                    path,
                    "implausibly_low",
                    f"{intensity:.4f} per m² is less than 1/{PLAUSIBILITY_FACTOR} of the strictest level-I threshold "
                    f"({strictest}) of {indicator_id}: check the unit and whether all workshops are included",
                    f"每平方米 {intensity:.4f}，不足 {indicator_id} 最严Ⅰ级基准值（{strictest}）的 "
                    f"1/{PLAUSIBILITY_FACTOR}：请核对单位以及是否包含全部车间",
                )
        rates = [(f"years[{yi}].products[{pi}].pass_rate", p.pass_rate) for pi, p in enumerate(year.products)]
        rates.append((f"years[{yi}].pass_rate", year.pass_rate))
        for path, rate in rates:
            if rate is not None and isinstance(rate.value, Decimal) and rate.value < 50:
                yield InputIssue(
                    path,
                    "implausibly_low",
                    "a pass rate below 50 % is unusual: check whether it is the scrap rate",
                    "合格率低于 50 % 不常见：请核对是否填成了报废率",
                )
        ccl = year.resources.ccl_input.canonical() if year.resources.ccl_input else None
        if ccl and total_output > ccl:
            yield InputIssue(
                f"years[{yi}].resources.ccl_input",
                "implausibly_low",
                "less copper-clad laminate put in than board produced: CCL utilisation would exceed 100 %",
                "覆铜板投入量少于产量：覆铜板利用率将超过 100 %",
            )


def _threshold_envelope(
    kb: KnowledgeBase, set_id: str, indicator_id: str, products: list[Product]
) -> tuple[Decimal | None, Decimal | None]:
    bset = kb.benchmark_sets[set_id]
    member = next((m for g in bset.groups for m in g.members if m.indicator == indicator_id), None)
    if member is None:
        return None, None
    loosest: Decimal | None = None
    strictest: Decimal | None = None
    for product in products:
        for row in member.thresholds:
            if row.board is None or not row.board.matches(product.rigidity, product.construction):
                continue
            n = bset.n_for(product.layers or 2)
            values = [row.levels[level].expr.at(n) for level in bset.levels]
            hi, lo = max(values), min(values)
            loosest = hi if loosest is None else max(loosest, hi)
            strictest = lo if strictest is None else min(strictest, lo)
    return loosest, strictest
