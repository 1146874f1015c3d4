"""Waiting for Dovecot's log: its log process writes a line some time after the event.

A client's connection is over before Dovecot's ``log`` process has written what happened (the
login process hands the line to it through a pipe). Reading the log at once can miss the line
on a loaded machine; these helpers poll for it with a generous timeout instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.support.dovecot import DovecotServer

LOG_TIMEOUT = 30.0


def log_size(dovecot: DovecotServer) -> int:
    """Where the log ends now: pass it as ``since`` to see only what comes after."""
    try:
        return dovecot.log_file.stat().st_size
    except FileNotFoundError:
        return 0


def log_since(dovecot: DovecotServer, since: int) -> str:
    try:
        with dovecot.log_file.open("rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def wait_for_log_lines(
    dovecot: DovecotServer,
    wanted: Callable[[str], bool],
    *,
    count: int = 1,
    since: int = 0,
    timeout: float = LOG_TIMEOUT,
) -> list[str]:
    """The log lines (after byte offset ``since``) for which ``wanted`` is true, once there are
    at least ``count`` of them; AssertionError with the log's tail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        text = log_since(dovecot, since)
        lines = [line for line in text.splitlines() if wanted(line)]
        if len(lines) >= count:
            return lines
        if time.monotonic() > deadline:
            tail = "\n".join(text.splitlines()[-20:])
            raise AssertionError(
                f"Dovecot logged {len(lines)} of the {count} expected line(s) within "
                f"{timeout:g} s; its log ends with:\n{tail}"
            )
        time.sleep(0.05)
