"""The computation slots of a worker (api/slots.py): at most ``plan_slots`` requests compute at once, and the
database writes of a submission or a plan are made after its slot is given back."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import planning, records
from api.idempotency import Idempotency
from api.slots import CpuSlots
from tests.api.conftest import World, as_enterprise, example, make_key, unique


def test_no_more_than_the_slots_compute_at_once() -> None:
    slots = CpuSlots(2)
    inside = peak = 0
    lock = threading.Lock()

    def work(_: int) -> None:
        nonlocal inside, peak
        with slots.held():
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.01)
            with lock:
                inside -= 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(32)))
    assert peak == 2 and inside == 0
    with pytest.raises(ValueError):
        CpuSlots(0)


def test_a_slot_is_given_back_when_the_computation_fails() -> None:
    slots = CpuSlots(1)
    with pytest.raises(RuntimeError), slots.held():
        raise RuntimeError("invalid input")
    with slots.held():  # free again
        pass


def _held(slots: CpuSlots) -> bool:
    """Whether every slot is taken (tried without waiting)."""
    if slots._free.acquire(blocking=False):
        slots._free.release()
        return False
    return True


def test_a_plan_is_computed_in_a_slot_and_written_after_it(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots: CpuSlots = client.app.state.slots  # type: ignore[attr-defined]
    assert slots.size == 1  # the default: one computation per worker process
    seen: dict[str, bool] = {}
    make_plan, new_plan, commit = planning.make_plan, records.new_plan, Idempotency.commit

    def spy(name: str, original: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen[name] = _held(slots)
            return original(*args, **kwargs)

        return call

    monkeypatch.setattr(planning, "make_plan", spy("make_plan", make_plan))
    monkeypatch.setattr(records, "new_plan", spy("new_plan", new_plan))
    monkeypatch.setattr(Idempotency, "commit", spy("commit", commit))
    enterprise = unique("ent-slot")
    caller = make_key(client, "enterprise", enterprise_id=enterprise)
    data = as_enterprise(example("demo_single_sided_small"), enterprise)
    answer = client.post(
        "/v1/plans", json={"self_inspection": data}, headers={**caller.headers, "Idempotency-Key": unique("k")}
    )
    assert answer.status_code == 201, answer.text
    # planned and its stored text written inside the slot; committed after it was given back
    assert seen == {"make_plan": True, "new_plan": True, "commit": False}
    assert not _held(slots)


def test_a_submission_is_written_after_its_slot(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots: CpuSlots = client.app.state.slots  # type: ignore[attr-defined]
    seen: dict[str, bool] = {}
    assess, commit = planning.assess, Idempotency.commit

    def spy_assess(*args: Any, **kwargs: Any) -> Any:
        seen["assess"] = _held(slots)
        return assess(*args, **kwargs)

    def spy_commit(self: Idempotency, session: Any) -> Any:
        seen["commit"] = _held(slots)
        return commit(self, session)

    monkeypatch.setattr(planning, "assess", spy_assess)
    monkeypatch.setattr(Idempotency, "commit", spy_commit)
    enterprise = unique("ent-slot")
    caller = make_key(client, "enterprise", enterprise_id=enterprise)
    answer = client.post(
        "/v1/self-inspections",
        json=as_enterprise(example("demo_single_sided_small"), enterprise),
        headers=caller.headers,
    )
    assert answer.status_code == 201, answer.text
    assert seen == {"assess": True, "commit": False}
