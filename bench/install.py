"""popgui installed the way a user gets it, for the timed runs.

``pip install .`` into a fresh virtual environment: a regular (not editable) install whose
modules pip compiles to bytecode at install time, and none of the ``.pth`` start-up hooks the
development interpreter may carry (an editable-install finder, site customisations). Timing
the development checkout instead would bill popgui for compiling every module at each start
when ``PYTHONDONTWRITEBYTECODE`` is set, and for whatever those hooks import.

Only what the command-line sync needs is installed (``--no-deps``, plus platformdirs): Qt
and keyring are never imported on that path (the bench checks it for Qt). When the
environment cannot be built (no package index, say), the checkout's ``popgui`` is timed and
the report says so.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import REPO

__all__ = ["install_popgui"]


def install_popgui(workroot: Path) -> tuple[Path | None, str]:
    """The installed ``popgui`` script, or None; and a sentence for the report."""
    venv = workroot / "popgui-venv"
    python = venv / "bin" / "python"
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(REPO), "platformdirs"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return None, f"popgui timed from the checkout: installing it failed ({reason})"
    return venv / "bin" / "popgui", "popgui timed as installed by `pip install .` in a fresh venv"
