"""Errors never go stale: each account keeps its last error until it works again.

The servers are the project's own local POP3 servers, stopped and started again on the same
port, as a person would see a server go down and come back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from popgui.gui.worker import JobFinished
from popgui.localserver import LocalPOP3Server, ServerAccount, sample_messages
from popgui.profile import Profile
from tests.gui.conftest import MAIL_PASSWORD, MAIL_USER, account_for, mailbox_of, save_accounts

Opener = Callable[..., Any]
TIMEOUT_MS = 20_000


def stopped_server() -> LocalPOP3Server:
    """A local server that ran on a port and was stopped: its port now refuses connections,
    and :meth:`LocalPOP3Server.start` brings it back on that same port."""
    account = ServerAccount(MAIL_USER, MAIL_PASSWORD, mailbox_of(sample_messages()[:3]))
    server = LocalPOP3Server([account]).start()
    server.stop()
    return server


def finished_job(
    qtbot: QtBot, window: Any, name: str, kind: str, action: Callable[[], Any]
) -> JobFinished:
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda f: f.account == name and f.kind == kind,
    ) as blocker:
        action()
    finished: JobFinished = blocker.args[0]
    return finished


def line_and_tooltip(window: Any, name: str) -> tuple[str, str]:
    index = window.account_model.index(window.account_model.row_of(name), 0)
    return (
        str(index.data(Qt.ItemDataRole.DisplayRole)),
        str(index.data(Qt.ItemDataRole.ToolTipRole)),
    )


def shown_text(widget: Any) -> str:
    """Every label a person can see in ``widget``."""
    labels = [label for label in widget.findChildren(QLabel) if label.isVisible()]
    return "\n".join(label.text() for label in labels)


def shown_buttons(widget: Any) -> list[QPushButton]:
    return [button for button in widget.findChildren(QPushButton) if button.isVisible()]


# -- item 3: On server ---------------------------------------------------------------------------


def test_on_server_offers_try_again_and_a_success_clears_the_error(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    save_accounts(profile, [account_for("home", pop3_server)])
    window = open_window()
    finished_job(qtbot, window, "home", "sync", window.get_mail)
    assert window.account_model.state("home").kind == "new"  # "24 new"
    view = window.on_server_view
    finished_job(qtbot, window, "home", "preview", window.show_on_server)
    assert view.model.rowCount() == 24

    pop3_server.stop()
    failed = finished_job(qtbot, window, "home", "preview", view.refresh_button.click)

    assert failed.error is not None
    assert view.notice.isVisible()
    tries = [b for b in shown_buttons(view) if b.text().replace("&", "") == "Try again"]
    assert tries, "a failed refresh offers Try again"
    line, tooltip = line_and_tooltip(window, "home")
    assert "no new mail" not in line and "24 new" not in line
    assert "network error" in line, line
    assert "could not connect" in tooltip.lower(), tooltip

    pop3_server.start()  # the server is back, on the same port
    worked = finished_job(qtbot, window, "home", "preview", tries[0].click)

    assert worked.error is None
    assert not view.notice.isVisible(), view.notice.text()
    assert not [b for b in shown_buttons(view) if b.text().replace("&", "") == "Try again"]
    assert view.model.rowCount() == 24
    line, tooltip = line_and_tooltip(window, "home")
    assert "error" not in line and "could not connect" not in tooltip.lower(), (line, tooltip)


def on_server_after_a_failed_refresh(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> tuple[Any, Any]:
    """The window on On server for "home", listed once; then the server stops and a Refresh
    fails. Returns the window and the view (the server is left stopped)."""
    save_accounts(profile, [account_for("home", pop3_server)])
    window = open_window()
    view = window.on_server_view
    finished_job(qtbot, window, "home", "preview", window.show_on_server)
    pop3_server.stop()
    finished_job(qtbot, window, "home", "preview", view.refresh_button.click)
    return window, view


def test_a_later_refresh_that_works_clears_the_red_notice(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    window, view = on_server_after_a_failed_refresh(qtbot, profile, pop3_server, open_window)
    assert view.notice.isVisible()
    pop3_server.start()

    finished_job(qtbot, window, "home", "preview", view.refresh_button.click)

    assert not view.notice.isVisible(), view.notice.text()


def test_get_mail_that_works_clears_the_on_server_error(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    window, view = on_server_after_a_failed_refresh(qtbot, profile, pop3_server, open_window)
    pop3_server.start()

    finished_job(qtbot, window, "home", "sync", window.get_mail)

    assert window.account_model.state("home").kind == "new"
    qtbot.waitUntil(lambda: not view.notice.isVisible(), timeout=TIMEOUT_MS)


def test_a_failed_download_offers_try_again_which_downloads_those_messages(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    save_accounts(profile, [account_for("home", pop3_server)])
    window = open_window()
    view = window.on_server_view
    finished_job(qtbot, window, "home", "preview", window.show_on_server)
    uids = [item.uid for item in view.model.items()[:2]]
    view.select_uids(uids)
    pop3_server.stop()
    failed = finished_job(qtbot, window, "home", "download", view.download_button.click)
    assert failed.error is not None
    assert view.retry_button.isVisible() and view.notice.isVisible()
    pop3_server.start()

    worked = finished_job(qtbot, window, "home", "download", view.retry_button.click)

    assert worked.error is None and worked.result.downloaded == 2
    assert not view.retry_button.isVisible()
    assert "Downloaded 2 messages" in view.notice.text()


# -- item 6: several failing accounts --------------------------------------------------------------


def three_accounts(
    profile: Profile, pop3_server: LocalPOP3Server
) -> tuple[LocalPOP3Server, LocalPOP3Server]:
    down_a, down_b = stopped_server(), stopped_server()
    save_accounts(
        profile,
        [
            account_for("home", pop3_server),
            account_for("work", down_a),
            account_for("club", down_b),
        ],
    )
    return down_a, down_b


def get_mail_everywhere(qtbot: QtBot, window: Any) -> None:
    window.get_mail()
    qtbot.waitUntil(
        lambda: all(
            window.account_model.state(name).kind not in ("idle", "checking")
            for name in ("home", "work", "club")
        ),
        timeout=TIMEOUT_MS,
    )


def test_every_failing_account_keeps_its_error_and_the_bar_lists_them_all(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    down_a, down_b = three_accounts(profile, pop3_server)
    window = open_window()

    get_mail_everywhere(qtbot, window)

    bar = window.message_bar
    assert bar.isVisible()
    text = shown_text(bar)
    assert "2 accounts could not be checked" in text, text
    assert "work" in text and "club" in text and "home" not in text, text
    assert text.lower().count("could not connect") == 2, text
    tries = [b for b in shown_buttons(bar) if b.text() == "Try again"]
    assert sorted(b.property("account") for b in tries) == ["club", "work"]
    for name, server in (("work", down_a), ("club", down_b)):
        line, tooltip = line_and_tooltip(window, name)
        assert "network error" in line, line
        assert f"could not connect to 127.0.0.1:{server.port}" in tooltip.lower(), tooltip
        assert "(network)" not in line + tooltip

    close = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
    assert len(close) == 1
    close[0].click()  # Dismiss

    assert not bar.isVisible()
    for name in ("work", "club"):
        line, tooltip = line_and_tooltip(window, name)
        assert "network error" in line and "could not connect" in tooltip.lower()
        assert window.account_model.state(name).kind == "error"

    down_a.start()
    try:
        work = window.settings.get("work")
        finished_job(qtbot, window, "work", "sync", lambda: window.controller.sync([work]))
        line, tooltip = line_and_tooltip(window, "work")
        assert "error" not in line and "could not connect" not in tooltip.lower(), (line, tooltip)
        line, tooltip = line_and_tooltip(window, "club")
        assert "network error" in line and "could not connect" in tooltip.lower()
    finally:
        down_a.stop()


def test_try_again_in_the_list_retries_that_account_only(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    down_a, _down_b = three_accounts(profile, pop3_server)
    window = open_window()
    get_mail_everywhere(qtbot, window)
    bar = window.message_bar
    down_a.start()
    try:
        work_retry = next(
            b
            for b in shown_buttons(bar)
            if b.text() == "Try again" and b.property("account") == "work"
        )
        finished_job(qtbot, window, "work", "sync", work_retry.click)

        assert window.account_model.state("work").kind == "new"
        assert window.account_model.state("club").kind == "error"
        qtbot.waitUntil(lambda: "work" not in shown_text(bar), timeout=TIMEOUT_MS)
        assert bar.isVisible() and "club" in shown_text(bar)
        assert "could not be checked" not in shown_text(bar)  # one account left: one sentence
    finally:
        down_a.stop()


def test_the_account_line_never_shows_the_raw_kind_in_french(
    qtbot: QtBot, french: None, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    three_accounts(profile, pop3_server)
    window = open_window()

    get_mail_everywhere(qtbot, window)

    for name in ("work", "club"):
        line, tooltip = line_and_tooltip(window, name)
        assert "(network)" not in line + tooltip and "network" not in line, (line, tooltip)
        assert "erreur réseau" in line, line
    assert "2 comptes" in shown_text(window.message_bar), shown_text(window.message_bar)


def test_a_sign_in_or_password_problem_gets_its_own_action_in_the_list(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    down = stopped_server()
    save_accounts(
        profile,
        [
            account_for("home", pop3_server, password_command="echo not-the-password"),
            account_for("work", down),
        ],
    )
    window = open_window()
    window.get_mail()
    qtbot.waitUntil(
        lambda: all(window.account_model.state(n).kind == "error" for n in ("home", "work")),
        timeout=TIMEOUT_MS,
    )
    buttons = {(b.property("account"), b.text()) for b in shown_buttons(window.message_bar)}
    assert buttons == {("home", "Edit account…"), ("work", "Try again")}, buttons
    line, _tooltip = line_and_tooltip(window, "home")
    assert "password refused" in line


def test_a_server_asking_to_wait_in_on_server_leaves_the_account_line_alone(
    qtbot: QtBot, profile: Profile, open_window: Opener
) -> None:
    """Looking at On server right after a check meets the server's LOGIN-DELAY: On server
    says so; the account line keeps "24 new" (no error: nothing is wrong with the account)."""
    box = mailbox_of(sample_messages())
    with LocalPOP3Server([ServerAccount(MAIL_USER, MAIL_PASSWORD, box)], login_delay=600) as server:
        save_accounts(profile, [account_for("home", server)])
        window = open_window()
        finished_job(qtbot, window, "home", "sync", window.get_mail)
        refused = finished_job(qtbot, window, "home", "preview", window.show_on_server)

    assert refused.error is not None
    assert window.on_server_view.notice.isVisible()
    qtbot.waitUntil(lambda: window.account_model.state("home").kind == "new", timeout=TIMEOUT_MS)
    assert not window.message_bar.isVisible()
