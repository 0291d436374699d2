"""Inference benchmark: durable_rules sessions against the plain evaluator (the baseline), side by side in one
run, and resident memory over many sessions with and without ``delete_state`` (the naive use of durable_rules).

Usage: python -m benchmarks.inference [--sessions N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _prepare() -> tuple[Any, Any, list[tuple[Any, Any]]]:
    from engine.evaluate.evaluation import evaluate
    from engine.graph import build_graph
    from engine.intake.validate import parse_self_inspection
    from engine.kb.loader import load_kb

    kb = load_kb()
    graph = build_graph(kb)
    cases = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        si = parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection
        cases.append((si, evaluate(kb, si)))
    return kb, graph, cases


def speed(sessions: int) -> dict[str, Any]:
    from engine.inference.facts import build_facts
    from engine.inference.plain import run_plain
    from engine.inference.rete import run_durable
    from engine.inference.run import program_for

    kb, graph, cases = _prepare()
    program = program_for(kb)
    facts = [build_facts(kb, si, ev, graph).facts for si, ev in cases]
    out: dict[str, Any] = {"rules": len(kb.rules), "facts_per_session": round(statistics.mean(len(f) for f in facts))}
    for name, run in (("durable_rules", run_durable), ("plain_evaluator", run_plain)):
        run(program, facts[0])  # warm-up (ruleset registration)
        times = []
        for i in range(sessions):
            started = time.perf_counter()
            run(program, facts[i % len(facts)])
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[name] = {
            "sessions": sessions,
            "mean_ms": round(statistics.mean(times), 2),
            "p99_ms": round(times[int(0.99 * (len(times) - 1))], 2),
        }
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(sessions: int, delete: bool) -> dict[str, Any]:
    """Run in a fresh process: peak RSS after N sessions, with our runner or with state left behind."""
    from engine.inference import rete
    from engine.inference.facts import build_facts
    from engine.inference.run import program_for

    kb, graph, cases = _prepare()
    program = program_for(kb)
    facts = [build_facts(kb, si, ev, graph).facts for si, ev in cases]
    if not delete:
        # the naive baseline: the same sessions without delete_state (durable_rules.md pitfall 3)
        original = rete._host().delete_state
        rete._host().delete_state = lambda *a, **k: None
    rete.run_durable(program, facts[0])
    marks = {}
    for i in range(1, sessions + 1):
        rete.run_durable(program, facts[i % len(facts)])
        if i in (sessions // 4, sessions // 2, sessions):
            marks[str(i)] = round(_rss_mb(), 1)
    if not delete:
        rete._host().delete_state = original
    return {"delete_state": delete, "peak_rss_mb_after_sessions": marks}


def memory(sessions: int, baseline_sessions: int = 200) -> list[dict[str, Any]]:
    """Ours over ``sessions``; the naive baseline over fewer (it grows by megabytes per session: 1,000 sessions of
    the chunked rulesets would exhaust the machine's memory)."""
    results = []
    for delete, count in ((True, sessions), (False, min(sessions, baseline_sessions))):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.inference", "--memory-child", str(count), "--delete", str(delete)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(proc.stdout))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--memory-sessions", type=int, default=1000)
    parser.add_argument("--memory-child", type=int)
    parser.add_argument("--delete", default="True")
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.delete == "True")))
        return 0
    report = {"speed": speed(args.sessions), "memory": memory(args.memory_sessions)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
