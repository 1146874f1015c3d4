"""The command line and the window: no Qt on the scripting paths, no abort without a display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from popgui.cli.demo_cmd import display_available

ROOT = Path(__file__).resolve().parents[2]


def run(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    env["POPGUI_PROFILE"] = str(tmp_path / "profile")
    return env


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"DISPLAY": ":0"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, True),
        ({"QT_QPA_PLATFORM": "minimal"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, False),
    ],
)
def test_display_available(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: bool
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", "linux")
    assert display_available() is expected


def test_scripting_paths_never_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from popgui.cli import main\n"
        "for argv in (['account', 'list'], ['sync'], ['--version']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'popgui.gui'))))\n"
    )
    done = run(["-c", code], headless_env(tmp_path))
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_no_command_without_a_display_says_so(tmp_path: Path) -> None:
    done = run(["-m", "popgui"], headless_env(tmp_path))
    assert done.returncode == 2
    assert "no display" in done.stderr and "Aborted" not in done.stderr


def test_demo_without_a_display_runs_in_the_terminal(tmp_path: Path) -> None:
    done = run(["-m", "popgui", "demo"], headless_env(tmp_path))
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stdout.splitlines() if "no display" in line]
    assert len(notes) == 1
    assert "demo-pop3:" in done.stdout and "could not connect to display" not in done.stderr
