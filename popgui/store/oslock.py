"""An exclusive, non-blocking lock on an open file that dies with its process.

POSIX has ``fcntl.flock`` (the whole file, advisory); Windows has ``msvcrt.locking`` (a byte
range, mandatory). Both are dropped by the system when the descriptor is closed or the process
dies, even by ``kill -9`` or a crash, so a lock is never left stale. Each module is imported
only on its own platform, when first needed: nothing here fails to import anywhere.

:data:`WINDOWS` picks the branch; tests set it to run the Windows branch on Linux.
"""

from __future__ import annotations

import errno
import importlib
import os
from typing import Any

__all__ = ["WINDOWS", "try_lock", "unlock"]

#: Whether to use the Windows mechanism (``msvcrt``) rather than POSIX's (``fcntl``).
WINDOWS = os.name == "nt"
#: Windows locks a byte range, and a locked range cannot be read by other processes. The
#: lock sits on this one byte far past the data (locking beyond the end of a file is allowed)
#: so that the holder's pid at the start stays readable for the "busy" message.
WINDOWS_LOCK_OFFSET = 1 << 30
#: The errors meaning "someone else holds it" (Windows reports EACCES or EDEADLOCK).
_BUSY = frozenset(
    (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK))
)


def try_lock(fd: int) -> bool:
    """Take the lock on *fd* without waiting: True when taken, False when another holder has
    it. Raises OSError for any other failure."""
    try:
        if WINDOWS:
            _windows_locking(fd, "LK_NBLCK")
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in _BUSY:
            return False
        raise
    return True


def unlock(fd: int) -> None:
    """Drop the lock on *fd* (closing the descriptor drops it too)."""
    if WINDOWS:
        _windows_locking(fd, "LK_UNLCK")
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _windows_locking(fd: int, mode: str) -> None:
    # Windows only: this branch never runs on POSIX (and type checkers read it as untyped).
    msvcrt: Any = importlib.import_module("msvcrt")
    os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)  # msvcrt.locking starts at the position
    msvcrt.locking(fd, getattr(msvcrt, mode), 1)
