"""A worker thread with a LocalMail of its own: what the index reader and the local mail tasks
share.

SQLite connections stay in the thread that opened them, so each such thread opens its own
LocalMail when its first job needs it, and closes it in that thread as the thread finishes.
The thread itself starts when first used, so the window shows without waiting for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, SignalInstance, Slot

if TYPE_CHECKING:
    from popgui.store.localmail import LocalMail

_log = logging.getLogger(__name__)

__all__ = ["MailOpener", "MailWorker", "start_worker_thread", "wait_for_worker_thread"]

#: Opens a thread's own LocalMail; returns it and how to close it (in that thread).
MailOpener = Callable[[], "tuple[LocalMail, Callable[[], None]]"]


class MailWorker(QObject):
    """Lives in its thread; opens its LocalMail on first use (:meth:`open_mail`).

    Signals:
        done(object): the result of a job, emitted in the worker's thread.
    """

    done = Signal(object)

    def __init__(self, opener: MailOpener) -> None:
        super().__init__()
        self._opener = opener
        self._mail: LocalMail | None = None
        self._close: Callable[[], None] | None = None

    def open_mail(self) -> LocalMail:
        if self._mail is None:
            self._mail, self._close = self._opener()
        return self._mail

    @Slot()
    def close(self) -> None:
        """Close the connection (called in the worker's thread as it finishes)."""
        if self._close is not None:
            self._close()
        self._mail = self._close = None


def start_worker_thread(
    name: str,
    worker: MailWorker,
    run: Callable[[Any], None],
    submit: SignalInstance,
    finished: Callable[[Any], None],
) -> QThread:
    """Move *worker* to a new thread named *name*, connect *submit* to *run* (the worker's slot
    that does a job) and the worker's ``done`` signal to *finished*, and start the thread."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    submit.connect(run)
    worker.done.connect(finished)
    # Direct: QThread.finished is emitted in the thread itself, where the connection lives.
    thread.finished.connect(worker.close, Qt.ConnectionType.DirectConnection)
    thread.start()
    return thread


#: Threads that did not stop in time, with their workers: a running QThread must never be
#: destroyed (Qt aborts the process), so they are kept until the process ends.
_KEPT: list[tuple[QThread, MailWorker | None]] = []


def wait_for_worker_thread(
    thread: QThread, worker: MailWorker | None, timeout_ms: int, what: str
) -> None:
    """Wait at most *timeout_ms* for *thread* to finish; keep it alive (and say so) if not."""
    if not thread.wait(max(0, timeout_ms)):
        _log.warning("the %s thread did not stop in time", what)
        _KEPT.append((thread, worker))
