"""Conflicts and prerequisites between recommended options, resolved with a logged reason for each change.

Options are ranked by one stated total order (:func:`rank_key`): priority score, then quantified net money saved
per year (unquantified last), then CO2 avoided, then the lower investment (unknown last), then the option id.
Of two conflicting options the one ranked first is kept; when their scores are equal the log says it was a tie
and which figure decided it. Prerequisites are added (unless already in place); an option whose premises were
all excluded (the recommendations it was concluded from, or the options that required it) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.inference.trace import TraceNode
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option
from engine.plan.records import Rec
from engine.plan.screen import Status, dropped_premises, log_entry, premise_text, rec_supported

__all__ = ["rank_key", "resolve"]

InPlace = Callable[[Option, list[str]], Status | None]


def rank_key(rec: Rec) -> tuple[Any, ...]:
    """The total order of options: higher score, more money saved, more CO2 avoided, lower investment, id."""
    money, co2, inv = rec.money_central(), rec.co2_central(), rec.investment_central()
    return (
        -int(rec.priority.get("score", 0)),
        money is None,
        -(money or 0.0),
        co2 is None,
        -(co2 or 0.0),
        inv is None,
        inv or 0.0,
        rec.option.id,
    )


def _num(value: float | None, unit: str) -> str:
    return "not quantified" if value is None else f"{value:,.0f} {unit}" if abs(value) >= 10 else f"{value:g} {unit}"


def _num_zh(value: float | None, unit: str) -> str:
    return "未量化" if value is None else f"{value:,.0f} {unit}" if abs(value) >= 10 else f"{value:g} {unit}"


def _decided_by(win: Rec, lose: Rec) -> tuple[str, str, str]:
    """Which figure broke a tie on score, and why (en, zh)."""
    a, b = rank_key(win), rank_key(lose)
    figures = (
        (
            "money",
            1,
            win.money_central(),
            lose.money_central(),
            "CNY/a",
            "it saves more money",
            "年节约金额更多",
            "money saved",
            "节约金额",
        ),
        (
            "co2",
            3,
            win.co2_central(),
            lose.co2_central(),
            "t CO2/a",
            "it avoids more CO2",
            "年减排CO2更多",
            "CO2 avoided",
            "CO2减排量",
        ),
        (
            "investment",
            5,
            win.investment_central(),
            lose.investment_central(),
            "CNY",
            "it needs less investment",
            "投资更少",
            "investment",
            "投资",
        ),
    )
    for name, i, x, y, unit, en, zh, what_en, what_zh in figures:
        if a[i : i + 2] == b[i : i + 2]:
            continue
        if y is None:
            return (
                name,
                f"its {what_en} is quantified ({_num(x, unit)}) and that of {{lose}} is not",
                f"其{what_zh}已量化（{_num_zh(x, unit)}），而{{lose}}的未量化",
            )
        return name, f"{en} ({_num(x, unit)} vs {_num(y, unit)})", f"{zh}（{_num_zh(x, unit)} 对 {_num_zh(y, unit)}）"
    return "id", "no figure tells them apart, so by option id", "各项数值无法区分，按方案编号"


def _conflict_entry(win: Rec, lose: Rec) -> dict[str, Any]:
    """The log entry of an option excluded by a conflict: ``reason`` names option ids, ``text`` their names."""
    ws, ls = win.priority.get("score", 0), lose.priority.get("score", 0)
    w, loser = win.option.id, lose.option.id
    wn = {"zh": win.option.name.zh, "en": win.option.name.en}
    ln = {"zh": lose.option.name.zh, "en": lose.option.name.en}
    entry: dict[str, Any] = {"option": loser, "action": "excluded", "kind": "conflict", "kept": w}
    if ws != ls:
        en = "conflicts with {w}, which has the higher priority ({ws} vs {ls})"
        zh = "与“{w}”冲突，后者优先级更高（{ws} 对 {ls}）"
        return {
            **entry,
            "reason": en.format(w=w, ws=ws, ls=ls),
            "tie": False,
            "text": {"zh": zh.format(w=wn["zh"], ws=ws, ls=ls), "en": en.format(w=wn["en"], ws=ws, ls=ls)},
        }
    decided, why_en, why_zh = _decided_by(win, lose)
    en = "conflicts with {w}; tie on priority {ws} = {ls}; kept {w} because " + why_en
    zh = "与“{w}”冲突；优先级相同（{ws} = {ls}）；保留“{w}”，因为" + why_zh
    return {
        **entry,
        "reason": en.format(w=w, ws=ws, ls=ls, lose=loser),
        "tie": True,
        "decided_by": decided,
        "text": {
            "zh": zh.format(w=wn["zh"], ws=ws, ls=ls, lose=f"“{ln['zh']}”"),
            "en": en.format(w=wn["en"], ws=ws, ls=ls, lose=ln["en"]),
        },
    }


def _own_nodes(rec: Rec, nodes: dict[str, TraceNode]) -> list[str]:
    return [
        n
        for n in rec.because
        if n in nodes and nodes[n].type == "recommendation" and nodes[n].value.get("option") == rec.option.id
    ]


def _live(recs: dict[str, Rec], nodes: dict[str, TraceNode]) -> set[str]:
    live: set[str] = set()
    for rec in recs.values():
        for n in _own_nodes(rec, nodes):
            step = nodes[n].value.get("subject_step")
            if not step or step in rec.steps:
                live.add(n)
    return live


def _drop_unsupported(
    kb: KnowledgeBase, recs: dict[str, Rec], nodes: dict[str, TraceNode] | None, log: list[dict[str, Any]]
) -> None:
    changed = True
    while changed:
        changed = False
        live = _live(recs, nodes) if nodes is not None else set()
        for oid in sorted(recs):
            rec = recs[oid]
            if rec.origin == "prerequisite":
                if not any(r in recs for r in rec.required_by):
                    need = sorted(rec.required_by)
                    shown = {
                        lang: ("、" if lang == "zh" else ", ").join(getattr(kb.options[r].name, lang) for r in need)
                        for lang in ("zh", "en")
                    }
                    shown = {"zh": f"需要它的{shown['zh']}", "en": f"required by {shown['en']}"}
                    detail = f"required by {', '.join(need)}"
                    log.append(log_entry(oid, "premise_excluded", "excluded", detail, shown, steps=[]))
                    del recs[oid]
                    changed = True
                continue
            if nodes is None:
                continue
            own = _own_nodes(rec, nodes)
            if own and not any(rec_supported(nodes[n], live, nodes) for n in own):
                gone = sorted({p for n in own for p in dropped_premises(nodes[n], live, nodes)})
                shown = {lang: premise_text(kb, nodes, gone, lang) for lang in ("zh", "en")}
                log.append(
                    log_entry(oid, "premise_excluded", "excluded", ", ".join(gone), shown, steps=list(rec.steps))
                )
                del recs[oid]
                changed = True


def resolve(
    kb: KnowledgeBase,
    recs: dict[str, Rec],
    constraints: list[dict[str, Any]],
    *,
    nodes: dict[str, TraceNode] | None = None,
    in_place: InPlace | None = None,
) -> list[dict[str, Any]]:
    """Apply conflicts (keep the option ranked first), prerequisites (add what is required unless already in
    place) and premises (drop what rests only on excluded options); record every reason."""
    log: list[dict[str, Any]] = []
    conflicts: set[frozenset[str]] = {
        frozenset((c["option"], c["other"])) for c in constraints if c["relation"] == "excludes"
    }
    requires = {(c["option"], c["other"]) for c in constraints if c["relation"] == "requires"}
    for oid, opt in kb.options.items():
        conflicts |= {frozenset((oid, other)) for other in opt.conflicts if other != oid}
        requires |= {(oid, other) for other in opt.prerequisites}

    # nothing here changes an option's figures, only removes options: one ranking serves the whole pass
    ranked = sorted(recs, key=lambda o: rank_key(recs[o]))
    for oid in ranked:
        if oid not in recs:
            continue
        for loser in ranked:
            if loser != oid and loser in recs and frozenset((oid, loser)) in conflicts:
                log.append(_conflict_entry(recs[oid], recs[loser]))
                del recs[loser]
    skipped: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for a, b in sorted(requires):
            if a not in recs or b in recs or b not in kb.options:
                continue
            base = recs[a]
            held = in_place(kb.options[b], list(base.steps)) if in_place is not None else None
            if held is not None:
                if (a, b) not in skipped:
                    skipped.add((a, b))
                    entry = log_entry(b, "already_in_place", "not_added", "; ".join(held.held), steps=list(base.steps))
                    log.append({**entry, "kind": "prerequisite_in_place", "required_by": [a]})
                continue
            if any(frozenset((b, x)) in conflicts for x in recs):
                bn = kb.options[b].name
                en = f"requires {b}, which conflicts with an option kept"
                zh = f"需要“{bn.zh}”，而它与已保留的方案冲突"
                log.append(
                    {
                        "option": a,
                        "action": "excluded",
                        "reason": en,
                        "kind": "prerequisite_conflict",
                        "text": {"zh": zh, "en": f"requires {bn.en}, which conflicts with an option kept"},
                    }
                )
                del recs[a]
            else:
                recs[b] = Rec(
                    kb.options[b],
                    list(base.steps),
                    list(base.because),
                    list(base.findings),
                    origin="prerequisite",
                    reason=f"required by {a}",
                    required_by=[a],
                )
                en = f"prerequisite of {a}"
                log.append(
                    {
                        "option": b,
                        "action": "added",
                        "reason": en,
                        "kind": "prerequisite",
                        "text": {
                            "zh": f"“{kb.options[a].name.zh}”的前提条件",
                            "en": f"prerequisite of {kb.options[a].name.en}",
                        },
                    }
                )
            changed = True
            break
    for a, b in sorted(requires):  # a prerequisite needed by several options names them all
        if a in recs and b in recs and recs[b].origin == "prerequisite" and a not in recs[b].required_by:
            recs[b].required_by.append(a)
    _drop_unsupported(kb, recs, nodes, log)
    return log
