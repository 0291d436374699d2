"""PDF benchmark (issue #12): the PDF report of each bundled example (goal: at most 5 s), beside a baseline
measured in the same run: the HTML rendering alone (context, charts, templates) of the same plan. The difference
is WeasyPrint's layout and PDF writing. The plan is built once per example, outside the timings, as the service
does (it renders stored plans). ``load`` is the machine's load average when the run starts (the machine is shared).

Usage: python -m benchmarks.pdf [--repeats N] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("demo_*.json"))
GOAL_S = 5.0


def _best(work: Any, repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - started)
    return round(min(times), 2), out


def run(repeats: int, only: str | None = None) -> dict[str, Any]:
    import io

    from pypdf import PdfReader

    from engine.intake.validate import parse_self_inspection
    from engine.kb.loader import load_kb
    from engine.plan.build import build_plan
    from explanations.render import render_report_html, render_report_pdf

    kb = load_kb()
    load = [round(x, 2) for x in os.getloadavg()]
    rows = []
    # the first PDF pays for loading pango/fontconfig once per process: measured and reported apart
    warm_started = time.perf_counter()
    first = EXAMPLES[0]
    plan0 = build_plan(kb, parse_self_inspection(kb, json.loads(first.read_text(encoding="utf-8"))).inspection)
    render_report_pdf(kb, plan0, "zh")
    first_pdf_s = round(time.perf_counter() - warm_started, 2)
    for path in EXAMPLES:
        if only and only not in path.stem:
            continue
        plan = build_plan(kb, parse_self_inspection(kb, json.loads(path.read_text(encoding="utf-8"))).inspection)
        html_s, _ = _best(lambda p=plan: render_report_html(kb, p, "zh", annex=False), repeats)
        pdf_s, pdf = _best(lambda p=plan: render_report_pdf(kb, p, "zh"), repeats)
        rows.append(
            {
                "example": path.stem,
                "pdf_s": pdf_s,
                "html_baseline_s": html_s,
                "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                "within_goal": pdf_s <= GOAL_S,
            }
        )
    return {
        "goal_s": GOAL_S,
        "load_at_start": load,
        "cpus": os.cpu_count(),
        "first_pdf_in_process_s": first_pdf_s,
        "examples": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pdf")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--only", default=None)
    args = parser.parse_args(argv)
    result = run(args.repeats, args.only)
    result["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if all(r["within_goal"] for r in result["examples"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
