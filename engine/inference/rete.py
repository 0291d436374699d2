"""Run a compiled program on durable_rules 2.0.28, designed around what was measured about it
(shared/engineering/durable_rules.md):

- not thread-safe: one session at a time per process (a lock); scale with processes;
- the background timer threads race with callers: the host's timer loop is disabled;
- memory is freed only by ``delete_state``: it is called in every case, also on failure;
- exceptions inside actions are swallowed into the state: every action records its own errors, and the state's
  ``exception`` is checked after every call; a failing session raises, it never returns a partial result;
- a fact that matches no rule raises MessageNotHandledException, and (measured here) with such facts its state goes
  wrong after a few thousand sessions in one process (missing firings, a crash in ``delete_state``): every fact
  type has a catch-all rule in every ruleset, and a ruleset is sent only facts its rules' patterns could match;
- its Python wrapper runs every action through a closure that re-serialises the session state after it (one
  ``json.dumps`` and one C call per action, for the catch-alls too): the ready actions are run here by the same
  C calls (``start_action_for_state``, ``complete_and_start_action``), a catch-all's with no Python work;
- (measured here, and read in its source) a stored fact's ``id`` and ``sid`` still point into the JSON text it
  was asserted from (``copyMessage`` in state.c relocates every other string property into its own copy): once that
  text is freed and its memory reused, a later join on ``id`` reads other bytes and silently misses. Python frees
  the text when the call returns, so every text asserted in a session is held until its state is deleted
  (``_Session.texts``; reproduced in tests/inference/test_rete_text_lifetime.py). Before this, about one
  plan in 1,000-2,000 lost a firing of a rule joining on ``id`` after the gate, depending on what the allocator did;
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
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine
from durable.engine import Host

from engine.errors import SmartAuditError
from engine.inference.plain import Firing
from engine.inference.program import GATE, SINK, Program, binding_keys, conclude, merge_conclusions
from engine.jsontext import compact

__all__ = ["InferenceEngineError", "run_durable"]


class InferenceEngineError(SmartAuditError):
    """durable_rules failed during a session (an action raised, or the engine reported an exception)."""


@dataclass
class _Session:
    program: Program
    by_id: dict[str, dict[str, Any]]  # the run's facts so far by id (what the bound facts are read from)
    produced: list[dict[str, Any]] = field(default_factory=list)  # this stratum's, asserted when it is complete
    firings: list[Firing] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # every text asserted in this session, held until its state is deleted: durable_rules keeps pointers into it
    texts: list[str] = field(default_factory=list)


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
_SID = itertools.count(1)


def _host() -> _Host:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST


_SINK_MESSAGE = '{"' + SINK  # how the engine's message of a catch-all's action begins (program.SINK)
# A ready action's message is ``{"<rule id>":{"g__gate":{...},"b0":{<fact>},"b1":{<fact>}...}}`` with each fact as
# the text it was asserted from: ``{"sid":"<n>","id":<its id>,...`` (``_text`` writes the id first). The
# bound facts are known by their ids; their fields are ours (``_Session.by_id``), so the message is not decoded.
# Inside a JSON string every quote is escaped, so this sequence can only be the start of a bound fact.
_BOUND = re.compile(r'"(b\d+)":\{"sid":"\d+","id":("(?:[^"\\]|\\.)*")')
_ACTIONS: dict[str, Callable[[_Session, dict[str, str]], None]] = {}
_WHEN: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}  # (kb hash, rule id) -> (binding, key) of ``when``


def _text(fact: dict[str, Any]) -> str:
    """The fact's JSON text less its opening brace, its id first (the session id is written in front of it);
    compact, written in C (engine/jsontext.py)."""
    return compact({"id": fact["id"], **fact})[1:]


def _when(program: Program, rule_id: str) -> tuple[tuple[str, str], ...]:
    key = (program.kb_hash, rule_id)
    if key not in _WHEN:
        rule = program.rules[rule_id].rule
        keys = binding_keys(rule)
        _WHEN[key] = tuple((p.as_, keys[p.as_]) for p in rule.when)
    return _WHEN[key]


def _make_action(rule_id: str) -> Callable[[_Session, dict[str, str]], None]:
    def action(session: _Session, ids: dict[str, str]) -> None:
        try:
            compiled = session.program.rules[rule_id]
            when = _when(session.program, rule_id)  # ids: the ids of this firing's facts by binding key
            bound = {name: session.by_id[ids[key]] for name, key in when}
            conclusion = conclude(compiled.rule, bound)
            session.firings.append(Firing(rule_id, tuple(ids[key] for _, key in when), conclusion))
            session.produced.append(conclusion)
        except Exception as exc:  # recorded and raised after the call, as a failed session
            session.errors.append(f"rule {rule_id}: {type(exc).__name__}: {exc}")

    return action


def _never(c: Any) -> None:  # pragma: no cover - actions run through _assert, never through the host
    raise InferenceEngineError("durable_rules ran an action through its own loop")


def _register(program: Program) -> None:
    if program.kb_hash in _REGISTERED:
        return
    host = _host()
    host.actions["sink"] = _never  # durable_rules resolves every action name when a ruleset loads
    for rid in program.rules:
        _ACTIONS[rid] = _make_action(rid)  # the engine names a ready action by its rule
        host.actions[f"rule:{rid}"] = _never
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


def _assert(host: _Host, ruleset: str, session: _Session, text: str, batch: bool) -> None:
    """Assert one fact or a batch, then run the actions it made ready, in the engine's order.

    As ``Host.assert_fact(s)`` does, less the state's re-serialisation after every action (no action changes the
    state) and less the wrapper's closure for the catch-alls' actions, which do nothing. Every fact is handled
    (the catch-alls): any result code but 0 is an error. A catch-all's message (``{"sink:<type>": ...}``, the
    engine's own JSON) is recognised by its first characters and not decoded.
    """
    handle = host.get_ruleset(ruleset)._handle
    call = durable_rules_engine.assert_facts if batch else durable_rules_engine.assert_fact
    code, state_offset = call(handle, text)
    if code != 0:
        raise InferenceEngineError(f"durable_rules: assert returned code {code}")
    started = durable_rules_engine.start_action_for_state(handle, state_offset)
    result: str | None = started[1] if started else None
    while result:
        if not result.startswith(_SINK_MESSAGE):
            action_name = result[2 : result.index('"', 2)]  # rule ids are [a-z][a-z0-9_]*: nothing escaped
            # an id's JSON string without escapes is its text between the quotes
            ids = {k: t[1:-1] if "\\" not in t else json.loads(t) for k, t in _BOUND.findall(result)}
            try:
                _ACTIONS[action_name](session, ids)
            except BaseException:
                durable_rules_engine.abandon_action(handle, state_offset)
                raise
        result = durable_rules_engine.complete_and_start_action(handle, state_offset)


def _check(session: _Session) -> None:
    if session.errors:
        raise InferenceEngineError("; ".join(session.errors))


def run_durable(program: Program, base: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Firing]]:
    """Run the strata in order; within a stratum, each ruleset chunk in its own session over the facts so far that
    its rules' patterns admit (``Chunk.admits``; each of them still matches the chunk's catch-all).

    In a session the facts are asserted first and a gate fact opens the rules, so that an ``unless`` never fires
    on a fact of the batch that has not arrived yet. A stratum's conclusions join the facts together, merged so
    that the result does not depend on the order of the firings.
    """
    with _LOCK:
        _register(program)
        for fact in base:
            _readable(fact)
        facts = [dict(f) for f in base]
        texts = {f["id"]: _text(f) for f in facts}  # each fact written once
        by_id = {f["id"]: f for f in facts}
        if len(texts) != len(facts):
            raise InferenceEngineError("base facts with the same id: each fact must have its own id")
        known = {f["id"] for f in base}
        conclusions: list[dict[str, Any]] = []
        firings: list[Firing] = []
        for k in range(len(program.strata)):
            produced: list[dict[str, Any]] = []
            for chunk in (c for c in program.chunks if c.stratum == k):
                sent = [texts[f["id"]] for f in facts if chunk.admits(f)]
                session = _session(program, chunk.name, sent, by_id)
                produced.extend(session.produced)
                firings.extend(session.firings)
            new = merge_conclusions(produced, known)
            known.update(c["id"] for c in new)
            conclusions.extend(new)
            facts.extend(new)
            texts.update((c["id"], _text(c)) for c in new)
            by_id.update((c["id"], c) for c in new)
        return conclusions, firings


def _session(program: Program, ruleset: str, facts: list[str], by_id: dict[str, dict[str, Any]]) -> _Session:
    """One session of one chunk over ``facts`` (each fact's JSON text less its opening brace: the session id is
    written in front of it)."""
    host = _host()
    sid = str(next(_SID))
    session = _Session(program, by_id)
    failed = False
    try:
        if facts:
            head = '{"sid":' + json.dumps(sid) + ","
            session.texts.append("[" + ",".join(head + t for t in facts) + "]")
            _call(_assert, host, ruleset, session, session.texts[-1], True)
            _check(session)
        session.texts.append(json.dumps({"type": GATE, "id": GATE, "sid": sid}))
        _call(_assert, host, ruleset, session, session.texts[-1], False)
        _check(session)
        return session
    except InferenceEngineError:
        failed = True
        raise
    finally:
        if not failed:
            with contextlib.suppress(Exception):  # nothing was stored for this sid
                host.delete_state(ruleset, sid)
        # after an engine error durable_rules' state of the session may be corrupt, and delete_state then
        # crashes the process: that session's state is left behind (a leak, not a crash); its sid is never used
        # again, so nothing reads the texts it points into once they are released here
        session.texts = []
