"""The IMAP client's reading and writing, byte by byte, without a server: replies parsed whole
and one byte at a time, literals, line ends converted across chunk boundaries, folder names in
modified UTF-7, and a malformed reply that is an error, never a hang or a traceback."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from popgui.destinations.imap import internal_date
from popgui.destinations.imapclient import (
    MAX_LINE,
    AppendMessage,
    ByeError,
    CommandFailed,
    IMAPClient,
    Response,
    crlf_chunks,
    crlf_size,
    encode_mailbox,
    parse_items,
    parse_response,
)
from popgui.errors import NetworkError, PopguiError, RemoteProtocolError
from popgui.net.transport import Transport


class ScriptedTransport:
    """What IMAPClient needs of a Transport: the server's bytes come ``step`` at a time."""

    host = "imap.example.com"
    port = 143
    is_tls = False

    def __init__(self, server: bytes, step: int = 1) -> None:
        self._server = server
        self._step = step
        self.sent = bytearray()

    def recv(self, max_bytes: int = 0) -> bytes:
        data, self._server = self._server[: self._step], self._server[self._step :]
        return data

    def send(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        pass


def client_for(server: bytes, step: int = 1) -> tuple[IMAPClient, ScriptedTransport]:
    transport = ScriptedTransport(server, step)
    return IMAPClient(transport), transport  # type: ignore[arg-type]


# -- parsing one response ----------------------------------------------------------------------


def test_a_tagged_answer_with_its_code() -> None:
    assert parse_response(b"A0003 OK [APPENDUID 38505 3955] APPEND completed") == Response(
        "A0003", "OK", "APPENDUID", "38505 3955", "APPEND completed"
    )
    assert parse_response(b"A1 NO [OVERQUOTA] Quota exceeded").shown == (
        "[OVERQUOTA] Quota exceeded"
    )
    assert parse_response(b"A1 ok").kind == "OK"  # any case, and text may be missing


def test_untagged_data_and_continuations() -> None:
    assert parse_response(b"* 23 EXISTS") == Response("*", "EXISTS", number=23)
    assert parse_response(b"* SEARCH 2 84 882") == Response("*", "SEARCH", data=b"2 84 882")
    assert parse_response(b"+ ") == Response("+", "")
    assert parse_response(b"+ dGVzdA==").text == "dGVzdA=="
    greeting = parse_response(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready")
    assert (greeting.code, greeting.code_args) == ("CAPABILITY", "IMAP4rev1 LITERAL+")


@pytest.mark.parametrize(
    "raw",
    [b"", b"A1", b"A1 FETCH 1", b"A(1 OK fine", b"* \x01X", b"A1 OK [UNCLOSED code", b"A1 OK []"],
)
def test_a_malformed_response_is_a_protocol_error(raw: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_response(raw)


def test_items_quoted_literal_and_lists() -> None:
    assert parse_items(b'"IN\\"BOX" (MESSAGES 3 UIDNEXT 7)') == [
        b'IN"BOX',
        ["MESSAGES", "3", "UIDNEXT", "7"],
    ]
    assert parse_items(b"{5}\r\nab cd (X)") == [b"ab cd", ["X"]]
    for bad in (b"(A", b"A)", b'"open', b"{9}\r\nshort"):
        with pytest.raises(RemoteProtocolError):
            parse_items(bad)


@given(st.binary(max_size=200))
def test_any_bytes_parse_or_raise_the_protocol_error(raw: bytes) -> None:
    try:
        response = parse_response(raw)
        parse_items(response.data)
    except RemoteProtocolError:
        pass


@given(
    st.lists(
        st.sampled_from(
            [
                b"* ",
                b"A1 ",
                b"+ ",
                b"OK",
                b"[",
                b"]",
                b"{3}",
                b"{2}\r\n",
                b"(",
                b")",
                b'"',
                b"\\",
                b"\r\n",
                b"x",
                b" ",
                b"7",
            ]
        ),
        max_size=40,
    )
)
def test_any_stream_is_read_or_refused(parts: list[bytes]) -> None:
    """Whatever a server sends, one byte at a time: responses, or a popgui error at the end."""
    client, _ = client_for(b"".join(parts))
    with pytest.raises(PopguiError):
        for _ in range(100):
            response = client.read_response()
            parse_items(response.data)


# -- reading from the connection ---------------------------------------------------------------


STATUS_REPLY = (
    b"* OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] hello\r\n"
    b"* STATUS {6}\r\nIN BOX (MESSAGES 2 UIDNEXT 9 UIDVALIDITY 1234)\r\n"
    b"A0001 OK done\r\n"
)


@pytest.mark.parametrize("step", [1, 2, 7, 1000])
def test_a_status_with_a_literal_read_at_any_pace(step: int) -> None:
    client, transport = client_for(STATUS_REPLY, step)
    client.greet()
    assert client.capabilities == {"IMAP4REV1", "LITERAL+", "UIDPLUS"}
    found = client.status("IN BOX", ("MESSAGES", "UIDNEXT", "UIDVALIDITY"))
    assert found == {"MESSAGES": 2, "UIDNEXT": 9, "UIDVALIDITY": 1234}
    assert bytes(transport.sent) == b'A0001 STATUS "IN BOX" (MESSAGES UIDNEXT UIDVALIDITY)\r\n'


def test_a_refusal_keeps_the_server_words_and_the_session() -> None:
    client, _ = client_for(b"A0001 NO [NONEXISTENT] No such folder\r\nA0002 OK fine\r\n")
    with pytest.raises(CommandFailed) as caught:
        client.status("Nope", ("MESSAGES",))
    assert (caught.value.status, caught.value.code) == ("NO", "NONEXISTENT")
    assert client.usable
    client.run("NOOP")


def test_login_quotes_or_sends_a_literal() -> None:
    client, transport = client_for(b"A0001 OK [CAPABILITY IMAP4rev1] in\r\n")
    client.capabilities = frozenset({"LITERAL+"})
    client.login("ann", 'p"a\\ss')
    assert bytes(transport.sent) == b'A0001 LOGIN ann "p\\"a\\\\ss"\r\n'
    client, transport = client_for(b"+ go\r\nA0001 OK [CAPABILITY IMAP4rev1] in\r\n")
    client.login("ann", "pässword")  # no LITERAL+: the client waits for "+"
    assert bytes(transport.sent) == b"A0001 LOGIN ann {9}\r\np\xc3\xa4ssword\r\n"


def test_pipelined_appends_with_and_without_waiting() -> None:
    messages = [AppendMessage(3, lambda: [b"abc"], "06-Dec-2026 12:00:00 +0000")] * 2
    answers = b"A0001 OK [APPENDUID 1 5] a\r\n* 5 EXISTS\r\nA0002 NO [OVERQUOTA] full\r\n"
    client, transport = client_for(answers)
    client.capabilities = frozenset({"LITERAL+"})
    replies = client.append_batch("INBOX", messages)
    assert [(r.kind, r.code) for r in replies] == [("OK", "APPENDUID"), ("NO", "OVERQUOTA")]
    one = b'APPEND INBOX "06-Dec-2026 12:00:00 +0000" {3+}\r\nabc\r\n'
    assert bytes(transport.sent) == b"A0001 " + one + b"A0002 " + one
    # Synchronising: each literal waits for "+", but not for the previous answer; a refusal
    # instead of "+" means the literal is not sent.
    client, transport = client_for(b"+ go\r\nA0001 OK done\r\nA0002 NO [TOOBIG] no\r\n")
    replies = client.append_batch("INBOX", messages)
    assert [r.kind for r in replies] == ["OK", "NO"]
    assert transport.sent.count(b"abc") == 1


def test_literal_minus_waits_only_for_big_literals() -> None:
    small = AppendMessage(3, lambda: [b"abc"], "06-Dec-2026 12:00:00 +0000")
    big = AppendMessage(5000, lambda: [b"x" * 5000], "06-Dec-2026 12:00:00 +0000")
    client, transport = client_for(b"A0001 OK a\r\n+ go\r\nA0002 OK b\r\n")
    client.capabilities = frozenset({"LITERAL-"})
    client.append_batch("INBOX", [small, big])
    assert b"{3+}\r\n" in transport.sent and b"{5000}\r\n" in transport.sent


def test_a_line_without_end_is_refused_at_the_limit() -> None:
    client, _ = client_for(b"* OK " + b"x" * (MAX_LINE + 10), step=4096)
    with pytest.raises(RemoteProtocolError):
        client.greet()
    assert not client.usable


def test_bye_then_close_is_an_error_with_the_server_words() -> None:
    client, _ = client_for(b"* OK hi\r\n* BYE [UNAVAILABLE] going down\r\n")
    client.greet()
    with pytest.raises(ByeError) as caught:
        client.run("NOOP")
    assert "going down" in str(caught.value)
    assert isinstance(caught.value, NetworkError)


def test_sasl_with_an_initial_response_and_a_challenge() -> None:
    from popgui.protocol import sasl

    client, transport = client_for(b"A0001 OK [CAPABILITY IMAP4rev1 X] in\r\n")
    client.capabilities = frozenset({"SASL-IR", "AUTH=PLAIN"})
    client.authenticate(sasl.Plain("ann", "pw"))
    assert bytes(transport.sent) == b"A0001 AUTHENTICATE PLAIN AGFubgBwdw==\r\n"
    assert client.capabilities == {"IMAP4REV1", "X"}
    client, transport = client_for(b"+ \r\nA0001 OK in\r\n* CAPABILITY IMAP4rev1\r\nA0002 OK\r\n")
    client.authenticate(sasl.Plain("ann", "pw"))  # no SASL-IR: the response after "+"
    assert bytes(transport.sent) == (
        b"A0001 AUTHENTICATE PLAIN\r\nAGFubgBwdw==\r\nA0002 CAPABILITY\r\n"
    )


# -- what goes out -----------------------------------------------------------------------------


def test_line_ends_become_crlf_across_chunk_boundaries() -> None:
    text = b"a\nb\r\nc\rd\r\r\ne\r"
    expected = b"a\r\nb\r\nc\rd\r\r\ne\r"
    for size in (1, 2, 3, 64):
        assert b"".join(crlf_chunks(io.BytesIO(text), size)) == expected
    assert crlf_size(io.BytesIO(text)) == len(expected)


@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"x", b"\xe9"]), max_size=60))
def test_chunked_conversion_equals_the_whole(parts: list[bytes]) -> None:
    text = b"".join(parts)
    whole = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    for size in (1, 2, 5):
        assert b"".join(crlf_chunks(io.BytesIO(text), size)) == whole


def test_folder_names_in_modified_utf7() -> None:
    assert encode_mailbox("INBOX") == "INBOX"
    assert encode_mailbox("Boîte") == "Bo&AO4-te"
    assert encode_mailbox("a&b") == "a&-b"
    assert encode_mailbox("日本語") == "&ZeVnLIqe-"


def test_internal_date_is_english_and_carries_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert internal_date(1796564629) == "06-Dec-2026 14:43:49 +0100"
        assert internal_date(1783337029) == "06-Jul-2026 13:23:49 +0200"
    finally:
        monkeypatch.undo()
        time.tzset()


# -- a real socket with a misbehaving server ---------------------------------------------------


@pytest.fixture
def fake_server() -> Iterator[Callable[[bytes], int]]:
    """``start(reply)``: a port whose server sends ``reply`` to whoever connects, reads what
    comes, and closes after a second of silence."""
    sockets: list[socket.socket] = []

    def start(reply: bytes) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        sockets.append(listener)

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(1)
                conn.sendall(reply)
                try:
                    while conn.recv(4096):
                        pass
                except OSError:
                    pass

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in sockets:
        listener.close()


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 400 Bad Request\r\n\r\n",
        b"* OK " + b"A" * (MAX_LINE + 100),
        b"* BYE too many connections\r\n",
        b"* OK hi\r\n* CAPABILITY IMAP4rev1\r\nA0001 FETCH 1\r\n",
        b"* OK hi\r\n* STATUS {99999999999}\r\n",
        b"* OK hi\r\n",  # then silence: the transport's timeout
    ],
)
def test_a_misbehaving_server_is_a_clear_error(
    fake_server: Callable[[bytes], int], reply: bytes
) -> None:
    port = fake_server(reply)
    transport = Transport.connect("127.0.0.1", port, security="none", timeout=0.5)
    client = IMAPClient(transport)
    started = time.monotonic()
    with pytest.raises(PopguiError) as caught:
        client.greet()
        client.capability()
    assert time.monotonic() - started < 5
    assert str(caught.value)
    assert not client.usable
    client.close()
