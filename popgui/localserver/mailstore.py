"""In-memory mail storage shared by the local POP3 and POP2 servers.

A :class:`ServerMailbox` is a thread-safe list of :class:`ServerMessage` objects. Tests and
``popgui demo`` fill it with :meth:`ServerMailbox.add` and inspect it afterwards; the servers
take a snapshot of it when a session selects it and remove messages when a session commits its
deletions.

The POP3 maildrop lock (RFC 1939 section 8) is a flag on the mailbox: a POP3 session takes it
when it logs in and gives it back when it ends, and a second POP3 session that logs in
meanwhile gets ``-ERR [IN-USE]``. POP2 sessions work on snapshots and do not take it
(see the RFC 937 digest, ambiguity 14).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["ServerAccount", "ServerMailbox", "ServerMessage", "normalize_line_endings"]

_BARE_LF = re.compile(rb"(?<!\r)\n")
_BARE_CR = re.compile(rb"\r(?!\n)")
_UID_RE = re.compile(r"[\x21-\x7e]{1,70}")


def normalize_line_endings(content: bytes) -> bytes:
    """Return *content* with every line ending as CRLF and a final CRLF.

    A bare LF or a bare CR becomes CRLF. An empty message stays empty.
    """
    if not content:
        return content
    content = _BARE_CR.sub(b"\r\n", content)
    content = _BARE_LF.sub(b"\r\n", content)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    return content


@dataclass(frozen=True, eq=False)
class ServerMessage:
    """One stored message.

    ``content`` is the message as transmitted: CRLF line endings, not dot-stuffed. Two
    messages are never equal unless they are the same object (two messages may share a UID
    or a content).
    """

    uid: str
    content: bytes

    @property
    def size(self) -> int:
        """The size in octets, as LIST and POP2 ``=c`` report it."""
        return len(self.content)


class ServerMailbox:
    """A thread-safe, ordered list of messages with a POP3 maildrop lock."""

    def __init__(self, contents: Iterable[bytes] = ()) -> None:
        self._lock = threading.Lock()
        self._messages: list[ServerMessage] = []
        self._counter = 0
        self._session_lock_held = False
        for content in contents:
            self.add(content)

    def __repr__(self) -> str:
        return f"<ServerMailbox {len(self)} messages>"

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def add(self, content: bytes, uid: str | None = None, *, raw: bool = False) -> ServerMessage:
        """Append a message and return it.

        Line endings are normalised to CRLF unless *raw* is true (fault tests may want to
        serve bare LFs as they are). Without *uid* a fresh one is made from a counter
        (``"00000001"``, ``"00000002"``...), unique within this mailbox and stable for the
        message's life. An explicit *uid* must be 1-70 characters in 0x21-0x7E (RFC 1939);
        it is not checked for uniqueness, so a test can build a server that repeats one.
        """
        if not isinstance(content, bytes | bytearray | memoryview):
            raise TypeError("content must be bytes")
        data = bytes(content)
        if not raw:
            data = normalize_line_endings(data)
        if uid is not None and not _UID_RE.fullmatch(uid):
            raise ValueError(f"invalid UID {uid!r}: 1-70 characters in 0x21-0x7E")
        with self._lock:
            if uid is None:
                taken = {message.uid for message in self._messages}
                while True:
                    self._counter += 1
                    uid = f"{self._counter:08x}"
                    if uid not in taken:
                        break
            message = ServerMessage(uid, data)
            self._messages.append(message)
            return message

    def messages(self) -> list[ServerMessage]:
        """A snapshot of the messages, in order."""
        with self._lock:
            return list(self._messages)

    def contents(self) -> list[bytes]:
        """The contents of the messages, in order."""
        with self._lock:
            return [message.content for message in self._messages]

    def uids(self) -> list[str]:
        """The UIDs of the messages, in order."""
        with self._lock:
            return [message.uid for message in self._messages]

    def contains(self, message: ServerMessage) -> bool:
        """Whether this very message object is still in the mailbox."""
        with self._lock:
            return any(m is message for m in self._messages)

    def remove(self, messages: Iterable[ServerMessage]) -> int:
        """Remove these message objects (by identity); return how many were present."""
        doomed = {id(message) for message in messages}
        if not doomed:
            return 0
        with self._lock:
            before = len(self._messages)
            self._messages = [m for m in self._messages if id(m) not in doomed]
            return before - len(self._messages)

    def remove_uids(self, uids: Iterable[str]) -> int:
        """Remove every message whose UID is in *uids*; return how many were removed."""
        wanted = set(uids)
        with self._lock:
            before = len(self._messages)
            self._messages = [m for m in self._messages if m.uid not in wanted]
            return before - len(self._messages)

    def clear(self) -> None:
        """Remove every message."""
        with self._lock:
            self._messages = []

    # -- the POP3 maildrop lock ------------------------------------------------------------

    def try_lock(self) -> bool:
        """Take the maildrop lock; False if another session holds it."""
        with self._lock:
            if self._session_lock_held:
                return False
            self._session_lock_held = True
            return True

    def unlock(self) -> None:
        """Give the maildrop lock back (a no-op if it is not held)."""
        with self._lock:
            self._session_lock_held = False

    @property
    def locked(self) -> bool:
        """Whether a POP3 session holds the maildrop lock."""
        with self._lock:
            return self._session_lock_held


@dataclass
class ServerAccount:
    """A user of the local servers.

    ``mailbox`` is the default mailbox (POP3's maildrop, POP2's mailbox after HELO);
    ``folders`` are the other mailboxes POP2's FOLD can select by name.
    """

    user: str
    password: str
    mailbox: ServerMailbox = field(default_factory=ServerMailbox)
    folders: dict[str, ServerMailbox] = field(default_factory=dict)
