"""On server: the preview after a delete, Download Selected only for what is not here yet, and
the messages not downloaded yet easy to find (a Status column that sorts, a filter)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.onserver import OnServerView, ServerMessageModel
from popgui.localserver import ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account
from popgui.sync.selective import download_selected
from tests.gui import test_onserver as base
from tests.gui.test_onserver import PASSWORD, answer_dialog, controller_of, show_account, wait_for

# The On server view's fixtures (the local server, its account, the view), shared.
profile = base.profile
mailbox = base.mailbox
server = base.server
account = base.account
make_view = base.make_view

MakeView = Callable[..., OnServerView]


def shown_statuses(view: OnServerView) -> list[str]:
    proxy = view.proxy
    return [proxy.index(row, ServerMessageModel.STATUS).data() for row in range(proxy.rowCount())]


def test_after_delete_from_server_the_preview_no_longer_shows_the_message(
    qtbot: QtBot, make_view: MakeView, account: Account, mailbox: ServerMailbox
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    doomed = mailbox.messages()[3]
    wait_for(qtbot, view, "top", lambda: view.select_uids([doomed.uid]))
    assert view.preview.toPlainText()
    assert doomed.uid in view.selected_uids()
    said: list[str] = []
    answer_dialog("Delete from Server", said)
    wait_for(qtbot, view, "delete", view.delete_button.click)
    qtbot.waitUntil(lambda: view.model.rowCount() == 23, timeout=20_000)  # listed again
    assert doomed.uid not in mailbox.uids()
    assert view.preview.toPlainText() == ""
    assert not view.preview_header.isVisible() or not view.preview_header.text()
    assert view.selected_uids() == []
    assert not view.delete_button.isEnabled() and not view.download_button.isEnabled()


def test_download_selected_is_disabled_when_every_selected_message_is_here(
    qtbot: QtBot, make_view: MakeView, account: Account, mailbox: ServerMailbox
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    here, new = mailbox.uids()[0], mailbox.uids()[1]
    view.select_uids([here])
    wait_for(qtbot, view, "download", view.download_selected)
    assert view.model.items()[0].downloaded
    view.select_uids([here])
    assert not view.download_button.isEnabled()
    assert view.delete_button.isEnabled()
    view.select_uids([here, new])
    assert view.download_button.isEnabled()
    # asked anyway (a script, a stale button): it says so and asks the server nothing
    view.select_uids([here])
    view.download_selected()
    assert "already downloaded" in view.notice.text()
    assert "Downloaded 0" not in view.notice.text()
    assert not controller_of(view).is_busy(account.name)


def test_a_download_that_found_everything_here_says_already_downloaded(
    qtbot: QtBot,
    make_view: MakeView,
    account: Account,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    uid = mailbox.uids()[2]
    # downloaded behind the view's back (the command line, another window)
    assert download_selected(account, PASSWORD, profile, [uid]).downloaded == 1
    view.select_uids([uid])
    assert view.download_button.isEnabled()  # the view does not know yet
    finished = wait_for(qtbot, view, "download", view.download_button.click)
    assert getattr(finished.result, "downloaded", None) == 0
    assert "already downloaded" in view.notice.text()
    assert "Downloaded 0" not in view.notice.text()
    assert not view.download_button.isEnabled()  # marked now


def test_status_column_sorts_and_a_filter_shows_only_what_is_not_downloaded(
    qtbot: QtBot, make_view: MakeView, account: Account, mailbox: ServerMailbox
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    fetched = mailbox.uids()[5:8]
    view.select_uids(fetched)
    wait_for(qtbot, view, "download", view.download_selected)
    assert sorted(shown_statuses(view)) == ["Downloaded"] * 3 + ["Not downloaded"] * 21
    view.table.sortByColumn(ServerMessageModel.STATUS, Qt.SortOrder.AscendingOrder)
    assert shown_statuses(view) == ["Not downloaded"] * 21 + ["Downloaded"] * 3
    view.table.sortByColumn(ServerMessageModel.STATUS, Qt.SortOrder.DescendingOrder)
    assert shown_statuses(view)[:3] == ["Downloaded"] * 3

    check = view.only_new_check
    assert check.text().replace("&", "") == "Only not downloaded"
    assert not check.isChecked()
    check.click()
    assert shown_statuses(view) == ["Not downloaded"] * 21
    assert "24 messages" in view.summary.text()  # the summary still counts them all
    view.select_uids(mailbox.uids()[:2])
    wait_for(qtbot, view, "download", view.download_selected)
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 19, timeout=5000)  # fetched: gone
    check.click()
    assert view.proxy.rowCount() == 24


def test_status_column_is_wide_enough_for_its_words(
    qtbot: QtBot, make_view: MakeView, account: Account, profile: Profile
) -> None:
    assert sync_account(account, PASSWORD, profile).ok
    view = make_view()
    show_account(qtbot, view, account)
    header = view.table.horizontalHeader()
    metrics = view.table.fontMetrics()
    needed = max(metrics.horizontalAdvance(w) for w in ("Downloaded", "Not downloaded"))
    assert header.sectionSize(ServerMessageModel.STATUS) >= needed + 8


def test_what_is_downloaded_is_read_from_the_index_off_the_gui_thread(
    qtbot: QtBot,
    make_view: MakeView,
    account: Account,
    mailbox: ServerMailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a download On server greys out what is here now: a database read, done in the
    local mail thread like every other one (the window never waits on the disk)."""
    view = make_view()
    show_account(qtbot, view, account)
    reads: list[bool] = []
    delivered_uid_set = Database.delivered_uid_set

    def spy(database: Database, name: str) -> set[str]:
        reads.append(threading.current_thread() is threading.main_thread())
        return delivered_uid_set(database, name)

    monkeypatch.setattr(Database, "delivered_uid_set", spy)
    wanted = mailbox.uids()[2]
    view.select_uids([wanted])
    wait_for(qtbot, view, "download", view.download_selected)
    qtbot.waitUntil(
        lambda: any(item.downloaded for item in view.model.items() if item.uid == wanted),
        timeout=10_000,
    )
    assert reads and not any(reads), "the index was read on the GUI thread"
