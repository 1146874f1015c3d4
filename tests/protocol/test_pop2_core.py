"""The sans-IO POP2 core: RFC 937 replays fed whole, byte by byte and in random splits."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import event as note
from hypothesis import given, settings
from hypothesis import strategies as st

from popgui.errors import LocalProtocolError, RemoteProtocolError
from popgui.protocol.pop2 import (
    NEED_DATA,
    ClientState,
    ConnectionClosed,
    Count,
    Err,
    Event,
    Greeting,
    Length,
    MessageData,
    MessageEnd,
    MessageStart,
    Ok,
    POP2Connection,
)

Splitter = Callable[[bytes], Iterator[bytes]]


def whole(data: bytes) -> Iterator[bytes]:
    if data:
        yield data


def bytewise(data: bytes) -> Iterator[bytes]:
    for i in range(len(data)):
        yield data[i : i + 1]


def random_splits(seed: int) -> Splitter:
    def split(data: bytes) -> Iterator[bytes]:
        rng = random.Random(seed)
        pos = 0
        while pos < len(data):
            step = rng.randint(1, 7)
            yield data[pos : pos + step]
            pos += step

    return split


SPLITTERS: list[Splitter] = [whole, bytewise, *(random_splits(seed) for seed in range(5))]


def merged(events: list[Event]) -> list[Event]:
    """Join consecutive MessageData: how a body is chunked depends only on the reads."""
    out: list[Event] = []
    for event in events:
        assert event != MessageData(b""), "empty chunks are never handed out"
        if isinstance(event, MessageData) and out and isinstance(out[-1], MessageData):
            out[-1] = MessageData(out[-1].data + event.data)
        else:
            out.append(event)
    return out


def drain(conn: POP2Connection) -> list[Event]:
    events: list[Event] = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA:
            return events
        events.append(event)
        if isinstance(event, ConnectionClosed):
            return events


def feed(conn: POP2Connection, data: bytes, split: Splitter, *, eof: bool = False) -> list[Event]:
    events: list[Event] = []
    for chunk in split(data):
        conn.receive_data(chunk)
        events += drain(conn)
    if eof:
        conn.receive_data(b"")
        events += drain(conn)
    return merged(events)


@dataclass(frozen=True)
class Step:
    """One exchange: what we send (None: just listen), its bytes, the reply, the events."""

    command: tuple[str, ...] | None
    wire: bytes
    reply: bytes
    events: list[Event]
    eof: bool = False


def replay(steps: list[Step], split: Splitter) -> POP2Connection:
    conn = POP2Connection()
    for step in steps:
        if step.command is not None:
            assert conn.send(*step.command) == step.wire
        assert feed(conn, step.reply, split, eof=step.eof) == step.events
    return conn


MESSAGE_1 = b"From: a@example.org\r\nSubject: one\r\n\r\nHello.\r\n"
MESSAGE_2 = b"Subject: two\r\n\r\n.\r\n..dots stay doubled\r\n.\r\nnot the end\r\n"

# RFC 937 "Normal Scenario": log in, read and delete every message, quit.
NORMAL = [
    Step(None, b"", b"+ POP2 dog-house.test server ready\r\n",
         [Greeting("POP2 dog-house.test server ready")]),
    Step(("HELO", "JSmith", "SecretPassword"), b"HELO JSmith SecretPassword\r\n",
         b"#2 messages in your mailbox\r\n", [Count(2, "messages in your mailbox")]),
    Step(("READ",), b"READ\r\n", b"=%d characters in that message\r\n" % len(MESSAGE_1),
         [Length(len(MESSAGE_1), "characters in that message")]),
    Step(("RETR",), b"RETR\r\n", MESSAGE_1,
         [MessageStart(len(MESSAGE_1)), MessageData(MESSAGE_1), MessageEnd()]),
    Step(("ACKD",), b"ACKD\r\n", b"=%d characters in that message\r\n" % len(MESSAGE_2),
         [Length(len(MESSAGE_2), "characters in that message")]),
    Step(("RETR",), b"RETR\r\n", MESSAGE_2,
         [MessageStart(len(MESSAGE_2)), MessageData(MESSAGE_2), MessageEnd()]),
    Step(("ACKD",), b"ACKD\r\n", b"=0 no more messages\r\n", [Length(0, "no more messages")]),
    Step(("QUIT",), b"QUIT\r\n", b"+ OK bye bye\r\n", [Ok("OK bye bye")]),
    Step(None, b"", b"", [ConnectionClosed()], eof=True),
]  # fmt: skip

# RFC 937 Example 2: FOLD with an absolute path, which the digest (resolution 6) refuses.
FOLD_REFUSED = [
    Step(None, b"", b"+ POP2 host\r\n", [Greeting("POP2 host")]),
    Step(("HELO", "Smith", "Secret"), b"HELO Smith Secret\r\n", b"#35\r\n", [Count(35, "")]),
    Step(("FOLD", "/usr/spool/mail.txt"), b"FOLD /usr/spool/mail.txt\r\n",
         b"- illegal mailbox name\r\n", [Err("illegal mailbox name")]),
    Step(None, b"", b"", [ConnectionClosed()], eof=True),
]  # fmt: skip

# RFC 937 Example 3 as resolved (resolution 2): an empty mailbox answers READ with =0.
EMPTY_MAILBOX = [
    Step(None, b"", b"+ POP2 host\r\n", [Greeting("POP2 host")]),
    Step(("HELO", "Smith", "Secret"), b"HELO Smith Secret\r\n", b"#0 messages\r\n",
         [Count(0, "messages")]),
    Step(("READ",), b"READ\r\n", b"=0\r\n", [Length(0, "")]),
    Step(("QUIT",), b"QUIT\r\n", b"+\r\n", [Ok("")]),
]  # fmt: skip

# FOLD to another mailbox, READ with leading zeros, keep one message (ACKS), re-read (NACK).
FOLD_AND_KEEP = [
    Step(None, b"", b"+ POP2 host\r\n", [Greeting("POP2 host")]),
    Step(("helo", "Smith", "Secret"), b"HELO Smith Secret\r\n", b"#1\r\n", [Count(1, "")]),
    Step(("FOLD", "archive 2024"), b"FOLD archive\\ 2024\r\n", b"#007 messages\r\n",
         [Count(7, "messages")]),
    Step(("READ", "007"), b"READ 007\r\n", b"=0005\r\n", [Length(5, "")]),
    Step(("RETR",), b"RETR\r\n", b"ab\r\nc",
         [MessageStart(5), MessageData(b"ab\r\nc"), MessageEnd()]),
    Step(("NACK",), b"NACK\r\n", b"=5 again\r\n", [Length(5, "again")]),
    Step(("RETR",), b"RETR\r\n", b"ab\r\nc",
         [MessageStart(5), MessageData(b"ab\r\nc"), MessageEnd()]),
    Step(("ACKS",), b"ACKS\r\n", b"=0\r\n", [Length(0, "")]),
    Step(("QUIT",), b"QUIT\r\n", b"+ bye\r\n", [Ok("bye")]),
]  # fmt: skip


@pytest.mark.parametrize("split", SPLITTERS)
def test_normal_scenario(split: Splitter) -> None:
    conn = replay(NORMAL, split)
    assert conn.state is ClientState.EXIT
    assert conn.next_event() == ConnectionClosed()  # stays closed, cleanly


@pytest.mark.parametrize("split", SPLITTERS)
def test_fold_refused_moves_to_error(split: Splitter) -> None:
    conn = replay(FOLD_REFUSED, split)
    assert conn.state is ClientState.ERROR
    with pytest.raises(LocalProtocolError, match="refused FOLD"):
        conn.send("QUIT")
    assert conn.next_event() == ConnectionClosed()


def test_after_err_only_the_close_may_follow() -> None:
    conn = greeted()
    conn.send("HELO", "u", "bad")
    conn.receive_data(b"- bad login\r\n")
    assert conn.next_event() == Err("bad login")
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"#1\r\n")
    with pytest.raises(RemoteProtocolError, match="nobody asked for"):
        conn.next_event()
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


@pytest.mark.parametrize("split", SPLITTERS)
def test_empty_mailbox(split: Splitter) -> None:
    assert replay(EMPTY_MAILBOX, split).state is ClientState.EXIT


@pytest.mark.parametrize("split", SPLITTERS)
def test_fold_read_nack_acks(split: Splitter) -> None:
    assert replay(FOLD_AND_KEEP, split).state is ClientState.EXIT


# -- helpers to reach a state ------------------------------------------------------------------


def greeted() -> POP2Connection:
    conn = POP2Connection()
    conn.receive_data(b"+ POP2 host\r\n")
    assert conn.next_event() == Greeting("POP2 host")
    return conn


def logged_in(count: int = 3) -> POP2Connection:
    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(b"#%d\r\n" % count)
    assert conn.next_event() == Count(count, "")
    return conn


def sized(length: int) -> POP2Connection:
    conn = logged_in()
    conn.send("READ")
    conn.receive_data(b"=%d\r\n" % length)
    assert conn.next_event() == Length(length, "")
    return conn


def retrieved(body: bytes) -> POP2Connection:
    conn = sized(len(body))
    conn.send("RETR")
    conn.receive_data(body)
    assert merged(drain(conn)) == [MessageStart(len(body)), MessageData(body), MessageEnd()]
    return conn


# -- byte-counted transfer -----------------------------------------------------------------------


@pytest.mark.parametrize("split", SPLITTERS)
def test_terminator_lookalikes_do_not_end_the_message(split: Splitter) -> None:
    body = b"a\r\n.\r\n" * 3 + b".\r\n" + b"\r\n.\r\nz"
    conn = sized(len(body))
    conn.send("RETR")
    assert feed(conn, body, split) == [MessageStart(len(body)), MessageData(body), MessageEnd()]
    assert conn.state is ClientState.XFER and conn.pending == 0


def test_message_start_comes_before_any_byte() -> None:
    conn = sized(4)
    conn.send("RETR")
    assert conn.next_event() == MessageStart(4)
    assert conn.next_event() is NEED_DATA
    assert conn.pending == 1


def test_eight_bit_data_is_kept_as_octets() -> None:
    body = bytes(range(256))
    retrieved(body)


def test_short_read_is_a_remote_error() -> None:
    conn = sized(10)
    conn.send("RETR")
    conn.receive_data(b"12345")
    conn.receive_data(b"")
    assert conn.next_event() == MessageStart(10)
    assert conn.next_event() == MessageData(b"12345")
    with pytest.raises(RemoteProtocolError, match="5 octets before the end"):
        conn.next_event()
    assert conn.state is ClientState.ERROR


def test_bytes_after_the_message_are_unsolicited() -> None:
    conn = sized(3)
    conn.send("RETR")
    conn.receive_data(b"abc=0\r\n")
    assert conn.next_event() == MessageStart(3)
    assert conn.next_event() == MessageData(b"abc")
    assert conn.next_event() == MessageEnd()
    with pytest.raises(RemoteProtocolError, match="nobody asked for"):
        conn.next_event()


def test_retr_after_zero_length_is_refused_locally() -> None:
    conn = sized(0)
    with pytest.raises(LocalProtocolError, match="=0"):
        conn.send("RETR")
    assert conn.state is ClientState.SIZE and conn.pending == 0
    assert conn.send("READ", "2") == b"READ 2\r\n"  # still usable


def test_retr_uses_the_latest_length() -> None:
    conn = sized(7)
    conn.send("READ", "2")
    conn.receive_data(b"=0\r\n")
    assert conn.next_event() == Length(0, "")
    with pytest.raises(LocalProtocolError):
        conn.send("RETR")


def test_after_ack_the_next_message_may_be_empty() -> None:
    conn = retrieved(b"x")
    conn.send("ACKD")
    conn.receive_data(b"=0 no more messages\r\n")
    assert conn.next_event() == Length(0, "no more messages")
    with pytest.raises(LocalProtocolError):
        conn.send("RETR")


# -- command formatting: quoting and injection ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "wire"),
    [
        (("HELO", "john smith", "pa ss\\word"), b"HELO john\\ smith pa\\ ss\\\\word\r\n"),
        (("HELO", "a.b;c", "x"), b"HELO a.b;c x\r\n"),
        (("HELO", "jos\u00e9", "p\u00e4ss"), "HELO jos\u00e9 p\u00e4ss\r\n".encode()),
        (("HELO", "\\", "  "), b"HELO \\\\ \\ \\ \r\n"),
    ],
)
def test_helo_quoting(args: tuple[str, ...], wire: bytes) -> None:
    assert greeted().send(*args) == wire


@pytest.mark.parametrize(
    ("box", "wire"),
    [
        ("my box", b"FOLD my\\ box\r\n"),
        ("a\\b", b"FOLD a\\\\b\r\n"),
        ("trailing ", b"FOLD trailing\\ \r\n"),
    ],
)
def test_fold_quoting(box: str, wire: bytes) -> None:
    assert logged_in().send("FOLD", box) == wire


@pytest.mark.parametrize("bad", ["\r", "\n", "\r\nQUIT", "\x00", "\t", "\x7f", "\x85", "\x1b[0m"])
def test_control_characters_are_refused(bad: str) -> None:
    conn = greeted()
    with pytest.raises(LocalProtocolError, match="control character"):
        conn.send("HELO", "user" + bad, "pw")
    with pytest.raises(LocalProtocolError, match="control character"):
        conn.send("HELO", "user", "pw" + bad)
    assert conn.state is ClientState.CALL and conn.pending == 0  # nothing was sent
    conn = logged_in()
    with pytest.raises(LocalProtocolError, match="control character"):
        conn.send("FOLD", "box" + bad)


def test_secret_is_not_in_the_error() -> None:
    with pytest.raises(LocalProtocolError) as info:
        greeted().send("HELO", "user", "hunter2\n")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "args",
    [
        ("HELO", "user"),
        ("HELO", "user", "pw", "extra"),
        ("HELO", "", "pw"),
        ("HELO", "user", ""),
        ("QUIT", "now"),
        ("NOOP",),
        ("USER", "x"),
    ],
)
def test_bad_arguments_are_refused(args: tuple[str, ...]) -> None:
    with pytest.raises(LocalProtocolError):
        greeted().send(*args)


@pytest.mark.parametrize("number", ["", "-1", "+1", "1 2", "abc", "\u0663", "1.0"])
def test_read_takes_only_decimal_digits(number: str) -> None:
    with pytest.raises(LocalProtocolError):
        logged_in().send("READ", number)


def test_read_zero_and_leading_zeros_are_sent_as_given() -> None:
    conn = logged_in()
    assert conn.send("READ", "0") == b"READ 0\r\n"


def test_command_line_limit_is_512_octets_with_crlf() -> None:
    fits = "x" * (512 - len("HELO u \r\n"))
    assert len(greeted().send("HELO", "u", fits)) == 512
    with pytest.raises(LocalProtocolError, match="512"):
        greeted().send("HELO", "u", fits + "x")
    with pytest.raises(LocalProtocolError, match="512"):  # quoting counts
        greeted().send("HELO", "u", fits[:-1] + " ")


# -- the state table ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "illegal"),
    [
        (POP2Connection, ["HELO", "QUIT"]),  # greeting still pending
        (greeted, ["FOLD", "READ", "RETR", "ACKS", "ACKD", "NACK"]),
        (logged_in, ["HELO", "RETR", "ACKS", "ACKD", "NACK"]),
        (lambda: sized(4), ["HELO", "ACKS", "ACKD", "NACK"]),
        (lambda: retrieved(b"abcd"), ["HELO", "FOLD", "READ", "RETR", "QUIT"]),  # RFC: NEXT state
    ],
)
def test_illegal_commands_per_state(make: Callable[[], POP2Connection], illegal: list[str]) -> None:
    conn = make()
    before = (conn.state, conn.pending)
    for name in illegal:
        args = {"HELO": ("u", "p"), "FOLD": ("box",)}.get(name, ())
        with pytest.raises(LocalProtocolError):
            conn.send(name, *args)
        assert (conn.state, conn.pending) == before


@pytest.mark.parametrize("name", ["HELO", "FOLD", "READ", "RETR", "ACKS", "QUIT"])
def test_no_pipelining(name: str) -> None:
    conn = logged_in()
    conn.send("READ")
    args = {"HELO": ("u", "p"), "FOLD": ("box",)}.get(name, ())
    with pytest.raises(LocalProtocolError, match="pending"):
        conn.send(name, *args)


def test_no_command_while_message_streams() -> None:
    conn = sized(4)
    conn.send("RETR")
    conn.receive_data(b"ab")
    drain(conn)
    with pytest.raises(LocalProtocolError, match="pending"):
        conn.send("ACKD")


def test_states_follow_the_rfc_client_diagram() -> None:
    conn = POP2Connection()
    seen = [(conn.state, conn.pending)]
    for command, reply in [
        (None, b"+ POP2 h\r\n"),
        (("HELO", "u", "p"), b"#1\r\n"),
        (("READ",), b"=1\r\n"),
        (("RETR",), b"x"),
        (("ACKS",), b"=0\r\n"),
        (("QUIT",), b"+\r\n"),
    ]:
        if command is not None:
            conn.send(*command)
            seen.append((conn.state, conn.pending))
        conn.receive_data(reply)
        drain(conn)
        seen.append((conn.state, conn.pending))
    assert seen == [
        (ClientState.CALL, 1),
        (ClientState.CALL, 0),
        (ClientState.NMBR, 1),
        (ClientState.NMBR, 0),
        (ClientState.SIZE, 1),
        (ClientState.SIZE, 0),
        (ClientState.XFER, 1),
        (ClientState.XFER, 0),
        (ClientState.SIZE, 1),
        (ClientState.SIZE, 0),
        (ClientState.EXIT, 1),
        (ClientState.EXIT, 0),
    ]
    with pytest.raises(LocalProtocolError):
        conn.send("QUIT")


def test_quit_before_helo() -> None:
    conn = greeted()
    assert conn.send("QUIT") == b"QUIT\r\n"
    conn.receive_data(b"+ bye\r\n")
    assert conn.next_event() == Ok("bye")


# -- replies ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "event"),
    [
        (b"#007 messages\r\n", Count(7, "messages")),
        (b"#0\r\n", Count(0, "")),
        (b"#12 \r\n", Count(12, "")),
        (b"#12  two spaces\r\n", Count(12, " two spaces")),
        (b"- \r\n", Err("")),
        (b"-\r\n", Err("")),
        (b"- no such user\r\n", Err("no such user")),
        (b"#3 caf\xc3\xa9\r\n", Count(3, "caf\u00e9")),
        (b"#3 \xff\r\n", Count(3, "\ufffd")),
    ],
)
def test_helo_replies(reply: bytes, event: Event) -> None:
    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(reply)
    assert conn.next_event() == event


@pytest.mark.parametrize(
    "reply",
    [
        b"#2messages\r\n",  # text must follow a space
        b"#\r\n",
        b"# 2\r\n",
        b"#-1\r\n",
        b"#x\r\n",
        b"=2\r\n",  # a length is not a count
        b"+ ok\r\n",
        b"+OK 2 messages\r\n",  # a POP3 server
        b"2\r\n",
        b"\r\n",
        b"#2\n",  # bare LF
        b"#2\r\r\n",
        b"#2 a\rb\r\n",
        b" #2\r\n",
    ],
)
def test_malformed_or_unexpected_replies(reply: bytes) -> None:
    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(reply)
    with pytest.raises(RemoteProtocolError):
        conn.next_event()
    assert conn.state is ClientState.ERROR


def test_pop3_server_is_named() -> None:
    conn = POP2Connection()
    conn.receive_data(b"+OK Dovecot ready.\r\n")
    with pytest.raises(RemoteProtocolError, match="POP3"):
        conn.next_event()


def test_greeting_may_be_a_refusal() -> None:
    conn = POP2Connection()
    conn.receive_data(b"- too busy\r\n")
    assert conn.next_event() == Err("too busy")
    assert conn.state is ClientState.ERROR


def test_reply_line_limit() -> None:
    line = b"#1 " + b"x" * (512 - 5) + b"\r\n"
    assert len(line) == 512
    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(line)
    assert conn.next_event() == Count(1, "x" * 507)

    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(line[:-2] + b"x")  # 511 octets, no end yet: wait
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r\n")
    with pytest.raises(RemoteProtocolError, match="longer than 512"):
        conn.next_event()


def test_endless_reply_line_is_refused_early() -> None:
    conn = greeted()
    conn.send("HELO", "u", "p")
    for _ in range(100):
        conn.receive_data(b"x" * 100)
        try:
            assert conn.next_event() is NEED_DATA
        except RemoteProtocolError:
            break
    assert conn.state is ClientState.ERROR


def test_unsolicited_bytes_after_greeting() -> None:
    conn = POP2Connection()
    conn.receive_data(b"+ POP2 h\r\n#1\r\n")
    assert conn.next_event() == Greeting("POP2 h")
    with pytest.raises(RemoteProtocolError, match="nobody asked for"):
        conn.next_event()


def test_eof_before_the_greeting() -> None:
    conn = POP2Connection()
    conn.receive_data(b"+ POP2")
    conn.receive_data(b"")
    with pytest.raises(RemoteProtocolError, match="closed"):
        conn.next_event()


def test_eof_while_idle_is_reported_and_ends_the_session() -> None:
    conn = logged_in()
    conn.receive_data(b"")
    assert conn.next_event() == ConnectionClosed()
    assert conn.state is ClientState.ERROR
    assert conn.next_event() == ConnectionClosed()
    with pytest.raises(LocalProtocolError, match="closed"):
        conn.send("READ")


def test_error_state_sticks() -> None:
    conn = greeted()
    conn.send("HELO", "u", "p")
    conn.receive_data(b"garbage\r\n")
    with pytest.raises(RemoteProtocolError):
        conn.next_event()
    conn.receive_data(b"#1\r\n")  # dropped
    for _ in range(2):
        with pytest.raises(RemoteProtocolError):
            conn.next_event()
        with pytest.raises(LocalProtocolError):
            conn.send("READ")


def test_data_after_eof_is_a_local_error() -> None:
    conn = POP2Connection()
    conn.receive_data(b"")
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"x")


def test_need_data_repr() -> None:
    assert repr(NEED_DATA) == "NEED_DATA"


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=10))
def test_any_body_any_split_arrives_intact(body: bytes, cuts: list[int]) -> None:
    if not body:
        return
    conn = sized(len(body))
    conn.send("RETR")
    bounds = sorted({0, len(body), *(c for c in cuts if c < len(body))})
    events: list[Event] = []
    for start, end in itertools.pairwise(bounds):
        conn.receive_data(body[start:end])
        events += drain(conn)
    assert merged(events) == [MessageStart(len(body)), MessageData(body), MessageEnd()]


# Commands the fuzzing client sends when idle; the first of each list moves forward.
LEGAL_WITH_ARGS: dict[ClientState, list[tuple[str, ...]]] = {
    ClientState.CALL: [("HELO", "u", "p"), ("HELO", "u", "p"), ("HELO", "u", "p"), ("QUIT",)],
    ClientState.NMBR: [("READ",), ("READ",), ("READ", "2"), ("FOLD", "b"), ("QUIT",)],
    ClientState.SIZE: [("RETR",), ("RETR",), ("RETR",), ("READ",), ("FOLD", "b"), ("QUIT",)],
    ClientState.XFER: [("ACKD",), ("ACKS",), ("NACK",)],
}


JUNK = [b"- no\r\n", b"\r\n.\r\n", b"#", b"=1", b" ", b"\r", b"\n", b"7", b"+OK\r\n", b"ab"]


def plausible(state: ClientState) -> st.SearchStrategy[bytes]:
    """What a well-behaved server would send next in this (pending) state.

    The optional text varies so that Hypothesis, which avoids repeating an input, keeps
    choosing good replies and reaches the deep states.
    """
    text = st.text(alphabet="ab z", max_size=4).map(lambda t: (" " + t if t else "").encode())
    number = st.one_of(st.integers(1, 300), st.just(0))
    if state is ClientState.NMBR:
        return st.builds(lambda n, t: b"#%d%s\r\n" % (n, t), number, text)
    if state is ClientState.SIZE:
        length = st.one_of(st.integers(1, 3), st.just(0))
        return st.builds(lambda n, t: b"=%d%s\r\n" % (n, t), length, text)
    if state is ClientState.XFER:
        return st.binary(min_size=1, max_size=4)
    return st.builds(lambda t: b"+%s\r\n" % t, text)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_bytes_give_events_or_remote_protocol_error(data: st.DataObject) -> None:
    """h11's fuzz invariant: whatever the server sends, parse it or raise the protocol error.

    The "server" answers each command with a blob that is mostly a plausible reply, sometimes
    junk or random bytes, cut at random places; the client sends a legal command whenever it
    is idle, so the fuzzing reaches every state.
    """
    conn = POP2Connection()
    reached = {conn.state}
    try:
        for _ in range(data.draw(st.integers(1, 12))):
            noise = st.one_of(st.sampled_from(JUNK), st.binary(min_size=1, max_size=6))
            good = plausible(conn.state)
            bad = st.one_of(noise, st.tuples(good, noise).map(b"".join))
            behaves = data.draw(st.integers(0, 9)) < 8
            blob = data.draw(good if behaves else bad)
            cuts = sorted(set(data.draw(st.lists(st.integers(1, max(1, len(blob))), max_size=3))))
            for start, end in itertools.pairwise([0, *cuts, len(blob)]):
                if end > start:
                    conn.receive_data(blob[start:end])
                    assert all(isinstance(ev, Event) for ev in drain(conn))
            reached.add(conn.state)
            if conn.pending == 0 and conn.state in LEGAL_WITH_ARGS:
                command = data.draw(st.sampled_from(LEGAL_WITH_ARGS[conn.state]))
                try:
                    conn.send(*command)
                    reached.add(conn.state)
                except LocalProtocolError:
                    assert command == ("RETR",)  # only refused after =0
        conn.receive_data(b"")
        assert all(isinstance(ev, Event) for ev in drain(conn))
    except RemoteProtocolError:
        assert conn.state is ClientState.ERROR
    for state in reached:
        note(f"reached {state.value}")
