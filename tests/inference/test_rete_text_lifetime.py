"""durable_rules 2.0.28 keeps, in every stored fact, its ``id`` and ``sid`` as pointers into the JSON text the fact
was asserted from (``copyMessage`` in its state.c relocates every other string property into the stored copy).
Once that text is freed and the memory reused, a join on ``id`` evaluated later (here: when the gate fact opens
the rules) reads other bytes and silently misses. This was the long differential run's open defect (session 5):
about one plan in 1,000-2,000 lost a firing of ``cmp_exceedance_not_stably_compliant`` or
``cmp_compliance_answer_contradicted``, the two rules that join on ``id``, depending on what the allocator did.

The engine-level test shows the mechanism (free the text, overwrite its memory) in processes of their own
(tests/inference/text_lifetime_probe.py); the others show that ``run_durable`` holds every text until the
session's state is deleted, under the same overwriting.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate.evaluation import evaluate
from engine.inference import rete
from engine.inference.run import infer
from engine.intake.validate import parse_self_inspection
from tests.inference.test_differential import GRAPH, KB, _compare
from tests.inference.text_lifetime_probe import overwrite

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "demo_double_multilayer_mid.json"
ID_JOIN_RULES = {"cmp_exceedance_not_stably_compliant", "cmp_compliance_answer_contradicted"}


def _probe(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.inference.text_lifetime_probe", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_durable_rules_reads_ids_from_the_asserted_text() -> None:
    """The mechanism, each case in a process of its own: with the text held every join on ``id`` fires; freed and
    overwritten, joins miss (or the process crashes reading the freed memory)."""
    held = _probe("keep")
    assert held.returncode == 0 and held.stdout.strip() == "0", held.stderr[-2000:]
    freed = _probe("free")
    if freed.returncode == 0 and freed.stdout.strip() == "0":  # pragma: no cover - the block was not reused
        pytest.skip("the freed text's memory was not reused on this allocator")
    assert freed.returncode != 0 or int(freed.stdout) > 0


def _exceeding() -> dict[str, Any]:
    """The mid-size example with its discharge copper above both tables' limits and answered stably compliant:
    both id-joining rules must fire."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for outlet in data["years"][-1]["wastewater"]["outlets"]:
        if outlet["position"] == "discharge":
            outlet["concentrations"]["cu"] = {"value": 2.5, "unit": "mg/L"}
    data["answers"]["q_ww_stable_compliance"] = True
    return data


def test_run_durable_holds_its_texts_while_memory_is_overwritten(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before every assertion, the memory of the previous one's text is overwritten: the id joins still fire, and
    durable_rules agrees with the plain evaluator. Without ``_Session.texts`` this fails at once."""
    real = rete._assert
    last = [0]

    def overwriting(host: Any, ruleset: str, session: Any, text: str, batch: bool) -> None:
        junk = overwrite(last[0]) if last[0] else []
        last[0] = len(text)
        real(host, ruleset, session, text, batch)
        del junk

    monkeypatch.setattr(rete, "_assert", overwriting)
    data = _exceeding()
    si = parse_self_inspection(KB, data).inspection
    for _ in range(20):
        result = infer(KB, si, evaluate(KB, si), GRAPH, engine="durable", explain=False)
        assert {f.rule for f in result.firings} >= ID_JOIN_RULES
        _compare(KB, GRAPH, data)


def test_texts_are_released_after_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Held for the session only: a finished session keeps no text (memory stays flat over many plans)."""
    seen: list[rete._Session] = []
    real = rete._session

    def recording(program: Any, ruleset: str, facts: list[str], by_id: dict[str, Any]) -> rete._Session:
        session = real(program, ruleset, facts, by_id)
        seen.append(session)
        return session

    monkeypatch.setattr(rete, "_session", recording)
    si = parse_self_inspection(KB, _exceeding()).inspection
    infer(KB, si, evaluate(KB, si), GRAPH, engine="durable", explain=False)
    assert seen and all(s.texts == [] for s in seen)


def test_bound_fact_ids_are_read_from_any_text() -> None:
    """The actions read the bound facts' ids from the engine's message without decoding it (rete._BOUND): ids
    with quotes, backslashes and Chinese, and a string field that spells the very sequence it looks for, give the
    same firings and conclusions as the plain evaluator."""
    from engine.inference.facts import build_facts
    from engine.inference.plain import run_plain
    from engine.inference.run import program_for

    si = parse_self_inspection(KB, _exceeding()).inspection
    facts = build_facts(KB, si, evaluate(KB, si), GRAPH).facts
    renamed = {f["id"]: f'{f["id"]}"\\排口"' for f in facts if f["type"] == "effluent"}
    assert renamed

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return renamed.get(value, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    facts = [{k: rename(v) for k, v in f.items()} for f in facts]
    for f in facts:
        if f["type"] == "enterprise":
            f["decoy"] = '"b0":{"sid":"1","id": "decoy", "b1":{"sid":"22","id": "x\\"'
    program = program_for(KB)
    durable_c, durable_f = rete.run_durable(program, facts)
    plain_c, plain_f = run_plain(program, facts)
    assert sorted(durable_c, key=lambda c: c["id"]) == sorted(plain_c, key=lambda c: c["id"])
    assert sorted((f.rule, f.premises) for f in durable_f) == sorted((f.rule, f.premises) for f in plain_f)
    joined = [f for f in durable_f if f.rule in ID_JOIN_RULES]
    assert joined and all(any(p in renamed.values() for p in f.premises) for f in joined)
