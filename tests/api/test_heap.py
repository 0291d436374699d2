"""The collector's settings after a knowledge-base load (api/heap.py): what lives is frozen, the young generation
collected every YOUNG_THRESHOLD allocations, and a second load unfreezes first (an earlier base can be freed)."""

from __future__ import annotations

import gc

from api import heap


def test_settle_freezes_and_sets_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        heap.settle()
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, 50, 100)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        dropped = [[i] for i in range(1000)]  # lives now; frozen by the next settle only if still alive
        del dropped
        heap.settle()
        assert gc.get_freeze_count() <= frozen + 100  # what was dropped in between was not frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
