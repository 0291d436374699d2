"""Differential check: on every example and on 1,000 generated self-inspections, the conclusions and firings of
durable_rules equal those of the plain evaluator. A disagreement prints both derivations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from engine.evaluate.evaluation import evaluate
from engine.graph import ProcessGraph, build_graph
from engine.inference.run import infer
from engine.intake.validate import parse_self_inspection
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from tests.inference.strategies import EXAMPLES, self_inspections

KB = load_kb(DEFAULT_KB_PATH)
GRAPH = build_graph(KB)


def _compare(kb: KnowledgeBase, graph: ProcessGraph, data: dict[str, Any]) -> int:
    si = parse_self_inspection(kb, data).inspection
    ev = evaluate(kb, si)
    durable = infer(kb, si, ev, graph, engine="durable", explain=False)
    plain = infer(kb, si, ev, graph, engine="plain", explain=False)
    d_firings = [(f.rule, f.premises) for f in durable.firings]
    p_firings = [(f.rule, f.premises) for f in plain.firings]
    if durable.conclusions != plain.conclusions or d_firings != p_firings:
        only_d = sorted(set(d_firings) - set(p_firings))
        only_p = sorted(set(p_firings) - set(d_firings))
        pytest.fail(
            "durable_rules and the plain evaluator disagree\n"
            f"only durable: {json.dumps(only_d, ensure_ascii=False, indent=1)}\n"
            f"only plain: {json.dumps(only_p, ensure_ascii=False, indent=1)}\n"
            f"durable trace: {json.dumps(durable.trace.flat(), ensure_ascii=False)[:4000]}\n"
            f"plain trace: {json.dumps(plain.trace.flat(), ensure_ascii=False)[:4000]}"
        )
    return len(durable.conclusions)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_agree(path: Path) -> None:
    assert _compare(KB, GRAPH, json.loads(path.read_text(encoding="utf-8"))) > 0


# no shrinking: a failure already prints both derivations, and shrinking a whole self-inspection takes minutes
@settings(
    max_examples=1000,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=self_inspections(KB))
def test_generated_agree(data: dict[str, Any]) -> None:
    _compare(KB, GRAPH, data)
