"""Names for the Word report: every id the plan carries (indicator keys, steps, options, findings, focus areas and
factors) turned into the knowledge base's zh/en name, and the chapter and column labels of a Chinese
cleaner-production audit report. Ids appear only in the annex."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.i18n import RESOURCES, instance_label, level_label
from explanations.rationale import localise

__all__ = [
    "CHAPTERS",
    "TEXT",
    "finding_name",
    "focus_area_name",
    "focus_factor_name",
    "indicator_name",
    "level_name",
    "option_name",
    "resource_name",
    "step_names",
    "text",
]

# The chapters of a Chinese cleaner-production audit report (the classic audit stages after planning).
CHAPTERS: dict[str, list[str]] = {
    "zh": [
        "企业概况",
        "预审核：现状、水平与差距",
        "审核重点与清洁生产目标",
        "方案的产生与筛选",
        "可行性分析",
        "方案实施计划",
        "持续清洁生产",
    ],
    "en": [
        "The enterprise",
        "Pre-assessment: status, level and gaps",
        "Audit focus and cleaner-production targets",
        "Generating and screening options",
        "Feasibility analysis",
        "Implementation plan",
        "Continuous cleaner production",
    ],
}

# The classic audit-focus factors (weighted-sum ranking) by the names audit manuals use.
_FOCUS_FACTORS = {
    "zh": {
        "waste_amount": "废弃物量",
        "toxicity": "毒性",
        "energy": "能耗",
        "environmental_cost": "环境代价",
        "cp_potential": "清洁生产潜力",
        "workshop_enthusiasm": "车间积极性",
    },
    "en": {
        "waste_amount": "amount of waste",
        "toxicity": "toxicity",
        "energy": "energy",
        "environmental_cost": "environmental cost",
        "cp_potential": "cleaner-production potential",
        "workshop_enthusiasm": "workshop commitment",
    },
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "清洁生产审核报告",
        "subtitle": "智慧审核：由自查表生成，可编辑",
        "summary": "报告摘要",
        "level": "清洁生产水平",
        "firm": "等级已确定",
        "not_firm": "等级未确定",
        "range": "补全数据后可能的等级区间",
        "blocks": "阻碍达到上一等级的因素",
        "index_short": "综合评价指数还差",
        "key_options": "重点方案",
        "targets": "清洁生产目标",
        "option": "方案",
        "savings": "年节约（中值）",
        "money": "年经济效益（元/年）",
        "investment": "投资（元）",
        "payback": "回收期（年）",
        "co2": "CO₂减排（t/年）",
        "total": "合计",
        "to_quote": "待询价",
        "indicator": "指标",
        "value": "现状值",
        "unit": "单位",
        "level_col": "级别",
        "next_target": "上一等级基准值",
        "gap": "差距",
        "limiting": "（限定性）",
        "now": "现状",
        "after_no_low": "无/低费方案后",
        "after_all": "全部方案后",
        "area": "备选审核重点（工序）",
        "score": "总分",
        "steps": "工序",
        "plant_wide": "全厂",
        "cost_class": "费用类别",
        "no_low": "无/低费",
        "medium_high": "中/高费",
        "operating": "年运行费用（元/年）",
        "projected": "全部方案实施后的预测等级",
        "projected_no_low": "仅实施无/低费方案后的预测等级",
        "sources": "引用文献",
        "source_title": "文献",
        "issuer": "发布单位",
        "year": "年份",
        "number": "文号/网址",
        "grade": "可信度",
        "annex": "附件：推理溯源（含机器标识，供核查）",
        "generated": "生成时间",
        "enterprise": "企业名称",
        "district": "所在区",
        "report_year": "审核年度",
        "synthetic": "合成示例数据，非真实企业",
        "benchmark": "评价依据",
        "completeness": "自查表完整度",
        "none": "无",
        "figure_before_after": "图：方案实施前后的定量指标（虚线为各级基准值）",
        "figure_money": "图：重点方案的年经济效益",
    },
    "en": {
        "title": "Cleaner-production audit report",
        "subtitle": "Smart audit: generated from the self-inspection, editable",
        "summary": "Summary",
        "level": "Cleaner-production level",
        "firm": "the level is determined",
        "not_firm": "the level is not determined",
        "range": "possible level once the data are complete",
        "blocks": "What blocks the next level",
        "index_short": "the comprehensive index is short by",
        "key_options": "Key options",
        "targets": "Cleaner-production targets",
        "option": "Option",
        "savings": "Savings per year (central)",
        "money": "Worth (CNY/a)",
        "investment": "Investment (CNY)",
        "payback": "Payback (years)",
        "co2": "CO2 avoided (t/a)",
        "total": "Total",
        "to_quote": "to be quoted",
        "indicator": "Indicator",
        "value": "Value now",
        "unit": "Unit",
        "level_col": "Level",
        "next_target": "Next level's threshold",
        "gap": "Gap",
        "limiting": " (limiting)",
        "now": "Now",
        "after_no_low": "After no/low-cost options",
        "after_all": "After all options",
        "area": "Candidate focus (steps)",
        "score": "Score",
        "steps": "Steps",
        "plant_wide": "plant-wide",
        "cost_class": "Cost class",
        "no_low": "no/low-cost",
        "medium_high": "medium/high-cost",
        "operating": "Operating cost (CNY/a)",
        "projected": "Projected level after all options",
        "projected_no_low": "Projected level after the no/low-cost options only",
        "sources": "References",
        "source_title": "Document",
        "issuer": "Issuer",
        "year": "Year",
        "number": "Number / URL",
        "grade": "Grade",
        "annex": "Annex: derivation trace (with machine ids, for checking)",
        "generated": "Generated at",
        "enterprise": "Enterprise",
        "district": "District",
        "report_year": "Year audited",
        "synthetic": "synthetic example data, not a real enterprise",
        "benchmark": "Benchmark",
        "completeness": "Self-inspection completeness",
        "none": "none",
        "figure_before_after": "Figure: quantitative indicators before and after the options (dashed: thresholds)",
        "figure_money": "Figure: worth per year of the key options",
    },
}


def text(key: str, lang: str) -> str:
    return TEXT[lang][key]


def _n(name: Any, lang: str) -> str:
    if isinstance(name, dict):
        return str(name.get("zh" if lang == "zh" else "en", ""))
    return str(name.zh if lang == "zh" else name.en)


def indicator_name(kb: KnowledgeBase, key: str, lang: str, ev: dict[str, Any] | None = None) -> str:
    """``fresh_water_per_m2[mix]`` as ``单位产品新鲜水耗（按产量加权）``: the indicator's name and its instance."""
    base, _, rest = key.partition("[")
    instance = rest.rstrip("]") if rest else ""
    if ev is not None:
        for ind in ev.get("indicators", []):
            if ind["key"] == key:
                base, instance = ind["id"], ind.get("instance") or ""
                break
    name = _n(kb.indicators[base].name, lang) if base in kb.indicators else base
    label = instance_label(instance, lang) if instance else ""
    if not label:
        return name
    return f"{name}（{label}）" if lang == "zh" else f"{name} ({label})"


def step_names(kb: KnowledgeBase, steps: list[str], lang: str) -> str:
    names = [str(localise(kb, "step", s, lang)) for s in steps]
    return ("、" if lang == "zh" else ", ").join(names) or text("plant_wide", lang)


def option_name(kb: KnowledgeBase, option_id: str, lang: str) -> str:
    option = kb.options.get(option_id)
    return _n(option.name, lang) if option is not None else option_id


def finding_name(kb: KnowledgeBase, finding_id: str, lang: str) -> str:
    fdef = kb.findings.get(finding_id)
    return _n(fdef.title, lang) if fdef is not None else finding_id


def focus_area_name(kb: KnowledgeBase, row: dict[str, Any], lang: str) -> str:
    """An audit-focus area (a family of steps) by the names of the steps it holds."""
    return step_names(kb, list(row.get("steps") or []), lang)


def focus_factor_name(factor: str, lang: str) -> str:
    return _FOCUS_FACTORS[lang].get(factor, factor)


def resource_name(resource: str, lang: str) -> str:
    return RESOURCES[lang].get(resource, resource)


def level_name(level: str | None, lang: str) -> str:
    return level_label(level, lang)
