"""Order statistics of a cohort: quartiles by linear interpolation between order statistics (Hyndman & Fan type 7,
the default of R, NumPy and spreadsheet QUARTILE.INC) and a mid-rank percentile."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

__all__ = ["QUANTILE_METHOD", "percentile_rank", "percentile_ranks", "quantile", "summary"]

QUANTILE_METHOD = "linear interpolation between order statistics (Hyndman-Fan type 7, = QUARTILE.INC)"


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0 <= q <= 1) of ``values`` (not empty)."""
    xs = sorted(values)
    if not xs:
        raise ValueError("quantile of no values")
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _r(x: float) -> float:
    return round(x, 6)


def summary(values: Sequence[float], *, higher_is_better: bool) -> dict[str, float | int]:
    """n, median, first and third quartiles, best and worst (by the indicator's direction), mean."""
    return {
        "n": len(values),
        "median": _r(quantile(values, 0.5)),
        "q1": _r(quantile(values, 0.25)),
        "q3": _r(quantile(values, 0.75)),
        "best": _r(max(values) if higher_is_better else min(values)),
        "worst": _r(min(values) if higher_is_better else max(values)),
        "mean": _r(sum(values) / len(values)),
    }


def percentile_rank(value: float, values: Sequence[float], *, higher_is_better: bool) -> float | None:
    """Share of the *other* members this value does better than, ties counting half (0 worst ... 100 best);
    None for a cohort of one."""
    others = list(values)
    others.remove(value)
    if not others:
        return None
    better = sum(1 for v in others if (value > v if higher_is_better else value < v))
    ties = sum(1 for v in others if v == value)
    return round(100 * (better + 0.5 * ties) / len(others), 1)


def percentile_ranks(values: Sequence[Any], *, higher_is_better: bool) -> list[float | None]:
    """:func:`percentile_rank` of every value against the others, in O(n log n) (sorted once, bisected) rather than
    O(n²): the same numbers, for cohorts of thousands. Values may be any mutually comparable items (tuples too)."""
    n = len(values)
    if n < 2:
        return [None] * n
    xs = sorted(values)
    out: list[float | None] = []
    for value in values:
        lo, hi = bisect_left(xs, value), bisect_right(xs, value)
        better = lo if higher_is_better else n - hi
        ties = hi - lo - 1  # the others equal to it
        out.append(round(100 * (better + 0.5 * ties) / (n - 1), 1))
    return out
