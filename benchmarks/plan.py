"""Plan benchmark (issue #17): each figure beside its goal and a baseline measured in the same run.

- build_plan p50/p99 per bundled example; baseline: the old path, with the why-not computed in every plan;
- durable_rules run against the plain evaluator on the same facts (goal: at most 1.5 times);
- knowledge-base load + validation + rule compilation (goal 0.5 s);
- ``smart-audit evaluate`` wall time in a fresh process (goal 1 s);
- stored plan size (goal 100 KB): body and trace apart, compressed, as the service stores them (api/plan_blob.py);
  baseline: the whole plan JSON text in one column (the layout before revision 0006).

Usage: python -m benchmarks.plan [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _pct(times: list[float], q: float) -> float:
    times = sorted(times)
    return round(times[min(len(times) - 1, int(q * (len(times) - 1) + 0.5))], 1)


def _kb_load() -> dict[str, Any]:
    from engine.graph import build_graph
    from engine.inference.program import compile_program
    from engine.kb.loader import load_kb

    times = []
    for _ in range(3):
        started = time.perf_counter()
        kb = load_kb()
        build_graph(kb)
        compile_program(kb)
        times.append(time.perf_counter() - started)
    return {"load_validate_compile_s": round(min(times), 3), "goal_s": 0.5}


def _evaluate_wall() -> dict[str, Any]:
    cmd = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())", "evaluate", str(EXAMPLES[0])]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        times.append(time.perf_counter() - started)
    return {"evaluate_wall_s": round(min(times), 2), "goal_s": 1.0, "example": EXAMPLES[0].name}


def plans(repeats: int) -> dict[str, Any]:
    from api import heap
    from api.plan_blob import pack
    from api.planning import canonical_json
    from engine.evaluate.evaluation import evaluate
    from engine.graph import build_graph
    from engine.inference.facts import build_facts
    from engine.inference.plain import run_plain
    from engine.inference.rete import run_durable
    from engine.inference.run import program_for
    from engine.inference.whynot import not_fired_of
    from engine.intake.validate import parse_self_inspection
    from engine.kb.loader import load_kb
    from engine.plan.build import build_plan

    kb = load_kb()
    graph = build_graph(kb)
    program = program_for(kb)
    heap.settle()  # the collector's settings of the service's workers (api/heap.py)
    out: dict[str, Any] = {"build_plan_goal_ms": {"p50": 15, "p99": 40}, "examples": {}}
    durable_t: list[float] = []
    plain_t: list[float] = []
    for path in EXAMPLES:
        si = parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection
        build_plan(kb, si, graph=graph)  # warm-up
        now: list[float] = []
        eager: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            plan = build_plan(kb, si, graph=graph)
            now.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            old = build_plan(kb, si, graph=graph)
            old["not_fired"] = not_fired_of(kb, old)  # the old path: why-not in every plan
            eager.append((time.perf_counter() - started) * 1000)
        facts = build_facts(kb, si, evaluate(kb, si), graph).facts
        for _ in range(repeats):
            started = time.perf_counter()
            run_durable(program, facts)
            durable_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_plain(program, facts)
            plain_t.append(time.perf_counter() - started)
        plan_z, trace_z = pack(plan)  # as the service stores it (api/plan_blob.py)
        stored = len(plan_z) + len(trace_z)
        body = {k: v for k, v in plan.items() if k != "trace"}
        baseline = len(canonical_json(plan).encode())  # the layout before: the whole JSON text in one column
        out["examples"][path.stem] = {
            "build_plan_ms": {"p50": _pct(now, 0.5), "p99": _pct(now, 0.99)},
            "baseline_eager_why_not_ms": {"p50": _pct(eager, 0.5), "p99": _pct(eager, 0.99)},
            "stored_plan_kb": round(stored / 1024),
            "stored_trace_part_kb": round(len(trace_z) / 1024),
            "response_without_trace_kb": round(len(canonical_json(body).encode()) / 1024),
            "baseline_whole_plan_text_kb": round(baseline / 1024),
            "plan_goal_kb": 100,
        }
    out["durable_vs_plain"] = {
        "durable_mean_ms": round(statistics.mean(durable_t) * 1000, 1),
        "plain_mean_ms": round(statistics.mean(plain_t) * 1000, 1),
        "ratio": round(statistics.mean(durable_t) / statistics.mean(plain_t), 2),
        "goal_ratio": 1.5,
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plan")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    load = os.getloadavg()
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "load_before": [round(x, 2) for x in load],
        "kb": _kb_load(),
        "evaluate_cli": _evaluate_wall(),
        "plans": plans(args.repeats),
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
