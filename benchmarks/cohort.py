"""Cohort benchmark (issue #13, item 9): the overall evaluation of N generated enterprises (the sample cohort's
generator, ``scripts/make_sample_cohort.py``, one period, written to a folder of JSON files beforehand, untimed),
planned in a process pool whose workers read the files, as ``smart-audit cohort DIR`` does, for time and peak memory.

- wall time of planning + evaluating N enterprises with ``--workers`` processes, per enterprise, and the
  evaluation step alone (``engine.cohort`` over the N slim members); goal for N = 10,000: under 60 s;
- peak memory: the parent's peak RSS over the real run and the largest worker's (``resource.getrusage``), and
  their sum over the workers as the machine's peak; with ``--trace-python`` also the parent's Python allocations
  at their peak (``tracemalloc``, whose own records then inflate the RSS); goal 1.5 GB;
- the extrapolation to 10,000 enterprises when a smaller N is measured (time linear in N: planning dominates;
  parent memory linear in N: one slim member each).

Usage: python -m benchmarks.cohort [--n N] [--workers W] [--trace-python]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_N = 10_000


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_cohort", ROOT / "scripts" / "make_sample_cohort.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs(n: int) -> Iterator[tuple[str, Any, str]]:
    for name, before, _after in _generator().generate(n):
        yield ("2024", before, name)


def _written(n: int, folder: Path) -> list[tuple[str, Any, str]]:
    """The generated enterprises as JSON files in ``folder``, each input its file's path (read where it is
    planned, as ``smart-audit cohort DIR`` reads a folder: api/cohorts.member_of)."""
    files = []
    for period, raw, name in _inputs(n):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        files.append((period, path, str(path)))
    return files


def _mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)  # ru_maxrss is in KiB on Linux


def measure(n: int, workers: int, trace_python: bool = False) -> dict[str, Any]:
    from api.cohorts import cohort_policy, evaluate_members, finding_titles, member_of
    from engine.cohort import evaluate_cohort
    from engine.cohort.members import shared
    from engine.kb.loader import default_kb_path, load_kb

    kb_path = default_kb_path()
    kb = load_kb(kb_path)
    if trace_python:  # the parent's Python allocations; tracemalloc's own records inflate the RSS and the time
        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="smart-audit-cohort-") as folder:
        files = _written(n, Path(folder))  # as `smart-audit cohort DIR` finds them; not timed
        started = time.perf_counter()
        result = evaluate_members(kb, files, name="bench", total=n, workers=workers, kb_path=kb_path)
        wall = time.perf_counter() - started
    planned_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the real run: planning and evaluation
    traced_peak = tracemalloc.get_traced_memory()[1] if trace_python else None
    tracemalloc.stop()
    period = result["periods"][0]
    # the evaluation step alone, on 50 slim members planned again serially
    sample = [member_of(kb, p, raw, ref) for p, raw, ref in _inputs(min(n, 50))]
    started = time.perf_counter()
    evaluate_cohort(sample, policy=cohort_policy(kb), name="bench", finding_titles=finding_titles(kb))
    eval_small = time.perf_counter() - started
    # one slim member in the parent's memory (as unpickled from a worker, its names shared with the others')
    pickles = [pickle.dumps(m) for m in sample]
    tracemalloc.start()
    cache: dict[Any, Any] = {}
    kept = [shared(pickle.loads(b).plan, cache) for b in pickles]
    per_member, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_member //= len(kept)
    del kept
    # the parent at 10,000 without the planning: the 50 slim plans unpickled again and again (each a separate
    # object, as received from the workers, names shared) under 10,000 enterprise ids, then evaluated
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cache.clear()
    many = [
        replace(m, enterprise_id=f"{m.enterprise_id}-{i:03d}", plan=shared(pickle.loads(b).plan, cache))
        for i in range(TARGET_N // len(sample))
        for m, b in zip(sample, pickles, strict=True)
    ]
    unpickle_target = time.perf_counter() - started
    started = time.perf_counter()
    evaluated = evaluate_cohort(many, policy=cohort_policy(kb), name="bench", finding_titles=finding_titles(kb))
    eval_target = time.perf_counter() - started
    assert evaluated["periods"][0]["n"] == TARGET_N
    del evaluated
    del many
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    per = wall / n
    return {
        "n": n,
        "workers": workers,
        "wall_s": round(wall, 1),
        "per_enterprise_ms": round(1000 * per, 1),
        "levels": period["levels"]["counts"],
        "evaluation_only_s": {"50": round(eval_small, 3), str(TARGET_N): round(eval_target, 2)},
        "receiving_10000_slim_members_s": round(unpickle_target, 1),
        "parent_peak_rss_mb_before_the_10000": _mb(rss_before),
        "slim_member_kb": round(per_member / 1024, 1),
        "parent_peak_rss_mb_with_10000_members_evaluated": _mb(parent),
        "largest_worker_peak_rss_mb": _mb(child),
        "machine_peak_mb_estimate": _mb(parent + workers * child),
        "parent_peak_rss_mb_of_the_run": _mb(planned_rss),
        "machine_peak_mb_of_the_run": _mb(planned_rss + workers * child),
        "parent_python_peak_mb": round(traced_peak / 2**20, 1) if traced_peak is not None else "not traced",
        "extrapolated_to_10000": {
            "wall_s": round(per * TARGET_N),
            "slim_members_mb": round(per_member * TARGET_N / 2**20),
            "goal": "under 60 s and 1.5 GB",
        }
        if n < TARGET_N
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cohort")
    parser.add_argument("--n", type=int, default=100, help="enterprises (default 100; the goal is for 10,000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--trace-python", action="store_true", help="also trace the parent's Python allocations (inflates its RSS)"
    )
    args = parser.parse_args(argv)
    out = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "cohort": measure(args.n, args.workers, args.trace_python),
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
