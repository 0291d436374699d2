"""Answers to the manual's questions: what an enterprise may write, and the checks of an answer against its question.

Accepted besides the canonical values (true/false, choice ids, numbers): 是/否 (and yes/no) for yes/no questions;
a choice's Chinese or English text, as the manual and the workbook show it, for a choice; for several choices a
list, or one text with the choices on separate lines (or separated by ";" / "；"); numbers written as text; and
"unknown" as 未知, 不详, 不清楚 or 不知道. :func:`normalize_answers` turns them into the canonical values before
validation, so that a validated self-inspection holds canonical values only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.errors import did_you_mean
from engine.intake.issues import InputIssue
from engine.intake.measures import is_unknown_word
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Question

__all__ = ["NO_WORDS", "YES_WORDS", "check_answer", "choice_label", "normalize_answer", "normalize_answers"]

YES_WORDS = frozenset({"是", "yes", "y", "true"})
NO_WORDS = frozenset({"否", "no", "n", "false"})
_SPLIT = re.compile(r"\s*(?:\n|;|；)\s*")


def choice_label(q: Question, value: str, lang: str) -> str:
    """The text of choice ``value`` of ``q`` in ``lang`` (the value itself if it is not a choice)."""
    choice = next((c for c in q.choices if c.value == value), None)
    if choice is None:
        return value
    return choice.text.zh if lang == "zh" else choice.text.en


def _choice(q: Question, raw: str) -> str | None:
    text = raw.strip()
    for c in q.choices:
        if text == c.value or text == c.text.zh.strip() or text.lower() == c.text.en.strip().lower():
            return c.value
    return None


def _number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def normalize_answer(q: Question, raw: Any) -> Any:
    """The canonical form of ``raw`` for ``q``, or ``raw`` unchanged when it is no accepted form (validation then
    reports it)."""
    if is_unknown_word(raw):
        return "unknown"
    if q.answer == "boolean" and isinstance(raw, str):
        word = raw.strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    elif q.answer == "choice" and isinstance(raw, str):
        return _choice(q, raw) or raw
    elif q.answer == "multi_choice":
        parts: list[Any] | None = None
        if isinstance(raw, str):
            whole = _choice(q, raw)
            parts = [whole] if whole is not None else [p for p in _SPLIT.split(raw.strip()) if p]
        elif isinstance(raw, list):
            parts = raw
        if parts is not None:
            mapped = [(_choice(q, p) or p) if isinstance(p, str) else p for p in parts]
            return mapped
    elif q.answer in ("number", "integer") and isinstance(raw, str):
        number = _number(raw)
        if number is not None:
            return int(number) if q.answer == "integer" and number == number.to_integral_value() else number
    elif q.answer == "integer" and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def _normalize_map(kb: KnowledgeBase, answers: Any) -> Any:
    if not isinstance(answers, Mapping):
        return answers
    out = {}
    for qid, raw in answers.items():
        q = kb.questions.get(qid) if isinstance(qid, str) else None
        out[qid] = normalize_answer(q, raw) if q is not None else raw
    return out


def normalize_answers(kb: KnowledgeBase, data: Any) -> Any:
    """``data`` with every answer (``answers`` and ``process[].answers``) in canonical form; a pure function."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    if "answers" in out:
        out["answers"] = _normalize_map(kb, out["answers"])
    process = out.get("process")
    if isinstance(process, list):
        out["process"] = [
            {**f, "answers": _normalize_map(kb, f["answers"])} if isinstance(f, Mapping) and "answers" in f else f
            for f in process
        ]
    return out


def _hint(value: object, allowed: list[str]) -> tuple[str, str]:
    close = did_you_mean(str(value), allowed)
    if not close:
        return "", ""
    return f"; did you mean {close[0]!r}?", f"；是否应为 {close[0]!r}？"


def check_answer(q: Question, value: Any, path: str) -> Iterator[InputIssue]:
    """Whether ``value`` (normalized) answers ``q``: its type, its choices, its range."""
    if value == "unknown":
        return
    kind = q.answer
    if kind == "boolean" and not isinstance(value, bool):
        yield InputIssue(
            path,
            "answer_type",
            f"question {q.id!r} takes true, false or 'unknown' (also yes/no); got {value!r}",
            f"问题 {q.id!r} 应回答 是、否 或 未知（true/false/unknown），实为 {value!r}",
        )
    elif kind == "choice":
        allowed = [c.value for c in q.choices]
        if not isinstance(value, str) or value not in allowed:
            hint_en, hint_zh = _hint(value, allowed)
            yield InputIssue(
                path,
                "answer_choice",
                f"{value!r} is not a choice of {q.id!r}: {allowed}{hint_en}",
                f"{value!r} 不是问题 {q.id!r} 的选项：{allowed}{hint_zh}",
            )
    elif kind == "multi_choice":
        allowed = [c.value for c in q.choices]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            yield InputIssue(
                path,
                "answer_choice",
                f"question {q.id!r} takes a list of {allowed}",
                f"问题 {q.id!r} 应回答以下选项的列表：{allowed}",
            )
    elif kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            unit = q.unit or "count"
            yield InputIssue(
                path,
                "answer_type",
                f"question {q.id!r} takes a number ({unit}); got {value!r}",
                f"问题 {q.id!r} 应填写数字（{q.unit or '个数'}），实为 {value!r}",
            )
            return
        if kind == "integer" and Decimal(value) != Decimal(value).to_integral_value():
            yield InputIssue(
                path, "answer_type", f"question {q.id!r} takes a whole number", f"问题 {q.id!r} 应填写整数"
            )
        if q.minimum is not None and value < q.minimum:
            yield InputIssue(
                path,
                "answer_range",
                f"{value} is below the minimum {q.minimum} of {q.id!r}",
                f"{value} 低于问题 {q.id!r} 的下限 {q.minimum}",
            )
        if q.maximum is not None and value > q.maximum:
            yield InputIssue(
                path,
                "answer_range",
                f"{value} is above the maximum {q.maximum} of {q.id!r}",
                f"{value} 高于问题 {q.id!r} 的上限 {q.maximum}",
            )
    elif kind == "text" and not isinstance(value, str):
        yield InputIssue(path, "answer_type", f"question {q.id!r} takes text", f"问题 {q.id!r} 应填写文字")
