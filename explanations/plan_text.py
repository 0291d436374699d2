"""The plan as text for people, in Chinese or English."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.completeness_text import completeness_lines
from explanations.evaluation_text import _level
from explanations.figures import investment_text, money_text, num, payback_text, savings_text, totals_lines
from explanations.names import area_label, factor_label, field_path_label, indicator_key_label, node_label, part_label
from explanations.rationale import localise
from explanations.summary import build_summary, summary_lines

__all__ = ["render_plan_text"]


def _flags(rec: dict[str, Any], zh: bool) -> str:
    """Marks for figures that rest on vendor claims or on this system's planning assumptions."""
    model = rec.get("savings_model") or {}
    marks = {
        "includes_claims": ("含厂商宣称数据", "includes vendor claims"),
        "includes_assumptions": ("含规划假设（U级，可调整）", "includes planning assumptions (grade U, adjustable)"),
    }
    found = [text[0] if zh else text[1] for flag, text in marks.items() if model.get(flag)]
    return f"  [{'; '.join(found)}]" if found else ""


def _savings(rec: dict[str, Any], lang: str) -> str:
    return "; ".join(savings_text(rec["savings"], lang))


_ACTIONS = {
    "zh": {
        "excluded": "排除",
        "narrowed": "缩小范围",
        "added": "增加",
        "not_added": "未增加",
        "check": "需核实",
        "dropped": "删除",
    },
    "en": {},
}


def _option_name(kb: KnowledgeBase | None, oid: str, lang: str) -> str:
    if kb is not None and oid in kb.options:
        return str(getattr(kb.options[oid].name, lang))
    return oid


def _shortlist(plan: dict[str, Any], by_id: dict[str, dict[str, Any]], zh: bool) -> list[str]:
    """The key options first, by name, each with why it is key."""
    key = plan.get("key_options") or []
    if not key:
        return []
    lang = "zh" if zh else "en"
    lines = ["", ("重点方案（按优先级排序）：" if zh else "Key options (ranked):")]
    for row in key:
        rec = by_id[row["option_id"]]
        lines.append(f"  {row['rank']}. {rec['name'][lang]}  [{rec['priority']['score']}]")
        lines.append(("     理由：" if zh else "     why: ") + row["text"][lang])
        saving = _savings(rec, lang)
        if saving:
            lines.append(("     年节约：" if zh else "     saves/a: ") + saving + _flags(rec, zh))
        lines.append(
            ("     年效益：" if zh else "     worth: ")
            + money_text(rec.get("money"), lang)
            + ("；投资：" if zh else "; investment: ")
            + investment_text(rec.get("investment"), lang)
            + ("；回收期：" if zh else "; payback: ")
            + payback_text(rec.get("payback_years"), lang)
        )
    return lines


def _questions(plan: dict[str, Any], kb: KnowledgeBase | None, lang: str) -> list[str]:
    """Questions whose answers decide whether (or how) an option is recommended."""
    rows = plan.get("questions_to_ask") or []
    if not rows:
        return []
    zh = lang == "zh"
    lines = [
        "",
        "待问问题（回答后才能判断是否推荐）：" if zh else "Questions to ask (they decide what is recommended):",
    ]
    for row in rows:
        where = str(localise(kb, "step", row["step"], lang)) if kb and row["step"] else (row["step"] or "")
        names = ("、" if zh else ", ").join(_option_name(kb, o, lang) for o in row["options"])
        lines.append(f"  - {row['text'][lang]}" + (f"（{where}）" if zh and where else f" ({where})" if where else ""))
        lines.append(("       涉及方案：" if zh else "       for: ") + names)
    return lines


def render_plan_text(plan: dict[str, Any], lang: str = "zh", kb: KnowledgeBase | None = None) -> str:
    zh = lang == "zh"
    ev, proj = plan["evaluation"], plan["projected"]
    ent = plan["enterprise"]
    lines = [
        ("清洁生产方案：" if zh else "Cleaner-production plan: ") + f"{ent['name']}, {plan['year']}",
        "",
    ]
    if kb is not None:
        lines += summary_lines(build_summary(kb, plan, lang), lang)
    else:
        lines.append(("现状等级：" if zh else "Level now: ") + _level(ev["overall_level"], lang))
    lines.append(
        ("预测综合指数：" if zh else "Projected indices: ")
        + "  ".join(f"{k} {num(v)}" for k, v in proj["indices"].items())
    )
    if plan.get("completeness"):
        lines.append("")
        lines.extend(completeness_lines(plan["completeness"], lang, indicators=3, kb=kb))
    focus = plan.get("audit_focus") or {}
    if focus.get("ranking"):
        lines.append("")
        areas = {row["area"]: row.get("steps") for row in focus["ranking"]}

        def area(a: str) -> str:
            return area_label(kb, a, areas.get(a), lang) if kb else a

        def factor(f: str) -> str:
            return factor_label(kb, f, lang) if kb else f

        lines.append(
            ("审核重点（权重总和计分排序）：" if zh else "Audit focus (weighted-sum ranking): ") + area(focus["focus"])
        )
        for row in focus["ranking"][:5]:
            lines.append(
                f"  {area(row['area'])}: {row['total']}  "
                + ", ".join(f"{factor(k)} {v}" for k, v in row["scores"].items())
            )
        if focus.get("left_out"):
            lines.append(
                ("  未计入（无数据）：" if zh else "  left out (no data): ")
                + ", ".join(factor(f) for f in focus["left_out"])
            )
    by_id = {r["option_id"]: r for r in plan["recommendations"]}
    totals = totals_lines(plan.get("totals") or {}, lang)
    if totals:
        lines.append("")
        lines.append("方案合计（按剩余量依次叠加，不超过现状）：" if zh else "Plan totals (combined on what remains):")
        lines += [f"  {t}" for t in totals]
    lines += _shortlist(plan, by_id, zh)
    lines += _questions(plan, kb, lang)
    lines.append("")
    lines.append("全部方案（附录）：" if zh else "All options (annex):")
    for group, title in (
        ("no_low_cost", ("无/低费方案（立即实施）", "No/low-cost options (do now)")),
        ("medium_high_cost", ("中/高费方案（需可行性分析）", "Medium/high-cost options (feasibility analysis)")),
    ):
        ids = plan["groups"][group]
        lines.append("")
        lines.append((title[0] if zh else title[1]) + f" — {len(ids)}")
        for oid in ids:
            rec = by_id[oid]
            name = rec["name"]["zh" if zh else "en"]
            names = [str(localise(kb, "step", s, lang)) if kb else s for s in rec["steps"]]
            steps = ", ".join(names) or ("全厂" if zh else "plant-wide")
            pr = rec["priority"]
            lines.append(f"  [{pr['score']:>2}] {rec['measure_code']} {name}  ({steps})")
            saving = _savings(rec, lang)
            if saving:
                lines.append(("       年节约：" if zh else "       saves/a: ") + saving + _flags(rec, zh))
            if rec.get("money"):
                lines.append(("       年效益：" if zh else "       worth/a: ") + money_text(rec["money"], lang))
            lines.append(
                ("       投资：" if zh else "       investment: ")
                + investment_text(rec.get("investment"), lang)
                + (
                    f"; {'回收期' if zh else 'payback'} {payback_text(rec['payback_years'], lang)}"
                    if rec.get("payback_years")
                    else ""
                )
            )
            lines.append(
                ("       优先级构成：" if zh else "       priority parts: ")
                + ", ".join(f"{part_label(k, lang)} {v}" for k, v in pr.get("parts", {}).items())
            )
            if rec["findings"]:
                lines.append(
                    ("       依据：" if zh else "       because: ")
                    + ("；" if zh else "; ").join(node_label(kb, f, lang) if kb else f for f in rec["findings"][:3])
                    + (" …" if len(rec["findings"]) > 3 else "")
                )
            missing = (rec.get("savings_model") or {}).get("missing") or []
            if missing:
                lines.append(
                    ("       需补充数据：" if zh else "       to quantify, supply: ")
                    + "; ".join(field_path_label(kb, m, lang) if kb else m for m in missing)
                )
    if plan["resolution"]:
        lines.append("")
        lines.append("方案取舍：" if zh else "Conflicts and prerequisites:")
        for row in plan["resolution"]:
            name = (
                by_id[row["option"]]["name"][lang] if row["option"] in by_id else _option_name(kb, row["option"], lang)
            )
            reason = (row.get("text") or {}).get(lang) or row["reason"]
            lines.append(f"  - {name}: {_ACTIONS[lang].get(row['action'], row['action'])} — {reason}")
    if plan["targets"]:
        lines.append("")
        lines.append("清洁生产目标（预测）：" if zh else "Cleaner-production targets (projected):")
        for t in plan["targets"]:
            name = indicator_key_label(kb, t["indicator"], lang) if kb else t["indicator"]
            lines.append(
                f"  {name}: {num(t['now']['value'])} {t['unit']} ({_level(t['now']['level'], lang)}) → "
                f"{num(t['after_no_low_cost']['value'])} ({_level(str(t['after_no_low_cost']['level']), lang)}) → "
                f"{num(t['after_all']['value'])} ({_level(str(t['after_all']['level']), lang)})"
            )
    lines.append("")
    lines.append(
        ("知识库 " if zh else "knowledge base ")
        + f"{plan['kb_version']} {plan['kb_hash'][:19]}…  "
        + ("输入 " if zh else "input ")
        + f"{plan['input_hash'][:19]}…"
    )
    return "\n".join(lines) + "\n"
