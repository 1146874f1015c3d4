"""Sans-IO client core for POP2 (RFC 937): commands become bytes, bytes become events.

No sockets, no threads: the caller feeds whatever it read with :meth:`POP2Connection.receive_data`
and pulls :data:`Event` objects with :meth:`POP2Connection.next_event` until it gets
:data:`NEED_DATA`. Replays can therefore be tested byte by byte, without a server.

The rules followed are those of ``shared/ref/pop2-rfc937.md`` (RFC 937 and its resolved
ambiguities). The ones a reader of this module most needs:

* POP2 has no pipelining: the server answers each command with one reply, so :meth:`send`
  refuses a command while a reply (or message data) is still pending.
* After ``RETR`` the server sends exactly the ``=n`` octets announced by the last length reply,
  with no status line, no terminator and no dot-stuffing: only the count says where a message
  ends. They are handed out as :class:`MessageData` chunks between :class:`MessageStart` and
  :class:`MessageEnd`; a short read is a :class:`~popgui.errors.RemoteProtocolError`.
* ``RETR`` after ``=0`` makes the server close without a reply, so it is refused locally.
* After a ``-`` reply the server closes: the :class:`Err` event moves the connection to
  :attr:`ClientState.ERROR`, which refuses any further use.

Client states (RFC 937 "Client State Diagram") name the reply being waited for, or the reply
that was last received when nothing is pending (see :attr:`POP2Connection.pending`):

==========  ====================================  ==========================
state       entered by                            commands legal once idle
==========  ====================================  ==========================
CALL        connecting (greeting awaited)          HELO, QUIT
NMBR        HELO, FOLD (``#n`` awaited)            FOLD, READ, QUIT
SIZE        READ, ACKS, ACKD, NACK (``=n``)        FOLD, READ, RETR (n > 0), QUIT
XFER        RETR (n octets awaited)                ACKS, ACKD, NACK
EXIT        QUIT (``+`` awaited)                   none
ERROR       a ``-`` reply, bad data, an early EOF  none
==========  ====================================  ==========================
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from popgui.catalog import Message, Sentence
from popgui.catalog import protocol as says
from popgui.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "MAX_COMMAND_LINE",
    "MAX_MESSAGE_COUNT",
    "MAX_NUMBER_DIGITS",
    "MAX_REPLY_LINE",
    "NEED_DATA",
    "ClientState",
    "ConnectionClosed",
    "Count",
    "Err",
    "Event",
    "Greeting",
    "Length",
    "MessageData",
    "MessageEnd",
    "MessageStart",
    "NeedData",
    "Ok",
    "POP2Connection",
]

#: RFC 937 "Sizes": a command line is at most 512 octets, CRLF included.
MAX_COMMAND_LINE: Final = 512
#: RFC 937 "Sizes": so is a reply line, CRLF included.
MAX_REPLY_LINE: Final = 512
#: Numbers in replies longer than this are refused as implausible (no mailbox holds 10**18).
MAX_NUMBER_DIGITS: Final = 18
#: A mailbox announcing more messages than this is refused: each one costs a round trip
#: (the same bound as a POP3 listing's, see popgui.net.pop3client.MAX_LISTING_LINES).
MAX_MESSAGE_COUNT: Final = 1_000_000


class _NeedDataType(enum.Enum):
    """The type of :data:`NEED_DATA`; an enum so that ``event is NEED_DATA`` narrows for mypy."""

    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by :meth:`POP2Connection.next_event` when more bytes must be received first.
NEED_DATA: Final = _NeedDataType.NEED_DATA
NeedData: TypeAlias = Literal[_NeedDataType.NEED_DATA]


class ClientState(enum.Enum):
    """The client states of RFC 937, plus ERROR for a connection that must not be used again."""

    CALL = "CALL"
    NMBR = "NMBR"
    SIZE = "SIZE"
    XFER = "XFER"
    EXIT = "EXIT"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class Greeting:
    """``+ POP2 host [text]``; ``text`` is everything after ``+ `` (the host is not relied on)."""

    text: str


@dataclass(frozen=True, slots=True)
class Ok:
    """``+ [text]``: the answer to QUIT."""

    text: str


@dataclass(frozen=True, slots=True)
class Count:
    """``#n [text]``: the number of messages in the mailbox HELO or FOLD selected."""

    count: int
    text: str


@dataclass(frozen=True, slots=True)
class Length:
    """``=n [text]``: the length in octets of the current message (0: absent or deleted)."""

    length: int
    text: str


@dataclass(frozen=True, slots=True)
class Err:
    """``- [text]``: the server refused, and closes the connection after saying so."""

    text: str


@dataclass(frozen=True, slots=True)
class MessageStart:
    """RETR was answered: ``length`` octets of message follow."""

    length: int


@dataclass(frozen=True, slots=True)
class MessageData:
    """A chunk of the message, exactly as sent (no unstuffing, line ends untouched)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class MessageEnd:
    """The announced number of octets has arrived."""


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """The server closed the connection while no reply was pending."""


Event: TypeAlias = (
    Greeting
    | Ok
    | Count
    | Length
    | Err
    | MessageStart
    | MessageData
    | MessageEnd
    | ConnectionClosed
)


class _Expect(enum.Enum):
    """What the server owes us next."""

    GREETING = "greeting"
    OK = "+"
    COUNT = "#"
    LENGTH = "="
    DATA = "message data"


class _Arg(enum.Enum):
    """How an argument is checked: words and strings are quoted, numbers are digits only."""

    WORD = "word"
    STRING = "string"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class _CommandSpec:
    """One row of the command table: arguments, the reply it asks for, the state it enters."""

    args: tuple[tuple[_Arg, Message], ...]
    optional: int  # how many trailing arguments may be left out
    expect: _Expect
    enters: ClientState


_COMMANDS: Final[dict[str, _CommandSpec]] = {
    "HELO": _CommandSpec(
        ((_Arg.WORD, says.THE_USER_NAME), (_Arg.WORD, says.THE_PASSWORD)),
        0,
        _Expect.COUNT,
        ClientState.NMBR,
    ),
    "FOLD": _CommandSpec(
        ((_Arg.STRING, says.THE_MAILBOX_NAME),), 0, _Expect.COUNT, ClientState.NMBR
    ),
    "READ": _CommandSpec(
        ((_Arg.NUMBER, says.THE_MESSAGE_NUMBER),), 1, _Expect.LENGTH, ClientState.SIZE
    ),
    "RETR": _CommandSpec((), 0, _Expect.DATA, ClientState.XFER),
    "ACKS": _CommandSpec((), 0, _Expect.LENGTH, ClientState.SIZE),
    "ACKD": _CommandSpec((), 0, _Expect.LENGTH, ClientState.SIZE),
    "NACK": _CommandSpec((), 0, _Expect.LENGTH, ClientState.SIZE),
    "QUIT": _CommandSpec((), 0, _Expect.OK, ClientState.EXIT),
}

#: Commands the server accepts once the reply that put us in each state has arrived
#: (RFC 937 "Server Decision Table": AUTH, MBOX, ITEM, NEXT; anything else gets ``-``).
_LEGAL: Final[dict[ClientState, frozenset[str]]] = {
    ClientState.CALL: frozenset({"HELO", "QUIT"}),
    ClientState.NMBR: frozenset({"FOLD", "READ", "QUIT"}),
    ClientState.SIZE: frozenset({"FOLD", "READ", "RETR", "QUIT"}),
    ClientState.XFER: frozenset({"ACKS", "ACKD", "NACK"}),
    ClientState.EXIT: frozenset(),
    ClientState.ERROR: frozenset(),
}

# "+" and "-" carry optional text; "#" and "=" a decimal number first. Any text follows one SP.
_REPLY: Final = re.compile(
    rb"(?P<sign>[-+])(?: (?P<stext>.*))?"
    rb"|(?P<kind>[#=])(?P<num>[0-9]+)(?: (?P<ntext>.*))?"
)
_DIGITS: Final = re.compile(r"[0-9]+")


def _quote(value: str, kind: _Arg, what: Message) -> str:
    """Check one argument and apply RFC 937 quoting (``\\`` before a space or a backslash).

    Control characters are refused rather than quoted: a CR or LF would end the command early
    and let the rest be read as a second, injected command. The value itself never appears in
    the error, since it may be a password.
    """
    if not value:
        raise LocalProtocolError(says.VALUE_EMPTY(what=what()))
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise LocalProtocolError(says.VALUE_CONTROL(what=what()))
    if kind is _Arg.NUMBER:
        if not _DIGITS.fullmatch(value):
            raise LocalProtocolError(says.VALUE_NOT_NUMBER(what=what()))
        return value
    return value.replace("\\", "\\\\").replace(" ", "\\ ")


def _format_command(name: str, spec: _CommandSpec, args: tuple[str, ...]) -> bytes:
    """Build the command line: upper-case keyword, one SP between fields, CRLF, ≤ 512 octets.

    RFC 937 assumes ASCII; anything else is sent as UTF-8, since a POP2 server compares the
    octets it receives and refusing would lock out a user whose password is not ASCII.
    """
    most = len(spec.args)
    if not most - spec.optional <= len(args) <= most:
        raise LocalProtocolError(says.POP2_ARGUMENT_COUNT(command=name, most=most, given=len(args)))
    quoted = (_quote(arg, kind, what) for arg, (kind, what) in zip(args, spec.args, strict=False))
    fields = [name, *quoted]
    line = (" ".join(fields) + "\r\n").encode("utf-8")
    if len(line) > MAX_COMMAND_LINE:
        raise LocalProtocolError(says.POP2_COMMAND_TOO_LONG(command=name, limit=MAX_COMMAND_LINE))
    return line


def _describe(line: bytes | bytearray) -> str:
    """A short, printable excerpt of a bad reply for an error message."""
    return repr(bytes(line[:60])) + ("..." if len(line) > 60 else "")


def _wanted(expect: _Expect | None) -> str | Sentence:
    """What a reply should have been, for an error: a reply sign, or words for the others."""
    if expect is None:
        return says.NOTHING_EXPECTED()
    if expect is _Expect.GREETING:
        return says.GREETING_EXPECTED()
    if expect is _Expect.DATA:
        return says.DATA_EXPECTED()
    return str(expect.value)


def _parse_reply(line: bytes) -> tuple[str, int | None, str]:
    """Split a reply line (without CRLF) into its kind (``+ - # =``), number and text."""
    match = _REPLY.fullmatch(line)
    if match is None:
        if line.startswith((b"+OK", b"-ERR")):
            raise RemoteProtocolError(says.SPEAKS_POP3())
        raise RemoteProtocolError(says.NOT_POP2(line=_describe(line)))
    if match["sign"] is not None:
        return match["sign"].decode(), None, (match["stext"] or b"").decode("utf-8", "replace")
    text = (match["ntext"] or b"").decode("utf-8", "replace")
    if len(match["num"]) > MAX_NUMBER_DIGITS:
        raise RemoteProtocolError(says.IMPLAUSIBLE_POP2_NUMBER(line=_describe(line)))
    return match["kind"].decode(), int(match["num"]), text


class POP2Connection:
    """The client side of one POP2 session, from the greeting to the close.

    Errors: :meth:`send` raises :class:`~popgui.errors.LocalProtocolError` for a command that
    is unknown, illegal in the current state, sent while a reply is pending, or carrying a bad
    argument; nothing is produced and the connection stays as it was. :meth:`next_event` raises
    :class:`~popgui.errors.RemoteProtocolError` when the server breaks the protocol; that moves
    the connection to ``ERROR`` for good, as does an :class:`Err` reply.
    """

    def __init__(self, *, max_reply_line: int = MAX_REPLY_LINE) -> None:
        self._max_line = max_reply_line
        self._state = ClientState.CALL
        self._expect: _Expect | None = _Expect.GREETING
        self._command = "the connection"  # what the pending reply answers, for messages
        self._buffer = bytearray()
        self._eof = False
        self._failure: str | Sentence = ""  # why the connection is in ERROR
        self._broken = False  # the server broke the protocol: next_event() raises from now on
        self._length = 0  # the last =n
        self._remaining = 0  # octets of the message still to come
        self._started = False  # MessageStart handed out for the current RETR

    # -- public API ------------------------------------------------------------------------

    @property
    def state(self) -> ClientState:
        """The RFC 937 client state (see the module docstring for its table)."""
        return self._state

    @property
    def pending(self) -> int:
        """1 while a reply or message data is awaited, else 0 (POP2 allows no more)."""
        return 0 if self._expect is None else 1

    def send(self, command: str, *args: str) -> bytes:
        """Validate one command for the current state and return its bytes, CRLF included.

        The keyword is matched without regard to case and sent upper case (RFC 937 never
        allows lower case). ``READ`` takes an optional message number; ``RETR`` is refused
        unless the last ``=n`` was above zero, because the server closes instead of replying.
        """
        name = command.upper()
        spec = _COMMANDS.get(name)
        if spec is None:
            raise LocalProtocolError(says.NOT_POP2_COMMAND(command=repr(command)))
        self._check_can_send(name)
        line = _format_command(name, spec, args)
        self._state = spec.enters
        self._expect = spec.expect
        self._command = name
        if name == "RETR":
            self._remaining = self._length
            self._started = False
        return line

    def receive_data(self, data: bytes) -> None:
        """Buffer bytes read from the server; ``b""`` means the server closed the connection.

        Bytes arriving after a protocol error are dropped: the connection is dead and only its
        error matters.
        """
        if self._eof and data:
            raise LocalProtocolError(says.DATA_AFTER_END())
        if self._broken:
            return
        if data:
            self._buffer += data
        else:
            self._eof = True

    def next_event(self) -> Event | NeedData:
        """Return the next event, or :data:`NEED_DATA` if the buffered bytes do not make one.

        After an :class:`Err` reply only the close may follow: :data:`NEED_DATA` until the end
        of the stream, then :class:`ConnectionClosed`. After a
        :class:`~popgui.errors.RemoteProtocolError` every call raises it again.
        """
        if self._broken:
            raise RemoteProtocolError(says.POP2_UNUSABLE(error=self._failure))
        try:
            return self._next_event()
        except RemoteProtocolError as exc:
            self._fail(exc.sentence or str(exc))
            self._broken = True
            raise

    # -- sending ---------------------------------------------------------------------------

    def _check_can_send(self, name: str) -> None:
        """Refuse a command the server would answer with ``-`` and a close."""
        if self._state is ClientState.ERROR:
            raise LocalProtocolError(says.POP2_UNUSABLE(error=self._failure))
        if self._expect is not None:
            raise LocalProtocolError(says.POP2_PENDING(command=name, last=self._command))
        if name not in _LEGAL[self._state]:
            raise LocalProtocolError(says.POP2_NOT_IN_STATE(command=name, state=self._state.value))
        if name == "RETR" and self._length == 0:
            raise LocalProtocolError(says.RETR_NOTHING())

    # -- receiving -------------------------------------------------------------------------

    def _fail(self, reason: str | Sentence) -> None:
        self._state = ClientState.ERROR
        self._expect = None
        self._failure = reason
        self._buffer.clear()

    def _next_event(self) -> Event | NeedData:
        if self._expect is None:
            return self._idle_event()
        if self._expect is _Expect.DATA:
            return self._data_event()
        line = self._take_line()
        if line is None:
            if self._eof:
                raise RemoteProtocolError(says.CLOSED_INSTEAD(command=self._command))
            return NEED_DATA
        return self._reply_event(line)

    def _idle_event(self) -> Event | NeedData:
        """Nothing is owed: any byte is unsolicited, and EOF ends the session.

        An EOF anywhere but after QUIT is reported too, but leaves the state at ERROR: the
        session did not end the way RFC 937 says, and nothing may be sent any more.
        """
        if self._buffer:
            unasked = _describe(self._buffer)
            raise RemoteProtocolError(says.DATA_NOBODY_ASKED(data=unasked))
        if not self._eof:
            return NEED_DATA
        if self._state not in (ClientState.EXIT, ClientState.ERROR):
            self._fail(says.POP2_CLOSED())
        return ConnectionClosed()

    def _take_line(self) -> bytes | None:
        """Remove and return one reply line without its CRLF, or None if it is incomplete."""
        end = self._buffer.find(b"\n", 0, self._max_line)
        if end < 0:
            if len(self._buffer) >= self._max_line:
                raise RemoteProtocolError(says.REPLY_TOO_LONG(limit=self._max_line))
            return None
        line = bytes(self._buffer[: end + 1])
        del self._buffer[: end + 1]
        if not line.endswith(b"\r\n") or b"\r" in line[:-2]:
            raise RemoteProtocolError(says.NO_CRLF(line=_describe(line)))
        return line[:-2]

    def _reply_event(self, line: bytes) -> Event:
        """Turn a reply line into an event if it is the kind of reply the command asks for."""
        kind, number, text = _parse_reply(line)
        expect = self._expect
        self._expect = None
        if kind == "-":
            self._fail(says.POP2_REFUSED(command=self._command, reply=text))
            return Err(text)
        if expect is _Expect.GREETING and kind == "+":
            return Greeting(text)
        if expect is _Expect.OK and kind == "+":
            return Ok(text)
        if expect is _Expect.COUNT and kind == "#" and number is not None:
            if number > MAX_MESSAGE_COUNT:
                too_many = says.TOO_MANY_MESSAGES(count=number, limit=MAX_MESSAGE_COUNT)
                raise RemoteProtocolError(too_many)
            return Count(number, text)
        if expect is _Expect.LENGTH and kind == "=" and number is not None:
            self._length = number
            return Length(number, text)
        wanted = _wanted(expect)
        unexpected = says.POP2_UNEXPECTED(
            command=self._command, line=_describe(line), wanted=wanted
        )
        raise RemoteProtocolError(unexpected)

    def _data_event(self) -> Event | NeedData:
        """Hand out the message body: exactly the announced number of octets, then the end."""
        if not self._started:
            self._started = True
            return MessageStart(self._length)
        if self._remaining == 0:
            self._expect = None
            return MessageEnd()
        if self._buffer:
            take = min(len(self._buffer), self._remaining)
            chunk = bytes(self._buffer[:take])
            del self._buffer[:take]
            self._remaining -= take
            return MessageData(chunk)
        if self._eof:
            raise RemoteProtocolError(says.CLOSED_EARLY(remaining=self._remaining))
        return NEED_DATA
