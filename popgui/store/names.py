"""Maildir file names: the unique part, the account + UIDL token in it, the info part.

A delivered file is named ``<seconds>.M<usec>P<pid>Q<counter>_<token>.<host>``; the token
(:func:`token_for`) lets a later run recognise the message from a directory listing alone. In
``cur/`` the name gains an *info* part, ``<separator>2,<flags>``. The separator is ``:`` by
the Maildir specification, but NTFS forbids ``:`` in file names, so on Windows it is ``;`` as
isync (mbsync) writes it there. :data:`SEPARATOR` holds the one of this platform; parsing
reads it at each call, so a test can switch it.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import socket
import sys
import time

__all__ = [
    "OWN_TMP_PREFIX",
    "SEPARATOR",
    "check_token",
    "info_flags",
    "owner_tag",
    "separator_for",
    "temp_name",
    "temp_owner",
    "token_for",
    "token_of",
    "unique_name",
    "with_flags",
]

#: Our temporary files in ``tmp/`` start with this, so a later run can recognise its own leftovers.
OWN_TMP_PREFIX = "popgui-"


def separator_for(platform: str) -> str:
    """The Maildir info separator on *platform* (a ``sys.platform`` value)."""
    return ";" if platform == "win32" else ":"


#: The info separator of this platform (``:``; ``;`` on Windows).
SEPARATOR = separator_for(sys.platform)

_TOKEN_RE = re.compile(r"_([0-9a-f]{32})\.")
_TOKEN_ONLY_RE = re.compile(r"[0-9a-f]{32}")
# A tagged temporary name: prefix, the owner's tag, "-", the unique name (with the pid).
_OWNED_TMP_RE = re.compile(re.escape(OWN_TMP_PREFIX) + r"([0-9a-f]{12})-\d+\.M\d+P(\d+)Q")
_counter = itertools.count(1)


def token_for(account_key: str, uid: str) -> str:
    """Return the 32-hex-digit token naming the message *uid* of *account_key* on disk.

    UIDLs may contain "/" and "..", so they never appear in file names; this hash does.
    """
    digest = hashlib.sha256(account_key.encode("utf-8") + b"\0" + uid.encode("utf-8"))
    return digest.hexdigest()[:32]


def check_token(token: str) -> None:
    """Refuse anything but a token from :func:`token_for`: it becomes part of a file name."""
    if not _TOKEN_ONLY_RE.fullmatch(token):
        raise ValueError(f"not a delivery token: {token!r}")


def _base(name: str) -> str:
    """*name* without its info part."""
    return name.split(SEPARATOR, 1)[0]


def token_of(name: str) -> str:
    """The token in a delivered file's name, or "" for a file popgui did not name."""
    match = _TOKEN_RE.search(_base(name))
    return match.group(1) if match else ""


def info_flags(name: str) -> str:
    """The Maildir flags of a file name (``...:2,RS`` → ``"RS"``); "" when it has none."""
    _base_part, sep, info = name.partition(SEPARATOR + "2,")
    return info if sep else ""


def with_flags(name: str, flags: str) -> str:
    """*name* with its info part set to *flags* (sorted, each once), as ``cur/`` wants it."""
    return f"{_base(name)}{SEPARATOR}2,{''.join(sorted(set(flags)))}"


def owner_tag(account_key: str) -> str:
    """12 hex digits naming an account in its temporary files (see :func:`temp_owner`)."""
    return hashlib.sha256(account_key.encode("utf-8")).hexdigest()[:12]


def temp_name(unique: str, owner: str) -> str:
    """The name of a message being written into ``tmp/``: tagged with *owner* (an
    :func:`owner_tag`) when given, so that a later run of that account knows its leftovers."""
    return f"{OWN_TMP_PREFIX}{owner}-{unique}" if owner else OWN_TMP_PREFIX + unique


def temp_owner(name: str) -> tuple[str, int] | None:
    """(owner tag, pid of the writer) of a tagged temporary name, or None."""
    match = _OWNED_TMP_RE.match(name)
    return None if match is None else (match.group(1), int(match.group(2)))


class _Host:
    """The host name for unique names, read at most once a second.

    ``gethostname()`` is a system call that releases the GIL: with the writer thread busy, a
    call per message would delay it. A host renamed mid-sync is seen within a second.
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
    """The host name as the Maildir unique-name rules want it ("/", ":" and the info
    separator escaped)."""
    name = socket.gethostname() or "localhost"
    name = name.replace("/", "\\057").replace(":", "\\072")
    return name.replace(";", "\\073") if SEPARATOR == ";" else name


def unique_name(token: str) -> str:
    """``<seconds>.M<usec>P<pid>Q<counter>_<token>.<host>``: unique per process and moment.

    The pid is read every time (it costs no system call) so a forked child never repeats its
    parent's names.
    """
    now = time.time_ns()
    seconds = now // 1_000_000_000
    usec = now // 1000 % 1_000_000
    host = _Host.at(seconds)
    return f"{seconds}.M{usec}P{os.getpid()}Q{next(_counter)}_{token}.{host}"
