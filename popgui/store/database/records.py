"""The values the database stores and returns: delivered records, index rows, queries."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccountState",
    "DeliveredRecord",
    "IndexFields",
    "IndexLocation",
    "IndexedCopy",
    "IndexedMessage",
    "MessageRow",
    "PageQuery",
    "StoredIdentity",
]


@dataclass(frozen=True)
class DeliveredRecord:
    """One message popgui delivered: its UIDL, the token in its file name, where it went."""

    uid: str
    token: str
    size: int
    delivered_at: float
    path: str
    deleted_on_server: bool = False
    vanished_at: float | None = None
    locally_deleted_at: float | None = None


@dataclass(frozen=True)
class AccountState:
    """What the last POP3 login of an account said, for periodic checks (LOGIN-DELAY)."""

    account: str
    last_login: float | None = None
    login_delay: int | None = None
    expire: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class MessageRow:
    """One line of the message list, read from the header index."""

    id: int
    account: str
    folder: str
    path: str
    from_addr: str
    subject: str
    date: float | None
    size: int
    read: bool
    has_attachment: bool
    #: Where the message lives when it is not a file (delivered elsewhere), else "".
    elsewhere: str = ""


@dataclass(frozen=True)
class IndexFields:
    """What the message list shows, parsed from the header block of a stored message."""

    from_addr: str = ""
    subject: str = ""
    date: float | None = None
    message_id: str = ""
    has_attachment: bool = False
    #: The size as mailed: the octets with CRLF line ends, what a POP3 server's LIST reports
    #: (RFC 1939), though the file stores LF line ends. Every pane shows this one size.
    size: int = 0


@dataclass(frozen=True)
class IndexedMessage:
    """A stored message to put in the header index (one row per file path)."""

    path: str
    fields: IndexFields
    token: str = ""
    uid: str = ""
    flags: str = ""
    #: Where the message lives when it is not a file of the Maildir ("INBOX on
    #: imap.example.com"; ``path`` is then the destination's locator), "" for a file.
    elsewhere: str = ""


@dataclass(frozen=True)
class IndexLocation:
    """Where an indexed message lies, what the local actions need to move it."""

    id: int
    account: str
    folder: str
    path: str
    token: str
    flags: str


@dataclass(frozen=True)
class IndexedCopy:
    """A stored message as the header index knows it, for recognising it under a new UIDL."""

    path: str
    token: str
    uid: str
    message_id: str
    date: float | None
    size: int
    #: Where it lives when it is not a file (delivered elsewhere, ``--deliver``), else "".
    elsewhere: str = ""


@dataclass(frozen=True)
class StoredIdentity:
    """A stored message no UIDL claims, as the header index knows it: what recognises it as
    a message on the server (an adopting first sync, popgui/sync/adoption.py)."""

    path: str
    message_id: str
    date: float | None
    from_addr: str
    subject: str


@dataclass(frozen=True)
class PageQuery:
    """Which page of the message list to read: folder, sort, filter, window."""

    account: str
    folder: str
    sort: str = "date"
    descending: bool = True
    filter_text: str = ""
    offset: int = 0
    limit: int = 200
