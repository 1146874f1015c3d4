"""Reading other mail clients' state files: which UIDLs mpop, fetchmail, getmail6 or
Thunderbird already downloaded for one server and user.

Each reader streams its file line by line with a bounded line length, so a file of any size
(a 1 GB one by mistake, or binary garbage without a line end) is read in bounded memory. Only
the UIDLs of the account asked about are kept, up to :data:`MAX_UIDS`; of the other entries
only a few names are kept, to say what the file does hold. A line that is not understood is
skipped and counted; a file that is not of the named kind, a file without an entry for the
account and a list cut short are refused with :class:`ImportRefusedError`, before anything is
recorded. A last line without its line end is taken for a file cut short there: it is skipped
(an incomplete UIDL could name another message).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal, get_args

from popgui.catalog import Sentence
from popgui.catalog import imports as says
from popgui.errors import PopguiError, UsageError

Kind = Literal["mpop", "fetchmail", "getmail", "thunderbird"]
KINDS: tuple[str, ...] = get_args(Kind)

#: A longer line is no state line of any of these programs: skipped, read in pieces.
MAX_LINE = 4096
#: RFC 1939 allows 70 characters; some servers send more. Longer is not a UIDL.
MAX_UID = 512
#: More UIDLs than this for one account is no mailbox a POP3 server serves: refused.
MAX_UIDS = 2_000_000
#: How many other accounts' names a refusal lists...
MAX_NAMES = 10
#: ...and up to how many it counts (a bound on the memory their names take).
MAX_COUNTED = 10_000

_UID = re.compile(rb"[\x21-\x7e]{1,%d}" % MAX_UID)
_GETMAIL_NAME = re.compile(r"oldmail-(.+)-(\d+)-(.+)")


class ImportRefusedError(PopguiError):
    """The file cannot be imported as it is; nothing was recorded."""


@dataclass(frozen=True)
class Target:
    """The account whose UIDLs are looked for: its server and user (and file, for messages)."""

    path: Path
    host: str
    user: str

    def matches(self, host: str, user: str) -> bool:
        """Host names compare without case and a final dot; the user exactly (servers differ)."""
        return _host_key(host) == _host_key(self.host) and user == self.user


@dataclass
class Found:
    """What a state file holds for the target account."""

    uids: set[str] = field(default_factory=set)
    #: Lines naming a UIDL for the account that count as downloaded (duplicates included).
    lines: int = 0
    #: Lines not understood, skipped.
    skipped: int = 0
    #: Entries for the account that do not mean downloaded (Thunderbird's b and f).
    not_downloaded: int = 0
    #: The port the file names (getmail's file name carries it), else None.
    port: int | None = None
    #: Whether the file had an entry for the account at all.
    has_entry: bool = False
    #: Other accounts' names, in the file's order (the first :data:`MAX_NAMES` are listed).
    others: dict[tuple[str, str], None] = field(default_factory=dict)

    @property
    def more_others(self) -> int:
        """How many other accounts are not listed (counted up to :data:`MAX_COUNTED`)."""
        return max(0, len(self.others) - MAX_NAMES)

    def add(self, target: Target, uid: str) -> None:
        self.lines += 1
        self.uids.add(uid)
        if len(self.uids) > MAX_UIDS:
            raise ImportRefusedError(
                says.TOO_MANY(path=target.path, limit=MAX_UIDS, user=target.user, host=target.host)
            )

    def other(self, host: str, user: str) -> None:
        if len(self.others) < MAX_COUNTED:
            self.others.setdefault((host, user), None)


def read_state(kind: Kind, target: Target) -> Found:
    """The UIDLs *target*'s file records as downloaded for its host and user (refusals raise)."""
    readers = {
        "mpop": _read_mpop,
        "fetchmail": _read_fetchmail,
        "getmail": _read_getmail,
        "thunderbird": _read_thunderbird,
    }
    try:
        with target.path.open("rb") as file:
            found = readers[kind](file, target)
    except FileNotFoundError:
        raise UsageError(says.NO_SUCH_FILE(path=target.path)) from None
    except IsADirectoryError as error:
        raise ImportRefusedError(
            says.CANNOT_READ(path=target.path, reason=error.strerror)
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ImportRefusedError(says.CANNOT_READ(path=target.path, reason=reason)) from None
    if not found.has_entry:
        raise ImportRefusedError(
            says.NO_ENTRY(
                path=target.path, user=target.user, host=target.host, entries=_entries(found)
            )
        )
    return found


def _entries(found: Found) -> Sentence | str:
    listed = itertools.islice(found.others, MAX_NAMES)
    names = ", ".join(f"{user} at {host}" for host, user in listed)
    if not names:
        return says.NO_ENTRIES_AT_ALL()
    if found.more_others:
        return says.MORE_ENTRIES(entries=names, count=found.more_others)
    return names


def _host_key(host: str) -> str:
    return host.strip().rstrip(".").casefold()


def _lines(file: BinaryIO) -> Iterator[bytes | None]:
    """The file's lines without their line ends; None for a line that is too long or has no
    line end (the file's last, cut short). At most :data:`MAX_LINE` bytes are held at once."""
    while line := file.readline(MAX_LINE + 1):
        if line.endswith(b"\n"):
            yield line[:-1].removesuffix(b"\r")
            continue
        while len(line) > MAX_LINE and not line.endswith(b"\n"):
            line = file.readline(MAX_LINE + 1)  # the rest of an overlong line, piece by piece
        yield None


def _uid(raw: bytes) -> str | None:
    return raw.decode("ascii") if _UID.fullmatch(raw) else None


def _text(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() and text.strip() else None


def _not_of_kind(target: Target, expected: Sentence) -> ImportRefusedError:
    return ImportRefusedError(says.NOT_OF_KIND(path=target.path, expected=expected))


# -- mpop ------------------------------------------------------------------------------------


@dataclass
class _MpopList:
    """The list being read: whether it is the target's, how many UIDLs are still to come."""

    ours: bool
    announced: int
    remaining: int


def _read_mpop(file: BinaryIO, target: Target) -> Found:
    found = Found()
    current: _MpopList | None = None
    first = True
    for line in _lines(file):
        if current is not None and current.remaining > 0 and not _mpop_header(line):
            # A line cut short or too long takes no place in the list: the list then ends
            # short and, if it is the target's, is refused.
            uid = None if line is None else _uid(line)
            current.remaining -= line is not None
            if uid is None:
                found.skipped += 1
            elif current.ours:
                found.add(target, uid)
            continue
        _check_list_complete(current, target, found)
        current = None
        if line is not None and (line.startswith(b"#") or not line.strip()):
            first = False
            continue
        header = _mpop_header(line)
        if header is None:
            if first:
                raise _not_of_kind(target, says.MPOP_EXPECTED())
            found.skipped += 1
            continue
        first = False
        current = _open_list(header, target, found)
    _check_list_complete(current, target, found)
    return found


def _mpop_header(line: bytes | None) -> tuple[int, str, str] | None:
    """`` COUNT HOST USER`` as its three values, or None."""
    if line is None or not line.startswith(b" "):
        return None
    text = _text(line)
    parts = text.split() if text is not None else []
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1], parts[2]


def _open_list(header: tuple[int, str, str], target: Target, found: Found) -> _MpopList:
    count, host, user = header
    ours = target.matches(host, user)
    if ours:
        found.has_entry = True
    else:
        found.other(host, user)
    return _MpopList(ours, count, count)


def _check_list_complete(current: _MpopList | None, target: Target, found: Found) -> None:
    """The target's list must hold as many lines as its header announced."""
    if current is not None and current.ours and current.remaining > 0:
        raise ImportRefusedError(
            says.LIST_CUT_SHORT(
                path=target.path,
                user=target.user,
                host=target.host,
                announced=current.announced,
                found=current.announced - current.remaining,
            )
        )


# -- fetchmail -------------------------------------------------------------------------------


def _read_fetchmail(file: BinaryIO, target: Target) -> Found:
    """``USER@HOST UIDL`` lines; IMAP lines (``USER@HOST/FOLDER ...``) and others are skipped."""
    found = Found()
    understood = 0
    for line in _lines(file):
        parts = line.split() if line is not None else []
        who = _text(parts[0]) if len(parts) == 2 else None
        uid = _uid(parts[1]) if who is not None else None
        if who is None or uid is None or "@" not in who:
            found.skipped += 1
            continue
        user, host = who.rsplit("@", 1)
        if not user or not host or "/" in host:
            found.skipped += 1
            continue
        understood += 1
        if target.matches(host, user):
            found.has_entry = True
            found.add(target, uid)
        else:
            found.other(host, user)
    if found.skipped and not understood:
        raise _not_of_kind(target, says.FETCHMAIL_EXPECTED())
    return found


# -- getmail ---------------------------------------------------------------------------------


def _read_getmail(file: BinaryIO, target: Target) -> Found:
    """``oldmail-HOST-PORT-USER``: ``UIDL NUL TIME`` lines; server and user from the name."""
    names = _getmail_names(target.path.name)
    if not names:
        raise _not_of_kind(target, says.GETMAIL_EXPECTED())
    found = Found()
    ours = next(((h, p) for h, p, u in names if target.matches(h, u)), None)
    if ours is None:
        host, port, user = names[0]
        found.other(f"{host} port {port}", user)
    else:
        found.has_entry = True
        found.port = ours[1]
    understood = 0
    for line in _lines(file):
        uid_part, nul, when = line.partition(b"\0") if line is not None else (b"", b"", b"")
        uid = _uid(uid_part) if nul and re.fullmatch(rb"\d+(\.\d*)?", when) else None
        if uid is None:
            found.skipped += 1
            continue
        understood += 1
        if ours is not None:
            found.add(target, uid)
    if found.skipped and not understood:
        raise _not_of_kind(target, says.GETMAIL_EXPECTED())
    return found


def _getmail_names(name: str) -> list[tuple[str, int, str]]:
    """Every way to read HOST, PORT and USER from *name* (host and user may hold "-NN-")."""
    if not name.startswith("oldmail-"):
        return []
    rest = name[len("oldmail-") :]
    ways = []
    for match in re.finditer(r"(?=-(\d+)-)", rest):
        host, port = rest[: match.start()], match.group(1)
        user = rest[match.start() + len(port) + 2 :]
        if host and user:
            ways.append((host, int(port), user))
    return ways


# -- Thunderbird -----------------------------------------------------------------------------

_DOWNLOADED_FLAGS = {b"k": True, b"d": True, b"b": False, b"f": False}


def _read_thunderbird(file: BinaryIO, target: Target) -> Found:
    """``# POP3 State File``, then ``*HOST USER`` opening each account, ``FLAG UIDL TIME``."""
    found = Found()
    lines = _lines(file)
    first = next(lines, b"")
    if first is None or not first.startswith(b"# POP3 State File"):
        raise _not_of_kind(target, says.THUNDERBIRD_EXPECTED())
    ours: bool | None = None  # None: no account opened yet
    for line in lines:
        if line is not None and (line.startswith(b"#") or not line.strip()):
            continue
        if line is not None and line.startswith(b"*"):
            ours = _open_account(line[1:], target, found)
            continue
        parts = line.split() if line is not None else []
        uid = _uid(parts[1]) if len(parts) == 3 and parts[2].isdigit() else None
        downloaded = _DOWNLOADED_FLAGS.get(parts[0]) if uid is not None else None
        if uid is None or downloaded is None or ours is None:
            found.skipped += 1
        elif ours and downloaded:
            found.add(target, uid)
        elif ours:
            found.not_downloaded += 1
    return found


def _open_account(raw: bytes, target: Target, found: Found) -> bool | None:
    text = _text(raw)
    parts = text.split(None, 1) if text is not None else []
    if len(parts) != 2:
        found.skipped += 1
        return None
    host, user = parts[0], parts[1].strip()
    if target.matches(host, user):
        found.has_entry = True
        return True
    found.other(host, user)
    return False
