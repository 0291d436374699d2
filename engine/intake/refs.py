"""Checks of a self-inspection's references to the knowledge base, on the raw (normalized) data.

They read the submission as it came, so that they run even when the schema check fails: a submission gets its type
errors and its unknown ids (questions, steps, chemistries, waste streams, destinations, options) in one round.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from engine.errors import did_you_mean
from engine.intake.answers import check_answer
from engine.intake.issues import MAX_ERRORS, InputIssue
from engine.intake.measures import is_unknown_word
from engine.intake.wastes import CUSTOM_STREAM
from engine.kb.loader import KnowledgeBase

__all__ = ["reference_issues"]


def _hint(value: str, candidates: Any) -> tuple[str, str]:
    close = did_you_mean(value, candidates)
    if not close:
        return "", ""
    return f"; did you mean {close[0]!r}?", f"；是否应为 {close[0]!r}？"


def _str(raw: Any) -> str | None:
    return raw.strip() if isinstance(raw, str) else None


def _plain(value: Any) -> Any:
    """An answer as the model holds it (floats as decimals), so that the checks see what the model would."""
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _unknown_question(qid: str, path: str, candidates: list[str]) -> InputIssue:
    hint_en, hint_zh = _hint(qid, candidates)
    return InputIssue(
        path,
        "unknown_question",
        f"there is no question {qid!r} in the manual{hint_en}",
        f"自查手册中没有问题 {qid!r}{hint_zh}",
    )


def _answers(kb: KnowledgeBase, answers: Any) -> Iterator[InputIssue]:
    if not isinstance(answers, Mapping):
        return
    for qid, value in answers.items():
        path = f"answers.{qid}"
        q = kb.questions.get(qid)
        if q is None:
            yield _unknown_question(qid, path, list(kb.questions))
        elif q.scope != "enterprise":
            yield InputIssue(
                path,
                "answer_scope",
                f"{qid!r} is asked per process step: answer it under process[]",
                f"{qid!r} 按工序提问：请在 process[] 中对应工序下回答",
            )
        else:
            yield from check_answer(q, _plain(value), path)


def _step(kb: KnowledgeBase, facts: Mapping[str, Any], path: str, seen: dict[str, int], i: int) -> Iterator[InputIssue]:
    sid = _str(facts.get("step"))
    if sid is None:
        return  # the schema check reports it
    step = kb.steps.get(sid)
    if step is None:
        hint_en, hint_zh = _hint(sid, kb.steps)
        yield InputIssue(
            f"{path}.step", "unknown_step", f"there is no process step {sid!r}{hint_en}", f"没有工序 {sid!r}{hint_zh}"
        )
        return
    if sid in seen:
        yield InputIssue(
            f"{path}.step",
            "duplicate_step",
            f"step {sid!r} is already described at process[{seen[sid]}]",
            f"工序 {sid!r} 已在 process[{seen[sid]}] 填写",
        )
    seen[sid] = i
    chem = _str(facts.get("chemistry"))
    if chem is not None and step.chemistry(chem) is None:
        allowed = [c.id for c in step.chemistries]
        if allowed:
            en = f"{chem!r} is not a chemistry of {sid!r}: {allowed}"
            zh = f"{chem!r} 不是工序 {sid!r} 的可选工艺化学：{allowed}"
        else:
            en = f"step {sid!r} has one chemistry only (the one it is described with): leave chemistry out"
            zh = f"工序 {sid!r} 只有一种工艺化学：请不要填写 chemistry"
        yield InputIssue(f"{path}.chemistry", "unknown_chemistry", en, zh)
    answers = facts.get("answers")
    if not isinstance(answers, Mapping):
        return
    asked = [q.id for q in kb.questions.values() if q.scope == "step" and step.family in q.families]
    for qid, value in answers.items():
        qpath = f"{path}.answers.{qid}"
        q = kb.questions.get(qid)
        if q is None:
            yield _unknown_question(qid, qpath, asked or list(kb.questions))
        elif q.scope != "step":
            yield InputIssue(
                qpath,
                "answer_scope",
                f"{qid!r} is asked of the enterprise: answer it under answers",
                f"{qid!r} 是企业层面的问题：请在 answers 中回答",
            )
        elif step.family not in q.families:
            yield InputIssue(
                qpath,
                "answer_scope",
                f"{qid!r} is not asked for {step.family!r} steps such as {sid!r}",
                f"问题 {qid!r} 不适用于 {step.family!r} 类工序（如 {sid!r}）",
            )
        else:
            yield from check_answer(q, _plain(value), qpath)
    if facts.get("run") is False and answers:
        yield InputIssue(
            f"{path}.answers",
            "answers_for_step_not_run",
            f"step {sid!r} is not run: leave its answers out",
            f"工序 {sid!r} 未运行：请不要填写其答案",
        )


def _wastes(kb: KnowledgeBase, years: Any) -> Iterator[InputIssue]:
    if not isinstance(years, list):
        return
    candidates = [s.id for s in kb.streams.values() if s.kind != "resource"]
    for yi, year in enumerate(years):
        wastes = year.get("wastes") if isinstance(year, Mapping) else None
        if not isinstance(wastes, list):
            continue
        for wi, waste in enumerate(wastes):
            if not isinstance(waste, Mapping):
                continue
            path = f"years[{yi}].wastes[{wi}]"
            sid = _str(waste.get("stream"))
            dest = _str(waste.get("destination"))
            stream = kb.streams.get(sid) if sid is not None else None
            if sid is not None and sid != CUSTOM_STREAM and (stream is None or stream.kind == "resource"):
                hint_en, hint_zh = _hint(sid, candidates)
                yield InputIssue(
                    f"{path}.stream",
                    "unknown_stream",
                    f"there is no waste stream {sid!r}{hint_en} (a waste the knowledge base has no stream for is "
                    "entered as stream 'custom' with its name)",
                    f"没有废物类别 {sid!r}{hint_zh}（知识库中没有的废物请以 stream: custom 并填写名称 name）",
                )
                continue
            if dest is None or is_unknown_word(dest):
                continue
            if dest not in kb.destinations:
                hint_en, hint_zh = _hint(dest, kb.destinations)
                yield InputIssue(
                    f"{path}.destination",
                    "unknown_destination",
                    f"there is no destination {dest!r}{hint_en} (write 'unknown' when the records do not say)",
                    f"没有去向 {dest!r}{hint_zh}（记录中没有去向时填写“未知”/unknown）",
                )
            elif stream is not None and dest not in stream.destinations:
                yield InputIssue(
                    f"{path}.destination",
                    "destination_not_allowed",
                    f"{sid!r} cannot go to {dest!r}; allowed: {stream.destinations} or 'unknown'",
                    f"{sid!r} 不能去往 {dest!r}；可选：{stream.destinations} 或“未知”",
                )


def _quotes(kb: KnowledgeBase, quotes: Any) -> Iterator[InputIssue]:
    if not isinstance(quotes, list):
        return
    for i, quote in enumerate(quotes):
        option = _str(quote.get("option")) if isinstance(quote, Mapping) else None
        if option is not None and option not in kb.options:
            hint_en, hint_zh = _hint(option, kb.options)
            yield InputIssue(
                f"investment_quotes[{i}].option",
                "unknown_option",
                f"there is no option {option!r}{hint_en}",
                f"没有方案 {option!r}{hint_zh}",
            )


def _all(kb: KnowledgeBase, data: Mapping[str, Any]) -> Iterator[InputIssue]:
    yield from _answers(kb, data.get("answers"))
    process = data.get("process")
    seen: dict[str, int] = {}
    if isinstance(process, list):
        for i, facts in enumerate(process):
            if isinstance(facts, Mapping):
                yield from _step(kb, facts, f"process[{i}]", seen, i)
    yield from _wastes(kb, data.get("years"))
    yield from _quotes(kb, data.get("investment_quotes"))


def reference_issues(kb: KnowledgeBase, data: Any, limit: int = MAX_ERRORS + 1) -> list[InputIssue]:
    """The references of ``data`` to the knowledge base that do not resolve, or answers that do not fit: at most
    ``limit`` (the search for close ids stops there, so a body of thousands of unknown ids costs little)."""
    if not isinstance(data, Mapping):
        return []
    return list(itertools.islice(_all(kb, data), limit))
