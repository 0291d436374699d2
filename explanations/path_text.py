"""The cheapest path and the what-if as text for people, in Chinese or English (names, not ids)."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from explanations.figures import num, savings_text
from explanations.i18n import RESOURCES, level_label
from explanations.rationale import localise

__all__ = ["render_path_text", "render_whatif_text"]

_OBJECTIVE = {
    "zh": {"investment": "投资最少", "payback": "回收期最短", "co2": "CO2减排最多"},
    "en": {"investment": "least investment", "payback": "shortest payback", "co2": "most CO2 avoided"},
}
_WHY = {
    "zh": {
        "options_not_enough": "这些方案不足以使其达到",
        "no_option_moves_it": "这些方案均不作用于该指标",
        "data_missing": "数据不全",
    },
    "en": {
        "options_not_enough": "these options do not move it far enough",
        "no_option_moves_it": "none of these options acts on it",
        "data_missing": "its data are missing",
    },
}


def _name(kb: KnowledgeBase | None, oid: str, lang: str) -> str:
    if kb is not None and oid in kb.options:
        return str(getattr(kb.options[oid].name, lang))
    return oid


def _names(kb: KnowledgeBase | None, ids: list[str], lang: str, most: int = 8) -> str:
    shown = ("、" if lang == "zh" else ", ").join(_name(kb, i, lang) for i in ids[:most]) or "—"
    if len(ids) > most:
        shown += f" 等 {len(ids)} 项" if lang == "zh" else f" and {len(ids) - most} more"
    return shown


def _indices(indices: dict[str, Any] | None) -> str:
    if not indices:
        return "—"
    return ", ".join(f"{k} {num(v, 4)}" for k, v in indices.items())


def _selection(out: dict[str, Any], kb: KnowledgeBase | None, lang: str) -> list[str]:
    zh = lang == "zh"
    lines = []
    for i, row in enumerate(out["options"], 1):
        inv = row["investment"] or {}
        shown = (
            f"{num(inv.get('central'))} CNY" if inv.get("central") is not None else ("待询价" if zh else "to be quoted")
        )
        lines.append(
            f"  {i}. {row['name'][lang]}  [{row['measure_code']}]  " + ("投资 " if zh else "investment ") + shown
        )
    inv = out["investment"]
    gaps = inv["options_without_investment"]
    lines.append(
        (
            f"合计投资 {num(inv['central'])} CNY（{num(inv['low'])}–{num(inv['high'])}）"
            if zh
            else f"investment {num(inv['central'])} CNY ({num(inv['low'])}–{num(inv['high'])})"
        )
        + (
            (
                f"，另有 {len(gaps)} 项待询价：{_names(kb, gaps, lang)}"
                if zh
                else f", plus {len(gaps)} to be quoted: {_names(kb, gaps, lang)}"
            )
            if gaps
            else ""
        )
    )
    saved = savings_text({k: v for k, v in out["savings"].items() if k != "money"}, lang)
    if saved:
        lines.append(("年节约：" if zh else "saves per year: ") + "; ".join(saved))
    money = out["savings"].get("money")
    if money:
        lines.append(
            f"年经济效益 {num(money['central'])} CNY/a" if zh else f"money saved {num(money['central'])} CNY/a"
        )
    if out.get("payback_years") is not None:
        lines.append(
            f"静态回收期 {num(out['payback_years'], 2)} 年" if zh else f"payback {num(out['payback_years'], 2)} years"
        )
    lines.append(
        ("实施后预计等级：" if zh else "projected level: ")
        + level_label(out["projected_level"], lang)
        + f"  ({_indices(out.get('projected_indices'))})"
    )
    return lines


def _shortfall(short: dict[str, Any], kb: KnowledgeBase | None, lang: str) -> list[str]:
    zh = lang == "zh"
    idx = short["index"]
    target = level_label(idx["level"], lang)
    n = len(short["with_options"])
    priced = short.get("scope") == "priced"
    lines = [
        (
            f"即使实施全部 {n} 项{'有投资估算的' if priced else ''}方案：Y_{idx['level']} = {num(idx['reached'], 4)}，"
            f"{target}要求 {num(idx['needed'], 4)}，差 {num(idx['gap'], 4)}"
            if zh
            else f"with all {n} {'priced ' if priced else ''}options: Y_{idx['level']} = {num(idx['reached'], 4)}, "
            f"{target} asks {num(idx['needed'], 4)}, short by {num(idx['gap'], 4)}"
        )
    ]
    if short["limiting_not_met"]:
        shown = ", ".join(
            str(localise(kb, "indicator", k.split("[")[0], lang)) if kb else k for k in short["limiting_not_met"]
        )
        lines.append(("限定性指标未达到：" if zh else "limiting indicators short: ") + shown)
    lines.append("未达到的指标：" if zh else "indicators that stay short:")
    for row in short["indicators"]:
        text = f"  - {row['name'][lang]}：" if zh else f"  - {row['name'][lang]}: "
        text += level_label(row["level_now"], lang) + " → " + level_label(row["level_with_all"], lang)
        if row.get("threshold") and row.get("value_with_all") is not None:
            th = row["threshold"]
            text += (
                f"，{num(row['value_with_all'])} {row['unit']}（目标 {th['comparison']} {num(th['value'])}"
                if zh
                else f", {num(row['value_with_all'])} {row['unit']} (target {th['comparison']} {num(th['value'])}"
            )
            pct = row.get("change_needed_percent")
            if pct is not None:
                more = pct > 0
                text += (
                    f"，还需{'提高' if more else '降低'} {num(abs(pct), 3)}%）"
                    if zh
                    else f", {num(abs(pct), 3)} % {'higher' if more else 'lower'} needed)"
                )
            else:
                text += "）" if zh else ")"
        text += ("；" if zh else "; ") + _WHY[lang][row["why"]]
        if row["points"]:
            text += f"（{num(row['points'], 4)} 分）" if zh else f" ({num(row['points'], 4)} points)"
        lines.append(text)
        for leaf in row.get("unmet", [])[:3]:
            lines.append(
                f"      {leaf['subject']} {leaf['op']} {leaf['expected']}"
                + (f"（现为 {leaf['actual']}）" if zh else f" (now {leaf['actual']})")
            )
    data = short["data"]
    wanted = []
    if data["missing_inputs"]:
        wanted.append(("缺失数据：" if zh else "missing data: ") + ", ".join(data["missing_inputs"][:8]))
    if data["unknown_answers"]:
        wanted.append(("未知回答：" if zh else "unknown answers: ") + ", ".join(data["unknown_answers"][:8]))
    if data["unquantified_options"]:
        ids = [o["option_id"] for o in data["unquantified_options"]]
        wanted.append(("效益待量化的方案：" if zh else "options to quantify: ") + _names(kb, ids, lang))
    if data["unpriced_options"]:
        wanted.append(("待询价的方案：" if zh else "options to price: ") + _names(kb, data["unpriced_options"], lang))
    if data["questions_to_ask"]:
        wanted.append(
            f"待问问题 {len(data['questions_to_ask'])} 个（见方案）"
            if zh
            else f"{len(data['questions_to_ask'])} questions to ask (see the plan)"
        )
    if wanted:
        lines.append("能改变结论的数据：" if zh else "data that would change this:")
        lines += [f"  - {w}" for w in wanted]
    return lines


def render_path_text(out: dict[str, Any], lang: str = "zh", kb: KnowledgeBase | None = None) -> str:
    zh = lang == "zh"
    ent = out["enterprise"]
    target = level_label(out["target"], lang)
    lines = [
        (
            f"达到{target}的路径（{_OBJECTIVE[lang][out['objective']]}）："
            if zh
            else f"Path to {target} ({_OBJECTIVE[lang][out['objective']]}): "
        )
        + f"{ent['name']} ({ent['id']}), {out['year']}",
        ("现状等级：" if zh else "level now: ") + level_label(out["current_level"], lang),
        ("方法：" if zh else "method: ") + out["method"][lang],
    ]
    bound = out["bound"]
    if out["exact"]:
        lines.append("结论已证明（精确）" if zh else "the answer is proven (exact)")
    else:
        lines.append(
            f"达到搜索上限（{bound['verifications']}/{bound['limit']} 次验证），结论未经证明"
            if zh
            else f"search bound hit ({bound['verifications']}/{bound['limit']} verifications): the answer is not proven"
        )
    if out["status"] == "already_reached":
        lines.append(f"已达到{target}，无需方案。" if zh else f"Already at {target}: no option needed.")
        return "\n".join(lines) + "\n"
    if out["feasible"]:
        lines += ["", f"可达到{target}的方案组合：" if zh else f"Options that reach {target}:"]
        lines += _selection(out, kb, lang)
    else:
        lines += [
            "",
            f"方案中没有能达到{target}的组合。" if zh else f"No selection of the plan's options reaches {target}.",
        ]
        wider = out.get("with_unpriced")
        if wider and wider.get("feasible"):
            lines.append(
                f"若计入尚无投资估算的方案，可以达到（其中待询价：{_names(kb, wider['unpriced_options'], lang)}）："
                if zh
                else f"It can be reached with options not yet priced ({_names(kb, wider['unpriced_options'], lang)}):"
            )
            lines += _selection(wider, kb, lang)
    if out.get("shortfall"):
        lines += ["", *_shortfall(out["shortfall"], kb, lang)]
    priced = [p for p in out["curve"] if p["priced"]]
    if priced:
        lines += [
            "",
            "投资与指数（已验证的组合中不被超越者）："
            if zh
            else "Investment against the index (selections evaluated that none beats):",
        ]
        for p in priced:
            lines.append(
                f"  {num(p['investment'])} CNY → Y_{out['target']} {num(p['index'], 4)}, "
                + level_label(p["level"], lang)
                + f" ({len(p['options'])})"
            )
    return "\n".join(lines) + "\n"


def render_whatif_text(out: dict[str, Any], lang: str = "zh", kb: KnowledgeBase | None = None) -> str:
    zh = lang == "zh"
    ent = out["enterprise"]
    diff = out["differences"]
    lines = [("情景分析：" if zh else "What-if: ") + f"{ent['name']} ({ent['id']}), {out['year']}"]
    for e in out["changes"]["set"]:
        lines.append(f"  {'修改' if zh else 'set'} {e['path']}: {e['old']!r} → {e['new']!r}")
    if out["changes"]["accept"]:
        lines.append(("  接受方案：" if zh else "  accepted: ") + _names(kb, out["changes"]["accept"], lang))
    if out["changes"]["reject"]:
        lines.append(("  拒绝方案：" if zh else "  rejected: ") + _names(kb, out["changes"]["reject"], lang))
    lv = out["level"]
    lines += [
        "",
        ("现状等级：" if zh else "level now: ")
        + level_label(lv["baseline_now"], lang)
        + " → "
        + level_label(lv["now"], lang),
        ("实施方案后：" if zh else "after the plan: ")
        + level_label(lv["baseline_projected"], lang)
        + " → "
        + level_label(lv["projected"], lang),
    ]
    if diff["indicators"]:
        lines += ["", "指标变化：" if zh else "indicators that change:"]
        for row in diff["indicators"]:
            stage = ("现状" if row["stage"] == "now" else "实施后") if zh else row["stage"]
            a, b = row["from"] or {}, row["to"]
            was = f"{num(a.get('value'))} ({level_label(a.get('level'), lang)})"
            now = f"{num(b['value'])} ({level_label(b['level'], lang)})"
            lines.append(f"  - [{stage}] {row['name'][lang]}: {was} → {now}")
    for key, zh_head, en_head in (
        ("appeared", "新出现的问题：", "findings that appear:"),
        ("disappeared", "消失的问题：", "findings that disappear:"),
    ):
        rows = diff["findings"][key]
        if rows:
            lines += ["", zh_head if zh else en_head]
            for f in rows:
                title = kb.findings[f["finding"]].title if kb is not None and f["finding"] in kb.findings else None
                name = getattr(title, lang) if title is not None else f["finding"]
                where = f.get("subject_step")
                where = str(localise(kb, "step", where, lang)) if kb is not None and where else (where or "")
                because = ", ".join(b.removeprefix("input:") for b in f["because"])
                lines.append(
                    f"  - {name}"
                    + (f"（{where}）" if zh and where else f" ({where})" if where else "")
                    + ((f"：因 {because}" if zh else f": because of {because}") if because else "")
                )
    for key, zh_head, en_head in (
        ("appeared", "加入方案的措施：", "options that join the plan:"),
        ("disappeared", "移出方案的措施：", "options that leave the plan:"),
    ):
        rows = diff["options"][key]
        if rows:
            lines += ["", zh_head if zh else en_head]
            for o in rows:
                why = o.get("reason") or ", ".join(b.removeprefix("input:") for b in o.get("because", [])) or o["why"]
                lines.append(f"  - {_name(kb, o['option_id'], lang)}: {why}")
    if diff["totals"]:
        lines += ["", "合计变化：" if zh else "totals that change:"]
        for key, row in diff["totals"].items():
            label = RESOURCES[lang].get(
                key,
                {"investment": "投资" if zh else "investment", "money": "年经济效益" if zh else "money"}.get(key, key),
            )
            lines.append(f"  - {label}: {num(row['from'])} → {num(row['to'])} {row.get('unit') or ''}".rstrip())
    return "\n".join(lines) + "\n"
