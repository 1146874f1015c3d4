"""The window's "certificate changed" path over STARTTLS, against the real Dovecot's STLS port.

The account trusts a pinned certificate, and Dovecot now presents another one (the test CA's
server certificate): Get Mail stops before any login, the message bar offers to review the
certificate, the dialog says it changed and shows both fingerprints; trusting the new one
stores it in the settings and the mail arrives, cancelling changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import load_settings
from popgui.gui.certificate_dialog import CertificateDialog
from popgui.profile import Profile
from tests.gui.conftest import save_accounts
from tests.gui.test_dovecot_window import (
    deliver,
    dovecot_account,
    press_f5,
    wait_for_error_bar,
    wait_for_rows,
)
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_since, log_size, wait_for_log_lines
from tests.support.qt_modal import when_modal

Opener = Callable[..., Any]


def open_with_old_pin(
    qtbot: QtBot,
    dovecot: DovecotServer,
    user: MailUser,
    test_pki: TestPKI,
    profile: Profile,
    open_window: Opener,
) -> tuple[Any, str]:
    """A window whose STARTTLS account pins another certificate than Dovecot's, after a Get
    Mail that was refused; returns the window and the old pin."""
    old = test_pki.fingerprint(test_pki.self_signed_cert)
    account = dovecot_account(dovecot, user, security="starttls")
    save_accounts(profile, [dataclasses.replace(account, fingerprint=old)])
    window = open_window()
    since = log_size(dovecot)
    press_f5(qtbot, window)
    wait_for_error_bar(qtbot, window)
    assert window.message_bar.button_texts() == ["Review certificate…"]
    assert "changed" in window.message_bar.label.text()
    assert window.account_model.state("dovecot").kind == "error"
    # The session ended without a login: Dovecot logged it, and never saw the user's name.
    wait_for_log_lines(dovecot, lambda line: "no auth attempts" in line, since=since)
    assert user.name not in log_since(dovecot, since)
    return window, old


def test_a_changed_certificate_over_starttls_is_reviewed_trusted_and_mail_arrives(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, 3)
    window, old = open_with_old_pin(qtbot, dovecot, dovecot_user, test_pki, profile, open_window)
    new = test_pki.fingerprint(test_pki.server_cert)
    shown: list[tuple[str, str, str]] = []

    def trust(dialog: CertificateDialog) -> None:
        # No assertion in here: an exception in a Qt callback would leave the dialog open.
        pinned = dialog.pinned_label.text() if dialog.pinned_label is not None else None
        presented = dialog.fingerprint_label.text()
        shown.append((dialog.windowTitle(), str(pinned).replace("\n", ""),
                      presented.replace("\n", "")))  # fmt: skip
        dialog.trust_button.click()

    dialogs: list[QWidget] = []
    when_modal(CertificateDialog, trust, dialogs)
    window.message_bar.click("Review certificate…")

    assert shown == [("Certificate changed", old, new)]
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=30_000)  # the settings written
    pinned = load_settings(profile.settings_file).get("dovecot")
    assert pinned is not None and pinned.fingerprint == new
    wait_for_rows(qtbot, window, 3)  # the account syncs again at once, with the new pin
    assert window.account_model.state("dovecot").kind == "new"
    login = f"Login: user=<{dovecot_user.name}>"
    [line] = wait_for_log_lines(dovecot, lambda line: login in line)
    assert ", TLS," in line, line  # after the STLS upgrade


def test_cancelling_the_changed_certificate_keeps_the_old_pin(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, 1)
    window, old = open_with_old_pin(qtbot, dovecot, dovecot_user, test_pki, profile, open_window)
    dialogs: list[QWidget] = []
    when_modal(CertificateDialog, lambda dialog: dialog.cancel_button.click(), dialogs)
    since = log_size(dovecot)

    window.message_bar.click("Review certificate…")

    assert dialogs, "the certificate dialog did not open"
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=30_000)
    kept = load_settings(profile.settings_file).get("dovecot")
    assert kept is not None and kept.fingerprint == old
    assert not window.controller.is_busy("dovecot")  # no new Get Mail was started
    assert window.message_model.rowCount() == 0
    assert dovecot_user.name not in log_since(dovecot, since)
