"""One piece of work (a file read, a database read) run in a thread of its own, its answer
given back on the GUI thread: the GUI thread does no file or SQLite work (docs/gui.md).

A plain thread fills a Future, a timer on the GUI thread polls it (the keyring check of the
account dialog runs on it too). A dialog that is closed meanwhile takes the timer
with it (the object is its child), so no answer reaches a widget that is gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: How often the GUI thread looks whether the answer is there (milliseconds).
POLL_MS = 30
#: The pieces of work whose answer is awaited (touched on the GUI thread only).
_WAITING: set[OffThread[Any]] = set()


class OffThread(Generic[_T]):
    """Runs ``work`` in a thread; ``done(result)`` or ``failed(error)`` on the GUI thread.

    Not a QObject itself: only its timer is, a child of ``parent``, so a closed dialog takes
    it along. :data:`_WAITING` keeps this object until the answer is given or the timer is
    gone, so it is freed on the GUI thread, never in the worker thread.
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
        self._timer = QTimer(parent)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        _WAITING.add(self)
        self._timer.destroyed.connect(lambda: _WAITING.discard(self))
        future = self._future

        def run() -> None:
            try:
                future.set_result(work())
            except Exception as error:  # said by ``failed``; a bug is logged too
                future.set_exception(error)

        threading.Thread(target=run, name="popgui-off-gui", daemon=True).start()
        self._timer.start()

    def _poll(self) -> None:
        if not self._future.done():
            return
        self._timer.stop()
        self._timer.deleteLater()
        _WAITING.discard(self)
        error = self._future.exception()
        if error is None:
            self._done(self._future.result())
        elif isinstance(error, Exception):
            self._failed(error)
