"""OffThread: the work runs off the GUI thread, the answer comes on it, and a widget
destroyed before the answer gets none (and nothing crashes)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.gui.offthread import POLL_MS, OffThread


def test_the_answer_comes_on_the_gui_thread(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    ran_in: list[threading.Thread] = []
    answered_in: list[threading.Thread] = []

    def work() -> int:
        ran_in.append(threading.current_thread())
        return 42

    def done(value: int) -> None:
        answered_in.append(threading.current_thread())
        assert value == 42

    OffThread(work, done, lambda error: None, widget)
    qtbot.waitUntil(lambda: bool(answered_in))
    assert ran_in[0] is not threading.main_thread()
    assert answered_in == [threading.main_thread()]


def test_a_failure_is_given_to_failed(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    errors: list[Exception] = []

    def work() -> int:
        raise OSError("disk gone")

    OffThread(work, lambda value: None, errors.append, widget)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], OSError) and str(errors[0]) == "disk gone"


def test_a_widget_destroyed_before_the_answer_gets_none(qtbot: QtBot) -> None:
    release = threading.Event()
    answers: list[object] = []
    for _ in range(20):
        widget = QWidget()
        OffThread(release.wait, answers.append, answers.append, widget)
        widget.deleteLater()
    qtbot.wait(3 * POLL_MS)  # the widgets are deleted while their work still runs
    release.set()
    qtbot.wait(10 * POLL_MS)
    assert answers == []
