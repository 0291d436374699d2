"""The planning questions of ``smart-audit``: ``path`` (the cheapest path to a level) and ``whatif`` (change answers,
accept or reject options, see the level, the plan and the savings again).

Exit codes as the other commands: 0 success; 1 the input, a change or the knowledge base is invalid (the errors are
printed, naming the field, in the language of ``--lang``); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_path_commands"]

EXIT_OK = 0
EXIT_INVALID = 1


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _inputs(args: argparse.Namespace) -> tuple[Any, dict[str, Any], Any] | None:
    """The knowledge base, the raw self-inspection and its validated form; None (errors printed) if invalid."""
    from engine.errors import KnowledgeBaseError, SmartAuditError
    from engine.intake.rawinput import read_input
    from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
    from engine.kb.loader import default_kb_path, load_kb

    zh = args.lang == "zh"
    try:
        kb = load_kb(Path(args.kb) if args.kb else default_kb_path())
        raw = read_input(args.file)
        return kb, raw, parse_self_inspection(kb, raw)
    except SelfInspectionInvalid as exc:
        if getattr(args, "json", False):
            _write(_dump({"valid": False, "errors": [e.as_dict() for e in exc.errors]}), None)
        head = (
            f"自查数据有 {len(exc.errors)} 处错误，未予接受："
            if zh
            else f"the self-inspection has {len(exc.errors)} error(s):"
        )
        print(head, file=sys.stderr)
        for err in exc.errors:
            print(f"  - {err}", file=sys.stderr)
    except KnowledgeBaseError as exc:
        print(("知识库有错误：" if zh else "knowledge base invalid:") + f" {len(exc.issues)}", file=sys.stderr)
        for issue in exc.issues:
            print(f"  - {issue}", file=sys.stderr)
    except (SmartAuditError, OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
    return None


def cmd_path(args: argparse.Namespace) -> int:
    from engine.errors import UnknownIdError
    from engine.plan.build import build_plan
    from engine.plan.path import cheapest_path
    from explanations.path_chart import path_curve_svg
    from explanations.path_text import render_path_text

    loaded = _inputs(args)
    if loaded is None:
        return EXIT_INVALID
    kb, _, validated = loaded
    try:
        plan = build_plan(
            kb,
            validated.inspection,
            benchmark_set=args.benchmark_set,
            year=args.year,
            warnings=[w.as_dict() for w in validated.warnings],
        )
        out = cheapest_path(
            kb,
            validated.inspection,
            plan,
            target=args.target,
            objective=args.objective,
            include_unpriced=args.include_unpriced,
            limit=args.limit,
        )
    except UnknownIdError as exc:
        field = {"level": "--target", "benchmark set": "--benchmark-set", "reporting year": "--year"}.get(exc.kind, "")
        if exc.kind == "level":
            bset = kb.benchmark_sets[args.benchmark_set or kb.meta.default_benchmark_set]
            shown = ", ".join(bset.levels)
            text = f"未知等级 {exc.wanted!r}；可选：{shown}" if args.lang == "zh" else f"{exc}; the levels are {shown}"
        else:
            text = str(exc)
        print(f"{field}: {text}" if field else text, file=sys.stderr)
        return EXIT_INVALID
    if args.chart:
        Path(args.chart).write_text(path_curve_svg(out, args.lang), encoding="utf-8")
    _write(_dump(out) if args.json else render_path_text(out, args.lang, kb), args.output)
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    from engine.errors import EditError, UnknownIdError
    from engine.plan.edits import parse_assignment
    from engine.plan.whatif import what_if
    from explanations.path_text import render_whatif_text

    loaded = _inputs(args)
    if loaded is None:
        return EXIT_INVALID
    kb, raw, _ = loaded
    try:
        sets = []
        for i, text in enumerate(args.set or []):
            try:
                sets.append(parse_assignment(text))
            except EditError as exc:
                raise EditError(exc.field, exc.message, exc.message_zh, where=f"set[{i}]") from None
        out = what_if(
            kb,
            raw,
            sets=sets,
            accept=args.accept or [],
            reject=args.reject or [],
            benchmark_set=args.benchmark_set,
            year=args.year,
        )
    except EditError as exc:
        flag = {"set": "--set", "accept": "--accept", "reject": "--reject"}.get(exc.where.split("[")[0], "")
        print(f"{flag} {exc.text(args.lang)}".strip(), file=sys.stderr)
        for err in exc.errors[1:]:
            print(f"  - {err['path']}: {err['message']}", file=sys.stderr)
        return EXIT_INVALID
    except UnknownIdError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    _write(_dump(out) if args.json else render_whatif_text(out, args.lang, kb), args.output)
    return EXIT_OK


def add_path_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    from engine.plan.path_options import DEFAULT_LIMIT, OBJECTIVES

    path = sub.add_parser(
        "path", parents=[common], help="the cheapest set of the plan's options that reaches a level, and the curve"
    )
    path.add_argument("file", help="self-inspection (JSON, or YAML by extension); - reads standard input")
    path.add_argument("--target", required=True, help="the level to reach: II or I (any level of the benchmark set)")
    path.add_argument(
        "--objective",
        choices=list(OBJECTIVES),
        default="investment",
        help="least investment (default), shortest payback or most CO2 avoided",
    )
    path.add_argument(
        "--include-unpriced",
        action="store_true",
        help="let options without an investment figure be chosen (their investment counts as unknown)",
    )
    path.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help=f"verifications at most (default {DEFAULT_LIMIT})"
    )
    path.add_argument("--json", action="store_true", help="print the path as JSON")
    path.add_argument("--chart", metavar="FILE", help="write the trade-off curve as an SVG chart")
    path.add_argument("--benchmark-set", help="benchmark set id (default: the knowledge base's default)")
    path.add_argument("--year", type=int, help="reporting year (default: the latest)")
    path.add_argument("-o", "--output", help="write to this file instead of standard output")
    path.set_defaults(func=cmd_path)

    whatif = sub.add_parser(
        "whatif", parents=[common], help="change answers, accept or reject options: level, plan and savings again"
    )
    whatif.add_argument("file", help="self-inspection (JSON, or YAML by extension); - reads standard input")
    whatif.add_argument(
        "--set",
        action="extend",
        nargs="+",
        metavar="PATH=VALUE",
        help="set a field, e.g. process[step=inner_etching].answers.q_rinse_type=counter_current or "
        "years[0].wastes[1].quantity.value=12.5 (VALUE as JSON when it parses, else text)",
    )
    whatif.add_argument("--accept", action="extend", nargs="+", metavar="OPTION", help="option ids to implement")
    whatif.add_argument("--reject", action="extend", nargs="+", metavar="OPTION", help="option ids not to implement")
    whatif.add_argument("--json", action="store_true", help="print the what-if as JSON")
    whatif.add_argument("--benchmark-set", help="benchmark set id (default: the knowledge base's default)")
    whatif.add_argument("--year", type=int, help="reporting year (default: the latest)")
    whatif.add_argument("-o", "--output", help="write to this file instead of standard output")
    whatif.set_defaults(func=cmd_whatif)
