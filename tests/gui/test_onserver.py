"""OnServerView against the project's own local POP3 and POP2 servers."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.errors import CredentialsError
from popgui.gui.indexreader import open_profile_mail
from popgui.gui.mailtasks import MailTasks
from popgui.gui.onserver import POP2_EXPLANATION, OnServerView, ServerMessageModel, preview_text
from popgui.gui.worker import EngineController, JobFinished
from popgui.localserver import (
    LocalPOP2Server,
    LocalPOP3Server,
    ServerAccount,
    ServerMailbox,
    sample_messages,
)
from popgui.profile import Profile
from popgui.sync.engine import sync_account

USER = "alice"
PASSWORD = "correct horse"


class FakeSecrets:
    def __init__(self, password: str = PASSWORD) -> None:
        self.password = password

    def __call__(self) -> FakeSecrets:
        return self

    def get_password(self, account: Account) -> str:
        return self.password


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def mailbox() -> ServerMailbox:
    return ServerMailbox(sample_messages())


@pytest.fixture
def server(mailbox: ServerMailbox) -> Iterator[LocalPOP3Server]:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as running:
        yield running


@pytest.fixture
def account(server: LocalPOP3Server) -> Account:
    return Account(name="work", host=server.host, port=server.port, security="none", user=USER)


@pytest.fixture
def make_view(qtbot: QtBot, profile: Profile) -> Iterator[Callable[..., OnServerView]]:
    controllers: list[EngineController] = []
    tasks = MailTasks(open_profile_mail(profile))

    def make(password: str = PASSWORD) -> OnServerView:
        controller = EngineController(profile, secret_store=FakeSecrets(password))
        controllers.append(controller)
        view = OnServerView(controller, tasks)
        qtbot.addWidget(view)
        view.resize(900, 620)
        view.show()
        return view

    yield make
    for controller in controllers:
        controller.shutdown(5000)
    tasks.shutdown(5000)


def controller_of(view: OnServerView) -> EngineController:
    return view._controller


def wait_for(
    qtbot: QtBot, view: OnServerView, kind: str, action: Callable[[], None]
) -> JobFinished:
    """Run ``action``; wait for its job, and after a download or a check for the rows to say
    what is on this computer now (read from the index in the local mail thread)."""
    with contextlib.ExitStack() as waits:
        if kind in ("download", "sync") and view.model.rowCount() > 0:
            waits.enter_context(qtbot.waitSignal(view.marked, timeout=20_000))
        blocker = waits.enter_context(
            qtbot.waitSignal(
                controller_of(view).finished,
                timeout=20_000,
                check_params_cb=lambda f: f.kind == kind,
            )
        )
        action()
    return blocker.args[0]


def show_account(qtbot: QtBot, view: OnServerView, account: Account) -> None:
    wait_for(qtbot, view, "preview", lambda: view.set_account(account))


def maildir_contents(profile: Profile, account: Account) -> list[bytes]:
    path = account.maildir_path(profile)
    files = [*(path / "new").iterdir(), *(path / "cur").iterdir()] if path.exists() else []
    return sorted(file.read_bytes() for file in files)


def stored(contents: list[bytes]) -> list[bytes]:
    return sorted(content.replace(b"\r\n", b"\n") for content in contents)


def answer_dialog(button_text: str, seen: list[str]) -> None:
    """Press ``button_text`` in the next modal message box, noting what it said."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(f"{box.text()} {box.informativeText()}")
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        box.reject()

    QTimer.singleShot(0, answer)


def test_lists_the_server_messages(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    model = view.model
    assert model.rowCount() == len(mailbox)
    assert {item.uid for item in model.items()} == set(mailbox.uids())
    assert not any(item.downloaded for item in model.items())
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["From", "Subject", "Date", "Size", "Status"]
    assert "24 messages" in view.summary.text()
    assert view.download_all_button.isEnabled()
    assert not view.download_button.isEnabled()  # nothing selected yet
    assert not view.busy.isVisible()


def test_downloaded_messages_are_marked_and_greyed(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    profile: Profile,
) -> None:
    assert sync_account(account, PASSWORD, profile).ok
    view = make_view()
    show_account(qtbot, view, account)
    model = view.model
    assert all(item.downloaded for item in model.items())
    index = model.index(0, ServerMessageModel.STATUS)
    assert model.data(index) == "Downloaded"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert not view.download_all_button.isEnabled()


def test_a_sync_marks_rows_without_asking_the_server_again(
    qtbot: QtBot, make_view: Callable[..., OnServerView], account: Account
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    wait_for(qtbot, view, "sync", lambda: controller_of(view).sync([account]))
    assert all(item.downloaded for item in view.model.items())
    assert "0 not downloaded yet" in view.summary.text()


def test_preview_pane_shows_the_first_lines(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    mailbox: ServerMailbox,
    tmp_path: Path,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    view.select_uids(mailbox.uids()[-5:-2])  # some rows downloaded, for the screenshot
    wait_for(qtbot, view, "download", view.download_selected)
    message = mailbox.messages()[3]
    finished = wait_for(qtbot, view, "top", lambda: view.select_uids([message.uid]))
    assert finished.error is None
    body = message.content.split(b"\r\n\r\n", 1)[1]
    first_line = next(line for line in body.decode().splitlines() if line.strip())
    assert first_line.strip()[:20] in view.preview.toPlainText()
    assert view.preview.isReadOnly()
    assert view.grab().save(str(tmp_path / "popgui-onserver.png"))


def test_download_selected_downloads_exactly_those(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    chosen = mailbox.messages()[2:5]
    view.select_uids([message.uid for message in chosen])
    assert view.download_button.isEnabled()
    finished = wait_for(qtbot, view, "download", view.download_button.click)
    assert finished.error is None
    assert maildir_contents(profile, account) == stored([m.content for m in chosen])
    marked = {item.uid for item in view.model.items() if item.downloaded}
    assert marked == {message.uid for message in chosen}
    assert "Downloaded 3 messages" in view.notice.text()
    assert len(mailbox) == 24  # nothing deleted on the server


def test_download_all_new_takes_only_the_new_ones(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    view.select_uids([mailbox.uids()[0]])
    wait_for(qtbot, view, "download", view.download_selected)
    finished = wait_for(qtbot, view, "download", view.download_all_button.click)
    assert getattr(finished.result, "downloaded", None) == 23
    assert maildir_contents(profile, account) == stored(mailbox.contents())


def test_delete_from_server_after_confirmation(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    doomed = mailbox.uids()[:2]
    view.select_uids(doomed)
    said: list[str] = []
    answer_dialog("Delete from Server", said)
    wait_for(qtbot, view, "delete", view.delete_button.click)
    assert "Delete 2 messages from the server?" in said[0]
    assert "cannot be undone" in said[0] and "2 of them are not on this computer" in said[0]
    assert not set(doomed) & set(mailbox.uids()) and len(mailbox) == 22
    qtbot.waitUntil(lambda: view.model.rowCount() == 22, timeout=20_000)  # listed again


def test_delete_cancelled_deletes_nothing(
    qtbot: QtBot,
    make_view: Callable[..., OnServerView],
    account: Account,
    mailbox: ServerMailbox,
) -> None:
    view = make_view()
    show_account(qtbot, view, account)
    view.select_uids(mailbox.uids()[:1])
    said: list[str] = []
    answer_dialog("Cancel", said)
    view.delete_button.click()
    assert said and "Delete 1 message from the server?" in said[0]
    assert not controller_of(view).is_busy("work")
    assert len(mailbox) == 24


def test_pop2_account_gets_an_explanation_and_no_request(
    qtbot: QtBot, make_view: Callable[..., OnServerView], mailbox: ServerMailbox
) -> None:
    with LocalPOP2Server([ServerAccount(USER, PASSWORD, mailbox)]) as pop2:
        account = Account(name="old", host=pop2.host, port=pop2.port, protocol="pop2",
                          security="none", user=USER)  # fmt: skip
        view = make_view()
        asked: list[JobFinished] = []
        controller_of(view).busyChanged.connect(lambda *_args: asked.append(None))  # type: ignore[arg-type]
        view.set_account(account)
        qtbot.wait(200)
    assert not asked
    assert view.pages.currentWidget() is view.explanation
    assert view.explanation.text() == POP2_EXPLANATION
    assert "TOP" in POP2_EXPLANATION and "Get Mail" in POP2_EXPLANATION
    assert not view.download_button.isVisible() and not view.refresh_button.isVisible()


def test_errors_are_shown_in_plain_words(
    qtbot: QtBot, make_view: Callable[..., OnServerView], account: Account
) -> None:
    view = make_view(password="wrong")
    with qtbot.waitSignal(controller_of(view).finished, timeout=20_000) as blocker:
        view.set_account(account)
    assert isinstance(blocker.args[0].error, CredentialsError)
    assert view.notice.isVisible()
    assert "password in the account settings" in view.notice.text()
    assert view.refresh_button.isEnabled()


def test_preview_text_decodes_quoted_printable() -> None:
    data = (
        b"From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 au lait=\r\n ce matin\r\n"
    )
    assert preview_text(data) == "Café au lait ce matin"
    assert preview_text(b"Subject: only headers\r\n") == ""
