#!/usr/bin/env python3
"""Make the README's screenshots of popgui's window, from the demo's own servers and mail.

Usage::

    python docs/screenshots/make_screenshots.py              # into docs/screenshots/
    python docs/screenshots/make_screenshots.py --output DIR
    python docs/screenshots/make_screenshots.py --display    # on the real display

It starts the demo's local POP3 and POP2 servers (``popgui demo``'s), configures the demo
accounts in a temporary profile, runs Get Mail in the window, and saves:

- ``main-window.png``: the main window with a message open in the reading pane;
- ``on-server.png``: the On server view, a message not yet downloaded previewed;
- ``account-dialog.png``: the demo account in the account dialog, with a Test connection report;
- ``certificate-dialog.png``: the "Untrusted certificate" dialog for a self-signed certificate;
- ``error-bar.png``: the message bar after a wrong password, with "Edit account…".

The result is the same at every run: fixed sizes, the sample mail dated from a fixed "now"
(14 March 2025, so the list shows full dates whatever today is), times in UTC, and without
``--display`` the ``offscreen`` Qt platform (no desktop theme or fonts of the moment).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from popgui.gui.mainwindow import MainWindow

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: The sample mail is dated relative to this moment.
NOW = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
#: Mail that arrives on the server after the first Get Mail (shown as new in On server).
LATER = NOW + dt.timedelta(days=15)

WINDOW_SIZE = (1200, 760)
ACCOUNT_DIALOG_SIZE = (1000, 620)
CERTIFICATE_DIALOG_SIZE = (680, 290)

#: Every screenshot and its size in pixels (at a device pixel ratio of 1, as offscreen).
SIZES: dict[str, tuple[int, int]] = {
    "main-window.png": WINDOW_SIZE,
    "on-server.png": WINDOW_SIZE,
    "account-dialog.png": ACCOUNT_DIALOG_SIZE,
    "certificate-dialog.png": CERTIFICATE_DIALOG_SIZE,
    "error-bar.png": WINDOW_SIZE,
}

#: The message opened in the main window's screenshot: accents and a PDF attachment.
OPEN_SUBJECT = "Votre facture n° 2024-117"
#: The message open behind the error bar.
ERROR_BAR_SUBJECT = "Photos from the lakes"
#: What the offscreen platform prints on its own (noise, not a problem of the screens).
QT_NOISE = ("This plugin does not support propagateSizeHints",)
TIMEOUT = 30.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--output", type=Path, default=HERE, metavar="DIR",
        help=f"where to write the PNG files (default: {HERE})",
    )  # fmt: skip
    parser.add_argument(
        "--display", action="store_true",
        help="use the real display instead of the offscreen platform",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Before anything imports Qt.
    if not args.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["TZ"] = "UTC"
    time.tzset()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing
    args.output.mkdir(parents=True, exist_ok=True)
    for path in make_screenshots(args.output):
        print(path)
    return 0


# -- waiting without a test framework -----------------------------------------------------------


def wait_until(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    """Run Qt's event loop until ``condition()`` is true."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle(milliseconds: int = 150) -> None:
    """Let pending layouts, paints and timers run."""
    wait_for = time.monotonic() + milliseconds / 1000
    wait_until(lambda: time.monotonic() >= wait_for, "the window to settle")


def save(widget: QWidget, output: Path, name: str) -> Path:
    settle()
    width, height = SIZES[name]
    pixmap = widget.grab()
    if (pixmap.width(), pixmap.height()) != (width, height):
        raise RuntimeError(
            f"{name}: {pixmap.width()}×{pixmap.height()} pixels instead of {width}×{height}"
        )
    path = output / name
    if not pixmap.save(str(path), "PNG"):
        raise RuntimeError(f"could not write {path}")
    return path


def quiet_qt_noise() -> None:
    """Drop the offscreen platform's own chatter; let every other Qt message through."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if not message.startswith(QT_NOISE):
            print(f"qt: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


# -- the screens ---------------------------------------------------------------------------------


def make_screenshots(output: Path) -> list[Path]:
    from unittest import mock

    from popgui.cli import demo_cmd
    from popgui.gui.app import application
    from popgui.localserver import sample_messages

    quiet_qt_noise()
    application()
    # demo_servers() stocks the servers with sample_messages(), dated from today: date them
    # from NOW instead, so every run shows the same mail.
    dated = mock.patch.object(demo_cmd, "sample_messages", lambda: sample_messages(now=NOW))
    with tempfile.TemporaryDirectory(prefix="popgui-screenshots-") as directory, dated:
        pop3, pop2 = demo_cmd.demo_servers()
        with pop3, pop2:
            return _screens(output, Path(directory), pop3, pop2)


def _screens(output: Path, directory: Path, pop3: Any, pop2: Any) -> list[Path]:
    from popgui.cli import demo_cmd
    from popgui.gui.mainwindow import MainWindow
    from popgui.profile import Profile

    profile = Profile(directory / "profile")
    # The demo's password command names this Python by its full path; the screenshot of the
    # account dialog shows a command as a person would write it (the shell's echo).
    command = f"echo {demo_cmd.DEMO_PASSWORD}"
    accounts = [
        replace(account, password_command=command) for account in demo_cmd.demo_accounts(pop3, pop2)
    ]
    demo_cmd.save_demo_accounts(profile, accounts)
    window = MainWindow(profile)
    try:
        window.resize(*WINDOW_SIZE)
        window.show()
        get_mail(window)
        shots = [
            main_window(window, output),
            on_server(window, output, pop3),
            account_dialog(window, output),
            certificate_dialog(window, output),
            error_bar(window, output, profile),
        ]
    finally:
        window.close()
    return shots


def get_mail(window: MainWindow) -> None:
    names = [account.name for account in window.settings.accounts]
    window.get_mail()
    wait_until(
        lambda: all(window.account_model.state(name).kind == "new" for name in names),
        "Get Mail",
    )


def open_message(window: MainWindow, subject_part: str) -> None:
    from popgui.gui.models import COL_SUBJECT

    model = window.message_model
    rows = [
        r
        for r in range(model.rowCount())
        if subject_part in str(model.index(r, COL_SUBJECT).data())
    ]
    if not rows:
        raise LookupError(f"no message about {subject_part!r}")
    shown: list[object] = []
    window.reader.shown.connect(shown.append)
    window.message_table.selectRow(rows[0])
    wait_until(lambda: shown, f"the message {subject_part!r} to open")
    window.reader.shown.disconnect(shown.append)


def main_window(window: MainWindow, output: Path) -> Path:
    open_message(window, OPEN_SUBJECT)
    return save(window, output, "main-window.png")


def on_server(window: MainWindow, output: Path, pop3: Any) -> Path:
    from popgui.cli.demo_cmd import DEMO_USER
    from popgui.localserver import sample_messages

    # Three messages arrive after Get Mail: the On server view lists them as new.
    mailbox = pop3.accounts[DEMO_USER].mailbox
    for content in sample_messages(27, now=LATER)[24:]:
        mailbox.add(content)
    view = window.on_server_view
    finished: list[Any] = []
    window.controller.finished.connect(finished.append)
    window.show_on_server()
    wait_until(lambda: any(f.kind == "preview" for f in finished), "the On server list")
    new = [uid for item in view.model.items() if not item.downloaded and (uid := item.uid)]
    view.select_uids(new[:1])
    wait_until(lambda: any(f.kind == "top" for f in finished), "the preview of a message")
    window.controller.finished.disconnect(finished.append)
    return save(window, output, "on-server.png")


def account_dialog(window: MainWindow, output: Path) -> Path:
    from popgui.gui.account_dialog import AccountDialog

    account = window.settings.accounts[0]
    others = [name for name in window.settings.names() if name != account.name]
    dialog = AccountDialog(window.controller, others, account=account, parent=window)
    try:
        dialog.resize(*ACCOUNT_DIALOG_SIZE)
        dialog.show()
        dialog.test_button.click()
        wait_until(lambda: dialog.report is not None, "the Test connection report")
        return save(dialog, output, "account-dialog.png")
    finally:
        dialog.reject()
        dialog.deleteLater()


def certificate_dialog(window: MainWindow, output: Path) -> Path:
    from popgui.catalog import certificates
    from popgui.errors import CertificateError
    from popgui.gui.certificate_dialog import CertificateDialog

    digest = hashlib.sha256(b"the screenshot's self-signed certificate").hexdigest()
    fingerprint = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    reason = certificates.SELF_SIGNED()
    error = CertificateError(
        certificates.NOT_TRUSTED(place="mail.example.org:995", reason=reason),
        fingerprint=fingerprint,
        subject="CN=mail.example.org, O=Example Hosting",
        issuer="CN=mail.example.org, O=Example Hosting",
        not_before="2025-01-10 00:00:00 UTC",
        not_after="2027-01-10 00:00:00 UTC",
    )
    dialog = CertificateDialog(error, window)
    try:
        dialog.resize(*CERTIFICATE_DIALOG_SIZE)
        dialog.show()
        return save(dialog, output, "certificate-dialog.png")
    finally:
        dialog.reject()
        dialog.deleteLater()


def error_bar(window: MainWindow, output: Path, profile: Any) -> Path:
    from popgui.accounts.settings import save_settings

    # Back to the inbox, and the demo account's password command now prints a wrong one.
    window.folder_view.setCurrentIndex(window.folder_model.index(0, 0))
    account = window.settings.accounts[0]
    window.settings.put(replace(account, password_command="echo not-the-password"))
    save_settings(profile.settings_file, window.settings)
    window.reload_accounts()
    window.get_mail_for_current()
    wait_until(window.message_bar.isVisible, "the error bar")
    open_message(window, ERROR_BAR_SUBJECT)
    return save(window, output, "error-bar.png")


if __name__ == "__main__":
    sys.exit(main())
