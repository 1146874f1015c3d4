"""Start the desktop application: the QApplication, its identity, and the main window."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from popgui import __version__
from popgui.gui.icons import icon
from popgui.profile import Profile

if TYPE_CHECKING:
    from popgui.cli.demo_cmd import DemoServers
    from popgui.gui.mainwindow import MainWindow

APP_NAME = "popgui"


def application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created once with popgui's name, version and icon."""
    existing = QCoreApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)  # Wayland matches the window to popgui.desktop by this
    app.setWindowIcon(icon("app"))
    return app


def demo_notice(demo: DemoServers) -> str:
    return (
        "Demo: popgui is talking to its own local servers (POP3 on "
        f"{demo.pop3.host}:{demo.pop3.port}, POP2 on {demo.pop2.host}:{demo.pop2.port}) with "
        "sample mail; nothing leaves this computer. Press F5 (Get Mail) to download it. "
        "The servers stop when you close the window."
    )


def create_window(profile: Profile, *, demo: DemoServers | None = None) -> MainWindow:
    from popgui.gui.mainwindow import MainWindow

    if demo is None:
        return MainWindow(profile)
    return MainWindow(profile, notice=demo_notice(demo))


def run_window(profile: Profile, *, demo: DemoServers | None = None) -> int:
    """Open the main window on ``profile`` and run until it is closed; the exit status.

    With ``demo``, the window explains the demo and invites F5 to get the sample mail; the
    caller keeps the demo servers running until this returns.
    """
    app = application()
    window = create_window(profile, demo=demo)
    window.show()
    # Closing the window quits even if a dialog it opened is still around.
    window.closed.connect(lambda: QTimer.singleShot(0, app.quit))
    _close_on_interrupt(window)
    return app.exec()


def _close_on_interrupt(window: MainWindow) -> None:
    """Ctrl+C in the terminal closes the window properly (downloads stopped, layout saved).

    Python runs signal handlers only between bytecodes, never while Qt's event loop waits,
    so a timer wakes the interpreter a few times a second to let the handler run.
    """
    signal.signal(signal.SIGINT, lambda _number, _frame: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
