"""Durable Maildir delivery: every message lands whole in ``new/`` or not at all.

Why this module exists rather than :mod:`mailbox`: ``mailbox.Maildir`` never fsyncs, names
files without a way to recognise them later, and takes whole messages in memory. Here a message
streams into ``tmp/`` in gathered buffers, is made durable, then moved into ``new/`` under a
name that carries a *token* derived from account + UIDL. After a crash, a directory listing of
``new/`` and ``cur/`` (:meth:`Maildir.tokens`) tells which messages already landed, without
opening a single file.

The move into ``new/`` never replaces a file: ``renameat2(RENAME_NOREPLACE)`` where the
system has it (one atomic step: the name is in ``tmp/`` or in ``new/``, never both, never
neither), else a hard link then an unlink of the temporary name (the classic Maildir way),
else, where hard links are unsupported, a rename after checking the name is free. Our names
are unique anyway (time, pid, a per-process counter, host), so a clash is an error, not a
race to lose a message in.

Directory fsyncs are batched: :meth:`Delivery.finish` does not fsync ``new/``; the engine calls
:meth:`Maildir.sync_new` (or :meth:`Spool.sync_new`) once per batch, before it commits the batch
to the database and before it sends any DELE for it.

Every ``OSError`` from the file system becomes a :class:`~popgui.errors.DeliveryError` whose text
names the path, and the temporary file is removed first.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, NoReturn

from popgui.errors import ConfigError, DeliveryError
from popgui.fsutil import fsync_directory
from popgui.store.writer import BackgroundWriter, Directory, QueuedFile

__all__ = [
    "OWN_TMP_PREFIX",
    "STALE_TMP_SECONDS",
    "Delivery",
    "Maildir",
    "Spool",
    "disk_error",
    "info_flags",
    "move_message",
    "sync_dir",
    "sync_files",
    "token_for",
    "token_of",
    "validate_folder_name",
    "with_flags",
]

#: Our temporary files in ``tmp/`` start with this, so a later run can recognise its own leftovers.
OWN_TMP_PREFIX = "popgui-"
#: The standard Maildir rule: a file in ``tmp/`` untouched for 36 hours is garbage.
STALE_TMP_SECONDS = 36 * 3600

_SUBDIRS = ("cur", "new", "tmp")
_TOKEN_RE = re.compile(r"_([0-9a-f]{32})\.")
_TOKEN_ONLY_RE = re.compile(r"[0-9a-f]{32}")
_PENDING = "pending"  # stands for the token in a temp name until finish() is told it
_OWN_TMP_PID_RE = re.compile(re.escape(OWN_TMP_PREFIX) + r"\d+\.M\d+P(\d+)Q")
_BUFFER_SIZE = 256 * 1024
#: Line ends as stored: CRLF becomes LF. ``re.sub`` with this literal pattern is twice as fast
#: as ``bytes.replace`` on mail (lines of ~70 bytes): replace counts every match in one pass
#: and copies in a second, the regex engine finds the literal and joins the pieces (0.9
#: against 1.9 ms per MB; it also takes the gathering bytearray without a copy).
_CRLF = re.compile(rb"\r\n")
#: Received bytes are gathered up to this size before they are stored: a small message is
#: stored in one piece (one queued operation, one write), a large one streams in these.
GATHER = 256 * 1024
_counter = itertools.count(1)

_ERRNO_WORDING = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission was denied",
    errno.EPERM: "the operation is not permitted",
    errno.EFBIG: "the file is larger than allowed",
    errno.EIO: "the disk reported an input/output error",
    errno.ENOENT: "the folder no longer exists",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EEXIST: "a file that is not a folder is in the way",
}


def token_for(account_key: str, uid: str) -> str:
    """Return the 32-hex-digit token naming the message *uid* of *account_key* on disk.

    UIDLs may contain "/" and "..", so they never appear in file names; this hash does.
    """
    digest = hashlib.sha256(account_key.encode("utf-8") + b"\0" + uid.encode("utf-8"))
    return digest.hexdigest()[:32]


def token_of(name: str) -> str:
    """The token in a delivered file's name, or "" for a file popgui did not name."""
    match = _TOKEN_RE.search(name.split(":", 1)[0])
    return match.group(1) if match else ""


def info_flags(name: str) -> str:
    """The Maildir flags of a file name (``...:2,RS`` → ``"RS"``); "" when it has none."""
    _base, sep, info = name.partition(":2,")
    return info if sep else ""


def with_flags(name: str, flags: str) -> str:
    """*name* with its info part set to *flags* (sorted, each once), as ``cur/`` wants it."""
    base = name.split(":", 1)[0]
    return f"{base}:2,{''.join(sorted(set(flags)))}"


def move_message(source: Path, target: Path) -> None:
    """Rename a message file, refusing to replace an existing one (file names are unique)."""
    if target.exists():
        raise DeliveryError(f"Could not move {source} to {target}: a message of that name exists")
    try:
        os.rename(source, target)
    except OSError as exc:
        raise disk_error("move the message", source, exc) from exc


def sync_dir(path: Path) -> None:
    """fsync a directory after creating, renaming or removing names in it."""
    _fsync_dir(path)


def disk_error(action: str, path: Path | str, exc: OSError) -> DeliveryError:
    """Build the plain sentence a person reads when the disk refuses a write."""
    reason = _ERRNO_WORDING.get(exc.errno or 0) or exc.strerror or str(exc)
    return DeliveryError(f"Could not {action} {os.fspath(path)}: {reason}")


class _Host:
    """The host name for unique names, read at most once a second.

    ``gethostname()`` is a system call that releases the GIL: with the writer thread busy, one
    call per message cost tens of microseconds. A host renamed mid-sync is seen within a second.
    """

    name = ""
    second = -1

    @classmethod
    def at(cls, second: int) -> str:
        if second != cls.second:
            cls.name = _sanitised_hostname()
            cls.second = second
        return cls.name


def _sanitised_hostname() -> str:
    """The host name as the Maildir unique-name rules want it ("/" and ":" escaped)."""
    name = socket.gethostname() or "localhost"
    return name.replace("/", "\\057").replace(":", "\\072")


def _unique_name(token: str) -> str:
    """``<seconds>.M<usec>P<pid>Q<counter>_<token>.<host>``: unique per process and moment.

    The pid is read every time (it costs no system call) so a forked child never repeats its
    parent's names.
    """
    now = time.time_ns()
    seconds = now // 1_000_000_000
    usec = now // 1000 % 1_000_000
    host = _Host.at(seconds)
    return f"{seconds}.M{usec}P{os.getpid()}Q{next(_counter)}_{token}.{host}"


def _libc_function(name: str) -> Callable[..., int] | None:
    """A libc function through ctypes on Linux (None elsewhere or when missing).

    ctypes releases the GIL during the call, like the ``os`` functions do.
    """
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import ctypes

        function: Callable[..., int] = getattr(ctypes.CDLL(None, use_errno=True), name)
        return function
    return None


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


_syncfs_state: list[Callable[[int], int] | None] = []  # [] = not looked up yet
#: Files fsynced in parallel where syncfs() is unavailable (fsync releases the GIL, and the
#: file system can commit concurrent fsyncs together).
_FSYNC_THREADS = 8


def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs(fd)`` on Linux >= 5.8 (which reports write-back errors), else None."""
    if not _syncfs_state:
        function: Callable[[int], int] | None = None
        release = os.uname().release if hasattr(os, "uname") else ""
        numbers = re.match(r"(\d+)\.(\d+)", release)
        raw = _libc_function("syncfs")
        if raw is not None and numbers and (int(numbers[1]), int(numbers[2])) >= (5, 8):
            import ctypes

            raw.argtypes = [ctypes.c_int]  # type: ignore[attr-defined]
            raw.restype = ctypes.c_int  # type: ignore[attr-defined]

            def call(fd: int) -> int:
                return _errno() if raw(fd) != 0 else 0

            function = call
        _syncfs_state.append(function)
    return _syncfs_state[0]


def sync_files(
    directory: Path | str, paths: Sequence[Path | str], *, dir_fd: int | None = None
) -> None:
    """Make the data of the closed files *paths*, all on *directory*'s file system, durable.

    On Linux one ``syncfs()`` of that file system flushes them all with one journal commit
    (instead of one per file); elsewhere each file is fsynced, several at a time. *dir_fd*, an
    open descriptor of *directory*, spares opening it. Raises OSError when the disk reports a
    failure.
    """
    if not paths:
        return
    function = _syncfs()
    if function is not None:
        code = _syncfs_at(function, directory, dir_fd)
        if code == 0:
            return
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), os.fspath(directory))
    if len(paths) == 1:
        _fsync_path(paths[0])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_FSYNC_THREADS, len(paths))) as pool:
        for _ in pool.map(_fsync_path, paths):
            pass


def _syncfs_at(function: Callable[[int], int], directory: Path | str, dir_fd: int | None) -> int:
    if dir_fd is not None:
        return function(dir_fd)
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return function(fd)
    finally:
        os.close(fd)


def _fsync_path(path: Path | str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path | str, dir_fd: int | None = None) -> None:
    """fsync a directory so the names created in it survive a power cut (through *dir_fd*, an
    open descriptor of it, when given)."""
    try:
        if dir_fd is None:
            fsync_directory(Path(path))
        else:
            _fsync_fd(dir_fd)
    except OSError as exc:
        raise disk_error("flush the folder", path, exc) from exc


def _fsync_fd(fd: int) -> None:
    """fsync_directory's rules on an open directory: EINVAL/ENOTSUP mean nothing to do."""
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100
#: ``renameat2(olddirfd, old, newdirfd, new, flags) -> errno`` or None; [] = not looked up yet.
_renameat2_state: list[Callable[[int, bytes, int, bytes], int] | None] = []


def _renameat2() -> Callable[[int, bytes, int, bytes], int] | None:
    """``renameat2(..., RENAME_NOREPLACE)`` from libc (Linux >= 3.15, glibc >= 2.28), else None."""
    if not _renameat2_state:
        function: Callable[[int, bytes, int, bytes], int] | None = None
        raw = _libc_function("renameat2")
        if raw is not None:
            import ctypes

            raw.argtypes = [  # type: ignore[attr-defined]
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_uint,
            ]
            raw.restype = ctypes.c_int  # type: ignore[attr-defined]

            def call(old_dir: int, old: bytes, new_dir: int, new: bytes) -> int:
                return _errno() if raw(old_dir, old, new_dir, new, _RENAME_NOREPLACE) else 0

            function = call
        _renameat2_state.append(function)
    return _renameat2_state[0]


#: renameat2() errors meaning "not here" (an old kernel, a file system without NOREPLACE,
#: such as NFS): fall back to a hard link.
_NO_RENAMEAT2 = (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP)
#: link() errors meaning "no hard links on this file system": fall back to a checked rename.
_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS)


def _move_noreplace(old: str, new: str, old_dir: Directory, new_dir: Directory) -> None:
    """Move ``old_dir/old`` to ``new_dir/new``, never replacing a file there (FileExistsError).

    Raises OSError as the system call did.
    """
    rename = _renameat2()
    if rename is not None and new_dir.noreplace:
        code = rename(
            _AT_FDCWD if old_dir.fd is None else old_dir.fd,
            os.fsencode(old if old_dir.fd is not None else f"{old_dir.path}/{old}"),
            _AT_FDCWD if new_dir.fd is None else new_dir.fd,
            os.fsencode(new if new_dir.fd is not None else f"{new_dir.path}/{new}"),
        )
        if code == 0:
            return
        if code not in _NO_RENAMEAT2:
            raise OSError(code, os.strerror(code), f"{new_dir.path}/{new}")
        new_dir.noreplace = False  # remembered for the rest of this directory's deliveries
    _link_or_rename(f"{old_dir.path}/{old}", f"{new_dir.path}/{new}")


def _link_or_rename(source: str, target: str) -> None:
    """Hard-link then unlink (the classic Maildir move); a checked rename without links."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", target) from exc
        os.rename(source, target)
    else:
        with contextlib.suppress(OSError):  # a leftover in tmp/ is cleaned later
            os.unlink(source)


def _pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (it may belong to someone else)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_token(token: str) -> None:
    """Refuse anything but a token from :func:`token_for`: it becomes part of a file name."""
    if not _TOKEN_ONLY_RE.fullmatch(token):
        raise ValueError(f"not a delivery token: {token!r}")


def validate_folder_name(name: str) -> None:
    """Refuse names that would escape the Maildir or break Maildir++ naming."""
    if not name or name.startswith(".") or name.endswith(".") or ".." in name:
        raise ConfigError(f"{name!r} is not a valid folder name (empty part or leading dot).")
    if "/" in name or "\\" in name:
        raise ConfigError(f"{name!r} is not a valid folder name (it contains a slash).")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise ConfigError(f"{name!r} is not a valid folder name (it contains control characters).")


_WRITING, _CLOSED, _DONE = 0, 1, 2  # Delivery states


class Delivery:
    """One message being written into ``tmp/``, then moved into ``new/``.

    Obtain one from :meth:`Maildir.begin` (written here, finished by :meth:`finish`) or
    :meth:`Spool.begin` (written by the spool's writer thread, finished by
    :meth:`close_unsynced` then, once the batch is durable, :meth:`publish`). Used as a context
    manager it removes the temporary file when the block ends unfinished (an exception, a
    cancel), so nothing half written is ever left behind.

    Received bytes are gathered (up to :data:`GATHER`) and stored a buffer at a time, CRLF line
    ends turned into LF (the Maildir convention) with one ``bytes.replace`` per buffer; a CR at
    the end of a buffer is held back until the next chunk shows whether an LF follows it. A
    disk failure is therefore reported when a buffer is stored, at the latest by
    :meth:`finish` / :meth:`check_written`.
    """

    __slots__ = (
        "_buffer",
        "_file",
        "_hash",
        "_head",
        "_keep_head",
        "_maildir",
        "_name",
        "_spool",
        "_state",
        "_tmp_name",
        "_token",
        "size",
    )

    def __init__(
        self,
        maildir: Maildir,
        token: str | None,
        *,
        digest: bool = False,
        keep_head: int = 0,
        spool: Spool | None = None,
    ) -> None:
        self._maildir = maildir
        self._spool = spool
        self._token = token
        self._name = _unique_name(token or _PENDING)
        self._tmp_name = OWN_TMP_PREFIX + self._name  # kept when finish() renames the message
        self._hash = hashlib.sha256() if digest else None
        self._keep_head = keep_head
        self._head = b""
        self._buffer = bytearray()  # received, not yet stored: CRLF still, maybe a last CR
        self._state = _WRITING
        self.size = 0  # bytes stored so far (all of them once closed)
        # Without a spool the file is created now, so a refused creation fails begin().
        self._file: BinaryIO | QueuedFile | None = None if spool is not None else self._create()

    def _create(self) -> BinaryIO:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        path = self.temp_path
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            raise disk_error("create the file", path, exc) from exc
        return open(fd, "wb", buffering=_BUFFER_SIZE)  # closed by finish/abort

    def _dir(self, sub: str) -> str:
        spool = self._spool
        if spool is not None:
            return spool.tmp.path if sub == "tmp" else spool.new.path
        return f"{os.fspath(self._maildir.path)}/{sub}"

    @property
    def temp_path(self) -> Path:
        """Where the message is being written (in ``tmp/``)."""
        return Path(self._dir("tmp"), self._tmp_name)

    @property
    def temp_name(self) -> str:
        """The name of the file in ``tmp/``."""
        return self._tmp_name

    @property
    def sha256(self) -> str | None:
        """Hex SHA-256 of the stored bytes so far, or None unless ``begin(digest=True)``."""
        return None if self._hash is None else self._hash.hexdigest()

    @property
    def head(self) -> bytes:
        """The first ``keep_head`` stored bytes (LF line ends), for the header index."""
        return self._head

    def take_head(self) -> bytes:
        """:attr:`head`, handed over: the delivery keeps no reference to it (a batch of
        deliveries waiting to be published then holds no message data)."""
        head, self._head, self._keep_head = self._head, b"", 0
        return head

    def write(self, chunk: bytes) -> None:
        """Append *chunk* (gathered; stored, CRLF turned into LF, a buffer at a time)."""
        if self._state:
            raise ValueError("write() after finish() or abort()")
        buffer = self._buffer
        buffer += chunk
        if len(buffer) >= GATHER:
            self._spill(final=False)

    def _spill(self, *, final: bool) -> None:
        """Store what was gathered, CRLF made LF; unless *final*, a last CR waits for the next
        chunk."""
        raw = self._buffer
        if not final and raw.endswith(b"\r"):
            with memoryview(raw) as view, view[:-1] as complete:
                data = _CRLF.sub(b"\n", complete)
            raw[:] = b"\r"
        else:
            data = _CRLF.sub(b"\n", raw)
            raw.clear()
        self._store(data, final=final)

    def _store(self, data: bytes, *, final: bool) -> None:
        if self._hash is not None:
            self._hash.update(data)
        if len(self._head) < self._keep_head:
            self._head += data[: self._keep_head - len(self._head)]
        self.size += len(data)
        try:
            self._to_file(data, final=final)
        except OSError as exc:
            self.check_written()  # a background failure, with its own wording
            self._fail("write", exc)

    def _to_file(self, data: bytes, *, final: bool) -> None:
        file = self._file
        if file is None:  # the spool's first buffer of this message: the file is created now
            assert self._spool is not None
            file = self._file = self._spool.writer.file(self._spool.tmp, self._tmp_name)
        if isinstance(file, QueuedFile):
            if final:
                file.close(data)  # a small message is this one queued operation
            else:
                file.write(data)
        elif data:
            file.write(data)

    def finish(self, token: str | None = None) -> Path:
        """Make the message durable in ``tmp/`` (fsync), then move it into ``new/``.

        *token* replaces the one given to ``begin`` (required when that was None): identity may
        be known only once the whole message was read (content-hash identity on servers without
        UIDL). The directory is not fsynced here: call :meth:`Maildir.sync_new` once per batch.
        """
        if self._spool is not None:
            raise ValueError("finish() needs a direct file; use close_unsynced() and publish()")
        self._complete(token)
        file = self._file
        assert file is not None and not isinstance(file, QueuedFile)
        try:
            file.flush()
            os.fsync(file.fileno())
            file.close()
        except OSError as exc:
            self._fail("save", exc)
        final = self._move_into_new()
        self._state = _DONE
        return final

    def close_unsynced(self, token: str | None = None) -> str:
        """Write the message out and close it in ``tmp/`` WITHOUT fsync; returns the path
        :meth:`publish` will give it in ``new/``.

        For batched delivery: the caller makes a whole batch durable at once
        (:meth:`Spool.sync`), then publishes each message. Until then the message is only a
        temporary file, which a crash leaves unrecognised in ``tmp/`` (cleaned at the next
        start; the message was never recorded, so it is downloaded again).
        """
        self._complete(token)
        file = self._file
        if file is not None and not isinstance(file, QueuedFile):
            try:
                file.close()  # flushes the buffer
            except OSError as exc:
                self._fail("save", exc)
        self._state = _CLOSED
        return f"{self._dir('new')}/{self._name}"

    def check_written(self) -> None:
        """Raise the DeliveryError of a background write that failed (the file is removed).

        Only meaningful once the writer has run this message's operations (see
        :mod:`popgui.store.writer`).
        """
        file = self._file
        if isinstance(file, QueuedFile) and file.error is not None:
            action = "create the file" if file.failed_step == "open" else "write"
            self._fail(action, file.error)

    def publish(self) -> str:
        """Move a message closed by :meth:`close_unsynced`, and since made durable, into
        ``new/`` under the name :meth:`close_unsynced` announced (a clash is an error)."""
        if self._state != _CLOSED:
            raise ValueError("publish() needs close_unsynced() first")
        self.check_written()
        old_dir, new_dir = self._directories()
        try:
            _move_noreplace(self._tmp_name, self._name, old_dir, new_dir)
        except OSError as exc:
            self._fail("move the message into", exc, f"{new_dir.path}/{self._name}")
        self._state = _DONE
        return f"{new_dir.path}/{self._name}"

    def _directories(self) -> tuple[Directory, Directory]:
        """``tmp/`` and ``new/``: the spool's open ones, or by path."""
        if self._spool is not None:
            return self._spool.tmp, self._spool.new
        return Directory(self._dir("tmp")), Directory(self._dir("new"))

    def _complete(self, token: str | None) -> None:
        """The checks, the name change and the last store shared by :meth:`finish` and
        :meth:`close_unsynced`."""
        if self._state:
            raise ValueError("finish() after finish() or abort()")
        if token is None and self._token is None:
            raise ValueError("finish() needs a token when begin() was given none")
        if token is not None and token != self._token:
            _check_token(token)
            self._token = token
            self._name = _unique_name(token)
        self._spill(final=True)

    def _move_into_new(self) -> Path:
        """Move into ``new/`` without replacing anything; a name clash (practically
        impossible) picks a fresh unique name."""
        old_dir, new_dir = self._directories()
        for _attempt in range(3):
            try:
                _move_noreplace(self._tmp_name, self._name, old_dir, new_dir)
            except FileExistsError:
                self._name = _unique_name(self._token or _PENDING)
                continue
            except OSError as exc:
                self._fail("move the message into", exc, f"{new_dir.path}/{self._name}")
            return Path(new_dir.path, self._name)
        exists = FileExistsError(errno.EEXIST, "exists")
        self._fail("move the message into", exists, f"{new_dir.path}/{self._name}")

    def abort(self) -> None:
        """Forget the message: close and remove the temporary file. Safe to call twice."""
        if self._state == _DONE:
            return
        self._state = _DONE
        self._buffer = bytearray()
        file = self._file
        if file is None:
            return  # nothing reached the disk yet
        if isinstance(file, QueuedFile):
            file.discard()  # closes and removes it on the writer thread, in order
            return
        with contextlib.suppress(OSError):
            file.close()
        with contextlib.suppress(OSError):  # nothing more to do; clean_tmp() retries later
            os.unlink(self.temp_path)

    def _fail(self, action: str, exc: OSError, path: Path | str | None = None) -> NoReturn:
        """Remove the temporary file, then report the disk failure as a DeliveryError."""
        self.abort()
        raise disk_error(action, path or self.temp_path, exc) from exc

    def __enter__(self) -> Delivery:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()


class Spool:
    """Batched delivery into one Maildir: ``tmp/`` and ``new/`` opened once (their
    descriptors spare a path lookup per system call) and the writer thread that creates and
    writes the files.

    The order, per batch: :meth:`begin` … :meth:`Delivery.close_unsynced` for each message;
    :meth:`sync` (wait for the writer, check every file, flush them all at once); then
    :meth:`Delivery.publish` for each; then :meth:`sync_new`. :meth:`close` at the end. The
    steps from :meth:`sync` on may run on another thread (popgui/sync/delivery.py's committer)
    than the one writing the next batch: a batch's deliveries belong to one thread at a time.

    The descriptors pin the directories: were the Maildir moved away mid-sync, the rest of the
    session would still land, whole, in the moved one.
    """

    def __init__(self, maildir: Maildir) -> None:
        self.maildir = maildir
        base = os.fspath(maildir.path)
        self.tmp = Directory(f"{base}/tmp")
        self.new = Directory(f"{base}/new")
        self.writer = BackgroundWriter()

    def begin(self, token: str | None, *, keep_head: int = 0, digest: bool = False) -> Delivery:
        """Start a message named by *token* (None: given to close_unsynced)."""
        if token is not None:
            _check_token(token)
        if self.tmp.fd is None:  # opened on first use: a spool that only records opens nothing
            self.tmp.open()
            self.new.open()
        return Delivery(self.maildir, token, digest=digest, keep_head=keep_head, spool=self)

    def mark(self) -> int:
        """The writer's position now (see :meth:`sync`)."""
        return self.writer.mark()

    def sync(self, deliveries: Sequence[Delivery], mark: int | None = None) -> None:
        """Make the closed *deliveries* durable: wait until the writer has run everything
        queued before *mark* (everything when None), check that each was written, then flush
        them all at once. Raises DeliveryError (the failed file is removed)."""
        if mark is None:
            self.writer.drain()
        else:
            self.writer.wait(mark)
        for delivery in deliveries:
            delivery.check_written()
        try:
            paths = [f"{self.tmp.path}/{d.temp_name}" for d in deliveries]
            sync_files(self.tmp.path, paths, dir_fd=self.tmp.fd)
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) else self.tmp.path
            raise disk_error("save", where, exc) from exc

    def sync_new(self) -> None:
        """fsync ``new/``: after this, every published delivery survives a power cut."""
        _fsync_dir(self.new.path, self.new.fd)

    def close(self) -> None:
        """End the writer thread and close the directories; safe to call twice."""
        self.writer.close()
        self.tmp.close()
        self.new.close()


class Maildir:
    """A Maildir (``cur/ new/ tmp/``) with Maildir++ subfolders (``.Name``).

    Creating the object creates the directories (mode 0700) when missing.
    """

    def __init__(self, path: Path, *, _root: Maildir | None = None, _name: str = "") -> None:
        self.path = Path(path)
        self._root = _root
        self.folder_name = _name
        self._create_dirs()

    def _create_dirs(self) -> None:
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
            for sub in _SUBDIRS:
                (self.path / sub).mkdir(mode=0o700, exist_ok=True)
            if self._root is not None:
                (self.path / "maildirfolder").touch(mode=0o600, exist_ok=True)
        except OSError as exc:
            raise disk_error("create the mail folder", self.path, exc) from exc

    def begin(
        self, token: str | None = None, *, digest: bool = False, keep_head: int = 0
    ) -> Delivery:
        """Start writing a message named by *token*; ``digest=True`` also computes its SHA-256,
        ``keep_head`` keeps that many of its first bytes in memory (:attr:`Delivery.head`).

        A None token must then be given to :meth:`Delivery.finish` (content-hash identity).
        For many messages, a :meth:`spool` writes them on a background thread.
        """
        if token is not None:
            _check_token(token)
        return Delivery(self, token, digest=digest, keep_head=keep_head)

    def spool(self) -> Spool:
        """A batched, background delivery session into this Maildir (close it at the end)."""
        return Spool(self)

    def _names(self) -> Iterator[tuple[Path, str]]:
        """(directory, file name) for every message file this Maildir knows of.

        On the root that is ``new/`` and ``cur/`` of the root, then of every Maildir++
        subfolder: a message the user moved into a folder or into Trash keeps its token in
        its name, so a run that recognises delivered mail by token still recognises it. On a
        subfolder, only its own ``new/`` and ``cur/``.
        """
        for directory in self.message_dirs():
            try:
                with os.scandir(directory) as entries:
                    names = [entry.name for entry in entries]
            except FileNotFoundError:  # a folder removed while we list
                continue
            except OSError as exc:
                raise disk_error("list the folder", directory, exc) from exc
            for name in names:
                yield directory, name

    def message_dirs(self) -> list[Path]:
        """``new/`` and ``cur/`` of this Maildir, and of every subfolder when it is the root."""
        dirs = [self.path / "new", self.path / "cur"]
        if self._root is None:
            for name in self.list_folders():
                dirs += [self.path / f".{name}" / "new", self.path / f".{name}" / "cur"]
        return dirs

    def tokens(self) -> set[str]:
        """Tokens of the messages (see :meth:`_names` for where), from their names only."""
        return {token for _dir, name in self._names() if (token := token_of(name))}

    def path_for_token(self, token: str) -> Path | None:
        """Where the message carrying *token* lies now, or None.

        This lists the directories each time; for many tokens use :meth:`token_paths`.
        """
        for directory, name in self._names():
            if token_of(name) == token:
                return directory / name
        return None

    def token_paths(self) -> dict[str, Path]:
        """Token → current path for every message (one listing; the root's own come first)."""
        found: dict[str, Path] = {}
        for directory, name in self._names():
            token = token_of(name)
            if token:
                found.setdefault(token, directory / name)
        return found

    def sync_new(self) -> None:
        """fsync ``new/``: after this, every finished delivery survives a power cut."""
        _fsync_dir(self.path / "new")

    def sync_cur(self) -> None:
        """fsync ``cur/`` after moving or renaming messages there."""
        _fsync_dir(self.path / "cur")

    def clean_tmp(self, older_than_seconds: float = STALE_TMP_SECONDS) -> int:
        """Remove files in ``tmp/`` untouched for *older_than_seconds*; return how many.

        "Untouched" uses the newest of atime, mtime and ctime, since many disks are mounted
        noatime.
        """
        limit = time.time() - older_than_seconds
        removed = 0
        for entry in self._tmp_entries():
            with contextlib.suppress(FileNotFoundError):
                info = entry.stat(follow_symlinks=False)
                if max(info.st_atime, info.st_mtime, info.st_ctime) < limit:
                    removed += self._remove_tmp(entry.path)
        return removed

    def clean_own_tmp(self) -> int:
        """Remove popgui's temporary files left by a run that died; return how many.

        A temp file names the pid that wrote it. It is removed when that process no longer
        exists; files of this process or of another live process (another account delivering
        into the same Maildir) are left alone, and :meth:`clean_tmp` gets them eventually.
        """
        removed = 0
        me = os.getpid()
        for entry in self._tmp_entries():
            match = _OWN_TMP_PID_RE.match(entry.name)
            if match is None:
                continue
            pid = int(match.group(1))
            if pid != me and not _pid_alive(pid):
                removed += self._remove_tmp(entry.path)
        return removed

    def _tmp_entries(self) -> list[os.DirEntry[str]]:
        directory = self.path / "tmp"
        try:
            with os.scandir(directory) as entries:
                return [e for e in entries if e.is_file(follow_symlinks=False)]
        except OSError as exc:
            raise disk_error("list the folder", directory, exc) from exc

    @staticmethod
    def _remove_tmp(path: str) -> int:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise disk_error("remove the temporary file", path, exc) from exc
        return 1

    # Maildir++ folders -------------------------------------------------------------------

    def folder(self, name: str) -> Maildir:
        """The Maildir++ subfolder *name* (``.name`` under the root), created when missing.

        Nested folders use "." as separator ("Work.Projects"); on a subfolder,
        ``folder("B")`` is the root's "A.B", as Maildir++ keeps every folder flat in the root.
        """
        validate_folder_name(name)
        if self._root is not None:
            return self._root.folder(f"{self.folder_name}.{name}")
        return Maildir(self.path / f".{name}", _root=self, _name=name)

    def folder_of(self, path: Path) -> str | None:
        """The Maildir++ folder holding the message file *path*: "" for the root's own mail,
        None when the file is not in ``new/`` or ``cur/`` of this tree."""
        root = self._root or self
        holder = Path(path).parent
        if holder.name not in ("new", "cur"):
            return None
        folder = holder.parent
        if folder == root.path:
            return ""
        if folder.parent == root.path and folder.name.startswith(".") and len(folder.name) > 1:
            return folder.name[1:]
        return None

    def list_folders(self) -> list[str]:
        """Names of the Maildir++ subfolders of the root, sorted."""
        root = self._root or self
        try:
            with os.scandir(root.path) as entries:
                names = [
                    e.name[1:]
                    for e in entries
                    if e.name.startswith(".") and len(e.name) > 1 and e.is_dir()
                ]
        except OSError as exc:
            raise disk_error("list the folder", root.path, exc) from exc
        return sorted(n for n in names if (root.path / f".{n}" / "cur").is_dir())

    def __repr__(self) -> str:
        return f"Maildir({os.fspath(self.path)!r})"
