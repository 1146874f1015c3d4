"""The local mail thread: one task at a time, in order, off the GUI thread, and nothing lost."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from popgui.errors import DeliveryError, PopguiError
from popgui.gui import mailthread
from popgui.gui.mailtasks import MailTasks


class _FakeMail:
    """Stands for a LocalMail; records the thread it was opened and closed in."""

    def __init__(self) -> None:
        self.opened_in: str | None = None
        self.closed_in: str | None = None

    def opener(self) -> tuple[Any, Callable[[], None]]:
        self.opened_in = threading.current_thread().name

        def close() -> None:
            self.closed_in = threading.current_thread().name

        return self, close


def test_tasks_run_in_order_in_their_own_thread(qtbot: QtBot) -> None:
    mail = _FakeMail()
    tasks = MailTasks(mail.opener)
    ran: list[tuple[int, bool]] = []
    results: list[int] = []
    try:
        for number in range(5):

            def work(got: Any, number: int = number) -> int:
                assert got is mail
                time.sleep(0.01 * (5 - number))  # the first is the slowest: order still holds
                ran.append((number, threading.current_thread() is threading.main_thread()))
                return number

            tasks.mail(work, results.append, lambda error: None)
        assert tasks.is_busy()
        with qtbot.waitSignal(tasks.idle, timeout=5000):
            pass
        assert results == [0, 1, 2, 3, 4]
        assert ran == [(n, False) for n in range(5)]
        assert mail.opened_in is not None and mail.opened_in != threading.main_thread().name
    finally:
        tasks.shutdown()
    assert mail.closed_in == mail.opened_in  # the connection is closed in its own thread


def test_errors_come_back_to_the_failed_callback(qtbot: QtBot) -> None:
    tasks = MailTasks(_FakeMail().opener)
    failures: list[PopguiError] = []
    done: list[object] = []

    def disk_full() -> None:
        raise DeliveryError("the disk is full")

    def bug() -> None:
        raise ZeroDivisionError("oops")

    try:
        tasks.file(disk_full, done.append, failures.append)
        tasks.file(bug, done.append, failures.append)
        with qtbot.waitSignal(tasks.idle, timeout=5000):
            pass
    finally:
        tasks.shutdown()
    assert done == []
    assert isinstance(failures[0], DeliveryError)
    assert type(failures[1]) is PopguiError and "ZeroDivisionError" in str(failures[1])


def test_shutdown_finishes_what_was_asked_first() -> None:
    mail = _FakeMail()
    tasks = MailTasks(mail.opener)
    written: list[int] = []
    for number in range(3):

        def work(number: int = number) -> None:
            time.sleep(0.02)
            written.append(number)

        tasks.file(work, lambda _none: None, lambda _error: None)
    tasks.shutdown()  # a settings write asked just before closing still lands
    assert written == [0, 1, 2]
    called: list[object] = []
    tasks.file(lambda: 1, called.append, called.append)  # after shutdown: ignored
    assert called == [] and not tasks.is_busy()


def test_a_thread_that_does_not_stop_in_time_is_kept_and_reported(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Closing the window must not wait forever on a stuck task, nor destroy the running
    QThread (Qt aborts the process): the thread is kept, and the log says so."""
    release = threading.Event()
    started = threading.Event()
    tasks = MailTasks(_FakeMail().opener)

    def stuck() -> None:
        started.set()
        release.wait(60)

    tasks.file(stuck, lambda _result: None, lambda _error: None)
    assert started.wait(30)
    with caplog.at_level(logging.WARNING, logger="popgui.gui.mailthread"):
        tasks.shutdown(timeout_ms=50)
    assert "the local mail thread did not stop in time" in caplog.text
    thread = tasks._thread
    assert thread is not None and thread.isRunning()
    assert any(kept is thread for kept, _worker in mailthread._KEPT)
    release.set()
    assert thread.wait(30_000)  # it ends once the task does
