"""Acting on the next modal dialog from a test, without outliving the test.

A modal dialog runs its own event loop, so a test acts on it from a timer. Both timers here
are bounded: the poll for the dialog gives up after ``within_ms``, and the guard that closes
a dialog the test left open (a failing test must not hang the run) belongs to the dialog, so
it dies with it instead of firing in a later test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

POLL_MS = 20
WITHIN_MS = 30_000
#: A dialog still open this long after the test acted on it is rejected (Cancel).
GUARD_MS = 60_000


def close_later(dialog: QDialog, after_ms: int = GUARD_MS) -> None:
    """Reject ``dialog`` after ``after_ms`` if it is still open; the timer is its child."""
    guard = QTimer(dialog)
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: dialog.isVisible() and dialog.reject())
    guard.start(after_ms)


def when_modal(
    kind: type[QWidget],
    act: Callable[[Any], None],
    seen: list[QWidget],
    *,
    within_ms: int = WITHIN_MS,
) -> None:
    """Call ``act`` on the next modal dialog of this kind once it is open (appended to
    ``seen``); stop looking after ``within_ms`` (then ``seen`` stays empty)."""
    deadline = time.monotonic() + within_ms / 1000

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            if time.monotonic() < deadline:
                QTimer.singleShot(POLL_MS, poll)
            return
        seen.append(dialog)
        if isinstance(dialog, QDialog):
            close_later(dialog)
        act(dialog)

    QTimer.singleShot(0, poll)
