"""Typed contexts for the narrative and the report, built from a plan (its evaluation and its recorded trace) and
the knowledge base's texts. Nothing is recomputed: every number comes from the plan."""

from __future__ import annotations

from typing import Any

from engine.graph import build_graph
from engine.inference.trace import Trace, TraceNode
from engine.inference.whynot import not_fired_of
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Grade
from explanations.charts import before_after_svg
from explanations.figures import investment_text, money_text, num, payback_text, savings_text, totals_lines
from explanations.graph_svg import render_process_svg
from explanations.i18n import (
    EFFLUENT_LABELS,
    LABELS,
    firmness_text,
    indicator_level_label,
    instance_label,
    level_label,
    level_range_text,
)
from explanations.names import (
    area_label,
    factor_label,
    field_path_label,
    indicator_key_label,
    names_in_text,
    node_label,
    parameter_label,
    part_label,
)
from explanations.rationale import localise, render_value
from explanations.rationale import render_rationale as _render
from explanations.sources_text import source_locator, strip_notes
from explanations.summary import build_summary
from explanations.views import (
    FindingView,
    IndicatorView,
    NodeView,
    ParameterView,
    RecommendationView,
    ReportContext,
    SourceView,
    ThresholdView,
)

__all__ = ["ReportContext", "build_context"]

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _fmt(value: Any) -> str:
    """Every figure of the report by the one rounding rule: three significant figures (explanations.figures)."""
    return num(value)


_DRILLDOWN_TYPES = ("finding", "recommendation", "constraint", "enterprise", "step", "indicator", "stream", "effluent")


def _provisional(grade: str | None) -> bool:
    return grade is not None and grade in Grade.__members__ and Grade(grade).provisional


def _parameter_view(p: dict[str, Any], name: str, lang: str, *, unit: bool) -> ParameterView:
    """A parameter the trace records as applied; a code for a value (an effluent standard's monitoring position,
    e.g. ``discharge``) is shown by its name, as every other rendering of the position."""
    value = p.get("value")
    shown = EFFLUENT_LABELS[lang][value] if isinstance(value, str) and value in EFFLUENT_LABELS[lang] else _fmt(value)
    return ParameterView(
        name,
        f"{shown} {p.get('unit') or ''}".strip() if unit else shown,
        p.get("source") or "",
        p.get("grade") or "",
        _provisional(p.get("grade")),
    )


def _why_not_line(kb: KnowledgeBase, rid: str, info: dict[str, Any], lang: str) -> str:
    rule = kb.rules[rid]
    title = rule.title.zh if lang == "zh" else rule.title.en
    reason = info.get("reason")
    zh = lang == "zh"
    if reason == "no_fact":
        text = f"没有{info['fact_type']}类事实可匹配" if zh else f"no {info['fact_type']} fact to match"
    elif reason == "blocked":
        text = f"被 {info['by']} 排除" if zh else f"blocked by {info['by']}"
    elif reason == "condition_failed":
        failed = info.get("failed") or {}
        field_name = failed.get("field", "?")
        actual = localise(kb, field_name, failed.get("actual"), lang)
        required = failed.get("required")
        if isinstance(required, dict):
            required = required.get("value")
        required = localise(kb, field_name, required, lang)
        if failed.get("fact") is None and "field" in failed:
            want = render_value(required, None, lang)
            n, kind = info.get("candidates", 0), info.get("fact_type", "")
            text = (
                f"{n} 个{kind}事实中没有一个满足 {field_name} {failed.get('op')} {want}"
                if zh
                else f"none of the {n} {kind} facts has {field_name} {failed.get('op')} {want}"
            )
        elif failed.get("missing"):
            text = (
                f"{failed.get('fact')} 缺少 {field_name}（未填报或未知）"
                if zh
                else f"{failed.get('fact')} has no {field_name} (not answered or unknown)"
            )
        else:
            want, got = render_value(required, None, lang), render_value(actual, None, lang)
            test = f"{failed.get('fact')}: {field_name} {failed.get('op')} {want}"
            text = f"{test} 不成立，实际为 {got}" if zh else f"{test} fails, actual {got}"
    else:
        text = str(reason)
    return f"[{rid}] {title}: {text}"


def _source_view(kb: KnowledgeBase, sid: str) -> SourceView | None:
    src = kb.sources.get(sid)
    if src is None:
        return None
    return SourceView(
        sid,
        src.title,
        strip_notes(src.issuer) or src.issuer,
        str(src.year or ""),
        source_locator(src.url, src.document_number),
        src.grade.value,
        Grade(src.grade).provisional,
    )


def build_context(kb: KnowledgeBase, plan: dict[str, Any], lang: str, generated_at: str) -> ReportContext:
    L = LABELS[lang]
    ev = plan["evaluation"]
    trace = plan["trace"]
    name_key = "zh" if lang == "zh" else "en"
    cited: set[str] = set()
    indicators = []
    for ind in ev["indicators"]:
        th = []
        for level, t in ind["thresholds"].items():
            th.append(
                ThresholdView(
                    level_label(level, lang),
                    f"{t['comparison']} {_fmt(t['value'])}",
                    t["source"],
                    t["grade"],
                    _provisional(t["grade"]),
                )
            )
            cited.update(s for s in str(t["source"]).split(",") if s)
        cited.update(ind.get("sources", []))
        instance = instance_label(ind["instance"], lang)
        indicators.append(
            IndicatorView(
                ind["key"],
                ind["name"][name_key] + (f" [{instance}]" if instance else ""),
                _fmt(ind["value"]),
                ind["unit"] if ind["kind"] == "quantitative" else "",
                indicator_level_label(ind, lang),
                ind["level"],
                th,
                ind["limiting"],
                ind["provisional"],
                ind.get("notes", []),
            )
        )
    steps_with_findings: set[str] = set()
    findings: list[FindingView] = []
    leads: dict[str, list[str]] = {}
    for nid, node in trace.items():
        for pid in node.get("premises", []):
            leads.setdefault(pid, []).append(nid)
    tr = Trace(
        plan["kb_version"],
        plan["kb_hash"],
        plan["input_hash"],
        {
            nid: TraceNode(
                nid,
                n["type"],
                n["value"],
                n.get("rule"),
                n.get("premises", []),
                n.get("parameters", []),
                n.get("derivations", []),
            )
            for nid, n in trace.items()
        },
    )
    finding_nodes = [(nid, node) for nid, node in trace.items() if node["type"] == "finding"]
    for nid, node in sorted(
        finding_nodes, key=lambda kv: (_SEVERITY_ORDER.get(str(kv[1]["value"].get("severity")), 3), kv[0])
    ):
        value = node["value"]
        fdef = kb.findings.get(value["finding"])
        rule = kb.rules[node["rule"]]
        if value.get("subject_step"):
            steps_with_findings.add(value["subject_step"])
        params = [
            _parameter_view(
                p,
                p["name_zh"] if lang == "zh" and p.get("name_zh") else parameter_label(kb, p["name"], lang),
                lang,
                unit=True,
            )
            for p in node.get("parameters", [])
        ]
        cited.update(p.source for p in params if p.source)
        cited.update(rule.sources)
        subject = value.get("subject", "")
        for fld in ("subject_step", "subject_indicator", "subject_stream"):
            if value.get(fld):
                subject = str(localise(kb, fld, value[fld], lang))
        if value.get("subject_pollutant"):
            pollutant = localise(kb, "subject_pollutant", value["subject_pollutant"], lang)
            subject = f"{value.get('subject_outlet', '')} {pollutant}".strip()
        findings.append(
            FindingView(
                nid,
                (fdef.title.zh if lang == "zh" else fdef.title.en) if fdef else value["finding"],
                L.get(value.get("severity", ""), value.get("severity", "")),
                value.get("severity", ""),
                subject,
                _render(kb, tr, nid, lang),
                node["rule"],
                rule.title.zh if lang == "zh" else rule.title.en,
                params,
                node.get("premises", []),
                sorted(leads.get(nid, [])),
                sorted({node_label(kb, n, lang) for n in leads.get(nid, [])}),
            )
        )
    recs: dict[str, RecommendationView] = {}
    for rec in plan["recommendations"]:
        savings = savings_text(rec["savings"], lang)
        inv = rec.get("investment")
        model = rec.get("savings_model") or {}
        cited.update(rec["sources"])
        if inv and inv.get("source") in kb.sources:
            cited.add(inv["source"])
        for p in model.get("parameters", []):
            cited.add(p["source"])
        node_id = next((b for b in rec["because"] if b.startswith("recommendation:")), "")
        recs[rec["option_id"]] = RecommendationView(
            rec["option_id"],
            rec["measure_code"],
            rec["name"][name_key],
            rec["category"],
            ", ".join(str(localise(kb, "step", s, lang)) for s in rec["steps"]) or L["plant_wide"],
            rec["cost_class"],
            savings,
            money_text(rec.get("money"), lang),
            investment_text(inv, lang),
            payback_text(rec.get("payback_years"), lang),
            rec["priority"].get("score", 0),
            ", ".join(f"{part_label(k, lang)} {v}" for k, v in rec["priority"].get("parts", {}).items()),
            [(f, node_label(kb, f, lang)) for f in rec["findings"]],
            [field_path_label(kb, m, lang) for m in model.get("missing", [])],
            [names_in_text(kb, a, lang) for a in model.get("assumptions", [])],
            bool(model.get("includes_claims")),
            bool(model.get("includes_assumptions")),
            rec["qualitative_benefit"][name_key],
            node_id,
        )
    block = ev["blocking"]
    blocking = [
        (
            r["key"],
            indicator_key_label(kb, r["key"], lang),
            level_label(r["level"], lang),
            _blocking_target(kb, r, lang),
        )
        for r in block.get("indicators", [])
    ]
    focus = plan.get("audit_focus") or {}
    ba_rows = []
    chart_rows = []
    projected = {i["key"]: i for i in plan["projected"]["indicators"]}
    for ind in ev["indicators"]:
        after = projected.get(ind["key"], {})
        if ind["value"] == after.get("value") and ind["level"] == after.get("level"):
            continue  # only what changes
        ba_rows.append(
            (
                ind["name"][name_key],
                _fmt(ind["value"]),
                _fmt(after.get("value")),
                level_label(ind["level"], lang),
                level_label(after.get("level"), lang),
            )
        )
        if (
            ind["kind"] == "quantitative"
            and ind["value"] is not None
            and after.get("value") is not None
            and ind["level"] != "not_applicable"
        ):
            chart_rows.append(
                {
                    "name": ind["name"][name_key],
                    "unit": ind["unit"],
                    "before": ind["value"],
                    "after": after.get("value"),
                    "thresholds": {lv: t["value"] for lv, t in ind["thresholds"].items()},
                }
            )
    run = [s for (s,) in [(n["value"].get("step"),) for n in trace.values() if n["type"] == "step"] if s]
    graph_svg = render_process_svg(
        kb, build_graph(kb), lang=lang, highlight=sorted(steps_with_findings), vertical=True, only_steps=run
    )
    nodes = []
    for nid, node in sorted(trace.items()):
        if node["type"] in _DRILLDOWN_TYPES:
            values = [
                (k, render_value(localise(kb, k, v, lang), None, lang))
                for k, v in sorted(node["value"].items())
                if not isinstance(v, list) or len(v) <= 8
            ]
            label = _title(kb, trace, nid, lang)
            cited.update(p["source"] for p in node.get("parameters", []) if p.get("source"))  # drill-down links
            nodes.append(
                NodeView(
                    nid,
                    node["type"],
                    label,
                    node.get("rule") or "",
                    values[:40],
                    node.get("premises", []),
                    [
                        _parameter_view(
                            p, p["name_zh"] if lang == "zh" and p.get("name_zh") else p["name"], lang, unit=False
                        )
                        for p in node.get("parameters", [])
                    ],
                )
            )
    sources = [v for v in (_source_view(kb, s) for s in sorted(cited)) if v is not None]
    return ReportContext(
        lang=lang,
        L=L,
        enterprise=plan["enterprise"],
        year=plan["year"],
        kb_version=plan["kb_version"],
        kb_hash=plan["kb_hash"],
        input_hash=plan["input_hash"],
        generated_at=generated_at,
        benchmark_name=ev["benchmark_set"]["name"][name_key],
        n_note=strip_notes(ev["benchmark_set"]["n_note"][name_key]),
        overall_level=level_label(ev["overall_level"], lang),
        overall_best=level_label(ev["overall_level_range"]["best"], lang),
        determined=ev["determined"],
        range_open=ev["overall_level_range"]["best"] != ev["overall_level"],
        firmness_note=_firmness_note(ev, lang),
        indices=[(k, _fmt(v)) for k, v in ev["indices"].items()],
        indicators=indicators,
        blocking_level=level_label(block.get("next_level"), lang) if block.get("next_level") else "",
        blocking_gap=_fmt(block.get("index_gap")),
        blocking=blocking,
        insufficient=[indicator_key_label(kb, k, lang) for k in ev["data_quality"]["insufficient_data"]],
        missing_inputs=[field_path_label(kb, m, lang) for m in ev["data_quality"]["missing_inputs"]],
        warnings=[
            f"{field_path_label(kb, w['path'], lang)}: "
            + (w.get("message_zh" if lang == "zh" else "message_en") or w["message"])
            for w in ev["data_quality"]["warnings"]
        ],
        graph_svg=graph_svg,
        findings=findings,
        no_low=[recs[o] for o in plan["groups"]["no_low_cost"]],
        medium_high=[recs[o] for o in plan["groups"]["medium_high_cost"]],
        resolution=[_resolution_line(kb, r, lang) for r in plan["resolution"]],
        totals=totals_lines(plan.get("totals") or {}, lang),
        key_options=[
            (k["option_id"], recs[k["option_id"]].name, k["text"][name_key])
            for k in plan.get("key_options", [])
            if k["option_id"] in recs
        ],
        focus=[
            (
                area_label(kb, str(r["area"]), r.get("steps"), lang),
                str(r["total"]),
                ", ".join(f"{factor_label(kb, k, lang)} {v}" for k, v in r["scores"].items()),
            )
            for r in focus.get("ranking", [])
        ],
        focus_note=_focus_note(kb, focus, lang),
        targets=[
            (
                indicator_key_label(kb, t["indicator"], lang),
                f"{_fmt(t['now']['value'])} {t['unit']} ({level_label(t['now']['level'], lang)})",
                f"{_fmt(t['after_no_low_cost']['value'])} ({level_label(t['after_no_low_cost']['level'], lang)})",
                f"{_fmt(t['after_all']['value'])} ({level_label(t['after_all']['level'], lang)})",
            )
            for t in plan["targets"]
        ],
        before_after_svg=before_after_svg(chart_rows, lang),
        before_after=ba_rows,
        projected_level=level_label(plan["projected"]["overall_level"], lang),
        why_not=[_why_not_line(kb, rid, info, lang) for rid, info in sorted(not_fired_of(kb, plan).items())],
        nodes=nodes,
        sources=sources,
        summary=build_summary(kb, plan, lang),
        finding_groups=_group_findings(findings),
        level_text=level_range_text(ev, lang),
    )


def _group_findings(findings: list[FindingView]) -> list[tuple[FindingView, list[FindingView]]]:
    """Findings of one kind (the same title and severity) together: the first in full, the others by subject."""
    groups: dict[tuple[str, str], tuple[FindingView, list[FindingView]]] = {}
    for f in findings:
        key = (f.title, f.severity_code)
        if key in groups:
            groups[key][1].append(f)
        else:
            groups[key] = (f, [])
    return list(groups.values())


def _resolution_line(kb: KnowledgeBase, row: dict[str, Any], lang: str) -> str:
    """One change of the resolution log: the option by name, and the reason in the report's language."""
    option = kb.options.get(row["option"])
    name = getattr(option.name, "zh" if lang == "zh" else "en") if option is not None else row["option"]
    reason = (row.get("text") or {}).get("zh" if lang == "zh" else "en") or row["reason"]
    action = _ACTIONS[lang].get(row["action"], row["action"].replace("_", " "))
    return f"{name}: {action} — {reason}"


_ACTIONS = {
    "zh": {"excluded": "排除", "narrowed": "缩小范围", "added": "增加", "not_added": "未增加", "check": "需核实"},
    "en": {"not_added": "not added"},
}


def _focus_note(kb: KnowledgeBase, focus: dict[str, Any], lang: str) -> str:
    """How the audit focus was ranked, in the report's language, with the factors' weights by name."""
    weights = ", ".join(f"{factor_label(kb, k, lang)} {v}" for k, v in (focus.get("weights") or {}).items())
    left = ", ".join(factor_label(kb, k, lang) for k in focus.get("left_out") or [])
    if lang == "zh":
        text = "权重总和计分排序：总分 = Σ R × W；R = 1 + 9 × 该区域的计数 ÷ 各区域中的最高计数。"
        text += f"权重：{weights}。" if weights else ""
        text += f"未计入（自查数据中没有）：{left}。" if left else ""
        return text
    text = "Weighted-sum ranking: total = Σ R × W; R = 1 + 9 × count ÷ the highest count among the areas."
    text += f" Weights: {weights}." if weights else ""
    text += f" Left out (not in the self-inspection): {left}." if left else ""
    return text


def _title(kb: KnowledgeBase, trace: dict[str, Any], nid: str, lang: str) -> str:
    node = trace.get(nid)
    if node is None:
        return nid
    value = node["value"]
    if node["type"] == "finding" and value.get("finding") in kb.findings:
        t = kb.findings[value["finding"]].title
        return t.zh if lang == "zh" else t.en
    if node["type"] == "recommendation" and value.get("option") in kb.options:
        t = kb.options[value["option"]].name
        return t.zh if lang == "zh" else t.en
    if node["type"] == "step":
        return str(localise(kb, "step", value.get("step"), lang))
    if node["type"] == "indicator":
        return str(localise(kb, "indicator", value.get("indicator"), lang)) + (
            f" [{value.get('instance')}]" if value.get("instance") else ""
        )
    if node["type"] == "stream":
        return str(localise(kb, "stream", value.get("stream"), lang))
    if node["type"] == "effluent":
        return f"{value.get('outlet', '')} {localise(kb, 'pollutant', value.get('pollutant'), lang)}".strip()
    return nid


def _firmness_note(ev: dict[str, Any], lang: str) -> str:
    return firmness_text(ev.get("level_firmness") or {}, lang)


def _blocking_target(kb: KnowledgeBase, row: dict[str, Any], lang: str) -> str:
    nl = row.get("next_level") or {}
    if "target" in nl:
        return f"{nl['comparison']} {_fmt(nl['target'])}"
    if nl.get("reachable") is False:
        unreachable = "无法达到" if lang == "zh" else "unreachable"
        return f"{nl['comparison']} {_fmt(nl['threshold'])} ({unreachable}: > {_fmt(nl['bound'])})"
    unmet = nl.get("unmet") or []
    return "; ".join(field_path_label(kb, str(u["subject"]), lang) for u in unmet[:3])
