"""The pool that renders reports (HTML, PDF): its own few threads, so that slow renders never take the threads
that answer everything else, and a bounded queue in front of them (503 with ``Retry-After`` when it is full)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from api.problems import ProblemError

__all__ = ["ReportPool"]

T = TypeVar("T")


class ReportPool:
    """``workers`` renders at once and at most ``queue`` more waiting; :meth:`run` blocks the calling thread."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smart-audit-report")
        self._slots = threading.BoundedSemaphore(workers + queue)

    def run(self, render: Callable[..., T], *args: object) -> T:
        if not self._slots.acquire(blocking=False):
            raise ProblemError(
                503,
                "report-busy",
                "Report renderers busy",
                f"all {self.workers} report renderers are busy and the queue is full; try again shortly"
                "（报告渲染繁忙，请稍后重试）",
                headers={"Retry-After": "5"},
            )
        try:
            return self._executor.submit(render, *args).result()
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
