"""Inference for one evaluated self-inspection: facts -> durable_rules (stratified) -> conclusions with trace,
and for every rule that did not fire, why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.evaluate.result import EvaluationResult
from engine.graph import ProcessGraph, build_graph
from engine.inference.facts import build_facts
from engine.inference.plain import Firing, run_plain
from engine.inference.program import Program, compile_program
from engine.inference.rete import run_durable
from engine.inference.trace import Trace, build_trace
from engine.inference.whynot import not_fired as explain_all
from engine.intake.model import SelfInspection
from engine.kb.loader import KnowledgeBase

__all__ = ["InferenceResult", "infer", "program_for"]

_PROGRAMS: dict[str, Program] = {}


def program_for(kb: KnowledgeBase) -> Program:
    """The compiled rules of a knowledge base, compiled once per content hash."""
    program = _PROGRAMS.get(kb.version.hash)
    if program is None:
        program = compile_program(kb)
        _PROGRAMS[kb.version.hash] = program
    return program


@dataclass
class InferenceResult:
    engine: str
    base: list[dict[str, Any]]
    conclusions: list[dict[str, Any]]
    firings: list[Firing]
    trace: Trace
    not_fired: dict[str, dict[str, Any]]

    def findings(self) -> list[dict[str, Any]]:
        return sorted((c for c in self.conclusions if c["type"] == "finding"), key=lambda c: c["id"])

    def recommendations(self) -> list[dict[str, Any]]:
        return sorted((c for c in self.conclusions if c["type"] == "recommendation"), key=lambda c: c["id"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "kb_version": self.trace.kb_version,
            "kb_hash": self.trace.kb_hash,
            "input_hash": self.trace.input_hash,
            "findings": [c["id"] for c in self.findings()],
            "recommendations": [c["id"] for c in self.recommendations()],
            "trace": self.trace.flat(),
            "not_fired": self.not_fired,
        }


def infer(
    kb: KnowledgeBase,
    si: SelfInspection,
    ev: EvaluationResult,
    graph: ProcessGraph | None = None,
    *,
    engine: str = "durable",
    explain: bool = True,
) -> InferenceResult:
    graph = graph or build_graph(kb)
    program = program_for(kb)
    base = build_facts(kb, si, ev, graph)
    run = run_durable if engine == "durable" else run_plain
    conclusions, firings = run(program, base.facts)
    conclusions = sorted(conclusions, key=lambda c: c["id"])
    firings = sorted(firings, key=lambda f: (f.rule, f.premises))
    trace = build_trace(kb, ev.input_hash, base.facts, base.inputs, base.parameters, conclusions, firings)
    not_fired = explain_all(kb, base.facts + conclusions, {f.rule for f in firings}) if explain else {}
    return InferenceResult(engine, base.facts, conclusions, firings, trace, not_fired)
