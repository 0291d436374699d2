"""User-facing labels in Chinese and English (enterprises and the bureau read Chinese first)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "EFFLUENT_LABELS",
    "LABELS",
    "RESOURCES",
    "firmness_text",
    "indicator_level_label",
    "instance_label",
    "level_label",
    "level_range_text",
]

RESOURCES: dict[str, dict[str, str]] = {
    "zh": {
        "fresh_water_m3": "新鲜水",
        "wastewater_m3": "废水",
        "electricity_kwh": "电",
        "copper_in_wastewater_kg": "废水中铜",
        "cod_in_wastewater_kg": "废水中COD",
        "hazardous_waste_t": "危险废物",
        "chemicals_t": "化学品",
        "copper_recovered_kg": "回收铜",
        "waste_to_disposal_t": "填埋/焚烧处置的废物",
        "copper_discharged_kg": "外排废水中的铜",
        "wastewater_discharged_m3": "外排废水",
        "copper_to_recycler_kg": "交回收单位的铜",
        "ccl_m2": "覆铜板",
        "cyanide_in_wastewater_kg": "废水中氰化物",
        "voc_emitted_kg": "VOCs排放",
        "co2_t": "二氧化碳",
    },
    "en": {
        "fresh_water_m3": "fresh water",
        "wastewater_m3": "wastewater",
        "electricity_kwh": "electricity",
        "copper_in_wastewater_kg": "Cu in wastewater",
        "cod_in_wastewater_kg": "COD in wastewater",
        "hazardous_waste_t": "hazardous waste",
        "chemicals_t": "chemicals",
        "copper_recovered_kg": "copper recovered",
        "waste_to_disposal_t": "waste to landfill or incineration",
        "copper_discharged_kg": "copper discharged",
        "wastewater_discharged_m3": "wastewater discharged",
        "copper_to_recycler_kg": "copper sent to recyclers",
        "ccl_m2": "copper-clad laminate",
        "cyanide_in_wastewater_kg": "cyanide in wastewater",
        "voc_emitted_kg": "VOCs emitted",
        "co2_t": "CO2",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "report_title": "清洁生产审核报告（智慧审核）",
        "enterprise": "企业",
        "district": "所在区",
        "year": "评价年度",
        "synthetic": "合成示例数据，非真实企业",
        "summary": "企业概况与数据质量",
        "data_quality": "数据质量",
        "insufficient": "数据不足的指标",
        "missing_inputs": "缺失的输入",
        "warnings": "提示",
        "none": "无",
        "evaluation": "清洁生产水平评价",
        "benchmark_set": "基准体系",
        "n_definition": "n 的定义",
        "overall_level": "综合评定等级",
        "level_range": "等级区间（补全数据后）",
        "level_not_firm": "等级未确定",
        "indices": "综合评价指数",
        "indicator": "指标",
        "value": "数值",
        "unit": "单位",
        "level": "级别",
        "thresholds": "各级基准值",
        "source": "来源",
        "grade": "可信度",
        "limiting": "限定性",
        "provisional": "暂定",
        "provisional_note": "标注“暂定”的数值来自 C/D/U 级来源（第三方转录、推算或未经确认），需以官方文本核实。",
        "blocking": "达到上一等级的差距",
        "index_gap": "综合指数差距",
        "process_graph": "工艺流程（红框为存在问题的工序）",
        "findings": "发现的问题",
        "observed": "观察",
        "rule": "规则",
        "threshold_applied": "依据的阈值",
        "conclusion": "结论",
        "severity": "严重度",
        "high": "高",
        "medium": "中",
        "low": "低",
        "plan": "清洁生产方案",
        "no_low": "无/低费方案（立即实施）",
        "medium_high": "中/高费方案（需开展可行性分析）",
        "option": "方案",
        "steps": "工序",
        "plant_wide": "全厂",
        "savings": "年节约（中值，区间）",
        "money": "年经济效益",
        "investment": "投资",
        "totals": "方案合计（按剩余量依次叠加，不超过现状）",
        "key_options": "重点方案（按优先级排序）",
        "payback": "回收期",
        "priority": "优先级",
        "because": "依据",
        "to_quantify": "需补充的数据",
        "assumptions": "估算假设",
        "claim": "含厂商宣称数据",
        "assumption": "含本系统规划假设（U级，可调整）",
        "resolution": "方案取舍",
        "audit_focus": "审核重点（权重总和计分排序）",
        "area": "备选区域",
        "total": "总分",
        "targets": "清洁生产目标",
        "now": "现状",
        "after_no_low": "实施无/低费方案后",
        "after_all": "全部方案实施后",
        "before_after": "实施前后对比",
        "projected_level": "预测等级",
        "why_not": "未触发的规则",
        "drilldown": "推理溯源",
        "premises": "前提",
        "inputs": "原始填报",
        "appendix": "附录",
        "sources": "引用来源",
        "kb_version": "知识库版本",
        "kb_hash": "知识库哈希",
        "input_hash": "输入哈希",
        "generated_at": "生成时间",
        "recommendations": "推荐方案",
        "none_fired": "无",
        "key_summary": "摘要",
        "totals_short": "方案合计",
        "co2": "减排CO2",
        "no_change": "方案实施后各指标数值与等级均无变化。",
        "annex": "附件",
        "annex_note": "推理溯源与未触发规则的机器标识仅列于本附件；正文只用名称。",
        "compact_note": "本 PDF 列出每个方案的要点；每个方案的效益说明、依据的问题、优先级构成与假设"
        "见 HTML 报告和 JSON（或生成带推理溯源的完整 PDF）。",
        "target_next": "达到上一等级所需",
        "factor_scores": "各因素得分 R",
    },
    "en": {
        "report_title": "Cleaner-production audit report (smart audit)",
        "enterprise": "Enterprise",
        "district": "District",
        "year": "Year evaluated",
        "synthetic": "synthetic example data, not a real enterprise",
        "summary": "Enterprise summary and data quality",
        "data_quality": "Data quality",
        "insufficient": "Indicators with insufficient data",
        "missing_inputs": "Missing inputs",
        "warnings": "Warnings",
        "none": "none",
        "evaluation": "Cleaner-production level",
        "benchmark_set": "Benchmark set",
        "n_definition": "Definition of n",
        "overall_level": "Overall level",
        "level_range": "Level range (once the data are complete)",
        "level_not_firm": "Level not determined",
        "indices": "Comprehensive indices",
        "indicator": "Indicator",
        "value": "Value",
        "unit": "Unit",
        "level": "Level",
        "thresholds": "Thresholds by level",
        "source": "Source",
        "grade": "Grade",
        "limiting": "limiting",
        "provisional": "provisional",
        "provisional_note": "Values marked provisional come from grade C/D/U sources (third-party transcription, "
        "derivation or unconfirmed) and must be checked against the official text.",
        "blocking": "What stands between the enterprise and the next level",
        "index_gap": "index short by",
        "process_graph": "Process (steps with findings framed in red)",
        "findings": "Findings",
        "observed": "Observed",
        "rule": "Rule",
        "threshold_applied": "Thresholds applied",
        "conclusion": "Conclusion",
        "severity": "Severity",
        "high": "high",
        "medium": "medium",
        "low": "low",
        "plan": "Cleaner-production plan",
        "no_low": "No/low-cost options (do now)",
        "medium_high": "Medium/high-cost options (feasibility analysis)",
        "option": "Option",
        "steps": "Steps",
        "plant_wide": "plant-wide",
        "savings": "Savings per year (central, range)",
        "money": "Worth per year",
        "investment": "Investment",
        "totals": "Plan totals (options combined on what remains; never above today's use)",
        "key_options": "Key options (ranked)",
        "payback": "Payback",
        "priority": "Priority",
        "because": "Because",
        "to_quantify": "Data to supply",
        "assumptions": "Assumptions",
        "claim": "includes vendor claims",
        "assumption": "includes this system's planning assumptions (grade U, adjustable)",
        "resolution": "Conflicts and prerequisites",
        "audit_focus": "Audit focus (weighted-sum ranking)",
        "area": "Candidate area",
        "total": "Total",
        "targets": "Cleaner-production targets",
        "now": "Now",
        "after_no_low": "After no/low-cost options",
        "after_all": "After all options",
        "before_after": "Before and after",
        "projected_level": "Projected level",
        "why_not": "Rules that did not fire",
        "drilldown": "Derivation drill-down",
        "premises": "Premises",
        "inputs": "Raw answers",
        "appendix": "Appendix",
        "sources": "Sources cited",
        "kb_version": "Knowledge-base version",
        "kb_hash": "Knowledge-base hash",
        "input_hash": "Input hash",
        "generated_at": "Generated at",
        "recommendations": "Recommendations",
        "none_fired": "none",
        "key_summary": "Summary",
        "totals_short": "Plan totals",
        "co2": "CO2 avoided",
        "no_change": "No indicator changes value or level once the options are implemented.",
        "annex": "Annex",
        "annex_note": "Machine ids of the derivation and of the rules that did not fire appear only in this annex; "
        "the body uses names.",
        "compact_note": "This PDF lists the essentials of each option; the benefit, the findings behind it, the "
        "make-up of its priority and its assumptions are in the HTML report and the JSON (or the full PDF with the "
        "derivation trace).",
        "target_next": "Needed for the next level",
        "factor_scores": "Factor scores R",
    },
}

EFFLUENT_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "before_treatment": "处理前（进水）",
        "workshop_outlet": "车间或生产设施废水排放口",
        "discharge": "企业废水总排放口",
        "permit": "排污许可证",
    },
    "en": {
        "before_treatment": "before treatment (influent)",
        "workshop_outlet": "workshop or facility outlet",
        "discharge": "main discharge outlet",
        "permit": "discharge permit",
    },
}

_LEVELS = {
    "zh": {
        "I": "Ⅰ级",
        "II": "Ⅱ级",
        "III": "Ⅲ级",
        "fails": "未达Ⅲ级",
        "below_III": "未达Ⅲ级",
        "not_applicable": "不适用",
        "insufficient_data": "数据不足",
        "not_rated": "未评级（不计入）",
        "upstream_yuzui": "鱼嘴以上档",
        "downstream_yuzui": "鱼嘴以下档",
        "below_downstream_yuzui": "未达鱼嘴以下档",
    },
    "en": {
        "I": "I",
        "II": "II",
        "III": "III",
        "fails": "below III",
        "below_III": "below III",
        "not_applicable": "not applicable",
        "insufficient_data": "insufficient data",
        "not_rated": "not rated",
        "upstream_yuzui": "upstream tier",
        "downstream_yuzui": "downstream tier",
        "below_downstream_yuzui": "below the downstream tier",
    },
}


def level_label(level: str | None, lang: str) -> str:
    if level is None:
        return "—"
    return _LEVELS[lang].get(level, level)


def indicator_level_label(ind: dict[str, Any], lang: str) -> str:
    """An indicator's level as shown: a member that is computed but not rated says so, not "not applicable"."""
    return level_label("not_rated" if ind.get("not_rated") else ind["level"], lang)


def firmness_text(firm: dict[str, Any], lang: str) -> str:
    """Why the level is not determined by contested threshold rows, from the evaluation's ``level_firmness``."""
    if not firm or firm.get("determined", True):
        return ""
    keys = ", ".join(r["key"] for r in firm.get("contested", []))

    def span(pair: dict[str, str]) -> str:
        worst, best = level_label(pair["worst"], lang), level_label(pair["best"], lang)
        return worst if worst == best else f"{worst} – {best}"

    with_, without = span(firm["level_with_contested"]), span(firm["level_without_contested"])
    if lang == "zh":
        return (
            f"含有争议的基准行（{keys}，知识库标记为已知不一致）时为 {with_}，去掉这些行后为 {without}；"
            "在以官方文本核对这些行之前，等级未确定。"
        )
    return (
        f"{with_} with the contested threshold rows ({keys}, marked known_inconsistent in the knowledge base), "
        f"{without} without them; the level is not determined until these rows are checked against the official text."
    )


def instance_label(instance: str | None, lang: str) -> str:
    """An indicator instance as people read it: the plant-wide instance compared with the output-weighted
    benchmark is called so; board keys (``rigid/multilayer-6L``) stay as they are."""
    if instance == "mix":
        return "按产量加权" if lang == "zh" else "output-weighted"
    if not instance:
        return ""
    rigidity, _, rest = instance.partition("/")
    construction, _, layers = rest.partition("-")
    words = _BOARD[lang]
    if rigidity not in words or construction not in words:
        return instance
    text = f"{words[rigidity]}{'' if lang == 'zh' else ' '}{words[construction]}"
    if layers.endswith("L") and layers[:-1].isdigit():
        text += f"，{layers[:-1]}层" if lang == "zh" else f", {layers[:-1]} layers"
    return text


_BOARD = {
    "zh": {
        "rigid": "刚性",
        "flexible": "挠性",
        "single": "单面板",
        "double": "双面板",
        "multilayer": "多层板",
        "hdi": "HDI板",
    },
    "en": {
        "rigid": "rigid",
        "flexible": "flexible",
        "single": "single-sided",
        "double": "double-sided",
        "multilayer": "multilayer",
        "hdi": "HDI",
    },
}


def level_range_text(ev: dict[str, Any], lang: str) -> str:
    """The overall level as every rendering states it: the level certainly reached, and, when unknown answers leave
    it open, the best case beside it (the same words in evaluate, plan, infer and the reports)."""
    worst = level_label(ev["overall_level"], lang)
    rng = ev.get("overall_level_range") or {}
    best = rng.get("best", ev["overall_level"])
    if best == ev["overall_level"]:
        return worst
    best_label = level_label(best, lang)
    if lang == "zh":
        return f"{worst}（资料不全：补全缺失数据后可能为 {worst} 至 {best_label}）"
    return f"{worst} (data incomplete: between {worst} and {best_label} once the missing data are supplied)"
