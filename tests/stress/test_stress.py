"""The fast subset of the stress scripts (crash.py, fuzz.py, sockets.py, benchmarks/hostile_bench.py):
the same code, a few trials and cases each, within the suite's time budget."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crash  # noqa: E402
import fuzz  # noqa: E402
import sockets  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("scenario", crash.SCENARIOS)
def test_sigkill_at_random_moments_loses_nothing_acknowledged(scenario: str) -> None:
    outcome = crash.run((scenario,), trials=2, seed=17, max_seconds=120)[scenario]
    assert outcome.trials == 2 and outcome.failures == []


@pytest.mark.slow
def test_every_reader_and_importer_survives_mutated_files() -> None:
    results = fuzz.run(cases=4, max_seconds=60)
    assert len(results) == 18
    assert {name: t.failures for name, t in results.items() if t.failures} == {}
    assert all(t.cases == 4 for t in results.values())


def test_a_whole_session_uses_no_network() -> None:
    result = sockets.run()
    assert result["network_events"] == 0 and not any(result["exit_codes"])  # type: ignore[arg-type]
