"""One piece of work (a file read, a database read) run in a thread of its own, its answer
given back on the GUI thread: the GUI thread does no file or SQLite work (docs/gui.md).

A plain thread fills a Future; a single-shot timer on the GUI thread looks at it every
:data:`POLL_MS` until it is filled (the keyring check of the account dialog runs on it too).
No Qt object belongs to the piece of work, so nothing of it is ever freed inside a Qt
destructor or in the worker thread: when the widget that asked is destroyed first, a flag
says so and the answer is dropped at the next look, on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

_T = TypeVar("_T")

#: How often the GUI thread looks whether the answer is there (milliseconds).
POLL_MS = 30
#: The pieces of work whose answer is awaited (touched on the GUI thread only).
_WAITING: set[OffThread[Any]] = set()


class _Gone:
    """Set when the asking widget is destroyed. It holds nothing else, so the connection
    to ``destroyed`` that Qt drops during the destruction frees no widget's wrapper."""

    def __init__(self) -> None:
        self.is_set = False

    def set(self) -> None:
        self.is_set = True


class OffThread(Generic[_T]):
    """Runs ``work`` in a thread; ``done(result)`` or ``failed(error)`` on the GUI thread,
    unless ``parent`` was destroyed meanwhile.

    ``work`` must hold no Qt object: it is dropped in the worker thread.
    """

    def __init__(
        self,
        work: Callable[[], _T],
        done: Callable[[_T], object],
        failed: Callable[[Exception], object],
        parent: QObject,
    ) -> None:
        self._future: Future[_T] = Future()
        self._done, self._failed = done, failed
        self._gone = _Gone()
        parent.destroyed.connect(self._gone.set)
        future = self._future

        def run() -> None:
            try:
                future.set_result(work())
            except Exception as error:  # said by ``failed``
                future.set_exception(error)

        threading.Thread(target=run, name="popgui-off-gui", daemon=True).start()
        _WAITING.add(self)  # kept until the answer is given (a timer holds no strong reference)
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        if self._gone.is_set:
            _WAITING.discard(self)
            return  # the widget that asked is gone: nobody to answer
        if not self._future.done():
            QTimer.singleShot(POLL_MS, self._poll)
            return
        _WAITING.discard(self)
        error = self._future.exception()
        if error is None:
            self._done(self._future.result())
        elif isinstance(error, Exception):
            self._failed(error)
