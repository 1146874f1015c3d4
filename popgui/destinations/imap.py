"""Delivery into a folder of an IMAP mailbox: ``--deliver imap://USER@HOST[:PORT]/FOLDER``.

One connection for the whole sync: :meth:`ImapDestination.open` connects (implicit TLS for
``imaps://``; STARTTLS on ``imap://`` when offered, and without it a refusal unless clear text
is allowed), signs in (AUTHENTICATE PLAIN where offered, else LOGIN; OAUTHBEARER or XOAUTH2
with an OAuth2 access token) and checks with STATUS that the folder exists. It never creates
the folder: a typing mistake must not make one.

Each message is APPENDed without flags (it arrives unread) and with an INTERNALDATE from its
Date header (the download time without one), streamed from its spool file with CRLF line
ends. A batch's APPENDs are pipelined (see :mod:`popgui.destinations.imapclient`).

Exactly once: where the server has UIDPLUS its APPENDUID names the message
(``imap://USER@HOST/FOLDER;UIDVALIDITY=v;UID=u``), else the message's token does
(``…/FOLDER;TOKEN=t``). An interrupted run is repaired by :meth:`ImapDestination.recover`,
which searches the folder: by Message-ID, or without one by size and date. Only messages
appended after the interrupted batch began are considered (the *mark* of each message keeps
the folder's UIDVALIDITY and a UID below every message of that batch), and each found message
answers for one pending message only, so two identical messages are never both taken as
delivered by one copy in the folder.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NoReturn
from urllib.parse import quote

from popgui.accounts.destination_spec import IMAP_PORT, IMAPS_PORT, DeliverSpec
from popgui.catalog import Message, Sentence
from popgui.catalog import destinations as says
from popgui.catalog import network as network_says
from popgui.catalog import protocol as protocol_says
from popgui.destinations.base import (
    Accepted,
    Deferred,
    Destination,
    DestinationError,
    DestinationLoginError,
    DestinationUnavailableError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
    Refused,
)
from popgui.destinations.imapclient import (
    AppendMessage,
    Arg,
    CommandFailed,
    IMAPClient,
    Response,
    crlf_chunks,
    crlf_size,
)
from popgui.errors import CancelledError, CredentialsError, NetworkError, PopguiError
from popgui.net.cancel import CancelToken
from popgui.net.transport import TLSSettings, Transport
from popgui.protocol import sasl

__all__ = ["ImapDestination", "internal_date"]

#: NO answers to APPEND that mean "not now": the message stays on the POP server for the
#: next run (RFC 5530: a full mailbox, a server out of order, a folder busy, a rate limit).
TRY_LATER_CODES: Final = frozenset({"OVERQUOTA", "UNAVAILABLE", "INUSE", "LIMIT"})
#: NO answers to STATUS that mean the folder is not there (Dovecot gives no code at all).
NO_FOLDER_CODES: Final = frozenset({"", "NONEXISTENT", "TRYCREATE"})
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
#: IMAP dates have four-digit years; a Date header beyond is taken as unreadable.
_LAST_SECOND: Final = 253_402_300_799.0
_DAY: Final = 86_400


def internal_date(when: float) -> str:
    """RFC 3501 date-time in local time, without quotes: ``06-Dec-2026 13:05:09 +0100``
    (English month names whatever the locale, hence no strftime)."""
    local = time.localtime(when)
    offset = (local.tm_gmtoff or 0) // 60
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return (
        f"{local.tm_mday:02d}-{_MONTHS[local.tm_mon - 1]}-{local.tm_year:04d} "
        f"{local.tm_hour:02d}:{local.tm_min:02d}:{local.tm_sec:02d} "
        f"{sign}{hours:02d}{minutes:02d}"
    )


def _search_date(when: float) -> bytes:
    """A SEARCH date (``6-Dec-2026``), the UTC day of ``when``."""
    day = time.gmtime(min(max(when, 0.0), _LAST_SECOND))
    return f"{day.tm_mday}-{_MONTHS[day.tm_mon - 1]}-{day.tm_year:04d}".encode("ascii")


def _arrival(message: Outgoing) -> float:
    """The INTERNALDATE's instant: the Date header, else the download time."""
    for when in (message.date, message.downloaded_at):
        if when is not None and 0 <= when <= _LAST_SECOND:
            return when
    return time.time()


@dataclass(frozen=True)
class _Mark:
    """What :meth:`ImapDestination.prepare` records per message: the folder's UIDVALIDITY,
    a UID no older than the batch (0: unknown) and the octets APPENDed."""

    uidvalidity: int
    floor: int
    size: int

    def __str__(self) -> str:
        return f"{self.uidvalidity}:{self.floor}:{self.size}"

    @classmethod
    def read(cls, text: str) -> _Mark | None:
        parts = text.split(":")
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            return None
        return cls(int(parts[0]), int(parts[1]), int(parts[2]))


class ImapDestination(Destination):
    """A folder of an IMAP mailbox. ``secret`` is the password, or the OAuth2 access token
    when ``oauth2``; ``require_tls`` False allows clear text where STARTTLS is not offered."""

    # One batch's APPENDs go out as one pipelined stream: the round trip is paid once per
    # batch, and 100 small messages make it negligible. A crash leaves at most one batch to
    # look for on the next run, one SEARCH per message: 100 take a second or two. 16 MiB
    # bounds the spool files waiting on disk and what a broken connection makes us resend.
    batch_messages = 100
    batch_bytes = 16 * 1024 * 1024

    def __init__(
        self,
        spec: DeliverSpec,
        *,
        secret: str,
        oauth2: bool = False,
        require_tls: bool = True,
        tls: TLSSettings | None = None,
        timeout: float = 60.0,
        cancel: CancelToken | None = None,
    ) -> None:
        if spec.kind != "imap":
            raise ValueError(f"not an IMAP destination: {spec.kind}")
        self._spec = spec
        self._secret = secret
        self._oauth2 = oauth2
        self._require_tls = require_tls
        self._tls = tls
        self._timeout = timeout
        self._cancel = cancel
        self._client: IMAPClient | None = None
        self._uidvalidity = 0
        #: A UID below every message this sync appends from now on (0: unknown).
        self._floor = 0
        #: The octets each message of the prepared batch takes on the wire, by token.
        self._sizes: dict[str, int] = {}
        self._append_limit: int | None = None

    def describe(self) -> str:
        return str(says.IMAP_FOLDER_ON(folder=self._spec.folder, host=self._spec.host))

    # -- opening ------------------------------------------------------------------------------

    def open(self) -> None:
        try:
            client, preauth = self._connect()
            if not preauth:
                self._sign_in(client)
            self._look_at_folder(client)
        except PopguiError as error:
            self.close()
            self._raise(error, says.IMAP_CANNOT_DELIVER)

    def _connect(self) -> tuple[IMAPClient, bool]:
        """Connected, greeted, encrypted as required; True when the server signed us in."""
        spec = self._spec
        transport = Transport.connect(
            spec.host,
            spec.port,
            security="tls" if spec.implicit_tls else "none",
            timeout=self._timeout,
            tls=self._tls,
            cancel=self._cancel,
        )
        client = self._client = IMAPClient(transport)
        greeting = client.greet()
        if not client.capabilities:
            client.capability()
        if not transport.is_tls:
            if greeting.kind == "PREAUTH":  # STARTTLS is no longer allowed
                if self._require_tls:
                    raise DestinationError(says.IMAP_PREAUTH_CLEAR(host=spec.host))
            elif "STARTTLS" in client.capabilities:
                client.starttls(spec.host)
            elif self._require_tls:
                raise DestinationError(says.IMAP_NO_TLS(host=spec.host, user=repr(spec.user)))
        return client, greeting.kind == "PREAUTH"

    def _sign_in(self, client: IMAPClient) -> None:
        spec = self._spec
        offered = sorted(c[5:] for c in client.capabilities if c.startswith("AUTH="))
        shown: str | Sentence = ", ".join(offered) or says.IMAP_NOTHING_OFFERED()
        mechanism: sasl.Mechanism | None = None
        if self._oauth2:
            name = sasl.choose_oauth(offered)
            if name is None:
                raise DestinationError(says.IMAP_NO_OAUTH(host=spec.host, offered=shown))
            mechanism = sasl.create(name, spec.user, self._secret, server=(spec.host, spec.port))
        elif "PLAIN" in offered:
            mechanism = sasl.Plain(spec.user, self._secret)
        elif "LOGINDISABLED" in client.capabilities:
            raise DestinationError(says.IMAP_NO_SIGN_IN(host=spec.host, offered=shown))
        try:
            if mechanism is None:
                client.login(spec.user, self._secret)
            else:
                client.authenticate(mechanism)
        except CommandFailed as refusal:
            failure = mechanism.failure if mechanism is not None else None
            raise self._login_refused(refusal, failure) from refusal
        except CredentialsError as error:  # an OAuth2 error report, then OK (a server bug)
            raise self._login_refused(None, error.sentence or str(error)) from error

    def _login_refused(
        self, refusal: CommandFailed | None, failure: str | Sentence | None
    ) -> DestinationError:
        host = self._spec.host
        if refusal is not None and refusal.status == "BAD":
            return DestinationError(
                says.IMAP_NOT_UNDERSTOOD(
                    host=host, command=refusal.command, reply=repr(refusal.response.shown)
                )
            )
        if refusal is not None and refusal.response.code in TRY_LATER_CODES:
            later = says.IMAP_TRY_LATER(host=host, reply=repr(refusal.response.shown))
            return DestinationUnavailableError(
                says.IMAP_CANNOT_DELIVER(where=self.describe(), reason=later)
            )
        reply = repr(refusal.response.shown if refusal is not None else "")
        # An OAuth2 server's own report (status, scope) says more than our general advice.
        check = failure or (
            protocol_says.CHECK_TOKEN() if self._oauth2 else protocol_says.CHECK_PASSWORD()
        )
        return DestinationLoginError(
            says.IMAP_LOGIN_REFUSED(host=host, user=repr(self._spec.user), reply=reply, check=check)
        )

    def _look_at_folder(self, client: IMAPClient) -> None:
        """STATUS: the folder exists; its UIDVALIDITY and UIDNEXT (for the marks)."""
        try:
            found = client.status(self._spec.folder, ("UIDNEXT", "UIDVALIDITY"))
        except CommandFailed as refusal:
            raise self._folder_refused(refusal) from refusal
        self._uidvalidity = found.get("UIDVALIDITY", 0)
        self._floor = found.get("UIDNEXT", 0)
        self._append_limit = _append_limit(client.capabilities)

    def _folder_refused(self, refusal: CommandFailed) -> DestinationError:
        spec = self._spec
        reply = repr(refusal.response.shown)
        if refusal.status == "BAD":
            return DestinationError(
                says.IMAP_NOT_UNDERSTOOD(host=spec.host, command=refusal.command, reply=reply)
            )
        folder = repr(spec.folder)
        if refusal.response.code in TRY_LATER_CODES:
            return DestinationUnavailableError(
                says.IMAP_FOLDER_UNUSABLE(folder=folder, host=spec.host, reply=reply)
            )
        kind = (
            says.IMAP_NO_FOLDER
            if refusal.response.code in NO_FOLDER_CODES
            else says.IMAP_FOLDER_UNUSABLE
        )
        return DestinationError(kind(folder=folder, host=spec.host, reply=reply))

    def _raise(self, error: PopguiError, message: Message) -> NoReturn:
        """Raise a destination's error for what went wrong below (a cancel stays a cancel)."""
        if isinstance(error, DestinationError | CancelledError):
            raise error
        reason = error.sentence or str(error)
        if isinstance(error, NetworkError):
            raise DestinationUnavailableError(
                message(where=self.describe(), reason=reason)
            ) from error
        raise DestinationError(message(where=self.describe(), reason=reason)) from error

    def _open_client(self) -> IMAPClient:
        if self._client is None:
            raise RuntimeError("ImapDestination used before open() or after close()")
        if not self._client.usable:  # an earlier failure left the session in an unknown state
            place = f"{self._spec.host}:{self._spec.port}"
            gone = network_says.CLOSED(place=place)
            raise DestinationUnavailableError(says.IMAP_BROKE(where=self.describe(), reason=gone))
        return self._client

    # -- recovering -----------------------------------------------------------------------------

    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        client = self._open_client()
        found: dict[str, Receipt] = {}
        claimed: set[int] = set()
        try:
            uidvalidity = client.select(self._spec.folder, readonly=True) or self._uidvalidity
            for message in pending:
                criteria, floor = self._criteria(message, uidvalidity)
                candidates = [
                    uid
                    for uid in client.uid_search(*criteria)
                    if uid >= floor and uid not in claimed  # "n:*" always matches the last
                ]
                if candidates:
                    uid = min(candidates)
                    claimed.add(uid)
                    tail = f"UIDVALIDITY={uidvalidity};UID={uid}"
                    found[message.uid] = Receipt(self._locator(tail), self.describe())
        except CommandFailed as refusal:
            raise self._folder_refused(refusal) from refusal
        except PopguiError as error:
            self._raise(error, says.IMAP_BROKE)
        return found

    def _criteria(self, message: Pending, uidvalidity: int) -> tuple[list[Arg], int]:
        """What identifies the message in the folder, and the lowest UID it may have."""
        mark = _Mark.read(message.mark)
        floor = mark.floor if mark is not None and mark.uidvalidity == uidvalidity else 0
        criteria: list[Arg] = [b"UID", b"%d:*" % floor] if floor else []
        message_id = message.message_id
        if message_id and message_id.isascii() and message_id.isprintable():
            # Message-ID alone: a server that rewrites messages (Exchange) changes their size.
            return [*criteria, b"HEADER", b"Message-ID", message_id], floor
        size = mark.size if mark is not None else message.size
        criteria += [b"LARGER", b"%d" % max(size - 1, 0), b"SMALLER", b"%d" % (size + 1)]
        # Whole days only, in whichever time zone the server or the header chose: one day
        # either side of the instant covers every zone.
        since, before = (b"SENTSINCE", b"SENTBEFORE") if message.date else (b"SINCE", b"BEFORE")
        when = message.date if message.date is not None else message.downloaded_at
        criteria += [since, _search_date(when - _DAY), before, _search_date(when + 2 * _DAY)]
        return criteria, floor

    # -- delivering ---------------------------------------------------------------------------

    def prepare(self, batch: Sequence[Outgoing]) -> list[str]:
        marks = []
        for message in batch:
            size = self._sizes[message.token] = crlf_size(message.file)
            marks.append(str(_Mark(self._uidvalidity, self._floor, size)))
        return marks

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        client = self._open_client()
        outcomes: list[Outcome | None] = [None] * len(batch)
        sending: list[tuple[int, Outgoing]] = []
        appends: list[AppendMessage] = []
        for index, message in enumerate(batch):
            size = self._sizes.pop(message.token, None)
            if size is None:
                size = crlf_size(message.file)
            limit = self._append_limit
            if limit is not None and size > limit:
                big = says.IMAP_TOO_BIG(size=size, limit=limit, host=self._spec.host)
                outcomes[index] = Refused(big)
                continue
            sending.append((index, message))
            chunks = functools.partial(crlf_chunks, message.file)
            appends.append(AppendMessage(size, chunks, internal_date(_arrival(message))))
        self._sizes.clear()
        try:
            answers = client.append_batch(self._spec.folder, appends) if appends else []
        except PopguiError as error:
            self._raise(error, says.IMAP_BROKE)
        fatal: DestinationError | None = None
        for (index, message), answer in zip(sending, answers, strict=True):
            outcomes[index], problem = self._outcome(message, answer, client)
            fatal = fatal or problem
        if fatal is not None:
            raise fatal
        return [outcome for outcome in outcomes if outcome is not None]

    def _outcome(
        self, message: Outgoing, answer: Response, client: IMAPClient
    ) -> tuple[Outcome, DestinationError | None]:
        host = self._spec.host
        reply = repr(answer.shown)
        if answer.kind == "OK":
            return Accepted(Receipt(self._appended(message, answer, client), self.describe())), None
        if answer.kind == "NO" and answer.code == "TRYCREATE":  # the folder went away
            folder = repr(self._spec.folder)
            gone = DestinationError(says.IMAP_NO_FOLDER(folder=folder, host=host, reply=reply))
            return Deferred(gone.sentence or str(gone)), gone
        if answer.kind == "NO" and answer.code in TRY_LATER_CODES:
            return Deferred(says.IMAP_TRY_LATER(host=host, reply=reply)), None
        if answer.kind == "NO":
            return Refused(says.IMAP_MESSAGE_REFUSED(host=host, reply=reply)), None
        bad = says.IMAP_NOT_UNDERSTOOD(host=host, command="APPEND", reply=reply)
        return Refused(bad), DestinationError(bad)

    def _appended(self, message: Outgoing, answer: Response, client: IMAPClient) -> str:
        """The locator of an appended message: its UID where the server has UIDPLUS (the
        APPENDUID code means that only there), else its token."""
        if answer.code == "APPENDUID" and "UIDPLUS" in client.capabilities:
            words = answer.code_args.split()
            if len(words) == 2 and all(w.isascii() and w.isdigit() and len(w) <= 10 for w in words):
                uidvalidity, uid = int(words[0]), int(words[1])
                if uidvalidity == self._uidvalidity:
                    self._floor = max(self._floor, uid + 1)
                return self._locator(f"UIDVALIDITY={uidvalidity};UID={uid}")
        return self._locator("TOKEN=" + quote(message.token, safe=""))

    def _locator(self, tail: str) -> str:
        spec = self._spec
        host = f"[{spec.host}]" if ":" in spec.host else spec.host
        default = IMAPS_PORT if spec.implicit_tls else IMAP_PORT
        port = "" if spec.port == default else f":{spec.port}"
        user = quote(spec.user, safe="")
        return f"imap://{user}@{host}{port}/{quote(spec.folder, safe='/')};{tail}"

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.logout()
            client.close()


def _append_limit(capabilities: frozenset[str]) -> int | None:
    """RFC 7889 APPENDLIMIT=n: the largest message the server takes (None: not said)."""
    for capability in capabilities:
        name, _, value = capability.partition("=")
        if name == "APPENDLIMIT" and value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
    return None
