"""What ``smart-audit kb check`` reports: counts, values by grade, open gaps, version and hash."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.errors import KbIssue
from engine.graph import ProcessGraph, build_graph
from engine.kb import models as m
from engine.kb.coverage import rule_coverage
from engine.kb.loader import KnowledgeBase

__all__ = ["check_graph", "graded_values", "summarise"]


def graded_values(kb: KnowledgeBase) -> Iterator[tuple[str, m.Sourced]]:
    """Every sourced value of the knowledge base with a readable location."""
    for bset in kb.benchmark_sets.values():
        for level, rule in bset.rating.items():
            yield f"{bset.id}.rating.{level}", rule
        for group in bset.groups:
            gloc = f"{bset.id}/{group.id}"
            if group.weight is not None:
                yield f"{gloc}.weight", group.weight
            for member in group.members:
                mloc = f"{gloc}/{member.indicator}"
                if member.weight is not None:
                    yield f"{mloc}.weight", member.weight
                if member.limiting is not None:
                    yield f"{mloc}.limiting", member.limiting
                for row in member.thresholds:
                    board = f"[{row.board}]" if row.board else ""
                    for level, cell in row.levels.items():
                        yield f"{mloc}{board}.{level}", cell
                for level, crit in member.level_texts.items():
                    yield f"{mloc}.level_text.{level}", crit
    for option in kb.options.values():
        if option.benefit is not None:
            for name, rng in option.benefit.ranges():
                yield (
                    f"options/{option.id}.benefit.{name}",
                    m.Sourced(source=rng.source, grade=rng.grade, note=rng.note),
                )
        if option.investment is not None:
            inv = option.investment
            yield f"options/{option.id}.investment", m.Sourced(source=inv.source, grade=inv.grade, note=inv.note)
            if inv.scaling is not None:
                exp = inv.scaling.exponent
                yield (
                    f"options/{option.id}.investment.scaling.exponent",
                    m.Sourced(source=exp.source, grade=exp.grade, note=exp.note),
                )
        for i, oc in enumerate(option.operating_cost):
            rng = oc.value
            yield (
                f"options/{option.id}.operating_cost[{i}]",
                m.Sourced(source=rng.source, grade=rng.grade, note=rng.note),
            )
    for stream in kb.streams.values():
        for name, rng in stream.properties.ranges() if stream.properties else []:
            yield f"streams/{stream.id}.properties.{name}", m.Sourced(source=rng.source, grade=rng.grade, note=rng.note)
    for fig in kb.plant_figures.values():
        rng = fig.value
        yield f"plant_figures/{fig.id}", m.Sourced(source=rng.source, grade=rng.grade, note=rng.note)
    for param in kb.parameters.values():
        for value in param.values:
            key = ",".join(f"{k}={v}" for k, v in sorted(value.key.items()))
            yield f"{param.id}[{key}]@{value.valid_from}", value


def check_graph(kb: KnowledgeBase, graph: ProcessGraph) -> list[KbIssue]:
    """Structural checks that need the built graph (the cycle check happens while building)."""
    issues: list[KbIssue] = []
    on_route = {s for route in kb.routes.values() for item in route.items for s in item.steps}
    for sid, step in kb.steps.items():
        o = kb.origin("steps", sid)
        if step.kind == "production" and sid not in on_route:
            issues.append(
                KbIssue(
                    o.file,
                    o.path,
                    f"production step {sid!r} is on no board route",
                    "add it to a route, or set kind: utility",
                )
            )
        if step.kind == "utility" and not any(d.step == sid for d in kb.destinations.values()) and not step.inputs:
            issues.append(
                KbIssue(
                    o.file,
                    o.path,
                    f"utility step {sid!r} is reached by nothing",
                    "link it from a destination (destination.step) or give it inputs",
                )
            )
    for sid, stream in kb.streams.items():
        o = kb.origin("streams", sid)
        if not graph.steps_feeding(sid):
            role = "consumes" if stream.kind == "resource" else "produces"
            issues.append(
                KbIssue(
                    o.file,
                    o.path,
                    f"no step {role} stream {sid!r}",
                    f"list it under a step's {'inputs' if stream.kind == 'resource' else 'outputs'}",
                )
            )
    return issues


def _weight_notes(kb: KnowledgeBase) -> Iterator[dict[str, str]]:
    for bset in kb.benchmark_sets.values():
        if bset.method != "index_system":
            continue
        for group in bset.groups:
            weights = [mb.weight.value for mb in group.members if mb.weight is not None]
            total = sum(weights, Decimal(0))
            if weights and total != 1:
                yield {
                    "kind": "weights_renormalised",
                    "where": f"{bset.id}/{group.id}",
                    "detail": f"member weights sum to {total}; they are renormalised over the applicable members",
                }


def summarise(kb: KnowledgeBase, graph: ProcessGraph | None = None) -> dict[str, Any]:
    graph = graph or build_graph(kb)
    grades = Counter(value.grade.value for _, value in graded_values(kb))
    gaps: list[dict[str, str]] = [
        {"kind": "declared", "where": gap.id, "detail": gap.description} for gap in kb.gaps.values()
    ]
    for where, value in graded_values(kb):
        if value.grade == m.Grade.U:
            gaps.append({"kind": "unconfirmed_value", "where": where, "detail": value.note or "grade U"})
    for bset in kb.benchmark_sets.values():
        for group in bset.groups:
            for member in group.members:
                if member.not_rated:
                    where = f"{bset.id}/{group.id}/{member.indicator}"
                    gaps.append({"kind": "not_rated", "where": where, "detail": member.not_rated})
                for row in member.thresholds:
                    loc = f"{bset.id}/{group.id}/{member.indicator}" + (f"[{row.board}]" if row.board else "")
                    if row.known_inconsistent:
                        gaps.append({"kind": "known_inconsistent", "where": loc, "detail": row.known_inconsistent})
                    for level, cell in row.levels.items():
                        if cell.correction is not None:
                            gaps.append(
                                {
                                    "kind": "corrected_value",
                                    "where": f"{loc}.{level}",
                                    "detail": f"{cell.correction.original} -> {cell.expr}: {cell.correction.reason}",
                                }
                            )
    gaps.extend(_weight_notes(kb))
    for option in sorted(kb.options.values(), key=lambda o: o.id):
        if option.investment is None:
            detail = option.investment_gap.en if option.investment_gap else "investment unknown: ask a supplier"
            gaps.append({"kind": "investment_unknown", "where": f"options/{option.id}", "detail": detail})
        if option.benefit is None:
            detail = option.to_quantify.en if option.to_quantify else "no benefit model: the saving is not quantified"
            gaps.append({"kind": "saving_not_quantified", "where": f"options/{option.id}", "detail": detail})
        elif any(rng.assumption for _, rng in option.benefit.ranges()):
            gaps.append(
                {
                    "kind": "planning_assumption",
                    "where": f"options/{option.id}.benefit",
                    "detail": "a benefit parameter is this system's own adjustable assumption (grade U), not a source",
                }
            )
    coverage = rule_coverage(kb)
    for rid in coverage["rules_never_firing"]:
        gaps.append({"kind": "rule_never_fires", "where": rid["rule"], "detail": rid["why"]})
    return {
        "version": kb.version.version,
        "hash": kb.version.hash,
        "default_benchmark_set": kb.meta.default_benchmark_set,
        "counts": kb.counts(),
        "grades": {g.value: grades.get(g.value, 0) for g in m.Grade},
        "source_grades": {g.value: sum(1 for s in kb.sources.values() if s.grade == g) for g in m.Grade},
        "graph": {"nodes": graph.graph.number_of_nodes(), "edges": graph.graph.number_of_edges()},
        "rule_coverage": coverage,
        "gaps": gaps,
    }
