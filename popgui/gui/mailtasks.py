"""Local mail work off the GUI thread: the window's file and SQLite writes and reads.

Marking read renames a file and updates the index; moving to Trash renames files; saving a
message copies it; a folder is a directory; the settings are a file. Any of these can wait on
a slow or busy disk (or on the engine's transaction in the same database), so the window never
does them itself: it hands them to :class:`MailTasks`, which runs them **one at a time, in the
order asked** in a thread of its own, on a SQLite connection of its own, and hands each result
(or its :class:`~popgui.errors.PopguiError`) back on the GUI thread.

One thread and one queue keep the order a person sees: a message marked read and then moved is
marked before it is moved, and a settings file written twice ends as the second write.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from popgui.errors import PopguiError
from popgui.gui.mailthread import (
    MailOpener,
    MailWorker,
    start_worker_thread,
    wait_for_worker_thread,
)

if TYPE_CHECKING:
    from popgui.store.localmail import LocalMail

__all__ = ["MailTasks"]

_log = logging.getLogger(__name__)

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Task:
    id: int
    work: Callable[[Callable[[], LocalMail]], object]


@dataclass(frozen=True)
class _Outcome:
    id: int
    value: object
    error: PopguiError | None


class _TaskWorker(MailWorker):
    """Lives in the tasks thread; opens its LocalMail when a task first needs it."""

    @Slot(object)
    def run(self, task: _Task | None) -> None:
        if task is None:  # shutdown: every task asked before has run
            thread = self.thread()
            thread.quit()
            return
        try:
            value = task.work(self.open_mail)
        except PopguiError as error:
            self.done.emit(_Outcome(task.id, None, error))
            return
        except Exception as error:  # a bug must not kill the thread
            _log.exception("a local mail task failed unexpectedly")
            words = QCoreApplication.translate("MailTasks", "this is a popgui bug: {error}")
            bug = PopguiError(words.format(error=f"{type(error).__name__}: {error}"))
            self.done.emit(_Outcome(task.id, None, bug))
            return
        self.done.emit(_Outcome(task.id, value, None))


class MailTasks(QObject):
    """Runs local mail work in a thread of its own, in order; results come back on this thread.

    :meth:`mail` runs ``work(local_mail)``; :meth:`file` runs ``work()`` (no database needed).
    ``done(value)`` or ``failed(error)`` is then called on the GUI thread. After
    :meth:`shutdown` nothing more is run or called back.

    Signals:
        idle(): no task is running or waiting any more (tests wait for it).
    """

    idle = Signal()
    _submit = Signal(object)

    def __init__(self, opener: MailOpener, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._opener = opener
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[Callable[[object], None], Callable[[PopguiError], None]]]
        self._waiting = {}
        self._thread: QThread | None = None
        self._worker: _TaskWorker | None = None
        self._closed = False

    def mail(
        self,
        work: Callable[[LocalMail], _T],
        done: Callable[[_T], None],
        failed: Callable[[PopguiError], None],
    ) -> None:
        """Run ``work`` with the tasks thread's LocalMail."""
        self._start(lambda open_mail: work(open_mail()), done, failed)

    def file(
        self,
        work: Callable[[], _T],
        done: Callable[[_T], None],
        failed: Callable[[PopguiError], None],
    ) -> None:
        """Run ``work`` (a file read or write that needs no database) in the tasks thread."""
        self._start(lambda _open_mail: work(), done, failed)

    def is_busy(self) -> bool:
        return bool(self._waiting)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Run what was asked so far, then stop the thread (waiting at most ``timeout_ms``)."""
        if self._closed:
            return
        self._closed = True
        self._waiting.clear()
        if self._thread is not None:
            self._submit.emit(None)  # after the tasks already queued
            wait_for_worker_thread(self._thread, self._worker, timeout_ms, "local mail")

    def _start(
        self,
        work: Callable[[Callable[[], LocalMail]], object],
        done: Callable[[_T], None],
        failed: Callable[[PopguiError], None],
    ) -> None:
        if self._closed:
            return
        if self._thread is None:
            self._launch()
        task = _Task(next(self._ids), work)
        self._waiting[task.id] = (cast("Callable[[object], None]", done), failed)
        self._submit.emit(task)

    def _launch(self) -> None:
        worker = self._worker = _TaskWorker(self._opener)
        self._thread = start_worker_thread(
            "popgui-local-mail", worker, worker.run, self._submit, self._finished
        )

    @Slot(object)
    def _finished(self, outcome: _Outcome) -> None:
        callbacks = self._waiting.pop(outcome.id, None)
        if callbacks is None:
            return  # shut down meanwhile
        done, failed = callbacks
        if outcome.error is not None:
            failed(outcome.error)
        else:
            done(outcome.value)
        if not self._waiting:
            self.idle.emit()
