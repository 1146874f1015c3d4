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
    from popgui.gui.mainwindow import MainWindow
    from popgui.gui.startup import StartupRead
    from popgui.localserver.demo import DemoServers

APP_NAME = "popgui"
#: the reverse-DNS id of the desktop entry (packaging/linux/io.github.popgui.desktop) and of
#: the AppStream metainfo; Wayland compositors match the window to the entry by it
APP_ID = "io.github.popgui"


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
    app.setDesktopFileName(APP_ID)  # Wayland matches the window to io.github.popgui.desktop
    app.setWindowIcon(icon("app"))  # the packaged icon: title bars, taskbar, dialogs
    return app


def demo_notice(demo: DemoServers) -> str:
    return QCoreApplication.translate(
        "App",
        "Demo: popgui is talking to its own local servers (POP3 on {pop3}, POP2 on {pop2}) "
        "with sample mail; nothing leaves this computer. Press F5 (Get Mail) to download it. "
        "The servers stop when you close the window.",
    ).format(pop3=f"{demo.pop3.host}:{demo.pop3.port}", pop2=f"{demo.pop2.host}:{demo.pop2.port}")


def demo_notice_after_download() -> str:
    return QCoreApplication.translate(
        "App",
        "Demo: the sample mail is downloaded. Read it, filter it (Ctrl+F), or look at what "
        "waits on the server (On server). The servers stop when you close the window.",
    )


def create_window(
    profile: Profile, *, demo: DemoServers | None = None, startup: StartupRead | None = None
) -> MainWindow:
    from popgui.gui.mainwindow import MainWindow

    if demo is None:
        return MainWindow(profile, startup=startup)
    notice = demo_notice(demo)
    window = MainWindow(profile, notice=notice, startup=startup)
    _follow_the_demo(window, notice)
    return window


def _follow_the_demo(window: MainWindow, notice: str) -> None:
    """Once mail is downloaded, the demo's notice stops asking for F5 (if still shown)."""
    from popgui.gui.worker import JobFinished

    def finished(job: JobFinished) -> None:
        bar = window.message_bar
        still_shown = bar.isVisible() and bar.label.text() == notice
        if job.kind == "sync" and job.error is None and still_shown:
            bar.show_message(demo_notice_after_download(), kind="info")

    window.controller.finished.connect(finished)


def _start_reading(profile: Profile) -> StartupRead | None:
    """Read the first folder in a thread while the window is imported and built."""
    from popgui.gui.startup import StartupRead

    return StartupRead.begin(profile)


def run_window(profile: Profile, *, demo: DemoServers | None = None) -> int:
    """Open the main window on ``profile`` and run until it is closed; the exit status.

    With ``demo``, the window explains the demo and invites F5 to get the sample mail; the
    caller keeps the demo servers running until this returns.
    """
    startup = _start_reading(profile)
    app = application()
    _install_language(app, profile)
    window = create_window(profile, demo=demo, startup=startup)
    window.show()
    # Closing the window quits even if a dialog it opened is still around.
    window.closed.connect(lambda: QTimer.singleShot(0, app.quit))
    previous = signal.getsignal(signal.SIGINT)
    _close_on_interrupt(window)
    try:
        return app.exec()
    finally:
        # Once the window is closed, Ctrl+C means what it usually does again (while the demo
        # servers stop, say). Qt's own clean-up at exit destroys the application.
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def _install_language(app: QApplication, profile: Profile) -> None:
    """French or English, as chosen in Preferences (else the system's), before any widget."""
    from popgui.gui.i18n import install_translator
    from popgui.gui.preferences import saved_language

    install_translator(app, saved_language(profile))


def _close_on_interrupt(window: MainWindow) -> None:
    """Ctrl+C in the terminal closes the window properly (downloads stopped, layout saved).

    Python runs signal handlers only between bytecodes, never while Qt's event loop waits,
    so a timer wakes the interpreter a few times a second to let the handler run.
    """
    signal.signal(signal.SIGINT, lambda _number, _frame: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
