"""Replay a stored plan: recompute it from its stored self-inspection with the knowledge base it was made with, and
say what differs.

If that knowledge base is no longer in memory (its hash differs from every one loaded), the replay cannot be exact:
it says which version it needs, recomputes with the one in use for comparison, and lists every difference (the
knowledge-base hash and version among them) rather than calling the plans the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from api import plan_blob, planning
from api.kbstate import KbHolder, LoadedKb
from api.orm import Plan, SelfInspectionRecord
from api.schemas.common import FieldIssue
from api.schemas.plans import Difference, KbRef, ReplayOut
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection

__all__ = ["ABSENT", "differences", "replay"]


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Any = _Absent()  # a member or item one of the two documents does not have


def _shown(value: Any) -> Any:
    if value is ABSENT:
        return "<absent>"
    if isinstance(value, dict):
        return f"<object with {len(value)} members>"
    if isinstance(value, list):
        return f"<array of {len(value)}>"
    return value


def differences(stored: Any, replayed: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every JSON path where the two documents differ (containers compared member by member)."""
    if isinstance(stored, dict) and isinstance(replayed, dict):
        for key in list(stored) + [k for k in replayed if k not in stored]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in replayed:
                yield sub, stored[key], ABSENT
            elif key not in stored:
                yield sub, ABSENT, replayed[key]
            else:
                yield from differences(stored[key], replayed[key], sub)
    elif isinstance(stored, list) and isinstance(replayed, list):
        for i in range(max(len(stored), len(replayed))):
            sub = f"{path}[{i}]"
            if i >= len(replayed):
                yield sub, stored[i], ABSENT
            elif i >= len(stored):
                yield sub, ABSENT, replayed[i]
            else:
                yield from differences(stored[i], replayed[i], sub)
    elif stored != replayed or type(stored) is not type(replayed):
        yield path or "(root)", stored, replayed


def replay(holder: KbHolder, current: LoadedKb, plan: Plan, si: SelfInspectionRecord, max_listed: int) -> ReplayOut:
    own = holder.by_hash(plan.kb_hash)
    loaded = own or current
    exact = own is not None
    stored_kb = KbRef(version=plan.kb_version, hash=plan.kb_hash)
    used_kb = KbRef(version=loaded.version, hash=loaded.hash)
    need = (
        ""
        if exact
        else f"an exact replay needs knowledge base {plan.kb_version} ({plan.kb_hash}), which is not loaded; "
        f"recomputed with the one in use, {loaded.version} ({loaded.hash}), for comparison: "
    )
    try:
        validated = parse_self_inspection(loaded.kb, json.loads(si.data_json))
    except SelfInspectionInvalid as exc:
        return ReplayOut(
            plan_id=plan.id,
            stored_kb=stored_kb,
            used_kb=used_kb,
            exact=exact,
            identical=False,
            differences_total=0,
            differences=[],
            input_errors=[FieldIssue(**e.as_dict()) for e in exc.errors],
            detail=need + f"the stored self-inspection no longer validates ({len(exc.errors)} error(s)); no plan made",
        )
    built = planning.make_plan(loaded, validated, benchmark_set=plan.benchmark_set, year=plan.requested_year)
    if built.text == plan_blob.full_text(plan):
        return ReplayOut(
            plan_id=plan.id,
            stored_kb=stored_kb,
            used_kb=used_kb,
            exact=exact,
            identical=True,
            differences_total=0,
            differences=[],
            detail=need + "the recomputed plan is identical to the stored one, byte for byte",
        )
    found = list(differences(plan_blob.full_of(plan), json.loads(built.text)))
    listed = [Difference(path=p, stored=_shown(a), replayed=_shown(b)) for p, a, b in found[:max_listed]]
    why = (
        "the knowledge bases differ"
        if not exact
        else "same knowledge base, so the engine's code or its dependencies changed since the plan was made"
    )
    return ReplayOut(
        plan_id=plan.id,
        stored_kb=stored_kb,
        used_kb=used_kb,
        exact=exact,
        identical=False,
        differences_total=len(found),
        differences=listed,
        detail=need + f"{len(found)} difference(s) from the stored plan ({why})",
    )
