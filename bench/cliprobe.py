"""Command-line figures: how fast ``popgui --version`` and ``popgui account list`` answer, and
whether either imports Qt (they must not: scripts and cron never need a window).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.clients import popgui_command
from bench.measure import Summary, run_timed

# Runs the real entry point in-process, then reports which Qt modules got imported.
_QT_CHECK = """\
import json, sys
from popgui.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt6'))
print(json.dumps(qt))
"""


@dataclass(frozen=True)
class CliFigure:
    """One command: its timing over several fresh processes and the Qt modules it loaded."""

    label: str
    summary: Summary
    qt_modules: tuple[str, ...]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POPGUI_PROFILE", None)
    return env


def qt_modules(args: list[str]) -> tuple[str, ...]:
    done = subprocess.run(
        [sys.executable, "-c", _QT_CHECK, *args],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
        timeout=120,
    )
    try:
        return tuple(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        return ("(check failed: " + done.stderr.strip()[-200:] + ")",)


def time_command(args: list[str], runs: int, work: Path) -> Summary:
    samples = [run_timed([*popgui_command(), *args], cwd=work, env=_env()) for _ in range(runs)]
    return Summary.of(samples)


def make_profile(work: Path) -> Path:
    """A profile with one account, so ``account list`` reads a real settings file."""
    profile = work / "profile"
    subprocess.run(
        [
            *popgui_command(),
            "--profile",
            str(profile),
            "account",
            "add",
            "bench",
            "--host",
            "127.0.0.1",
            "--port",
            "110",
            "--security",
            "none",
            "--user",
            "u",
            "--password-command",
            "printf x",
        ],
        capture_output=True,
        check=True,
        env=_env(),
    )
    return profile


def cli_figures(runs: int = 10) -> list[CliFigure]:
    with tempfile.TemporaryDirectory(prefix="popgui-bench-cli-") as directory:
        work = Path(directory)
        profile = make_profile(work)
        commands = {
            "popgui --version": ["--version"],
            "popgui account list": ["--profile", str(profile), "account", "list"],
        }
        return [
            CliFigure(label, time_command(args, runs, work), qt_modules(args))
            for label, args in commands.items()
        ]
