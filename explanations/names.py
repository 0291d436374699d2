"""Names, never machine ids, in everything people read: trace node ids (``finding:x@step:y``), indicator keys
(``electricity_per_m2[mix]``), audit-focus areas and factors, priority parts and field paths of the
self-inspection, each turned into the knowledge base's zh/en names. Ids stay in the JSON and in the annex.

``MACHINE_ID`` is the pattern a rendering must not show outside its annex (tests/explanations/test_no_ids.py)."""

from __future__ import annotations

import re
from typing import Any

from engine.intake.workbook.layout import FIELD_ROWS, TABLES
from engine.kb.loader import KnowledgeBase
from explanations.i18n import instance_label

__all__ = [
    "MACHINE_ID",
    "area_label",
    "factor_label",
    "field_path_label",
    "indicator_key_label",
    "names_in_text",
    "node_label",
    "parameter_label",
    "part_label",
]

# snake_case ids (at least one underscore), trace node ids (kind:id@kind:id), and indicator[variant] keys
MACHINE_ID = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
    r"|\b[a-z]+:[A-Za-z0-9_./\[\]-]+@[a-z]+(?::[A-Za-z0-9_./\[\]-]+)?"
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\[[A-Za-z0-9/_+-]+\]"
)

_PARTS = {
    "zh": {
        "severity": "严重度",
        "findings": "问题数",
        "level_lift": "提升等级",
        "compliance": "达标排放",
        "no_low_cost": "无/低费",
        "payback": "回收期",
        "money": "经济效益",
    },
    "en": {
        "severity": "severity",
        "findings": "findings",
        "level_lift": "level lift",
        "compliance": "compliance",
        "no_low_cost": "no/low cost",
        "payback": "payback",
        "money": "money saved",
    },
}


def _t(text: Any, lang: str) -> str:
    return str(text.zh if lang == "zh" else text.en)


def part_label(part: str, lang: str) -> str:
    """A part of an option's priority score."""
    return _PARTS[lang].get(part, part.replace("_", " "))


def factor_label(kb: KnowledgeBase, factor: str, lang: str) -> str:
    """An audit-focus factor by its name in the plan policy."""
    for policy in kb.plan_policies.values():
        for f in policy.focus_factors:
            if f.id == factor:
                return _t(f.name, lang)
    return factor.replace("_", " ")


def area_label(kb: KnowledgeBase, area: str, steps: list[str] | None, lang: str) -> str:
    """A candidate audit-focus area (a family of steps) by the names of the steps of it that the plant runs."""
    names = [_t(kb.steps[s].name, lang) for s in steps or [] if s in kb.steps]
    if not names:
        names = [_t(s.name, lang) for s in kb.steps.values() if s.family == area]
    return ("、" if lang == "zh" else ", ").join(names) or area.replace("_", " ")


def indicator_key_label(kb: KnowledgeBase, key: str, lang: str) -> str:
    """``fresh_water_per_m2[rigid/single]`` → the indicator's name with its instance."""
    m = re.fullmatch(r"([a-z0-9_]+)(?:\[(.+)\])?", key)
    if not m or m.group(1) not in kb.indicators:
        return key
    name = _t(kb.indicators[m.group(1)].name, lang)
    instance = instance_label(m.group(2), lang) if m.group(2) else ""
    return f"{name}（{instance}）" if instance and lang == "zh" else f"{name} ({instance})" if instance else name


def _subject_label(kb: KnowledgeBase, kind: str, ident: str, lang: str) -> str:
    if kind == "step" and ident in kb.steps:
        return _t(kb.steps[ident].name, lang)
    if kind == "stream" and ident in kb.streams:
        return _t(kb.streams[ident].name, lang)
    if kind == "indicator":
        return indicator_key_label(kb, ident, lang)
    if kind == "effluent":
        outlet, _, pollutant = ident.rpartition(":")
        for std in kb.effluent_standards.values():
            p = std.pollutant(pollutant)
            if p is not None:
                return f"{outlet} {_t(p.name, lang)}".strip()
    return ident


def node_label(kb: KnowledgeBase, node_id: str, lang: str) -> str:
    """A trace node id as people read it: ``finding:rinse_gap@step:pre_clean`` → the finding's title and the
    step's name; ``step:x``, ``stream:x``, ``indicator:x[i]`` → their names; ``input:path`` → the field's label."""
    if node_id.startswith("input:"):
        return field_path_label(kb, node_id[6:], lang)
    head, _, subject = node_id.partition("@")
    kind, _, ident = head.partition(":")
    if kind == "finding" and ident in kb.findings:
        title = _t(kb.findings[ident].title, lang)
    elif kind == "recommendation" and ident in kb.options:
        title = _t(kb.options[ident].name, lang)
    elif kind in ("step", "stream", "indicator", "effluent"):
        return _subject_label(kb, kind, ident, lang)
    elif kind == "constraint":
        option, _, rest = ident.partition(":")
        relation, _, other = rest.partition(":")
        if option in kb.options and other in kb.options:
            a, b = _t(kb.options[option].name, lang), _t(kb.options[other].name, lang)
            if relation == "requires":
                return f"{a}需要先实施{b}" if lang == "zh" else f"{a} requires {b}"
            return f"{a} — {b}"
        return node_id
    elif kind == "enterprise":
        return "全厂" if lang == "zh" else "plant-wide"
    else:
        return node_id
    if not subject or subject == "enterprise":
        return title
    skind, _, sid = subject.partition(":")
    where = _subject_label(kb, skind, sid, lang)
    return f"{title}（{where}）" if lang == "zh" else f"{title} ({where})"


_FIELDS: dict[str, tuple[str, str]] = {}
for _rows in FIELD_ROWS.values():
    for _row in _rows:
        _FIELDS.setdefault(_row.key, (_row.zh, _row.en))
        _FIELDS.setdefault(
            re.sub(r"\[\d+\]$", "", _row.key), (re.sub(r"（第一面）$", "", _row.zh), _row.en.split(",")[0])
        )
_COLUMNS: dict[str, tuple[str, str]] = {}
_TABLE_NAMES: dict[str, tuple[str, str]] = {}
for _table in TABLES.values():
    _TABLE_NAMES[_table.id] = (_table.zh, _table.en)
    for _col in _table.columns:
        _COLUMNS.setdefault(f"{_table.id}.{_col.key}", (_col.zh, _col.en))


def field_path_label(kb: KnowledgeBase, path: str, lang: str) -> str:
    """A field path of the self-inspection (``years[1].wastes[0].copper_t``, ``answers.q_x``,
    ``process[step=pre_clean].answers.q_y``) by the labels of the workbook and the manual's question texts."""
    zh = lang == "zh"
    i = 0 if zh else 1
    parts: list[str] = []
    unmet = re.fullmatch(r"(?:answer:|steps\[[^\]]*\]\.)(q_[a-z0-9_]+)", path)
    if unmet and unmet.group(1) in kb.questions:
        steps = re.findall(r"[a-z][a-z0-9_]+", path.partition("]")[0].partition(":")[2]) if "[" in path else []
        where = ("、" if zh else ", ").join(_t(kb.steps[s].name, lang) for s in steps if s in kb.steps)
        text = _t(kb.questions[unmet.group(1)].text, lang)
        return f"{where}：{text}" if where and zh else f"{where}: {text}" if where else text
    m = re.match(r"process\[(?:step=)?([a-z0-9_]+)\]\.?(.*)", path)
    rest = path
    if m:
        step = m.group(1)
        parts.append(_t(kb.steps[step].name, lang) if step in kb.steps else step)
        rest = m.group(2)
    q = re.search(r"answers\.([a-z0-9_]+)", rest)
    if q and q.group(1) in kb.questions:
        parts.append(_t(kb.questions[q.group(1)].text, lang))
        return ("：" if zh else ": ").join(parts)
    ym = re.match(r"years\[(\d+)\]\.(.*)", rest)
    if ym:
        rest = ym.group(2)
    tm = re.match(r"([a-z_]+)\[\d+\]\.([a-z_]+)", rest)
    label = None
    if tm and f"{tm.group(1)}.{tm.group(2)}" in _COLUMNS:
        table = _TABLE_NAMES.get(tm.group(1), (tm.group(1), tm.group(1)))[i]
        label = (
            f"{table}：{_COLUMNS[tm.group(1) + '.' + tm.group(2)][i]}"
            if zh
            else (f"{table}: {_COLUMNS[tm.group(1) + '.' + tm.group(2)][i]}")
        )
    else:
        key = re.sub(r"\[\d+\]$", "", rest)
        for candidate in (rest, key, key.rpartition(".")[2]):
            if candidate in _FIELDS:
                label = _FIELDS[candidate][i]
                break
            hit = next((v for k, v in _FIELDS.items() if k.endswith("." + candidate) or k == candidate), None)
            if hit:
                label = hit[i]
                break
    if label is None:
        return path
    parts.append(label)
    return ("：" if zh else ": ").join(parts)


_OPS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "=", "ne": "≠"}


def parameter_label(kb: KnowledgeBase, name: str, lang: str) -> str:
    """A parameter the trace records as applied: ``rule_id: x.field op`` (a rule's own threshold) → the rule's
    title with the field's comparison; ``indicator level II`` → the indicator's name and the level."""
    from explanations.i18n import level_label

    m = re.fullmatch(r"([a-z0-9_]+): [a-z0-9_]+\.([a-z0-9_]+) ([a-z]+)", name)
    if m and m.group(1) in kb.rules:
        title = _t(kb.rules[m.group(1)].title, lang)
        return (
            f"{title}（{_OPS.get(m.group(3), m.group(3))}）"
            if lang == "zh"
            else f"{title} ({_OPS.get(m.group(3), m.group(3))})"
        )
    m = re.fullmatch(r"([a-z0-9_]+(?:\[[^\]]+\])?) level (\S+)", name)
    if m:
        return f"{indicator_key_label(kb, m.group(1), lang)} {level_label(m.group(2), lang)}"
    return name


_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def names_in_text(kb: KnowledgeBase, text: str, lang: str) -> str:
    """Free text the engine wrote (an estimate's assumptions) with the knowledge base's ids in it replaced by their
    names: steps, streams, indicators, options, and questions by their text in quotes."""

    def name(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in kb.steps:
            return _t(kb.steps[word].name, lang)
        if word in kb.streams:
            return _t(kb.streams[word].name, lang)
        if word in kb.indicators:
            return _t(kb.indicators[word].name, lang)
        if word in kb.options:
            return _t(kb.options[word].name, lang)
        if word in kb.questions:
            q = _t(kb.questions[word].text, lang).rstrip("。.")
            return f"“{q}”" if lang == "zh" else f'"{q}"'
        if word in kb.findings:
            return _t(kb.findings[word].title, lang)
        return word.replace("_", "-") if word in _TERMS else word

    return _WORD.sub(name, text)


# engine terms of art in estimate texts (rinse layouts), written as words
_TERMS = {"counter_current"}
