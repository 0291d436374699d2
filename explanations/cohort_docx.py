"""The cohort report as an editable Word document (python-docx): the HTML report's content in real tables, with its
charts as PNG; Chinese first (``lang="en"`` for English), enterprise, indicator, problem and solution names, never
ids (the solutions' measure codes in the annex at the end); every figure to three significant figures."""

from __future__ import annotations

import io
from typing import Any

from explanations.cohort_charts import box_plots_png, heat_map_png, levels_png, pareto_png, slope_png
from explanations.cohort_report import STREAM_NAMES
from explanations.cohort_text import LEVEL_NAMES
from explanations.docx_parts import add_figure, add_table, bullet, heading, new_document, para
from explanations.figures import num as fmt_number  # the one rounding rule: three significant figures
from explanations.i18n import RESOURCES, instance_label

__all__ = ["render_cohort_docx"]

_LEVEL_KEYS = ("I", "II", "III", "below_III", "none")


def _t(text: Any, lang: str) -> str:
    return str(text.get(lang) or text.get("zh") or "") if isinstance(text, dict) else str(text or "")


def _board(board: Any, zh: bool) -> str:
    return instance_label(str(board) if board else None, "zh" if zh else "en")


def _stream(key: str, zh: bool) -> str:
    named = RESOURCES["zh" if zh else "en"].get(key)
    return named or STREAM_NAMES.get(key, (key, key))[0 if zh else 1]


def _thresholds(ind: dict[str, Any]) -> str:
    parts = []
    for lv in ("I", "II", "III"):
        th = ind["thresholds"].get(lv)
        if not th:
            parts.append("–")
            continue
        text = f"{th.get('comparison') or ''}{fmt_number(th['min'])}"
        if th["max"] != th["min"]:
            text += f"–{fmt_number(th['max'])}"
        parts.append(text)
    return " / ".join(parts)


def _period(doc: Any, p: dict[str, Any], lang: str) -> None:
    zh = lang == "zh"
    levels = LEVEL_NAMES[lang]
    names = {e["id"]: e["name"] for e in p["enterprises"]}
    sep = "、" if zh else "; "
    heading(doc, f"{p['period']} · {p['n']} {'家企业' if zh else 'enterprises'}", 1)
    bench = p["benchmark"]
    para(
        doc,
        f"{bench['benchmark_set']} · {'知识库版本' if zh else 'knowledge base'} {bench['kb_version']}",
        "基准表：" if zh else "Benchmark tables: ",
    )
    if not bench["uniform"]:
        para(doc, "成员使用的基准表版本不一致。" if zh else "Members used different table versions.")

    heading(doc, "等级分布" if zh else "Levels", 2)
    counts, shares = p["levels"]["counts"], p["levels"]["shares"]
    add_table(
        doc,
        ["等级" if zh else "Level", "企业数" if zh else "Enterprises", "占比（%）" if zh else "Share (%)"],
        [[levels[k], str(counts[k]), fmt_number(shares[k])] for k in _LEVEL_KEYS],
        numeric_from=1,
    )
    add_figure(doc, levels_png(counts, levels), "图：等级分布" if zh else "Figure: levels", 11.0)
    add_table(
        doc,
        ["企业" if zh else "Enterprise", "等级" if zh else "Level", "百分位" if zh else "Percentile"],
        [[e["name"], levels[e["level"] or "none"], fmt_number(e["percentile"])] for e in p["enterprises"]],
        numeric_from=2,
    )

    heading(doc, "指标分布（按板型）与分级阈值" if zh else "Indicators by board type, with the level thresholds", 2)
    rated = [i for i in p["indicators"] if i["distribution"]]
    add_table(
        doc,
        [
            "指标" if zh else "Indicator",
            "板型" if zh else "Board",
            "n",
            "中位数" if zh else "Median",
            "Q1",
            "Q3",
            "最好" if zh else "Best",
            "最差" if zh else "Worst",
            "Ⅰ / Ⅱ / Ⅲ",
        ],
        [
            [f"{_t(i['name'], lang)} ({i['unit']})", _board(i["board"], zh), str(i["distribution"]["n"])]
            + [fmt_number(i["distribution"][k]) for k in ("median", "q1", "q3", "best", "worst")]
            + [_thresholds(i)]
            for i in rated
        ],
        numeric_from=2,
    )
    quantitative = [i for i in p["indicators"] if i["kind"] != "qualitative"]
    add_figure(doc, box_plots_png(quantitative, lang), "图：指标箱线图与阈值" if zh else "Figure: box plots")
    heading(doc, "行业滞后指标" if zh else "The industry's lagging indicators", 2)
    below = levels[p["policy"]["lagging_below_level"]]
    for li in p["lagging_indicators"]:
        board = li["key"].partition("[")[2].rstrip("]")
        board = _board(board, zh) if board else ""
        text = f"{li['share']} % 的企业低于{below}" if zh else f"{li['share']} % of the enterprises below {below}"
        bullet(doc, text, f"{_t(li['name'], lang)} {board}：" if zh else f"{_t(li['name'], lang)} {board}: ")
    if not p["lagging_indicators"]:
        para(doc, "无。" if zh else "None.")

    share = round(100 * p["policy"]["common_share"])
    heading(
        doc, f"共性问题（≥ {share} %，本系统设定）" if zh else f"Common problems (≥ {share} %, this system's choice)", 2
    )
    add_table(
        doc,
        ["问题" if zh else "Problem", "占比" if zh else "Share", "涉及企业" if zh else "Enterprises"],
        [
            [
                _t(cp["title"], lang) or cp["finding"],
                f"{cp['count']}/{p['n']} ({cp['share']} %)",
                sep.join(names[e] for e in cp["enterprises"]),
            ]
            for cp in p["common_problems"]
        ],
    )
    add_figure(doc, heat_map_png(p, lang), "图：企业×共性问题" if zh else "Figure: enterprise × common problem")
    if p["individual_problems"]:
        text = sep.join(
            f"{_t(ip['title'], lang) or ip['finding']}（{sep.join(names[e] for e in ip['enterprises'])}）"
            for ip in p["individual_problems"]
        )
        para(doc, text, "个性问题：" if zh else "Individual problems: ")

    heading(doc, "共性方案及汇总潜力" if zh else "Common solutions and their aggregate potential", 2)
    add_table(
        doc,
        [
            "方案" if zh else "Solution",
            "企业" if zh else "Enterprises",
            "已量化/未量化" if zh else "Quantified / not",
            "汇总节约（中值，计划内）" if zh else "Aggregate savings (central, in plan)",
            "元/年" if zh else "CNY/a",
        ],
        [
            [
                _t(cs["name"], lang),
                f"{cs['count']}/{p['n']}",
                f"{cs['plants_quantified']} / {cs['plants_not_quantified']}",
                "; ".join(
                    f"{_stream(k, zh)} {fmt_number(v['central'])} {v['unit']}"
                    for k, v in cs["totals"].items()
                    if v.get("central")
                ),
                fmt_number(cs["money"]["central"]),
            ]
            for cs in p["common_solutions"]
        ],
        numeric_from=4,
    )
    add_figure(doc, pareto_png(p["common_solutions"], lang), "图：共性方案节约金额帕累托图" if zh else "Figure: Pareto")
    heading(doc, "行业汇总潜力" if zh else "The cohort's potential", 2)
    totals = p["totals"]
    rows = [
        [
            f"{_stream(k, zh)} ({v['unit']})",
            fmt_number(v["low"]),
            fmt_number(v["central"]),
            fmt_number(v["high"]),
            f"{fmt_number(v['share_of_base'])} %" if v.get("share_of_base") is not None else "–",
            f"{v['plants_quantified']} / {v['plants_not_quantified']}",
        ]
        for k, v in totals.items()
        if k not in {"money", "investment"}
    ]
    m, inv = totals["money"], totals["investment"]
    rows.append(
        [
            "节约金额（元/年）" if zh else "Money (CNY/a)",
            fmt_number(m["low"]),
            fmt_number(m["central"]),
            fmt_number(m["high"]),
            "",
            f"{m['plants_quantified']} / {m['plants_not_quantified']}",
        ]
    )
    rows.append(
        [
            "投资（元）" if zh else "Investment (CNY)",
            fmt_number(inv["low"]),
            fmt_number(inv["central"]),
            fmt_number(inv["high"]),
            "",
            f"{inv['plants_priced']} / {inv['plants_not_priced']}",
        ]
    )
    add_table(
        doc,
        [
            "",
            "低" if zh else "low",
            "中" if zh else "central",
            "高" if zh else "high",
            "占基数" if zh else "of base",
            "已量化/未量化企业" if zh else "plants quantified / not",
        ],
        rows,
        numeric_from=1,
    )
    if p["individual_solutions"]:
        para(
            doc,
            sep.join(_t(s["name"], lang) for s in p["individual_solutions"]),
            "个性方案：" if zh else "Individual solutions: ",
        )


def _before_after(doc: Any, ba: dict[str, Any], lang: str) -> None:
    zh = lang == "zh"
    levels = LEVEL_NAMES[lang]
    heading(doc, f"{'前后对比' if zh else 'Before and after'}：{ba['before']} → {ba['after']}", 1)
    if not ba["benchmark"]["same_tables"]:
        para(doc, "两期使用的基准表版本不同。" if zh else "The two periods used different benchmark tables.")
    for e in ba["missing"]["only_before"]:
        para(doc, e["name"], "仅在前期：" if zh else "Only before: ")
    for e in ba["missing"]["only_after"]:
        para(doc, e["name"], "仅在后期：" if zh else "Only after: ")
    c = ba["cohort"]
    para(
        doc,
        f"{c['enterprises_compared']} 家企业对比，{c['levels_improved']} 家等级提高，{c['levels_worse']} 家下降。"
        if zh
        else f"{c['enterprises_compared']} enterprises compared: {c['levels_improved']} a better level, "
        f"{c['levels_worse']} a worse one.",
    )
    add_figure(doc, slope_png(ba, lang), "图：前后对比斜率图" if zh else "Figure: before/after slope charts")
    add_table(
        doc,
        ["企业" if zh else "Enterprise", ba["before"], ba["after"]],
        [
            [e["name"], levels[e["level_before"] or "none"], levels[e["level_after"] or "none"]]
            for e in ba["enterprises"]
        ],
    )
    add_table(
        doc,
        [
            "指标" if zh else "Indicator",
            "中位数（前）" if zh else "Median before",
            "中位数（后）" if zh else "Median after",
            "变化" if zh else "Change",
        ],
        [
            [
                f"{_t(r['name'], lang)} {_board(r['key'].partition('[')[2].rstrip(']'), zh)} ({r['unit']})",
                fmt_number(r["median_before"]),
                fmt_number(r["median_after"]),
                fmt_number(r["change"]) + (f" ({r['change_percent']} %)" if r["change_percent"] is not None else ""),
            ]
            for r in c["indicators"]
            if r["median_before"] is not None or r["median_after"] is not None
        ],
        numeric_from=1,
    )


def render_cohort_docx(result: dict[str, Any], lang: str = "zh") -> bytes:
    """The Word document (bytes of a .docx) of a cohort evaluation (:func:`engine.cohort.evaluate_cohort`)."""
    zh = lang == "zh"
    title = f"{'行业整体审核报告' if zh else 'Overall audit report of the industry cohort'}：{result['name']}"
    doc = new_document(lang, title)
    doc.add_heading(title, level=0)
    heading(doc, "摘要" if zh else "Summary", 1)
    levels = LEVEL_NAMES[lang]
    for p in result["periods"]:
        counts = "，".join(f"{levels[k]} {v}" for k, v in p["levels"]["counts"].items() if v)
        bullet(doc, counts, f"{p['period']}（{p['n']} 家）：" if zh else f"{p['period']} ({p['n']}): ")
    for p in result["periods"]:
        _period(doc, p, lang)
    if result.get("before_after"):
        _before_after(doc, result["before_after"], lang)
    heading(doc, "附录：方案编码与方法" if zh else "Annex: measure codes and method", 1)
    codes: dict[str, str] = {}
    for p in result["periods"]:
        for s in p["common_solutions"] + p["individual_solutions"]:
            codes.setdefault(s["measure_code"], _t(s["name"], lang))
    add_table(doc, ["编码" if zh else "Code", "方案" if zh else "Solution"], [[k, v] for k, v in sorted(codes.items())])
    method = result["periods"][0]["method"]
    para(doc, method["quantiles"], "分位数：" if zh else "Quantiles: ")
    para(
        doc,
        "共性阈值为本系统设定（U级），可在 knowledge_base/policy.yaml 中调整。"
        if zh
        else "The common-share line is this system's choice (grade U), adjustable in knowledge_base/policy.yaml.",
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
