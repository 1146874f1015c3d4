"""Running the real ``popgui`` command in a subprocess, as scripts and cron will."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

POPGUI = [sys.executable, "-m", "popgui"]


def run_popgui(
    profile: Path,
    *args: str,
    stdin: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {})}
    env.pop("POPGUI_PROFILE", None)
    return subprocess.run(
        [*POPGUI, "--profile", str(profile), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def password_command(password: str) -> str:
    """A --password-command that prints ``password`` (no keyring needed)."""
    return shlex.join([sys.executable, "-c", f"print({password!r})"])


def sync_json(profile: Path, *names: str) -> tuple[int, list[dict[str, Any]], str]:
    done = run_popgui(profile, "sync", "--json", *names)
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr
