"""A thread-safe cancel token shared by a front end and a worker.

The front end (the window's Stop button, Ctrl+C in the command line) calls
:meth:`CancelToken.cancel` from its own thread. The worker checks :attr:`CancelToken.cancelled`
between steps, and a transport registers a callback that closes its socket, so a read blocked in
the kernel returns at once instead of waiting for the server or the timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from popgui.catalog import network as says
from popgui.errors import CancelledError

_log = logging.getLogger(__name__)

__all__ = ["CancelToken"]


def _nothing() -> None:
    """The remove handle returned when there is nothing to remove."""


class CancelToken:
    """Set once, never reset; safe to use from any thread.

    Callbacks run exactly once, in the thread that calls :meth:`cancel` (or at once, in the
    caller's thread, when added to a token that is already cancelled). They must be quick and must
    not block: closing a socket is the intended use.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next_key = 0

    def cancel(self) -> None:
        """Ask the work to stop and run the registered callbacks; a second call does nothing."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            _run(callback)

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`~popgui.errors.CancelledError` when :meth:`cancel` has been called."""
        if self._event.is_set():
            raise CancelledError(says.CANCELLED())

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep until cancelled or until ``timeout`` seconds have passed; True when cancelled.

        Useful for pauses between retries that must end early on cancel.
        """
        return self._event.wait(timeout)

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run ``callback`` on cancel; returns a function that unregisters it (idempotent).

        When the token is already cancelled the callback runs immediately.
        """
        with self._lock:
            if not self._event.is_set():
                key = self._next_key
                self._next_key += 1
                self._callbacks[key] = callback

                def remove() -> None:
                    with self._lock:
                        self._callbacks.pop(key, None)

                return remove
        _run(callback)
        return _nothing


def _run(callback: Callable[[], None]) -> None:
    # One failing callback must not keep the others (other sockets) from being closed.
    try:
        callback()
    except Exception:
        _log.exception("a cancel callback failed")
