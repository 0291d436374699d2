"""durable_rules 2.0.28 on its own: a join on ``id`` evaluated after the asserted text was freed and its memory
overwritten (``free``), or with the text held (``keep``). Run in a process of its own by
tests/inference/test_rete_text_lifetime.py, since reading freed memory may also crash the process. Prints the
number of sessions (of 200) whose join did not fire once.

Usage: python -m tests.inference.text_lifetime_probe keep|free
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import durable_rules_engine
from durable.engine import Host


def overwrite(size: int) -> list[str]:
    """Allocate many strings of about ``size`` bytes, so that a block just freed is reused and overwritten."""
    return ["Z" * (size + k % 4) for k in range(64)]


class _QuietHost(Host):  # type: ignore[misc]
    def _run(self) -> None:  # no timer threads (durable_rules.md, pitfall 2)
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return lambda c: None


def id_join_misses(keep_text: bool, sessions: int = 200) -> int:
    host = _QuietHost()
    name = f"text_lifetime_{int(keep_text)}"
    host.set_rulesets(
        {
            name: {
                "join": {
                    "all": [
                        {"g": {"type": "gate"}},
                        {"f": {"type": "finding"}},
                        {"x": {"$and": [{"type": "effluent"}, {"id": {"f": "subject"}}]}},
                    ],
                    "run": "join",
                },
                "sink_f": {"all": [{"m": {"type": "finding"}}], "run": "join"},
                "sink_x": {"all": [{"m": {"type": "effluent"}}], "run": "join"},
                "sink_g": {"all": [{"m": {"type": "gate"}}], "run": "join"},
            }
        }
    )
    handle = host.get_ruleset(name)._handle

    def fired(state_offset: int) -> int:
        n = 0
        started = durable_rules_engine.start_action_for_state(handle, state_offset)
        result = started[1] if started else None
        while result:
            n += result.startswith('{"join"')
            result = durable_rules_engine.complete_and_start_action(handle, state_offset)
        return n

    misses = 0
    for k in range(sessions):
        sid = str(k + 1)
        xid = f"effluent:{k:06d}:cu"
        facts = [
            {"sid": sid, "id": "f1", "type": "finding", "subject": xid},
            {"sid": sid, "id": xid, "type": "effluent"},
        ]
        held = ["".join([json.dumps(facts)])]  # a text of its own, as rete builds one per session
        _, offset = durable_rules_engine.assert_facts(handle, held[0])
        size = len(held[0])
        if not keep_text:
            held.clear()  # the text is freed here, as a temporary argument is when the call returns
        junk = overwrite(size)
        n = fired(offset)
        _, offset = durable_rules_engine.assert_fact(handle, json.dumps({"sid": sid, "id": "gate", "type": "gate"}))
        n += fired(offset)
        misses += n != 1
        host.delete_state(name, sid)
        del junk, held
    return misses


if __name__ == "__main__":
    print(id_join_misses(keep_text=sys.argv[1] == "keep"))
