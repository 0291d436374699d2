"""Memory benchmark (issue #17): resident memory over many plans in one process, beside a baseline in the same run.

Goal: growth at most 20 MB over 100,000 plans. The default run builds fewer plans (``--plans``) and reports both the
measured growth and its linear extrapolation to 100,000, labelled as such; ``--plans 100000`` measures it outright.

- ours: ``build_plan`` in a loop over the bundled examples (durable_rules sessions deleted after use);
- baseline, same run: the same loop over ``evaluate`` only (no durable_rules), the floor of Python's own allocator
  drift for this kind of work.

RSS is read from /proc/self/statm after a warm-up of one pass over the examples, then at ten checkpoints; growth is
the last checkpoint less the first (so the warm-up's one-time allocations are not counted).

Usage: python -m benchmarks.memory [--plans N]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
GOAL_MB_PER_100K = 20.0


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _loop(work: Callable[[Any], Any], inputs: list[Any], n: int) -> dict[str, Any]:
    for si in inputs:  # warm-up: caches, compiled rulesets, first-use allocations
        work(si)
    gc.collect()
    checkpoints = []
    step = max(1, n // 10)
    for i in range(n):
        work(inputs[i % len(inputs)])
        if (i + 1) % step == 0 or i + 1 == n:
            gc.collect()
            checkpoints.append({"plans": i + 1, "rss_mb": round(_rss_mb(), 1)})
    first, last = checkpoints[0], checkpoints[-1]
    grown = last["rss_mb"] - first["rss_mb"]
    span = last["plans"] - first["plans"]
    per_100k = grown / span * 100_000 if span else 0.0
    return {
        "plans": n,
        "checkpoints": checkpoints,
        "growth_mb": round(grown, 1),
        "growth_mb_per_100k": round(per_100k, 1),
        "per_100k_is": "measured" if n >= 100_000 else f"extrapolated linearly from {span} plans",
    }


def run(n: int) -> dict[str, Any]:
    from api import heap
    from engine.evaluate.evaluation import evaluate
    from engine.graph import build_graph
    from engine.intake.validate import parse_self_inspection
    from engine.kb.loader import load_kb
    from engine.plan.build import build_plan

    kb = load_kb()
    graph = build_graph(kb)
    heap.settle()  # the collector's settings of the service's workers (api/heap.py)
    inputs = [parse_self_inspection(kb, json.loads(p.read_text(encoding="utf-8"))).inspection for p in EXAMPLES]
    ours = _loop(lambda si: build_plan(kb, si, graph=graph), inputs, n)
    baseline = _loop(lambda si: evaluate(kb, si), inputs, n)
    return {
        "build_plan": ours,
        "baseline_evaluate_only": baseline,
        "goal_mb_per_100k": GOAL_MB_PER_100K,
        "met": ours["growth_mb_per_100k"] <= GOAL_MB_PER_100K,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--plans", type=int, default=2000, help="plans to build (100000 measures the goal outright)")
    args = parser.parse_args(argv)
    if args.plans < 1:
        parser.error("--plans must be at least 1")
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "memory": run(args.plans),
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
