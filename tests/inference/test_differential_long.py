"""The long differential run (marker ``fuzz``, not in CI): 4,000 generated self-inspections in one process,
durable_rules against the plain evaluator, four seeds. Run: ``pytest -m fuzz tests/inference/test_differential_long.py``

Known open defect (benchmarks/RESULTS.md, session 5): after a few hundred to a few thousand inputs in one
process, durable_rules 2.0.28 now and then misses a firing of a rule that joins on ``id``
(``cmp_exceedance_not_stably_compliant``, ``cmp_compliance_answer_contradicted``), and the same input agrees
when run again in the same process (hypothesis reports it as flaky). It happens with this session's action loop
and with session 4's (durable's own loop, every fact sent to every ruleset) alike. The bounded differential test
(1,000 inputs, tests/inference/test_differential.py) has not shown it. Until it is understood this test is marked
xfail (not strict): a pass shows as XPASS.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.inference.strategies import self_inspections
from tests.inference.test_differential import GRAPH, KB, _compare

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.xfail(strict=False, reason="durable_rules now and then misses a join firing after many sessions"),
]


@pytest.mark.parametrize("round_seed", [1000, 1001, 1002, 1003])
def test_long_run_agrees(round_seed: int) -> None:
    @seed(round_seed)
    @settings(
        max_examples=1000,
        deadline=None,
        phases=[Phase.generate],
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=self_inspections(KB))
    def run(data: dict[str, Any]) -> None:
        _compare(KB, GRAPH, data)

    run()
