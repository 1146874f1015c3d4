"""The one small interface every destination other than the Maildir offers.

The engine (popgui/sync/forwarding.py) downloads a batch of messages into spool files, then,
for each batch:

1. :meth:`Destination.prepare` gives each message a *mark* (what the destination needs to
   know later whether an interrupted attempt landed: an mbox offset, nothing for IMAP); the
   engine records the batch as *pending* with the marks, in one commit;
2. :meth:`Destination.deliver` hands the batch over and says, per message, :class:`Accepted`
   (with a :class:`Receipt`), :class:`Deferred` (try later) or :class:`Refused`;
3. the engine records the accepted ones as delivered and clears the pending rows, in one
   commit. Only recorded messages are ever deleted on the server.

A process killed between 1 and 3 leaves pending rows. The next run opens the destination
and asks :meth:`Destination.recover` which of them landed (IMAP searches the folder, mbox
looks at its file and cuts off a half-written message); those are recorded without
delivering them again, the others are delivered again. LMTP and a program (MDA) cannot be
asked (:attr:`Destination.recovers` False: they skip step 1): they deliver at least once,
and keep the window small by taking one message per batch (:attr:`Destination.batch_messages`
= 1), recorded in the one commit of step 3.

Errors: a destination that cannot be reached, refuses the login, or breaks down mid-batch
raises a :class:`DestinationError` (the sync stops, nothing is deleted, what was accepted
before is recorded). A refusal of one message is a :class:`Refused` answer, not an exception.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from popgui.catalog import Sentence
from popgui.errors import PopguiError


@dataclass(frozen=True)
class Outgoing:
    """One downloaded message on its way to the destination.

    ``file`` holds the message exactly as the POP server sent it (dot-unstuffed, normally
    CRLF line ends), ``size`` bytes, positioned anywhere: seek to 0 before reading. Each
    destination converts line ends as its protocol needs (IMAP and LMTP: CRLF; mbox and a
    program: LF).
    """

    uid: str
    #: The account's identity of the message (account + UIDL), unique across accounts.
    token: str
    file: BinaryIO
    size: int
    #: The Message-ID header as written, angle brackets included ("" if there is none).
    message_id: str
    #: The Date header (seconds since the epoch), None if missing or unreadable.
    date: float | None
    #: When popgui downloaded it (seconds since the epoch): INTERNALDATE without a Date.
    downloaded_at: float
    #: Raw From and Subject headers ("" if missing): identity where there is no Message-ID.
    sender: str = ""
    subject: str = ""


@dataclass(frozen=True)
class Pending:
    """A message whose delivery was started by an earlier run that did not record its end."""

    uid: str
    token: str
    size: int
    message_id: str
    date: float | None
    downloaded_at: float
    #: What :meth:`Destination.prepare` said for it.
    mark: str


@dataclass(frozen=True)
class Receipt:
    """Where an accepted message is now.

    ``locator`` is recorded in the database (and shown in the window): unique per message
    across all accounts (include the message's token where the destination gives no id of
    its own), e.g. ``imap://ann@imap.example.com/INBOX;UIDVALIDITY=7;UID=42``.
    ``where`` is what a person reads: "INBOX on imap.example.com".
    """

    locator: str
    where: str


@dataclass(frozen=True)
class Accepted:
    receipt: Receipt


@dataclass(frozen=True)
class Deferred:
    """Not now (LMTP 4xx, exit status 75): the message stays on the server for the next run."""

    reason: str | Sentence


@dataclass(frozen=True)
class Refused:
    """Not this message (LMTP 5xx, another exit status): it stays on the server, the sync
    goes on with the others and ends reporting the refusal."""

    reason: str | Sentence


Outcome = Accepted | Deferred | Refused


class DestinationError(PopguiError):
    """The destination cannot take mail now: the sync stops and nothing is deleted."""


class DestinationUnavailableError(DestinationError):
    """It could not be reached, or the connection broke."""


class DestinationLoginError(DestinationError):
    """It refused the user name, password or token, or its password could not be found.

    Not a :class:`~popgui.errors.CredentialsError`: that one is about the POP account's own
    password, which a front end would then ask for."""


class MessagesRefusedError(DestinationError):
    """The destination refused some messages (they stay on the server); the others went."""


class Destination(ABC):
    """Where an account's mail goes instead of its Maildir. Used from one thread; opened
    once per sync (one connection for the whole sync), closed at the end."""

    #: How many messages go in one batch at most (1: each recorded on its own).
    batch_messages: int = 100
    #: How many bytes of mail go in one batch at most (a single bigger message goes alone).
    batch_bytes: int = 16 * 1024 * 1024
    #: Whether :meth:`recover` can tell what landed. One that cannot (LMTP, a program) is
    #: spared the pending rows: they would cost a commit per batch and tell nothing.
    recovers: bool = True

    @abstractmethod
    def describe(self) -> str:
        """What a person reads in progress and errors: "INBOX on imap.example.com"."""

    @abstractmethod
    def open(self) -> None:
        """Connect, sign in, lock: raise :class:`DestinationError` when mail cannot go there."""

    @abstractmethod
    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        """Of the messages an interrupted run may have delivered, those that did land, by
        UIDL (they are then recorded, not delivered again). Called after :meth:`open`, only
        when there are pending messages. A destination that cannot tell returns ``{}``."""

    def prepare(self, batch: Sequence[Outgoing]) -> list[str]:
        """One mark per message, recorded before :meth:`deliver` (see :class:`Pending`)."""
        return ["" for _ in batch]

    @abstractmethod
    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        """Deliver the batch; one outcome per message, in order. Raises
        :class:`DestinationError` when the destination itself fails; what it accepted before
        the failure is then lost to the record (the next run's :meth:`recover` finds it)."""

    @abstractmethod
    def close(self) -> None:
        """Log out, unlock; safe to call twice and after a failure."""
