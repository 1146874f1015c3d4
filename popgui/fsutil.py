"""Durable file-system steps shared by the store and the settings.

Both raise plain ``OSError``: each caller turns it into the sentence that fits what it was
doing (saving settings, delivering mail, saving a copy of a message).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def fsync_directory(path: Path) -> None:
    """fsync a directory so that names created, renamed or removed in it survive a power cut.

    Windows cannot open a directory (its renames are durable enough), and some network file
    systems refuse fsync on one with EINVAL: there is nothing more to do there.
    """
    if os.name != "posix":
        return
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(descriptor)


def write_atomically(
    path: Path, write: Callable[[BinaryIO], object], *, mode: int | None = None
) -> None:
    """Replace ``path`` with what ``write`` produces, all or nothing.

    A temporary file beside ``path`` is written, fsynced, given ``mode``, renamed over
    ``path``, and the directory fsynced. On failure the old file is intact and no temporary
    file is left behind.
    """
    import tempfile  # only when writing (start-up time of read-only commands)

    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)
