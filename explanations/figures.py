"""The plan's figures as people read them, in zh or en: savings with their ranges, investment by status (the
enterprise's quote, a scaled range, or the declared gap), payback, and the plan's totals. One rounding rule for
every rendering: estimates to three significant figures (their low-high range carries the uncertainty)."""

from __future__ import annotations

from typing import Any

from explanations.i18n import RESOURCES

__all__ = ["investment_short", "investment_text", "money_text", "num", "payback_text", "savings_text", "totals_lines"]


def num(value: Any, digits: int = 3) -> str:
    """A figure to ``digits`` significant figures with thousands separators; "—" when absent."""
    if value is None:
        return "—"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits}g}")
    if abs(rounded) >= 10 ** (digits - 1):
        return f"{rounded:,.0f}"
    return f"{rounded:,.{digits}g}" if abs(rounded) >= 1 else f"{rounded:.{digits}g}"


def savings_text(savings: dict[str, Any], lang: str) -> list[str]:
    out = []
    for resource, s in savings.items():
        if not isinstance(s, dict) or s.get("central") is None:
            continue
        label = RESOURCES[lang].get(resource, resource)
        unit = s.get("unit", "")
        out.append(f"{label} {num(s['central'])} {unit} ({num(s.get('low'))}–{num(s.get('high'))})")
    return out


def money_text(money: dict[str, Any] | None, lang: str) -> str:
    if not money or money.get("central") is None:
        return "—"
    text = f"{num(money['central'])} CNY/a ({num(money.get('low'))}–{num(money.get('high'))})"
    missing = [RESOURCES[lang].get(r, r) for r in money.get("incomplete") or []]
    if missing:
        text += (
            f"（不完整：{'、'.join(missing)}未计价）"
            if lang == "zh"
            else f" (incomplete: {', '.join(missing)} not priced)"
        )
    return text


def investment_text(inv: dict[str, Any] | None, lang: str) -> str:
    zh = lang == "zh"
    if not inv:
        return "—"
    if inv.get("status") == "gap":
        note = inv.get("note") or {}
        return str(note.get("zh" if zh else "en", "")) if isinstance(note, dict) else str(note)
    if inv.get("status") == "quote":
        return f"{num(inv['central'])} CNY（企业报价）" if zh else f"{num(inv['central'])} CNY (the enterprise's quote)"
    scaled = inv.get("scaling")
    basis = (
        (
            f"按规模换算，参考：{inv.get('basis_zh') or inv.get('basis')}"
            if zh
            else f"scaled to capacity from: {inv.get('basis')}"
        )
        if scaled
        else str((inv.get("basis_zh") if zh else None) or inv.get("basis", ""))
    )
    return f"{num(inv.get('low'))}–{num(inv.get('high'))} CNY ({basis})"


def investment_short(inv: dict[str, Any] | None, lang: str) -> str:
    """The investment in a few words (the summary): the figure, or "to be quoted" for a declared gap."""
    if not inv or inv.get("status") == "gap":
        return "待询价" if lang == "zh" else "to be quoted"
    if inv.get("status") == "quote":
        return f"{num(inv['central'])} CNY"
    return f"{num(inv.get('low'))}–{num(inv.get('high'))} CNY"


def payback_text(payback: dict[str, Any] | None, lang: str) -> str:
    if not payback:
        return "—"
    return f"{num(payback['central'], 2)} a"


def totals_lines(totals: dict[str, Any], lang: str) -> list[str]:
    """The plan's totals: every resource with its share of the plant's base, money, investment and CO2."""
    zh = lang == "zh"
    out = []
    for resource, t in totals.items():
        if resource in ("money", "investment", "method") or not isinstance(t, dict) or t.get("central") is None:
            continue
        label = RESOURCES[lang].get(resource, resource)
        pct = t.get("share_of_base")
        share = (f"，占现状 {num(pct, 2)}%" if zh else f", {num(pct, 2)} % of today's") if pct is not None else ""
        out.append(f"{label} {num(t['central'])} {t['unit']} ({num(t.get('low'))}–{num(t.get('high'))})" + share)
    money = totals.get("money")
    if money:
        out.append(("年经济效益 " if zh else "money ") + money_text(money, lang))
    inv = totals.get("investment")
    if inv:
        gaps = len(inv.get("options_without_investment", []))
        out.append(
            (f"投资 {num(inv['central'])} CNY（{inv['options_priced']} 项有投资估算，{gaps} 项待询价）")
            if zh
            else f"investment {num(inv['central'])} CNY ({inv['options_priced']} options priced, {gaps} to be quoted)"
        )
    return out
