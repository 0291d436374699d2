"""The collector's settings in a process that plans: the service's workers and the cohort pool's.

A worker holds one long-lived knowledge base (about 100,000 objects) and makes plans that allocate many short-lived
ones. After the knowledge base is loaded its objects are frozen out of the cyclic collector's scans, and the young
generation is collected every ``YOUNG_THRESHOLD`` allocations instead of CPython's 700. Measured on the bundled
examples (2-core machine, benchmarks/RESULTS.md, session 5): build_plan p99 about 90-100 ms against 137-170 ms with
the defaults, p50 unchanged, memory flat over repeated plans (benchmarks/memory.py).
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG_THRESHOLD", "settle"]

YOUNG_THRESHOLD = 20_000  # this system's setting (CPython's default is 700); older generations 50 and 100


def settle() -> None:
    """Collect, then freeze what lives now (the knowledge base) and set the thresholds. Called after each load; a
    previous freeze is undone first, so that a knowledge base dropped since can be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 50, 100)
