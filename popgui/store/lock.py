"""One synchronisation at a time per account, across every popgui process of the profile.

Why a system lock on a lock file (popgui/store/oslock.py: ``flock`` on POSIX,
``msvcrt.locking`` on Windows): the system drops the lock when the process dies, even by
``kill -9``, so there is never a stale lock to clean up by hand, and no pid guessing is needed
to decide whether a lock is still held. The holder's pid is written into the file only so the
error message can name it.

The lock file is never deleted: removing it while another process waits on the same file
would let two processes hold "the" lock on two different files. It is tiny and reused.

The file name is derived from the account name by :func:`lock_name`; keep that function
stable, since two popgui versions running side by side must agree on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from pathlib import Path
from types import TracebackType

from popgui.catalog import store as says
from popgui.errors import AccountBusyError, DeliveryError
from popgui.store import oslock

__all__ = ["AccountLock", "lock_name"]

_POLL_SECONDS = 0.05
# O_CLOEXEC is POSIX only (Windows handles are not inherited by default); O_BINARY Windows only.
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")


def lock_name(account: str) -> str:
    """A file name for *account*: a readable slug plus a hash, so distinct names never clash."""
    slug = _UNSAFE_RE.sub("_", account).strip("_")[:40] or "account"
    digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:12]
    return f"{slug}-{digest}.lock"


class AccountLock:
    """Exclusive lock on ``<profile>/locks/<safe-name>.lock`` while a sync of *account* runs.

    ``with AccountLock(profile, "work"):`` raises :class:`~popgui.errors.AccountBusyError` when
    another process (or another lock object in this process) holds it; *wait* seconds of
    retrying come first when given. Failing to create the lock file is a DeliveryError.
    """

    def __init__(self, profile_dir: Path, account: str, *, wait: float = 0) -> None:
        self.account = account
        self.path = Path(profile_dir) / "locks" / lock_name(account)
        self.wait = wait
        self._fd: int | None = None

    @property
    def locked(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, retrying for ``wait`` seconds; raise AccountBusyError if still busy."""
        if self._fd is not None:
            raise RuntimeError("AccountLock is not re-entrant")
        fd = self._open()
        try:
            self._lock(fd)
            self._write_pid(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Let the next sync of this account run. Safe to call when not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):  # closing the descriptor drops it anyway
            oslock.unlock(fd)
        os.close(fd)

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return os.open(self.path, _OPEN_FLAGS, 0o600)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise DeliveryError(says.LOCK_CREATE_FAILED(path=self.path, reason=reason)) from exc

    def _lock(self, fd: int) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            try:
                if oslock.try_lock(fd):
                    return
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise DeliveryError(says.LOCK_FAILED(path=self.path, reason=reason)) from exc
            if time.monotonic() >= deadline:
                raise self._busy_error(fd)
            time.sleep(_POLL_SECONDS)

    def _busy_error(self, fd: int) -> AccountBusyError:
        pid = _read_pid(fd)
        account = repr(self.account)
        if pid:
            return AccountBusyError(says.ACCOUNT_BUSY_PID(account=account, pid=pid))
        return AccountBusyError(says.ACCOUNT_BUSY(account=account))

    @staticmethod
    def _write_pid(fd: int) -> None:
        """Best effort: the pid only improves the busy message, so a failure is ignored."""
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))

    def __enter__(self) -> AccountLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    """The pid the holder wrote, or None while it has not written it yet."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
