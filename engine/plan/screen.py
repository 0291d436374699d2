"""Screening of the recommendations before they become a plan: an option is recommended only where the
self-inspection says it is missing and where it fits the line.

Each recommendation conclusion (an option, for a step or for the plant) is checked against the option's data:

- ``line_types``: on a step whose line type (q_line_type) is known and not among them, the option does not fit
  and is dropped; where the line type is unknown it is kept and the plan asks to check it;
- ``effects`` (how the self-inspection reads once the option is in place): the option's status at the step is
  *in place* when every effect that applies there already holds, *missing* when one is known not to hold, and
  *unknown* when none is known not to hold and one is not answered. In place: dropped ("already in place").
  Unknown: not recommended; the unanswered questions become ``questions_to_ask``. An option without effects
  that apply there is kept (nothing tells it is in place);
- premises: a recommendation concluded from another recommendation is dropped when every derivation rests on a
  recommendation that was dropped.

Every change is logged with its reason (en ``reason``, zh/en ``text``), per option and kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.inference.trace import TraceNode
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase
from engine.kb.options import Option

__all__ = [
    "Screening",
    "Status",
    "dropped_premises",
    "effect_status",
    "in_place",
    "log_entry",
    "premise_text",
    "rec_supported",
    "screen",
]

_UNKNOWN = (None, "unknown")


@dataclass
class Status:
    """An option's status at one step (or plant-wide): in_place | missing | unknown | no_effects."""

    state: str
    held: list[str] = field(default_factory=list)  # "q_x@step = v" that already hold
    missing: list[str] = field(default_factory=list)
    unknown: list[tuple[str, str | None]] = field(default_factory=list)  # (question, step) not answered
    held_text: list[dict[str, str]] = field(default_factory=list)  # the held ones in words, zh and en


@dataclass
class Screening:
    kept: list[dict[str, Any]]
    log: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    checks: dict[str, list[dict[str, Any]]]  # option id -> what to check before implementing it


def _holds(actual: Any, wanted: Any) -> bool:
    """Whether an answer already is what the option would make it. A count the option sets (rinse stages) holds
    when the plant has at least as many."""
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return isinstance(actual, bool) and isinstance(wanted, bool) and actual is wanted
    if isinstance(wanted, int | float | Decimal) and isinstance(actual, int | float | Decimal):
        return Decimal(str(actual)) >= Decimal(str(wanted))
    if isinstance(actual, list):
        return set(wanted if isinstance(wanted, list) else [wanted]) <= set(actual)
    return bool(actual == wanted)


def _fmt(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _answer_text(q: Any, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    for choice in getattr(q, "choices", None) or []:
        if choice.value == value:
            return str(getattr(choice.text, lang))
    return str(value)


def _said(kb: KnowledgeBase, qid: str, step: str | None, value: Any) -> dict[str, str]:
    q = kb.questions[qid]
    out = {}
    for lang in ("zh", "en"):
        text = f"{getattr(q.text, lang)} {_answer_text(q, value, lang)}"
        if step is not None and step in kb.steps:
            name = getattr(kb.steps[step].name, lang)
            text = f"{name}：{text}" if lang == "zh" else f"{name}: {text}"
        out[lang] = text
    return out


def _target_steps(kb: KnowledgeBase, si: SelfInspection, option: Option, step: str | None) -> list[str]:
    if step is not None:
        return [step]
    return sorted(
        f.step
        for f in si.process
        if f.run and f.step in kb.steps and (f.step in option.steps or kb.steps[f.step].family in option.families)
    )


def effect_status(kb: KnowledgeBase, si: SelfInspection, year: int, option: Option, step: str | None) -> Status:
    """The option's status where it is recommended (a step, or the plant when ``step`` is None)."""
    held: list[str] = []
    held_text: list[dict[str, str]] = []
    missing: list[str] = []
    unknown: list[tuple[str, str | None]] = []

    def judge(qid: str, step: str | None, actual: Any, wanted: Any) -> None:
        label = f"{qid}@{step}" if step else qid
        if actual in _UNKNOWN:
            unknown.append((qid, step))
        elif _holds(actual, wanted):
            held.append(f"{label} = {_fmt(actual)}")
            held_text.append(_said(kb, qid, step, actual))
        else:
            missing.append(f"{label} = {_fmt(actual)}")

    facts = {f.step: f for f in si.process if f.run}
    effects = option.effects
    if effects.step_answers:
        for sid in _target_steps(kb, si, option, step):
            if sid not in facts or sid not in kb.steps:
                continue
            family = kb.steps[sid].family
            for qid, wanted in sorted(effects.step_answers.items()):
                q = kb.questions.get(qid)
                if q is None or q.scope != "step" or family not in q.families:
                    continue  # not asked for this step: says nothing about it
                judge(qid, sid, facts[sid].answers.get(qid), wanted)
    for qid, wanted in sorted(effects.answers.items()):
        if qid in kb.questions:
            judge(qid, None, si.answers.get(qid), wanted)
    if effects.waste_destination:
        wastes = si.year(year).wastes
        produced = set(kb.steps[step].outputs) if step is not None and step in kb.steps else None
        for sid, dest in sorted(effects.waste_destination.items()):
            if produced is not None and sid not in produced:
                continue
            reported = sorted({w.destination for w in wastes if w.stream == sid})
            if not reported:  # an unreported stream says nothing and has no question to ask
                continue
            if reported == [dest]:
                held.append(f"{sid} = {dest}")
                stream, where = kb.streams[sid].name, kb.destinations[dest].name
                held_text.append({"zh": f"{stream.zh}去向：{where.zh}", "en": f"{stream.en} goes to {where.en}"})
            else:
                missing.append(f"{sid} = {'/'.join(reported)}")
    if effects.steps_run:
        run = set(facts)
        for sid in effects.steps_run:
            if sid in run:
                held.append(f"step {sid} run")
                name = kb.steps[sid].name
                held_text.append({"zh": f"企业设有“{name.zh}”工序", "en": f"the plant runs {name.en}"})
            else:
                missing.append(f"step {sid} not run")
    if missing:
        state = "missing"
    elif unknown:
        state = "unknown"
    elif held:
        state = "in_place"
    else:
        state = "no_effects"
    return Status(state, held, missing, unknown, held_text)


def in_place(kb: KnowledgeBase, si: SelfInspection, year: int, option: Option, steps: list[str]) -> Status | None:
    """The status that shows the option already in place at all these steps (or plant-wide), else None."""
    where: list[str | None] = list(steps) if steps else [None]
    statuses = [effect_status(kb, si, year, option, s) for s in where]
    if statuses and all(s.state == "in_place" for s in statuses):
        return Status(
            "in_place", [h for s in statuses for h in s.held], held_text=[t for s in statuses for t in s.held_text]
        )
    return None


def _line_fit(kb: KnowledgeBase, si: SelfInspection, option: Option, step: str | None) -> str | None:
    """'unfit' | 'unknown' | None (fits, or nothing to check)."""
    if not option.line_types or step is None or step not in kb.steps:
        return None
    q = kb.questions.get("q_line_type")
    if q is None or kb.steps[step].family not in q.families:
        return None
    facts = next((f for f in si.process if f.run and f.step == step), None)
    actual = facts.answers.get("q_line_type") if facts is not None else None
    if actual in _UNKNOWN:
        return "unknown"
    return None if actual in option.line_types else "unfit"


def rec_supported(node: TraceNode, live: set[str], nodes: dict[str, TraceNode]) -> bool:
    """Whether some derivation of a recommendation rests only on recommendations still live."""
    for deriv in node.derivations or [{"premises": node.premises}]:
        recs = [p for p in deriv["premises"] if p in nodes and nodes[p].type == "recommendation"]
        if all(p in live for p in recs):
            return True
    return False


def dropped_premises(node: TraceNode, live: set[str], nodes: dict[str, TraceNode]) -> list[str]:
    derivations = node.derivations or [{"premises": node.premises}]
    return sorted(
        {p for d in derivations for p in d["premises"] if p in nodes and nodes[p].type == "recommendation"} - live
    )


_TEXT = {
    "already_in_place": (
        "自查已表明该方案已实施：{detail}",
        "already in place: the self-inspection says {detail}",
    ),
    "status_unknown": (
        "现状未知，暂不推荐：{detail} 未填报，已列入待问问题",
        "not recommended while its status is unknown: {detail} not answered; asked in questions_to_ask",
    ),
    "line_type": (
        "不适用于该线型：{detail}",
        "does not fit the line: {detail}",
    ),
    "premise_excluded": (
        "其依据的方案均已排除：{detail}",
        "its premises were all excluded: {detail}",
    ),
    "line_type_unknown": (
        "保留，但线型未填报，实施前须核实是否适用：{detail}",
        "kept, but the line type is not given: check that it fits before implementing it ({detail})",
    ),
}


def log_entry(
    option: str, kind: str, action: str, detail: str, shown: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    """A resolution-log entry: ``reason`` in English with ids, ``text`` in zh and en (``shown``: the detail in
    words, per language; default the ids)."""
    zh, en = _TEXT[kind]
    shown = shown or {"zh": detail, "en": detail}
    text = {"zh": zh.format(detail=shown["zh"]), "en": en.format(detail=shown["en"])}
    return {"option": option, "action": action, "reason": en.format(detail=detail), "kind": kind, **extra, "text": text}


def _name(kb: KnowledgeBase, kind: str, rid: str | None, lang: str) -> str:
    tables: dict[str, dict[str, Any]] = {"step": kb.steps, "option": kb.options, "question": kb.questions}
    table = tables[kind]
    if rid is None or rid not in table:
        return rid or ""
    item = table[rid]
    return str(getattr(item.text if kind == "question" else item.name, lang))


def premise_text(kb: KnowledgeBase, nodes: dict[str, TraceNode], ids: list[str], lang: str) -> str:
    out = []
    for nid in ids:
        value = nodes[nid].value if nid in nodes else {}
        name = _name(kb, "option", value.get("option"), lang)
        step = value.get("subject_step")
        out.append(
            f"{name}（{_name(kb, 'step', step, lang)}）"
            if step and lang == "zh"
            else f"{name} ({_name(kb, 'step', step, lang)})"
            if step
            else name
        )
    return ("、" if lang == "zh" else ", ").join(out)


def screen(
    kb: KnowledgeBase, si: SelfInspection, year: int, recs: list[dict[str, Any]], nodes: dict[str, TraceNode]
) -> Screening:
    """Keep the recommendation conclusions that are missing at their step and fit its line; log the others."""
    dropped: dict[tuple[str, str], dict[str, Any]] = {}  # (option, kind) -> {steps, details, zh, en}
    questions: dict[tuple[str, str | None], dict[str, Any]] = {}
    checks: dict[str, list[dict[str, Any]]] = {}
    kept: list[dict[str, Any]] = []
    sep = {"zh": "；", "en": "; "}

    def drop(rec: dict[str, Any], kind: str, detail: str, shown: dict[str, str]) -> None:
        entry = dropped.setdefault((rec["option"], kind), {"steps": [], "details": [], "zh": [], "en": []})
        if rec.get("subject_step"):
            entry["steps"].append(rec["subject_step"])
        if detail not in entry["details"]:
            entry["details"].append(detail)
            entry["zh"].append(shown["zh"])
            entry["en"].append(shown["en"])

    def ask(qid: str, step: str | None, option: str, purpose: str) -> None:
        q = kb.questions[qid]
        row = questions.setdefault(
            (qid, step),
            {
                "question": qid,
                "step": step,
                "text": {"zh": q.text.zh, "en": q.text.en},
                "purpose": purpose,
                "options": [],
            },
        )
        if option not in row["options"]:
            row["options"].append(option)
        if purpose == "status":
            row["purpose"] = "status"

    def where(qid: str, step: str | None, lang: str) -> str:
        text = _name(kb, "question", qid, lang)
        if step is None:
            return text
        return (
            f"{_name(kb, 'step', step, lang)}：{text}" if lang == "zh" else f"{_name(kb, 'step', step, lang)}: {text}"
        )

    for rec in recs:
        option = kb.options[rec["option"]]
        step = rec.get("subject_step")
        fit = _line_fit(kb, si, option, step)
        if fit == "unfit":
            facts = next(f for f in si.process if f.run and f.step == step)
            line = facts.answers["q_line_type"]
            q = kb.questions["q_line_type"]
            fits = {
                lang: ("、" if lang == "zh" else ", ").join(_answer_text(q, v, lang) for v in option.line_types)
                for lang in ("zh", "en")
            }
            shown = {
                "zh": f"{_name(kb, 'step', step, 'zh')}为{_answer_text(q, line, 'zh')}，本方案适用于{fits['zh']}",
                "en": f"{_name(kb, 'step', step, 'en')} is a {_answer_text(q, line, 'en')}; "
                f"the option fits {fits['en']}",
            }
            drop(rec, "line_type", f"{step} is {line}; it fits {', '.join(option.line_types)}", shown)
            continue
        status = effect_status(kb, si, year, option, step)
        if status.state == "in_place":
            shown = {lang: sep[lang].join(t[lang] for t in status.held_text) for lang in ("zh", "en")}
            drop(rec, "already_in_place", "; ".join(status.held), shown)
            continue
        if status.state == "unknown":
            detail = ", ".join(f"{q}@{at}" if at else q for q, at in status.unknown)
            shown = {lang: sep[lang].join(where(q, at, lang) for q, at in status.unknown) for lang in ("zh", "en")}
            drop(rec, "status_unknown", detail, shown)
            for qid, at in status.unknown:
                ask(qid, at, option.id, "status")
            continue
        if fit == "unknown" and step is not None:
            checks.setdefault(option.id, []).append(
                {"step": step, "question": "q_line_type", "line_types": list(option.line_types)}
            )
            ask("q_line_type", step, option.id, "fit")
        kept.append(rec)
    # recommendations concluded from recommendations that were dropped go too
    changed = True
    while changed:
        changed = False
        live = {r["id"] for r in kept}
        for rec in list(kept):
            node = nodes.get(rec["id"])
            if node is not None and not rec_supported(node, live, nodes):
                gone = dropped_premises(node, live, nodes)
                shown = {lang: premise_text(kb, nodes, gone, lang) for lang in ("zh", "en")}
                drop(rec, "premise_excluded", ", ".join(gone), shown)
                kept.remove(rec)
                changed = True
    log: list[dict[str, Any]] = []
    remaining = {r["option"] for r in kept}
    for (oid, kind), entry in sorted(dropped.items()):
        action = "narrowed" if oid in remaining else "excluded"
        shown = {lang: sep[lang].join(entry[lang]) for lang in ("zh", "en")}
        log.append(log_entry(oid, kind, action, "; ".join(entry["details"]), shown, steps=sorted(set(entry["steps"]))))
    for oid, rows in sorted(checks.items()):
        if oid in remaining:
            steps = sorted({r["step"] for r in rows})
            detail = f"{', '.join(steps)}; it fits {', '.join(kb.options[oid].line_types)}"
            shown = {
                lang: ("、" if lang == "zh" else ", ").join(_name(kb, "step", st, lang) for st in steps)
                for lang in ("zh", "en")
            }
            log.append(log_entry(oid, "line_type_unknown", "check", detail, shown, steps=steps))
    asked = sorted(questions.values(), key=lambda q: (q["step"] or "", q["question"]))
    for row in asked:
        row["options"].sort()
    return Screening(kept, log, asked, {k: v for k, v in checks.items() if k in remaining})
