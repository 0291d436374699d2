"""How many requests of one worker process compute at once (validate, evaluate, plan, write the records' text).

That work holds the interpreter lock: threads beyond the cores only share it, each request taking as long as all of
them together, and a request that has begun writing to SQLite (one writer per database) holds the write lock the
longer while others compute. A slot makes the rest wait their turn instead (first come, first served); the
database writes and the answer are made after the slot is given back, so a write never waits for a computation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["CpuSlots"]


class CpuSlots:
    """``size`` computations at once in this process; :meth:`held` blocks the calling thread until one is free."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("at least one slot")
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._free:
            yield
