"""The bench's CPU figures: a client's CPU time includes the children it runs."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import Sample, Summary, run_timed

# Busy for about 0.3 s of CPU in a grandchild of the harness (the shell's child).
BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"


def test_run_timed_counts_the_cpu_of_the_clients_children(tmp_path: Path) -> None:
    command = ["sh", "-c", f'"{sys.executable}" -c "$0"; true', BURN]
    sample = run_timed(command, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert sample.exit_code == 0
    assert 0.25 <= sample.cpu_seconds <= sample.seconds + 0.05


def test_summary_gives_the_median_and_spread_of_wall_and_cpu_time() -> None:
    samples = [Sample(s, 10.0, 0, c) for s, c in ((1.0, 0.5), (3.0, 0.9), (2.0, 0.7))]
    summary = Summary.of(samples)
    assert (summary.median, summary.low, summary.high) == (2.0, 1.0, 3.0)
    assert (summary.cpu.median, summary.cpu.low, summary.cpu.high) == (0.7, 0.5, 0.9)
    assert summary.samples == tuple(samples)
