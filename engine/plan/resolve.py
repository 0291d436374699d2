"""Conflicts and prerequisites between recommended options, resolved with a logged reason for each change."""

from __future__ import annotations

from typing import Any

from engine.kb.loader import KnowledgeBase
from engine.plan.records import Rec

__all__ = ["resolve"]


def resolve(kb: KnowledgeBase, recs: dict[str, Rec], constraints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply conflicts (keep the higher priority) and prerequisites (add what is required); record every reason."""
    log: list[dict[str, Any]] = []
    excludes = {(c["option"], c["other"]) for c in constraints if c["relation"] == "excludes"}
    requires = {(c["option"], c["other"]) for c in constraints if c["relation"] == "requires"}
    for oid, opt in kb.options.items():
        excludes |= {(oid, other) for other in opt.conflicts}
        requires |= {(oid, other) for other in opt.prerequisites}

    def rank(oid: str) -> tuple[int, int, str]:
        r = recs[oid]
        return (-int(r.priority.get("score", 0)), 0 if r.origin == "rule" else 1, oid)

    for oid in sorted(recs, key=rank):
        if oid not in recs:
            continue
        for a, b in sorted(excludes):
            if a == oid and b in recs:
                loser = b
                log.append(
                    {
                        "option": loser,
                        "action": "excluded",
                        "reason": f"conflicts with {oid}, which has the higher priority "
                        f"({recs[oid].priority.get('score')} vs {recs[loser].priority.get('score')})",
                    }
                )
                del recs[loser]
    changed = True
    while changed:
        changed = False
        for a, b in sorted(requires):
            if a in recs and b not in recs and b in kb.options:
                blocked = any((b, x) in excludes or (x, b) in excludes for x in recs)
                if blocked:
                    log.append(
                        {
                            "option": a,
                            "action": "excluded",
                            "reason": f"requires {b}, which conflicts with an option kept",
                        }
                    )
                    del recs[a]
                else:
                    base = recs[a]
                    recs[b] = Rec(
                        kb.options[b],
                        list(base.steps),
                        list(base.because),
                        list(base.findings),
                        origin="prerequisite",
                        reason=f"required by {a}",
                    )
                    log.append({"option": b, "action": "added", "reason": f"prerequisite of {a}"})
                changed = True
                break
    return log
