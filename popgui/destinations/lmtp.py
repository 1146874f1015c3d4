"""Delivery over LMTP (RFC 2033): Dovecot's, Cyrus's or Postfix's local delivery agent.

One connection serves the whole sync: greeting, ``LHLO``, ``STARTTLS`` where it is offered
(to another computer), then one transaction per message (``RSET`` between them, the commands
pipelined where the server announces ``PIPELINING``, which RFC 2033 makes mandatory), and
``QUIT`` at close. The message travels with CRLF line ends and dot-stuffing, streamed from
its spool file a block at a time.

After the final dot LMTP answers once per accepted recipient; popgui has exactly one, so it
reads one reply. A 4xx anywhere in a message's transaction is :class:`Deferred` (the
message stays on the POP server for the next run), a 5xx is :class:`Refused`; a 421, a
dropped connection or a reply that is not LMTP stops the sync with a
:class:`DestinationUnavailableError`.

Exactly once? LMTP cannot be asked later whether a message landed, so :meth:`recover` knows
nothing and returns ``{}``: delivery is *at least once*. The window is kept to one commit:
one message per batch, recorded as delivered right after its final reply. A run killed
between the server's 250 and that commit delivers the message again next time.

Security: towards another computer, TLS is used whenever the server offers STARTTLS (the
certificate verified as for POP3: the system's store, a CA file or a pinned fingerprint); a
server that does not offer it is refused unless ``require_tls`` is off ("security none").
A server on this computer (a loopback address, ``localhost``, a Unix socket) is spoken to in
clear text: nothing it says crosses a network, and local servers often present a
self-signed certificate (Debian's Dovecot does) that would only make delivery fail.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import re
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Final

from popgui.accounts.destination_spec import DeliverSpec
from popgui.catalog import Sentence
from popgui.catalog import destinations as says
from popgui.catalog import network as net_says
from popgui.destinations.base import (
    Accepted,
    Deferred,
    Destination,
    DestinationError,
    DestinationUnavailableError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
    Refused,
)
from popgui.errors import CertificateError, NetworkError, PopguiError
from popgui.net.cancel import CancelToken
from popgui.net.dial import os_reason, where
from popgui.net.transport import TLSSettings, Transport

__all__ = [
    "LmtpCertificateError",
    "LmtpDestination",
    "Reply",
    "data_blocks",
    "is_local",
    "return_path",
]

#: Longest reply line accepted (RFC 5321 allows 512 octets; servers add long texts).
LINE_LIMIT: Final = 2048
#: Most lines in one multi-line reply (LHLO lists a dozen extensions).
MAX_REPLY_LINES: Final = 100
#: Octets read from the spool file and sent at a time.
BLOCK: Final = 65_536
#: How much of a message's head is searched for its Return-Path.
HEADER_LIMIT: Final = 256 * 1024
_SHOWN: Final = 300  # characters of a server's reply shown to a person
_LINE = re.compile(rb"([2-5][0-9][0-9])([ -]?)(.*)", re.DOTALL)
_ADDRESS = re.compile(rb"[!-~]{1,254}")


class LmtpCertificateError(DestinationUnavailableError, CertificateError):
    """The LMTP server's certificate is not trusted: a destination error (the sync stops)
    that carries the certificate's details, so a front end can offer to pin it."""


@dataclass(frozen=True)
class Reply:
    """One LMTP reply: its code and the text of each of its lines."""

    code: int
    lines: tuple[str, ...]

    def __str__(self) -> str:
        """The server's words as a person reads them: "550 5.1.1 User unknown"."""
        text = f"{self.code} {' '.join(line for line in self.lines if line)}".strip()
        return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


class _Replies:
    """Reads replies from a connection: bounded lines, one code per multi-line reply."""

    def __init__(self, transport: Transport, place: str) -> None:
        self._transport = transport
        self._place = place
        self._buffer = bytearray()

    @property
    def buffered(self) -> bool:
        return bool(self._buffer)

    def read(self) -> Reply:
        code = 0
        lines: list[str] = []
        while True:
            raw = self._line()
            match = _LINE.fullmatch(raw)
            if match is None or (code and int(match[1]) != code):
                raise self._malformed(repr(_text(raw)))
            if len(lines) == MAX_REPLY_LINES:
                raise self._malformed(repr(f"{_text(raw)} (line {len(lines) + 1})"))
            code = int(match[1])
            lines.append(_text(match[3]))
            if match[2] != b"-":
                return Reply(code, tuple(lines))

    def _line(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end > LINE_LIMIT or (end < 0 and len(self._buffer) > LINE_LIMIT):
                raise DestinationUnavailableError(
                    says.LMTP_TOO_LONG(place=self._place, limit=LINE_LIMIT)
                )
            if end >= 0:
                line = bytes(self._buffer[:end]).removesuffix(b"\r")
                del self._buffer[: end + 1]
                return line
            data = self._transport.recv(BLOCK)
            if not data:
                raise DestinationUnavailableError(says.LMTP_CLOSED(place=self._place))
            self._buffer += data

    def _malformed(self, line: str) -> DestinationUnavailableError:
        return DestinationUnavailableError(says.LMTP_MALFORMED(place=self._place, line=line))


def _text(raw: bytes) -> str:
    """A server's bytes as text, control characters made visible."""
    decoded = raw.decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else "?" for ch in decoded)


def is_local(host: str) -> bool:
    """Whether *host* is this computer: a loopback address or ``localhost``. Any other name
    could resolve anywhere, so it counts as another computer."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class LmtpDestination(Destination):
    """An LMTP server reached over TCP (``lmtp://HOST[:PORT]``) or a Unix socket
    (``lmtp:/path``), delivering to one recipient; see the module doc."""

    batch_messages = 1
    recovers = False

    def __init__(
        self,
        spec: DeliverSpec,
        *,
        recipient: str,
        require_tls: bool = True,
        tls: TLSSettings | None = None,
        timeout: float = 60.0,
        cancel: CancelToken | None = None,
    ) -> None:
        if spec.kind != "lmtp":
            raise ValueError(f"not an LMTP destination: {spec!r}")
        self._spec = spec
        self._recipient = recipient
        self._require_tls = require_tls
        self._tls = tls
        self._timeout = timeout
        self._cancel = cancel
        self._place = spec.path or where(spec.host, spec.port)
        self._transport: Transport | None = None
        self._replies: _Replies | None = None
        self._pipelining = False
        self._eight_bit = False
        self._used = False  # a transaction ran on this connection: RSET before the next

    def describe(self) -> str:
        return str(says.LMTP_AT(place=self._place))

    # ---- the connection

    def open(self) -> None:
        recipient = self._recipient
        if not recipient.isprintable() or not recipient or any(c in recipient for c in "<> "):
            raise DestinationError(says.BAD_RECIPIENT(value=repr(recipient)))  # no injection
        with self._guard():
            transport = self._connect()
            self._transport, self._replies = transport, _Replies(transport, self._place)
            self._used = False
            greeting = self._read()
            if greeting.code != 220:
                raise DestinationUnavailableError(
                    says.LMTP_NOT_READY(place=self._place, reply=str(greeting))
                )
            extensions = self._lhlo()
            if not self._spec.path and not is_local(self._spec.host):
                if "STARTTLS" in extensions:
                    self._start_tls()
                    extensions = self._lhlo()  # RFC 3207: forget what was said in clear
                elif self._require_tls:
                    raise DestinationError(says.LMTP_NO_STARTTLS(place=self._place))
            self._pipelining = "PIPELINING" in extensions
            self._eight_bit = "8BITMIME" in extensions

    def _connect(self) -> Transport:
        if not self._spec.path:
            return Transport.connect(
                self._spec.host,
                self._spec.port,
                security="none",
                timeout=self._timeout,
                tls=self._tls,
                cancel=self._cancel,
            )
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()
        path = self._spec.path
        try:
            family = getattr(socket, "AF_UNIX", None)
            if family is None:  # Windows' Python has no Unix sockets
                raise OSError(errno.EAFNOSUPPORT, os.strerror(errno.EAFNOSUPPORT))
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError as exc:
            raise NetworkError(net_says.CONNECT_FAILED(place=path, reason=os_reason(exc))) from exc
        try:
            sock.settimeout(self._timeout)
            sock.connect(path)
        except OSError as exc:
            sock.close()
            raise NetworkError(net_says.CONNECT_FAILED(place=path, reason=os_reason(exc))) from exc
        # Port 0: the Transport names the connection by its path alone.
        return Transport(sock, path, 0, timeout=self._timeout, tls=self._tls, cancel=self._cancel)

    def _lhlo(self) -> set[str]:
        reply = self._command(b"LHLO " + _client_name() + b"\r\n")
        if reply.code != 250:
            raise self._refused_command("LHLO", reply)
        return {line.split(" ", 1)[0].upper() for line in reply.lines[1:]}

    def _start_tls(self) -> None:
        reply = self._command(b"STARTTLS\r\n")
        if reply.code != 220:
            raise self._refused_command("STARTTLS", reply)
        assert self._transport is not None and self._replies is not None
        if self._replies.buffered:  # sent before TLS, read as if after it: an injection
            raise self._unexpected("STARTTLS", reply)
        self._transport.start_tls(prelude=self._tls_prelude)

    def _tls_prelude(self, probe: Transport) -> None:
        """Bring a second connection to the handshake, to show a refused certificate."""
        replies = _Replies(probe, self._place)
        replies.read()
        probe.send(b"LHLO " + _client_name() + b"\r\n")
        replies.read()
        probe.send(b"STARTTLS\r\n")
        replies.read()

    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        """Nothing: LMTP cannot be asked whether an earlier attempt landed (at least once)."""
        return {}

    def close(self) -> None:
        transport, replies = self._transport, self._replies
        self._transport = self._replies = None
        if transport is None or replies is None:
            return
        try:
            with contextlib.suppress(PopguiError):
                transport.send(b"QUIT\r\n")
                replies.read()
        finally:
            transport.close()

    # ---- delivery

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        if self._transport is None:
            closed = net_says.CLOSED(place=self._place)
            raise DestinationUnavailableError(says.LMTP_UNAVAILABLE(reason=closed))
        with self._guard():
            return [self._transaction(message) for message in batch]

    def _transaction(self, message: Outgoing) -> Outcome:
        mail = b"MAIL FROM:<" + return_path(message.file) + b">"
        if self._eight_bit:
            mail += b" BODY=8BITMIME"
        commands = [
            ("MAIL FROM", mail + b"\r\n"),
            ("RCPT TO", b"RCPT TO:<" + self._recipient.encode("utf-8") + b">\r\n"),
            ("DATA", b"DATA\r\n"),
        ]
        if self._used:
            commands.insert(0, ("RSET", b"RSET\r\n"))
        self._used = True
        failure: Deferred | Refused | None = None
        for name, reply in self._exchange(commands):
            if name == "RSET":
                if reply.code != 250:
                    raise self._refused_command("RSET", reply)
            elif name == "DATA" and reply.code == 354:
                if failure is not None:  # RFC 2033: DATA must fail without a recipient
                    raise self._unexpected("DATA", reply)
                return self._send_data(message)
            elif failure is None:
                failure = self._judge(name, reply)
            elif reply.code // 100 not in (4, 5):
                raise self._unexpected(name, reply)
        if failure is None:  # DATA answered with a 2xx instead of 354
            raise self._unexpected("DATA", reply)
        return failure

    def _exchange(self, commands: list[tuple[str, bytes]]) -> Iterator[tuple[str, Reply]]:
        """Each command's reply, the commands sent together where the server pipelines;
        one by one otherwise, stopping at the first that fails."""
        assert self._transport is not None
        if self._pipelining:
            self._transport.send(b"".join(command for _, command in commands))
            for name, _ in commands:
                yield name, self._read()
            return
        for name, command in commands:
            reply = self._command(command)
            yield name, reply
            if reply.code // 100 != 2 and reply.code != 354:
                return

    def _send_data(self, message: Outgoing) -> Outcome:
        assert self._transport is not None
        for block in data_blocks(message.file):
            self._transport.send(block)
        # One reply per accepted recipient: popgui gives one.
        return self._judge("DATA", self._read()) or Accepted(
            Receipt(self._locator(message.token), self.describe())
        )

    def _locator(self, token: str) -> str:
        if self._spec.path:
            return f"lmtp:{self._spec.path}/{self._recipient};TOKEN={token}"
        return f"lmtp://{self._place}/{self._recipient};TOKEN={token}"

    def _judge(self, command: str, reply: Reply) -> Deferred | Refused | None:
        """None for a success, the message's outcome for a 4xx or 5xx."""
        if reply.code // 100 == 2:
            return None
        if reply.code // 100 == 4:
            return Deferred(says.LMTP_TRY_LATER(place=self._place, reply=str(reply)))
        if reply.code // 100 == 5:
            return Refused(says.LMTP_REFUSED(place=self._place, reply=str(reply)))
        raise self._unexpected(command, reply)

    # ---- replies and errors

    def _command(self, command: bytes) -> Reply:
        assert self._transport is not None
        self._transport.send(command)
        return self._read()

    def _read(self) -> Reply:
        assert self._replies is not None
        reply = self._replies.read()
        if reply.code == 421:
            raise DestinationUnavailableError(
                says.LMTP_CLOSING(place=self._place, reply=str(reply))
            )
        return reply

    def _refused_command(self, command: str, reply: Reply) -> DestinationError:
        sentence = says.LMTP_COMMAND_REFUSED(place=self._place, command=command, reply=str(reply))
        return DestinationUnavailableError(sentence)

    def _unexpected(self, command: str, reply: Reply) -> DestinationError:
        sentence = says.LMTP_UNEXPECTED(place=self._place, command=command, reply=str(reply))
        return DestinationUnavailableError(sentence)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Any failure leaves the connection unusable (half a reply may be unread): drop it;
        network errors become destination errors."""
        try:
            yield
        except NetworkError as error:
            self._drop()
            raise _unavailable(error) from error
        except BaseException:
            self._drop()
            raise

    def _drop(self) -> None:
        transport, self._transport, self._replies = self._transport, None, None
        if transport is not None:
            transport.close()


def _unavailable(error: NetworkError) -> DestinationUnavailableError:
    reason: str | Sentence = error.sentence or str(error)
    sentence = says.LMTP_UNAVAILABLE(reason=reason)
    if isinstance(error, CertificateError):
        return LmtpCertificateError(
            sentence,
            fingerprint=error.fingerprint,
            subject=error.subject,
            issuer=error.issuer,
            not_before=error.not_before,
            not_after=error.not_after,
            pinned_fingerprint=error.pinned_fingerprint,
        )
    return DestinationUnavailableError(sentence)


def _client_name() -> bytes:
    """What LHLO says of this computer: its host name when it is a plain one."""
    name = socket.gethostname()
    return name.encode() if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", name) else b"localhost"


# --------------------------------------------------------------------------------------------
# The message


def return_path(file: BinaryIO) -> bytes:
    """The envelope sender for MAIL FROM: the address of the message's first Return-Path
    header, or b"" (the null sender ``<>``) when it has none or not a plain address.

    The Return-Path is the envelope sender the POP mailbox's own delivery recorded: with it
    the LMTP server (Sieve's ``envelope`` tests, vacation replies) sees the message as if it
    had been delivered there directly. Without one, the null sender: popgui does not know who
    sent it, and an invented address could receive bounces or automatic replies that are not
    its business; ``<>`` is the sender no automatic answer goes to.
    """
    file.seek(0)
    value: bytes | None = None
    seen = 0
    while seen < HEADER_LIMIT:
        line = file.readline(8192)
        seen += len(line)
        if not line.rstrip(b"\r\n"):
            break  # the end of the header (or of the file)
        if value is not None:
            if line[:1] not in (b" ", b"\t"):
                break
            value += line  # a folded Return-Path
        elif line[:12].lower() == b"return-path:":
            value = line[12:]
    file.seek(0)
    if value is None:
        return b""
    match = re.search(rb"<([^<>]*)>", value)
    address = (match[1] if match else value).strip()
    if _ADDRESS.fullmatch(address) is None or b"@" not in address:
        return b""
    return address


def data_blocks(file: BinaryIO, size: int = BLOCK) -> Iterator[bytes]:
    """The message as DATA carries it, in blocks of about *size* octets: CRLF line ends (LF
    and CRLF in the file alike), a "." doubled at the start of a line, a last line end if
    the message lacks one, then the final "." line. Never more than a block in memory."""
    file.seek(0)
    out = bytearray()
    at_line_start = True
    carry = b""  # a CR that ended a piece: the LF it may belong to starts the next one
    while piece := file.readline(size):
        piece, carry = carry + piece, b""
        if piece.endswith(b"\n"):
            body, ending = piece[: -2 if piece.endswith(b"\r\n") else -1], b"\r\n"
        elif piece.endswith(b"\r"):
            body, ending, carry = piece[:-1], b"", b"\r"
        else:
            body, ending = piece, b""
        if at_line_start and body.startswith(b"."):
            out += b"."
        out += body + ending
        at_line_start = bool(ending)
        if len(out) >= size:
            yield bytes(out)
            out.clear()
    if carry or not at_line_start:
        out += b"\r\n"
    yield bytes(out) + b".\r\n"
