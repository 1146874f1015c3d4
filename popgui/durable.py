"""Durable file-system steps, the same on Linux, macOS and Windows: a delivery's three, and the
atomic replacement of a small file (the settings, a saved copy of a message).

* :func:`fsync_file`: a file's data reaches the disk. On macOS ``fsync`` only hands the data
  to the drive, whose cache may still lose it at a power cut; ``F_FULLFSYNC`` asks the drive
  to flush it too (what SQLite's ``fullfsync`` pragma does for the database).
* :func:`fsync_directory`: the names created in a directory survive a power cut.
* :func:`move_noreplace`: a file moves to a new name, never replacing a file there.
* :func:`write_atomically`: a file is replaced by new contents, all or nothing.

Each raises plain ``OSError``: the caller turns it into the sentence that fits what it was
doing. The platform is read at each call (:data:`sys.platform`, :data:`os.name`), so a test
can force each branch on Linux.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "DIR_FDS",
    "fsync_directory",
    "fsync_file",
    "full_fsync_wanted",
    "move_noreplace",
    "write_atomically",
]

_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
#: link() errors meaning "no hard links on this file system" (FAT, exFAT, some network
#: shares): the move falls back to a rename (see move_noreplace).
_NO_LINKS = frozenset((errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS))
#: Windows' own codes for the same: ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED.
_NO_LINKS_WINDOWS = frozenset((1, 50))
#: Whether :func:`move_noreplace` takes directory descriptors here (link, unlink, rename and
#: stat relative to them; os.replace is os.rename's no-questions-asked twin).
DIR_FDS = all(f in os.supports_dir_fd for f in (os.link, os.unlink, os.rename, os.stat))


def full_fsync_wanted() -> bool:
    """Whether fsync leaves data in the drive's cache here, so a full flush must be asked for
    (macOS; SQLite then wants ``PRAGMA fullfsync``)."""
    return sys.platform == "darwin"


def fsync_file(fd: int) -> None:
    """Make the data written to the open file *fd* durable."""
    if full_fsync_wanted():
        import fcntl  # macOS only: this branch never runs on Windows

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass  # some file systems (network, FAT) refuse it: a plain fsync still helps
    os.fsync(fd)


def fsync_directory(path: str | os.PathLike[str], dir_fd: int | None = None) -> None:
    """fsync a directory (through *dir_fd*, an open descriptor of it, when given) so that the
    names created, renamed or removed in it survive a power cut.

    Windows is skipped: ``os.open`` cannot open a directory there, so there is no descriptor
    to fsync, and NTFS journals its metadata, so a crash leaves a new name either whole or
    absent, never a damaged directory. Some network file
    systems refuse fsync on a directory with EINVAL or ENOTSUP: nothing more to do there
    either.
    """
    if os.name == "nt":
        return
    fd = os.open(path, _DIRECTORY_FLAGS) if dir_fd is None else dir_fd
    try:
        fsync_file(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        if dir_fd is None:
            os.close(fd)


def move_noreplace(
    source: str,
    target: str,
    *,
    source_dir_fd: int | None = None,
    target_dir_fd: int | None = None,
) -> None:
    """Move *source* to *target*, never replacing a file there: FileExistsError when the
    name is taken. The directory descriptors, when given (only where :data:`DIR_FDS`), make
    the names relative to them.

    A hard link then an unlink of the old name, the classic Maildir move: ``link`` refuses an
    existing name atomically. Should the process die in between, the message has two names
    (the one in ``tmp/`` is an ordinary leftover, removed later).
    """
    try:
        os.link(source, target, src_dir_fd=source_dir_fd, dst_dir_fd=target_dir_fd)
    except OSError as exc:
        if not _no_hard_links(exc):
            raise
        _rename_without_links(source, target, source_dir_fd, target_dir_fd)
        return
    with contextlib.suppress(OSError):  # a leftover in tmp/ is cleaned later
        os.unlink(source, dir_fd=source_dir_fd)


def _no_hard_links(exc: OSError) -> bool:
    if isinstance(exc, FileExistsError):
        return False
    return exc.errno in _NO_LINKS or getattr(exc, "winerror", None) in _NO_LINKS_WINDOWS


def _rename_without_links(
    source: str, target: str, source_dir_fd: int | None, target_dir_fd: int | None
) -> None:
    """The move where the file system has no hard links.

    ``os.replace`` would silently replace an existing *target*, and no portable call renames
    without replacing. It is safe here because a collision is impossible by construction:
    every target name is unique (time to the microsecond, our pid, a per-process counter, the
    host name: see popgui/store/names.py), so no other delivery, of this process or of
    another, ever picks the same name; the check below only guards against a foreign file
    someone placed under that very name, and turns it into FileExistsError.
    """
    if _exists(target, target_dir_fd):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    os.replace(source, target, src_dir_fd=source_dir_fd, dst_dir_fd=target_dir_fd)


def _exists(name: str, dir_fd: int | None) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def write_atomically(
    path: Path, write: Callable[[BinaryIO], object], *, mode: int | None = None
) -> None:
    """Replace ``path`` with what ``write`` produces, all or nothing.

    A temporary file beside ``path`` is written, fsynced, given ``mode``, renamed over
    ``path``, and the directory fsynced. On failure the old file is intact and no temporary
    file is left behind.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            fsync_file(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)
