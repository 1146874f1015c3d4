"""POP2Client (popgui/net/pop2client.py) against a scripted server over a real socket.

The peer sends a greeting, then answers each command line the client sends with the next
scripted reply; the test checks the exact lines sent and what the client made of the replies:
counts, lengths, message octets, refusals and malformed replies (RFC 937 digest in
shared/ref/pop2-rfc937.md).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from popgui.errors import CredentialsError, LocalProtocolError, RemoteProtocolError, ServerError
from popgui.net.pop2client import POP2Client
from popgui.net.transport import Transport

GREETING = b"+ POP2 pop2.example.org ready\r\n"


class ScriptedPeer:
    """The server end of a socket pair: the greeting, then one scripted reply per command.

    After the script it waits for the client to close (or closes at once, ``then_close``).
    """

    def __init__(self, replies: list[bytes], *, then_close: bool = False) -> None:
        self.client_socket, self._socket = socket.socketpair()
        self._replies = replies
        self._then_close = then_close
        self.commands: list[bytes] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._socket, self._socket.makefile("rb") as lines:
            self._socket.sendall(self._replies[0])
            for reply in self._replies[1:]:
                line = lines.readline()
                if not line:
                    return
                self.commands.append(line)
                self._socket.sendall(reply)
            if not self._then_close:
                while line := lines.readline():
                    self.commands.append(line)

    def join(self) -> list[bytes]:
        """The command lines the client sent, once the session is over."""
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the scripted server did not finish"
        return self.commands


@pytest.fixture
def session(request: pytest.FixtureRequest) -> Iterator[tuple[POP2Client, ScriptedPeer]]:
    replies, then_close = request.param
    peer = ScriptedPeer([GREETING, *replies], then_close=then_close)
    client = POP2Client(Transport(peer.client_socket, "127.0.0.1", 109, timeout=30))
    try:
        yield client, peer
    finally:
        client.close()


def scripted(*replies: bytes, then_close: bool = False) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("session", [(list(replies), then_close)], indirect=True)


def retrieved(client: POP2Client) -> bytes:
    chunks: list[bytes] = []
    client.retrieve(chunks.append)
    return b"".join(chunks)


@scripted(b"#2\r\n", b"=5\r\n", b"hello", b"=10\r\n", b"bye\r\nbye\r\n", b"=0\r\n", b"+\r\n")
def test_a_whole_session_retrieves_exact_octets_and_acknowledges(
    session: tuple[POP2Client, ScriptedPeer],
) -> None:
    client, peer = session
    assert client.read_greeting().text == "POP2 pop2.example.org ready"
    assert client.helo("alice", "secret") == 2
    assert client.read(1) == 5
    assert retrieved(client) == b"hello"
    assert client.acknowledge("ACKD") == 10, "ACKD answers with the next message's length"
    assert retrieved(client) == b"bye\r\nbye\r\n", "no terminator, no dot-stuffing: the count"
    assert client.acknowledge("ACKS") == 0
    assert client.quit() is True
    client.close()
    assert peer.join() == [
        b"HELO alice secret\r\n", b"READ 1\r\n", b"RETR\r\n", b"ACKD\r\n",
        b"RETR\r\n", b"ACKS\r\n", b"QUIT\r\n",
    ]  # fmt: skip


@scripted(b"#3\r\n", b"#1\r\n", b"=4\r\n", b"abcd", b"=4\r\n", b"=4\r\n", b"+\r\n")
def test_fold_read_without_a_number_and_nack(session: tuple[POP2Client, ScriptedPeer]) -> None:
    client, peer = session
    client.read_greeting()
    assert client.helo("bob smith", "pass\\word") == 3
    assert client.fold("old mail") == 1
    assert client.read() == 4
    assert retrieved(client) == b"abcd"
    assert client.acknowledge("NACK") == 4, "NACK keeps the current message"
    assert client.read() == 4
    assert client.quit() is True
    client.close()
    assert peer.join() == [
        b"HELO bob\\ smith pass\\\\word\r\n", b"FOLD old\\ mail\r\n", b"READ\r\n",
        b"RETR\r\n", b"NACK\r\n", b"READ\r\n", b"QUIT\r\n",
    ]  # fmt: skip


@scripted(b"#0\r\n", b"=0\r\n", b"+\r\n")
def test_an_empty_mailbox_and_a_zero_length_message_are_not_retrieved(
    session: tuple[POP2Client, ScriptedPeer],
) -> None:
    """After ``=0`` a RETR would make the server close: the client refuses to send it."""
    client, peer = session
    client.read_greeting()
    assert client.helo("alice", "secret") == 0
    assert client.read(1) == 0
    with pytest.raises(LocalProtocolError):
        client.retrieve(lambda chunk: None)
    assert client.quit() is True
    client.close()
    assert peer.join() == [b"HELO alice secret\r\n", b"READ 1\r\n", b"QUIT\r\n"]


@scripted(b"- invalid user name or password\r\n", then_close=True)
def test_a_refused_helo_is_a_credentials_error(session: tuple[POP2Client, ScriptedPeer]) -> None:
    client, _peer = session
    client.read_greeting()
    with pytest.raises(CredentialsError, match="invalid user name or password"):
        client.helo("alice", "wrong")


@scripted(b"#1\r\n", b"- illegal mailbox name\r\n", then_close=True)
def test_a_refused_fold_is_a_server_error(session: tuple[POP2Client, ScriptedPeer]) -> None:
    client, _peer = session
    client.read_greeting()
    client.helo("alice", "secret")
    with pytest.raises(ServerError, match="illegal mailbox name"):
        client.fold("../etc")


@scripted(b"#1\r\n", b"=3\r\n", b"abc", b"=0\r\n", b"- cannot update the mailbox\r\n")
def test_a_refused_quit_returns_false(session: tuple[POP2Client, ScriptedPeer]) -> None:
    client, _peer = session
    client.read_greeting()
    client.helo("alice", "secret")
    client.read(1)
    retrieved(client)
    client.acknowledge("ACKD")
    assert client.quit() is False


@pytest.mark.parametrize(
    ("replies", "step"),
    [
        ([b"=2\r\n"], "helo"),  # a length where a count is due
        ([b"+\r\n"], "helo"),
        ([b"#10000000\r\n"], "helo"),  # more messages than MAX_MESSAGE_COUNT
        ([b"+OK POP3 ready\r\n"], "helo"),  # a POP3 server
        ([b"#2\r\n", b"#2\r\n"], "read"),  # a count where a length is due
        ([b"#2\r\n", b"=-1\r\n"], "read"),
        ([b"#2\r\n", b"=12345678901234567890\r\n"], "read"),
        ([b"#2\r\n", b"=2\n"], "read"),  # bare LF
        ([b"#2\r\n", b"=3\r\n", b"abc", b"+\r\n"], "ack"),  # "+" where a length is due
    ],
)
def test_malformed_replies_are_remote_protocol_errors(replies: list[bytes], step: str) -> None:
    peer = ScriptedPeer([GREETING, *replies], then_close=True)
    client = POP2Client(Transport(peer.client_socket, "127.0.0.1", 109, timeout=30))
    try:
        client.read_greeting()
        if step == "helo":
            with pytest.raises(RemoteProtocolError):
                client.helo("alice", "secret")
            return
        client.helo("alice", "secret")
        if step == "read":
            with pytest.raises(RemoteProtocolError):
                client.read(1)
            return
        client.read(1)
        retrieved(client)
        with pytest.raises(RemoteProtocolError):
            client.acknowledge("ACKS")
    finally:
        client.close()


@pytest.mark.parametrize(
    ("greeting", "error"),
    [
        (b"- busy, try later\r\n", ServerError),
        (b"#1\r\n", RemoteProtocolError),
        (b"+OK POP3 server ready\r\n", RemoteProtocolError),
    ],
)
def test_a_bad_greeting_is_refused(greeting: bytes, error: type[Exception]) -> None:
    peer = ScriptedPeer([greeting], then_close=True)
    client = POP2Client(Transport(peer.client_socket, "127.0.0.1", 109, timeout=30))
    try:
        with pytest.raises(error):
            client.read_greeting()
    finally:
        client.close()


@scripted(b"#1\r\n", b"=5\r\n", b"hello, and more", then_close=True)
def test_more_octets_than_announced_are_refused(session: tuple[POP2Client, ScriptedPeer]) -> None:
    """The count was short, so the message would be cut: it must not be kept."""
    client, _peer = session
    client.read_greeting()
    client.helo("alice", "secret")
    client.read(1)
    with pytest.raises(RemoteProtocolError, match="more octets than it announced"):
        retrieved(client)


@scripted(b"#1\r\n", b"=50\r\n", b"only twenty octets..", then_close=True)
def test_a_connection_closed_inside_a_message_is_refused(
    session: tuple[POP2Client, ScriptedPeer],
) -> None:
    client, _peer = session
    client.read_greeting()
    client.helo("alice", "secret")
    client.read(1)
    with pytest.raises(RemoteProtocolError, match="30 octets before the end"):
        retrieved(client)


def test_the_trace_never_shows_the_password() -> None:
    peer = ScriptedPeer([GREETING, b"#0\r\n", b"+\r\n"])
    trace: list[str] = []
    client = POP2Client(
        Transport(peer.client_socket, "127.0.0.1", 109, timeout=30), trace=trace.append
    )
    client.read_greeting()
    client.helo("alice", "s3cr3t")
    client.quit()
    client.close()
    assert peer.join()[0] == b"HELO alice s3cr3t\r\n"
    assert "C: HELO alice ********" in trace
    assert not any("s3cr3t" in line for line in trace)
