"""Tests of the sans-IO POP3 core: replays, dot-stuffing, errors and a fuzz test.

Every replay is fed whole, one byte at a time and in random splits; consecutive MessageData
events are merged before comparing, since where a body is cut into chunks depends on the
reads, while the bytes must not.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from popgui.errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from popgui.protocol.pop3 import (
    NEED_DATA,
    ConnectionClosed,
    Continuation,
    Err,
    Event,
    Greeting,
    Listing,
    MessageData,
    MessageEnd,
    MessageStart,
    Ok,
    POP3Connection,
    State,
)

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

Splitter = Callable[[bytes], list[bytes]]


def whole(data: bytes) -> list[bytes]:
    return [data]


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def random_splits(seed: int) -> Splitter:
    def split(data: bytes) -> list[bytes]:
        rng = random.Random(seed * 7919 + len(data))
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(0, 12))))
        bounds = [0, *cuts, len(data)]
        return [data[a:b] for a, b in itertools.pairwise(bounds)]

    return split


SPLITTERS: list[Splitter] = [whole, bytewise, *(random_splits(s) for s in range(6))]
SPLITTER_IDS = ["whole", "bytewise", *(f"random{s}" for s in range(6))]


def drain(conn: POP3Connection, events: list[Event] | None = None) -> list[Event]:
    """All events available now (appended to ``events`` as they come, so that the ones before
    an exception are kept); stops at NEED_DATA or ConnectionClosed."""
    events = [] if events is None else events
    for _ in range(100_000):
        event = conn.next_event()
        if event is NEED_DATA:
            return events
        assert not (isinstance(event, MessageData) and not event.data), "empty MessageData"
        events.append(event)
        if isinstance(event, ConnectionClosed):
            return events
    raise AssertionError("next_event never asked for data")


def merge(events: Iterable[Event]) -> list[Event]:
    """Join consecutive MessageData events so chunking does not matter."""
    merged: list[Event] = []
    for event in events:
        if isinstance(event, MessageData) and merged and isinstance(merged[-1], MessageData):
            before = merged[-1].data
            assert not (before.endswith(b"\r") and event.data.startswith(b"\n")), "split CRLF"
            merged[-1] = MessageData(before + event.data)
        else:
            merged.append(event)
    return merged


def feed(conn: POP3Connection, wire: bytes, splitter: Splitter = whole) -> list[Event]:
    events: list[Event] = []
    for piece in splitter(wire):
        conn.receive_data(piece)
        events += drain(conn)
    return merge(events)


def logged_in() -> POP3Connection:
    """A connection in TRANSACTION state."""
    conn = POP3Connection()
    assert feed(conn, b"+OK hi\r\n") == [Greeting("hi", None)]
    conn.send("USER", "u")
    conn.send("PASS", "p")
    assert len(feed(conn, b"+OK\r\n+OK\r\n")) == 2
    assert conn.state is State.TRANSACTION
    return conn


# ---------------------------------------------------------------------------------------------
# Session replays
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    command: str
    args: tuple[str, ...]
    wire: bytes


@dataclass(frozen=True)
class AuthResponse:
    data: str
    wire: bytes


@dataclass(frozen=True)
class Recv:
    wire: bytes
    events: tuple[Event, ...]
    state: State | None = None


@dataclass(frozen=True)
class Eof:
    events: tuple[Event, ...]


Step = Send | AuthResponse | Recv | Eof

MSG1_WIRE = (
    b"From: alice@example.org\r\nTo: bob@example.org\r\nSubject: dots\r\n\r\n"
    b"Hello Bob,\r\n..\r\n...leading dots\r\n.. \r\nbye\r\n"
)
MSG1 = (
    b"From: alice@example.org\r\nTo: bob@example.org\r\nSubject: dots\r\n\r\n"
    b"Hello Bob,\r\n.\r\n..leading dots\r\n. \r\nbye\r\n"
)
MSG2 = b"Subject: long\r\n\r\n" + b"QUJD" * 3000 + b"\r\n\r\nend.\r\n"
HEADERS2 = b"Subject: long\r\n\r\n"

CLASSIC_SESSION: list[Step] = [
    Recv(
        b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n",
        (
            Greeting(
                "POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
                "<1896.697170952@dbc.mtview.ca.us>",
            ),
        ),
        State.AUTHORIZATION,
    ),
    Send("CAPA", (), b"CAPA\r\n"),
    Recv(
        b"+OK Capability list follows\r\nTOP\r\nUSER\r\nPIPELINING\r\nUIDL\r\n"
        b"RESP-CODES\r\nSASL PLAIN\r\n.\r\n",
        (
            Listing(
                "CAPA",
                "Capability list follows",
                (b"TOP", b"USER", b"PIPELINING", b"UIDL", b"RESP-CODES", b"SASL PLAIN"),
            ),
        ),
    ),
    Send("user", ("bob",), b"USER bob\r\n"),
    Recv(b"+OK bob is welcome here\r\n", (Ok("USER", "bob is welcome here", None),)),
    Send("PASS", ("correct horse battery",), b"PASS correct horse battery\r\n"),
    Recv(
        b"+OK maildrop has 2 messages (12234 octets)\r\n",
        (Ok("PASS", "maildrop has 2 messages (12234 octets)", None),),
        State.TRANSACTION,
    ),
    Send("STAT", (), b"STAT\r\n"),
    Recv(b"+OK 2 12234\r\n", (Ok("STAT", "2 12234", None),)),
    Send("UIDL", (), b"UIDL\r\n"),
    Send("LIST", (), b"LIST\r\n"),
    Send("RETR", ("1",), b"RETR 1\r\n"),
    Send("RETR", ("2",), b"RETR 2\r\n"),
    Send("DELE", ("1",), b"DELE 1\r\n"),
    Recv(
        b"+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n"
        b"+OK 2 messages (12234 octets)\r\n1 150\r\n2 12084\r\n.\r\n"
        b"+OK 150 octets\r\n" + MSG1_WIRE + b".\r\n"
        b"+OK 12084 octets\r\n" + MSG2 + b".\r\n"
        b"+OK message 1 deleted\r\n",
        (
            Listing("UIDL", "", (b"1 whqtswO00WBw418f9t5JxYwZ", b"2 QhdPYR:00WBw1Ph7x7")),
            Listing("LIST", "2 messages (12234 octets)", (b"1 150", b"2 12084")),
            MessageStart("RETR", "150 octets"),
            MessageData(MSG1),
            MessageEnd(),
            MessageStart("RETR", "12084 octets"),
            MessageData(MSG2),
            MessageEnd(),
            Ok("DELE", "message 1 deleted", None),
        ),
    ),
    Send("TOP", ("2", "0"), b"TOP 2 0\r\n"),
    Recv(
        b"+OK top of message follows\r\n" + HEADERS2 + b".\r\n",
        (MessageStart("TOP", "top of message follows"), MessageData(HEADERS2), MessageEnd()),
    ),
    Send("LIST", ("2",), b"LIST 2\r\n"),
    Send("UIDL", ("2",), b"UIDL 2\r\n"),
    Send("DELE", ("9",), b"DELE 9\r\n"),
    Send("NOOP", (), b"NOOP\r\n"),
    Send("RSET", (), b"RSET\r\n"),
    Recv(
        b"+OK 2 12084\r\n+OK 2 QhdPYR:00WBw1Ph7x7\r\n-ERR no such message\r\n+OK\r\n"
        b"+OK maildrop has 2 messages\r\n",
        (
            Ok("LIST", "2 12084", None),
            Ok("UIDL", "2 QhdPYR:00WBw1Ph7x7", None),
            Err("DELE", "no such message", None),
            Ok("NOOP", "", None),
            Ok("RSET", "maildrop has 2 messages", None),
        ),
    ),
    Send("QUIT", (), b"QUIT\r\n"),
    Recv(
        b"+OK dewey POP3 server signing off\r\n",
        (Ok("QUIT", "dewey POP3 server signing off", None),),
        State.CLOSED,
    ),
    Eof((ConnectionClosed(),)),
]

TOKEN = "dXNlcj1ib2JAZXhhbXBsZS5vcmcBYXV0aD1CZWFyZXIg" + "A" * 5000 + "AQE="

SASL_SESSION: list[Step] = [
    Recv(b"+OK Dovecot ready.\r\n", (Greeting("Dovecot ready.", None),), State.AUTHORIZATION),
    Send("CAPA", (), b"CAPA\r\n"),
    Recv(
        b"+OK\r\nSTLS\r\nSASL PLAIN XOAUTH2\r\n.\r\n",
        (Listing("CAPA", "", (b"STLS", b"SASL PLAIN XOAUTH2")),),
    ),
    Send("STLS", (), b"STLS\r\n"),
    Recv(
        b"+OK Begin TLS negotiation now.\r\n",
        (Ok("STLS", "Begin TLS negotiation now.", None),),
        State.AUTHORIZATION,
    ),
    Send("CAPA", (), b"CAPA\r\n"),
    Recv(b"+OK\r\nSASL PLAIN XOAUTH2\r\n.\r\n", (Listing("CAPA", "", (b"SASL PLAIN XOAUTH2",)),)),
    # Two-step XOAUTH2 that fails: the error JSON comes as a challenge, answered empty.
    Send("AUTH", ("XOAUTH2",), b"AUTH XOAUTH2\r\n"),
    Recv(b"+ \r\n", (Continuation("AUTH", ""),)),
    AuthResponse(TOKEN, TOKEN.encode() + b"\r\n"),
    Recv(b"+ eyJzdGF0dXMiOiI0MDAifQ==\r\n", (Continuation("AUTH", "eyJzdGF0dXMiOiI0MDAifQ=="),)),
    AuthResponse("", b"\r\n"),
    Recv(
        b"-ERR [AUTH] Authentication failed.\r\n",
        (Err("AUTH", "Authentication failed.", "AUTH"),),
        State.AUTHORIZATION,
    ),
    # PLAIN with a bare "+" challenge (some servers omit the space).
    Send("AUTH", ("PLAIN",), b"AUTH PLAIN\r\n"),
    Recv(b"+\r\n", (Continuation("AUTH", ""),)),
    AuthResponse("AGJvYgBzZWNyZXQ=", b"AGJvYgBzZWNyZXQ=\r\n"),
    Recv(
        b"+OK [SOME/CODE] Logged in.\r\n",
        (Ok("AUTH", "Logged in.", "SOME/CODE"),),
        State.TRANSACTION,
    ),
    Send("STAT", (), b"STAT\r\n"),
    Send("QUIT", (), b"QUIT\r\n"),
    Recv(
        b"+OK 0 0\r\n+OK Logging out.\r\n",
        (Ok("STAT", "0 0", None), Ok("QUIT", "Logging out.", None)),
        State.CLOSED,
    ),
    Eof((ConnectionClosed(),)),
]

APOP_SESSION: list[Step] = [
    Recv(
        b"+OK <4711.1@mail.example.net> hello\r\n",
        (Greeting("<4711.1@mail.example.net> hello", "<4711.1@mail.example.net>"),),
    ),
    Send(
        "APOP",
        ("mrose", "c4c9334bac560ecc979e58001b3e22fb"),
        b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
    ),
    Recv(
        b"-ERR [IN-USE] mailbox locked by another session\r\n",
        (Err("APOP", "mailbox locked by another session", "IN-USE"),),
        State.AUTHORIZATION,
    ),
    # AUTH with an initial response (RFC 5034), pipelined behind USER/PASS/STAT.
    Send("USER", ("mrose",), b"USER mrose\r\n"),
    Send("PASS", ("x",), b"PASS x\r\n"),
    Send("STAT", (), b"STAT\r\n"),
    Recv(
        b"+OK\r\n-ERR [AUTH] wrong\r\n-ERR [SYS/PERM] not logged in\r\n",
        (
            Ok("USER", "", None),
            Err("PASS", "wrong", "AUTH"),
            Err("STAT", "not logged in", "SYS/PERM"),
        ),
        State.AUTHORIZATION,
    ),
    Send("AUTH", ("PLAIN", "AG1yb3NlAHRhbmd5"), b"AUTH PLAIN AG1yb3NlAHRhbmd5\r\n"),
    Recv(b"+OK\r\n", (Ok("AUTH", "", None),), State.TRANSACTION),
    Send("QUIT", (), b"QUIT\r\n"),
    Recv(
        b"-ERR some deleted messages not removed\r\n",
        (Err("QUIT", "some deleted messages not removed", None),),
        State.CLOSED,
    ),
    Eof((ConnectionClosed(),)),
]

SESSIONS = {"classic": CLASSIC_SESSION, "sasl": SASL_SESSION, "apop": APOP_SESSION}


def replay(script: Sequence[Step], splitter: Splitter) -> None:
    conn = POP3Connection()
    for step in script:
        if isinstance(step, Send):
            assert conn.send(step.command, *step.args) == step.wire
        elif isinstance(step, AuthResponse):
            assert conn.send_auth_response(step.data) == step.wire
        elif isinstance(step, Recv):
            assert feed(conn, step.wire, splitter) == list(step.events)
            assert conn.pending == 0 or isinstance(step.events[-1], Continuation)
            if step.state is not None:
                assert conn.state is step.state
        else:
            conn.receive_data(b"")
            assert drain(conn) == list(step.events)


@pytest.mark.parametrize("splitter", SPLITTERS, ids=SPLITTER_IDS)
@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_session_replay(name: str, splitter: Splitter) -> None:
    replay(SESSIONS[name], splitter)


def test_pending_counts_greeting_and_pipelined_commands() -> None:
    conn = POP3Connection()
    assert conn.pending == 1
    conn.receive_data(b"+OK\r\n")
    drain(conn)
    assert conn.pending == 0
    conn.send("USER", "a")
    conn.send("PASS", "b")
    conn.send("STAT")  # legal: checked against the state once PASS succeeds
    assert conn.pending == 3


# ---------------------------------------------------------------------------------------------
# Message bodies and dot-stuffing
# ---------------------------------------------------------------------------------------------


def retrieve(wire_body: bytes, splitter: Splitter = whole) -> list[Event]:
    """RETR then NOOP; returns the merged events of both replies."""
    conn = logged_in()
    conn.send("RETR", "1")
    conn.send("NOOP")
    return feed(conn, b"+OK\r\n" + wire_body + b"+OK\r\n", splitter)


def body_of(events: list[Event]) -> bytes:
    assert events[0] == MessageStart("RETR", "")
    assert events[-2:] == [MessageEnd(), Ok("NOOP", "", None)]
    middle = events[1:-2]
    assert len(middle) <= 1
    return middle[0].data if middle and isinstance(middle[0], MessageData) else b""


@pytest.mark.parametrize(
    ("wire", "body"),
    [
        (b"..\r\n.\r\n", b".\r\n"),
        (b"..foo\r\n.\r\n", b".foo\r\n"),
        (b". \r\n.\r\n", b" \r\n"),
        (b"...\r\n.\r\n", b"..\r\n"),
        (b"a\r\n..\r\n..\r\nb\r\n.\r\n", b"a\r\n.\r\n.\r\nb\r\n"),
        (b".\r\n", b""),
        (b"\r\n.\r\n", b"\r\n"),
        (b"abc.\r\n.\r\n", b"abc.\r\n"),  # a dot not at a line start is data
        (b"a\r\n.x\r\n.\r\n", b"a\r\nx\r\n"),  # unstuffed dot from a sloppy server: dropped
        (b"a\nb\n.\n", b"a\nb\n"),  # bare LF line ends, kept as sent
        (b"a\n..b\n.\r\n", b"a\n.b\n"),
        (b"a\r\n.\n", b"a\r\n"),
        (b".\rx\r\n.\r\n", b"\rx\r\n"),  # ".\r" not followed by LF is a stuffed line
        (b"a\rb\r\r\n.\r\n", b"a\rb\r\r\n"),
    ],
)
@pytest.mark.parametrize("splitter", SPLITTERS[:3], ids=SPLITTER_IDS[:3])
def test_dot_unstuffing(wire: bytes, body: bytes, splitter: Splitter) -> None:
    assert body_of(retrieve(wire, splitter)) == body


def reference_unstuff(wire: bytes) -> tuple[bytes, bytes]:
    """RFC 1939 read line by line (a bare LF tolerated as a line end): (body, rest after the
    terminating line)."""
    body = []
    lines = [line + b"\n" for line in wire.split(b"\n")[:-1]]  # not splitlines(): CR is data
    for index, line in enumerate(lines):
        if line in (b".\r\n", b".\n"):
            return b"".join(body), b"".join(lines[index + 1 :])
        body.append(line[1:] if line.startswith(b".") else line)
    raise AssertionError("no terminator")


WIRE_PIECES = [b".", b"..", b"a", b"\r", b" ", b".\r", b"\r\n.", b"xyz"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.tuples(
            st.lists(st.sampled_from(WIRE_PIECES), max_size=4), st.sampled_from([b"\r\n", b"\n"])
        ),
        max_size=12,
    ),
    seed=st.integers(0, 10_000),
)
def test_unstuffing_matches_a_line_by_line_reading(
    lines: list[tuple[list[bytes], bytes]], seed: int
) -> None:
    """Whatever the lines (conforming or not) and however the bytes arrive, the chunks
    joined are what reading the lines one by one gives."""
    wire = b""
    for pieces, ending in lines:
        line = b"".join(pieces).replace(b"\n", b"")
        if line in (b".", b".\r"):
            line = b"." + line  # stuffed, else it would end the message here
        wire += line + ending
    wire += b".\r\n"
    expected, rest = reference_unstuff(wire)
    assert rest == b""
    assert body_of(retrieve(wire, random_splits(seed))) == expected


def test_terminator_and_stuffing_split_at_every_pair_of_offsets() -> None:
    wire = b"+OK\r\nx\r\n..y\r\n.\r\n+OK\r\n"
    expected = [
        MessageStart("RETR", ""),
        MessageData(b"x\r\n.y\r\n"),
        MessageEnd(),
        Ok("NOOP", "", None),
    ]
    for i in range(len(wire) + 1):
        for j in range(i, len(wire) + 1):
            conn = logged_in()
            conn.send("RETR", "1")
            conn.send("NOOP")
            events: list[Event] = []
            for piece in (wire[:i], wire[i:j], wire[j:]):
                if not piece:
                    continue  # b"" would mean EOF
                conn.receive_data(piece)
                events += drain(conn)
            assert merge(events) == expected, (i, j)


def test_empty_message_has_no_data_event() -> None:
    assert retrieve(b".\r\n") == [MessageStart("RETR", ""), MessageEnd(), Ok("NOOP", "", None)]


def test_message_without_final_crlf_is_not_terminated() -> None:
    """Per RFC 1939 the terminator is CRLF "." CRLF: ``abc.CRLF`` is data, EOF then fails."""
    conn = logged_in()
    conn.send("RETR", "1")
    events = feed(conn, b"+OK\r\nabc.\r\n")
    assert events == [MessageStart("RETR", ""), MessageData(b"abc.\r\n")]
    conn.receive_data(b"")
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


def test_chunk_never_ends_between_cr_and_lf() -> None:
    conn = logged_in()
    conn.send("RETR", "1")
    assert feed(conn, b"+OK\r\nabc\r") == [MessageStart("RETR", ""), MessageData(b"abc")]
    assert feed(conn, b"\n") == [MessageData(b"\r\n")]
    assert feed(conn, b".") == []
    assert feed(conn, b"\r") == []
    assert feed(conn, b"\n") == [MessageEnd()]


def test_huge_line_streams_without_waiting_for_its_end() -> None:
    conn = logged_in()
    conn.send("RETR", "1")
    assert feed(conn, b"+OK\r\n") == [MessageStart("RETR", "")]
    chunk = b"QUJD" * 16384  # 64 KiB of an unwrapped base64 line
    for _ in range(80):  # 5 MiB line
        assert feed(conn, chunk) == [MessageData(chunk)]
    assert feed(conn, b"\r\n.\r\n") == [MessageData(b"\r\n"), MessageEnd()]


def test_top_streams_like_retr() -> None:
    conn = logged_in()
    conn.send("TOP", "3", "0")
    assert feed(conn, b"+OK\r\nSubject: x\r\n\r\n.\r\n", bytewise) == [
        MessageStart("TOP", ""),
        MessageData(b"Subject: x\r\n\r\n"),
        MessageEnd(),
    ]


def test_err_to_retr_is_a_single_line() -> None:
    conn = logged_in()
    conn.send("RETR", "7")
    conn.send("NOOP")
    assert feed(conn, b"-ERR no such message\r\n+OK\r\n") == [
        Err("RETR", "no such message", None),
        Ok("NOOP", "", None),
    ]


def test_large_pipelined_retrieval_is_linear() -> None:
    """Many messages in one buffer: no quadratic copying (this would take minutes if so)."""
    body = (b"x" * 70 + b"\r\n") * 2000
    count = 200
    conn = logged_in()
    for n in range(count):
        conn.send("RETR", str(n + 1))
    conn.receive_data((b"+OK\r\n" + body + b".\r\n") * count)
    events = merge(drain(conn))
    assert events.count(MessageEnd()) == count
    assert events[1] == MessageData(body)


# ---------------------------------------------------------------------------------------------
# Status lines, codes, greeting
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (b"-ERR [IN-USE] busy", Err("NOOP", "busy", "IN-USE")),
        (b"-ERR [SYS/TEMP] try later", Err("NOOP", "try later", "SYS/TEMP")),
        (b"-ERR [LOGIN-DELAY]", Err("NOOP", "", "LOGIN-DELAY")),
        (b"-ERR", Err("NOOP", "", None)),
        (b"-ERR [not a code] x", Err("NOOP", "[not a code] x", None)),
        (b"-ERR [IN-USE x", Err("NOOP", "[IN-USE x", None)),
        (b"-err lower case", Err("NOOP", "lower case", None)),
        (b"+OK [A/B/C] fine", Ok("NOOP", "fine", "A/B/C")),
        (b"+OK caf\xc3\xa9 \xff", Ok("NOOP", "café \ufffd", None)),
    ],
)
def test_status_lines_and_response_codes(line: bytes, event: Event) -> None:
    conn = logged_in()
    conn.send("NOOP")
    assert feed(conn, line + b"\r\n") == [event]


@pytest.mark.parametrize(
    ("banner", "timestamp"),
    [
        (b"+OK ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>"),
        (b"+OK ready", None),
        (b"+OK <no-at-sign> ready", None),
        (b"+OK <a b@c> <x@y>", "<x@y>"),
        (b"+OK", None),
    ],
)
def test_greeting_timestamp(banner: bytes, timestamp: str | None) -> None:
    conn = POP3Connection()
    [greeting] = feed(conn, banner + b"\r\n")
    assert isinstance(greeting, Greeting)
    assert greeting.timestamp == timestamp


def test_greeting_err_closes_cleanly() -> None:
    conn = POP3Connection()
    assert feed(conn, b"-ERR [SYS/TEMP] too many connections\r\n") == [
        Err("", "too many connections", "SYS/TEMP")
    ]
    assert conn.state is State.CLOSED
    with pytest.raises(LocalProtocolError):
        conn.send("USER", "a")
    conn.receive_data(b"")
    assert drain(conn) == [ConnectionClosed()]


@pytest.mark.parametrize("banner", [b"HELLO\r\n", b"+ ready\r\n", b"+OKready\r\n", b"\r\n"])
def test_garbage_greeting(banner: bytes) -> None:
    conn = POP3Connection()
    conn.receive_data(banner)
    with pytest.raises(RemoteProtocolError):
        conn.next_event()
    assert conn.state is State.ERROR


# ---------------------------------------------------------------------------------------------
# Remote errors
# ---------------------------------------------------------------------------------------------


def expect_remote_error(conn: POP3Connection, wire: bytes, *, eof: bool = False) -> None:
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(wire)
        if eof:
            drain(conn)
            conn.receive_data(b"")
        drain(conn)
    assert conn.state is State.ERROR


def test_overlong_status_line_without_line_end() -> None:
    conn = POP3Connection(max_status_line=20)
    conn.receive_data(b"+OK " + b"x" * 16)  # exactly 20: may still end
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r")  # a CR may be the start of the line end
    assert conn.next_event() is NEED_DATA
    expect_remote_error(conn, b"y")


def test_status_line_limit_does_not_depend_on_reads() -> None:
    for wire in (b"+OK " + b"x" * 17 + b"\r\n", b"+OK " + b"x" * 17):
        expect_remote_error(POP3Connection(max_status_line=20), wire)
    assert feed(POP3Connection(max_status_line=20), b"+OK " + b"x" * 16 + b"\r\n") == [
        Greeting("x" * 16, None)
    ]


def test_overlong_listing_line_and_too_many_lines() -> None:
    conn = POP3Connection(max_status_line=20, max_listing_lines=2)
    feed(conn, b"+OK\r\n")
    conn.send("CAPA")
    expect_remote_error(conn, b"+OK\r\n" + b"A" * 21 + b"\r\n")
    conn = POP3Connection(max_status_line=20, max_listing_lines=2)
    feed(conn, b"+OK\r\n")
    conn.send("CAPA")
    assert feed(conn, b"+OK\r\nA\r\nB\r\n") == []
    expect_remote_error(conn, b"C\r\n.\r\n")


@pytest.mark.parametrize(
    ("setup", "wire"),
    [
        ("greeting", b""),
        ("greeting", b"+OK"),
        ("retr", b"+OK\r\npartial"),
        ("retr", b"+OK\r\npartial\r\n"),
        ("retr", b"+OK\r\npartial\r\n.\r"),
        ("retr", b""),
        ("capa", b"+OK\r\nTOP\r\n"),
        ("noop", b"+OK"),
    ],
)
def test_eof_with_reply_pending(setup: str, wire: bytes) -> None:
    conn = POP3Connection()
    if setup != "greeting":
        conn = logged_in()
        conn.send(
            {"retr": "RETR", "capa": "CAPA", "noop": "NOOP"}[setup],
            *(["1"] if setup == "retr" else []),
        )
    expect_remote_error(conn, wire, eof=True)


def test_bytes_with_nothing_pending() -> None:
    conn = logged_in()
    expect_remote_error(conn, b"+OK surprise\r\n")
    conn = logged_in()
    expect_remote_error(conn, b"+")  # even a partial line is a violation


def test_garbage_reply_and_misplaced_continuation() -> None:
    conn = logged_in()
    conn.send("NOOP")
    expect_remote_error(conn, b"OK\r\n")
    conn = logged_in()
    conn.send("STAT")
    expect_remote_error(conn, b"+ challenge\r\n")


def test_stls_with_injected_bytes_is_refused() -> None:
    conn = POP3Connection()
    feed(conn, b"+OK\r\n")
    conn.send("STLS")
    expect_remote_error(conn, b"+OK begin TLS\r\n-ERR injected\r\n")


def test_stls_injection_arriving_later_is_also_refused() -> None:
    conn = POP3Connection()
    feed(conn, b"+OK\r\n")
    conn.send("STLS")
    assert feed(conn, b"+OK begin TLS\r\n") == [Ok("STLS", "begin TLS", None)]
    expect_remote_error(conn, b"+OK\r\n")


def test_error_state_sticks() -> None:
    conn = logged_in()
    expect_remote_error(conn, b"junk\r\n")
    for _ in range(3):
        with pytest.raises(RemoteProtocolError):
            conn.next_event()
        with pytest.raises(LocalProtocolError):
            conn.send("NOOP")
        with pytest.raises(LocalProtocolError):
            conn.send_auth_response("x")
        conn.receive_data(b"+OK\r\n")  # ignored: the error stands
        conn.receive_data(b"")
    assert conn.state is State.ERROR


def test_data_after_eof_is_a_local_error() -> None:
    conn = logged_in()
    conn.receive_data(b"")
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"+OK\r\n")
    assert drain(conn) == [ConnectionClosed()]
    assert conn.next_event() == ConnectionClosed()
    assert conn.state is State.CLOSED


# ---------------------------------------------------------------------------------------------
# Local errors: the command table and argument validation
# ---------------------------------------------------------------------------------------------


def in_state(state: State) -> POP3Connection:
    if state is State.GREETING:
        return POP3Connection()
    if state is State.TRANSACTION:
        return logged_in()
    conn = POP3Connection()
    feed(conn, b"+OK\r\n")
    if state is State.CLOSED:
        conn.send("QUIT")
        feed(conn, b"+OK\r\n")
    return conn


LEGAL = {
    State.GREETING: set(),
    State.AUTHORIZATION: {"USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "QUIT"},
    State.TRANSACTION: {
        "CAPA",
        "STAT",
        "LIST",
        "RETR",
        "DELE",
        "RSET",
        "TOP",
        "UIDL",
        "NOOP",
        "QUIT",
    },
    State.CLOSED: set(),
}
SAMPLE_ARGS = {
    "USER": ("u",),
    "PASS": ("p",),
    "APOP": ("u", "d"),
    "AUTH": ("PLAIN",),
    "RETR": ("1",),
    "DELE": ("1",),
    "TOP": ("1", "0"),
}


@pytest.mark.parametrize("state", list(LEGAL), ids=lambda s: s.name)
def test_command_table(state: State) -> None:
    for command in sorted(LEGAL[State.AUTHORIZATION] | LEGAL[State.TRANSACTION]):
        conn = in_state(state)
        args = SAMPLE_ARGS.get(command, ())
        if command in LEGAL[state]:
            assert conn.send(command, *args).startswith(command.encode())
        else:
            with pytest.raises(LocalProtocolError):
                conn.send(command, *args)
            assert conn.state is state and conn.pending == (state is State.GREETING)


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("USER", ()),
        ("USER", ("a", "b")),
        ("STAT", ("1",)),
        ("RETR", ()),
        ("TOP", ("1",)),
        ("LIST", ("1", "2")),
        ("RETR", ("x",)),
        ("RETR", ("1 2",)),
        ("DELE", ("-1",)),
        ("RETR", ("\u00b2",)),
        ("USER", ("",)),
        ("APOP", ("a b", "d")),
        ("XTND", ()),
        ("USER", ("a\rb",)),
        ("USER", ("a\nb",)),
        ("PASS", ("a\0b",)),
        ("PASS", ("x" * 251,)),
        ("AUTH", ("PLAIN", "a\r\nQUIT")),
        ("AUTH", ("PL AIN",)),
    ],
)
def test_invalid_arguments_leave_state_unchanged(command: str, args: tuple[str, ...]) -> None:
    conn = (
        logged_in()
        if command in {"STAT", "RETR", "TOP", "LIST", "DELE"}
        else in_state(State.AUTHORIZATION)
    )
    state = conn.state
    with pytest.raises(LocalProtocolError):
        conn.send(command, *args)
    assert conn.state is state and conn.pending == 0


def test_command_length_limit_holds_for_auth_but_not_for_sasl_responses() -> None:
    """RFC 5034: an AUTH line with its initial response is a command like any other (255
    octets, CRLF included); a long token goes after the "+" instead, where no limit applies."""
    conn = in_state(State.AUTHORIZATION)
    assert len(conn.send("PASS", "x" * 248)) == 255
    conn = in_state(State.AUTHORIZATION)
    assert conn.send("PASS", "pass word with spaces") == b"PASS pass word with spaces\r\n"
    conn = in_state(State.AUTHORIZATION)
    with pytest.raises(LocalProtocolError, match="255"):
        conn.send("AUTH", "XOAUTH2", TOKEN)
    assert conn.pending == 0
    conn.send("AUTH", "XOAUTH2")
    conn.receive_data(b"+ \r\n")
    assert conn.next_event() == Continuation("AUTH", "")
    assert len(conn.send_auth_response(TOKEN)) > 4096


def test_nothing_may_follow_a_pending_auth_or_stls_or_quit() -> None:
    for command, args in (("AUTH", ("PLAIN",)), ("STLS", ()), ("QUIT", ())):
        conn = in_state(State.AUTHORIZATION)
        conn.send(command, *args)
        with pytest.raises(LocalProtocolError):
            conn.send("CAPA")
        assert conn.pending == 1


def test_auth_response_only_answers_a_challenge() -> None:
    conn = in_state(State.AUTHORIZATION)
    with pytest.raises(LocalProtocolError):
        conn.send_auth_response("abc")
    conn.send("AUTH", "PLAIN")
    with pytest.raises(LocalProtocolError):
        conn.send_auth_response("abc")  # no challenge yet
    assert feed(conn, b"+ \r\n") == [Continuation("AUTH", "")]
    for bad in ("a\r\nQUIT", "a\nb", "a\0", "é"):
        with pytest.raises(LocalProtocolError):
            conn.send_auth_response(bad)
    assert conn.send_auth_response("*") == b"*\r\n"
    with pytest.raises(LocalProtocolError):
        conn.send_auth_response("again")  # one answer per challenge
    assert feed(conn, b"-ERR cancelled\r\n") == [Err("AUTH", "cancelled", None)]
    assert conn.state is State.AUTHORIZATION
    conn.send("USER", "a")  # usable again


def test_failed_pipelined_login_reprojects_the_state() -> None:
    conn = in_state(State.AUTHORIZATION)
    conn.send("USER", "a")
    conn.send("PASS", "b")
    with pytest.raises(LocalProtocolError):
        conn.send("USER", "again")  # would be in TRANSACTION by now
    feed(conn, b"+OK\r\n-ERR [AUTH] no\r\n")
    assert conn.state is State.AUTHORIZATION
    conn.send("USER", "again")


# ---------------------------------------------------------------------------------------------
# Fuzzing: any bytes, any split → events or RemoteProtocolError, nothing else, never a hang
# ---------------------------------------------------------------------------------------------

SETUPS: dict[str, list[tuple[str, ...]]] = {
    "greeting": [],
    "authorization": [("CAPA",), ("USER", "u"), ("PASS", "p"), ("STAT",)],
    "auth": [("AUTH", "PLAIN")],
    "stls": [("STLS",)],
    "transaction": [
        ("USER", "u"),
        ("PASS", "p"),
        ("UIDL",),
        ("LIST",),
        ("RETR", "1"),
        ("TOP", "1", "2"),
        ("LIST", "1"),
        ("QUIT",),
    ],
}

TOKENS = [
    b"+OK",
    b"-ERR",
    b"+ ",
    b"+",
    b" ",
    b"\r\n",
    b"\r",
    b"\n",
    b".",
    b"..",
    b"\r\n.\r\n",
    b"[IN-USE]",
    b"[",
    b"]",
    b"/",
    b"x",
    b"1 2",
    b"<a@b>",
    b"\x00",
    b"\xff",
]

fuzz_bytes = st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join),
)


def run_fuzz(setup: str, data: bytes, cuts: list[int], eof: bool) -> tuple[list[Event], bool]:
    """Feed data (split at cuts) after a setup; return the merged events and whether it failed."""
    conn = POP3Connection(max_status_line=40, max_listing_lines=5)
    events: list[Event] = []
    if setup != "greeting":
        conn.receive_data(b"+OK <1.2@h>\r\n")
        events += drain(conn)
        for command in SETUPS[setup]:
            conn.send(*command)
    bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    if eof:
        pieces.append(b"")
    try:
        for piece in pieces:
            conn.receive_data(piece)
            drain(conn, events)
    except RemoteProtocolError:
        assert conn.state is State.ERROR
        with pytest.raises(ProtocolError):
            conn.next_event()
        return merge(events), True
    return merge(events), False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    setup=st.sampled_from(sorted(SETUPS)),
    data=fuzz_bytes,
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
    eof=st.booleans(),
)
def test_fuzz_only_events_or_remote_protocol_error(
    setup: str, data: bytes, cuts: list[int], eof: bool
) -> None:
    events, failed = run_fuzz(setup, data, cuts, eof)
    byte_by_byte = list(range(len(data) + 1))
    if setup != "stls":  # STLS injection is caught earlier when the bytes arrive together
        assert (events, failed) == run_fuzz(setup, data, [], eof)
        assert (events, failed) == run_fuzz(setup, data, byte_by_byte, eof)
