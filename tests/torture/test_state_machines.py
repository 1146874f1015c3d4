"""Hypothesis state machines against both sans-IO protocol cores.

Rules send legal and illegal commands (with hostile arguments), feed well-formed or corrupted
server replies cut at random points, garbage, and end-of-stream. Invariants (h11's rule: "parses,
or raises the protocol error, nothing else"):

* only events, NEED_DATA, LocalProtocolError or RemoteProtocolError ever come out;
* once in ERROR the connection stays there, refuses to send and raises on next_event;
* ``pending`` equals the replies the model still expects (commands accepted minus final
  events received), and a final event never arrives when nothing is pending;
* a well-formed reply fed on a clean stream, however split, gives back exactly its content.

``python -m bench.torture`` runs the same machines with many more examples (bench/torture/fuzz.py);
``POPGUI_FUZZ_EXAMPLES`` raises the count here too.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from popgui.errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from popgui.protocol import pop2, pop3

EXAMPLES = int(os.environ.get("POPGUI_FUZZ_EXAMPLES", "40"))
STEPS = int(os.environ.get("POPGUI_FUZZ_STEPS", "30"))
MACHINE_SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
MAX_EVENTS = 100_000


@dataclass
class Tally:
    """What the machines tried, read by the torture harness (bench/torture/fuzz.py)."""

    steps: int = 0
    bad_inputs: int = 0
    protocol_errors: int = 0


TALLY = Tally()

# -- shared strategies ------------------------------------------------------------------------

hostile_text = st.one_of(
    st.sampled_from(["1", "2", "0", "alice", "pass word", "a\rb", "x\ny", "n\0l", "", " ", "-1"]),
    st.text(max_size=12),
    st.text(alphabet="0123456789", min_size=1, max_size=3),
)
body_line = st.one_of(
    st.sampled_from([b".", b"..", b".x", b"", b"text", b"\r", b".\r"]),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
)


def stuff(lines: list[bytes]) -> tuple[bytes, bytes]:
    """(what the server sends, what the client must give back) for a multi-line body."""
    wire = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)
    return wire + b".\r\n", b"".join(line + b"\r\n" for line in lines)


def corrupt(data: bytes, how: int, where: int, byte: int) -> bytes:
    """One of a few damages at a chosen place: flip, drop, insert a byte, truncate, CR/LF mess."""
    if not data:
        return bytes([byte])
    at = where % len(data)
    if how == 0:
        return data[:at] + bytes([data[at] ^ (byte or 1)]) + data[at + 1 :]
    if how == 1:
        return data[:at] + data[at + 1 :]
    if how == 2:
        return data[:at] + bytes([byte]) + data[at:]
    if how == 3:
        return data[:at]
    return data.replace(b"\r\n", b"\n", 1) if how == 4 else data + b"\r\n.\r\n"


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


damage = st.tuples(
    st.integers(0, 5), st.integers(0, 10_000), st.integers(0, 255)
)  # how, where, byte
cuts = st.lists(st.integers(0, 10_000), max_size=8)
#: A reply is damaged one time in four; garbage and end-of-stream come one time in eight.
maybe_damage = st.one_of(st.none(), st.none(), st.none(), damage)
rarely = st.integers(0, 7).map(lambda n: n == 0)


# -- POP3 -------------------------------------------------------------------------------------

POP3_COMMANDS = [
    "USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "STAT", "LIST", "RETR", "DELE", "RSET",
    "TOP", "UIDL", "NOOP", "QUIT", "XYZZY", "retr", "",
]  # fmt: skip
POP3_FINAL = (pop3.Greeting, pop3.Ok, pop3.Err, pop3.Listing, pop3.MessageEnd)
MULTILINE_NO_ARG = {"CAPA", "LIST", "UIDL"}


class POP3Machine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.conn = pop3.POP3Connection(max_status_line=200)
        self.expected: deque[tuple[str, int]] = deque([("GREETING", 0)])
        self.errored = False
        self.dirty = False  # garbage may sit in the buffer: content checks are off
        self.eof = False

    # -- driving ---------------------------------------------------------------------------

    def drain(self) -> list[pop3.Event]:
        events: list[pop3.Event] = []
        for _ in range(MAX_EVENTS):
            try:
                event = self.conn.next_event()
            except ProtocolError as error:
                self.on_error(error)
                return events
            if event is pop3.NEED_DATA:
                return events
            self.on_event(event)
            events.append(event)
            if isinstance(event, pop3.ConnectionClosed):
                return events
        raise AssertionError("next_event never asked for more data")

    def on_error(self, error: ProtocolError) -> None:
        TALLY.protocol_errors += 1
        if isinstance(error, RemoteProtocolError):
            assert self.conn.state is pop3.State.ERROR
            self.errored = True
        elif self.errored:
            assert self.conn.state is pop3.State.ERROR

    def on_event(self, event: pop3.Event) -> None:
        assert not self.errored, "an event came out of a connection in ERROR"
        if isinstance(event, POP3_FINAL):
            assert self.expected, f"{event!r} arrived while nothing was pending"
            self.expected.popleft()
        if isinstance(event, pop3.ConnectionClosed):
            assert not self.expected

    def feed(self, pieces: list[bytes]) -> list[pop3.Event]:
        events: list[pop3.Event] = []
        for piece in pieces:
            try:
                self.conn.receive_data(piece)
            except LocalProtocolError:
                assert self.eof, "receive_data refused data before the end of the stream"
                return events
            events += self.drain()
        return events

    # -- rules -----------------------------------------------------------------------------

    @rule(command=st.sampled_from(POP3_COMMANDS), args=st.lists(hostile_text, max_size=3))
    def send(self, command: str, args: list[str]) -> None:
        TALLY.steps += 1
        before = (self.conn.state, self.conn.pending)
        try:
            self.conn.send(command, *args)
        except LocalProtocolError:
            TALLY.bad_inputs += 1
            assert (self.conn.state, self.conn.pending) == before
            return
        assert not self.errored and command.upper() in pop3._COMMANDS
        assert all(not set(a) & {"\r", "\n", "\0"} for a in args)
        self.expected.append((command.upper(), len(args)))

    @rule(
        command=st.sampled_from(
            [("USER", "u"), ("PASS", "p w"), ("STAT",), ("LIST",), ("UIDL",), ("CAPA",),
             ("RETR", "1"), ("TOP", "2", "0"), ("DELE", "3"), ("NOOP",), ("UIDL", "1")]
        ),
        lines=st.lists(body_line, max_size=8),
        cut=cuts,
    )  # fmt: skip
    def exchange(self, command: tuple[str, ...], lines: list[bytes], cut: list[int]) -> None:
        """Drive the session forward: a command legal now and its well-formed reply."""
        TALLY.steps += 1
        if self.expected or self.eof or self.errored or self.conn.state is pop3.State.CLOSED:
            return
        if self.conn.state is pop3.State.TRANSACTION and command[0] in ("USER", "PASS"):
            command = ("RETR", "1")
        if self.conn.state is pop3.State.AUTHORIZATION and command[0] != "USER":
            command = ("PASS", "p w") if command[0] != "CAPA" else command
        try:
            self.conn.send(*command)
        except LocalProtocolError:
            return  # PASS without USER first is still legal here; nothing else should fail
        self.expected.append((command[0], len(command) - 1))
        self.reply(True, lines, cut, None)

    @rule(data=st.sampled_from(["dGVzdA==", "*", "a\rb", "é"]))
    def auth_response(self, data: str) -> None:
        TALLY.steps += 1
        try:
            self.conn.send_auth_response(data)
        except LocalProtocolError:
            TALLY.bad_inputs += 1

    @rule(
        ok=st.booleans(),
        lines=st.lists(body_line, max_size=6),
        cut=cuts,
        broken=maybe_damage,
    )
    def reply(
        self, ok: bool, lines: list[bytes], cut: list[int], broken: tuple[int, int, int] | None
    ) -> None:
        TALLY.steps += 1
        if not self.expected or self.eof:
            return
        wire, content = self.wire_reply(*self.expected[0], ok=ok, lines=lines)
        if broken is not None:
            TALLY.bad_inputs += 1
            self.dirty = True
            wire = corrupt(wire, *broken)
        events = self.feed(split(wire, cut))
        if broken is None and not self.dirty and not self.errored:
            self.check_clean(events, content)

    def wire_reply(
        self, command: str, nargs: int, *, ok: bool, lines: list[bytes]
    ) -> tuple[bytes, bytes | None]:
        if command == "GREETING":
            return (b"+OK ready <1.2@h>\r\n" if ok else b"-ERR [SYS/TEMP] busy\r\n"), None
        if not ok:
            return b"-ERR [IN-USE] no\r\n", None
        if command in ("RETR", "TOP") or (command in MULTILINE_NO_ARG and nargs == 0):
            wire, content = stuff(lines)
            return b"+OK here\r\n" + wire, content
        if command == "AUTH" and lines:
            return b"+ Y2hhbGxlbmdl\r\n", None
        return b"+OK fine\r\n", None

    def check_clean(self, events: list[pop3.Event], content: bytes | None) -> None:
        assert events, "a whole reply gave no event"
        if content is None:
            return
        data = b"".join(e.data for e in events if isinstance(e, pop3.MessageData))
        listing = [e for e in events if isinstance(e, pop3.Listing)]
        if listing:
            data = b"".join(line + b"\r\n" for line in listing[0].lines)
        assert data == content

    @rule(garbage=st.binary(min_size=1, max_size=60), cut=cuts, now=rarely)
    def garbage(self, garbage: bytes, cut: list[int], now: bool) -> None:
        TALLY.steps += 1
        if not now:
            return
        TALLY.bad_inputs += 1
        self.dirty = True
        if not self.eof:
            self.feed(split(garbage, cut))

    @rule(now=rarely)
    def close(self, now: bool) -> None:
        TALLY.steps += 1
        if not now:
            return
        self.eof = True
        self.conn.receive_data(b"")
        self.drain()

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def error_is_final(self) -> None:
        if self.errored:
            assert self.conn.state is pop3.State.ERROR
            assert_raises(lambda: self.conn.send("NOOP"), LocalProtocolError)
            assert_raises(self.conn.next_event, RemoteProtocolError)

    @invariant()
    def pending_matches(self) -> None:
        if not self.errored:
            assert self.conn.pending == len(self.expected), (self.conn.pending, self.expected)


# -- POP2 -------------------------------------------------------------------------------------

POP2_COMMANDS = ["HELO", "FOLD", "READ", "RETR", "ACKS", "ACKD", "NACK", "QUIT", "LIST", "helo"]
POP2_REPLY = {"HELO": "#", "FOLD": "#", "READ": "=", "ACKS": "=", "ACKD": "=", "NACK": "="}
POP2_FINAL = (pop2.Greeting, pop2.Ok, pop2.Count, pop2.Length, pop2.Err, pop2.MessageEnd)


class POP2Machine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.conn = pop2.POP2Connection()
        self.expected: str | None = "GREETING"
        self.length = 0
        self.errored = False
        self.dirty = False
        self.eof = False

    def drain(self) -> list[pop2.Event]:
        events: list[pop2.Event] = []
        for _ in range(MAX_EVENTS):
            try:
                event = self.conn.next_event()
            except ProtocolError as error:
                TALLY.protocol_errors += 1
                assert isinstance(error, RemoteProtocolError)
                assert self.conn.state is pop2.ClientState.ERROR
                self.errored = True
                self.expected = None
                return events
            if event is pop2.NEED_DATA:
                return events
            self.on_event(event)
            events.append(event)
            if isinstance(event, pop2.ConnectionClosed):
                return events
        raise AssertionError("next_event never asked for more data")

    def on_event(self, event: pop2.Event) -> None:
        if isinstance(event, POP2_FINAL):
            assert self.expected is not None, f"{event!r} arrived while nothing was pending"
            self.expected = None
        if isinstance(event, pop2.Length):
            self.length = event.length
        if isinstance(event, pop2.Err):
            assert self.conn.state is pop2.ClientState.ERROR
            self.errored = True

    def feed(self, pieces: list[bytes]) -> list[pop2.Event]:
        events: list[pop2.Event] = []
        for piece in pieces:
            try:
                self.conn.receive_data(piece)
            except LocalProtocolError:
                assert self.eof
                return events
            events += self.drain()
        return events

    @rule(command=st.sampled_from(POP2_COMMANDS), args=st.lists(hostile_text, max_size=3))
    def send(self, command: str, args: list[str]) -> None:
        TALLY.steps += 1
        before = (self.conn.state, self.conn.pending)
        try:
            line = self.conn.send(command, *args)
        except LocalProtocolError:
            TALLY.bad_inputs += 1
            assert (self.conn.state, self.conn.pending) == before
            return
        assert not self.errored and line.endswith(b"\r\n") and line.count(b"\n") == 1
        name = command.upper()
        self.expected = "DATA" if name == "RETR" else POP2_REPLY.get(name, "+")

    @rule(ok=st.booleans(), number=st.integers(0, 40), cut=cuts, broken=maybe_damage)
    def reply(
        self, ok: bool, number: int, cut: list[int], broken: tuple[int, int, int] | None
    ) -> None:
        TALLY.steps += 1
        if self.expected is None or self.eof:
            return
        wire = self.wire_reply(self.expected, ok, number)
        if broken is not None:
            TALLY.bad_inputs += 1
            self.dirty = True
            wire = corrupt(wire, *broken)
        expected = self.expected
        events = self.feed(split(wire, cut))
        if broken is None and not self.dirty and expected == "DATA":
            data = b"".join(e.data for e in events if isinstance(e, pop2.MessageData))
            assert data == wire and isinstance(events[-1], pop2.MessageEnd)

    @rule(number=st.integers(0, 30), cut=cuts)
    def exchange(self, number: int, cut: list[int]) -> None:
        """Drive the session forward: the next command a client would send, well answered."""
        TALLY.steps += 1
        if self.expected is not None or self.eof or self.errored:
            return
        state = self.conn.state
        if state is pop2.ClientState.CALL:
            command: tuple[str, ...] = ("HELO", "user", "pass word")
        elif state is pop2.ClientState.NMBR:
            command = ("READ", str(number or 1))
        elif state is pop2.ClientState.SIZE:
            command = ("RETR",) if self.length else ("READ",)
        elif state is pop2.ClientState.XFER:
            command = ("ACKD",) if number % 2 else ("ACKS",)
        else:
            return
        self.send(command[0], list(command[1:]))
        self.reply(True, number, cut, None)

    def wire_reply(self, expected: str, ok: bool, number: int) -> bytes:
        if expected == "DATA":
            return bytes(range(65, 65 + 26)) * (self.length // 26) + b"x" * (self.length % 26)
        if not ok:
            return b"- no\r\n"
        if expected in "#=":
            return f"{expected}{number} text\r\n".encode()
        return b"+ POP2 host ready\r\n"

    @rule(garbage=st.binary(min_size=1, max_size=60), cut=cuts, now=rarely)
    def garbage(self, garbage: bytes, cut: list[int], now: bool) -> None:
        TALLY.steps += 1
        if not now:
            return
        TALLY.bad_inputs += 1
        self.dirty = True
        if not self.eof:
            self.feed(split(garbage, cut))

    @rule(now=rarely)
    def close(self, now: bool) -> None:
        TALLY.steps += 1
        if not now:
            return
        self.eof = True
        self.conn.receive_data(b"")
        self.drain()

    @invariant()
    def error_is_final(self) -> None:
        if self.errored:
            assert self.conn.state is pop2.ClientState.ERROR
            assert_raises(lambda: self.conn.send("QUIT"), LocalProtocolError)

    @invariant()
    def pending_matches(self) -> None:
        assert self.conn.pending == (0 if self.expected is None else 1)


def assert_raises(call: Callable[[], object], kind: type[Exception]) -> None:
    try:
        call()
    except kind:
        return
    raise AssertionError(f"{kind.__name__} was not raised")


POP3Machine.TestCase.settings = MACHINE_SETTINGS
POP2Machine.TestCase.settings = MACHINE_SETTINGS
TestPOP3Core = POP3Machine.TestCase
TestPOP2Core = POP2Machine.TestCase
