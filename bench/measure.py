"""Timing one client run: a fresh subprocess, its wall time, CPU time and peak resident memory.

The CPU time is user + system time from ``wait4()``: on Linux the usage it returns covers the
process and every descendant it waited for (here GNU time, the client under it and whatever
the client ran), so it is the whole command's CPU, the wrapper's own millisecond included.

The peak RSS is GNU time's ``%M`` (``/usr/bin/time``, Debian package ``time``): the largest
resident set of the client and of the descendants it waited for (a fetchmail MDA, popgui's
password command). ``wait4()`` on the client itself would not do: on Linux a process that
exec()s keeps its parent's high-water mark, so every client would weigh at least as much as
this harness. Without GNU time the harness falls back to it and says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """One timed run."""

    seconds: float
    peak_rss_mb: float
    exit_code: int
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Spread:
    """The median of some runs' figures and the lowest and highest of them."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class Summary:
    """The runs of one client in one scenario, in the order they ran."""

    median: float
    low: float
    high: float
    peak_rss_mb: float
    runs: int
    cpu: Spread
    samples: tuple[Sample, ...] = ()

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> Summary:
        wall = Spread.of([sample.seconds for sample in samples])
        return cls(
            median=wall.median,
            low=wall.low,
            high=wall.high,
            peak_rss_mb=max(sample.peak_rss_mb for sample in samples),
            runs=len(samples),
            cpu=Spread.of([sample.cpu_seconds for sample in samples]),
            samples=tuple(samples),
        )


class RunFailed(RuntimeError):
    """A client exited with an error or did not deliver what it should have."""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_timed(
    command: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float = 1800
) -> Sample:
    """Run ``command`` with its output in ``cwd``/stdout and stderr files; time it."""
    rss_file = cwd / "peak-rss-kb"
    wrapper = [GNU_TIME, "--format=%M", f"--output={rss_file}"] if GNU_TIME else []
    with (cwd / "stdout").open("wb") as out, (cwd / "stderr").open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*wrapper, *command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=out, stderr=err, start_new_session=True,
        )  # fmt: skip
        watchdog = threading.Timer(timeout, _kill_group, args=(process,))
        watchdog.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    peak_mb = _peak_rss_kb(rss_file, usage.ru_maxrss) / 1024
    return Sample(elapsed, peak_mb, process.returncode, usage.ru_utime + usage.ru_stime)


def _peak_rss_kb(rss_file: Path, fallback: int) -> int:
    try:
        return int(rss_file.read_text().split()[-1])
    except (OSError, IndexError, ValueError):
        return fallback


def output_tail(cwd: Path, lines: int = 2) -> str:
    """The end of a run's stderr (then stdout), for an error message."""
    for name in ("stderr", "stdout"):
        path = cwd / name
        if path.exists() and path.stat().st_size:
            text = path.read_text("utf-8", "replace").strip().splitlines()
            return " / ".join(text[-lines:])[-400:]
    return "(no output)"
