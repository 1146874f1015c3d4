"""A stand-in for Windows' ``msvcrt`` module, to run the Windows lock branch on Linux.

``msvcrt.locking(fd, mode, nbytes)`` locks *nbytes* from the file's current position; a
second lock on the same range fails with EACCES, from any descriptor. This stand-in keeps the
held ranges in a dictionary (one process is all the tests need) and records every call.
"""

from __future__ import annotations

import errno
import os
import types

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4


def make() -> types.ModuleType:
    """A fresh stand-in module (its own held ranges and call log)."""
    module = types.ModuleType("msvcrt")
    held: dict[tuple[int, int, int], int] = {}  # (device, inode, offset) -> holder fd
    calls: list[tuple[int, int, int]] = []  # (mode, offset, nbytes)

    def locking(fd: int, mode: int, nbytes: int) -> None:
        info = os.fstat(fd)
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        calls.append((mode, offset, nbytes))
        key = (info.st_dev, info.st_ino, offset)
        if mode == LK_UNLCK:
            if held.get(key) != fd:
                raise OSError(errno.EACCES, "not locked by this descriptor")
            del held[key]
        elif key in held:
            raise OSError(errno.EACCES, "locked by another descriptor")
        else:
            held[key] = fd

    module.LK_UNLCK, module.LK_LOCK, module.LK_NBLCK = LK_UNLCK, LK_LOCK, LK_NBLCK
    module.LK_RLCK, module.LK_NBRLCK = LK_RLCK, LK_NBRLCK
    module.locking = locking
    module.calls = calls
    module.held = held
    return module
