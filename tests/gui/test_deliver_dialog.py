"""The account dialog's Deliver to tab: each kind of destination written as ``--deliver`` writes
it and read back into the same form, POP2 kept to its Maildir, wrong fields pointed at, and
Test destination run off the GUI thread with the password typed (not stored)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.catalog import destinations as says
from popgui.destinations import factory
from popgui.destinations.base import (
    Destination,
    DestinationLoginError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
)
from popgui.gui.account_dialog import AccountDialog
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from tests.gui.dialog_support import open_dialog


def new_dialog(qtbot: QtBot, profile: Profile, account: Account | None = None) -> AccountDialog:
    dialog = open_dialog(qtbot, profile, account)
    if account is None:
        dialog.name_edit.setText("ann")
        dialog.host_edit.setText("pop.example.com")
        dialog.user_edit.setText("ann@example.com")
        dialog.command_radio.setChecked(True)
        dialog.command_edit.setText("pass show pop")
    dialog.tabs.setCurrentWidget(dialog.deliver)
    return dialog


def choose(dialog: AccountDialog, kind: str) -> None:
    combo = dialog.deliver.kind_combo
    combo.setCurrentIndex(combo.findData(kind))


def imap_form(dialog: AccountDialog) -> None:
    box = dialog.deliver
    choose(dialog, "imap")
    box.imap_host.setText("imap.gmail.com")
    box.imap_user.setText("ann@gmail.com")
    box.folder_edit.setText("Old mail/2024 100%")


FORMS: dict[str, Callable[[AccountDialog], None]] = {
    "imap": imap_form,
    "imaps-command": lambda d: (
        imap_form(d),
        d.deliver.imap_port.setText("1993"),
        d.deliver.password_source.setCurrentIndex(d.deliver.password_source.findData("command")),
        d.deliver.password_command.setText("pass show gmail"),
        d.deliver.ca_edit.setText("/etc/ssl/home-ca.pem"),
    ),
    "imap-starttls": lambda d: (
        imap_form(d),
        d.deliver.imap_security.setCurrentIndex(d.deliver.imap_security.findData("starttls")),
        d.deliver.folder_edit.setText("INBOX"),
    ),
    "imap-clear": lambda d: (
        imap_form(d),
        d.deliver.imap_security.setCurrentIndex(d.deliver.imap_security.findData("clear")),
        d.deliver.folder_edit.clear(),
    ),
    "lmtp-tcp": lambda d: (
        choose(d, "lmtp"),
        d.deliver.lmtp_server.setText("mx.local:2424"),
        d.deliver.lmtp_clear.setChecked(True),
        d.deliver.recipient_edit.setText("ann@local"),
    ),
    "lmtp-socket": lambda d: (choose(d, "lmtp"), d.deliver.lmtp_server.setText("/run/lmtp")),
    "mda": lambda d: (
        choose(d, "mda"),
        d.deliver.command_edit.setText("procmail -d ann | tee x"),
        d.deliver.shell_check.setChecked(True),
        d.deliver.timeout_spin.setValue(60),
    ),
    "mda-default": lambda d: (choose(d, "mda"), d.deliver.command_edit.setText("/bin/cat")),
    "mbox": lambda d: (choose(d, "mbox"), d.deliver.mbox_edit.setText("~/mail/in.mbox")),
    "maildir": lambda d: choose(d, "maildir"),
}

EXPECTED = {
    "imap": ("imaps://ann@gmail.com@imap.gmail.com/Old%20mail/2024%20100%25", "tls"),
    "imap-starttls": ("imap://ann@gmail.com@imap.gmail.com/INBOX", "tls"),
    "imaps-command": ("imaps://ann@gmail.com@imap.gmail.com:1993/Old%20mail/2024%20100%25", "tls"),
    "imap-clear": ("imap://ann@gmail.com@imap.gmail.com", "none"),
    "lmtp-tcp": ("lmtp://mx.local:2424", "none"),
    "lmtp-socket": ("lmtp:/run/lmtp", "tls"),
    "mda": ("mda:procmail -d ann | tee x", "tls"),
    "mda-default": ("mda:/bin/cat", "tls"),
    "mbox": ("mbox:~/mail/in.mbox", "tls"),
    "maildir": (None, "tls"),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_each_form_writes_deliver_and_reads_back(qtbot: QtBot, profile: Profile, form: str) -> None:
    dialog = new_dialog(qtbot, profile)
    FORMS[form](dialog)
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    account = dialog.account()
    assert (account.deliver, account.deliver_security) == EXPECTED[form]
    if form == "imap":
        assert account.deliver_password_source == "keyring"
    if form == "imaps-command":
        assert account.deliver_password_command == "pass show gmail"
        assert account.deliver_ca_file == "/etc/ssl/home-ca.pem"
    if form == "lmtp-tcp":
        assert account.deliver_to == "ann@local"
    if form == "mda":
        assert (account.deliver_shell, account.deliver_timeout_seconds) == (True, 60)
    again = new_dialog(qtbot, profile, account)
    assert again.deliver.kind() == dialog.deliver.kind()
    assert again.account() == account  # the same form, the same account


def test_pop2_account_delivers_into_its_maildir_only(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    choose(dialog, "mbox")
    dialog.deliver.mbox_edit.setText("/tmp/x.mbox")
    dialog.protocol_combo.setCurrentIndex(dialog.protocol_combo.findData("pop2"))
    box = dialog.deliver
    assert not box.kind_combo.isEnabled()
    assert box.kind() == "maildir"
    assert "POP2" in box.kind_combo.toolTip() and "POP2" in box.note.text()
    assert dialog.account().deliver is None


def test_an_empty_required_field_is_pointed_at(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    choose(dialog, "imap")
    dialog.deliver.imap_user.setText("ann")
    assert not dialog.ok_button.isEnabled()
    assert dialog.deliver.imap_host.property("invalid") is True
    assert "Deliver to" in dialog.message_label.text()
    dialog.deliver.imap_host.setText("imap.example.com")
    assert dialog.ok_button.isEnabled()
    choose(dialog, "lmtp")
    dialog.deliver.lmtp_server.setText("mx:24")
    dialog.deliver.recipient_edit.setText("a b")  # refused by the settings' own check
    assert dialog.deliver.recipient_edit.property("invalid") is True
    assert dialog.deliver.recipient_edit.placeholderText() == "default: ann@example.com"


class Answering(Destination):
    """Opens, says where it is, or refuses the login; remembers the password it was given."""

    def __init__(self, secret: str | None, refuse: bool) -> None:
        self.secret, self.refuse, self.thread = secret, refuse, ""
        self.closed = False

    def describe(self) -> str:
        return "INBOX on imap.example.com"

    def open(self) -> None:
        self.thread = threading.current_thread().name
        if self.refuse:
            raise DestinationLoginError(says.PASSWORD_UNAVAILABLE(reason="no"))

    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        return {}

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        raise AssertionError("a test delivers nothing")

    def close(self) -> None:
        self.closed = True


def test_test_destination_uses_the_typed_password_off_the_gui_thread(
    qtbot: QtBot, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Answering] = []

    def make(
        account: Account, prof: Profile, options: ConnectOptions, *, secret: str | None = None
    ) -> Destination:
        assert options.cancel is not None and options.timeout <= 30
        made.append(Answering(secret, refuse=secret != "right"))
        return made[-1]

    monkeypatch.setattr(factory, "make_destination", make)
    dialog = new_dialog(qtbot, profile)
    imap_form(dialog)
    box = dialog.deliver
    box.password_edit.setText("wrong")
    assert box.test_button.isVisible()
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=5000)
    assert "password" in box.test_label.text() and "Works" not in box.test_label.text()
    box.password_edit.setText("right")
    assert box.test_label.text() == ""  # an edit clears the last answer
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_label.text().startswith("Works"), timeout=5000)
    assert box.test_label.text() == "Works: INBOX on imap.example.com"
    assert [m.secret for m in made] == ["wrong", "right"]
    assert all(m.closed for m in made)
    assert all(m.thread != threading.main_thread().name for m in made)


def test_mbox_browse_offers_a_file_that_need_not_exist(
    qtbot: QtBot, profile: Profile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[Any] = []

    def save_name(*args: Any, **kwargs: Any) -> tuple[str, str]:
        asked.append(kwargs)
        return str(tmp_path / "new.mbox"), ""

    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    dialog = new_dialog(qtbot, profile)
    choose(dialog, "mbox")
    dialog.deliver.mbox_browse.click()
    assert dialog.deliver.mbox_edit.text() == str(tmp_path / "new.mbox")
    assert asked and asked[0]["options"] & QFileDialog.Option.DontConfirmOverwrite


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_destination_fits_an_800_by_600_screen(
    qtbot: QtBot, qapp: Any, profile: Profile, language: str
) -> None:
    """Each kind's fields, the note and Test destination within 800×560 (a title bar left),
    French included."""
    from popgui.gui import i18n

    i18n.install_translator(qapp, language)
    try:
        dialog = new_dialog(qtbot, profile)
        for kind in ("maildir", "imap", "lmtp", "mda", "mbox"):
            choose(dialog, kind)
            dialog.deliver.test_label.setText("x " * 60)  # a long answer wraps
            hint = dialog.minimumSizeHint()
            assert hint.width() <= 800 and hint.height() <= 560, (kind, hint)
    finally:
        i18n.uninstall_translators(qapp)


def test_tab_goes_down_the_imap_fields_to_test_destination(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    choose(dialog, "imap")
    box = dialog.deliver
    dialog.activateWindow()
    box.kind_combo.setFocus()
    order = []
    for _ in range(9):
        widget = dialog.focusWidget()
        order.append(widget.objectName() if widget is not None else None)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert order == [
        "deliverKind", "deliverImapHost", "deliverImapPort", "deliverImapSecurity",
        "deliverImapUser", "deliverPasswordSource", "deliverPassword", "deliverFolder",
        "deliverCa",
    ]  # fmt: skip
    assert dialog.focusWidget() is box.test_button


def test_mnemonics_of_the_tab_do_not_clash(qtbot: QtBot, qapp: Any, profile: Profile) -> None:
    """Within each destination's fields, and with what is always on screen (the provider and
    the connection test), every Alt+letter is taken once, in English and in French."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from popgui.gui import i18n

    for language in ("en", "fr"):
        i18n.install_translator(qapp, language)
        try:
            dialog = new_dialog(qtbot, profile)
            for kind in ("imap", "lmtp", "mda", "mbox"):
                choose(dialog, kind)
                qtbot.wait(10)
                texts = [
                    w.text()
                    for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
                    if w.isVisible() and "&" in w.text()
                ]
                keys = [m.lower() for t in texts for m in re.findall(r"&(\w)", t)]
                assert len(keys) == len(set(keys)), (language, kind, texts)
        finally:
            i18n.uninstall_translators(qapp)


def test_closing_the_dialog_stops_a_test_that_is_running(
    qtbot: QtBot, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = threading.Event()

    class Hanging(Answering):
        def __init__(self, options: ConnectOptions) -> None:
            super().__init__(None, refuse=False)
            self.options = options

        def open(self) -> None:
            assert self.options.cancel is not None
            if self.options.cancel.wait(30):  # a server that never answers, until cancelled
                stopped.set()

    monkeypatch.setattr(factory, "make_destination", lambda _a, _p, options, **_k: Hanging(options))
    dialog = new_dialog(qtbot, profile)
    FORMS["mbox"](dialog)
    dialog.deliver.test_button.click()
    assert dialog.deliver.test_label.text() == "Testing…"
    assert not dialog.deliver.test_button.isEnabled()
    dialog.reject()
    assert stopped.wait(5)


def test_an_oauth2_destination_is_kept_and_dropped_with_imap(
    qtbot: QtBot, profile: Profile
) -> None:
    """An OAuth2 sign-in (made here or by account login NAME --deliver) is kept by an edit,
    offers Sign in… instead of a password, and goes when another kind is chosen."""
    from popgui.accounts.settings import validate_account

    account = validate_account(
        Account(
            name="ann", host="pop.example.com", user="ann", password_source="command",
            password_command="pass pop", deliver="imaps://ann@gmail.com@imap.gmail.com",
            deliver_auth="oauth2", deliver_oauth_provider="google",
        )
    )  # fmt: skip
    dialog = new_dialog(qtbot, profile, account)
    box = dialog.deliver
    assert box.password_source.currentData() == "oauth2"
    assert not box.password_edit.isVisible() and box.oauth.isVisible()
    assert box.oauth.box.sign_in_button.isVisible()
    assert dialog.account() == account
    assert box.typed_password() is None
    choose(dialog, "mbox")
    box.mbox_edit.setText("~/in.mbox")
    mbox = dialog.account()
    assert (mbox.deliver_auth, mbox.deliver_oauth_provider) == ("password", None)
