"""The account dialog's Kerberos method: "Kerberos (your ticket)" for POP3 only, no password
field, and in its place the ticket line, read off the GUI thread, in its three states (a real
ticket of the private realm, none, no gssapi package); Save stores no password and Test
connection sends none."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui import i18n
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.i18n import format_datetime
from popgui.gui.keyring_check import KeyringState
from popgui.net import kerberos
from tests.gui import kerberos_support
from tests.gui.test_account_dialog import FakeController, choose, fill_basic, item_enabled

# The private realm (tests/gui/kerberos_support.py) and a ticket of it.
kerberos_realm = kerberos_support.kerberos_realm
ticket_of = kerberos_support.ticket_of

TIMEOUT_MS = 10_000
KERBEROS_ACCOUNT = Account(
    name="office", host="mail.example.org", user="alice", auth="gssapi", security="tls"
)


@pytest.fixture
def controller() -> FakeController:
    return FakeController()


@pytest.fixture
def make_dialog(qtbot: QtBot, controller: FakeController) -> Iterator[Any]:
    def make(account: Account | None = None) -> AccountDialog:
        dialog = AccountDialog(controller, ("home",), account)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make


def ticket_line(qtbot: QtBot, dialog: AccountDialog) -> str:
    """The ticket line once its read is shown."""
    box = dialog.server.kerberos_box
    qtbot.waitUntil(lambda: not box._reading, timeout=TIMEOUT_MS)
    return box.status.text()


def test_kerberos_is_a_login_method_of_pop3_only(make_dialog: Any) -> None:
    dialog = make_dialog()
    combo = dialog.auth_combo
    assert combo.itemText(combo.findData("gssapi")) == "Kerberos (your ticket)"
    assert item_enabled(combo, "gssapi")
    choose(combo, "gssapi")
    choose(dialog.protocol_combo, "pop2")
    assert not item_enabled(combo, "gssapi")
    assert combo.currentData() == "auto"  # POP2 cannot sign in with a ticket


def test_choosing_kerberos_hides_the_password_and_shows_the_ticket_line(
    qtbot: QtBot, make_dialog: Any
) -> None:
    dialog = make_dialog()
    box = dialog.server.kerberos_box
    assert not box.isVisibleTo(dialog)  # not read, nor shown, for a password method
    assert box.status.text() == ""
    choose(dialog.auth_combo, "gssapi")
    assert box.isVisibleTo(dialog) and box.check_button.isVisibleTo(dialog)
    for edit in (dialog.password_edit, dialog.command_edit, dialog.file_edit):
        assert not edit.isVisibleTo(dialog)
    assert not dialog.sign_in_box.isVisibleTo(dialog)
    ticket_line(qtbot, dialog)
    choose(dialog.auth_combo, "auto")
    assert dialog.password_edit.isVisibleTo(dialog) and dialog.command_edit.isVisibleTo(dialog)
    assert not box.isVisibleTo(dialog)


def test_the_ticket_line_names_the_tickets_owner_and_its_end(
    qtbot: QtBot, make_dialog: Any, ticket_of: Any
) -> None:
    principal = ticket_of("alice")
    dialog = make_dialog(KERBEROS_ACCOUNT)  # an edited Kerberos account: read at once
    text = ticket_line(qtbot, dialog)
    ticket = kerberos.current_ticket()
    assert ticket is not None and ticket.expires is not None
    until = format_datetime(ticket.expires, kind="auto")
    assert text == f"Your Kerberos ticket: {principal}, valid until {until}"
    assert principal == "alice@POPGUI.TEST"


def test_without_a_ticket_the_line_says_to_run_kinit_and_check_again_finds_a_new_one(
    qtbot: QtBot, make_dialog: Any, ticket_of: Any
) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)  # user "alice"
    choose(dialog.auth_combo, "gssapi")
    expected = (
        "No Kerberos ticket on this computer: run kinit alice in a terminal, or sign in to "
        "your desktop's Kerberos."
    )
    assert ticket_line(qtbot, dialog) == expected
    dialog.user_edit.setText("bob")
    assert "run kinit bob in a terminal" in dialog.server.kerberos_box.status.text()
    principal = ticket_of("bob")  # the person runs kinit in a terminal...
    box = dialog.server.kerberos_box
    with qtbot.waitSignal(box.checked, timeout=TIMEOUT_MS):
        box.check_button.click()  # ...and presses Check again
    assert box.status.text().startswith(f"Your Kerberos ticket: {principal}, valid until ")


def test_without_the_gssapi_package_the_line_says_what_to_install(
    qtbot: QtBot, make_dialog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gssapi", None)  # import gssapi fails, as when missing
    dialog = make_dialog(KERBEROS_ACCOUNT)
    text = ticket_line(qtbot, dialog)
    assert text.startswith("Signing in with Kerberos needs the Python package gssapi"), text
    assert "pip install 'popgui[kerberos]'" in text


def test_the_ticket_is_read_off_the_gui_thread(
    qtbot: QtBot, make_dialog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KCM or keyring credential cache answers through a daemon that may hang: the window
    stays responsive while the read waits."""
    release = threading.Event()
    readers: list[threading.Thread] = []

    def slow_cache() -> kerberos.Ticket | None:
        readers.append(threading.current_thread())
        release.wait(TIMEOUT_MS / 1000)
        return None

    monkeypatch.setattr(kerberos, "current_ticket", slow_cache)
    dialog = make_dialog()
    choose(dialog.auth_combo, "gssapi")
    box = dialog.server.kerberos_box
    assert box.status.text() == "Looking for your Kerberos ticket…"
    assert not box.check_button.isEnabled()
    qtbot.waitUntil(lambda: bool(readers), timeout=TIMEOUT_MS)
    assert readers[0] is not threading.main_thread()
    release.set()
    assert ticket_line(qtbot, dialog).startswith("No Kerberos ticket on this computer")
    assert box.check_button.isEnabled()


def test_save_stores_no_password_even_one_typed_before(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    qtbot.keyClicks(dialog.password_edit, "typed before choosing Kerberos")
    choose(dialog.auth_combo, "gssapi")
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    assert dialog.password() is None
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert controller.stored == []  # nothing goes to the keyring
    account = dialog.account()
    assert account.auth == "gssapi" and account.password_source == "keyring"
    assert account.password_command is None


def test_a_password_command_account_switched_to_kerberos_drops_its_command(
    make_dialog: Any,
) -> None:
    """The settings refuse a password command for a Kerberos account: the dialog leaves it out
    rather than refuse the form."""
    commanded = Account(name="work", host="pop.example.org", user="alice",
                        password_source="command", password_command="pass show mail")  # fmt: skip
    dialog = make_dialog(commanded)
    choose(dialog.auth_combo, "gssapi")
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    account = dialog.account()
    assert account.password_source == "keyring" and account.password_command is None


def test_without_a_keyring_a_kerberos_account_asks_for_none(qtbot: QtBot, make_dialog: Any) -> None:
    """No keyring on this computer: a password account is told what to do about it; a
    Kerberos account keeps no password, so nothing is said and Save works."""
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    dialog._keyring_known(KeyringState(available=False))
    notice = dialog.server.keyring_notice
    assert notice.isVisibleTo(dialog)
    choose(dialog.auth_combo, "gssapi")
    assert not notice.isVisibleTo(dialog)
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    assert dialog.account().password_source == "keyring"
    choose(dialog.auth_combo, "auto")
    assert notice.isVisibleTo(dialog)


def test_test_connection_sends_no_password(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog(KERBEROS_ACCOUNT)
    dialog.test_button.click()
    assert [(account.auth, password) for account, password in controller.tests] == [
        ("gssapi", None)
    ]
    ticket_line(qtbot, dialog)


def test_the_test_environment_has_no_ticket_of_the_person_running_it() -> None:
    """The line's "no ticket" state above is this computer's real state in the tests
    (tests/conftest.py points the credential cache nowhere), not a stand-in."""
    assert os.environ["KRB5CCNAME"].startswith("FILE:")
    assert kerberos.current_ticket() is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_with_kerberos_chosen_the_dialog_fits_and_its_mnemonics_do_not_clash(
    qtbot: QtBot, qapp: QApplication, make_dialog: Any, language: str
) -> None:
    """The ticket line in French is the longest: the dialog still fits an 800×600 screen, and
    the Alt+letter of "Check again" is no other's on screen."""
    i18n.install_translator(qapp, language)
    try:
        dialog = make_dialog()
        fill_basic(qtbot, dialog)
        choose(dialog.auth_combo, "gssapi")
        line = ticket_line(qtbot, dialog)
        assert ("kinit alice" in line) and ("Aucun" in line) == (language == "fr"), line
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 800 and hint.height() <= 560, hint
        texts = [
            widget.text()
            for widget in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
            if widget.isVisible() and "&" in widget.text()
        ]
        keys = [key.lower() for text in texts for key in re.findall(r"&(\w)", text)]
        mine = re.findall(r"&(\w)", dialog.server.kerberos_box.check_button.text())[0].lower()
        assert keys.count(mine) == 1, repr(texts)
    finally:
        i18n.uninstall_translators(qapp)
