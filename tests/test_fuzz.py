"""The fuzz and load scripts at CI size, so that a regression of the hardening fails CI.

``scripts/fuzz.py`` and ``scripts/load.py`` at full size reproduce the issue's table (README,
"Hardening"); here they run small: 500 data mutations, 500 queries, 500 HTTP abuses, 10 clients
for 10 s. Findings must be zero; no timing is asserted (timings are for the scripts' reports).
"""

from __future__ import annotations

from typing import Any

import pytest
from test_publish import load_script

fuzz: Any = load_script("fuzz")
load: Any = load_script("load")


@pytest.mark.parametrize("section", ["data", "queries", "http"])
def test_fuzz_finds_nothing(section: str) -> None:
    found: list[str] = []
    summary = fuzz.run(section, 500, seed=2026, log=found.append)
    assert summary["findings"] == 0, found[:20]
    if section == "data":      # the must-refuse half was refused (a case may be harmless noise)
        assert summary["refused"] >= 250


def test_load_and_runaway_queries_leave_the_endpoint_answering() -> None:
    summary = load.run(clients=10, seconds=10, runaways=4, timeout=2.0)
    assert summary["load"]["errors"] == 0, summary["load"]["error_kinds"]
    assert summary["load"]["requests"] > 0
    runaway = summary["runaway"]
    assert runaway["runaway_statuses"] == [503] * 4     # stopped at the timeout
    assert runaway["errors"] == 0                       # the quick queries were answered
    assert summary["server_tracebacks"] == 0
