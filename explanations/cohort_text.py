"""The cohort's overall evaluation as short text (zh or en; names, never ids)."""

from __future__ import annotations

from typing import Any

__all__ = ["LEVEL_NAMES", "render_cohort_text"]

LEVEL_NAMES = {
    "zh": {"I": "Ⅰ级", "II": "Ⅱ级", "III": "Ⅲ级", "below_III": "未达Ⅲ级", "none": "未定级"},
    "en": {"I": "level I", "II": "level II", "III": "level III", "below_III": "below level III", "none": "no level"},
}


def _t(text: Any, lang: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("zh") or "")
    return "" if text is None else str(text)


def _names(period: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["name"] for e in period["enterprises"]}


def _period_text(p: dict[str, Any], lang: str) -> list[str]:
    zh = lang == "zh"
    names = _names(p)
    lv = LEVEL_NAMES[lang]
    counts = (
        "，".join(f"{lv[k]} {v}" for k, v in p["levels"]["counts"].items() if v)
        if zh
        else ", ".join(f"{lv[k]} {v}" for k, v in p["levels"]["counts"].items() if v)
    )
    out = [
        (
            f"【{p['period']}】{p['n']} 家企业；等级分布：{counts}"
            if zh
            else f"[{p['period']}] {p['n']} enterprises; levels: {counts}"
        ),
        f"  基准表：{p['benchmark']['benchmark_set']}，知识库 {p['benchmark']['kb_version']}"
        if zh
        else f"  benchmark tables: {p['benchmark']['benchmark_set']}, knowledge base {p['benchmark']['kb_version']}",
    ]
    out.append("  行业滞后指标：" if zh else "  the industry's lagging indicators:")
    for li in p["lagging_indicators"]:
        out.append(f"    - {_t(li['name'], lang)} {li['key'].partition('[')[2].rstrip(']')}: {li['share']} %")
    share = round(100 * p["policy"]["common_share"])
    out.append(f"  共性问题（≥{share}% 企业）：" if zh else f"  common problems (>= {share} % of enterprises):")
    for cp in p["common_problems"]:
        who = "、".join(names[e] for e in cp["enterprises"]) if zh else "; ".join(names[e] for e in cp["enterprises"])
        out.append(f"    - {_t(cp['title'], lang) or cp['finding']}: {cp['count']}/{p['n']} ({cp['share']} %) — {who}")
    out.append("  共性方案及汇总潜力：" if zh else "  common solutions and their aggregate potential:")
    for cs in p["common_solutions"]:
        amounts = ", ".join(
            f"{k} {v.get('central')} {v.get('unit')}" for k, v in cs["totals"].items() if v.get("central")
        )
        quant = (
            f"已量化 {cs['plants_quantified']} 家，未量化 {cs['plants_not_quantified']} 家"
            if zh
            else f"quantified for {cs['plants_quantified']}, not for {cs['plants_not_quantified']}"
        )
        out.append(f"    - {_t(cs['name'], lang)} [{cs['measure_code']}] {cs['count']}/{p['n']}; {quant}; {amounts}")
    out.append(
        f"  个性问题 {len(p['individual_problems'])} 类，个性方案 {len(p['individual_solutions'])} 项"
        if zh
        else f"  individual problems: {len(p['individual_problems'])} kinds; individual solutions: "
        f"{len(p['individual_solutions'])}"
    )
    return out


def render_cohort_text(result: dict[str, Any], lang: str = "zh") -> str:
    zh = lang == "zh"
    lines = [f"整体审核：{result['name']}" if zh else f"Overall audit: {result['name']}"]
    for p in result["periods"]:
        lines += _period_text(p, lang)
    ba = result.get("before_after")
    if ba:
        lines.append(
            f"前后对比 {ba['before']} → {ba['after']}" if zh else f"before/after {ba['before']} -> {ba['after']}"
        )
        for side, label in (("only_before", ("仅在前期", "only before")), ("only_after", ("仅在后期", "only after"))):
            for e in ba["missing"][side]:
                lines.append(f"  {label[0] if zh else label[1]}: {e['name']}")
        lv = LEVEL_NAMES[lang]
        for e in ba["enterprises"]:
            lines.append(f"  {e['name']}: {lv.get(e['level_before'] or 'none')} → {lv.get(e['level_after'] or 'none')}")
        if not ba["benchmark"]["same_tables"]:
            lines.append("  注意：两期使用的基准表版本不同" if zh else "  note: the two periods used different tables")
    return "\n".join(lines) + "\n"
