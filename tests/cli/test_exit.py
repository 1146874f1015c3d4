"""How the ``popgui`` program ends: ``popgui.cli.run`` exits at once after main() (no
interpreter finalisation), with main()'s exit code and every line of output flushed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .helpers import POPGUI


def test_output_and_exit_code_survive_the_quick_exit() -> None:
    done = subprocess.run([*POPGUI, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("popgui ")


def test_a_usage_error_keeps_its_exit_code(tmp_path: Path) -> None:
    done = subprocess.run(
        [*POPGUI, "--profile", str(tmp_path), "sync", "nosuchaccount"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "nosuchaccount" in done.stderr
