"""The command line and the window: no Qt on the scripting paths, no abort without a display."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from popgui.cli.window import display_available

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


#: ``popgui`` without a command, with a spy on the display check that prints the modules
#: loaded when it is asked. ``-S``: no site-packages start-up hooks, so the list is popgui's.
DISPLAY_SPY = """
import json, sys
sys.path.insert(0, {root!r})
from popgui.cli import window
seen = []
decide = window.display_available
def spy():
    seen.append(sorted(sys.modules))
    return decide()
window.display_available = spy
from popgui.cli import main
code = main([])
print(json.dumps({{"code": code, "modules": seen}}))
"""

#: Modules the display check must not pull in, and why they would be there.
NOT_FOR_THE_DISPLAY_CHECK = (
    "popgui.cli.demo_cmd",  # the demo command lives apart from the window
    "popgui.localserver",  # the demo's servers
    "ssl",  # the local servers' TLS
    "email",  # the sample mail
    "logging",  # the local servers' error log
    "PySide6",  # Qt comes after the check: it aborts without a display
    "popgui.gui",
)


def test_the_display_check_imports_nothing_of_the_demo(tmp_path: Path) -> None:
    done = run(["-S", "-c", DISPLAY_SPY.format(root=str(ROOT))], headless_env(tmp_path))
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 2, done.stderr
    assert len(report["modules"]) == 1
    loaded = report["modules"][0]
    assert "popgui.cli.window" in loaded  # the spy did run
    heavy = [
        name
        for name in loaded
        for unwanted in NOT_FOR_THE_DISPLAY_CHECK
        if name == unwanted or name.startswith(unwanted + ".")
    ]
    assert heavy == []


#: ``popgui`` (the window) run as its console script does, with an atexit handler, and the
#: window closed as soon as it is up.
WINDOW_RUN = """
import atexit, sys
atexit.register(lambda: print("atexit handler ran", flush=True))
from PySide6.QtCore import QTimer
from popgui.gui import app
create = app.create_window
def create_and_close(*args, **kwargs):
    window = create(*args, **kwargs)
    QTimer.singleShot(200, window.close)
    return window
app.create_window = create_and_close
sys.argv = ["popgui", "--profile", {profile!r}]
from popgui.cli import run
run()
"""


def test_the_window_ends_with_an_ordinary_exit(tmp_path: Path) -> None:
    env = headless_env(tmp_path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = WINDOW_RUN.format(profile=str(tmp_path / "profile"))
    done = run(["-c", code], env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "atexit handler ran"
    assert "Traceback" not in done.stderr and "QObject" not in done.stderr, done.stderr
