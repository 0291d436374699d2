"""The memory benchmark runs end to end with tiny parameters and reports what it measured (never a time)."""

from __future__ import annotations

from benchmarks import memory


def test_memory_benchmark_reports_growth_beside_its_baseline() -> None:
    result = memory.run(12)
    for key in ("build_plan", "baseline_evaluate_only"):
        part = result[key]
        assert part["plans"] == 12
        assert [c["plans"] for c in part["checkpoints"]] == list(range(1, 13))
        assert all(c["rss_mb"] > 0 for c in part["checkpoints"])
        assert part["per_100k_is"].startswith("extrapolated")
    assert result["goal_mb_per_100k"] == 20.0
    assert result["met"] == (result["build_plan"]["growth_mb_per_100k"] <= 20.0)
