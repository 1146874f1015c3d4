"""``popgui`` without a command: the window, where there is a display to open it on.

Whether a display is there is decided from the environment alone, before Qt (or anything
else heavy) is imported: Qt aborts the process when it cannot reach one.
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace

from popgui.errors import PopguiError, UsageError

__all__ = ["display_available", "open_window"]

#: Qt platforms that need no display server.
_HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc", "eglfs", "linuxfb"})


def display_available() -> bool:
    """Whether a window can open, decided from the environment only (no Qt import).

    On Linux and the BSDs that means X11 (DISPLAY) or Wayland (WAYLAND_DISPLAY), unless
    QT_QPA_PLATFORM names a platform that needs none; Windows and macOS always have one.
    """
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform in _HEADLESS_PLATFORMS:
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window(args: Namespace) -> int:
    """The window on the user's profile until it is closed; its exit status."""
    if not display_available():
        raise UsageError(
            "no display available to open the window; the command line works without one "
            "(see `popgui --help`)"
        )
    from popgui.cli.common import open_profile

    profile = open_profile(args)
    try:
        from popgui.gui.app import run_window  # Qt is imported only here
    except ImportError as error:
        raise PopguiError(f"the window cannot start: {error} (is PySide6 installed?)") from None
    return run_window(profile)
