"""How a plan is stored: its body and its derivation trace apart, each compressed (zlib).

The engine's plan is one JSON document (``planning.canonical_json``, key order as produced). The service stores
it in two parts: the body, which every plan route reads, with ``"trace": null`` kept at the trace's place so that
the document reassembles byte for byte; and the trace, which only the trace, report, replay, acceptance and
cohort routes read. ``plan_sha256`` is the hash of the whole document as produced, and :func:`full_text`
reassembles exactly that text (checked in tests/api/test_plan_storage.py). Rows written before revision 0006 hold
the whole document uncompressed in ``plan_json`` (empty for rows stored in parts); they are read the same way.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from api.orm import Plan
from api.planning import canonical_json, canonical_parts, joined

__all__ = ["body_of", "full_of", "full_text", "pack", "pack_parts", "stored_bytes", "trace_of"]

_LEVEL = 6  # zlib's default: a 560 KB plan in about 5 ms, to about a sixth


def pack(plan: dict[str, Any]) -> tuple[bytes, bytes]:
    """(compressed body, compressed trace) of an engine plan."""
    return pack_parts(canonical_parts(plan))


def pack_parts(parts: dict[str, str]) -> tuple[bytes, bytes]:
    """The same from the plan's top-level members already written (``planning.BuiltPlan.parts``)."""
    body = {k: ("null" if k == "trace" else v) for k, v in parts.items()}
    return (
        zlib.compress(joined(body).encode(), _LEVEL),
        zlib.compress(parts.get("trace", "{}").encode(), _LEVEL),
    )


def stored_bytes(record: Plan) -> int:
    """What the plan occupies in its row (both parts, as stored)."""
    if record.plan_z is not None:
        return len(record.plan_z) + len(record.trace_z or b"")
    return len(record.plan_json.encode())


def _body_with_slot(record: Plan) -> dict[str, Any]:
    if record.plan_z is not None:
        body: dict[str, Any] = json.loads(zlib.decompress(record.plan_z))
        return body
    return dict(json.loads(record.plan_json))


def body_of(record: Plan) -> dict[str, Any]:
    """The plan without its trace (what the plan routes answer unless the trace is asked for)."""
    return {k: v for k, v in _body_with_slot(record).items() if k != "trace"}


def trace_of(record: Plan) -> dict[str, Any]:
    if record.plan_z is not None:
        trace: dict[str, Any] = json.loads(zlib.decompress(record.trace_z)) if record.trace_z else {}
        return trace
    return dict(json.loads(record.plan_json).get("trace", {}))


def full_of(record: Plan) -> dict[str, Any]:
    """The whole plan as the engine produced it, trace included, key order kept."""
    plan = _body_with_slot(record)
    if record.plan_z is not None and "trace" in plan:
        plan["trace"] = trace_of(record)
    return plan


def full_text(record: Plan) -> str:
    """The whole plan's canonical text, identical to what was hashed into ``plan_sha256``."""
    if record.plan_z is None:
        return record.plan_json
    return canonical_json(full_of(record))
