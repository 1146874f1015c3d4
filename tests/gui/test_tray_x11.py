"""The tray icon where a desktop has a system tray: Xvfb with a tray host, Qt on xcb.

The checks live in x11_tray_checks.py and run in a child pytest, because this process's Qt
draws offscreen (no tray there; see test_scheduler_tray.py for that side). Xvfb is part of
what CI installs: with CI=true, a missing Xvfb fails rather than skips.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.xtray import X11Desktop, X11Unavailable, x11_desktop

ROOT = Path(__file__).resolve().parents[2]
CHECKS = Path(__file__).with_name("x11_tray_checks.py")


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[X11Desktop]:
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(x11_desktop(tmp_path / "x11", ROOT))
        except X11Unavailable as error:
            if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
                pytest.fail(f"CI=true: the tray tests need Xvfb: {error}")
            pytest.skip(str(error))
        yield running


def test_the_tray_icon_on_an_x11_desktop_with_a_system_tray(
    desktop: X11Desktop, tmp_path: Path
) -> None:
    # No D-Bus session: Qt uses the X11 tray (XEmbed), not a StatusNotifier service.
    env = {key: value for key, value in os.environ.items()
           if key not in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY")}  # fmt: skip
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=desktop.display,
               POPGUI_XTRAY_LOG=str(desktop.host_log))  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'child'}", str(CHECKS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert re.search(r"\b5 passed\b", report) and "skipped" not in report, report
    assert desktop.docked(), "the tray host docked no icon"
