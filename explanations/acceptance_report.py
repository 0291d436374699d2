"""The verification of an acceptance as people read it: HTML (template ``acceptance.html.j2``), PDF (WeasyPrint, as
the plan report) and Word (python-docx, the building blocks of the Word report). Chinese first, names not ids;
figures to three significant figures. Everything is read from the verification JSON; nothing is recomputed."""

from __future__ import annotations

import io
from typing import Any

from explanations.docx_parts import add_table, bullet, heading, new_document, para
from explanations.figures import num
from explanations.i18n import RESOURCES, level_label
from explanations.render import _css, _now, environment

__all__ = ["acceptance_view", "render_acceptance_docx", "render_acceptance_html", "render_acceptance_pdf"]

_STATUS = {
    "zh": {"implemented": "已实施", "partly": "部分实施", "not": "未实施", "will_not": "不实施", "unticked": "未填报"},
    "en": {
        "implemented": "implemented",
        "partly": "partly",
        "not": "not implemented",
        "will_not": "will not",
        "unticked": "not ticked",
    },
}
_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "清洁生产简易验收核查结论",
        "verdict": {"pass": "合格", "fail": "不合格"},
        "met": {True: "达到", False: "未达到", None: "—"},
        "ok": {True: "符合", False: "不符合", None: "未核查"},
        "veto": {True: "成立", False: "不成立", None: "未核查"},
        "items": "关键方案核查",
        "item_head": ["方案", "实施情况", "资源", "预期节约（年）", "实测节约（年）", "结论"],
        "plant": "全厂实测（按规划年产量折算，产量变化不计为节约）",
        "plant_head": ["资源", "基准年", "预期节约", "实测节约", "结论"],
        "targets": "清洁生产目标",
        "target_head": ["指标", "目标", "实测", "结论"],
        "vetoes": "否决项",
        "checks": "核查项",
        "reasons": "不符合项",
        "missing": "合格还缺",
        "on_fail": "不合格的后果",
        "rewards": "奖励",
        "subsidies": "补贴",
        "none": "无",
        "tolerance": "容差",
        "placeholder": "（试点规则未公开，本系统占位值，可替换）",
        "unpublished": "金额未公开（占位）",
        "enterprise": "企业",
        "level": "验收后等级",
        "policy": "验收规则",
        "kb": "知识库",
        "generated": "生成时间",
    },
    "en": {
        "title": "Simple cleaner-production acceptance: verification",
        "verdict": {"pass": "pass", "fail": "fail"},
        "met": {True: "met", False: "not met", None: "—"},
        "ok": {True: "in order", False: "not in order", None: "not checked"},
        "veto": {True: "applies", False: "does not apply", None: "not checked"},
        "items": "Key options",
        "item_head": ["Option", "Status", "Resource", "Expected saving (a year)", "Measured saving (a year)", "Result"],
        "plant": "The plant (at the plan year's output: a change in output is not a saving)",
        "plant_head": ["Resource", "Base year", "Expected saving", "Measured saving", "Result"],
        "targets": "Cleaner-production targets",
        "target_head": ["Indicator", "Target", "Measured", "Result"],
        "vetoes": "Veto items",
        "checks": "Checks",
        "reasons": "Conditions not met",
        "missing": "Missing to pass",
        "on_fail": "Consequences of a fail",
        "rewards": "Rewards",
        "subsidies": "Subsidies",
        "none": "none",
        "tolerance": "tolerance",
        "placeholder": "(the pilot's rule is not published: this system's placeholder, replaceable)",
        "unpublished": "amount not published (placeholder)",
        "enterprise": "Enterprise",
        "level": "Level after acceptance",
        "policy": "Acceptance rules",
        "kb": "Knowledge base",
        "generated": "Generated",
    },
}


def _t(text: Any, lang: str) -> str:
    return str(text.get(lang) or text.get("zh") or "") if isinstance(text, dict) else str(text or "")


def _res(res: str, lang: str) -> str:
    return RESOURCES[lang].get(res, res)


def _named(text: str, lang: str) -> str:
    """A reason's text with the resource ids and status words the engine wrote replaced by their names."""
    for key in sorted(RESOURCES[lang], key=len, reverse=True):
        text = text.replace(key, RESOURCES[lang][key])
    for key, word in _STATUS[lang].items():
        text = text.replace(f"（{key}）", f"（{word}）").replace(f"({key})", f"({word})")
    return text.replace("<= ", "≤ ").replace(">= ", "≥ ")


_CMP = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def _money(amount: Any, lang: str) -> str:
    if amount is None:
        return str(_WORDS[lang]["unpublished"])
    return f"{num(float(amount))} 元" if lang == "zh" else f"CNY {num(float(amount))}"


def acceptance_view(result: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The rows every format shows, in ``lang``: names, rounded figures, words for the results."""
    w = _WORDS[lang]
    items = []
    for it in result["items"]:
        if it["status"] == "unticked" and not it["required"]:
            continue
        rows = [
            [
                _res(res, lang),
                f"{num(e['central'])} {e['unit']}",
                num(it["measured"].get(res, {}).get("saving")),
                w["met"][e["met"]],
            ]
            for res, e in it["expected"].items()
        ] or [["—", "—", "—", w["met"][it["met"]]]]
        items.append(
            {
                "name": _t(it["name"], lang),
                "status": _STATUS[lang][it["status"]],
                "rows": rows,
                "met": w["met"][it["met"]],
            }
        )
    plant = [
        [_res(res, lang), f"{num(p['base'])} {p['unit']}", num(p["expected"]), num(p["saving"]), w["met"][p["met"]]]
        for res, p in result["plant"].get("resources", {}).items()
        if p["met"] is not None
    ]
    targets = [
        [
            _t(t["name"], lang) or t["indicator"],
            f"{_CMP.get(t['comparison'], t['comparison'])} {num(t['target'])} {t['unit']}",
            num(t["measured"]),
            w["met"][t["met"]] if t["required"] else f"{w['met'][t['met']]} *",
        ]
        for t in result["targets"]
    ]
    rewards = [f"{_t(r['name'], lang)}: {_money(r['amount']['value'], lang)}" for r in result.get("rewards", [])]
    subsidies = [
        f"{_t(s['name'], lang)}: {_t(s['proposed']['name'], lang)}, {_money(s['proposed']['amount'], lang)}"
        for s in result.get("subsidies", [])
    ]
    tol = result.get("tolerance") or {}
    ent = result.get("enterprise") or {}
    return {
        "lang": lang,
        "zh": lang == "zh",
        "w": w,
        "enterprise": ent.get("name") or "",
        "verdict": w["verdict"][result["verdict"]],
        "passed": result["verdict"] == "pass",
        "level": level_label(result.get("verified_level"), lang),
        "policy": _t((result.get("policy") or {}).get("name"), lang),
        "tolerance": f"{num((tol.get('value') or 0) * 100)} %"
        + (f" {w['placeholder']}" if tol.get("placeholder") else ""),
        "items": items,
        "plant": plant,
        "targets": targets,
        "vetoes": [[_t(v["text"], lang), w["veto"][v["answer"]]] for v in result["vetoes"]],
        "checks": [[_t(c["text"], lang), w["ok"][c["answer"]]] for c in result["checks"]],
        "reasons": [_named(_t(r["text"], lang), lang) for r in result["reasons"]],
        "missing": [_named(_t(r["text"], lang), lang) for r in result.get("missing_to_pass", [])],
        "on_fail": [_t(x, lang) for x in result.get("on_fail", [])],
        "rewards": rewards,
        "subsidies": subsidies,
        "kb": f"{result['kb_version']} ({result['kb_hash'][:19]})",
    }


def render_acceptance_html(result: dict[str, Any], lang: str = "zh", generated_at: str | None = None) -> str:
    view = acceptance_view(result, lang)
    return (
        environment().get_template("acceptance.html.j2").render(css=_css(), v=view, generated_at=generated_at or _now())
    )


def render_acceptance_pdf(result: dict[str, Any], lang: str = "zh", generated_at: str | None = None) -> bytes:
    from weasyprint import HTML  # imported here: it loads system libraries (pango)

    pdf: bytes = HTML(string=render_acceptance_html(result, lang, generated_at)).write_pdf()
    return pdf


def render_acceptance_docx(result: dict[str, Any], lang: str = "zh") -> bytes:
    v = acceptance_view(result, lang)
    w = v["w"]
    doc = new_document(lang, w["title"])
    heading(doc, w["title"], 0)
    para(doc, v["enterprise"], f"{w['enterprise']}：" if v["zh"] else f"{w['enterprise']}: ")
    para(doc, v["verdict"], "结论：" if v["zh"] else "Verdict: ")
    para(doc, v["level"], f"{w['level']}：" if v["zh"] else f"{w['level']}: ")
    para(
        doc, f"{v['policy']}; {w['tolerance']} {v['tolerance']}", f"{w['policy']}：" if v["zh"] else f"{w['policy']}: "
    )
    for key in ("reasons", "missing", "on_fail"):
        if v[key]:
            heading(doc, w[key], 1)
            for line in v[key]:
                bullet(doc, line)
    heading(doc, w["items"], 1)
    rows = [[it["name"], it["status"], *r] for it in v["items"] for r in it["rows"]]
    add_table(doc, w["item_head"], rows, numeric_from=3)
    heading(doc, w["plant"], 1)
    add_table(doc, w["plant_head"], v["plant"], numeric_from=1)
    heading(doc, w["targets"], 1)
    add_table(doc, w["target_head"], v["targets"], numeric_from=2)
    for key in ("vetoes", "checks"):
        heading(doc, w[key], 1)
        add_table(doc, [w[key], ""], v[key])
    for key in ("rewards", "subsidies"):
        heading(doc, w[key], 1)
        for line in v[key] or [w["none"]]:
            bullet(doc, line)
    para(doc, v["kb"], f"{w['kb']}：" if v["zh"] else f"{w['kb']}: ")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
