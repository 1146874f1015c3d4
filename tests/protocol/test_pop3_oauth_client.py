"""POP3Client's OAuth2 AUTH exchange, line by line, against a scripted server on a socket pair.

What goes on the wire for each form (RFC 5034 one line or two steps), the single retry after a
server refuses the one-line XOAUTH2 (Microsoft), and the replies that must not be retried or
must be refused as protocol errors.
"""

from __future__ import annotations

import base64
import socket
import threading

import pytest

from popgui.errors import CredentialsError, RemoteProtocolError, ServerError
from popgui.net.pop3client import POP3Client
from popgui.net.transport import Transport

TOKEN = "ya29.a0AfH6SMBx"
LONG_TOKEN = "EwBwA8l6BAAU" + "q" * 3000
CAPA = b"+OK\r\nUSER\r\nSASL PLAIN XOAUTH2\r\n.\r\n"
XOAUTH2 = base64.b64encode(f"user=alice\x01auth=Bearer {TOKEN}\x01\x01".encode())
REPORT = base64.b64encode(b'{"status":"401","schemes":"bearer","scope":"mail"}')


class ScriptedServer:
    """The server end of a socket pair: a greeting, then one scripted reply per line received
    (a reply may be several lines, or empty to send nothing); then it reads until closed."""

    def __init__(self, replies: list[bytes]) -> None:
        self.client_socket, self._socket = socket.socketpair()
        self._replies = replies
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._socket, self._socket.makefile("rb") as lines:
            self._socket.sendall(b"+OK ready\r\n")
            for reply in self._replies:
                line = lines.readline()
                if not line:
                    return
                self.received.append(line)
                self._socket.sendall(reply)
            while line := lines.readline():
                self.received.append(line)

    def lines(self) -> list[bytes]:
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the scripted server did not finish"
        return self.received


def log_in(
    replies: list[bytes], token: str = TOKEN, method: str = "oauth2"
) -> tuple[list[bytes], str]:
    """Greeting and CAPA, then the login with ``token``; the lines sent and the method used."""
    server = ScriptedServer([CAPA, *replies])
    client = POP3Client(Transport(server.client_socket, "pop.example.com", 995, timeout=30))
    try:
        client.read_greeting()
        client.capa()
        used = client.login("alice", token, method)
    finally:
        client.close()
    return server.lines()[1:], used


def test_one_line_xoauth2() -> None:
    sent, used = log_in([b"+OK logged in\r\n", CAPA])
    assert used == "XOAUTH2"
    assert sent == [b"AUTH XOAUTH2 " + XOAUTH2 + b"\r\n", b"CAPA\r\n"]


def test_a_long_token_goes_after_the_continuation_even_a_bare_plus() -> None:
    message = base64.b64encode(f"user=alice\x01auth=Bearer {LONG_TOKEN}\x01\x01".encode())
    sent, _ = log_in([b"+\r\n", b"+OK\r\n", CAPA], token=LONG_TOKEN)
    assert sent == [b"AUTH XOAUTH2\r\n", message + b"\r\n", b"CAPA\r\n"]


def test_microsoft_refuses_the_one_line_form_and_gets_two_steps() -> None:
    sent, used = log_in([b"-ERR Protocol error\r\n", b"+ \r\n", b"+OK\r\n", CAPA])
    assert used == "XOAUTH2"
    assert sent == [
        b"AUTH XOAUTH2 " + XOAUTH2 + b"\r\n",
        b"AUTH XOAUTH2\r\n",
        XOAUTH2 + b"\r\n",
        b"CAPA\r\n",
    ]


def test_a_refused_retry_is_a_credentials_error_without_a_third_try() -> None:
    with pytest.raises(CredentialsError, match="may have expired") as refused:
        log_in([b"-ERR Protocol error\r\n", b"+ \r\n", b"-ERR Authentication failure\r\n"])
    assert TOKEN not in str(refused.value)


def test_a_report_then_err_is_answered_and_not_retried() -> None:
    """Dovecot and Gmail: the token is refused inside the exchange; popgui answers the
    report with an empty line, and a two-step retry would not help."""
    replies = [b"+ " + REPORT + b"\r\n", b"-ERR [AUTH] Authentication failed.\r\n"]
    with pytest.raises(CredentialsError, match="status 401") as refused:
        log_in(replies)
    assert TOKEN not in str(refused.value)


def test_a_temporary_refusal_is_not_retried_nor_called_a_credentials_problem() -> None:
    with pytest.raises(ServerError) as refused:
        log_in([b"-ERR [SYS/TEMP] try later\r\n"])
    assert refused.value.is_temporary


def test_a_temporary_refusal_after_a_report_stays_temporary() -> None:
    replies = [b"+ " + REPORT + b"\r\n", b"-ERR [SYS/TEMP] auth backend down\r\n"]
    with pytest.raises(ServerError) as refused:
        log_in(replies)
    assert refused.value.is_temporary


def test_oauthbearer_is_answered_with_0x01_and_not_retried() -> None:
    capa = b"+OK\r\nSASL XOAUTH2 OAUTHBEARER\r\n.\r\n"
    server = ScriptedServer([capa, b"+ " + REPORT + b"\r\n", b"-ERR [AUTH] failed\r\n"])
    client = POP3Client(Transport(server.client_socket, "pop.example.com", 995, timeout=30))
    try:
        client.read_greeting()
        client.capa()
        with pytest.raises(CredentialsError):
            client.login("alice", TOKEN, "oauth2")
    finally:
        client.close()
    sent = server.lines()[1:]
    message = f"n,a=alice,\x01host=pop.example.com\x01port=995\x01auth=Bearer {TOKEN}\x01\x01"
    assert sent == [
        b"AUTH OAUTHBEARER " + base64.b64encode(message.encode()) + b"\r\n",
        b"AQ==\r\n",
    ]


@pytest.mark.parametrize(
    "replies",
    [
        [b"+ aGVsbG8=\r\n"],  # a first challenge that is not empty, owed the initial response
        [b"+OK\r\n"],  # success before the initial response was even sent
    ],
)
def test_a_server_skipping_the_two_step_exchange_is_a_protocol_error(
    replies: list[bytes],
) -> None:
    with pytest.raises(RemoteProtocolError):
        log_in(replies, token=LONG_TOKEN)
