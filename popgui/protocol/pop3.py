"""Sans-IO POP3 client core (RFC 1939, 2449, 2595, 5034).

This module turns commands into bytes and bytes into events; it never touches a socket, a
thread or a clock, so it can be tested by replaying byte strings (fed whole, one byte at a
time or in any split) and driven by any I/O loop.  It is modelled on h11::

    conn = POP3Connection()
    conn.receive_data(sock.recv(65536))        # b"" when the peer closed
    event = conn.next_event()                  # Greeting, Ok, ..., or NEED_DATA
    sock.sendall(conn.send("USER", "alice"))

Design choices (see docs/internals.md for the contract):

* Which command is legal in which state, how many arguments it takes and which reply shape it
  expects is one data table, ``_COMMANDS``.  Commands may be pipelined; replies are matched
  to them in FIFO order.  A command is validated against the state the connection will be in
  once every command already sent has succeeded, so ``USER``/``PASS``/``STAT`` can be
  pipelined when the server offers PIPELINING.
* A message body (RETR, TOP) is streamed as :class:`MessageData` chunks found with
  ``bytes.find`` (no per-line Python loop) so a 100 MB mailbox costs a few thousand events.
  Message lines have no length limit; only status and listing lines are bounded.
* Anything the protocol does not allow moves the connection to :attr:`State.ERROR` and raises
  :class:`~popgui.errors.RemoteProtocolError`; every later call raises again, so a half-read
  stream can never be mistaken for the next reply.
* A ``-ERR`` greeting is reported as an :class:`Err` event with ``command=""`` and the
  connection becomes :attr:`State.CLOSED`: the server refused politely (often with a
  ``[SYS/TEMP]`` or ``[IN-USE]`` code worth showing), the stream is not corrupt, so it is not
  an ERROR.  Any reply to ``QUIT`` closes the session likewise: the server hangs up after it.
"""

from __future__ import annotations

import base64
import enum
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, NoReturn, TypeAlias

from popgui.catalog import Sentence
from popgui.catalog import protocol as says
from popgui.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "NEED_DATA",
    "ConnectionClosed",
    "Continuation",
    "Err",
    "Event",
    "Greeting",
    "Listing",
    "MessageData",
    "MessageEnd",
    "MessageStart",
    "NeedData",
    "Ok",
    "POP3Connection",
    "State",
    "auth_initial_argument",
    "auth_line_fits",
]


class _Sentinel(enum.Enum):
    """An enum member makes a sentinel that mypy can narrow with ``is``."""

    NEED_DATA = "NEED_DATA"


#: Returned by :meth:`POP3Connection.next_event` when more bytes are needed.
NEED_DATA: Final = _Sentinel.NEED_DATA
NeedData: TypeAlias = Literal[_Sentinel.NEED_DATA]


class State(enum.Enum):
    """Where the session is (RFC 1939 section 3; UPDATE is folded into CLOSED)."""

    GREETING = "GREETING"
    AUTHORIZATION = "AUTHORIZATION"
    TRANSACTION = "TRANSACTION"
    CLOSED = "CLOSED"
    ERROR = "ERROR"


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Greeting:
    """The server's ``+OK`` banner; ``timestamp`` is the APOP ``<...@...>`` part or None."""

    text: str
    timestamp: str | None


@dataclass(frozen=True, slots=True)
class Ok:
    """A single-line ``+OK`` reply; ``code`` is the RFC 2449 response code, if any."""

    command: str
    text: str
    code: str | None


@dataclass(frozen=True, slots=True)
class Err:
    """A ``-ERR [CODE] text`` reply (``command`` is ``""`` for a refused greeting)."""

    command: str
    text: str
    code: str | None


@dataclass(frozen=True, slots=True)
class Continuation:
    """A SASL server challenge (``+ base64``) during AUTH; answer with send_auth_response."""

    command: str
    data: str


@dataclass(frozen=True, slots=True)
class Listing:
    """A complete multi-line reply (CAPA, LIST, UIDL): lines unstuffed, without line ends."""

    command: str
    text: str
    lines: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class MessageStart:
    """The ``+OK`` line of RETR or TOP; MessageData chunks and one MessageEnd follow."""

    command: str
    text: str


@dataclass(frozen=True, slots=True)
class MessageData:
    """A chunk of message body: dot-unstuffed, line ends as sent, never split inside CRLF."""

    data: bytes


@dataclass(frozen=True, slots=True)
class MessageEnd:
    """The terminating ``.`` line of a message was read."""


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """The peer closed the connection while no reply was expected."""


#: MessageEnd has no fields: one immutable instance serves every message.
_MESSAGE_END: Final = MessageEnd()


Event: TypeAlias = (
    Greeting
    | Ok
    | Err
    | Continuation
    | Listing
    | MessageStart
    | MessageData
    | MessageEnd
    | ConnectionClosed
)


# --------------------------------------------------------------------------------------------
# The command table
# --------------------------------------------------------------------------------------------


class _Reply(enum.Enum):
    """The shape of the reply a command expects."""

    SINGLE = "single"
    LISTING = "listing"
    MESSAGE = "message"
    AUTH = "auth"


_AUTHZ: Final = frozenset({State.AUTHORIZATION})
_TRANS: Final = frozenset({State.TRANSACTION})
_BOTH: Final = frozenset({State.AUTHORIZATION, State.TRANSACTION})


@dataclass(frozen=True, slots=True)
class _Command:
    """One row of the command table.

    ``replies`` maps each legal argument count to the reply shape it produces (LIST and UIDL
    reply with a listing without argument, with one line given a message number).
    """

    states: frozenset[State]
    replies: Mapping[int, _Reply]
    numeric: bool = False  # every argument is a decimal number
    free_last: bool = False  # the last argument may contain spaces (RFC 1939 PASS)
    on_ok: State | None = None  # state after +OK
    on_err: State | None = None  # state after -ERR
    exclusive: bool = False  # nothing else may be sent until its final reply


_SINGLE0: Final = {0: _Reply.SINGLE}
_SINGLE1: Final = {1: _Reply.SINGLE}

_COMMANDS: Final[Mapping[str, _Command]] = {
    "USER": _Command(_AUTHZ, _SINGLE1, free_last=True),
    "PASS": _Command(_AUTHZ, _SINGLE1, free_last=True, on_ok=State.TRANSACTION),
    "APOP": _Command(_AUTHZ, {2: _Reply.SINGLE}, on_ok=State.TRANSACTION),
    "AUTH": _Command(
        _AUTHZ,
        {1: _Reply.AUTH, 2: _Reply.AUTH},
        on_ok=State.TRANSACTION,
        exclusive=True,
    ),
    "STLS": _Command(_AUTHZ, _SINGLE0, exclusive=True),
    "CAPA": _Command(_BOTH, {0: _Reply.LISTING}),
    "STAT": _Command(_TRANS, _SINGLE0),
    "LIST": _Command(_TRANS, {0: _Reply.LISTING, 1: _Reply.SINGLE}, numeric=True),
    "RETR": _Command(_TRANS, {1: _Reply.MESSAGE}, numeric=True),
    "DELE": _Command(_TRANS, _SINGLE1, numeric=True),
    "RSET": _Command(_TRANS, _SINGLE0),
    "TOP": _Command(_TRANS, {2: _Reply.MESSAGE}, numeric=True),
    "UIDL": _Command(_TRANS, {0: _Reply.LISTING, 1: _Reply.SINGLE}, numeric=True),
    "NOOP": _Command(_TRANS, _SINGLE0),
    "QUIT": _Command(_BOTH, _SINGLE0, on_ok=State.CLOSED, on_err=State.CLOSED),
}

#: RFC 2449 section 4: a command line is at most 255 octets including CRLF. RFC 5034 holds
#: ``AUTH mechanism initial-response`` to it too; the SASL responses after it have no limit.
MAX_COMMAND_LINE: Final = 255


def auth_initial_argument(initial: bytes) -> str:
    """The base64 initial-response argument of AUTH; ``=`` for an empty one (RFC 5034)."""
    return base64.b64encode(initial).decode("ascii") if initial else "="


def auth_line_fits(mechanism: str, initial: bytes) -> bool:
    """Whether ``AUTH mechanism <initial response>`` fits in :data:`MAX_COMMAND_LINE`.

    RFC 5034: when it would not, the client must send the AUTH command alone and the initial
    response after the server's empty ``+`` challenge (two steps).
    """
    size = len("AUTH ") + len(mechanism) + 1 + len(auth_initial_argument(initial)) + len("\r\n")
    return size <= MAX_COMMAND_LINE


@dataclass(frozen=True, slots=True)
class _Expected:
    """A reply still owed by the server, queued in the order the commands were sent."""

    command: str
    reply: _Reply
    spec: _Command


#: The expected reply of each command and argument count: immutable, so one instance serves
#: every command sent (a pipelined download sends thousands of RETRs).
_EXPECTED: Final[Mapping[tuple[str, int], _Expected]] = {
    (name, count): _Expected(name, reply, spec)
    for name, spec in _COMMANDS.items()
    for count, reply in spec.replies.items()
}


@dataclass(slots=True)
class _PartialListing:
    """A multi-line reply whose terminating ``.`` line has not arrived yet."""

    command: str
    text: str
    lines: list[bytes] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Status line parsing (pure functions)
# --------------------------------------------------------------------------------------------

_CR: Final = 0x0D
_LF: Final = 0x0A
_DOT: Final = 0x2E

#: Inside a chunk, every dot after an LF was stuffed (RFC 1939 3). ``re.sub`` finds this rare
#: literal faster than ``in`` does, and copies the chunk out of the buffer as it goes.
_STUFFED_DOT: Final = re.compile(rb"\n\.")
_ACHARS: Final = r"[\x21-\x2e\x30-\x5c\x5e-\x7f]+"  # RFC 2449 resp-level characters
_CODE_RE: Final = re.compile(rf"\[({_ACHARS}(?:/{_ACHARS})*)\][ \t]*(.*)", re.DOTALL)
_TIMESTAMP_RE: Final = re.compile(rb"<[\x21-\x3b\x3d\x3f-\x7e]*@[\x21-\x3b\x3d\x3f-\x7e]*>")


class _Status(enum.Enum):
    OK = "+OK"
    ERR = "-ERR"
    CONTINUE = "+"


def _classify(line: bytes) -> tuple[_Status, bytes] | None:
    """Split a status line into its indicator and the text after it (None: not a status)."""
    head = line[:4].upper()
    if head.startswith(b"+OK") and (len(line) == 3 or line[3:4] == b" "):
        return _Status.OK, line[4:]
    if head == b"-ERR" and (len(line) == 4 or line[4:5] == b" "):
        return _Status.ERR, line[5:]
    if line == b"+" or line.startswith(b"+ "):
        return _Status.CONTINUE, line[2:]
    return None


def _decode(raw: bytes) -> str:
    """Status text is for people: decode leniently, never fail on a stray 8-bit byte."""
    return raw.strip(b" \t").decode("utf-8", "replace")


def _split_code(text: str) -> tuple[str | None, str]:
    """``"[SYS/TEMP] try later"`` → ``("SYS/TEMP", "try later")``; no code → ``(None, text)``."""
    match = _CODE_RE.fullmatch(text)
    if match is None:
        return None, text
    return match.group(1), match.group(2)


def _apop_timestamp(raw: bytes) -> str | None:
    """The RFC 1939 ``<process.clock@host>`` banner part that APOP digests, with brackets."""
    match = _TIMESTAMP_RE.search(raw)
    return match.group(0).decode("ascii") if match else None


def _validate_args(name: str, spec: _Command, args: tuple[str, ...]) -> None:
    """Refuse what would change the meaning of the command line (injection, bad numbers)."""
    if len(args) not in spec.replies:
        *others, last = sorted(spec.replies)
        counts: str | Sentence = str(last)
        for count in reversed(others):
            counts = says.EITHER(first=count, second=counts)
        raise LocalProtocolError(says.ARGUMENT_COUNT(command=name, counts=counts, given=len(args)))
    for index, arg in enumerate(args):
        if not isinstance(arg, str):
            raise LocalProtocolError(says.ARGUMENTS_TEXT(command=name))
        if not arg:
            raise LocalProtocolError(says.ARGUMENTS_EMPTY(command=name))
        if "\r" in arg or "\n" in arg or "\0" in arg:
            raise LocalProtocolError(says.ARGUMENTS_CONTROL(command=name))
        spaces_ok = spec.free_last and index == len(args) - 1
        if not spaces_ok and (" " in arg or "\t" in arg):
            raise LocalProtocolError(says.ARGUMENTS_SPACES(command=name))
        if spec.numeric and not (arg.isascii() and arg.isdigit()):
            raise LocalProtocolError(says.ARGUMENTS_NUMBERS(command=name, value=repr(arg)))


# --------------------------------------------------------------------------------------------
# The connection
# --------------------------------------------------------------------------------------------


class POP3Connection:
    """The client side of one POP3 session, without I/O.

    ``max_status_line`` bounds every status and listing line (line end excluded);
    ``max_listing_lines`` bounds the number of lines of one CAPA/LIST/UIDL listing.
    Message bodies are unbounded and streamed.
    """

    def __init__(self, *, max_status_line: int = 8192, max_listing_lines: int = 10_000_000) -> None:
        self._max_line = max_status_line
        self._max_listing = max_listing_lines
        self._state = State.GREETING
        self._projected = State.GREETING  # the state once every queued command succeeded
        self._queue: deque[_Expected] = deque()
        self._buf = bytearray()
        self._pos = 0  # consumed prefix of _buf (compacted lazily in receive_data)
        self._scan = 0  # where to resume looking for LF in a partial status line
        self._eof = False
        self._error: str | Sentence = ""
        self._listing: _PartialListing | None = None
        self._in_message = False
        self._line_start = False  # in a message: the next byte starts a line
        self._challenges = 0  # AUTH continuations not yet answered

    # -- public properties -----------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current session state (read-only: it changes only on replies)."""
        return self._state

    @property
    def pending(self) -> int:
        """How many replies are still expected (the greeting counts as one)."""
        greeting = 1 if self._state is State.GREETING else 0
        return len(self._queue) + greeting

    # -- sending ---------------------------------------------------------------------------

    def send(self, command: str, *args: str) -> bytes:
        """Validate a command for the current state and return the line to send."""
        name = command.upper()
        spec = _COMMANDS.get(name)
        if spec is None:
            raise LocalProtocolError(says.UNKNOWN_COMMAND(command=repr(command)))
        self._check_can_send(name, spec)
        _validate_args(name, spec, args)
        line = " ".join((name, *args)).encode("utf-8") + b"\r\n"
        if len(line) > MAX_COMMAND_LINE:
            raise LocalProtocolError(says.COMMAND_TOO_LONG(command=name, limit=MAX_COMMAND_LINE))
        self._queue.append(_EXPECTED[name, len(args)])
        if spec.on_ok is not None:
            self._projected = spec.on_ok
        return line

    def send_auth_response(self, data: str) -> bytes:
        """Answer the last AUTH challenge with one SASL line (base64, or ``*`` to cancel).

        No length limit applies (XOAUTH2 tokens exceed 4 KB), but CR, LF and NUL are refused.
        """
        self._check_usable()
        if not self._queue or self._queue[0].command != "AUTH" or self._challenges < 1:
            raise LocalProtocolError(says.NO_CHALLENGE())
        if not data.isascii() or "\r" in data or "\n" in data or "\0" in data:
            raise LocalProtocolError(says.BAD_SASL_RESPONSE())
        self._challenges -= 1
        return data.encode("ascii") + b"\r\n"

    def _check_usable(self) -> None:
        if self._state is State.ERROR:
            raise LocalProtocolError(says.UNUSABLE(error=self._error))

    def _check_can_send(self, name: str, spec: _Command) -> None:
        """Refuse a command the state (as it will be once the queue succeeds) does not allow."""
        self._check_usable()
        if self._state is State.GREETING:
            raise LocalProtocolError(says.BEFORE_GREETING(command=name))
        if self._queue and self._queue[-1].spec.exclusive:
            last = self._queue[-1].command
            raise LocalProtocolError(says.WHILE_WAITING(command=name, last=last))
        if self._projected not in spec.states:
            state = self._projected.name
            raise LocalProtocolError(says.NOT_IN_STATE(command=name, state=state))

    # -- receiving -------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Buffer bytes read from the server; ``b""`` means the server closed the connection.

        Data after a protocol error is dropped (the next next_event raises anyway).
        """
        if self._state is State.ERROR:
            return
        if not data:
            self._eof = True
            return
        if self._eof:
            raise LocalProtocolError(says.DATA_AFTER_CLOSE())
        self._compact()
        self._buf += data

    def _compact(self) -> None:
        """Drop the consumed prefix once it outweighs the rest, so copying stays linear."""
        pos = self._pos
        if pos and (pos >= len(self._buf) - pos or pos >= 1 << 16):
            del self._buf[:pos]
            self._scan = max(0, self._scan - pos)
            self._pos = 0

    def next_event(self) -> Event | NeedData:
        """Parse the next event from the buffered bytes, or return NEED_DATA."""
        if self._state is State.ERROR:
            raise RemoteProtocolError(says.UNUSABLE(error=self._error))
        if self._in_message:
            return self._message_event()
        if self._listing is not None:
            return self._listing_event()
        if self._state is not State.GREETING and not self._queue:
            return self._idle_event()
        line = self._read_line()
        if line is None:
            return self._need(says.WHILE_REPLY_EXPECTED())
        if self._state is State.GREETING:
            return self._on_greeting(line)
        return self._on_status(line)

    def _fail(self, why: Sentence) -> NoReturn:
        """Move to ERROR for good and raise: the stream position can no longer be trusted."""
        self._state = State.ERROR
        self._error = why
        self._queue.clear()
        raise RemoteProtocolError(why)

    def _need(self, where: Sentence) -> NeedData:
        """NEED_DATA, unless the peer already closed: then the reply can never complete."""
        if self._eof:
            self._fail(says.CLOSED_WHERE(where=where))
        return NEED_DATA

    def _idle_event(self) -> Event | NeedData:
        """Nothing is expected: bytes are a protocol violation, EOF is a clean close."""
        if self._pos < len(self._buf):
            self._fail(says.DATA_UNASKED())
        if self._eof:
            self._state = self._projected = State.CLOSED
            return ConnectionClosed()
        return NEED_DATA

    def _read_line(self) -> bytes | None:
        """One bounded status/listing line without its line end, or None if incomplete."""
        buf = self._buf
        start = max(self._scan, self._pos)
        end = buf.find(b"\n", start)
        if end < 0:
            self._scan = len(buf)
            size = len(buf) - self._pos - (1 if buf and buf[-1] == _CR else 0)
            if size > self._max_line:
                self._fail(says.LINE_TOO_LONG(limit=self._max_line))
            return None
        line = bytes(buf[self._pos : end])
        if line.endswith(b"\r"):
            line = line[:-1]
        if len(line) > self._max_line:
            self._fail(says.LINE_TOO_LONG(limit=self._max_line))
        self._pos = self._scan = end + 1
        return line

    # -- status lines ----------------------------------------------------------------------

    def _on_greeting(self, line: bytes) -> Event:
        status = _classify(line)
        if status is None or status[0] is _Status.CONTINUE:
            self._fail(says.BAD_GREETING())
        kind, rest = status
        if kind is _Status.ERR:
            self._state = self._projected = State.CLOSED
            code, text = _split_code(_decode(rest))
            return Err("", text, code)
        self._state = self._projected = State.AUTHORIZATION
        return Greeting(_decode(rest), _apop_timestamp(rest))

    def _on_status(self, line: bytes) -> Event | NeedData:
        expected = self._queue[0]
        status = _classify(line)
        if status is None:
            self._fail(says.BAD_STATUS(command=expected.command))
        kind, rest = status
        if kind is _Status.CONTINUE:
            return self._on_continuation(expected, rest)
        self._queue.popleft()
        if kind is _Status.ERR:
            return self._on_err(expected, rest)
        return self._on_ok(expected, rest)

    def _on_continuation(self, expected: _Expected, rest: bytes) -> Event:
        if expected.reply is not _Reply.AUTH:
            self._fail(says.UNEXPECTED_CONTINUATION(command=expected.command))
        self._challenges += 1
        return Continuation(expected.command, rest.strip().decode("ascii", "replace"))

    def _on_err(self, expected: _Expected, rest: bytes) -> Event:
        self._challenges = 0
        if expected.spec.on_err is not None:
            self._state = expected.spec.on_err
        if expected.spec.on_ok is not None:
            self._reproject()
        code, text = _split_code(_decode(rest))
        return Err(expected.command, text, code)

    def _on_ok(self, expected: _Expected, rest: bytes) -> Event | NeedData:
        self._challenges = 0
        if expected.spec.on_ok is not None:
            self._state = expected.spec.on_ok
        if expected.reply is _Reply.LISTING:
            self._listing = _PartialListing(expected.command, _decode(rest))
            return self._listing_event()
        if expected.reply is _Reply.MESSAGE:
            self._in_message = self._line_start = True
            return MessageStart(expected.command, _decode(rest))
        if expected.command == "STLS" and self._pos < len(self._buf):
            self._fail(says.STLS_INJECTION())
        code, text = _split_code(_decode(rest))
        return Ok(expected.command, text, code)

    def _reproject(self) -> None:
        """A login failed: recompute the state later sends are checked against."""
        state = self._state
        for expected in self._queue:
            if expected.spec.on_ok is not None:
                state = expected.spec.on_ok
        self._projected = state

    # -- multi-line replies ----------------------------------------------------------------

    def _listing_event(self) -> Event | NeedData:
        """Collect listing lines until the ``.`` line; emit the whole listing at once.

        Every complete line in the buffer is taken at once (bytes methods, no per-line
        loop): a 50,000-line UIDL listing costs a few list operations per received block.
        """
        listing = self._listing
        assert listing is not None
        buf, pos = self._buf, self._pos
        end = self._listing_end(buf, pos)
        stop = end if end >= 0 else buf.rfind(b"\n", pos) + 1
        if stop > pos:
            self._take_listing_lines(listing, bytes(buf[pos:stop]), done=end >= 0)
            self._pos = self._scan = stop
        if end >= 0:
            self._listing = None
            return Listing(listing.command, listing.text, tuple(listing.lines))
        if self._read_line() is not None:  # never: every complete line was taken above
            raise AssertionError("unconsumed listing line")
        return self._need(says.IN_LISTING(command=listing.command))

    @staticmethod
    def _listing_end(buf: bytearray, pos: int) -> int:
        """Where the bytes after a listing's terminating ``.`` line begin, or -1."""
        if buf.startswith(b".\n", pos):
            return pos + 2
        if buf.startswith(b".\r\n", pos):
            return pos + 3
        found = [
            (cut + size)
            for pattern, size in ((b"\n.\n", 3), (b"\n.\r\n", 4))
            if (cut := buf.find(pattern, pos)) >= 0
        ]
        return min(found) if found else -1

    def _take_listing_lines(self, listing: _PartialListing, block: bytes, *, done: bool) -> None:
        """Append the complete lines of *block* (ending in LF; with the ``.`` line when
        *done*), enforcing the line-length and line-count limits in wire order."""
        lines = block.replace(b"\r\n", b"\n")[:-1].split(b"\n")
        if done:
            lines.pop()  # the terminating "."
        room = self._max_listing - len(listing.lines)
        long_at = (
            next((i for i, line in enumerate(lines) if len(line) > self._max_line), len(lines))
            if lines and max(map(len, lines)) > self._max_line
            else len(lines)
        )
        if room < len(lines) and room < long_at:
            self._fail(says.LISTING_TOO_LONG(command=listing.command, limit=self._max_listing))
        if long_at < len(lines):
            self._fail(says.LINE_TOO_LONG(limit=self._max_line))
        body = block[: len(block) - (3 if block.endswith(b".\r\n") else 2)] if done else block
        if body.startswith(b".") or b"\n." in body:
            lines = [line[1:] if line.startswith(b".") else line for line in lines]
        listing.lines.extend(lines)

    def _message_event(self) -> Event | NeedData:
        """The next chunk of a message body, or MessageEnd at the terminating ``.`` line.

        A chunk is everything buffered up to the terminating line, found with two
        bytearray.find calls, and unstuffed with one ``replace``: inside it, every dot
        after an LF is a stuffed one. A line-initial dot at the start of a chunk is decided on
        by looking at most two bytes ahead, waiting for them if they have not arrived; so a
        chunk never ends just before an undecided dot, nor between CR and LF.
        """
        buf, pos, end = self._buf, self._pos, len(self._buf)
        if self._line_start and pos < end and buf[pos] == _DOT:
            after = buf[pos + 1 : pos + 3]
            if not after or after == b"\r":
                return self._need(says.IN_MESSAGE())
            if after[0] == _LF or after == b"\r\n":
                return self._end_message(pos + 1 + (1 if after[0] == _LF else 2))
            pos = self._pos = pos + 1  # a stuffed dot: drop it
            self._line_start = False
        stop, line_start = self._message_cut(buf, pos, end)
        if stop <= pos:
            return self._need(says.IN_MESSAGE())
        with memoryview(buf) as view, view[pos:stop] as chunk:
            data = _STUFFED_DOT.sub(b"\n", chunk)  # also the copy out of the buffer
        self._pos = self._scan = stop
        self._line_start = line_start
        return MessageData(data)

    @staticmethod
    def _message_cut(buf: bytearray, pos: int, end: int) -> tuple[int, bool]:
        """Where the chunk from *pos* ends, and whether a line starts there.

        Just after the LF before the terminating ``.`` line when it is buffered (CRLF, or a
        bare LF, tolerated). Otherwise after the last LF when the partial line after it might
        start with a dot (still undecided) or is empty; else at the end, less a final CR.
        """
        crlf = buf.find(b"\n.\r\n", pos)
        # Bounded by the CRLF terminator, so a long buffer of many pipelined messages is not
        # scanned again for each of them.
        bare = buf.find(b"\n.\n", pos, end if crlf < 0 else crlf + 3)
        if crlf >= 0 or bare >= 0:
            cut = crlf if bare < 0 or 0 <= crlf < bare else bare
            return cut + 1, True
        last = buf.rfind(b"\n", pos, end)
        if last >= 0 and (last + 1 == end or buf[last + 1] == _DOT):
            return last + 1, True
        stop = end - 1 if end > pos and buf[end - 1] == _CR else end
        return stop, stop > pos and buf[stop - 1] == _LF

    def _end_message(self, stop: int) -> Event:
        self._pos = self._scan = stop
        self._in_message = self._line_start = False
        return _MESSAGE_END
