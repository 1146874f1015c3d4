"""Durable Maildir delivery: every message lands whole in ``new/`` or not at all.

Why this module exists rather than :mod:`mailbox`: ``mailbox.Maildir`` never fsyncs, names
files without a way to recognise them later, and takes whole messages in memory. Here a message
streams into ``tmp/`` chunk by chunk, is fsynced, then hard-linked (or renamed) into ``new/``
under a name that carries a *token* derived from account + UIDL. After a crash, a directory
listing of ``new/`` and ``cur/`` (:meth:`Maildir.tokens`) tells which messages already landed,
without opening a single file.

Directory fsyncs are batched: :meth:`Delivery.finish` does not fsync ``new/``; the engine calls
:meth:`Maildir.sync_new` once per batch, before it commits the batch to the database and before
it sends any DELE for it.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, NoReturn

from popgui.errors import ConfigError, DeliveryError
from popgui.fsutil import fsync_directory
from popgui.store.writer import BackgroundWriter, QueuedFile

__all__ = [
    "OWN_TMP_PREFIX",
    "STALE_TMP_SECONDS",
    "Delivery",
    "Maildir",
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


def _sanitised_hostname() -> str:
    """The host name as the Maildir unique-name rules want it ("/" and ":" escaped)."""
    name = socket.gethostname() or "localhost"
    return name.replace("/", "\\057").replace(":", "\\072")


def _unique_name(token: str) -> str:
    """``<seconds>.M<usec>P<pid>Q<counter>_<token>.<host>``: unique per process and moment."""
    now = time.time()
    seconds = int(now)
    usec = int((now - seconds) * 1_000_000)
    pid = os.getpid()
    return f"{seconds}.M{usec}P{pid}Q{next(_counter)}_{token}.{_sanitised_hostname()}"


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
        if (
            sys.platform.startswith("linux")
            and numbers
            and ((int(numbers.group(1)), int(numbers.group(2))) >= (5, 8))
        ):
            with contextlib.suppress(OSError, AttributeError):
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                raw = libc.syncfs
                raw.argtypes = [ctypes.c_int]
                raw.restype = ctypes.c_int

                def call(fd: int) -> int:
                    if raw(fd) != 0:
                        return ctypes.get_errno()
                    return 0

                function = call
        _syncfs_state.append(function)
    return _syncfs_state[0]


def sync_files(directory: Path, paths: list[Path]) -> None:
    """Make the data of the closed files *paths*, all on *directory*'s file system, durable.

    On Linux one ``syncfs()`` of that file system flushes them all with one journal commit
    (instead of one per file); elsewhere each file is fsynced, several at a time. Raises
    OSError when the disk reports a failure.
    """
    if not paths:
        return
    function = _syncfs()
    if function is not None:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            code = function(fd)
        finally:
            os.close(fd)
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


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """fsync a directory so the names created in it survive a power cut."""
    try:
        fsync_directory(path)
    except OSError as exc:
        raise disk_error("flush the folder", path, exc) from exc


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


class Delivery:
    """One message being written into ``tmp/``; :meth:`finish` moves it into ``new/``.

    Obtain one from :meth:`Maildir.begin`. Used as a context manager it removes the temporary
    file when the block ends without :meth:`finish` (an exception, a cancel), so nothing half
    written is ever left behind.

    CRLF line ends become LF (the Maildir convention). A CR at the end of one chunk is held back
    until the next chunk shows whether an LF follows it.
    """

    def __init__(
        self,
        maildir: Maildir,
        token: str | None,
        *,
        digest: bool = False,
        keep_head: int = 0,
        writer: BackgroundWriter | None = None,
    ) -> None:
        self._maildir = maildir
        self._token = token
        self._name = _unique_name(token or _PENDING)
        self._tmp_path = maildir.path / "tmp" / (OWN_TMP_PREFIX + self._name)
        self._hash = hashlib.sha256() if digest else None
        self._pending_cr = False
        self._done = False
        self._closed = False  # written and closed by close_unsynced(), not yet published
        self._keep_head = keep_head
        self._head = bytearray()
        self.size = 0
        self._file: BinaryIO | QueuedFile = (
            writer.open(self._tmp_path) if writer is not None else self._create()
        )

    def _create(self) -> BinaryIO:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        try:
            fd = os.open(self._tmp_path, flags, 0o600)
        except OSError as exc:
            raise disk_error("create the file", self._tmp_path, exc) from exc
        return open(fd, "wb", buffering=_BUFFER_SIZE)  # closed by finish/abort

    @property
    def temp_path(self) -> Path:
        """Where the message is being written (in ``tmp/``)."""
        return self._tmp_path

    @property
    def sha256(self) -> str | None:
        """Hex SHA-256 of the stored bytes so far, or None unless ``begin(digest=True)``."""
        return None if self._hash is None else self._hash.hexdigest()

    @property
    def head(self) -> bytes:
        """The first ``keep_head`` stored bytes (LF line ends), for the header index."""
        return bytes(self._head)

    def write(self, chunk: bytes) -> None:
        """Append *chunk*, turning CRLF into LF, without a per-line loop."""
        if self._done or self._closed:
            raise ValueError("write() after finish() or abort()")
        if self._pending_cr:
            chunk = b"\r" + chunk
            self._pending_cr = False
        if chunk.endswith(b"\r"):
            self._pending_cr = True
            chunk = chunk[:-1]
        self._store(chunk.replace(b"\r\n", b"\n"))

    def _store(self, data: bytes) -> None:
        if not data:
            return
        try:
            self._file.write(data)
        except OSError as exc:
            self.check_written()  # a background failure, with its own wording
            self._fail("write", exc)
        if self._hash is not None:
            self._hash.update(data)
        if len(self._head) < self._keep_head:
            self._head += data[: self._keep_head - len(self._head)]
        self.size += len(data)

    def finish(self, token: str | None = None) -> Path:
        """Make the message durable in ``tmp/`` (fsync), then move it into ``new/``.

        *token* replaces the one given to ``begin`` (required when that was None): identity may
        be known only once the whole message was read (content-hash identity on servers without
        UIDL). The directory is not fsynced here: call :meth:`Maildir.sync_new` once per batch.
        """
        self._complete(token)
        if isinstance(self._file, QueuedFile):
            raise ValueError("finish() needs a direct file; use close_unsynced() and publish()")
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        except OSError as exc:
            self._fail("save", exc)
        final = self._move_into_new()
        self._done = True
        return final

    def close_unsynced(self, token: str | None = None) -> Path:
        """Write the message out and close it in ``tmp/`` WITHOUT fsync; returns where
        :meth:`publish` will put it in ``new/``.

        For batched delivery: the caller makes a whole batch durable at once
        (:func:`sync_files`), then publishes each message. Until then the message is only a
        temporary file, which a crash leaves unrecognised in ``tmp/`` (cleaned at the next
        start; the message was never recorded, so it is downloaded again).
        """
        self._complete(token)
        try:
            self._file.close()  # flushes the buffer
        except OSError as exc:
            self._fail("save", exc)
        self._closed = True
        return self._maildir.path / "new" / self._name

    def check_written(self) -> None:
        """Raise the DeliveryError of a background write that failed (the file is removed).

        Only meaningful once the writer was drained (see :mod:`popgui.store.writer`).
        """
        if isinstance(self._file, QueuedFile) and self._file.error is not None:
            action = "create the file" if self._file.failed_step == "open" else "write"
            self._fail(action, self._file.error)

    def publish(self) -> Path:
        """Link a message closed by :meth:`close_unsynced`, and since made durable, into
        ``new/`` under the name :meth:`close_unsynced` announced (a clash is an error)."""
        if self._done or not self._closed:
            raise ValueError("publish() needs close_unsynced() first")
        self.check_written()
        final = self._maildir.path / "new" / self._name
        try:
            self._link_or_rename(final)
        except OSError as exc:
            self._fail("move the message into", exc, final)
        self._done = True
        return final

    def _complete(self, token: str | None) -> None:
        """The checks and the name change shared by :meth:`finish` and :meth:`close_unsynced`."""
        if self._done or self._closed:
            raise ValueError("finish() after finish() or abort()")
        if token is None and self._token is None:
            raise ValueError("finish() needs a token when begin() was given none")
        if token is not None:
            _check_token(token)
        if self._pending_cr:
            self._pending_cr = False
            self._store(b"\r")
        if token is not None and token != self._token:
            self._token = token
            self._name = _unique_name(token)

    def _move_into_new(self) -> Path:
        """Hard-link then unlink, so an existing message is never overwritten.

        Where hard links are unsupported (some network or FAT file systems) fall back to
        rename; a name clash (practically impossible) picks a fresh unique name.
        """
        for _attempt in range(3):
            final = self._maildir.path / "new" / self._name
            try:
                self._link_or_rename(final)
            except FileExistsError:
                self._name = _unique_name(self._token or _PENDING)
                continue
            except OSError as exc:
                self._fail("move the message into", exc, final)
            return final
        self._fail("move the message into", FileExistsError(errno.EEXIST, "exists"), final)

    def _link_or_rename(self, final: Path) -> None:
        try:
            os.link(self._tmp_path, final)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
                raise
            if final.exists():
                raise FileExistsError(errno.EEXIST, "exists", os.fspath(final)) from exc
            os.rename(self._tmp_path, final)
        else:
            with contextlib.suppress(OSError):  # a leftover in tmp/ is cleaned later
                os.unlink(self._tmp_path)

    def abort(self) -> None:
        """Forget the message: close and remove the temporary file. Safe to call twice."""
        if self._done:
            return
        self._done = True
        if isinstance(self._file, QueuedFile):
            self._file.discard()  # closes and removes it on the writer thread, in order
            return
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):  # nothing more to do; clean_tmp() retries later
            os.unlink(self._tmp_path)

    def _fail(self, action: str, exc: OSError, path: Path | None = None) -> NoReturn:
        """Remove the temporary file, then report the disk failure as a DeliveryError."""
        self.abort()
        raise disk_error(action, path or self._tmp_path, exc) from exc

    def __enter__(self) -> Delivery:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()


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
        self,
        token: str | None = None,
        *,
        digest: bool = False,
        keep_head: int = 0,
        writer: BackgroundWriter | None = None,
    ) -> Delivery:
        """Start writing a message named by *token*; ``digest=True`` also computes its SHA-256,
        ``keep_head`` keeps that many of its first bytes in memory (:attr:`Delivery.head`).
        With a *writer* the file-system calls run on its thread (then only
        :meth:`Delivery.close_unsynced` and :meth:`Delivery.publish` finish the message).

        A None token must then be given to :meth:`Delivery.finish` (content-hash identity).
        """
        if token is not None:
            _check_token(token)
        return Delivery(self, token, digest=digest, keep_head=keep_head, writer=writer)

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

    def sync_files(self, paths: list[Path]) -> None:
        """Make the data of the closed files *paths* (in this file system) durable at once.

        See :func:`sync_files`; errors become a DeliveryError.
        """
        try:
            sync_files(self.path / "tmp", paths)
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) else self.path / "tmp"
            raise disk_error("save", where, exc) from exc

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
