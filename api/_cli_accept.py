"""``smart-audit accept checklist PLAN.json`` and ``smart-audit accept verify PLAN.json EVIDENCE.json``."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from api._cli import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    _dump,
    _load,
    _print_input_errors,
    _print_issues,
    _read_input,
    _say,
    _write,
)
from engine.acceptance import AcceptanceInvalid, build_checklist, parse_evidence, verify_acceptance
from engine.errors import KnowledgeBaseError, SmartAuditError
from engine.intake.validate import SelfInspectionInvalid

__all__ = ["add_accept_commands"]


def _is_plan(data: Any) -> bool:
    return isinstance(data, dict) and "plan_version" in data and "recommendations" in data


def plan_of(kb: Any, data: Any) -> dict[str, Any]:
    """``data`` itself when it is a plan (``smart-audit plan --json``), else the plan built from it as a
    self-inspection, exactly as ``smart-audit plan`` builds it (raises ``SelfInspectionInvalid``)."""
    if _is_plan(data):
        return dict(data)
    from engine.evaluate.completeness import with_completeness
    from engine.intake.validate import parse_self_inspection
    from engine.plan.build import build_plan

    validated = parse_self_inspection(kb, data)
    return with_completeness(build_plan(kb, validated.inspection, warnings=[w.as_dict() for w in validated.warnings]))


def _checklist(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    kb = _load(args)
    return kb, build_checklist(kb, plan_of(kb, _read_input(args.plan)), args.policy)


def _hashes(evidence_path: str, data: Any) -> dict[str, str]:
    """SHA-256 of the documents whose ``path`` (relative to the evidence file) exists."""
    out: dict[str, str] = {}
    base = Path(evidence_path).parent if evidence_path != "-" else Path.cwd()
    for doc in (data or {}).get("documents", []) if isinstance(data, dict) else []:
        if isinstance(doc, dict) and isinstance(doc.get("path"), str) and (base / doc["path"]).is_file():
            out[str(doc.get("name"))] = hashlib.sha256((base / doc["path"]).read_bytes()).hexdigest()
    return out


def _text(result: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    verdict = {"pass": ("合格", "pass"), "fail": ("不合格", "fail")}[result["verdict"]]
    lines = [_say(lang, f"验收结论：{verdict[0]}", f"Acceptance: {verdict[1]}")]
    for item in result["items"]:
        if item["status"] == "unticked" and not item["required"]:
            continue
        name = item["name"]["zh" if zh else "en"]
        lines.append(f"  - {name}: {item['status']}, met={item['met']}")
    for reason in result["reasons"]:
        lines.append(f"  ! {reason['text']['zh' if zh else 'en']}")
    return "\n".join(lines)


def cmd_accept_checklist(args: argparse.Namespace) -> int:
    try:
        _, checklist = _checklist(args)
    except SelfInspectionInvalid as exc:
        _print_input_errors(exc, args.lang, False)
        return EXIT_INVALID
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    except (SmartAuditError, OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    _write(_dump(checklist), args.output)
    return EXIT_OK


def cmd_accept_verify(args: argparse.Namespace) -> int:
    if args.format in ("pdf", "docx") and not args.output:
        print(f"--format {args.format} needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        kb, checklist = _checklist(args)
        raw = _read_input(args.evidence)
        evidence = parse_evidence(raw, checklist)
        result = verify_acceptance(kb, checklist, evidence, document_hashes=_hashes(args.evidence, raw))
    except SelfInspectionInvalid as exc:
        _print_input_errors(exc, args.lang, args.json)
        return EXIT_INVALID
    except AcceptanceInvalid as exc:
        if args.json:
            _write(_dump({"valid": False, "errors": [e.as_dict() for e in exc.errors]}), None)
        print(
            _say(
                args.lang,
                f"验收证据有 {len(exc.errors)} 处错误，未予接受：",
                f"the evidence has {len(exc.errors)} error(s) and was not accepted:",
            ),
            file=sys.stderr,
        )
        for line in exc.lines(args.lang):
            print(f"  - {line}", file=sys.stderr)
        return EXIT_INVALID
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    except (SmartAuditError, OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    _emit(result, args)
    return EXIT_OK


def _emit(result: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json or args.format == "json":
        _write(_dump(result), args.output)
    elif args.format == "html":
        from explanations.acceptance_report import render_acceptance_html

        _write(render_acceptance_html(result, args.lang), args.output)
    elif args.format == "pdf":
        from explanations.acceptance_report import render_acceptance_pdf

        Path(args.output).write_bytes(render_acceptance_pdf(result, args.lang))
    elif args.format == "docx":
        from explanations.acceptance_report import render_acceptance_docx

        Path(args.output).write_bytes(render_acceptance_docx(result, args.lang))
    else:
        _write(_text(result, args.lang), args.output)


def add_accept_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    accept = sub.add_parser("accept", help="simple acceptance: the checklist of a plan, verification of evidence")
    accept_sub = accept.add_subparsers(dest="accept_command", required=True)
    cl = accept_sub.add_parser("checklist", parents=[common], help="the acceptance checklist of a plan (JSON)")
    cl.add_argument("plan", help="the plan JSON (smart-audit plan --json) or the self-inspection to plan")
    cl.add_argument("--policy", default="default", help="acceptance policy id (default: default)")
    cl.add_argument("-o", "--output", help="write to this file instead of standard output")
    cl.set_defaults(func=cmd_accept_checklist)
    ver = accept_sub.add_parser("verify", parents=[common], help="verify the evidence of an acceptance")
    ver.add_argument("plan", help="the plan JSON (smart-audit plan --json) or the self-inspection to plan")
    ver.add_argument("evidence", help="the evidence JSON (ticks, readings, documents)")
    ver.add_argument("--policy", default="default", help="acceptance policy id (default: default)")
    ver.add_argument("--json", action="store_true", help="print the verification as JSON")
    ver.add_argument(
        "--format",
        choices=["text", "json", "html", "pdf", "docx"],
        default="text",
        help="text (default), json, html, pdf or docx (pdf and docx need -o)",
    )
    ver.add_argument("-o", "--output", help="write to this file instead of standard output")
    ver.set_defaults(func=cmd_accept_verify)
