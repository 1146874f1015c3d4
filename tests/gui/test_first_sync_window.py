"""The account dialog's Download box: what the first sync downloads (all, only new, since a
day; POP2 only all), what an existing account's first sync did, and Import downloaded-mail
list… end to end: a state file written by the real mpop (or a Thunderbird popstate.dat built
from the same UIDLs) against the real Dovecot, then Get Mail downloads only the rest.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.accounts.stateformats import Found, Kind, Target
from popgui.gui import import_state
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.import_state import ImportStateDialog
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.database.skipped import SkippedMessage
from tests.gui.dialog_support import open_dialog
from tests.gui.test_dovecot_window import (
    SYNC_TIMEOUT_MS,
    deliver,
    password_command,
    when_modal,
)
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_size, wait_for_log_lines
from tests.support.other_clients import run_mpop

Opener = Callable[..., Any]


def new_dialog(qtbot: QtBot, profile: Profile, account: Account | None = None) -> AccountDialog:
    dialog = open_dialog(qtbot, profile, account)
    return dialog


def fill(qtbot: QtBot, dialog: AccountDialog, host: str = "pop.example.com") -> None:
    qtbot.keyClicks(dialog.name_edit, "ann")
    qtbot.keyClicks(dialog.host_edit, host)
    qtbot.keyClicks(dialog.user_edit, "ann")
    dialog.command_radio.setChecked(True)
    qtbot.keyClicks(dialog.command_edit, "pass show mail")
    dialog.tabs.setCurrentWidget(dialog.mail)


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A click on the widget's left part (a radio button's label, which a layout may leave
    narrower than the widget)."""
    assert widget.isVisible()
    where = QPoint(min(8, widget.width() // 2), widget.height() // 2)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=where)


# -- the choice --------------------------------------------------------------------------------


def test_the_download_choice_saves_what_the_command_line_saves(
    qtbot: QtBot, profile: Profile
) -> None:
    dialog = new_dialog(qtbot, profile)
    fill(qtbot, dialog)
    box = dialog.first_sync
    assert dialog.account().first_sync == "all" and dialog.account().first_sync_since is None

    click(qtbot, box.new_radio)
    account = dialog.account()
    assert account.first_sync == "new"
    assert account.first_sync_since is not None
    moment = datetime.fromisoformat(account.first_sync_since)
    assert moment.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=5)
    assert not box.since_date.isEnabled()

    click(qtbot, box.since_radio)
    assert box.since_date.isEnabled()
    box.since_date.setDate(QDate(2024, 3, 5))
    account = dialog.account()
    assert (account.first_sync, account.first_sync_since) == ("since", "2024-03-05")
    assert dialog.ok_button.isEnabled()

    click(qtbot, box.all_radio)
    assert (dialog.account().first_sync, dialog.account().first_sync_since) == ("all", None)


def test_pop2_offers_only_all_mail_and_says_why(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    fill(qtbot, dialog)
    box = dialog.first_sync
    click(qtbot, box.new_radio)
    dialog.protocol_combo.setCurrentIndex(dialog.protocol_combo.findData("pop2"))

    assert box.all_radio.isChecked()
    for widget in (box.new_radio, box.since_radio, box.import_button):
        assert not widget.isEnabled()
        assert "POP2 has no unique message ids" in widget.toolTip()
    assert (dialog.account().first_sync, dialog.account().first_sync_since) == ("all", None)

    dialog.protocol_combo.setCurrentIndex(dialog.protocol_combo.findData("pop3"))
    assert box.new_radio.isEnabled() and box.import_button.isEnabled()
    assert not box.new_radio.toolTip()


def test_an_existing_account_shows_its_choice_read_only_and_what_the_first_sync_did(
    qtbot: QtBot, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile.path.mkdir(parents=True, exist_ok=True)
    with Database(profile.database_file) as database:
        database.record_first_sync("ann", [SkippedMessage("u1"), SkippedMessage("u2")], 1.0)
    threads: list[threading.Thread] = []
    done = Database.first_sync_done

    def spy(self: Database, account: str) -> bool:
        threads.append(threading.current_thread())
        return done(self, account)

    monkeypatch.setattr(Database, "first_sync_done", spy)
    account = Account(
        name="ann", host="pop.example.com", user="ann", password_source="command",
        password_command="pass show mail", first_sync="since", first_sync_since="2024-03-05",
    )  # fmt: skip
    dialog = new_dialog(qtbot, profile, account)
    box = dialog.first_sync

    assert box.since_radio.isChecked()
    assert box.since_date.date() == QDate(2024, 3, 5)
    assert not any(w.isEnabled() for w in (box.all_radio, box.new_radio, box.since_radio))
    qtbot.waitUntil(lambda: "2 messages left" in box.state_label.text(), timeout=10_000)
    assert box.state_label.text() == "First sync: done: 2 messages left on the server"
    assert threads and threading.main_thread() not in threads
    assert dialog.account() == account  # the choice is not changed by editing


# -- Import downloaded-mail list… --------------------------------------------------------------


def popstate(uids: list[str], flags: str, user: str) -> bytes:
    """A Thunderbird popstate.dat with another account first, then ours with these flags."""
    lines = ["# POP3 State File", "# This is a generated file!  Do not edit.", ""]
    lines += ["*other.example.com bob", "k OTHER1 1700000000"]
    lines += [f"*127.0.0.1 {user}"]
    lines += [f"{flag} {uid} 1700000000" for flag, uid in zip(flags, uids, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def test_the_file_is_read_off_the_gui_thread_and_refusals_are_plain(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real, real_guess = import_state.read_state, import_state.guess_kind

    def spy(kind: Kind, target: Target) -> Found:
        threads.append(threading.current_thread())
        return real(kind, target)

    def guess_spy(path: Path) -> Kind | None:
        threads.append(threading.current_thread())
        return real_guess(path)

    monkeypatch.setattr(import_state, "read_state", spy)
    monkeypatch.setattr(import_state, "guess_kind", guess_spy)
    path = tmp_path / "popstate.dat"
    path.write_bytes(popstate(["A", "B"], "kk", "someone"))
    dialog = ImportStateDialog(path, "127.0.0.1", "ann")
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.waitUntil(lambda: dialog.kind_combo.currentData() == "thunderbird")
    qtbot.waitUntil(lambda: "Nothing can be imported" in dialog.result_label.text())
    text = dialog.result_label.text()
    assert "no entry for ann at 127.0.0.1" in text, text
    assert "bob at other.example.com" in text and "someone at 127.0.0.1" in text
    assert not dialog.import_button.isEnabled()
    assert threads and threading.main_thread() not in threads

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("fetchmail"))  # the wrong kind
    qtbot.waitUntil(lambda: "is not a fetchmail .fetchids file" in dialog.result_label.text())
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize(("kind", "downloaded"), [("mpop", 3), ("thunderbird", 4)])
def test_import_then_get_mail_downloads_only_the_rest(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
    kind: str,
    downloaded: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliver(dovecot, dovecot_user, 5, seed=31)
    state = run_mpop(dovecot, dovecot_user)
    if kind == "thunderbird":  # the same UIDLs as Thunderbird keeps them: b was not fetched
        lines = state.read_text().splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(" 5 "))
        uids = lines[start + 1 : start + 6]
        state = state.with_name("popstate.dat")
        state.write_bytes(popstate(uids, "kkdkb", dovecot_user.name))
    deliver(dovecot, dovecot_user, 3, seed=32)  # three messages mpop never saw
    window = open_window()
    seen: list[QWidget] = []
    asked: list[str] = []

    def add(dialog: AccountDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "dovecot")
        qtbot.keyClicks(dialog.host_edit, "127.0.0.1")
        qtbot.keyClicks(dialog.port_edit, str(dovecot.plain_port))
        dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
        qtbot.keyClicks(dialog.user_edit, dovecot_user.name)
        dialog.command_radio.setChecked(True)
        dialog.command_edit.setText(password_command(dovecot_user.password))
        dialog.tabs.setCurrentWidget(dialog.mail)
        click(qtbot, dialog.first_sync.import_button)  # the file chooser answers `state`
        chooser = dialog.findChild(ImportStateDialog)
        assert chooser is not None and chooser.isVisible()
        qtbot.waitUntil(lambda: chooser.kind_combo.currentData() == kind)  # guessed from it
        qtbot.waitUntil(chooser.import_button.isEnabled, timeout=10_000)
        asked.append(chooser.result_label.text())
        click(qtbot, chooser.import_button)
        assert dialog.first_sync.import_note.isVisible()
        click(qtbot, dialog.ok_button)

    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_args: (str(state), ""))
    )
    when_modal(AccountDialog, add, seen)
    since = log_size(dovecot)
    window.accounts.add_account()
    assert seen, "the account dialog did not open"
    program = "Thunderbird" if kind == "thunderbird" else "mpop"
    assert asked[0].startswith(
        f"{program}: {5 if kind == 'mpop' else 4} messages already downloaded for "
        f"{dovecot_user.name} at 127.0.0.1. Import them?"
    ), asked

    maildir = profile.mail_dir / "dovecot"
    # The sync starts from the Qt event loop once the list is recorded: wait in it.
    qtbot.waitUntil(
        lambda: sum(1 for sub in ("new", "cur") for _ in (maildir / sub).glob("*")) == downloaded,
        timeout=SYNC_TIMEOUT_MS,
    )
    qtbot.waitUntil(lambda: not window.controller.is_busy("dovecot"), timeout=SYNC_TIMEOUT_MS)
    marker = f"pop3({dovecot_user.name})"
    lines = wait_for_log_lines(
        dovecot, lambda line: marker in line and "Logged out" in line, since=since
    )
    match = re.search(r"retr=(\d+)/", lines[-1])
    assert match and int(match.group(1)) == downloaded, lines[-1]
    assert sum(1 for sub in ("new", "cur") for _ in (maildir / sub).glob("*")) == downloaded


def test_the_maildir_already_holds_the_mail_saves_adopt(qtbot: QtBot, profile: Profile) -> None:
    """ "The Maildir already holds this mail" is `account add --adopt`: only with "All mail"
    (adopting is how all mail comes without the copies already there), never for POP2, and
    shown as it was chosen, read-only, for an existing account."""
    dialog = new_dialog(qtbot, profile)
    fill(qtbot, dialog)
    box = dialog.first_sync
    assert box.adopt_check.isEnabled() and not dialog.account().adopt
    click(qtbot, box.adopt_check)
    assert dialog.account().adopt and dialog.account().first_sync == "all"

    click(qtbot, box.new_radio)
    assert not box.adopt_check.isEnabled()
    assert (dialog.account().first_sync, dialog.account().adopt) == ("new", False)
    click(qtbot, box.all_radio)
    assert dialog.account().adopt  # the box kept its tick while it was not offered

    dialog.protocol_combo.setCurrentIndex(dialog.protocol_combo.findData("pop2"))
    assert not box.adopt_check.isEnabled()
    assert "POP2 has no unique message ids" in box.adopt_check.toolTip()
    assert not dialog.account().adopt

    adopted = Account(name="ann", host="pop.example.com", user="ann",
                      password_source="command", password_command="pass show mail",
                      adopt=True)  # fmt: skip
    existing = new_dialog(qtbot, profile, adopted).first_sync
    assert existing.adopt_check.isChecked() and not existing.adopt_check.isEnabled()
