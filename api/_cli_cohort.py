"""``smart-audit cohort``: the overall evaluation of a folder of self-inspections (one period), or of two
(``--compare`` or ``cohort compare BEFORE AFTER``): text, JSON or the HTML report.

    smart-audit cohort FOLDER [--compare FOLDER2] [--json | --format text|json|html|pdf|docx] [-o OUT]
    smart-audit cohort evaluate FOLDER [...]        (the same)
    smart-audit cohort compare BEFORE AFTER [...]   (= cohort BEFORE --compare AFTER)
    smart-audit cohort evaluate --cohort ID [--database-url URL] [...]   (a cohort stored by POST /v1/cohorts)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from api._progress import progress_line

__all__ = ["add_cohort_commands"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in {".json", ".yaml", ".yml"} and p.is_file())


def _folders(args: argparse.Namespace) -> list[Path] | None:
    words = list(args.folders)
    if words and words[0] == "evaluate":
        words = words[1:]
    elif words and words[0] == "compare":
        words = words[1:]
        if len(words) != 2:
            print("cohort compare needs BEFORE and AFTER folders / 需要前后两个文件夹", file=sys.stderr)
            return None
    if args.compare:
        words.append(args.compare)
    if not 1 <= len(words) <= 2:
        print("give one folder, or two to compare / 请给出一个或两个文件夹", file=sys.stderr)
        return None
    return [Path(w) for w in words]


def _stored(args: argparse.Namespace) -> dict[str, Any] | int:
    """The evaluation of a stored cohort, every member (the command line reads the database as the platform)."""
    from api import cohort_store
    from api.access import Principal, Role
    from api.db import make_engine, make_sessions
    from api.kbstate import LoadedKb
    from api.orm import utcnow
    from api.problems import ProblemError
    from api.settings import Settings
    from engine.errors import KnowledgeBaseError
    from engine.graph import build_graph
    from engine.kb.loader import default_kb_path, load_kb

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = Settings(**overrides)
    engine = make_engine(settings.database_url)
    try:
        path = Path(args.kb) if args.kb else default_kb_path()
        kb = load_kb(path)
        loaded = LoadedKb(kb, build_graph(kb), path, utcnow())
        with make_sessions(engine)() as session:
            caller = Principal(key_id="cli", name="smart-audit cohort", role=Role.platform)
            visible = cohort_store.get_cohort(session, caller, args.cohort)
            result: dict[str, Any] = {"cohort_id": visible.cohort.id, "scope": "whole"}
            result.update(cohort_store.evaluate(session, loaded, visible))
            return result
    except KnowledgeBaseError as exc:
        for issue in exc.issues:
            print(f"{issue.file}: {issue.path}: {issue.message}", file=sys.stderr)
        return EXIT_INVALID
    except ProblemError as exc:
        print(f"cohort {args.cohort}: {exc.detail}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _write(args: argparse.Namespace, fmt: str, result: dict[str, Any]) -> int:
    from explanations.cohort_text import render_cohort_text

    if fmt == "json":
        text = json.dumps(result, ensure_ascii=False, indent=2)
    elif fmt == "docx":
        from explanations.cohort_docx import render_cohort_docx

        Path(args.output).write_bytes(render_cohort_docx(result, args.lang))
        return EXIT_OK
    elif fmt in {"html", "pdf"}:
        from explanations.cohort_report import render_cohort_html, render_cohort_pdf

        if fmt == "pdf":
            if not getattr(args, "quiet", False):
                zh, en = f"正在生成 PDF 报告 {args.output}…", f"Rendering the PDF report {args.output}…"
                progress_line(args.lang, zh, en)
            Path(args.output).write_bytes(render_cohort_pdf(result, args.lang))
            return EXIT_OK
        text = render_cohort_html(result, args.lang)
    else:
        text = render_cohort_text(result, args.lang)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def cmd_cohort(args: argparse.Namespace) -> int:
    fmt = "json" if args.json else args.format
    if fmt in {"pdf", "docx"} and not args.output:
        print(f"--format {fmt} needs -o FILE / 需要 -o 文件", file=sys.stderr)
        return EXIT_USAGE
    if args.cohort:
        if [w for w in args.folders if w != "evaluate"]:
            print("give --cohort ID or folders, not both / 不能同时给出 --cohort 和文件夹", file=sys.stderr)
            return EXIT_USAGE
        stored = _stored(args)
        return stored if isinstance(stored, int) else _write(args, fmt, stored)
    return _from_folders(args, fmt)


def _from_folders(args: argparse.Namespace, fmt: str) -> int:
    from api.cohorts import evaluate_members
    from engine.errors import KnowledgeBaseError, SmartAuditError
    from engine.intake.validate import SelfInspectionInvalid
    from engine.kb.loader import default_kb_path, load_kb

    folders = _folders(args)
    if folders is None:
        return EXIT_USAGE
    periods = [f.resolve().name or str(f) for f in folders]
    if len(periods) == 2 and periods[0] == periods[1]:
        periods = ["before", "after"]
    inputs = []
    for folder, period in zip(folders, periods, strict=True):
        if not folder.is_dir():
            print(f"{folder}: not a folder / 不是文件夹", file=sys.stderr)
            return EXIT_INVALID
        inputs += [(period, path, str(path)) for path in _files(folder)]
    if not inputs:
        print("no self-inspection files (*.json, *.yaml) found / 未找到自查文件", file=sys.stderr)
        return EXIT_INVALID

    def progress(i: int, n: int, ref: str) -> None:
        if not args.quiet:
            bar = "#" * round(20 * i / n)
            print(f"\r[{bar:<20}] {i}/{n} {Path(ref).name[:40]:<40}", end="" if i < n else "\n", file=sys.stderr)

    try:
        kb_path = args.kb or default_kb_path()
        kb = load_kb(kb_path)
        # each file is read where it is planned (api/cohorts.member_of): the workers read their own
        name = args.name or " / ".join(periods)
        workers = args.workers or (min(os.cpu_count() or 1, len(inputs) // 50) or 1)
        result = evaluate_members(
            kb, inputs, name=name, periods=periods, progress=progress, workers=workers, kb_path=kb_path
        )
    except SelfInspectionInvalid as exc:
        print(f"{getattr(exc, 'ref', '')}:", file=sys.stderr)
        for line in exc.lines(args.lang):
            print(f"  - {line}", file=sys.stderr)
        return EXIT_INVALID
    except KnowledgeBaseError as exc:
        for issue in exc.issues:
            print(f"{issue.file}: {issue.path}: {issue.message}", file=sys.stderr)
        return EXIT_INVALID
    except (SmartAuditError, OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    return _write(args, fmt, result)


def add_cohort_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "cohort",
        parents=[common],
        help="overall evaluation of a cohort: a folder of self-inspections (one period), or two to compare",
    )
    p.add_argument(
        "folders", nargs="*", metavar="FOLDER", help="FOLDER | evaluate FOLDER | compare BEFORE AFTER | evaluate"
    )
    p.add_argument("--cohort", metavar="ID", help="a cohort stored in the service's database (POST /v1/cohorts)")
    p.add_argument("--database-url", help="the service's database (default: SMART_AUDIT_DATABASE_URL)")
    p.add_argument("--compare", metavar="FOLDER2", help="a second period's folder: before/after")
    p.add_argument("--name", help="the cohort's name (default: the folder names)")
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    p.add_argument("--format", choices=["text", "json", "html", "pdf", "docx"], default="text")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="plan in N processes (default: one per core, one process for fewer than 100 files)",
    )
    p.set_defaults(func=cmd_cohort)
