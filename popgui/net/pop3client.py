"""A blocking POP3 client: drives the sans-IO core over a transport.

It runs in a worker thread or the command line, never on the GUI thread. Every ``-ERR`` becomes
a typed :class:`~popgui.errors.ServerError`; every protocol violation leaves the connection
unusable. Bodies stream through a :class:`MessageSink`, never whole in memory.
"""

from __future__ import annotations

import base64
import binascii
import collections
import contextlib
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from popgui.catalog import Sentence
from popgui.catalog import kerberos as kerberos_says
from popgui.catalog import protocol as says
from popgui.errors import (
    ConfigError,
    CredentialsError,
    PopguiError,
    RemoteProtocolError,
    ServerError,
)
from popgui.net import kerberos
from popgui.net.transport import Trace, Transport
from popgui.protocol import pop3, sasl

_log = logging.getLogger(__name__)

#: How many commands may be in flight at once when the server offers PIPELINING. Commands
#: are a few bytes each, so the window never fills our send buffer; the server's replies are
#: read while more commands go out.
PIPELINE_WINDOW = 128

#: The ``auth`` setting that logs in with an OAuth2 access token: OAUTHBEARER when the server
#: offers it, else XOAUTH2.
OAUTH2 = "OAUTH2"

#: Every SASL mechanism popgui can log in with: the password and token ones of
#: :mod:`popgui.protocol.sasl`, and Kerberos (:mod:`popgui.net.kerberos`, made per host).
SUPPORTED_SASL = frozenset(sasl.MECHANISMS) | {kerberos.MECHANISM}

#: Mechanisms whose one-line form (initial response on the AUTH line) some servers refuse
#: with a plain -ERR while taking the two-step form: Microsoft's POP server, for XOAUTH2.
_ONE_LINE_REFUSED_BY_SOME = frozenset({"XOAUTH2"})


class _OneLineRefusedError(Exception):
    """The server refused the one-line AUTH form before any challenge (see _sasl_exchange)."""


#: The longest CAPA/LIST/UIDL listing accepted. A listing is held in memory (about 70 bytes a
#: line once parsed), so an endless one from a hostile server must stop well before the memory
#: does; no POP3 maildrop holds a million messages.
MAX_LISTING_LINES = 1_000_000


class MessageSink(Protocol):
    """Receives one streamed message at a time from :meth:`POP3Client.retrieve_many`."""

    def begin(self, number: int) -> None: ...

    def data(self, chunk: bytes) -> None: ...

    def end(self, number: int) -> None: ...


class CollectingSink:
    """A sink keeping each message's bytes in memory: only for small replies such as TOP."""

    def __init__(self) -> None:
        self.messages: dict[int, bytearray] = {}
        self._current = bytearray()

    def begin(self, number: int) -> None:
        self._current = self.messages[number] = bytearray()

    def data(self, chunk: bytes) -> None:
        self._current += chunk

    def end(self, number: int) -> None:
        pass


@dataclass(frozen=True)
class Capabilities:
    """What CAPA said, or None for a server that does not know CAPA."""

    lines: dict[str, tuple[str, ...]]

    def has(self, name: str) -> bool:
        return name.upper() in self.lines

    def args(self, name: str) -> tuple[str, ...]:
        return self.lines.get(name.upper(), ())

    @property
    def sasl(self) -> tuple[str, ...]:
        return tuple(m.upper() for m in self.args("SASL"))

    @property
    def login_delay(self) -> int | None:
        args = self.args("LOGIN-DELAY")
        if not args or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 9:
            return None
        return int(args[0])


def parse_capabilities(lines: Iterable[bytes]) -> Capabilities:
    parsed: dict[str, tuple[str, ...]] = {}
    for raw in lines:
        words = raw.decode("ascii", "replace").split()
        if words:
            parsed[words[0].upper()] = tuple(words[1:])
    return Capabilities(parsed)


#: Message numbers and sizes longer than this are refused as implausible (and would exceed
#: Python's limit on converting long digit strings to int long before the line limit).
MAX_NUMBER_DIGITS = 18


def parse_number(text: bytes | str, what: Sentence) -> int:
    """A decimal number the server sent, refused when malformed or implausibly large."""
    digits = text.encode("ascii", "replace") if isinstance(text, str) else text
    if not digits.isdigit():
        raise RemoteProtocolError(says.MALFORMED_NUMBER(what=what, value=repr(digits[:40])))
    if len(digits) > MAX_NUMBER_DIGITS:
        raise RemoteProtocolError(
            says.IMPLAUSIBLE_NUMBER(what=what, digits=len(digits), value=repr(digits[:40]))
        )
    return int(digits)


#: A well-formed scan-listing line: a plausible message number (no leading zero needed),
#: a value, maybe more words (RFC 1939 allows them after the size).
_SCAN_LINE_RE = re.compile(
    rb"[ \t]*([0-9]{1,%d})[ \t]+(\S+)(?:\s.*)?" % MAX_NUMBER_DIGITS, re.DOTALL
)
#: The same, over many lines joined by LF (one match per well-formed line).
_SCAN_ALL_RE = re.compile(
    rb"^[ \t]*([0-9]{1,%d})[ \t]+(\S+)[^\n]*$" % MAX_NUMBER_DIGITS, re.MULTILINE
)
#: What a unique id may be (RFC 1939: 1 to 70 characters from 0x21 to 0x7E).
_UID_RE = re.compile(r"[\x21-\x7e]{1,70}")
_UIDS_RE = re.compile(r"[\x21-\x7e]{1,70}(?:\n[\x21-\x7e]{1,70})*")


def parse_scan_listing(lines: Iterable[bytes], command: str) -> dict[int, str]:
    """Parse ``n value`` lines of UIDL or LIST; refuse duplicates and malformed lines."""
    lines = lines if isinstance(lines, list | tuple) else list(lines)
    if not lines:
        return {}
    found = _SCAN_ALL_RE.findall(b"\n".join(lines))
    if len(found) == len(lines):  # every line well-formed: parse the lot with a few C calls
        numbers, values = zip(*found, strict=True)
        texts = b"\n".join(values).decode("ascii", "replace").split("\n")
        result = dict(zip(map(int, numbers), texts, strict=True))
        if len(result) == len(lines) and 0 not in result:
            return result
    return _parse_scan_listing_slowly(lines, command)


def _parse_scan_listing_slowly(lines: Iterable[bytes], command: str) -> dict[int, str]:
    """Line by line, to name the first malformed, zero or duplicate line."""
    result: dict[int, str] = {}
    match = _SCAN_LINE_RE.fullmatch
    for raw in lines:
        found = match(raw)
        if found is None:
            number, value = _parse_scan_line_slowly(raw, command)
        else:
            number, value = int(found.group(1)), found.group(2).decode("ascii", "replace")
        if number < 1:
            raise RemoteProtocolError(says.LISTED_ZERO(command=command))
        if number in result:
            raise RemoteProtocolError(says.LISTED_TWICE(number=number, command=command))
        result[number] = value
    return result


def _parse_scan_line_slowly(raw: bytes, command: str) -> tuple[int, str]:
    """One scan-listing line the fast pattern did not accept: parse it, or say what is wrong."""
    parts = raw.split()
    if len(parts) < 2:  # RFC 1939 lets a scan listing carry more after the size
        raise RemoteProtocolError(says.MALFORMED_LINE(command=command, line=repr(raw[:80])))
    number = parse_number(parts[0], says.NUMBER_IN(command=command))
    return number, parts[1].decode("ascii", "replace")


def parse_uidl(lines: Iterable[bytes]) -> dict[int, str]:
    uids = parse_scan_listing(lines, "UIDL")
    if uids and _UIDS_RE.fullmatch("\n".join(uids.values())) is None:
        for uid in uids.values():
            if _UID_RE.fullmatch(uid) is None:
                raise RemoteProtocolError(says.INVALID_UID(uid=repr(uid[:80])))
    if len(set(uids.values())) != len(uids):
        raise RemoteProtocolError(says.SAME_UID())
    return uids


def parse_list(lines: Iterable[bytes]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for number, size in parse_scan_listing(lines, "LIST").items():
        if size.isascii() and size.isdigit() and len(size) <= MAX_NUMBER_DIGITS:
            sizes[number] = int(size)
        else:
            sizes[number] = parse_number(size, says.SIZE_OF(number=number))
    return sizes


def apop_digest(timestamp: str, password: str) -> str:

    return hashlib.md5((timestamp + password).encode("utf-8")).hexdigest()


class POP3Client:
    """One POP3 session over one transport."""

    def __init__(self, transport: Transport, *, trace: Trace | None = None) -> None:
        self._transport = transport
        self._core = pop3.POP3Connection(max_listing_lines=MAX_LISTING_LINES)
        self._trace = trace
        self.greeting: pop3.Greeting | None = None
        self.capabilities: Capabilities | None = None
        self.mechanism: str | None = None
        #: Who signed in with Kerberos (``alice@EXAMPLE.ORG``); empty for other methods.
        self.principal = ""
        #: A UIDL sent with the login (see :meth:`login`): its reply is read before anything
        #: else is sent, and kept in ``_uidl_early`` for :meth:`uidl_lines`.
        self._uidl_ahead = False
        self._uidl_early: pop3.Event | None = None

    # -- plumbing ---------------------------------------------------------------------------

    def _settle_ahead(self) -> None:
        """Read the reply to a UIDL sent ahead: it comes before any later command's."""
        if self._uidl_ahead:
            self._uidl_ahead = False
            self._uidl_early = self._next_event()

    def _send(self, command: str, *args: str, shown: str | None = None) -> None:
        self._settle_ahead()
        data = self._core.send(command, *args)
        if self._trace is not None:
            self._trace(
                "C: " + (shown if shown is not None else data.decode("utf-8", "replace").rstrip())
            )
        self._transport.send(data)

    def _send_batch(self, command: str, args: Iterable[tuple[str, ...]]) -> None:
        """Send *command* once per argument tuple, all in one write (a pipelined refill)."""
        self._settle_ahead()
        parts = [self._core.send(command, *extra) for extra in args]
        if self._trace is not None:
            for data in parts:
                self._trace("C: " + data.decode("utf-8", "replace").rstrip())
        if parts:
            self._transport.send(b"".join(parts))

    def _next_event(self) -> pop3.Event:
        while True:
            event = self._core.next_event()
            if event is not pop3.NEED_DATA:
                assert not isinstance(event, type)
                if self._trace is not None and not isinstance(event, pop3.MessageData):
                    self._trace(f"S: {_describe(event)}")
                return event
            self._core.receive_data(self._transport.recv())

    def _expect_ok(self, command: str) -> pop3.Ok:
        event = self._next_event()
        if isinstance(event, pop3.Err):
            raise ServerError(event.text, code=event.code, command=command)
        if not isinstance(event, pop3.Ok):
            raise RemoteProtocolError(
                says.UNEXPECTED_REPLY(command=command, reply=_describe(event))
            )
        return event

    def _expect_listing(self, command: str) -> pop3.Listing:
        event = self._next_event()
        if isinstance(event, pop3.Err):
            raise ServerError(event.text, code=event.code, command=command)
        if not isinstance(event, pop3.Listing):
            raise RemoteProtocolError(
                says.UNEXPECTED_REPLY(command=command, reply=_describe(event))
            )
        return event

    def simple(self, command: str, *args: str) -> pop3.Ok:
        """Send one single-line command and wait for its +OK."""
        self._send(command, *args)
        return self._expect_ok(command)

    # -- session ----------------------------------------------------------------------------

    def read_greeting(self) -> pop3.Greeting:
        event = self._next_event()
        if isinstance(event, pop3.Err):
            raise ServerError(event.text, code=event.code, command="connect")
        if not isinstance(event, pop3.Greeting):
            raise RemoteProtocolError(says.NO_GREETING(reply=_describe(event)))
        self.greeting = event
        return event

    def capa(self) -> Capabilities | None:
        """Ask CAPA; None when the server does not support it (a plain RFC 1939 server)."""
        self._send("CAPA")
        event = self._next_event()
        if isinstance(event, pop3.Err):
            self.capabilities = None
            return None
        if not isinstance(event, pop3.Listing):
            raise RemoteProtocolError(says.UNEXPECTED_REPLY(command="CAPA", reply=_describe(event)))
        self.capabilities = parse_capabilities(event.lines)
        return self.capabilities

    def starttls(self, host: str) -> None:
        """Upgrade with STLS; refuses (never falls back) when the server does not offer it."""
        if self.capabilities is None or not self.capabilities.has("STLS"):
            raise ConfigError(says.NO_STARTTLS())
        self.simple("STLS")
        self._transport.start_tls(host, prelude=_stls_prelude)
        self.capa()  # capabilities may change once encrypted (RFC 2595)

    @property
    def pipelining(self) -> bool:
        return self.capabilities is not None and self.capabilities.has("PIPELINING")

    def quit(self) -> bool:
        """Send QUIT; True when the server confirmed (deletions took effect)."""
        try:
            self.simple("QUIT")
        except ServerError:
            return False
        return True

    def close(self) -> None:
        self._transport.close()

    # -- authentication ---------------------------------------------------------------------

    def login(
        self,
        user: str,
        secret: str,
        method: str = "auto",
        *,
        uidl_ahead: bool = False,
    ) -> str:
        """Authenticate; returns the method used (``USER``, ``APOP`` or a SASL name).

        *uidl_ahead*: when the server pipelines, ask UIDL at once (with USER and PASS, in the
        same write): the server lists while the caller prepares; :meth:`uidl_lines` and
        :meth:`list_and_uidl` take that reply.
        """
        chosen = self._choose_method(method)
        if chosen == kerberos.MECHANISM and method.upper() == "AUTO":
            chosen = self._login_kerberos_or(user, secret)
        elif chosen == "USER" and self.pipelining:
            return self._login_user_pipelined(user, secret, uidl_ahead=uidl_ahead)
        else:
            chosen = self._login_one_by_one(chosen, user, secret)
        if uidl_ahead and self.pipelining:
            self._send("UIDL")
            self._uidl_ahead = True
        return chosen

    def _login_kerberos_or(self, user: str, secret: str) -> str:
        """ "auto" with a Kerberos ticket: the ticket first, and if Kerberos cannot sign in (a
        ticket of another realm, a server that refuses it), the password, in the same session
        (a refused AUTH leaves the server waiting for the next login)."""
        try:
            return self._login_one_by_one(kerberos.MECHANISM, user, secret)
        except (kerberos.KerberosError, CredentialsError) as error:
            _log.info("Kerberos sign-in failed (%s); signing in with the password", error)
        return self._login_one_by_one(self._choose_password_method(), user, secret)

    def _login_one_by_one(self, chosen: str, user: str, secret: str) -> str:
        try:
            if chosen == "USER":
                self.simple("USER", user)
                self._send("PASS", secret, shown="PASS ********")
                self._expect_ok("PASS")
            elif chosen == "APOP":
                self._login_apop(user, secret)
            else:
                self._login_sasl(chosen, user, secret)
        except ServerError as error:
            raise _login_error(error, chosen, user=user, principal=self.principal) from error
        self.mechanism = chosen
        if self.capabilities is not None:
            self.capa()  # capabilities may change after login (RFC 2449)
        return chosen

    def _login_user_pipelined(self, user: str, secret: str, *, uidl_ahead: bool) -> str:
        """USER, PASS and the post-login CAPA (and UIDL) in one write (RFC 2449 PIPELINING):
        one round trip instead of three. Every login reply is read before any is judged, so
        a refusal leaves the session in step; a CAPA answered before the login took effect is
        ignored, and so is the UIDL of a refused login."""
        shown = [f"USER {user}", "PASS ********", "CAPA", *(["UIDL"] if uidl_ahead else [])]
        parts = [self._core.send("USER", user), self._core.send("PASS", secret)]
        parts.append(self._core.send("CAPA"))
        if uidl_ahead:
            parts.append(self._core.send("UIDL"))
        if self._trace is not None:
            for line in shown:
                self._trace("C: " + line)
        self._transport.send(b"".join(parts))
        replies = [self._next_event() for _ in range(3)]
        if uidl_ahead and not all(isinstance(reply, pop3.Ok) for reply in replies[:2]):
            self._next_event()  # the refused login's UIDL reply: keep the session in step
        for command, reply in zip(("USER", "PASS"), replies, strict=False):
            if isinstance(reply, pop3.Err):
                error = ServerError(reply.text, code=reply.code, command=command)
                raise _login_error(error, "USER", user=user, principal="")
            if not isinstance(reply, pop3.Ok):
                unexpected = says.UNEXPECTED_REPLY(command=command, reply=_describe(reply))
                raise RemoteProtocolError(unexpected)
        capabilities = replies[2]
        if isinstance(capabilities, pop3.Listing):
            self.capabilities = parse_capabilities(capabilities.lines)
        elif not isinstance(capabilities, pop3.Err):
            unexpected = says.UNEXPECTED_REPLY(command="CAPA", reply=_describe(capabilities))
            raise RemoteProtocolError(unexpected)
        self.mechanism = "USER"
        self._uidl_ahead = uidl_ahead
        return "USER"

    def _choose_method(self, method: str) -> str:
        method = method.upper()
        if method == "AUTO":
            return self._choose_auto()
        if method == OAUTH2:
            return self._choose_oauth()
        if method in ("USER", "APOP"):
            return method
        if method not in SUPPORTED_SASL:
            raise ConfigError(says.UNKNOWN_METHOD(method=repr(method)))
        return method

    def _choose_oauth(self) -> str:
        """OAUTHBEARER when offered, else XOAUTH2; XOAUTH2 (the one Microsoft and Google take)
        when the server does not list its SASL mechanisms."""
        offered = self.capabilities.sasl if self.capabilities is not None else ()
        if not offered:
            return "XOAUTH2"
        chosen = sasl.choose_oauth(offered)
        if chosen is None:
            raise ConfigError(says.NO_OAUTH(offered=", ".join(offered)))
        return chosen

    def _choose_auto(self) -> str:
        """The person's Kerberos ticket when the server takes one, else the best way to send
        the password."""
        offered = self.capabilities.sasl if self.capabilities is not None else ()
        if kerberos.MECHANISM in offered and kerberos.has_ticket():
            return kerberos.MECHANISM
        return self._choose_password_method()

    def _choose_password_method(self) -> str:
        offered = self.capabilities.sasl if self.capabilities is not None else ()
        best = sasl.choose(offered, tls=self._transport.is_tls)
        if best is not None and best not in ("PLAIN", "LOGIN"):
            return best
        if self.greeting is not None and self.greeting.timestamp and not self._transport.is_tls:
            return "APOP"  # better than a clear-text password on an unencrypted line
        if best is not None:
            return best
        if self.capabilities is not None and offered and not self.capabilities.has("USER"):
            raise ConfigError(_no_usable_method(offered))
        return "USER"

    def _login_apop(self, user: str, secret: str) -> None:
        timestamp = self.greeting.timestamp if self.greeting is not None else None
        if not timestamp:
            raise ConfigError(says.NO_APOP())
        self._send("APOP", user, apop_digest(timestamp, secret), shown=f"APOP {user} ********")
        self._expect_ok("APOP")

    def _login_sasl(self, name: str, user: str, secret: str) -> None:
        offered = self.capabilities.sasl if self.capabilities is not None else ()
        if offered and name not in offered:
            why = sasl.explain_unsupported(name)
            listed = ", ".join(offered)
            raise ConfigError(
                says.METHOD_NOT_OFFERED(method=name, offered=listed)
                if why is None
                else says.METHOD_NOT_OFFERED_WHY(method=name, offered=listed, why=why)
            )
        try:
            self._authenticate(name, user, secret, one_line=True)
        except _OneLineRefusedError:
            # Microsoft's POP server answers -ERR to "AUTH XOAUTH2 <response>" and takes the
            # response only after its "+": try once more that way, in the same session.
            self._authenticate(name, user, secret, one_line=False)

    def _authenticate(self, name: str, user: str, secret: str, *, one_line: bool) -> None:
        """One AUTH exchange. The initial response goes on the AUTH line when ``one_line``
        and it fits in 255 octets (RFC 5034), else after the server's empty ``+``."""
        mechanism = self._mechanism(name, user, secret)
        initial = mechanism.initial_response()
        if initial is not None and one_line and pop3.auth_line_fits(name, initial):
            self._send(
                "AUTH", name, pop3.auth_initial_argument(initial), shown=f"AUTH {name} ********"
            )
            self._sasl_exchange(mechanism, retry_two_step=name in _ONE_LINE_REFUSED_BY_SOME)
            return
        self._send("AUTH", name)
        self._sasl_exchange(mechanism, held=initial)

    def _mechanism(self, name: str, user: str, secret: str) -> sasl.Mechanism:
        if name == kerberos.MECHANISM:
            # The service is pop@HOST, HOST as connected to; the ticket is made here, before
            # AUTH is sent, so a missing one fails before the exchange starts.
            mechanism = kerberos.GssapiMechanism(self._transport.host, authzid=user)
            self.principal = mechanism.principal
            return mechanism
        server = (self._transport.host, self._transport.port)
        return sasl.create(name, user, secret, server=server)

    def _answer_or_cancel(self, mechanism: sasl.Mechanism, challenge: bytes) -> bytes:
        """The mechanism's answer; if it cannot give one (a server that failed to prove itself,
        a malformed challenge), the exchange is cancelled with ``*`` (RFC 5034) and the server's
        -ERR read, so that the session stays in step for another login method."""
        try:
            return mechanism.respond(challenge)
        except PopguiError:
            with contextlib.suppress(PopguiError):
                self._transport.send(self._core.send_auth_response("*"))
                if self._trace is not None:
                    self._trace("C: *")
                self._next_event()
            raise

    def _sasl_exchange(
        self,
        mechanism: sasl.Mechanism,
        *,
        held: bytes | None = None,
        retry_two_step: bool = False,
    ) -> None:
        """Answer challenges until +OK or -ERR. ``held``: an initial response not sent with
        AUTH, owed to the server's first (empty) challenge. ``retry_two_step``: a plain -ERR
        before any challenge means "send it in two steps" (raised as _OneLineRefusedError)."""
        challenged = False
        while True:
            event = self._next_event()
            if isinstance(event, pop3.Continuation):
                challenge = _unb64(event.data)
                if held is not None and challenge:
                    empty = says.FIRST_CHALLENGE_NOT_EMPTY(mechanism=mechanism.name)
                    raise RemoteProtocolError(empty)
                answer = held if held is not None else self._answer_or_cancel(mechanism, challenge)
                held, challenged = None, True
                data = self._core.send_auth_response(_b64(answer))
                if self._trace is not None:
                    self._trace("C: ********")
                self._transport.send(data)
            elif isinstance(event, pop3.Ok):
                if held is not None:
                    raise RemoteProtocolError(says.ACCEPTED_EARLY(mechanism=mechanism.name))
                mechanism.verify_final(None)
                return
            elif isinstance(event, pop3.Err):
                error = ServerError(event.text, code=event.code, command="AUTH")
                if mechanism.failure is not None and not error.is_temporary:
                    failure = mechanism.failure
                    raise CredentialsError(
                        says.REFUSED_WITH_REPLY(failure=failure, reply=event.text)
                    )
                if retry_two_step and not challenged and not error.is_temporary:
                    raise _OneLineRefusedError
                raise error
            else:
                raise RemoteProtocolError(says.UNEXPECTED_IN_AUTH(reply=_describe(event)))

    # -- transaction ------------------------------------------------------------------------

    def stat(self) -> tuple[int, int]:
        words = self.simple("STAT").text.split()
        if len(words) < 2:
            raise RemoteProtocolError(says.MALFORMED_STAT())
        return parse_number(words[0], says.STAT_COUNT()), parse_number(words[1], says.STAT_SIZE())

    def uidl(self) -> dict[int, str] | None:
        """Message number → unique id, or None when the server has no UIDL."""
        return _parsed_uidl(self.uidl_lines())

    def uidl_lines(self) -> tuple[bytes, ...] | None:
        """The UIDL listing as the server sent it (unparsed), or None without UIDL: a
        no-op sync only compares it with the last one it handled."""
        if self._uidl_ahead or self._uidl_early is not None:
            self._settle_ahead()
            event, self._uidl_early = self._uidl_early, None
        else:
            self._send("UIDL")
            event = self._next_event()
        return _uidl_lines_of(event)

    def list_and_uidl(self) -> tuple[dict[int, int], dict[int, str] | None]:
        """LIST and UIDL (None without UIDL), sent together when the server pipelines."""
        if self._uidl_ahead or self._uidl_early is not None:
            uids = self.uidl()  # its reply comes first
            return self.list_sizes(), uids
        if not self.pipelining:
            return self.list_sizes(), self.uidl()
        self._send_batch("LIST", [()])
        self._send_batch("UIDL", [()])
        listing = self._next_event()
        uids = _parsed_uidl(_uidl_lines_of(self._next_event()))  # both read before judging
        if isinstance(listing, pop3.Err):
            raise ServerError(listing.text, code=listing.code, command="LIST")
        if not isinstance(listing, pop3.Listing):
            raise RemoteProtocolError(
                says.UNEXPECTED_REPLY(command="LIST", reply=_describe(listing))
            )
        return parse_list(listing.lines), uids

    def list_sizes(self) -> dict[int, int]:
        self._send("LIST")
        return parse_list(self._expect_listing("LIST").lines)

    def retrieve_many(
        self,
        numbers: Sequence[int],
        sink: MessageSink,
        *,
        command: str = "RETR",
        extra: tuple[str, ...] = (),
        on_refused: Callable[[int, ServerError], None] | None = None,
    ) -> None:
        """RETR (or TOP) each message, pipelined when the server allows, streaming to ``sink``.

        A message the server refuses (``-ERR``) is reported to ``on_refused`` and the rest go
        on; without ``on_refused`` the refusal is raised.
        """
        refusals: list[ServerError] = []

        def refused(number: int, error: ServerError) -> None:
            if on_refused is not None:
                on_refused(number, error)
            else:
                refusals.append(error)

        window = PIPELINE_WINDOW if self.pipelining else 1
        in_flight: collections.deque[int] = collections.deque()
        queue = list(numbers)
        queue.reverse()
        while queue or in_flight:
            if refusals:
                queue.clear()  # stop asking, but read the replies already on their way
            if queue and len(in_flight) <= window // 2:  # refill in bulk: one write for many
                refill = [queue.pop() for _ in range(min(len(queue), window - len(in_flight)))]
                self._send_batch(command, ((str(number), *extra) for number in refill))
                in_flight.extend(refill)
            if in_flight:
                self._receive_message(in_flight.popleft(), sink, command, refused)
        if refusals:
            raise refusals[0]

    def top_many(
        self,
        numbers: Sequence[int],
        lines: int = 0,
        *,
        on_refused: Callable[[int, ServerError], None] | None = None,
    ) -> dict[int, bytes]:
        """``TOP n lines`` for each message (pipelined): its headers and first body lines."""
        sink = CollectingSink()
        self.retrieve_many(numbers, sink, command="TOP", extra=(str(lines),), on_refused=on_refused)
        return {number: bytes(data) for number, data in sink.messages.items()}

    def _receive_message(
        self,
        number: int,
        sink: MessageSink,
        command: str,
        on_refused: Callable[[int, ServerError], None],
    ) -> None:
        event = self._next_event()
        if isinstance(event, pop3.Err):
            on_refused(number, ServerError(event.text, code=event.code, command=command))
            return
        if not isinstance(event, pop3.MessageStart):
            raise RemoteProtocolError(
                says.UNEXPECTED_REPLY(command=command, reply=_describe(event))
            )
        sink.begin(number)
        if self._trace is not None:
            self._receive_body_traced(number, sink)
        else:
            self._receive_body(number, sink)

    def _receive_body(self, number: int, sink: MessageSink) -> None:
        """The hot loop of a download, one turn per chunk: the core and the sink are called
        directly (no tracing to consider, no helper per event)."""
        core, data, recv = self._core, sink.data, self._transport.recv
        while True:
            event = core.next_event()
            if isinstance(event, pop3.MessageData):
                data(event.data)
            elif isinstance(event, pop3.MessageEnd):
                sink.end(number)
                return
            elif event is pop3.NEED_DATA:
                core.receive_data(recv())
            else:
                raise RemoteProtocolError(says.UNEXPECTED_IN_MESSAGE(event=_describe(event)))

    def _receive_body_traced(self, number: int, sink: MessageSink) -> None:
        while True:
            event = self._next_event()
            if isinstance(event, pop3.MessageData):
                sink.data(event.data)
            elif isinstance(event, pop3.MessageEnd):
                sink.end(number)
                return
            else:
                raise RemoteProtocolError(says.UNEXPECTED_IN_MESSAGE(event=_describe(event)))

    def delete_many(self, numbers: Iterable[int]) -> list[int]:
        """DELE each message (pipelined when allowed); returns those the server marked.

        Marks take effect only when QUIT answers +OK.
        """
        window = PIPELINE_WINDOW if self.pipelining else 1
        marked: list[int] = []
        in_flight: list[int] = []
        queue = list(numbers)
        queue.reverse()
        while queue or in_flight:
            refill: list[int] = []
            if len(in_flight) <= window // 2:  # refill in bulk: one write for many commands
                while queue and len(in_flight) + len(refill) < window:
                    refill.append(queue.pop())
            self._send_batch("DELE", ((str(number),) for number in refill))
            in_flight.extend(refill)
            number = in_flight.pop(0)
            event = self._next_event()
            if isinstance(event, pop3.Ok):
                marked.append(number)
            elif not isinstance(event, pop3.Err):
                raise RemoteProtocolError(
                    says.UNEXPECTED_REPLY(command="DELE", reply=_describe(event))
                )
        return marked


def _uidl_lines_of(event: pop3.Event | None) -> tuple[bytes, ...] | None:
    """The lines of a UIDL reply, or None when the server has no UIDL (``-ERR``)."""
    if isinstance(event, pop3.Err):
        return None
    if not isinstance(event, pop3.Listing):
        raise RemoteProtocolError(says.UNEXPECTED_REPLY(command="UIDL", reply=_describe(event)))
    return event.lines


def _parsed_uidl(lines: tuple[bytes, ...] | None) -> dict[int, str] | None:
    return None if lines is None else parse_uidl(lines)


def _no_usable_method(offered: Iterable[str]) -> Sentence:
    """Why none of the server's login methods can be used, with what each one is."""
    reasons = [_why_unusable(name) for name in offered]
    joined = reasons[-1]
    for reason in reversed(reasons[:-1]):
        joined = says.SEMICOLONS(first=reason, rest=joined)
    return says.NO_USABLE_METHOD(reasons=joined)


def _why_unusable(name: str) -> Sentence:
    if name.upper() == kerberos.MECHANISM:  # offered, but "auto" found no ticket to use
        return kerberos_says.NEEDS_TICKET_HERE()
    return sasl.explain_unsupported(name) or says.NOT_SUPPORTED(method=name)


def _stls_prelude(probe: Transport) -> None:
    """Bring a second connection to the point of STLS, to read a refused certificate's details."""
    client = POP3Client(probe)
    client.read_greeting()
    client.simple("STLS")


def _login_error(error: ServerError, method: str, *, user: str, principal: str) -> Exception:
    """A refused login is a credentials problem unless the server says 'try later'."""
    if error.is_temporary:
        return error
    reply = error.text or says.NO_REASON()
    if method == kerberos.MECHANISM:
        check = kerberos_says.REFUSED_CHECK(principal=principal, user=user)
        return kerberos.KerberosRefusedError(says.LOGIN_REFUSED(reply=reply, check=check))
    check = says.CHECK_TOKEN() if method in sasl.OAUTH_ORDER else says.CHECK_PASSWORD()
    return CredentialsError(says.LOGIN_REFUSED(reply=reply, check=check))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii") if data else ""


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise RemoteProtocolError(says.MALFORMED_CHALLENGE()) from error


def _describe(event: object) -> str | Sentence:
    if isinstance(event, pop3.Listing):
        return says.LISTING_REPLY(reply=f"+OK {event.text}", count=len(event.lines))
    if isinstance(event, pop3.Ok | pop3.MessageStart):
        return f"+OK {event.text}"
    if isinstance(event, pop3.Err):
        code = f"[{event.code}] " if event.code else ""
        return f"-ERR {code}{event.text}"
    if isinstance(event, pop3.Greeting):
        return f"+OK {event.text}"
    if isinstance(event, pop3.Continuation):
        return "+ ********"
    if isinstance(event, pop3.MessageEnd):
        return "."
    return type(event).__name__


__all__ = [
    "OAUTH2",
    "SUPPORTED_SASL",
    "Capabilities",
    "MessageSink",
    "POP3Client",
    "apop_digest",
    "parse_capabilities",
    "parse_list",
    "parse_number",
    "parse_uidl",
]
