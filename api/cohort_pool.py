"""Planning a cohort's members on every core: a process pool (spawned, so that no durable_rules state or timer
thread is forked) whose workers load the knowledge base once and return slim members (the parts of each plan the
overall evaluation reads, :func:`engine.cohort.members.slim_plan`). At most a few tasks per worker are in flight,
so that the inputs (an iterator) are not all held in memory; results come back in input order, so the evaluation
is the same as the serial one.

durable_rules runs one session at a time per process (``../shared/engineering/durable_rules.md``): processes, not
threads, are how it scales."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from api import heap
from engine.cohort.members import Member
from engine.intake.issues import InputIssue, SelfInspectionInvalid

__all__ = ["planned_members"]

MemberInput = tuple[str, Any, str | None]
_IN_FLIGHT_PER_WORKER = 4
_STATE: dict[str, Any] = {}


def _init(kb_path: str) -> None:
    from engine.graph import build_graph
    from engine.kb.loader import load_kb

    kb = load_kb(Path(kb_path))
    _STATE["kb"], _STATE["graph"] = kb, build_graph(kb)
    heap.settle()  # as in the service's workers


def _plan(item: MemberInput) -> Member | tuple[str, list[InputIssue], list[InputIssue]]:
    from api.cohorts import member_of

    period, raw, ref = item
    try:
        return member_of(_STATE["kb"], period, raw, ref, _STATE["graph"])  # slim already
    except SelfInspectionInvalid as exc:  # its constructor takes the issues: sent back as data, raised again below
        return (str(ref), exc.errors, exc.warnings)


def _result(future: Future[Any]) -> Member:
    out = future.result()
    if isinstance(out, Member):
        return out
    ref, errors, warnings = out
    exc = SelfInspectionInvalid(errors, warnings)
    exc.ref = ref  # type: ignore[attr-defined]
    raise exc


def planned_members(inputs: Iterable[MemberInput], *, workers: int, kb_path: str | Path) -> Iterator[Member]:
    """Each input's slim member, planned in ``workers`` processes, in input order."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(str(kb_path),)) as pool:
        pending: deque[Future[Any]] = deque()
        for item in inputs:
            pending.append(pool.submit(_plan, item))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
