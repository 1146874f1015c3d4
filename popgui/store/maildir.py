"""Durable Maildir delivery: every message lands whole in ``new/`` or not at all.

Why this module exists rather than :mod:`mailbox`: ``mailbox.Maildir`` never fsyncs, names
files without a way to recognise them later, and takes whole messages in memory. Here a message
streams into ``tmp/`` in gathered buffers, is made durable (fsynced), then moved into ``new/``
under a name that carries a *token* derived from account + UIDL (popgui/store/names.py). After
a crash, a directory listing of ``new/`` and ``cur/`` (:meth:`Maildir.tokens`) tells which
messages already landed, without opening a single file.

The move into ``new/`` never replaces a file (:func:`popgui.durable.move_noreplace`).
Our names are unique anyway (time, pid, a per-process counter, host), so a clash is an error,
not a race to lose a message in.

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
import os
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, NoReturn

from popgui import durable
from popgui.catalog import Message, Sentence
from popgui.catalog import store as says
from popgui.errors import ConfigError, DeliveryError
from popgui.store.names import (
    check_token,
    owner_tag,
    temp_name,
    temp_owner,
    token_of,
    unique_name,
)
from popgui.store.writer import BackgroundWriter, Directory, Mark, QueuedFile

__all__ = [
    "GATHER",
    "STALE_TMP_SECONDS",
    "Delivery",
    "Maildir",
    "Spool",
    "disk_error",
    "move_message",
    "sync_dir",
    "validate_folder_name",
]

#: The standard Maildir rule: a file in ``tmp/`` untouched for 36 hours is garbage.
STALE_TMP_SECONDS = 36 * 3600

_SUBDIRS = ("cur", "new", "tmp")
_PENDING = "pending"  # stands for the token in a temp name until finish() is told it
_BUFFER_SIZE = 256 * 1024
_CREATE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
#: Line ends as stored: CRLF becomes LF. ``re.sub`` with this literal pattern was measured
#: faster than ``bytes.replace`` on mail (replace counts every match in one pass and copies in
#: a second; the regex finds the literal and joins the pieces), and it takes the gathering
#: bytearray without a copy.
_CRLF = re.compile(rb"\r\n")
#: Received bytes are gathered up to this size before they are stored: a small message is
#: stored in one piece (one queued operation, one write), a large one streams in these.
GATHER = 256 * 1024

_ERRNO_WORDING: dict[int, Message] = {
    errno.ENOSPC: says.DISK_FULL,
    errno.EDQUOT: says.QUOTA_EXCEEDED,
    errno.EROFS: says.READ_ONLY_FILE_SYSTEM,
    errno.EACCES: says.PERMISSION_DENIED,
    errno.EPERM: says.NOT_PERMITTED,
    errno.EFBIG: says.FILE_TOO_LARGE,
    errno.EIO: says.IO_ERROR,
    errno.ENOENT: says.FOLDER_GONE,
    errno.ENOTDIR: says.NOT_A_FOLDER,
    errno.EEXIST: says.FILE_IN_THE_WAY,
}


def move_message(source: Path, target: Path) -> None:
    """Rename a message file, refusing to replace an existing one (file names are unique)."""
    try:
        durable.move_noreplace(os.fspath(source), os.fspath(target))
    except FileExistsError:
        raise DeliveryError(says.MOVE_EXISTS(source=source, target=target)) from None
    except OSError as exc:
        raise disk_error(says.MOVE_MESSAGE(), source, exc) from exc


def sync_dir(path: Path) -> None:
    """fsync a directory after creating, renaming or removing names in it."""
    _fsync_dir(path)


def disk_error(action: Sentence, path: Path | str, exc: OSError) -> DeliveryError:
    """Build the plain sentence a person reads when the disk refuses a write."""
    known = _ERRNO_WORDING.get(exc.errno or 0)
    reason = known() if known is not None else exc.strerror or str(exc)
    return DeliveryError(says.DISK_FAILED(action=action, path=os.fspath(path), reason=reason))


def _fsync_dir(path: Path | str, dir_fd: int | None = None) -> None:
    """fsync a directory so the names created in it survive a power cut (through *dir_fd*, an
    open descriptor of it, when given)."""
    try:
        durable.fsync_directory(path, dir_fd)
    except OSError as exc:
        raise disk_error(says.FLUSH_FOLDER(), path, exc) from exc


def _move_noreplace(old: str, new: str, old_dir: Directory, new_dir: Directory) -> None:
    """Move ``old_dir/old`` to ``new_dir/new``, never replacing a file there (FileExistsError).

    Raises OSError as the system call did.
    """
    if durable.DIR_FDS and old_dir.fd is not None and new_dir.fd is not None:
        durable.move_noreplace(old, new, source_dir_fd=old_dir.fd, target_dir_fd=new_dir.fd)
    else:
        durable.move_noreplace(f"{old_dir.path}/{old}", f"{new_dir.path}/{new}")


def validate_folder_name(name: str) -> None:
    """Refuse names that would escape the Maildir or break Maildir++ naming."""
    if not name or name.startswith(".") or name.endswith(".") or ".." in name:
        raise ConfigError(says.BAD_FOLDER_DOTS(name=repr(name)))
    if "/" in name or "\\" in name:
        raise ConfigError(says.BAD_FOLDER_SLASH(name=repr(name)))
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise ConfigError(says.BAD_FOLDER_CONTROL(name=repr(name)))


_WRITING, _CLOSED, _DONE = 0, 1, 2  # Delivery states
#: What a background step that failed was doing, in the words of disk_error().
_FAILED_STEP_WORDING: dict[str, Message] = {
    "open": says.CREATE_FILE,
    "write": says.WRITE,
    "sync": says.SAVE,
    "close": says.SAVE,
}


class Delivery:
    """One message being written into ``tmp/``, then moved into ``new/``.

    Obtain one from :meth:`Maildir.begin` (written here, finished by :meth:`finish`) or
    :meth:`Spool.begin` (written by the spool's writer thread, finished by
    :meth:`close_in_tmp` then, once the batch is durable, :meth:`publish`). Used as a context
    manager it removes the temporary file when the block ends unfinished (an exception, a
    cancel), so nothing half written is ever left behind.

    Received bytes are gathered (up to :data:`GATHER`) and stored a buffer at a time, CRLF line
    ends turned into LF (the Maildir convention) with one substitution per buffer; a CR at
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
        "line_ends",
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
        self._name = unique_name(token or _PENDING)
        # The temporary name is kept when finish() renames the message.
        self._tmp_name = temp_name(self._name, spool.owner if spool is not None else "")
        self._hash = hashlib.sha256() if digest else None
        self._keep_head = keep_head
        self._head = b""
        self._buffer = bytearray()  # received, not yet stored: CRLF still, maybe a last CR
        self._state = _WRITING
        self.size = 0  # bytes stored so far (all of them once closed)
        self.line_ends = 0  # CRLF received and stored as LF so far (see mailed_size)
        # Without a spool the file is created now, so a refused creation fails begin().
        self._file: BinaryIO | QueuedFile | None = None if spool is not None else self._create()

    def _create(self) -> BinaryIO:
        path = self.temp_path
        try:
            fd = os.open(path, _CREATE_FLAGS, 0o600)
        except OSError as exc:
            raise disk_error(says.CREATE_FILE(), path, exc) from exc
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

    @property
    def mailed_size(self) -> int:
        """The size as mailed (and as a POP3 server lists it): the stored LF line ends
        counted as the CRLF they were received as."""
        return self.size + self.line_ends

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
                data, line_ends = _CRLF.subn(b"\n", complete)
            raw[:] = b"\r"
        else:
            data, line_ends = _CRLF.subn(b"\n", raw)
            raw.clear()
        # Counted by the substitution for free: counting LF in the stored bytes again would
        # cost as much as the substitution itself.
        self.line_ends += line_ends
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
            self._fail(says.WRITE(), exc)

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
            raise ValueError("finish() needs a direct file; use close_in_tmp() and publish()")
        self.close_in_tmp(token)
        final = self._move_into_new()
        self._state = _DONE
        return final

    def close_in_tmp(self, token: str | None = None) -> str:
        """Write the message out, fsync and close it in ``tmp/``; returns the path
        :meth:`publish` will give it in ``new/``.

        For batched delivery: with a spool the writer thread does this in the background, and
        the caller waits for a whole batch at once (:meth:`Spool.sync`), then publishes each
        message. Until then the message is only a temporary file, which a crash leaves
        unrecognised in ``tmp/`` (removed by the account's next run; the message was never
        recorded, so it is downloaded again).
        """
        self._complete(token)
        file = self._file
        if file is not None and not isinstance(file, QueuedFile):
            try:
                file.flush()
                durable.fsync_file(file.fileno())
                file.close()
            except OSError as exc:
                self._fail(says.SAVE(), exc)
        self._state = _CLOSED
        return f"{self._dir('new')}/{self._name}"

    def check_written(self) -> None:
        """Raise the DeliveryError of a background write that failed (the file is removed).

        Only meaningful once the writer has run this message's operations (see
        :mod:`popgui.store.writer`).
        """
        file = self._file
        if isinstance(file, QueuedFile) and file.error is not None:
            self._fail(_FAILED_STEP_WORDING[file.failed_step](), file.error)

    def publish(self) -> str:
        """Move a message closed by :meth:`close_in_tmp`, and since made durable, into
        ``new/`` under the name :meth:`close_in_tmp` announced (a clash is an error)."""
        if self._state != _CLOSED:
            raise ValueError("publish() needs close_in_tmp() first")
        self.check_written()
        old_dir, new_dir = self._directories()
        try:
            _move_noreplace(self._tmp_name, self._name, old_dir, new_dir)
        except OSError as exc:
            self._fail(says.MOVE_MESSAGE_INTO(), exc, f"{new_dir.path}/{self._name}")
        self._state = _DONE
        return f"{new_dir.path}/{self._name}"

    def _directories(self) -> tuple[Directory, Directory]:
        """``tmp/`` and ``new/``: the spool's open ones, or by path."""
        if self._spool is not None:
            return self._spool.tmp, self._spool.new
        return Directory(self._dir("tmp")), Directory(self._dir("new"))

    def _complete(self, token: str | None) -> None:
        """The checks, the name change and the last store shared by :meth:`finish` and
        :meth:`close_in_tmp`."""
        if self._state:
            raise ValueError("finish() after finish() or abort()")
        if token is None and self._token is None:
            raise ValueError("finish() needs a token when begin() was given none")
        if token is not None and token != self._token:
            check_token(token)
            self._token = token
            self._name = unique_name(token)
        self._spill(final=True)

    def _move_into_new(self) -> Path:
        """Move into ``new/`` without replacing anything; a name clash (practically
        impossible) picks a fresh unique name."""
        old_dir, new_dir = self._directories()
        for _attempt in range(3):
            try:
                _move_noreplace(self._tmp_name, self._name, old_dir, new_dir)
            except FileExistsError:
                self._name = unique_name(self._token or _PENDING)
                continue
            except OSError as exc:
                self._fail(says.MOVE_MESSAGE_INTO(), exc, f"{new_dir.path}/{self._name}")
            return Path(new_dir.path, self._name)
        exists = FileExistsError(errno.EEXIST, "exists")
        self._fail(says.MOVE_MESSAGE_INTO(), exists, f"{new_dir.path}/{self._name}")

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

    def _fail(self, action: Sentence, exc: OSError, path: Path | str | None = None) -> NoReturn:
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

    The order, per batch: :meth:`begin` … :meth:`Delivery.close_in_tmp` for each message;
    :meth:`sync` (wait for the writer, which fsynced each file as it closed it, and check every
    file); then
    :meth:`Delivery.publish` for each; then :meth:`sync_new`. :meth:`close` at the end. The
    steps from :meth:`sync` on may run on another thread (popgui/sync/delivery.py's committer)
    than the one writing the next batch: a batch's deliveries belong to one thread at a time.

    The descriptors pin the directories: were the Maildir moved away mid-sync, the rest of the
    session would still land, whole, in the moved one.

    *owner*, the account key, tags the temporary files (:func:`~popgui.store.names.owner_tag`)
    so that the account's next run can remove what this one leaves behind if it dies
    (:meth:`Maildir.clean_own_tmp`).
    """

    def __init__(self, maildir: Maildir, owner: str = "") -> None:
        self.maildir = maildir
        self.owner = owner_tag(owner) if owner else ""
        base = os.fspath(maildir.path)
        self.tmp = Directory(f"{base}/tmp")
        self.new = Directory(f"{base}/new")
        self.writer = BackgroundWriter()

    def begin(self, token: str | None, *, keep_head: int = 0, digest: bool = False) -> Delivery:
        """Start a message named by *token* (None: given to close_in_tmp)."""
        if token is not None:
            check_token(token)
        if self.tmp.fd is None:  # opened on first use: a spool that only records opens nothing
            self.tmp.open()
            self.new.open()
        return Delivery(self.maildir, token, digest=digest, keep_head=keep_head, spool=self)

    def mark(self) -> Mark:
        """The writer's position now (see :meth:`sync`)."""
        return self.writer.mark()

    def sync(self, deliveries: Sequence[Delivery], mark: Mark | None = None) -> None:
        """Wait until the closed *deliveries* are durable: the writer has run everything queued
        before *mark* (everything when None), each file written, fsynced and closed. Raises
        DeliveryError (the failed file is removed)."""
        if mark is None:
            self.writer.drain()
        else:
            self.writer.wait(mark)
        for delivery in deliveries:
            delivery.check_written()

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
            raise disk_error(says.CREATE_MAIL_FOLDER(), self.path, exc) from exc

    def begin(
        self, token: str | None = None, *, digest: bool = False, keep_head: int = 0
    ) -> Delivery:
        """Start writing a message named by *token*; ``digest=True`` also computes its SHA-256,
        ``keep_head`` keeps that many of its first bytes in memory (:attr:`Delivery.head`).

        A None token must then be given to :meth:`Delivery.finish` (content-hash identity).
        For many messages, a :meth:`spool` writes them on a background thread.
        """
        if token is not None:
            check_token(token)
        return Delivery(self, token, digest=digest, keep_head=keep_head)

    def spool(self, owner: str = "") -> Spool:
        """A batched, background delivery session into this Maildir (close it at the end);
        *owner*, the account key, tags its temporary files (see :meth:`clean_own_tmp`)."""
        return Spool(self, owner)

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
                raise disk_error(says.LIST_FOLDER(), directory, exc) from exc
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

    def clean_own_tmp(self, owner: str) -> int:
        """Remove the temporary files a dead run of account *owner* left; return how many.

        Call it only while holding *owner*'s account lock (popgui/store/lock.py): a temp file
        is tagged with the account it is written for (:meth:`spool`), and only the lock holder
        writes that account's mail, so a tagged file written by another process is a leftover
        of a run that died (the lock dies with its process). Files of this process are left
        alone (a delivery in progress), and so are other accounts' files (their runs may be
        alive) and untagged ones: :meth:`clean_tmp` gets them eventually.
        """
        tag = owner_tag(owner)
        removed = 0
        me = os.getpid()
        for entry in self._tmp_entries():
            found = temp_owner(entry.name)
            if found is not None and found[0] == tag and found[1] != me:
                removed += self._remove_tmp(entry.path)
        return removed

    def _tmp_entries(self) -> list[os.DirEntry[str]]:
        directory = self.path / "tmp"
        try:
            with os.scandir(directory) as entries:
                return [e for e in entries if e.is_file(follow_symlinks=False)]
        except OSError as exc:
            raise disk_error(says.LIST_FOLDER(), directory, exc) from exc

    @staticmethod
    def _remove_tmp(path: str) -> int:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise disk_error(says.REMOVE_TEMPORARY(), path, exc) from exc
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
            raise disk_error(says.LIST_FOLDER(), root.path, exc) from exc
        return sorted(n for n in names if (root.path / f".{n}" / "cur").is_dir())

    def __repr__(self) -> str:
        return f"Maildir({os.fspath(self.path)!r})"
