"""Delivery over LMTP: against the real Dovecot LMTP (TCP with STARTTLS, and its Unix socket),
and against a small scripted LMTP server for what Dovecot will not do on demand (a 451, a
421 mid-session, a malformed reply, no STARTTLS on another computer's address)."""

from __future__ import annotations

import contextlib
import io
import re
import socket
import ssl
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

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
from popgui.destinations.lmtp import (
    LmtpCertificateError,
    LmtpDestination,
    data_blocks,
    is_local,
    return_path,
)
from popgui.errors import CancelledError, CertificateError
from popgui.net.cancel import CancelToken
from popgui.net.transport import TLSSettings
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser, free_port

# --------------------------------------------------------------------------------------------
# Helpers


def outgoing(
    content: bytes, token: str = "acct/1", file: io.BufferedIOBase | None = None
) -> Outgoing:
    return Outgoing(
        uid=token.rsplit("/", 1)[-1],
        token=token,
        file=file if file is not None else io.BytesIO(content),  # type: ignore[arg-type]
        size=len(content),
        message_id="",
        date=None,
        downloaded_at=0.0,
    )


def message(subject: str, body: bytes = b"Hello.\r\n", headers: bytes = b"") -> bytes:
    return (
        headers
        + b"From: bob@example.org\r\nTo: ann@example.org\r\nSubject: "
        + subject.encode()
        + b"\r\nMessage-ID: <"
        + subject.replace(" ", "-").encode()
        + b"@example.org>\r\n\r\n"
        + body
    )


def subject(stored: bytes) -> bytes:
    match = re.search(rb"\nSubject: (.*)\n", stored)
    assert match is not None
    return match[1]


def body_of(stored: bytes) -> bytes:
    """What Dovecot stored after the header (it keeps LF line ends)."""
    return stored.split(b"\n\n", 1)[1]


def dovecot_lmtp(dovecot: DovecotServer, user: MailUser, **kwargs: object) -> LmtpDestination:
    spec = parse_deliver(f"lmtp://127.0.0.1:{dovecot.lmtp_port}")
    return LmtpDestination(spec, recipient=user.name, **kwargs)  # type: ignore[arg-type]


Respond = Callable[[str], bytes | None]


def answers(**scripted: list[bytes | None]) -> Respond:
    """Replies for a fake LMTP server: per verb (MAIL, RCPT, DATA, "dot" for the end of the
    data, LHLO...) a list of replies used in turn (None hangs up), else a plain success."""
    usual = {
        "LHLO": b"250-fake.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE\r\n",
        "DATA": b"354 go ahead\r\n",
        "QUIT": b"221 bye\r\n",
        "STARTTLS": b"220 ready to start TLS\r\n",
    }

    def respond(command: str) -> bytes | None:
        verb = "dot" if command == "." else command.split(" ", 1)[0].split(":", 1)[0].upper()
        if scripted.get(verb):
            return scripted[verb].pop(0)
        return usual.get(verb, b"250 2.0.0 ok\r\n")

    return respond


class FakeLmtp:
    """A scripted LMTP server in a thread, one connection at a time. ``commands`` holds what
    it received, ``messages`` the data of each DATA (dot-unstuffed), ``connections`` counts."""

    def __init__(
        self,
        respond: Respond,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
        keep: bool = True,
    ) -> None:
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.05)
        self.host = host
        self.port: int = self._listener.getsockname()[1]
        self._respond = respond
        self._tls = tls
        self._keep = keep
        self.commands: list[str] = []
        self.messages: list[bytes] = []
        self.sizes: list[int] = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn, contextlib.suppress(OSError):  # the client hung up
                self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        conn.sendall(b"220 fake.example LMTP ready\r\n")
        reader = conn.makefile("rb")
        while line := reader.readline():
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            self.commands.append(command)
            reply = self._respond(command)
            if reply is None:
                return
            conn.sendall(reply)
            if command == "DATA" and reply.startswith(b"354"):
                self._read_data(reader)
                end = self._respond(".")
                if end is None:
                    return
                conn.sendall(end)
            elif command == "STARTTLS" and self._tls is not None:
                conn = self._tls.wrap_socket(conn, server_side=True)
                reader = conn.makefile("rb")
            elif command == "QUIT":
                return

    def _read_data(self, reader: io.BufferedReader) -> None:
        data = bytearray()
        size = 0
        while (line := reader.readline()) not in (b".\r\n", b""):
            if line.startswith(b".."):
                line = line[1:]
            size += len(line)
            if self._keep:
                data += line
        self.messages.append(bytes(data))
        self.sizes.append(size)


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeLmtp]]:
    servers: list[FakeLmtp] = []

    def make(respond: Respond | None = None, **kwargs: object) -> FakeLmtp:
        server = FakeLmtp(respond or answers(), **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def fake_lmtp(server: FakeLmtp, **kwargs: object) -> LmtpDestination:
    spec = parse_deliver(f"lmtp://{server.host}:{server.port}")
    return LmtpDestination(spec, recipient="ann@example.org", timeout=10, **kwargs)  # type: ignore[arg-type]


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (None where there is none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.123", 9))  # no packet is sent: it only picks a source
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


# --------------------------------------------------------------------------------------------
# The real Dovecot


def test_several_messages_over_one_connection(
    dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    destination = dovecot_lmtp(dovecot, dovecot_user)
    destination.open()
    outcomes = []
    try:
        for number in range(3):
            outcomes += destination.deliver([outgoing(message(f"number {number}"), f"a/{number}")])
    finally:
        destination.close()
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes
    stored = sorted(dovecot.server_messages(dovecot_user.name), key=subject)
    assert [subject(m) for m in stored] == [b"number 0", b"number 1", b"number 2"]
    # Dovecot names each transaction after its session: SESSION, SESSION:T2, SESSION:T3.
    ids = [re.search(rb"\n\tid (\S+)\n", m)[1] for m in stored]  # type: ignore[index]
    assert ids[1] == ids[0] + b":T2" and ids[2] == ids[0] + b":T3"
    # Dovecot offers STARTTLS, TLS is required, but on this computer LMTP stays in clear text.
    assert all(b"with LMTP\n" in m for m in stored)
    receipt = outcomes[0].receipt  # type: ignore[union-attr]
    assert receipt.locator == (
        f"lmtp://127.0.0.1:{dovecot.lmtp_port}/{dovecot_user.name};TOKEN=a/0"
    )
    assert receipt.where == f"the LMTP server 127.0.0.1:{dovecot.lmtp_port}"


def test_dots_and_eight_bit_bytes_arrive_unchanged(
    dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    body = (
        b".\r\n..\r\n.hidden line\r\n...\r\nend. of line\r\n"
        b"caf\xc3\xa9 na\xefve \xff\xfe raw bytes\r\n"
        b".last line without a line end"
    )
    destination = dovecot_lmtp(dovecot, dovecot_user)
    destination.open()
    try:
        (outcome,) = destination.deliver([outgoing(message("dots", body))])
    finally:
        destination.close()
    assert isinstance(outcome, Accepted)
    (stored,) = dovecot.server_messages(dovecot_user.name)
    assert body_of(stored) == body.replace(b"\r\n", b"\n") + b"\n"


def test_the_return_path_is_the_envelope_sender(
    dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    with_path = message("with", headers=b"Return-Path: <list-bounces@example.net>\r\n")
    destination = dovecot_lmtp(dovecot, dovecot_user)
    destination.open()
    try:
        destination.deliver([outgoing(with_path, "a/1")])
        destination.deliver([outgoing(message("without"), "a/2")])
    finally:
        destination.close()
    stored = {subject(m): m for m in dovecot.server_messages(dovecot_user.name)}
    assert b"(envelope-from <list-bounces@example.net>)" in stored[b"with"]
    assert b"(envelope-from <>)" in stored[b"without"]


def test_an_unknown_recipient_is_refused(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    spec = parse_deliver(f"lmtp://127.0.0.1:{dovecot.lmtp_port}")
    nobody = LmtpDestination(spec, recipient="nobody-here")
    nobody.open()
    try:
        (outcome,) = nobody.deliver([outgoing(message("lost"))])
    finally:
        nobody.close()
    assert isinstance(outcome, Refused)
    assert "550" in str(outcome.reason) and "nobody-here" in str(outcome.reason)
    assert str(outcome.reason).startswith(f"The LMTP server 127.0.0.1:{dovecot.lmtp_port} refused")


def test_a_unix_socket(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    spec = parse_deliver(f"lmtp:{dovecot.lmtp_socket}")
    destination = LmtpDestination(spec, recipient=dovecot_user.name)
    destination.open()
    try:
        first = destination.deliver([outgoing(message("one"), "a/1")])
        second = destination.deliver([outgoing(message("two"), "a/2")])
    finally:
        destination.close()
    assert isinstance(first[0], Accepted) and isinstance(second[0], Accepted)
    assert first[0].receipt.locator == f"lmtp:{dovecot.lmtp_socket}/{dovecot_user.name};TOKEN=a/1"
    assert destination.describe() == f"the LMTP server {dovecot.lmtp_socket}"
    assert len(dovecot.server_messages(dovecot_user.name)) == 2


def test_a_server_that_is_down() -> None:
    spec = parse_deliver(f"lmtp://127.0.0.1:{free_port()}")
    destination = LmtpDestination(spec, recipient="ann", timeout=5)
    with pytest.raises(DestinationUnavailableError) as caught:
        destination.open()
    assert "connection refused" in str(caught.value)
    with pytest.raises(DestinationUnavailableError):
        destination.deliver([outgoing(message("never"))])
    destination.close()


def test_a_missing_unix_socket(tmp_path: Path) -> None:
    destination = LmtpDestination(parse_deliver(f"lmtp:{tmp_path}/none"), recipient="ann")
    with pytest.raises(DestinationUnavailableError) as caught:
        destination.open()
    assert str(caught.value) == (
        f"The LMTP server cannot take mail now: could not connect to {tmp_path}/none: "
        "no such file or directory"
    )


# --------------------------------------------------------------------------------------------
# A scripted server


def test_a_4xx_defers_one_message_and_the_next_goes_through(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(answers(dot=[b"451 4.3.0 Mailbox busy, try again\r\n"]))
    destination = fake_lmtp(server)
    destination.open()
    try:
        first = destination.deliver([outgoing(message("busy"), "a/1")])
        second = destination.deliver([outgoing(message("fine"), "a/2")])
    finally:
        destination.close()
    assert isinstance(first[0], Deferred)
    assert "451 4.3.0 Mailbox busy, try again" in str(first[0].reason)
    assert "asks to try later" in str(first[0].reason)
    assert isinstance(second[0], Accepted)
    assert server.connections == 1
    verbs = [command.split(" ")[0].split(":")[0] for command in server.commands]
    assert verbs == ["LHLO", "MAIL", "RCPT", "DATA", "RSET", "MAIL", "RCPT", "DATA", "QUIT"]


def test_a_refused_recipient_skips_the_data(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(
        answers(
            RCPT=[b"550 5.1.1 no such user\r\n", b"452 4.2.2 over quota\r\n"],
            DATA=[b"503 5.5.1 no valid recipients\r\n", b"503 5.5.1 no valid recipients\r\n"],
        )
    )
    destination = fake_lmtp(server)
    destination.open()
    try:
        refused = destination.deliver([outgoing(message("one"), "a/1")])
        deferred = destination.deliver([outgoing(message("two"), "a/2")])
        accepted = destination.deliver([outgoing(message("three"), "a/3")])
    finally:
        destination.close()
    assert isinstance(refused[0], Refused) and "550 5.1.1 no such user" in str(refused[0].reason)
    assert isinstance(deferred[0], Deferred) and "452 4.2.2" in str(deferred[0].reason)
    assert isinstance(accepted[0], Accepted)
    assert len(server.messages) == 1


def test_without_pipelining_commands_go_one_by_one(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(answers(LHLO=[b"250 fake.example\r\n"], MAIL=[b"451 4.3.0 later\r\n"]))
    destination = fake_lmtp(server)
    destination.open()
    try:
        (outcome,) = destination.deliver([outgoing(message("one"))])
        (again,) = destination.deliver([outgoing(message("two"))])
    finally:
        destination.close()
    assert isinstance(outcome, Deferred) and isinstance(again, Accepted)
    # The failed MAIL FROM was not followed by RCPT TO or DATA.
    verbs = [command.split(" ")[0].split(":")[0] for command in server.commands]
    assert verbs == ["LHLO", "MAIL", "RSET", "MAIL", "RCPT", "DATA", "QUIT"]
    assert "BODY=8BITMIME" not in server.commands[1]  # not announced


def test_mail_from_carries_the_return_path(fake: Callable[..., FakeLmtp]) -> None:
    server = fake()
    destination = fake_lmtp(server)
    destination.open()
    try:
        folded = b"Return-Path:\r\n <owner-list@example.net>\r\n"
        destination.deliver([outgoing(message("one", headers=folded))])
        destination.deliver([outgoing(message("two", headers=b"Return-Path: <>\r\n"))])
    finally:
        destination.close()
    mails = [command for command in server.commands if command.startswith("MAIL")]
    assert mails == [
        "MAIL FROM:<owner-list@example.net> BODY=8BITMIME",
        "MAIL FROM:<> BODY=8BITMIME",
    ]
    assert server.commands[mails.index(mails[0]) + 2].startswith("RCPT TO:<ann@example.org>")


def test_421_mid_session_stops_the_sync(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(answers(RCPT=[b"250 ok\r\n", b"421 4.3.2 shutting down\r\n"]))
    destination = fake_lmtp(server)
    destination.open()
    (first,) = destination.deliver([outgoing(message("one"))])
    assert isinstance(first, Accepted)
    with pytest.raises(DestinationUnavailableError) as caught:
        destination.deliver([outgoing(message("two"))])
    assert "is closing the connection: 421 4.3.2 shutting down" in str(caught.value)
    destination.close()


def test_a_dropped_connection_stops_the_sync(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(answers(dot=[None]))
    destination = fake_lmtp(server)
    destination.open()
    with pytest.raises(DestinationUnavailableError) as caught:
        destination.deliver([outgoing(message("one"))])
    assert "closed the connection" in str(caught.value)
    destination.close()


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (b"hello there\r\n", "cannot read: 'hello there'"),
        (b"250-first\r\n251 second\r\n", "cannot read: '251 second'"),
        (b"250 " + b"x" * 5000 + b"\r\n", "longer than 2048 octets"),
        (b"354 go ahead\r\n", "answered MAIL FROM with 354 go ahead"),
        (b"250-x\r\n" * 150, "cannot read"),
    ],
)
def test_a_malformed_reply_is_a_clear_error(
    fake: Callable[..., FakeLmtp], reply: bytes, words: str
) -> None:
    server = fake(answers(MAIL=[reply]))
    destination = fake_lmtp(server)
    destination.open()
    with pytest.raises(DestinationUnavailableError) as caught:
        destination.deliver([outgoing(message("one"))])
    assert words in str(caught.value)
    destination.close()


def test_a_greeting_that_refuses(fake: Callable[..., FakeLmtp]) -> None:
    server = fake(answers(LHLO=[b"554 5.7.1 go away\r\n"]))
    with pytest.raises(DestinationUnavailableError) as caught:
        fake_lmtp(server).open()
    assert "refused LHLO: 554 5.7.1 go away" in str(caught.value)


@pytest.fixture
def other_address() -> str:
    """An address of this machine that is not loopback, for a server "on another computer"."""
    address = non_loopback_address()
    if address is None:  # a container's eth0 is one; fail rather than pass untested
        pytest.fail("this machine has no IPv4 address other than loopback")
    return address


def test_no_starttls_towards_another_computer_is_refused(
    fake: Callable[..., FakeLmtp], other_address: str
) -> None:
    server = fake(host=other_address)
    with pytest.raises(DestinationError) as caught:
        fake_lmtp(server).open()
    assert "does not offer STARTTLS" in str(caught.value)
    assert server.commands[-1].startswith("LHLO") and server.messages == []
    allowed = fake_lmtp(server, require_tls=False)  # "security none"
    allowed.open()
    (outcome,) = allowed.deliver([outgoing(message("clear"))])
    allowed.close()
    assert isinstance(outcome, Accepted)


@pytest.fixture
def starttls_server(
    fake: Callable[..., FakeLmtp], other_address: str, test_pki: TestPKI
) -> FakeLmtp:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(test_pki.server_cert, test_pki.server_key)
    extensions = b"250-fake\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
    return fake(answers(LHLO=[extensions, extensions]), host=other_address, tls=context)


@pytest.mark.parametrize("require_tls", [True, False])
def test_starttls_towards_another_computer(
    starttls_server: FakeLmtp, test_pki: TestPKI, require_tls: bool
) -> None:
    # The test certificate names localhost, not this address: trusted by its pin.
    pinned = TLSSettings(fingerprint=test_pki.fingerprint(test_pki.server_cert))
    destination = fake_lmtp(starttls_server, tls=pinned, require_tls=require_tls)
    destination.open()
    (outcome,) = destination.deliver([outgoing(message("secret"))])
    destination.close()
    assert isinstance(outcome, Accepted)
    commands = starttls_server.commands
    assert commands[1] == "STARTTLS" and commands[2].startswith("LHLO ")


def test_an_untrusted_certificate_stops_with_its_details(
    starttls_server: FakeLmtp, test_pki: TestPKI
) -> None:
    destination = fake_lmtp(starttls_server)  # neither a CA file nor a pin
    with pytest.raises(LmtpCertificateError) as caught:
        destination.open()
    assert isinstance(caught.value, CertificateError)
    assert isinstance(caught.value, DestinationUnavailableError)
    # The details of the refused certificate, seen again through the STARTTLS prelude.
    assert caught.value.fingerprint == test_pki.fingerprint(test_pki.server_cert)
    assert str(caught.value).startswith("The LMTP server cannot take mail now:")
    destination.close()  # safe after a failure
    assert starttls_server.messages == []


@pytest.mark.parametrize("recipient", ["", "ann smith", "ann>\r\nRCPT TO:<eve", "<ann>"])
def test_a_recipient_that_is_not_an_address(fake: Callable[..., FakeLmtp], recipient: str) -> None:
    server = fake()
    spec = parse_deliver(f"lmtp://{server.host}:{server.port}")
    with pytest.raises(DestinationError) as caught:
        LmtpDestination(spec, recipient=recipient).open()
    assert "is not a mail address for the LMTP recipient" in str(caught.value)
    assert server.commands == []


def test_is_local() -> None:
    for host in (
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "[::1]",
        "localhost",
        "LocalHost.",
        "a.localhost",
    ):
        assert is_local(host), host
    for host in ("mail.example.org", "192.0.2.7", "2001:db8::1", "localhost.example.org", "vm"):
        assert not is_local(host), host


def test_cancel_wakes_a_wait_for_the_server(fake: Callable[..., FakeLmtp]) -> None:
    release = threading.Event()

    def slow(command: str) -> bytes | None:
        if command == ".":
            release.wait(20)
        return answers()(command)

    server = fake(slow)
    cancel = CancelToken()
    destination = fake_lmtp(server, cancel=cancel)
    destination.open()
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    try:
        with pytest.raises(CancelledError):
            destination.deliver([outgoing(message("one"))])
    finally:
        release.set()
        timer.join()
        destination.close()


def test_a_big_message_is_streamed(fake: Callable[..., FakeLmtp], tmp_path: Path) -> None:
    line = b"x" * 998 + b"\n"  # LF in the spool: CRLF on the wire
    spool = tmp_path / "big.eml"
    with spool.open("wb") as out:
        out.write(b"Subject: big\n\n")
        for _ in range(20 * 1024):
            out.write(line)
    server = fake(keep=False)
    destination = fake_lmtp(server)
    destination.open()
    try:
        with spool.open("rb") as file:
            tracemalloc.start()
            try:
                (outcome,) = destination.deliver([outgoing(b"", file=file)])
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    finally:
        destination.close()
    assert isinstance(outcome, Accepted)
    assert server.sizes == [spool.stat().st_size + 20 * 1024 + 2]  # each LF became CRLF
    assert peak < 2 * 1024 * 1024, peak


# --------------------------------------------------------------------------------------------
# The message on the wire


def wire(content: bytes, size: int = 65536) -> bytes:
    return b"".join(data_blocks(io.BytesIO(content), size))


@pytest.mark.parametrize("size", [1, 2, 3, 7, 65536])
def test_data_blocks(size: int) -> None:
    assert wire(b"", size) == b".\r\n"
    assert wire(b"a\nb\n", size) == b"a\r\nb\r\n.\r\n"
    assert wire(b"a\r\nb", size) == b"a\r\nb\r\n.\r\n"
    assert wire(b".\r\n..x\n.", size) == b"..\r\n...x\r\n..\r\n.\r\n"
    assert wire(b"a.b\r\nc\r.d\r\n", size) == b"a.b\r\nc\r.d\r\n.\r\n"  # a lone CR stays
    assert wire(b"end\r", size) == b"end\r\n.\r\n"


def test_data_blocks_are_bounded() -> None:
    blocks = list(data_blocks(io.BytesIO(b"y" * 1000 + b"\n" + b".z\n" * 500), 100))
    assert max(len(block) for block in blocks) <= 100 + 3
    lines = b"".join(blocks).split(b"\r\n")
    assert lines == [b"y" * 1000, *[b"..z"] * 500, b".", b""]


def test_return_path() -> None:
    def path(head: bytes) -> bytes:
        return return_path(io.BytesIO(head + b"\r\nbody\r\nReturn-Path: <late@example.org>\r\n"))

    assert path(b"Return-Path: <a@example.org>\r\n") == b"a@example.org"
    assert path(b"return-path:a@example.org\n") == b"a@example.org"
    assert path(b"Subject: x\r\nReturn-Path:\r\n\t<b@example.org>\r\n") == b"b@example.org"
    assert path(b"Return-Path: <>\r\n") == b""
    assert path(b"Subject: no path\r\n") == b""
    assert path(b"Return-Path: <no-at-sign>\r\n") == b""
    assert path(b"Return-Path: <sp ace@example.org>\r\n") == b""
    assert path(b"Return-Path: <caf\xc3\xa9@example.org>\r\n") == b""
    assert path(b"Return-Path: <first@example.org>\r\nReturn-Path: <second@x.org>\r\n") == (
        b"first@example.org"
    )
