"""A small blocking IMAP4rev1 client (RFC 3501) for delivering mail into a folder.

It does what a destination needs and no more: the greeting, CAPABILITY, STARTTLS, LOGIN or
AUTHENTICATE (any :mod:`popgui.protocol.sasl` mechanism, with SASL-IR where offered), STATUS,
SELECT/EXAMINE, UID SEARCH, APPEND and LOGOUT, over a :class:`~popgui.net.transport.Transport`
(which gives the timeouts, the cancel token and TLS).

Not :mod:`imaplib`: APPENDs are pipelined with non-synchronising literals (RFC 7888 LITERAL+,
or LITERAL- for literals up to 4096 octets), and a message streams from its file in chunks.
Without them each literal waits for the server's ``+``, but the next APPEND still goes out
without waiting for the previous one's answer (RFC 3501 allows it), so a batch costs one
round trip per message instead of two.

Replies are read into one buffer; a line longer than :data:`MAX_LINE` or a response (with its
literals) longer than :data:`MAX_RESPONSE` is refused, so a hostile server cannot grow memory
without bound. Every malformed reply raises :class:`~popgui.errors.RemoteProtocolError`, a
refusal (``NO``, ``BAD``) :class:`CommandFailed`, a ``BYE`` followed by the end of the
connection :class:`ByeError`; after any of the last three kinds the connection is
:attr:`IMAPClient.usable` no more except for a refusal.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Final, TypeAlias

from popgui.catalog import Sentence
from popgui.catalog import destinations as says
from popgui.errors import NetworkError, PopguiError, RemoteProtocolError, ServerError
from popgui.net.transport import Transport
from popgui.protocol import sasl

__all__ = [
    "MAX_LINE",
    "MAX_RESPONSE",
    "AppendMessage",
    "ByeError",
    "CommandFailed",
    "IMAPClient",
    "Literal",
    "Response",
    "crlf_chunks",
    "crlf_size",
    "encode_mailbox",
    "parse_response",
]

#: The longest response line accepted (without its literals). Real lines are short; the
#: longest are CAPABILITY lists and SEARCH results, a few kilobytes.
MAX_LINE: Final = 64 * 1024
#: The longest response accepted with its literals (a mailbox name sent as a literal, say).
MAX_RESPONSE: Final = 1024 * 1024
#: What one send carries at most: big enough to fill the pipe, small enough that the
#: Transport's per-send timeout stays meaningful on a slow link and memory stays flat.
CHUNK: Final = 64 * 1024
#: RFC 7888 LITERAL-: the longest literal that may be sent without waiting.
LITERAL_MINUS_MAX: Final = 4096

_STATUS_WORDS: Final = frozenset({"OK", "NO", "BAD", "BYE", "PREAUTH"})
_LITERAL_AT_END: Final = re.compile(rb"\{([0-9]{1,12})\}\Z")
_TAG: Final = re.compile(rb"[!#$&'*+,\-./0-9:;<=>?@A-Z^_`a-z|~]{1,64}")
_ATOM_SAFE: Final = re.compile(r"[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|~\]]{1,200}")
_NUMBER: Final = re.compile(rb"[0-9]{1,20}")
_LITERAL_START: Final = re.compile(rb"\{([0-9]{1,12})\}\r\n")
_DATA_NAME: Final = re.compile(r"[A-Z0-9][A-Z0-9._\-]{0,63}")


# --------------------------------------------------------------------------------------------
# What the server says


@dataclass(frozen=True)
class Response:
    """One server response.

    ``tag`` is ``"*"`` (untagged), ``"+"`` (a continuation request) or a command's tag.
    ``kind`` is the status (``OK``, ``NO``, ``BAD``, ``BYE``, ``PREAUTH``) or the untagged data's
    name (``CAPABILITY``, ``SEARCH``, ``STATUS``, ``EXISTS``...), "" for a continuation.
    ``code``/``code_args``: the response code (``[APPENDUID 38505 3955]``), upper-cased name.
    ``text``: the human text of a status, the base64 of a continuation. ``data``: the bytes after
    the name of untagged data (literals inline, as sent). ``number``: ``* 3 EXISTS``'s 3.
    """

    tag: str
    kind: str
    code: str = ""
    code_args: str = ""
    text: str = ""
    data: bytes = b""
    number: int | None = None

    @property
    def shown(self) -> str:
        """The status as the server put it, for a person: ``[OVERQUOTA] Quota exceeded``."""
        if not self.code:
            return self.text
        args = " " + self.code_args if self.code_args else ""
        return f"[{self.code}{args}] {self.text}".strip()


def _printable(raw: bytes) -> str:
    """Server text for a person: UTF-8 where valid, control characters dropped."""
    text = raw.decode("utf-8", "replace")
    return "".join(ch for ch in text if ch.isprintable())


def _malformed(raw: bytes) -> RemoteProtocolError:
    return RemoteProtocolError(says.IMAP_MALFORMED(reply=repr(raw[:120])))


def parse_response(raw: bytes) -> Response:
    """One whole response (its CRLF removed, literals inline) as a :class:`Response`."""
    tag, space, rest = raw.partition(b" ")
    if tag == b"+":
        return Response("+", "", text=_printable(rest))
    if not space or _TAG.fullmatch(tag) is None:
        raise _malformed(raw)
    word, _, rest = rest.partition(b" ")
    number = None
    if tag == b"*" and _NUMBER.fullmatch(word):
        number = int(word)
        word, _, rest = rest.partition(b" ")
    kind = word.decode("ascii", "replace").upper()
    if _DATA_NAME.fullmatch(kind) is None:
        raise _malformed(raw)
    if number is None and kind in _STATUS_WORDS:
        code, code_args, text = _parse_resp_text(rest, raw)
        return Response(tag.decode("ascii"), kind, code, code_args, text)
    if tag != b"*":
        raise _malformed(raw)  # a tagged response is always a status
    return Response("*", kind, data=rest, number=number)


def _parse_resp_text(rest: bytes, raw: bytes) -> tuple[str, str, str]:
    """``[CODE args] text`` -> (CODE, args, text)."""
    if not rest.startswith(b"["):
        return "", "", _printable(rest)
    inside, bracket, text = rest[1:].partition(b"]")
    name, _, args = inside.partition(b" ")
    if not bracket or not name:
        raise _malformed(raw)
    return _printable(name).upper(), _printable(args), _printable(text.lstrip(b" "))


Item: TypeAlias = "str | bytes | list[Item]"


def parse_items(data: bytes) -> list[Item]:
    """Untagged data as a list: atoms (str), strings (bytes: quoted or literal), lists."""
    stack: list[list[Item]] = [[]]
    pos = 0
    while pos < len(data):
        char = data[pos : pos + 1]
        if char == b" ":
            pos += 1
        elif char == b"(":
            stack.append([])
            pos += 1
        elif char == b")":
            if len(stack) == 1:
                raise _malformed(data)
            done = stack.pop()
            stack[-1].append(done)
            pos += 1
        elif char == b'"':
            value, pos = _quoted(data, pos)
            stack[-1].append(value)
        elif char == b"{":
            value, pos = _literal(data, pos)
            stack[-1].append(value)
        else:
            end = pos
            while end < len(data) and data[end : end + 1] not in (b" ", b"(", b")", b'"'):
                end += 1
            stack[-1].append(data[pos:end].decode("utf-8", "replace"))
            pos = end
    if len(stack) != 1:
        raise _malformed(data)
    return stack[0]


def _quoted(data: bytes, pos: int) -> tuple[bytes, int]:
    value = bytearray()
    pos += 1
    while pos < len(data):
        char = data[pos]
        if char == 0x22:  # the closing quote
            return bytes(value), pos + 1
        if char == 0x5C:  # a backslash quotes the next character
            pos += 1
            if pos >= len(data):
                break
            char = data[pos]
        value.append(char)
        pos += 1
    raise _malformed(data)


def _literal(data: bytes, pos: int) -> tuple[bytes, int]:
    match = _LITERAL_START.match(data, pos)
    if match is None:
        raise _malformed(data)
    size = int(match.group(1))
    start = match.end()
    if start + size > len(data):
        raise _malformed(data)
    return data[start : start + size], start + size


def parse_number(text: object, limit: int = 2**63) -> int:
    """A number the server sent, refused when malformed or beyond ``limit``."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 20:
        raise RemoteProtocolError(says.IMAP_NOT_A_NUMBER(value=repr(text)[:60]))
    value = int(text)
    if value >= limit:
        raise RemoteProtocolError(says.IMAP_NOT_A_NUMBER(value=repr(text)[:60]))
    return value


# --------------------------------------------------------------------------------------------
# What popgui sends


@dataclass(frozen=True)
class Literal:
    """A literal argument of ``size`` octets, produced by ``chunks()`` (called once)."""

    size: int
    chunks: Callable[[], Iterable[bytes]]


Arg = bytes | str | Literal
"""A command argument: ``bytes`` go as they are (keywords, numbers, lists), a ``str`` is an
astring (atom, quoted string or literal, whichever can carry it), a :class:`Literal` streams."""


def _astring(value: str) -> bytes | Literal:
    if _ATOM_SAFE.fullmatch(value):
        return value.encode("ascii")
    if value.isascii() and value.isprintable():
        return b'"' + value.replace("\\", "\\\\").replace('"', '\\"').encode("ascii") + b'"'
    encoded = value.encode("utf-8")
    return Literal(len(encoded), lambda: (encoded,))


def encode_mailbox(name: str) -> str:
    """The folder name in RFC 3501's modified UTF-7 (``Boîte`` -> ``Bo&AO4-te``)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(utf16).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def crlf_chunks(file: BinaryIO, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The file from its start with every bare LF made CRLF (IMAP wants CRLF line ends).

    A CR at the end of a chunk is held back: the LF that may follow it in the next chunk must
    not be taken for a bare one.
    """
    file.seek(0)
    held = b""
    while True:
        chunk = file.read(chunk_size)
        if not chunk:
            break
        chunk = held + chunk
        held = b""
        if chunk.endswith(b"\r"):
            chunk, held = chunk[:-1], b"\r"
        if b"\n" in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        if chunk:
            yield chunk
    if held:
        yield held


def crlf_size(file: BinaryIO) -> int:
    """How many octets :func:`crlf_chunks` yields for the file (a literal's exact size)."""
    return sum(len(chunk) for chunk in crlf_chunks(file))


@dataclass(frozen=True)
class AppendMessage:
    """One message for :meth:`IMAPClient.append_batch`."""

    size: int
    chunks: Callable[[], Iterable[bytes]]
    #: RFC 3501 date-time without its quotes: ``06-Dec-2026 12:00:00 +0100``.
    internal_date: str
    flags: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------------------------
# Errors


class CommandFailed(ServerError):
    """The server answered NO or BAD: ``status`` says which, ``response`` is the answer."""

    def __init__(self, response: Response, *, command: str) -> None:
        super().__init__(response.text, code=response.code or None, command=command)
        self.status = response.kind
        self.response = response


class ByeError(NetworkError):
    """The server said BYE and ended the connection; ``text`` is what it said."""

    def __init__(self, message: Sentence, text: str) -> None:
        super().__init__(message)
        self.text = text


# --------------------------------------------------------------------------------------------
# The client


class IMAPClient:
    """One IMAP session over one transport; used from one thread."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._buffer = bytearray()
        self._searched = 0  # how far self._buffer is known to hold no CRLF
        self._out = bytearray()
        self._tags = (f"A{n:04d}" for n in itertools.count(1))
        #: Capability names, upper case (``AUTH=PLAIN``, ``LITERAL+``...).
        self.capabilities: frozenset[str] = frozenset()
        self._capability_updates = 0
        #: Untagged data received since the last :meth:`take_untagged`.
        self._untagged: list[Response] = []
        #: Tagged answers read ahead of the command that waits for them.
        self._done: dict[str, Response] = {}
        self._bye: Response | None = None
        #: What the server asked to show a person ([ALERT] texts), oldest first.
        self.alerts: list[str] = []
        #: False once the connection is in an unknown state (a protocol or network failure).
        self.usable = True

    @property
    def transport(self) -> Transport:
        return self._transport

    def close(self) -> None:
        self.usable = False
        self._transport.close()

    # -- reading ------------------------------------------------------------------------------

    def _receive(self) -> None:
        data = self._transport.recv()
        if not data:
            self.usable = False
            place = f"{self._transport.host}:{self._transport.port}"
            if self._bye is not None:
                bye = self._bye.shown
                raise ByeError(says.IMAP_BYE(place=place, reply=repr(bye)), bye)
            raise NetworkError(says.IMAP_SERVER_CLOSED(place=place))
        self._buffer += data

    def _read_line(self) -> bytes:
        while True:
            end = self._buffer.find(b"\r\n", self._searched)
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 2]
                self._searched = 0
                return line
            if len(self._buffer) > MAX_LINE:
                raise RemoteProtocolError(says.IMAP_LINE_TOO_LONG(limit=MAX_LINE))
            self._searched = max(0, len(self._buffer) - 1)
            self._receive()

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._receive()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read_response(self) -> Response:
        """The next response; its untagged data and capabilities are noted."""
        try:
            response = parse_response(self._read_whole())
        except PopguiError:
            self.usable = False
            raise
        self._note(response)
        return response

    def _read_whole(self) -> bytes:
        parts = [self._read_line()]
        total = len(parts[0])
        while (match := _LITERAL_AT_END.search(parts[-1])) is not None:
            size = int(match.group(1))
            total += size
            if total > MAX_RESPONSE:
                raise RemoteProtocolError(says.IMAP_LINE_TOO_LONG(limit=MAX_RESPONSE))
            parts.append(b"\r\n" + self._read_exact(size))
            parts.append(self._read_line())
            total += len(parts[-1])
        return b"".join(parts)

    def _note(self, response: Response) -> None:
        if response.code == "CAPABILITY":
            self._set_capabilities(response.code_args)
        elif response.code == "ALERT":
            self.alerts.append(response.text)
        if response.tag != "*":
            return
        if response.kind == "CAPABILITY":
            self._set_capabilities(response.data.decode("ascii", "replace"))
        elif response.kind == "BYE":
            self._bye = response
        elif response.kind not in _STATUS_WORDS:
            self._untagged.append(response)

    def _set_capabilities(self, text: str) -> None:
        self.capabilities = frozenset(word.upper() for word in text.split())
        self._capability_updates += 1

    def take_untagged(self, kind: str) -> list[Response]:
        """The untagged data of this kind received since the last call (others dropped)."""
        found = [response for response in self._untagged if response.kind == kind]
        self._untagged.clear()
        return found

    def wait(self, tag: str) -> Response:
        """The tagged answer to the command ``tag``."""
        self._flush()
        while tag not in self._done:
            response = self.read_response()
            if response.tag == "+":
                self.usable = False
                raise RemoteProtocolError(says.IMAP_UNEXPECTED_CONTINUATION())
            if response.tag != "*":
                self._done[response.tag] = response
        return self._done.pop(tag)

    # -- writing ------------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        self._out += data
        if len(self._out) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._out:
            data = bytes(self._out)
            self._out.clear()
            try:
                self._transport.send(data)
            except PopguiError:
                self.usable = False
                raise

    def send(self, name: str, *args: Arg) -> tuple[str, Response | None]:
        """Send one command; its tag, and its answer when the server refused it before
        taking a literal (then no more of the command was sent)."""
        tag = next(self._tags)
        self._write(f"{tag} {name}".encode("ascii"))
        for arg in args:
            encoded = _astring(arg) if isinstance(arg, str) else arg
            if isinstance(encoded, bytes):
                self._write(b" " + encoded)
                continue
            refused = self._send_literal(tag, encoded)
            if refused is not None:
                return tag, refused
        self._write(b"\r\n")
        return tag, None

    def _send_literal(self, tag: str, literal: Literal) -> Response | None:
        plus = "LITERAL+" in self.capabilities or (
            "LITERAL-" in self.capabilities and literal.size <= LITERAL_MINUS_MAX
        )
        self._write(b" {%d%s}\r\n" % (literal.size, b"+" if plus else b""))
        if not plus:
            refused = self._wait_continuation(tag)
            if refused is not None:
                return refused
        sent = 0
        for chunk in literal.chunks():
            sent += len(chunk)
            self._write(chunk)
        if sent != literal.size:  # the file changed under us: the session is out of step
            self.close()
            raise RemoteProtocolError(says.IMAP_LITERAL_SIZE(size=literal.size, sent=sent))
        return None

    def _wait_continuation(self, tag: str) -> Response | None:
        self._flush()
        while True:
            response = self.read_response()
            if response.tag == "+":
                return None
            if response.tag == tag:
                return response
            if response.tag != "*":
                self._done[response.tag] = response

    def run(self, name: str, *args: Arg) -> Response:
        """Send a command and wait for its answer; NO or BAD raise :class:`CommandFailed`."""
        self._untagged.clear()
        tag, refused = self.send(name, *args)
        answer = refused or self.wait(tag)
        if answer.kind != "OK":
            raise CommandFailed(answer, command=name)
        return answer

    # -- session ------------------------------------------------------------------------------

    def greet(self) -> Response:
        """Read the greeting: OK or PREAUTH (BYE raises ByeError)."""
        response = self.read_response()
        if response.tag != "*" or response.kind not in ("OK", "PREAUTH", "BYE"):
            self.usable = False
            raise RemoteProtocolError(says.IMAP_NO_GREETING(reply=repr(response.shown)[:200]))
        if response.kind == "BYE":
            self.usable = False
            place = f"{self._transport.host}:{self._transport.port}"
            raise ByeError(says.IMAP_BYE(place=place, reply=repr(response.shown)), response.text)
        return response

    def capability(self) -> frozenset[str]:
        self.run("CAPABILITY")
        return self.capabilities

    def starttls(self, host: str) -> None:
        """STARTTLS, the handshake, and the capabilities asked again (RFC 3501 6.2.1)."""
        self.run("STARTTLS")
        if self._buffer:
            # Bytes sent before the handshake would be read as if encrypted: an injection.
            self.close()
            raise RemoteProtocolError(says.IMAP_DATA_AFTER_STARTTLS())
        self.capabilities = frozenset()
        self._transport.start_tls(host, prelude=_starttls_prelude)
        self.capability()

    def login(self, user: str, password: str) -> None:
        """LOGIN; the capabilities are asked again unless the answer carried them."""
        before = self._capability_updates
        self.run("LOGIN", user, password)
        self._after_login(before)

    def authenticate(self, mechanism: sasl.Mechanism) -> None:
        """AUTHENTICATE with one mechanism (its initial response on the line with SASL-IR)."""
        before = self._capability_updates
        self._untagged.clear()
        initial = mechanism.initial_response() if "SASL-IR" in self.capabilities else None
        args = [mechanism.name.encode("ascii")]
        if initial is not None:
            args.append(base64.b64encode(initial) or b"=")
        tag, _ = self.send("AUTHENTICATE", *args)
        answer = self._sasl_exchange(tag, mechanism)
        if answer.kind != "OK":
            raise CommandFailed(answer, command="AUTHENTICATE")
        mechanism.verify_final(None)
        self._after_login(before)

    def _sasl_exchange(self, tag: str, mechanism: sasl.Mechanism) -> Response:
        self._flush()
        while True:
            response = self.read_response()
            if response.tag == tag:
                return response
            if response.tag == "+":
                try:
                    challenge = base64.b64decode(response.text, validate=True)
                except (binascii.Error, ValueError):
                    self.close()
                    raise _malformed(response.text.encode()) from None
                answer = mechanism.respond(challenge)
                self._write(base64.b64encode(answer) + b"\r\n")
                self._flush()
            elif response.tag != "*":
                self._done[response.tag] = response

    def _after_login(self, before: int) -> None:
        if self._capability_updates == before:
            self.capability()

    def logout(self) -> None:
        """LOGOUT, best effort: a server that is gone is not an error here."""
        if not self.usable:
            return
        with contextlib.suppress(PopguiError):
            self.run("LOGOUT")

    # -- mailboxes ----------------------------------------------------------------------------

    def status(self, mailbox: str, items: Sequence[str]) -> dict[str, int]:
        """STATUS: the numbers the server gave, by item name."""
        self.run("STATUS", encode_mailbox(mailbox), ("(" + " ".join(items) + ")").encode())
        found: dict[str, int] = {}
        for response in self.take_untagged("STATUS"):
            parsed = parse_items(response.data)
            if len(parsed) != 2 or not isinstance(parsed[1], list):
                raise _malformed(response.data)
            pairs = parsed[1]
            for name, value in zip(pairs[::2], pairs[1::2], strict=False):
                found[str(name).upper()] = parse_number(value)
        return found

    def select(self, mailbox: str, *, readonly: bool) -> int | None:
        """SELECT (EXAMINE when ``readonly``): the folder's UIDVALIDITY, if the server said."""
        self._untagged.clear()
        tag, _ = self.send("EXAMINE" if readonly else "SELECT", encode_mailbox(mailbox))
        self._flush()
        uidvalidity = None
        while True:
            response = self.read_response()
            if response.code == "UIDVALIDITY":
                uidvalidity = parse_number(response.code_args, 2**32)
            if response.tag == tag:
                break
            if response.tag == "+":
                raise RemoteProtocolError(says.IMAP_UNEXPECTED_CONTINUATION())
        if response.kind != "OK":
            raise CommandFailed(response, command="EXAMINE" if readonly else "SELECT")
        return uidvalidity

    def uid_search(self, *criteria: Arg) -> list[int]:
        """UID SEARCH: the UIDs found (the selected folder's)."""
        self.run("UID SEARCH", *criteria)
        uids: list[int] = []
        for response in self.take_untagged("SEARCH"):
            for item in parse_items(response.data):
                if isinstance(item, str):  # a CONDSTORE "(MODSEQ n)" is a list: skipped
                    uids.append(parse_number(item, 2**32))
        return uids

    def append_batch(self, mailbox: str, messages: Sequence[AppendMessage]) -> list[Response]:
        """APPEND each message; the tagged answers, in order. All go out before any answer is
        awaited (except the ``+`` a synchronising literal needs)."""
        name = encode_mailbox(mailbox)
        tags: list[tuple[str, Response | None]] = []
        for message in messages:
            args: list[Arg] = [name]
            if message.flags:  # none: the message arrives unread (\Seen unset)
                args.append(("(" + " ".join(message.flags) + ")").encode("ascii"))
            args.append(b'"' + message.internal_date.encode("ascii") + b'"')
            args.append(Literal(message.size, message.chunks))
            tags.append(self.send("APPEND", *args))
        self._flush()
        answers = [refused or self.wait(tag) for tag, refused in tags]
        self._untagged.clear()  # EXISTS of a selected folder, nothing wanted
        return answers


def _starttls_prelude(probe: Transport) -> None:
    """Bring a second connection to the handshake, to show a refused certificate."""
    client = IMAPClient(probe)
    client.greet()
    client.run("STARTTLS")
