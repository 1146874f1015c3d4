"""The locks an mbox writer takes, the way Debian's mail programs take them.

Debian Policy (11.6) asks every program that writes a mailbox to combine an ``fcntl()`` lock
with a dot lock, for NFS safety; Debian's Dovecot takes them in that order
(``mbox_write_locks = fcntl dotlock``), Debian's procmail says "Locking strategies:
dotlocking, fcntl()", mutt and Python's :mod:`mailbox` do the same. So, on Unix:

1. ``fcntl.lockf`` (POSIX record locks, ``F_SETLK``) on the open file, not ``flock``: only
   fcntl locks reach other hosts over NFS, and on Linux flock and fcntl locks do not see each
   other, so only an fcntl lock keeps out the programs above. It dies with the process.
2. then the dot lock ``PATH.lock``, created with ``O_CREAT | O_EXCL`` and holding
   ``PID:HOSTNAME`` (Dovecot's form). Taking it second, while holding the fcntl lock, means
   two popgui processes never race to remove a stale dot lock.

On Windows there is no fcntl: the dot lock alone.

A dot lock outlives a killed process, so a stale one is removed, by this rule: it names a
process of this host that no longer runs (Dovecot's rule), or it is older than
:data:`STALE_SECONDS` and names no running process of this host (procmail's ``lockfile``
rule, with its age). While popgui holds the dot lock it refreshes its time at each batch
(:meth:`MboxLock.refresh`), so a long sync is never taken for stale.

POSIX fcntl locks belong to the process, not to the descriptor: a second descriptor of the
same file, once closed, would drop them. So a writer reserves the file in this process
(:data:`_HELD`) before it even opens it, and a second writer in the same process waits like
any other.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import socket
import threading
import time
from typing import Any

__all__ = ["STALE_SECONDS", "USE_FCNTL", "LockBusy", "MboxLock"]

#: Age after which a dot lock that names no running process of this host is stale.
STALE_SECONDS = 5 * 60
#: Whether to take the fcntl lock (not on Windows); tests clear it to run Windows' way.
USE_FCNTL = os.name != "nt"
_POLL_SECONDS = 0.1
_BUSY = frozenset((errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK))
_LOCK_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
#: The files (real paths) this process writes, guarded by _HELD_GUARD (two accounts may sync
#: in two threads into one file).
_HELD: set[str] = set()
_HELD_GUARD = threading.Lock()


def _fcntl() -> Any:
    """The fcntl module, None on Windows (imported here so this module imports everywhere)."""
    try:
        return importlib.import_module("fcntl")
    except ImportError:
        return None


class LockBusy(Exception):
    """Another writer held the file for the whole wait (internal: the caller words it)."""


class MboxLock:
    """The fcntl lock and the dot lock *path*.lock. :meth:`reserve` first (before the file is
    opened: see the module doc), then :meth:`acquire` on the open file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock_path = path + ".lock"
        self.fd = -1
        self._fcntl = _fcntl() if USE_FCNTL else None
        self._key = os.path.normcase(os.path.realpath(path))
        self._content = f"{os.getpid()}:{socket.gethostname()}\n".encode()
        self._reserved = False
        self._dotlocked = False

    def reserve(self, deadline: float) -> None:
        """Wait until no other writer of this process has the file: :class:`LockBusy` at
        *deadline* (a ``time.monotonic`` value)."""
        while True:
            with _HELD_GUARD:
                if self._key not in _HELD:
                    _HELD.add(self._key)
                    self._reserved = True
                    return
            if time.monotonic() >= deadline:
                raise LockBusy
            time.sleep(_POLL_SECONDS)

    def acquire(self, fd: int, deadline: float) -> None:
        """Take both locks on the open file *fd*, retrying until *deadline*: :class:`LockBusy`
        when another writer keeps one, OSError when a lock cannot be made at all (no right to
        create the dot lock, say)."""
        self.fd = fd
        while not self._try_once():
            if time.monotonic() >= deadline:
                raise LockBusy
            time.sleep(_POLL_SECONDS)

    def refresh(self) -> None:
        """Touch the dot lock: it is in use, not stale."""
        if self._dotlocked:
            with contextlib.suppress(OSError):
                os.utime(self.lock_path)

    def release(self) -> None:
        """Drop both locks (the dot lock only while it is still ours) and the reservation;
        safe to call twice."""
        if self._dotlocked:
            self._dotlocked = False
            with contextlib.suppress(OSError):
                if _read(self.lock_path) == self._content:
                    os.unlink(self.lock_path)
            self._unlock_fcntl()
        if self._reserved:
            self._reserved = False
            with _HELD_GUARD:
                _HELD.discard(self._key)

    def _try_once(self) -> bool:
        if self._fcntl is not None:
            try:
                self._fcntl.lockf(self.fd, self._fcntl.LOCK_EX | self._fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in _BUSY:
                    return False
                raise
        try:
            self._dotlocked = self._try_dotlock()
        finally:
            if not self._dotlocked:  # let the dot lock's holder take the fcntl lock too
                self._unlock_fcntl()
        return self._dotlocked

    def _unlock_fcntl(self) -> None:
        if self._fcntl is not None:
            with contextlib.suppress(OSError):
                self._fcntl.lockf(self.fd, self._fcntl.LOCK_UN)

    def _try_dotlock(self) -> bool:
        for _ in range(2):  # a second try after removing a stale lock
            try:
                fd = os.open(self.lock_path, _LOCK_FLAGS, 0o644)
            except FileExistsError:
                if not self._remove_if_stale():
                    return False
                continue
            try:
                os.write(fd, self._content)
            except OSError:
                os.unlink(self.lock_path)  # an empty lock would keep others out for minutes
                raise
            finally:
                os.close(fd)
            return True
        return False

    def _remove_if_stale(self) -> bool:
        try:
            content = _read(self.lock_path)
            age = time.time() - os.stat(self.lock_path).st_mtime
        except FileNotFoundError:
            return True  # gone meanwhile: try again
        running = _owner_running(content)
        if running is False or (running is None and age > STALE_SECONDS):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.lock_path)
            return True
        return False


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read(200)


def _owner_running(content: bytes) -> bool | None:
    """Whether the process a dot lock names runs: None when it names none of this host, or
    when that cannot be told here (Windows: os.kill there would end the process)."""
    pid_text, _, host = content.decode("ascii", "replace").strip().partition(":")
    if not pid_text.isdigit() or (host and host != socket.gethostname()) or os.name == "nt":
        return None
    if not host:
        return None  # a bare pid (some tools write one) may be of another host on NFS
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs as someone else
    return True
