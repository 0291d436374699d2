"""Run a compiled program on durable_rules 2.0.28, designed around what was measured about it
(shared/engineering/durable_rules.md):

- not thread-safe: one session at a time per process (a lock); scale with processes;
- the background timer threads race with callers: the host's timer loop is disabled;
- memory is freed only by ``delete_state``: it is called in every case, also on failure;
- exceptions inside actions are swallowed into the state: every action records its own errors, and the state's
  ``exception`` is checked after every call; a failing session raises, it never returns a partial result;
- a fact that matches no rule raises MessageNotHandledException: every fact type has a catch-all rule;
- (measured here) its C JSON reader rejects numbers in exponent notation, and in a batch silently drops that fact
  and all after it: facts carry no such numbers (engine/inference/facts.py) and are checked before asserting;
- rule names are not passed to actions: each rule has its own named action that records the rule id and the
  facts it matched; that record is the derivation trace (the engine keeps none);
- rulesets cannot be changed once registered: each knowledge base's ruleset is named by its content hash, so a
  new knowledge base loads beside the old one.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from durable.engine import Host

from engine.errors import SmartAuditError
from engine.inference.plain import Firing
from engine.inference.program import GATE, Program, binding_keys, conclude, merge_conclusions

__all__ = ["InferenceEngineError", "run_durable"]


class InferenceEngineError(SmartAuditError):
    """durable_rules failed during a session (an action raised, or the engine reported an exception)."""


@dataclass
class _Session:
    program: Program
    known: set[str]
    conclusions: list[dict[str, Any]] = field(default_factory=list)
    produced: list[dict[str, Any]] = field(default_factory=list)  # this stratum's, asserted when it is complete
    firings: list[Firing] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Host(Host):  # type: ignore[misc]
    """A host whose timer loop never starts and whose actions are resolved by name."""

    def __init__(self) -> None:
        self.actions: dict[str, Callable[[Any], None]] = {}
        super().__init__()

    def _run(self) -> None:  # the timer threads race with callers: disabled (durable_rules.md, pitfall 2)
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self.actions[action_name]


_LOCK = threading.Lock()
_HOST: _Host | None = None
_REGISTERED: dict[str, Program] = {}
_SESSIONS: dict[str, _Session] = {}
_SID = itertools.count(1)


def _host() -> _Host:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
        _HOST.actions["sink"] = lambda c: None
    return _HOST


def _make_action(rule_id: str) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        session = _SESSIONS.get(str(c.s["sid"]))
        if session is None:  # pragma: no cover - a session's actions only run inside run_durable
            return
        try:
            compiled = session.program.rules[rule_id]
            matched = c._m  # the facts of this firing by binding key (Closure attributes would shadow names)
            keys = binding_keys(compiled.rule)
            bound = {p.as_: dict(matched[keys[p.as_]]) for p in compiled.rule.when}
            for fact in bound.values():
                fact.pop("sid", None)
            conclusion = conclude(compiled.rule, bound)
            session.firings.append(Firing(rule_id, tuple(bound[p.as_]["id"] for p in compiled.rule.when), conclusion))
            session.produced.append(conclusion)
        except Exception as exc:  # recorded and re-raised after the call: durable_rules would swallow it
            session.errors.append(f"rule {rule_id}: {type(exc).__name__}: {exc}")

    return action


def _register(program: Program) -> None:
    if program.kb_hash in _REGISTERED:
        return
    host = _host()
    for rid in program.rules:
        host.actions[f"rule:{rid}"] = _make_action(rid)
    for chunk in program.chunks:
        # durable_rules mutates the definitions it is given (it pops 'run'): hand it a copy
        host.set_rulesets(copy.deepcopy(chunk.definition))
    _REGISTERED[program.kb_hash] = program


def _readable(fact: dict[str, Any]) -> None:
    """Refuse numbers durable_rules' JSON reader cannot read (it would silently drop the rest of the batch)."""
    for key, value in fact.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, float) and not isinstance(v, bool):
                text = repr(v)
                if "e" in text or "n" in text:  # exponent, inf, nan
                    raise InferenceEngineError(f"fact {fact.get('id')}: {key} = {text} cannot be read by durable_rules")


def _call(method: Callable[..., Any], *args: Any) -> Any:
    """A host call; durable_rules' own errors (e.g. 303, its fixed alpha stack exceeded) become ours."""
    try:
        return method(*args)
    except InferenceEngineError:
        raise
    except Exception as exc:
        if type(exc).__module__ == "durable.engine" or "error code" in str(exc):
            raise InferenceEngineError(f"durable_rules: {exc}") from exc
        raise


def _check(state: Any, session: _Session) -> None:
    if session.errors:
        raise InferenceEngineError("; ".join(session.errors))
    if isinstance(state, dict) and state.get("exception"):
        raise InferenceEngineError(str(state["exception"]))


def run_durable(program: Program, base: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Firing]]:
    """Run the strata in order; within a stratum, each ruleset chunk in its own session over all facts so far.

    In a session the facts are asserted first and a gate fact opens the rules, so that an ``unless`` never fires
    on a fact of the batch that has not arrived yet. A stratum's conclusions join the facts together, merged so
    that the result does not depend on the order of the firings.
    """
    with _LOCK:
        _register(program)
        for fact in base:
            _readable(fact)
        facts = [dict(f) for f in base]
        known = {f["id"] for f in base}
        conclusions: list[dict[str, Any]] = []
        firings: list[Firing] = []
        for k in range(len(program.strata)):
            produced: list[dict[str, Any]] = []
            for chunk in (c for c in program.chunks if c.stratum == k):
                session = _session(program, chunk.name, facts, known)
                produced.extend(session.produced)
                firings.extend(session.firings)
            new = merge_conclusions(produced, known)
            known.update(c["id"] for c in new)
            conclusions.extend(new)
            facts.extend(new)
        return conclusions, firings


def _session(program: Program, ruleset: str, facts: list[dict[str, Any]], known: set[str]) -> _Session:
    host = _host()
    sid = str(next(_SID))
    session = _Session(program, set(known))
    _SESSIONS[sid] = session
    failed = False
    try:
        if facts:
            _check(_call(host.assert_facts, ruleset, [{**f, "sid": sid} for f in facts]), session)
        _check(_call(host.assert_fact, ruleset, {"type": GATE, "id": GATE, "sid": sid}), session)
        return session
    except InferenceEngineError:
        failed = True
        raise
    finally:
        del _SESSIONS[sid]
        if not failed:
            with contextlib.suppress(Exception):  # nothing was stored for this sid
                host.delete_state(ruleset, sid)
        # after an engine error durable_rules' state of the session may be corrupt, and delete_state then
        # crashes the process: that session's state is left behind (a leak, not a crash)
