"""The service benchmark runs end to end with tiny parameters on SQLite: the real service starts, answers plans
without an error, and is gone afterwards with its workers. What it measured is reported, never asserted on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import service


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return service.run(seconds=1.0, clients=2, workers=2, db="sqlite")


def test_the_plan_phase_makes_plans_without_errors(result: dict[str, Any]) -> None:
    plans = result["plans"]
    assert plans["ok"] > 0
    assert plans["errors"] == 0 and plans["replayed"] == 0
    assert all(status == "201" for status in plans["statuses"])
    assert plans["requests"] == plans["ok"] == sum(plans["statuses"].values())
    assert plans["response_kb_mean"] > 0
    assert result["startup"]["warm_up"]["statuses"].keys() <= {"201", "503"}


def test_the_result_reports_each_phase_beside_the_goal_and_the_ceiling(result: dict[str, Any]) -> None:
    assert result["setup"]["workers"] == 2 and result["setup"]["clients"] == 2
    assert result["setup"]["db"] == "sqlite"
    assert result["setup"]["examples"] == [p.name for p in service.EXAMPLES] and result["setup"]["examples"]
    for key in ("load_before", "load_after"):
        assert len(result[key]) == 3
    for name in ("healthz", "plans"):
        part = result[name]
        assert part["requests"] > 0 and part["elapsed_s"] > 0
        assert set(part["latency_ms"]) == {"p50", "p99", "max"}
        assert part["latency_ms"]["p50"] <= part["latency_ms"]["p99"] <= part["latency_ms"]["max"]
        assert {"server", "server_per_process", "client", "server_ms_per_request"} <= part["cpu_s"].keys()
    assert result["healthz"]["errors"] == 0
    goal = result["goal"]
    assert goal["plans_per_s"]["goal"] == 100 and goal["p99_ms"]["goal"] == 300
    assert goal["plans_per_s"]["measured"] == result["plans"]["ok_per_s"]
    assert goal["plans_per_s"]["ceiling"] == result["healthz"]["ok_per_s"]
    assert goal["conditions_as_goal"] is False  # 2 clients, not 16
    assert "| plans |" in service.markdown(result)
    json.dumps(result)


def test_the_server_and_its_workers_are_gone_afterwards(result: dict[str, Any]) -> None:
    server = result["server"]
    assert list(server["processes"].values()).count("worker") == 2
    assert server["pid"] in server["seen"] and len(server["seen"]) >= 3
    assert server["alive_after_stop"] == []
    assert not any(service.alive(pid) for pid in server["seen"])


def test_main_prints_the_result_and_returns_0(
    result: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: dict[str, Any] = {}

    def fake_run(*args: Any, **kwargs: Any) -> dict[str, Any]:
        asked.update(args=args, kwargs=kwargs)
        return result

    monkeypatch.setattr(service, "run", fake_run)
    assert service.main(["--seconds", "3", "--clients", "4", "--db", "sqlite", "--markdown"]) == 0
    assert asked["args"] == (3.0, 4, 2, "sqlite")
    out = capsys.readouterr().out
    assert json.loads(out[: out.rindex("\n}\n") + 2])["plans"]["ok"] == result["plans"]["ok"]
    assert "| healthz |" in out
