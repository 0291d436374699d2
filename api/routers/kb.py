"""The knowledge base: version and hash, summary, process graph (JSON and SVG), indicators, options, rules and
sources (each listed and by id), and the reload (admin)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response

from api.deps import AdminDep, CallerDep, KbDep, KbHolderDep, PageDep
from api.kbstate import LoadedKb
from api.problems import ProblemError, issue
from api.schemas.common import Page, problem_responses
from api.schemas.kb import GraphOut, KbInfo, KbRecordOut, KbSummaryOut, LoadReportOut, ReloadOut, ReloadRequest
from api.schemas.plans import KbRef
from engine.errors import did_you_mean
from engine.kb.summary import summarise

__all__ = ["router"]

router = APIRouter(prefix="/v1/kb", tags=["knowledge base"], responses=problem_responses(401, 503))

RecordKind = Literal["indicators", "options", "rules", "sources"]


def _info(holder: Any, loaded: LoadedKb) -> KbInfo:
    report = holder.last_report
    return KbInfo(
        name={"zh": loaded.kb.meta.name.zh, "en": loaded.kb.meta.name.en},
        version=loaded.version,
        hash=loaded.hash,
        default_benchmark_set=loaded.kb.meta.default_benchmark_set,
        benchmark_sets=sorted(loaded.kb.benchmark_sets),
        path=holder.shown(loaded.path),
        loaded_at=loaded.loaded_at,
        counts=loaded.kb.counts(),
        in_memory=[KbRef(version=k.version, hash=k.hash) for k in holder.in_memory()],
        last_load=LoadReportOut(**report.as_dict()) if report is not None else None,
    )


@router.get("", response_model=KbInfo)
def get_kb(_caller: CallerDep, holder: KbHolderDep, loaded: KbDep) -> KbInfo:
    """The knowledge base in use: version, hash, counts, and the outcome of the last load or reload."""
    return _info(holder, loaded)


@router.get("/summary", response_model=KbSummaryOut)
def get_kb_summary(_caller: CallerDep, loaded: KbDep) -> dict[str, Any]:
    """Counts by record type, values and sources by grade, rule coverage and open gaps (as `kb check --json`)."""
    return summarise(loaded.kb, loaded.graph)


@router.get("/graph", response_model=GraphOut)
def get_kb_graph(_caller: CallerDep, loaded: KbDep) -> dict[str, Any]:
    """The process graph as node-link JSON (steps, streams, destinations, indicators; edges with their kind)."""
    return loaded.graph.to_node_link()


@router.get(
    "/graph.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}, "description": "SVG picture"}},
)
def get_kb_graph_svg(
    _caller: CallerDep, loaded: KbDep, lang: Annotated[Literal["zh", "en"], Query(description="labels")] = "zh"
) -> Response:
    """The process graph as an SVG picture (production routes in columns, utilities below)."""
    from explanations.graph_svg import render_process_svg

    return Response(render_process_svg(loaded.kb, loaded.graph, lang=lang), media_type="image/svg+xml")


def _records(loaded: LoadedKb, kind: str) -> dict[str, Any]:
    records: dict[str, Any] = getattr(loaded.kb, kind)
    return records


def _record_out(loaded: LoadedKb, kind: str, rid: str, record: Any) -> KbRecordOut:
    origin = loaded.kb.origin(kind, rid)
    return KbRecordOut(id=rid, kind=kind, file=origin.file, key_path=origin.path, data=record.model_dump(mode="json"))


@router.get("/{kind}", response_model=Page[KbRecordOut], responses=problem_responses(422))
def list_kb_records(kind: RecordKind, _caller: CallerDep, loaded: KbDep, page: PageDep) -> Page[KbRecordOut]:
    """Indicators, options, rules or sources of the knowledge base, by id, with the file each was read from."""
    records = _records(loaded, kind)
    ids = sorted(records)
    shown = ids[page.offset : page.offset + page.limit]
    return Page.of([_record_out(loaded, kind, rid, records[rid]) for rid in shown], len(ids), page.limit, page.offset)


@router.get("/{kind}/{record_id}", response_model=KbRecordOut, responses=problem_responses(404, 422))
def get_kb_record(kind: RecordKind, record_id: str, _caller: CallerDep, loaded: KbDep) -> KbRecordOut:
    """One indicator, option, rule or source, with the file and key path it was read from."""
    records = _records(loaded, kind)
    record = records.get(record_id)
    if record is None:
        close = did_you_mean(record_id, records)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ProblemError(
            404,
            "not-found",
            "Not found",
            f"the knowledge base has no {kind[:-1]} {record_id!r}{hint}",
            errors=[issue("path.record_id", "unknown_id", f"no {kind[:-1]} {record_id!r}{hint}")],
        )
    return _record_out(loaded, kind, record_id, record)


@router.post("/reload", response_model=ReloadOut, responses=problem_responses(403, 422))
def reload_kb(
    _admin: AdminDep,
    holder: KbHolderDep,
    body: Annotated[ReloadRequest | None, Body()] = None,
) -> ReloadOut:
    """Load the knowledge base again (or another folder) beside the one in use; if it is invalid, keep serving the
    old one and answer 422 with every issue."""
    previous = holder.current
    target = holder.requested(body.path) if body is not None and body.path is not None else None
    if body is not None and body.path is not None and target is None:
        roots = ", ".join(r.name for r in holder.roots)
        message = f"a knowledge base is reloaded from the configured folders ({roots}) only"
        raise ProblemError(
            422,
            "request-invalid",
            "Request invalid",
            f"path: {message}（只能从配置的知识库目录重新加载）",
            errors=[
                {
                    "path": "path",
                    "rule": "outside_kb_roots",
                    "message": message,
                    "message_en": message,
                    "message_zh": f"只能从配置的知识库目录（{roots}）重新加载",
                }
            ],
        )
    report = holder.load(target)
    serving = holder.current
    if not report.ok or serving is None:
        raise ProblemError(
            422,
            "kb-invalid",
            "Knowledge base invalid",
            f"the knowledge base at {report.path} was not loaded ({len(report.issues)} issue(s)); "
            + (f"still serving {serving.version} ({serving.hash})" if serving else "no knowledge base is loaded"),
            errors=[issue(f"{i['file']}: {i['path']}".rstrip(": "), "kb_invalid", i["message"]) for i in report.issues],
            issues=report.issues,
            serving={"version": serving.version, "hash": serving.hash} if serving else None,
        )
    return ReloadOut(
        loaded=LoadReportOut(**report.as_dict()),
        serving=KbRef(version=serving.version, hash=serving.hash),
        previous=KbRef(version=previous.version, hash=previous.hash) if previous else None,
    )
