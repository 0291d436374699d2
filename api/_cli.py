"""Implementation of the ``smart-audit`` command line (see ``smart-audit --help``).

Exit codes: 0 success; 1 the input or the knowledge base is invalid (the errors are printed); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api._progress import progress_line
from engine.errors import KbIssue, KnowledgeBaseError, SmartAuditError
from engine.intake.validate import SelfInspectionInvalid
from engine.kb.loader import KnowledgeBase, default_kb_path, load_kb

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str)


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _load(args: argparse.Namespace) -> KnowledgeBase:
    return load_kb(Path(args.kb) if args.kb else default_kb_path())


def _print_issues(issues: list[KbIssue], lang: str) -> None:
    head = _say(lang, f"知识库有 {len(issues)} 处错误：", f"knowledge base has {len(issues)} error(s):")
    print(head, file=sys.stderr)
    for issue in issues:
        print(f"  - {issue}", file=sys.stderr)


def cmd_kb_check(args: argparse.Namespace) -> int:
    from engine.graph import build_graph  # networkx: loaded by the commands that need the graph
    from engine.kb.summary import check_graph, summarise

    try:
        kb = _load(args)
        graph = build_graph(kb)
    except KnowledgeBaseError as exc:
        if args.json:
            _write(_dump({"valid": False, "errors": [issue.__dict__ for issue in exc.issues]}), None)
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    except SmartAuditError as exc:
        if args.json:
            _write(
                _dump({"valid": False, "errors": [{"file": "", "path": "", "message": str(exc), "fix": ""}]}),
                None,
            )
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    issues = check_graph(kb, graph)
    summary = summarise(kb, graph)
    if args.json:
        _write(_dump({"valid": not issues, **summary, "errors": [i.__dict__ for i in issues]}), None)
        return EXIT_INVALID if issues else EXIT_OK
    if issues:
        _print_issues(issues, args.lang)
        return EXIT_INVALID
    lang = args.lang
    lines = [
        _say(
            lang,
            f"知识库有效：版本 {summary['version']}，哈希 {summary['hash']}",
            f"knowledge base valid: version {summary['version']}, hash {summary['hash']}",
        ),
        _say(
            lang,
            f"默认基准体系：{summary['default_benchmark_set']}",
            f"default benchmark set: {summary['default_benchmark_set']}",
        ),
        _say(lang, "记录数：", "records:") + " " + ", ".join(f"{k} {v}" for k, v in summary["counts"].items()),
        _say(lang, "数值按可信度分级：", "values by grade:")
        + " "
        + ", ".join(f"{k} {v}" for k, v in summary["grades"].items()),
        _say(lang, "来源按可信度分级：", "sources by grade:")
        + " "
        + ", ".join(f"{k} {v}" for k, v in summary["source_grades"].items()),
        _say(
            lang,
            f"工艺图：{summary['graph']['nodes']} 个节点，{summary['graph']['edges']} 条边",
            f"process graph: {summary['graph']['nodes']} nodes, {summary['graph']['edges']} edges",
        ),
    ]
    cov = summary["rule_coverage"]
    lines.append(
        _say(lang, "规则覆盖：", "rule coverage: ")
        + _say(lang, f"{cov['rules']} 条规则；", f"{cov['rules']} rules; ")
        + _say(lang, "无规则的工序 ", "steps without a rule ")
        + (", ".join(cov["steps_without_rule"]) or "—")
        + _say(lang, "；无规则的定量指标 ", "; quantitative indicators without a rule ")
        + (", ".join(cov["quantitative_indicators_without_rule"]) or "—")
        + _say(lang, "；不可达方案 ", "; options never reachable ")
        + str(len(cov["options_never_reachable"]))
        + _say(lang, "；永不触发的规则 ", "; rules that can never fire ")
        + str(len(cov["rules_never_firing"]))
    )
    by_kind: dict[str, list[dict[str, str]]] = {}
    for gap in summary["gaps"]:
        by_kind.setdefault(gap["kind"], []).append(gap)
    lines.append(_say(lang, f"待解决缺口：{len(summary['gaps'])} 项", f"open gaps: {len(summary['gaps'])}"))
    for kind, gaps in by_kind.items():
        lines.append(f"  {kind}: {len(gaps)}")
        shown = gaps if args.verbose else gaps[:5]
        for gap in shown:
            lines.append(f"    - {gap['where']}: {gap['detail']}")
        if len(gaps) > len(shown):
            lines.append(
                _say(
                    lang,
                    f"    …另有 {len(gaps) - len(shown)} 项（--verbose 全部列出）",
                    f"    ... and {len(gaps) - len(shown)} more (--verbose lists all)",
                )
            )
    _write("\n".join(lines), None)
    return EXIT_OK


def cmd_kb_graph(args: argparse.Namespace) -> int:
    from engine.graph import build_graph
    from explanations.graph_svg import render_process_svg

    try:
        kb = _load(args)
        graph = build_graph(kb)
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
        return EXIT_INVALID
    except SmartAuditError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        _write(_dump(graph.to_node_link()), args.output)
    else:
        _write(render_process_svg(kb, graph, lang=args.lang), args.output)
    return EXIT_OK


def _read_input(path: str) -> Any:
    """Read as the service reads a body: strict JSON or YAML, a UTF-8 BOM skipped; duplicate keys, deep nesting,
    NUL and lone surrogates refused (SelfInspectionInvalid naming the field)."""
    from engine.intake.rawinput import read_input

    return read_input(path)


def _print_input_errors(exc: SelfInspectionInvalid, lang: str, as_json: bool) -> None:
    if as_json:
        _write(
            _dump(
                {
                    "valid": False,
                    "errors": [e.as_dict() for e in exc.errors],
                    "warnings": [w.as_dict() for w in exc.warnings],
                }
            ),
            None,
        )
    head = _say(
        lang,
        f"自查数据有 {len(exc.errors)} 处错误，未予接受：",
        f"the self-inspection has {len(exc.errors)} error(s) and was not accepted:",
    )
    print(head, file=sys.stderr)
    for line in exc.lines(lang):
        print(f"  - {line}", file=sys.stderr)


def _on_input(args: argparse.Namespace, work: Callable[[KnowledgeBase, Any], Any]) -> tuple[int, Any, Any]:
    """Load the knowledge base, parse and validate the input file, run ``work(kb, validated)``; print errors.

    Returns (exit code, knowledge base, result)."""
    from engine.intake.validate import parse_self_inspection

    try:
        kb = _load(args)
        validated = parse_self_inspection(kb, _read_input(args.file))
        return EXIT_OK, kb, work(kb, validated)
    except SelfInspectionInvalid as exc:
        _print_input_errors(exc, args.lang, getattr(args, "json", False))
    except KnowledgeBaseError as exc:
        _print_issues(exc.issues, args.lang)
    except (SmartAuditError, OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
    return EXIT_INVALID, None, None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from engine.evaluate.evaluation import evaluate
    from explanations.evaluation_text import render_evaluation_text

    code, kb, result = _on_input(
        args,
        lambda kb, v: evaluate(
            kb,
            v.inspection,
            benchmark_set=args.benchmark_set,
            year=args.year,
            warnings=[w.as_dict() for w in v.warnings],
        ),
    )
    if code != EXIT_OK:
        return code
    data = result.as_dict()
    _write(_dump(data) if args.json else render_evaluation_text(data, args.lang, kb), args.output)
    return EXIT_OK


def cmd_infer(args: argparse.Namespace) -> int:
    from engine.evaluate.evaluation import evaluate
    from engine.inference.run import infer
    from explanations.inference_text import render_inference_text

    def run(kb: Any, v: Any) -> Any:
        ev = evaluate(kb, v.inspection)
        return ev, infer(kb, v.inspection, ev)

    code, kb, pair = _on_input(args, run)
    if code != EXIT_OK:
        return code
    ev, result = pair
    if args.json:
        _write(_dump(result.as_dict()), args.output)
    else:
        _write(render_inference_text(kb, result, args.lang, ev.as_dict()), args.output)
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from engine.evaluate.completeness import with_completeness
    from engine.plan.build import build_plan
    from explanations.plan_text import render_plan_text

    if args.format in ("pdf", "docx") and not args.output:
        print(f"--format {args.format} needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    code, kb, plan = _on_input(
        args,
        lambda kb, v: with_completeness(
            build_plan(
                kb,
                v.inspection,
                benchmark_set=args.benchmark_set,
                year=args.year,
                warnings=[w.as_dict() for w in v.warnings],
            )
        ),
    )
    if code != EXIT_OK:
        return code
    if args.json or args.format == "json":
        from engine.inference.whynot import not_fired_of

        # the full plan on request: with the why-not, which stored plans leave to be computed when asked
        _write(_dump({**plan, "not_fired": not_fired_of(kb, plan)}), args.output)
    elif args.format == "narrative":
        from explanations.render import render_narrative

        _write(render_narrative(kb, plan, args.lang), args.output)
    elif args.format == "html":
        from explanations.render import render_report_html

        _write(render_report_html(kb, plan, args.lang), args.output)
    elif args.format == "pdf":
        from explanations.render import render_report_pdf

        progress_line(args.lang, f"正在生成 PDF 报告 {args.output}…", f"Rendering the PDF report {args.output}…")
        Path(args.output).write_bytes(render_report_pdf(kb, plan, args.lang))
    elif args.format == "docx":
        from explanations.docx_report import render_report_docx

        progress_line(args.lang, f"正在生成 Word 报告 {args.output}…", f"Rendering the Word report {args.output}…")
        Path(args.output).write_bytes(render_report_docx(kb, plan, args.lang))
    else:
        _write(render_plan_text(plan, args.lang, kb), args.output)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smart-audit",
        description=(
            "Cleaner-production smart audit for printed-circuit-board factories / 印制电路板行业清洁生产智慧审核"
        ),
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--kb", help="knowledge-base folder (default: $SMART_AUDIT_KB or the bundled knowledge_base/)")
    common.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of text output (default zh)")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", parents=[common], help="validate the knowledge base and summarise it")
    check.add_argument("--json", action="store_true", help="print the summary as JSON")
    check.add_argument("--verbose", "-v", action="store_true", help="list every gap")
    check.set_defaults(func=cmd_kb_check)
    graph = kb_sub.add_parser("graph", parents=[common], help="export the process graph (JSON node-link or SVG)")
    graph.add_argument("--format", choices=["json", "svg"], default="json")
    graph.add_argument("-o", "--output", help="write to this file instead of standard output")
    graph.set_defaults(func=cmd_kb_graph)

    ev = sub.add_parser("evaluate", parents=[common], help="evaluate one self-inspection: indicators and level")
    ev.add_argument("file", help="self-inspection (JSON, or YAML by extension); - reads standard input")
    ev.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    ev.add_argument("--benchmark-set", help="benchmark set id (default: the knowledge base's default)")
    ev.add_argument("--year", type=int, help="reporting year to evaluate (default: the latest)")
    ev.add_argument("-o", "--output", help="write to this file instead of standard output")
    ev.set_defaults(func=cmd_evaluate)

    inf = sub.add_parser("infer", parents=[common], help="run the rules: findings with their why-chains")
    inf.add_argument("file", help="self-inspection (JSON, or YAML by extension); - reads standard input")
    inf.add_argument("--json", action="store_true", help="print the derivation trace and the why-not of every rule")
    inf.add_argument("-o", "--output", help="write to this file instead of standard output")
    inf.set_defaults(func=cmd_infer)

    plan = sub.add_parser("plan", parents=[common], help="the cleaner-production plan of one self-inspection")
    plan.add_argument("file", help="self-inspection (JSON, or YAML by extension); - reads standard input")
    plan.add_argument("--json", action="store_true", help="print the full plan with its trace as JSON")
    plan.add_argument(
        "--format",
        choices=["text", "json", "narrative", "html", "pdf", "docx"],
        default="text",
        help="text (default), json (= --json), narrative (Markdown), html, pdf or docx (the report as an editable "
        "Word document in the chapters of an audit report; pdf and docx need -o)",
    )
    plan.add_argument("--benchmark-set", help="benchmark set id (default: the knowledge base's default)")
    plan.add_argument("--year", type=int, help="reporting year to plan for (default: the latest)")
    plan.add_argument("-o", "--output", help="write to this file instead of standard output")
    plan.set_defaults(func=cmd_plan)

    from api._cli_intake import add_intake_commands  # manual (json, xlsx, html, pdf), import

    add_intake_commands(sub, common)

    from api._cli_accept import add_accept_commands  # accept checklist, accept verify
    from api._cli_cohort import add_cohort_commands  # cohort: the overall evaluation
    from api._cli_path import add_path_commands  # path, whatif: the planning questions
    from api._cli_service import add_service_commands  # serve, keys, db: the HTTP service

    add_path_commands(sub, common)
    add_service_commands(sub, common)
    add_accept_commands(sub, common)
    add_cohort_commands(sub, common)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result
