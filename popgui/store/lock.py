"""One synchronisation at a time per account, across every popgui process of the profile.

Why ``flock`` on a lock file: the kernel drops the lock when the process dies, even by
``kill -9``, so there is never a stale lock to clean up by hand, and no pid guessing is needed
to decide whether a lock is still held. The holder's pid is written into the file only so the
error message can name it.

The lock file is never deleted: removing it while another process waits on the same file
would let two processes hold "the" lock on two different files. It is tiny and reused.

The file name is derived from the account name by :func:`lock_name`; keep that function
stable, since two popgui versions running side by side must agree on it. POSIX only (fcntl).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib
import os
import re
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from popgui.errors import AccountBusyError, DeliveryError

__all__ = ["AccountLock", "lock_name"]

_POLL_SECONDS = 0.05
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")


def lock_name(account: str) -> str:
    """A file name for *account*: a readable slug plus a hash, so distinct names never clash."""
    slug = _UNSAFE_RE.sub("_", account).strip("_")[:40] or "account"
    digest = _sha256_hex(account.encode("utf-8"))[:12]
    return f"{slug}-{digest}.lock"


def _sha256_hex(data: bytes) -> str:
    """SHA-256 without loading OpenSSL: importing :mod:`hashlib` loads libcrypto (~2 ms),
    and the lock is taken before a sync's login, where every millisecond delays the whole
    run. CPython's own SHA-256 (``_sha256`` in 3.11, ``_sha2`` since 3.12) gives the same
    digest; :mod:`hashlib` stays the fallback."""
    for name in ("_sha256", "_sha2"):
        with contextlib.suppress(ImportError, AttributeError):
            builtin: Any = importlib.import_module(name)
            return str(builtin.sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


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
        os.close(fd)  # closing the descriptor drops the flock

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise DeliveryError(
                f"Could not create the lock file {self.path}: {exc.strerror or exc}"
            ) from exc

    def _lock(self, fd: int) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise DeliveryError(
                        f"Could not lock {self.path}: {exc.strerror or exc}"
                    ) from exc
            if time.monotonic() >= deadline:
                raise self._busy_error(fd)
            time.sleep(_POLL_SECONDS)

    def _busy_error(self, fd: int) -> AccountBusyError:
        pid = _read_pid(fd)
        holder = f" (pid {pid})" if pid else ""
        return AccountBusyError(
            f"account {self.account!r} is already being synchronised by another popgui{holder}"
        )

    @staticmethod
    def _write_pid(fd: int) -> None:
        """Best effort: the pid only improves the busy message, so a failure is ignored."""
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)

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
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
