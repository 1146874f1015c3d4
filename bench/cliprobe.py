"""Command-line figures: how fast ``popgui --version`` and ``popgui account list`` answer, and
whether either imports Qt (they must not: scripts and cron never need a window).

Every popgui build measured (the checkout's, the ``--baseline-tree`` one) answers the same
commands, run after run in a rotating order. The Qt check runs ``popgui.cli.main`` in the
build's own python when it is installed (``-P``, no ``PYTHONPATH``: nothing from the checkout
shadows it), else in this interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.clients import POPGUI, installed_popgui, popgui_command
from bench.measure import Sample, Summary, run_timed
from bench.scenarios import rotated

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
    client: str = POPGUI


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POPGUI_PROFILE", None)
    return env


def qt_modules(name: str, args: list[str]) -> tuple[str, ...]:
    script = installed_popgui(name)
    if script is None:
        python, env = [sys.executable], _env()
    else:
        python, env = [str(script.parent / "python"), "-P"], _env()
        env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [*python, "-c", _QT_CHECK, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    try:
        return tuple(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        return ("(check failed: " + done.stderr.strip()[-200:] + ")",)


def time_command(
    names: Sequence[str], args: dict[str, list[str]], runs: int, work: Path
) -> dict[str, Summary]:
    """Each build's timing of its command ``args[name]``, the builds alternating."""
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for run in range(runs):
        for name in rotated(list(names), run):
            command = [*popgui_command(name), *args[name]]
            samples[name].append(run_timed(command, cwd=work, env=_env()))
    return {name: Summary.of(timed) for name, timed in samples.items()}


def make_profile(name: str, work: Path) -> Path:
    """A profile with one account, so ``account list`` reads a real settings file."""
    profile = work / f"profile-{name}"
    subprocess.run(
        [
            *popgui_command(name),
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


def cli_figures(names: Sequence[str] = (POPGUI,), runs: int = 10) -> list[CliFigure]:
    with tempfile.TemporaryDirectory(prefix="popgui-bench-cli-") as directory:
        work = Path(directory)
        profiles = {name: make_profile(name, work) for name in names}
        commands = {
            "popgui --version": {name: ["--version"] for name in names},
            "popgui account list": {
                name: ["--profile", str(profiles[name]), "account", "list"] for name in names
            },
        }
        return [
            CliFigure(label, summary, qt_modules(name, args[name]), name)
            for label, args in commands.items()
            for name, summary in time_command(names, args, runs, work).items()
        ]
