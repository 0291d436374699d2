"""The plan as an editable Word document (``.docx``) in the chapters of a Chinese cleaner-production audit report:
a one-page summary, then 企业概况; 预审核：现状、水平与差距; 审核重点与清洁生产目标; 方案的产生与筛选; 可行性分析;
方案实施计划; 持续清洁生产; the references as documents; and the derivation trace in an annex at the end (the only
place where machine ids appear). Every figure comes from the plan."""

from __future__ import annotations

import io
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK

from engine.kb.loader import KnowledgeBase
from explanations.docx_charts import before_after_png, money_png
from explanations.docx_names import (
    CHAPTERS,
    finding_name,
    focus_area_name,
    focus_factor_name,
    indicator_name,
    level_name,
    option_name,
    resource_name,
    step_names,
    text,
)
from explanations.docx_parts import add_figure, add_table, bullet, heading, new_document, para
from explanations.docx_sections import blocking_lines, cmp_sign, level_sentence, option_row, totals_row
from explanations.figures import num
from explanations.rationale import localise

__all__ = ["DOCX_MEDIA_TYPE", "render_report_docx"]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_DROPPED = {
    "zh": {"dropped": "按企业自身数据，该方案已无可作用的对象（相关线路均已实施，或未报告相应废物流）"},
    "en": {"dropped": "nothing to act on in the plant's own data (done on every line concerned, or no such stream)"},
}
_SEVERITY = {
    "zh": {"high": "高", "medium": "中", "low": "低"},
    "en": {"high": "high", "medium": "medium", "low": "low"},
}
_ACTIONS = {
    "zh": {"excluded": "不采用", "narrowed": "缩小范围", "dropped": "去掉"},
    "en": {"excluded": "left out", "narrowed": "narrowed", "dropped": "dropped"},
}


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _recs(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["option_id"]: r for r in plan["recommendations"]}


def _option_header(lang: str, with_steps: bool = False) -> list[str]:
    head = [text("option", lang)]
    if with_steps:
        head.append(text("steps", lang))
    return head + [text(k, lang) for k in ("savings", "money", "investment", "payback", "co2")]


def _target_rows(kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> list[list[str]]:
    ev = plan["evaluation"]
    rows = []
    for t in plan["targets"]:
        nl = t.get("next_level") or {}
        target = f"{level_name(nl.get('level'), lang)} {cmp_sign(nl.get('comparison', ''))} {num(nl.get('target'))}"
        rows.append(
            [
                indicator_name(kb, t["indicator"], lang, ev),
                t.get("unit", ""),
                f"{num(t['now']['value'])}（{level_name(t['now']['level'], lang)}）",
                f"{num(t['after_no_low_cost']['value'])}（{level_name(t['after_no_low_cost']['level'], lang)}）",
                f"{num(t['after_all']['value'])}（{level_name(t['after_all']['level'], lang)}）",
                target.strip() if nl else "—",
            ]
        )
    return rows


def _targets_header(lang: str) -> list[str]:
    return [text(k, lang) for k in ("indicator", "unit", "now", "after_no_low", "after_all", "next_target")]


def _summary(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    """One page: the level and how firm it is, what blocks the next level, the key options, the targets."""
    ev, recs = plan["evaluation"], _recs(plan)
    heading(doc, text("summary", lang), 1)
    for line in level_sentence(kb, ev, lang):
        para(doc, line)
    heading(doc, text("blocks", lang), 2)
    for line in blocking_lines(kb, ev, lang, limit=4):
        bullet(doc, line)
    heading(doc, text("key_options", lang), 2)
    keys = [k["option_id"] for k in plan.get("key_options", []) if k["option_id"] in recs][:5]
    add_table(doc, _option_header(lang), [option_row(kb, recs[o], lang) for o in keys], numeric_from=2)
    heading(doc, text("targets", lang), 2)
    rows = _target_rows(kb, plan, lang)[:5]
    add_table(doc, _targets_header(lang), rows, numeric_from=2) if rows else para(doc, text("none", lang))
    _page_break(doc)


def _chapter_enterprise(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    ev, ent = plan["evaluation"], plan["enterprise"]
    heading(doc, f"1 {CHAPTERS[lang][0]}", 1)
    rows = [
        [text("enterprise", lang), str(ent.get("name", ""))],
        [text("district", lang), str(ent.get("district", ""))],
        [text("report_year", lang), str(plan["year"])],
        [text("benchmark", lang), ev["benchmark_set"]["name"]["zh" if lang == "zh" else "en"]],
    ]
    comp = plan.get("completeness") or ev.get("completeness") or {}
    if comp.get("percent") is not None:
        rows.append([text("completeness", lang), f"{num(comp['percent'])}%（{comp['answered']}/{comp['applicable']}）"])
    add_table(doc, ["项目", "内容"] if lang == "zh" else ["Item", "Value"], rows)
    if ent.get("synthetic"):
        para(doc, text("synthetic", lang))
    steps = sorted({n["value"].get("step") for n in plan["trace"].values() if n["type"] == "step"} - {None})
    para(
        doc, step_names(kb, [str(s) for s in steps], lang), bold_lead=("生产工序：" if lang == "zh" else "Steps run: ")
    )


def _chapter_pre_assessment(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    ev = plan["evaluation"]
    heading(doc, f"2 {CHAPTERS[lang][1]}", 1)
    heading(doc, "2.1 " + text("level", lang), 2)
    for line in level_sentence(kb, ev, lang):
        para(doc, line)
    idx = ("、" if lang == "zh" else ", ").join(
        f"Y{level_name(k.removeprefix('Y_'), 'zh').removesuffix('级')} = {num(v)}" for k, v in ev["indices"].items()
    )
    para(doc, idx, bold_lead=("综合评价指数：" if lang == "zh" else "Comprehensive indices: "))
    heading(doc, "2.2 " + ("指标现状与差距" if lang == "zh" else "Indicators and gaps"), 2)
    rows = []
    for ind in ev["indicators"]:
        if ind["level"] == "not_applicable":
            continue
        nl = ind.get("next_level") or {}
        target = f"{cmp_sign(nl['comparison'])} {num(nl['target'])}" if "target" in nl else "—"
        pct = nl.get("change_needed_percent")
        rows.append(
            [
                indicator_name(kb, ind["key"], lang, ev) + (text("limiting", lang) if ind.get("limiting") else ""),
                num(ind["value"]) if ind["kind"] == "quantitative" else "—",
                ind["unit"] if ind["kind"] == "quantitative" else "",
                level_name("not_rated" if ind.get("not_rated") else ind["level"], lang),
                target,
                f"{num(pct, 2)}%" if pct is not None else "—",
            ]
        )
    header = [text(k, lang) for k in ("indicator", "value", "unit", "level_col", "next_target", "gap")]
    add_table(doc, header, rows, numeric_from=1)
    heading(doc, "2.3 " + text("blocks", lang), 2)
    for line in blocking_lines(kb, ev, lang, limit=12):
        bullet(doc, line)


def _chapter_focus(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    heading(doc, f"3 {CHAPTERS[lang][2]}", 1)
    focus = plan.get("audit_focus") or {}
    ranking = focus.get("ranking") or []
    heading(doc, "3.1 " + ("审核重点" if lang == "zh" else "Audit focus"), 2)
    if ranking:
        top = ranking[0]
        para(
            doc,
            focus_area_name(kb, top, lang),
            bold_lead=("确定的审核重点：" if lang == "zh" else "Audit focus chosen: "),
        )
        factors = list((focus.get("weights") or {}).keys())
        header = [text("area", lang), *[focus_factor_name(f, lang) for f in factors], text("score", lang)]
        rows = [
            [focus_area_name(kb, r, lang), *[str(r["scores"].get(f, "")) for f in factors], str(r["total"])]
            for r in ranking[:8]
        ]
        add_table(doc, header, rows, numeric_from=1)
        weights = ("、" if lang == "zh" else ", ").join(
            f"{focus_factor_name(f, lang)} {w}" for f, w in (focus.get("weights") or {}).items()
        )
        para(
            doc,
            f"权重总和计分排序法（总分 = Σ 评分 × 权重；权重：{weights}）。"
            if lang == "zh"
            else f"Weighted-sum ranking (total = Σ score × weight; weights: {weights}).",
        )
    heading(doc, "3.2 " + text("targets", lang), 2)
    rows_t = _target_rows(kb, plan, lang)
    add_table(doc, _targets_header(lang), rows_t, numeric_from=2) if rows_t else para(doc, text("none", lang))


def _findings(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    seen: dict[tuple[str, str], str] = {}
    for node in plan["trace"].values():
        if node["type"] != "finding":
            continue
        value = node["value"]
        subject = step_names(kb, [value["subject_step"]], lang) if value.get("subject_step") else ""
        if value.get("subject_stream"):
            subject = str(localise(kb, "stream", value["subject_stream"], lang))
        if value.get("subject_indicator"):
            subject = indicator_name(kb, value["subject_indicator"], lang)
        seen.setdefault((finding_name(kb, value["finding"], lang), subject), str(value.get("severity", "low")))
    order = {"high": 0, "medium": 1, "low": 2}
    grouped: dict[tuple[str, str], list[str]] = {}
    for (title, subject), severity in seen.items():
        grouped.setdefault((severity, title), []).append(subject)
    rows = [
        [title, _SEVERITY[lang].get(sev, sev), ("、" if lang == "zh" else ", ").join(s for s in sorted(subj) if s)]
        for (sev, title), subj in sorted(grouped.items(), key=lambda kv: (order.get(kv[0][0], 3), kv[0][1]))
    ]
    header = ["问题", "严重度", "涉及工序或指标"] if lang == "zh" else ["Finding", "Severity", "Steps or indicators"]
    add_table(doc, header, rows)


def _chapter_options(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    recs = _recs(plan)
    heading(doc, f"4 {CHAPTERS[lang][3]}", 1)
    heading(doc, "4.1 " + ("发现的问题" if lang == "zh" else "Findings"), 2)
    _findings(doc, kb, plan, lang)
    heading(doc, "4.2 " + ("无/低费方案" if lang == "zh" else "No/low-cost options"), 2)
    rows = [option_row(kb, recs[o], lang, with_steps=True) for o in plan["groups"]["no_low_cost"]]
    add_table(doc, _option_header(lang, True), rows, numeric_from=3)
    heading(doc, "4.3 " + ("中/高费方案" if lang == "zh" else "Medium/high-cost options"), 2)
    rows = [option_row(kb, recs[o], lang, with_steps=True) for o in plan["groups"]["medium_high_cost"]]
    add_table(doc, _option_header(lang, True), rows, numeric_from=3)
    heading(doc, "4.4 " + ("方案筛选" if lang == "zh" else "Screening"), 2)
    for row in plan.get("resolution", []):
        reason = (row.get("text") or {}).get("zh" if lang == "zh" else "en") or _DROPPED[lang].get(row["action"], "")
        action = _ACTIONS[lang].get(row["action"], row["action"])
        bullet(doc, reason, bold_lead=f"{option_name(kb, row['option'], lang)}（{action}）：")


def _chapter_feasibility(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    recs = _recs(plan)
    zh = lang == "zh"
    heading(doc, f"5 {CHAPTERS[lang][4]}", 1)
    para(
        doc,
        "对中/高费方案从技术、环境和经济三方面进行分析；经济数据为估算（中值，三位有效数字），投资以企业报价或按规模换算的"
        "文献区间表示，无可引用来源者注明“待询价”。"
        if zh
        else "Medium/high-cost options are analysed for technical, environmental and economic feasibility; the figures"
        " are estimates (central values, three significant figures); investment is the enterprise's quote or a sourced"
        " range scaled to capacity, and 'to be quoted' where no citable figure exists.",
    )
    rows = [option_row(kb, recs[o], lang) for o in plan["groups"]["medium_high_cost"]]
    rows.append(totals_row(plan, lang))
    add_table(doc, _option_header(lang), rows, numeric_from=2, bold_last=True)
    key = [k["option_id"] for k in plan.get("key_options", []) if k["option_id"] in recs]
    for oid in key:
        rec = recs[oid]
        heading(doc, option_name(kb, oid, lang), 3)
        para(
            doc,
            rec["qualitative_benefit"]["zh" if zh else "en"],
            bold_lead=("技术与环境：" if zh else "Technical and environmental: "),
        )
        op = rec.get("operating_cost") or {}
        money = (rec.get("money") or {}).get("central")
        inv = option_row(kb, rec, lang)[3]
        inv_zh = "投资待询价" if inv == text("to_quote", lang) else f"投资 {inv} 元"
        inv_en = inv if inv == text("to_quote", lang) else f"{inv} CNY"
        op_cost, payback = num(op.get("central")), num((rec.get("payback_years") or {}).get("central"))
        economic = (
            f"年经济效益 {num(money)} 元/年；{inv_zh}；年运行费用 {op_cost} 元/年；回收期 {payback} 年"
            if zh
            else f"worth {num(money)} CNY/a; investment {inv_en}; operating cost {op_cost} CNY/a; "
            f"payback {payback} years"
        )
        para(doc, economic, bold_lead=("经济：" if zh else "Economic: "))
        why = next((k["text"]["zh" if zh else "en"] for k in plan["key_options"] if k["option_id"] == oid), "")
        if why:
            para(doc, why, bold_lead=("列为重点的理由：" if zh else "Why it is key: "))
    add_figure(
        doc,
        money_png([(option_name(kb, o, lang), (recs[o].get("money") or {}).get("central") or 0) for o in key], lang),
        text("figure_money", lang),
    )


def _chart_rows(kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    ev = plan["evaluation"]
    projected = {i["key"]: i for i in plan["projected"]["indicators"]}
    rows = []
    for ind in ev["indicators"]:
        if ind["kind"] != "quantitative" or ind["value"] is None or ind["level"] == "not_applicable":
            continue
        rows.append(
            {
                "name": indicator_name(kb, ind["key"], lang, ev),
                "unit": ind["unit"],
                "before": ind["value"],
                "after": projected.get(ind["key"], {}).get("value"),
                "thresholds": {lv: t["value"] for lv, t in ind["thresholds"].items()},
            }
        )
    return rows


def _chapter_implementation(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    recs = _recs(plan)
    zh = lang == "zh"
    heading(doc, f"6 {CHAPTERS[lang][5]}", 1)
    heading(doc, "6.1 " + ("近期：无/低费方案（立即实施）" if zh else "Now: no/low-cost options"), 2)
    for i, oid in enumerate(plan["groups"]["no_low_cost"], 1):
        bullet(doc, f"{i}. {option_name(kb, oid, lang)}（{step_names(kb, list(recs[oid]['steps']), lang)}）")
    heading(
        doc, "6.2 " + ("中远期：中/高费方案（按优先级）" if zh else "Later: medium/high-cost options by priority"), 2
    )
    ranked = sorted(plan["groups"]["medium_high_cost"], key=lambda o: -int(recs[o]["priority"].get("score", 0)))
    for i, oid in enumerate(ranked, 1):
        bullet(doc, f"{i}. {option_name(kb, oid, lang)}")
    heading(doc, "6.3 " + ("实施效果预测" if zh else "Expected effect"), 2)
    para(
        doc,
        level_name((plan.get("projected_no_low_cost") or {}).get("overall_level"), lang),
        bold_lead=text("projected_no_low", lang) + ("：" if zh else ": "),
    )
    para(
        doc,
        level_name(plan["projected"]["overall_level"], lang),
        bold_lead=text("projected", lang) + ("：" if zh else ": "),
    )
    for resource, t in (plan.get("totals") or {}).items():
        if resource in ("money", "investment", "method") or not isinstance(t, dict) or t.get("central") is None:
            continue
        share = t.get("share_of_base")
        tail = (f"，占现状 {num(share, 2)}%" if zh else f", {num(share, 2)} % of today's") if share is not None else ""
        bullet(doc, f"{resource_name(resource, lang)} {num(t['central'])} {t['unit']}/a{tail}")
    add_figure(doc, before_after_png(_chart_rows(kb, plan, lang), lang), text("figure_before_after", lang))


def _chapter_continuous(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    ev = plan["evaluation"]
    zh = lang == "zh"
    heading(doc, f"7 {CHAPTERS[lang][6]}", 1)
    para(
        doc,
        "建立清洁生产常设机构和管理制度，将本次未实施的方案纳入下一轮审核；按实测数据更新自查表并重新评价，核对各项"
        "方案的实施效果与清洁生产目标的完成情况。"
        if zh
        else "Keep a standing cleaner-production team and procedures, carry the options not yet implemented into the "
        "next audit round, update the self-inspection with measured data, evaluate again, and check each option's "
        "effect and the targets against the results.",
    )
    insufficient = [indicator_name(kb, k, lang, ev) for k in ev["data_quality"].get("insufficient_data", [])]
    if insufficient:
        para(
            doc,
            ("、" if zh else ", ").join(insufficient),
            bold_lead=("数据不足的指标：" if zh else "Indicators lacking data: "),
        )
    missing = ev["data_quality"].get("missing_inputs", [])
    if missing:
        para(
            doc,
            f"自查表中有 {len(missing)} 项输入缺失（填报位置见附件），补全后可提高评价和效益估算的确定性。"
            if zh
            else f"{len(missing)} inputs are missing from the self-inspection (their places are listed in the annex); "
            "completing them makes the evaluation and the estimates firmer.",
        )
    unquantified = [r for r in plan["recommendations"] if not r.get("quantified")]
    if unquantified:
        para(
            doc,
            ("、" if zh else ", ").join(option_name(kb, r["option_id"], lang) for r in unquantified[:15]),
            bold_lead=("尚未量化效益的方案：" if zh else "Options whose benefit is not yet quantified: "),
        )


def _cited(plan: dict[str, Any]) -> list[str]:
    ids: set[str] = set(plan["evaluation"]["benchmark_set"].get("sources", []))
    for ind in plan["evaluation"]["indicators"]:
        ids.update(ind.get("sources", []))
    for rec in plan["recommendations"]:
        ids.update(rec.get("sources", []))
        inv = rec.get("investment") or {}
        if inv.get("source"):
            ids.add(inv["source"])
    return sorted(ids)


def _references(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    heading(doc, text("sources", lang), 1)
    rows = []
    for sid in _cited(plan):
        src = kb.sources.get(sid)
        if src is None:
            continue
        rows.append([src.title, src.issuer, str(src.year or ""), src.document_number or src.url or "", src.grade.value])
    header = [text(k, lang) for k in ("source_title", "issuer", "year", "number", "grade")]
    add_table(doc, header, sorted(rows), widths_cm=[6.5, 3.5, 1.2, 4.0, 1.0])


def _annex(doc: DocumentObject, kb: KnowledgeBase, plan: dict[str, Any], lang: str) -> None:
    """The trace: ids of findings and recommendations with their rules and premises, the rules that did not fire,
    and the missing inputs by their place in the self-inspection."""
    _page_break(doc)
    heading(doc, text("annex", lang), 1)
    para(doc, f"kb {plan['kb_version']} {plan['kb_hash']}; input {plan['input_hash']}")
    rows = [
        [nid, str(node.get("rule") or ""), ", ".join(node.get("premises", []))]
        for nid, node in sorted(plan["trace"].items())
        if node["type"] in ("finding", "recommendation")
    ]
    add_table(doc, ["id", "rule", "premises"], rows)
    heading(doc, "not fired" if lang == "en" else "未触发的规则", 2)
    for rid, info in sorted(plan.get("not_fired", {}).items()):
        failed = info.get("failed") or {}
        detail = f"{failed.get('fact', '')} {failed.get('field', '')} {failed.get('op', '')}".strip()
        para(doc, f"[{rid}] {info.get('reason', '')} {detail}".strip())
    missing = plan["evaluation"]["data_quality"].get("missing_inputs", [])
    if missing:
        heading(doc, "missing inputs" if lang == "en" else "缺失的输入", 2)
        for path in missing:
            para(doc, path)


def render_report_docx(kb: KnowledgeBase, plan: dict[str, Any], lang: str = "zh", generated_at: str = "") -> bytes:
    """The Word report of a plan (bytes of a .docx file)."""
    doc = new_document(lang, text("title", lang))
    doc.add_heading(text("title", lang), level=0)
    para(doc, f"{plan['enterprise'].get('name', '')} · {plan['year']}")
    para(doc, text("subtitle", lang) + (f" · {text('generated', lang)} {generated_at}" if generated_at else ""))
    _summary(doc, kb, plan, lang)
    _chapter_enterprise(doc, kb, plan, lang)
    _chapter_pre_assessment(doc, kb, plan, lang)
    _chapter_focus(doc, kb, plan, lang)
    _chapter_options(doc, kb, plan, lang)
    _chapter_feasibility(doc, kb, plan, lang)
    _chapter_implementation(doc, kb, plan, lang)
    _chapter_continuous(doc, kb, plan, lang)
    _references(doc, kb, plan, lang)
    _annex(doc, kb, plan, lang)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
