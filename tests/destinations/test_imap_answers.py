"""How the IMAP destination reads each answer to APPEND, from a scripted server: the answers
the test Dovecot cannot be made to give (a full mailbox, a message too big, a folder deleted
mid-sync, a server going away). What lands and how is tested against the real Dovecot in
test_imap_dovecot.py."""

from __future__ import annotations

import io
import re
import socket
import threading
from collections.abc import Iterator

import pytest

from popgui.accounts.destination_spec import parse_deliver
from popgui.destinations.base import (
    Accepted,
    Deferred,
    DestinationError,
    DestinationUnavailableError,
    Outgoing,
    Refused,
)
from popgui.destinations.imap import ImapDestination

CAPABILITIES = b"IMAP4rev1 LITERAL+ UIDPLUS AUTH=PLAIN SASL-IR APPENDLIMIT=5000"


class ScriptedServer:
    """An IMAP server on a loopback port taking one session: sign-in and STATUS succeed,
    each APPEND gets the next of ``appends`` (``{tag}`` is replaced by the command's tag;
    ``None`` ends the connection instead)."""

    def __init__(self, appends: list[bytes | None]) -> None:
        self.appends = list(appends)
        self.appended: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        with conn, conn.makefile("rwb", buffering=0) as stream:
            stream.write(b"* OK [CAPABILITY " + CAPABILITIES + b"] scripted\r\n")
            while line := stream.readline():
                tag, command = line.split(b" ")[:2]
                if not self._answer(stream, line, tag, command.upper()):
                    return

    def _answer(self, stream: io.RawIOBase, line: bytes, tag: bytes, command: bytes) -> bool:
        if command == b"APPEND":
            size = re.search(rb"\{(\d+)\+\}\r\n$", line)
            assert size is not None
            self.appended.append(stream.read(int(size.group(1))) or b"")
            stream.readline()
            answer = self.appends.pop(0)
            if answer is None:
                return False
            stream.write(answer.replace(b"{tag}", tag) + b"\r\n")
            return not answer.startswith(b"* BYE")  # and the server hangs up
        elif command == b"STATUS":
            stream.write(b"* STATUS INBOX (UIDNEXT 40 UIDVALIDITY 7)\r\n" + tag + b" OK done\r\n")
        else:
            stream.write(tag + b" OK [CAPABILITY " + CAPABILITIES + b"] done\r\n")
        return True

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def scripted() -> Iterator[list[ScriptedServer]]:
    servers: list[ScriptedServer] = []
    yield servers
    for server in servers:
        server.close()


def open_destination(servers: list[ScriptedServer], appends: list[bytes | None]) -> ImapDestination:
    server = ScriptedServer(appends)
    servers.append(server)
    spec = parse_deliver(f"imap://ann@127.0.0.1:{server.port}/INBOX")
    dest = ImapDestination(spec, secret="pw", require_tls=False, timeout=5)
    dest.open()
    return dest


def message(n: int, size: int = 100) -> Outgoing:
    content = b"Subject: %d\r\n\r\n" % n + b"x" * (size - 15)
    return Outgoing(f"u{n}", f"t{n}", io.BytesIO(content), len(content), "", None, 1.7e9)


def test_each_answer_has_its_outcome(scripted: list[ScriptedServer]) -> None:
    dest = open_destination(
        scripted,
        [
            b"{tag} OK [APPENDUID 7 41] done",
            b"{tag} NO [OVERQUOTA] Mailbox is full",
            b"{tag} NO [TOOBIG] Message too large",
            b"{tag} NO [UNAVAILABLE] Try later",
            b"{tag} OK done",  # no APPENDUID: the token names it
        ],
    )
    try:
        batch = [message(n) for n in range(5)] + [message(9, size=6000)]
        outcomes = dest.deliver(batch)
    finally:
        dest.close()
    assert isinstance(outcomes[0], Accepted) and outcomes[0].receipt.locator.endswith(
        "/INBOX;UIDVALIDITY=7;UID=41"
    )
    assert isinstance(outcomes[1], Deferred) and "Mailbox is full" in str(outcomes[1].reason)
    assert isinstance(outcomes[2], Refused) and "[TOOBIG] Message too large" in str(
        outcomes[2].reason
    )
    assert isinstance(outcomes[3], Deferred)
    assert isinstance(outcomes[4], Accepted) and outcomes[4].receipt.locator.endswith(";TOKEN=t4")
    # Over the announced APPENDLIMIT: refused without sending it.
    assert isinstance(outcomes[5], Refused) and "5000" in str(outcomes[5].reason)
    assert len(scripted[0].appended) == 5


@pytest.mark.parametrize(
    ("answer", "kind", "words"),
    [
        (b"{tag} NO [TRYCREATE] No such mailbox", DestinationError, "does not create folders"),
        (b"{tag} BAD Invalid arguments", DestinationError, "did not understand"),
        (b"* BYE Shutting down", DestinationUnavailableError, "Shutting down"),
        (None, DestinationUnavailableError, "closed the IMAP connection"),
    ],
)
def test_answers_that_stop_the_sync(
    scripted: list[ScriptedServer], answer: bytes | None, kind: type[Exception], words: str
) -> None:
    dest = open_destination(scripted, [b"{tag} OK done", answer])
    try:
        with pytest.raises(kind) as caught:
            dest.deliver([message(1), message(2)])
        if kind is DestinationUnavailableError:  # and it stays so, without a traceback
            with pytest.raises(DestinationUnavailableError, match="is closed"):
                dest.deliver([message(3)])
    finally:
        dest.close()
    assert words in str(caught.value)
    assert type(caught.value) is kind
