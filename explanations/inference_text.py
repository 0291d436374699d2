"""Findings and recommendations with their why-chains, as text for people (Chinese or English)."""

from __future__ import annotations

from typing import Any

from engine.inference.run import InferenceResult
from engine.kb.loader import KnowledgeBase
from explanations.i18n import level_range_text
from explanations.names import node_label
from explanations.rationale import render_rationale

__all__ = ["render_inference_text"]

_SEVERITY = {
    "zh": {"high": "高", "medium": "中", "low": "低"},
    "en": {"high": "high", "medium": "medium", "low": "low"},
}


def _title(kb: KnowledgeBase, node_value: dict[str, object], lang: str) -> str:
    fid = str(node_value.get("finding", ""))
    if fid in kb.findings:
        text = kb.findings[fid].title
        return text.zh if lang == "zh" else text.en
    return str(node_value.get("option", fid))


def _chain(kb: KnowledgeBase, result: InferenceResult, node_id: str, lang: str, depth: int, lines: list[str]) -> None:
    node = result.trace.nodes[node_id]
    indent = "    " * depth
    if node.rule is None:
        return
    rule = kb.rules[node.rule]
    rule_title = rule.title.zh if lang == "zh" else rule.title.en
    lines.append(
        f"{indent}{'因为' if lang == 'zh' else 'because'} {rule_title}: "
        f"{render_rationale(kb, result.trace, node_id, lang)}"
    )
    for pid in node.premises:
        premise = result.trace.nodes[pid]
        if premise.type in ("finding", "recommendation"):
            lines.append(f"{indent}  ← {node_label(kb, pid, lang)}")
            _chain(kb, result, pid, lang, depth + 1, lines)
        else:
            lines.append(f"{indent}  ← {node_label(kb, pid, lang)}")


def render_inference_text(
    kb: KnowledgeBase, result: InferenceResult, lang: str = "zh", evaluation: dict[str, Any] | None = None
) -> str:
    """``evaluation`` (the evaluation the rules ran on) puts the overall level first, in the same words as evaluate
    and plan, so that a level finding of an incomplete self-inspection reads with its range."""
    zh = lang == "zh"
    lines: list[str] = []
    if evaluation is not None:
        lines.append(("综合评定：" if zh else "Overall level: ") + level_range_text(evaluation, lang))
        rng = evaluation.get("overall_level_range") or {}
        if rng.get("best", evaluation["overall_level"]) != evaluation["overall_level"]:
            lines.append(
                "（以下等级类问题按已确定的最低等级判断；补全数据后可能不再成立）"
                if zh
                else "(level findings below are judged on the level certainly reached; "
                "they may not hold once the data are complete)"
            )
        lines.append("")
    findings = result.findings()
    lines.append(f"发现问题 {len(findings)} 项：" if zh else f"{len(findings)} finding(s):")
    order = {"high": 0, "medium": 1, "low": 2}
    for f in sorted(findings, key=lambda f: (order.get(str(f.get("severity")), 3), f["id"])):
        sev = _SEVERITY[lang].get(str(f.get("severity")), "")
        lines.append("")
        lines.append(f"■ [{sev}] {node_label(kb, f['id'], lang)}")
        _chain(kb, result, f["id"], lang, 1, lines)
    recs = result.recommendations()
    if recs:
        lines.append("")
        lines.append(f"推荐方案 {len(recs)} 项：" if zh else f"{len(recs)} recommendation(s):")
        for r in recs:
            lines.append(f"■ {node_label(kb, r['id'], lang)}")
            _chain(kb, result, r["id"], lang, 1, lines)
    lines.append("")
    lines.append(
        f"未触发规则 {len(result.not_fired)} 条（--json 查看原因）"
        if zh
        else f"{len(result.not_fired)} rule(s) did not fire (--json shows why not)"
    )
    return "\n".join(lines) + "\n"
