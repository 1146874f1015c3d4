"""The Deliver to tab end to end with real destinations: a person adds an account in the
window, chooses where its mail goes, presses Test destination, saves, and Get Mail (which
follows Add) delivers the POP3 mailbox there: the real Dovecot over IMAP (the password typed
kept in the real gnome-keyring) and over LMTP, a real program, an mbox file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import load_settings
from popgui.destinations.factory import credentials_account
from popgui.gui.account_dialog import AccountDialog
from popgui.localserver import LocalPOP3Server
from popgui.profile import Profile
from tests.gui.conftest import MAIL_USER, PASSWORD_COMMAND
from tests.gui.dialog_support import add_through_window
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000


def add_through_dialog(
    qtbot: QtBot, window: Any, server: LocalPOP3Server, destination: Callable[[Any], None]
) -> list[str]:
    """Add Account: the POP3 server's fields, then *destination* on the Deliver to tab, Test
    destination (its answer is returned), then Add account. Returns once the sync is done."""
    answers: list[str] = []

    def act(dialog: AccountDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "work")
        qtbot.keyClicks(dialog.host_edit, server.host)
        dialog.port_edit.setText(str(server.port))
        dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
        qtbot.keyClicks(dialog.user_edit, MAIL_USER)
        dialog.command_radio.setChecked(True)
        dialog.command_edit.setText(PASSWORD_COMMAND)
        dialog.tabs.setCurrentWidget(dialog.deliver)
        destination(dialog.deliver)
        box = dialog.deliver
        box.test_button.click()
        qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=TIMEOUT_MS)
        answers.append(box.test_label.text())
        dialog.ok_button.click()

    finished = add_through_window(qtbot, window, "work", act, TIMEOUT_MS)
    assert finished.error is None, finished.error
    return answers


def test_lmtp_into_dovecot_from_the_window(
    qtbot: QtBot,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    open_window: Opener,
) -> None:
    window = open_window()
    sent = pop3_server.accounts[MAIL_USER].mailbox.contents()

    def lmtp(box: Any) -> None:
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("lmtp"))
        qtbot.keyClicks(box.lmtp_server, f"127.0.0.1:{dovecot.lmtp_port}")
        box.lmtp_clear.setChecked(True)
        qtbot.keyClicks(box.recipient_edit, dovecot_user.name)

    answers = add_through_dialog(qtbot, window, pop3_server, lmtp)

    assert answers == [f"Works: the LMTP server 127.0.0.1:{dovecot.lmtp_port}"]
    qtbot.waitUntil(lambda: len(dovecot.server_messages(dovecot_user.name)) == len(sent),
                    timeout=TIMEOUT_MS)  # fmt: skip
    qtbot.waitUntil(lambda: window.message_model.rowCount() == len(sent), timeout=TIMEOUT_MS)
    assert window.message_model.message_at(0).elsewhere.startswith("the LMTP server")
    assert "delivered to the LMTP server" in window.message_bar.label.text()


def test_a_program_from_the_window(
    qtbot: QtBot,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    open_window: Opener,
    tmp_path: Path,
) -> None:
    """A real process: each message on its standard input, written to a file of its own."""
    out = tmp_path / "out"
    out.mkdir()
    script = tmp_path / "keep.py"
    script.write_text(
        "import sys, uuid, pathlib\n"
        f"pathlib.Path({str(out)!r}, uuid.uuid4().hex).write_bytes(sys.stdin.buffer.read())\n"
    )
    window = open_window()
    sent = pop3_server.accounts[MAIL_USER].mailbox.contents()

    def program(box: Any) -> None:
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("mda"))
        box.command_edit.setText(f"{sys.executable} {script}")

    answers = add_through_dialog(qtbot, window, pop3_server, program)

    assert answers[0].startswith("Works: the program ")
    kept = sorted(p.read_bytes() for p in out.iterdir())
    assert kept == sorted(content.replace(b"\r\n", b"\n") for content in sent)  # Unix ends


def test_imap_into_dovecot_with_the_typed_password_kept_in_the_keyring(
    qtbot: QtBot,
    secret_service: SecretService,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    open_window: Opener,
) -> None:
    """Test destination logs in with the password as typed (nothing stored yet); Add account
    stores it in gnome-keyring under the destination's key, and the Get Mail after Add reads
    it from there and APPENDs every message over STARTTLS."""
    window = open_window()
    sent = pop3_server.accounts[MAIL_USER].mailbox.contents()

    def imap(box: Any) -> None:
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("imap"))
        box.imap_security.setCurrentIndex(box.imap_security.findData("starttls"))
        qtbot.keyClicks(box.imap_host, "127.0.0.1")
        qtbot.keyClicks(box.imap_port, str(dovecot.imap_port))
        qtbot.keyClicks(box.imap_user, dovecot_user.name)
        qtbot.keyClicks(box.password_edit, dovecot_user.password)
        box.ca_edit.setText(str(test_pki.ca_cert))

    answers = add_through_dialog(qtbot, window, pop3_server, imap)

    assert answers == ["Works: INBOX on 127.0.0.1"]
    account = load_settings(profile.settings_file).get("work")
    assert account is not None
    assert (
        keyring.get_password(KEYRING_SERVICE, keyring_key(credentials_account(account)))
        == dovecot_user.password
    )
    assert dovecot_user.password not in profile.settings_file.read_text()
    assert len(dovecot.server_messages(dovecot_user.name)) == len(sent)


def test_an_mbox_file_from_the_window(
    qtbot: QtBot,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    open_window: Opener,
    tmp_path: Path,
) -> None:
    """The file need not exist: Test destination says where it is, Get Mail fills it, and
    Python's own mailbox module reads every message back; the list says where they are."""
    import mailbox

    path = tmp_path / "mail" / "inbox.mbox"
    path.parent.mkdir()
    window = open_window()
    sent = pop3_server.accounts[MAIL_USER].mailbox.contents()

    def mbox(box: Any) -> None:
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("mbox"))
        box.mbox_edit.setText(str(path))

    answers = add_through_dialog(qtbot, window, pop3_server, mbox)

    assert answers == [f"Works: the mbox file {path}"]
    subjects = sorted(str(m["Subject"]) for m in mailbox.mbox(str(path)))
    assert len(subjects) == len(sent)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == len(sent), timeout=TIMEOUT_MS)
    shown = window.message_model.message_at(0)
    assert shown.elsewhere == f"the mbox file {path}"
    assert str(shown.subject) in subjects
