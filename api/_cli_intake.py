"""The intake subcommands of ``smart-audit``: ``manual`` (JSON, the workbook, the printable manual, the schema) and
``import`` (a filled-in workbook back to a validated self-inspection)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_intake_commands"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _print_invalid(exc: Any, lang: str, what_zh: str, what_en: str) -> None:
    print(
        _say(
            lang,
            f"{what_zh}有 {len(exc.errors)} 处错误，未予接受：",
            f"{what_en} has {len(exc.errors)} error(s) and was not accepted:",
        ),
        file=sys.stderr,
    )
    for line in exc.lines(lang):
        print(f"  - {line}", file=sys.stderr)


def _print_warnings(warnings: list[Any], lang: str) -> None:
    if warnings:
        print(_say(lang, f"{len(warnings)} 条提示：", f"{len(warnings)} warning(s):"), file=sys.stderr)
        for w in warnings:
            print(f"  - {w.line(lang)}", file=sys.stderr)


def cmd_manual(args: argparse.Namespace) -> int:
    from api._cli import _dump, _load, _print_issues, _write
    from engine.errors import KnowledgeBaseError, SmartAuditError
    from engine.intake.model import json_schema
    from engine.intake.rawinput import read_input
    from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
    from engine.manual import build_manual

    if args.schema:
        _write(_dump(json_schema()), args.output)
        return EXIT_OK
    if args.format in ("xlsx", "pdf") and not args.output:
        print(f"--format {args.format} needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.source and args.format != "xlsx":
        print("--from prefills the workbook: use it with --format xlsx", file=sys.stderr)
        return EXIT_USAGE
    try:
        kb = _load(args)
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    if args.format == "json":
        _write(_dump(build_manual(kb)), args.output)
    elif args.format == "xlsx":
        from engine.intake.workbook.writer import write_workbook

        si = None
        if args.source:
            try:
                raw = read_input(args.source)
                si = parse_self_inspection(kb, raw).inspection
            except SelfInspectionInvalid as exc:
                _print_invalid(exc, args.lang, "用于预填的自查数据", "the self-inspection to prefill from")
                return EXIT_INVALID
            except (OSError, ValueError, SmartAuditError) as exc:
                print(str(exc), file=sys.stderr)
                return EXIT_INVALID
        Path(args.output).write_bytes(write_workbook(kb, args.lang, si))
    else:
        from explanations.manual_render import render_manual_html, render_manual_pdf

        if args.format == "html":
            _write(render_manual_html(kb, args.lang), args.output)
        else:
            Path(args.output).write_bytes(render_manual_pdf(kb, args.lang))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from api._cli import _dump, _load, _print_issues, _write
    from engine.errors import KnowledgeBaseError
    from engine.intake.validate import SelfInspectionInvalid
    from engine.intake.workbook.reader import import_workbook

    try:
        kb = _load(args)
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    try:
        validated = import_workbook(kb, content)
    except SelfInspectionInvalid as exc:
        if args.json:
            errors = [e.as_dict() for e in exc.errors]
            _write(_dump({"valid": False, "errors": errors, "warnings": [w.as_dict() for w in exc.warnings]}), None)
        _print_invalid(exc, args.lang, "工作簿", "the workbook")
        return EXIT_INVALID
    _print_warnings(validated.warnings, args.lang)
    _write(_dump(validated.inspection.model_dump(mode="json", exclude_none=True)), args.output)
    return EXIT_OK


def add_intake_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``manual`` and ``import`` to the ``smart-audit`` subcommands."""
    manual = sub.add_parser(
        "manual",
        parents=[common],
        help="the self-inspection manual: JSON, an Excel workbook to fill in, a printable HTML/PDF, or the schema",
    )
    manual.add_argument(
        "--format",
        choices=["json", "xlsx", "html", "pdf"],
        default="json",
        help="json (default), xlsx (the workbook to fill in; needs -o), html or pdf (printable; pdf needs -o)",
    )
    manual.add_argument(
        "--from",
        dest="source",
        metavar="SI.json",
        help="prefill the workbook from an earlier self-inspection (--format xlsx)",
    )
    manual.add_argument("--schema", action="store_true", help="print the JSON Schema of the self-inspection")
    manual.add_argument("-o", "--output", help="write to this file instead of standard output")
    manual.set_defaults(func=cmd_manual)

    imp = sub.add_parser(
        "import", parents=[common], help="read a filled-in workbook back: a validated self-inspection (JSON)"
    )
    imp.add_argument("file", help="the workbook (.xlsx) written by smart-audit manual --format xlsx")
    imp.add_argument("-o", "--output", help="write the self-inspection JSON to this file instead of standard output")
    imp.add_argument("--json", action="store_true", help="print the errors as JSON (with their cells)")
    imp.set_defaults(func=cmd_import)
