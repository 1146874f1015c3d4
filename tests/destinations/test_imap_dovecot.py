"""The IMAP destination against the real Dovecot: what lands, how it is named, how an
interrupted run is repaired, and every way the server can say no.

What landed is read back with a plain imaplib session, not with popgui's own client.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import imaplib
import io
import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from popgui.accounts.destination_spec import parse_deliver
from popgui.destinations.base import (
    Accepted,
    DestinationError,
    DestinationLoginError,
    DestinationUnavailableError,
    Outgoing,
    Pending,
)
from popgui.destinations.imap import ImapDestination
from popgui.destinations.imapclient import CommandFailed, IMAPClient
from popgui.errors import CancelledError, CredentialsError
from popgui.net.cancel import CancelToken
from popgui.net.transport import TLSSettings, Transport
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser, free_port, private_dovecot
from tests.support.oauth_introspection import IntrospectionServer

NO_UIDPLUS = "IMAP4rev1 SASL-IR LITERAL+ MULTIAPPEND"
NO_LITERAL_PLUS = "IMAP4rev1 SASL-IR UIDPLUS"
DOWNLOADED_AT = 1_796_000_000.0


# -- helpers -----------------------------------------------------------------------------------


def message_bytes(n: int, *, message_id: bool = True, body: bytes = b"", date: str = "") -> bytes:
    date = date or f"Tue, 0{1 + n % 9} Dec 2026 1{n % 10}:2{n % 10}:00 +0100"
    headers = [f"From: sender{n}@example.org", "To: ann@example.com", f"Date: {date}"]
    if message_id:
        headers.append(f"Message-ID: <m{n}.{id(headers)}@example.org>")
    headers.append(f"Subject: message {n}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + (body or f"body {n}\r\n".encode())


def outgoing(content: bytes, uid: str) -> Outgoing:
    """A spool file holding *content*, described as the engine describes it."""
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("latin-1")
    found = dict(re.findall(r"(?im)^(Message-ID|Date): *(.*?)\r?$", head))
    try:
        date = email.utils.parsedate_to_datetime(found["Date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        date = None
    return Outgoing(
        uid=uid,
        token=f"acct/{uid}",
        file=io.BytesIO(content),
        size=len(content),
        message_id=found.get("Message-ID", ""),
        date=date,
        downloaded_at=DOWNLOADED_AT,
    )


def pending_of(message: Outgoing, mark: str = "") -> Pending:
    return Pending(
        message.uid,
        message.token,
        message.size,
        message.message_id,
        message.date,
        message.downloaded_at,
        mark,
    )


def destination(
    server: DovecotServer,
    user: MailUser,
    pki: TestPKI,
    folder: str = "INBOX",
    *,
    implicit: bool = False,
    port: int | None = None,
    **options: Any,
) -> ImapDestination:
    scheme = "imaps" if implicit else "imap"
    port = port or (server.imaps_port if implicit else server.imap_port)
    spec = parse_deliver(f"{scheme}://{user.name}@127.0.0.1:{port}/{folder}")
    options.setdefault("secret", user.password)
    options.setdefault("timeout", 10)
    return ImapDestination(spec, tls=TLSSettings(ca_file=str(pki.ca_cert)), **options)


def read_back(server: DovecotServer, user: MailUser, folder: str = "INBOX") -> list[dict[str, Any]]:
    """Every message of the folder: uid, flags, internal date (epoch) and bytes."""
    with imaplib.IMAP4("127.0.0.1", server.imap_port) as session:
        session.login(user.name, user.password)
        session.select(folder, readonly=True)
        _, data = session.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE BODY.PEEK[])")
    found = []
    for item in data:
        if not isinstance(item, tuple):
            continue
        head = item[0]
        date = imaplib.Internaldate2tuple(head)
        uid = re.search(rb"UID (\d+)", head)
        assert date is not None and uid is not None
        found.append(
            {
                "uid": int(uid.group(1)),
                "flags": imaplib.ParseFlags(head),
                "date": int(time.mktime(date)),
                "body": item[1],
            }
        )
    return found


def crlf(content: bytes) -> bytes:
    return content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture
def sent_bytes(monkeypatch: pytest.MonkeyPatch) -> bytearray:
    """Everything popgui sends to any server during the test (the real send still runs)."""
    sent = bytearray()
    original = Transport.send

    def spy(self: Transport, data: bytes) -> None:
        sent.extend(data)
        original(self, data)

    monkeypatch.setattr(Transport, "send", spy)
    return sent


def delivered(dest: ImapDestination, batch: list[Outgoing]) -> list[str]:
    dest.prepare(batch)
    outcomes = dest.deliver(batch)
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes
    return [outcome.receipt.locator for outcome in outcomes if isinstance(outcome, Accepted)]


# -- delivering --------------------------------------------------------------------------------


def test_a_batch_lands_unread_with_its_date(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, sent_bytes: bytearray
) -> None:
    contents = [message_bytes(n) for n in range(5)]
    contents.append(message_bytes(5, date="not a date at all"))
    batch = [outgoing(content, f"uid{n}") for n, content in enumerate(contents)]
    dest = destination(dovecot, dovecot_user, test_pki)
    assert dest.describe() == "INBOX on 127.0.0.1"
    dest.open()
    try:
        locators = delivered(dest, batch)
    finally:
        dest.close()
    prefix = f"imap://{dovecot_user.name}@127.0.0.1:{dovecot.imap_port}/INBOX;UIDVALIDITY="
    assert all(re.fullmatch(re.escape(prefix) + r"\d+;UID=\d+", loc) for loc in locators)
    assert len(set(locators)) == 6
    landed = read_back(dovecot, dovecot_user)
    assert [m["body"] for m in landed] == contents
    assert all("\\Seen" not in m["flags"] for m in landed)
    expected = [m.date if m.date is not None else DOWNLOADED_AT for m in batch]
    assert [m["date"] for m in landed] == [int(when) for when in expected]
    assert [f";UID={m['uid']}" for m in landed] == [loc[loc.rindex(";") :] for loc in locators]
    # Pipelined: non-synchronising literals, and the password never in clear text.
    assert sent_bytes.count(b"+}\r\n") == 6
    assert dovecot_user.password.encode() not in sent_bytes


def test_without_uidplus_the_token_names_the_message(test_pki: TestPKI, tmp_path: Path) -> None:
    with private_dovecot(test_pki, imap_capability=NO_UIDPLUS) as server:
        user = MailUser("ann", "secret", server.add_user("ann", "secret"))
        batch = [outgoing(message_bytes(n), f"u{n}") for n in range(3)]
        dest = destination(server, user, test_pki)
        dest.open()
        try:
            locators = delivered(dest, batch)
        finally:
            dest.close()
        assert locators == [
            f"imap://ann@127.0.0.1:{server.imap_port}/INBOX;TOKEN=acct%2Fu{n}" for n in range(3)
        ]
        assert len(read_back(server, user)) == 3


def test_without_literal_plus_each_literal_waits(test_pki: TestPKI, sent_bytes: bytearray) -> None:
    with private_dovecot(test_pki, imap_capability=NO_LITERAL_PLUS) as server:
        user = MailUser("ann", "secret", server.add_user("ann", "secret"))
        contents = [message_bytes(n) for n in range(4)]
        dest = destination(server, user, test_pki)
        dest.open()
        try:
            delivered(dest, [outgoing(c, f"u{n}") for n, c in enumerate(contents)])
        finally:
            dest.close()
        assert b"+}\r\n" not in sent_bytes and sent_bytes.count(b"}\r\n") == 4
        assert [m["body"] for m in read_back(server, user)] == contents


def test_eight_bit_body_and_bare_line_feeds(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    body = "Grüße, ça va?\nLine two\n\nÉtat: 100 %\n".encode() + b"\xff\xfe raw\n" * 10_000
    content = message_bytes(1).replace(b"\r\n", b"\n") + body
    assert b"\r" not in content
    dest = destination(dovecot, dovecot_user, test_pki)
    dest.open()
    try:
        delivered(dest, [outgoing(content, "lf")])
    finally:
        dest.close()
    (landed,) = read_back(dovecot, dovecot_user)
    assert landed["body"] == crlf(content)


def test_a_large_message_streams_from_its_file(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, tmp_path: Path
) -> None:
    path = tmp_path / "big.eml"
    line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n"
    with path.open("wb") as file:
        file.write(message_bytes(1).replace(b"\r\n", b"\n"))
        for _ in range(20 * 1024 * 1024 // len(line)):
            file.write(line)
    size = path.stat().st_size
    with path.open("rb") as file:
        message = Outgoing("big", "acct/big", file, size, "<big@example.org>", None, DOWNLOADED_AT)
        dest = destination(dovecot, dovecot_user, test_pki, timeout=60)
        dest.open()
        try:
            tracemalloc.start()
            delivered(dest, [message])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            dest.close()
    assert peak < 2 * 1024 * 1024, peak  # a 20 MB message, never whole in memory
    with imaplib.IMAP4("127.0.0.1", dovecot.imap_port) as session:
        session.login(dovecot_user.name, dovecot_user.password)
        session.select("INBOX", readonly=True)
        _, data = session.fetch("1", "(RFC822.SIZE BODY.PEEK[])")
    wanted = hashlib.sha256(crlf(path.read_bytes()))
    assert f"RFC822.SIZE {len(crlf(path.read_bytes()))}".encode() in data[0][0]
    assert hashlib.sha256(data[0][1]).hexdigest() == wanted.hexdigest()


def test_implicit_tls(dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI) -> None:
    dest = destination(dovecot, dovecot_user, test_pki, implicit=True)
    dest.open()
    try:
        locators = delivered(dest, [outgoing(message_bytes(1), "one")])
        assert dest._client is not None and dest._client.transport.is_tls
    finally:
        dest.close()
    assert locators[0].startswith(f"imap://{dovecot_user.name}@127.0.0.1:{dovecot.imaps_port}/")
    assert len(read_back(dovecot, dovecot_user)) == 1


def test_starttls_on_imap(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    dest = destination(dovecot, dovecot_user, test_pki)
    dest.open()
    try:
        assert dest._client is not None and dest._client.transport.is_tls
    finally:
        dest.close()
    dest.close()  # twice is fine


# -- refusals ----------------------------------------------------------------------------------


def test_a_wrong_password(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    dest = destination(dovecot, dovecot_user, test_pki, secret="wrong")
    with pytest.raises(DestinationLoginError) as caught:
        dest.open()
    # Not the POP account's own CredentialsError: a front end would ask for its password.
    assert not isinstance(caught.value, CredentialsError)
    said = str(caught.value)
    assert dovecot_user.name in said and "127.0.0.1" in said
    assert "Authentication failed" in said and "password" in said


def test_a_server_that_is_down(dovecot_user: MailUser, test_pki: TestPKI) -> None:
    spec = parse_deliver(f"imap://ann@127.0.0.1:{free_port()}/INBOX")
    dest = ImapDestination(spec, secret="x", timeout=5)
    with pytest.raises(DestinationUnavailableError) as caught:
        dest.open()
    assert "connection refused" in str(caught.value) and "INBOX on 127.0.0.1" in str(caught.value)


def test_a_missing_folder_is_named_and_not_created(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    dest = destination(dovecot, dovecot_user, test_pki, "Archvie")
    with pytest.raises(DestinationError) as caught:
        dest.open()
    assert not isinstance(caught.value, DestinationUnavailableError | DestinationLoginError)
    assert "'Archvie'" in str(caught.value) and "does not create folders" in str(caught.value)
    assert not (dovecot.maildir(dovecot_user.name) / ".Archvie").exists()


def test_a_folder_with_an_odd_name(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    with imaplib.IMAP4("127.0.0.1", dovecot.imap_port) as session:
        session.login(dovecot_user.name, dovecot_user.password)
        assert session.create('"Re&AOc-us 2026"')[0] == "OK"  # "Reçus 2026"
    dest = destination(dovecot, dovecot_user, test_pki, "Re%C3%A7us%202026")
    dest.open()
    try:
        delivered(dest, [outgoing(message_bytes(1), "one")])
    finally:
        dest.close()
    assert len(read_back(dovecot, dovecot_user, '"Re&AOc-us 2026"')) == 1


# -- no STARTTLS: nothing secret leaves ---------------------------------------------------------


@pytest.fixture
def clear_server() -> Iterator[Callable[[], tuple[int, bytearray]]]:
    """An IMAP server without STARTTLS that refuses every login: its port, and what it got."""
    listeners: list[socket.socket] = []

    def start() -> tuple[int, bytearray]:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)
        received = bytearray()

        def serve() -> None:
            conn, _ = listener.accept()
            with conn, conn.makefile("rwb", buffering=0) as stream:
                stream.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] clear only\r\n")
                for line in stream:
                    received.extend(line)
                    tag = line.split(b" ", 1)[0]
                    stream.write(tag + b" NO [AUTHENTICATIONFAILED] nope\r\n")

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1]), received

    yield start
    for listener in listeners:
        listener.close()


def test_no_starttls_means_no_password_sent(
    clear_server: Callable[[], tuple[int, bytearray]],
) -> None:
    port, received = clear_server()
    dest = ImapDestination(parse_deliver(f"imap://ann@127.0.0.1:{port}/INBOX"), secret="s3cret")
    with pytest.raises(DestinationError) as caught:
        dest.open()
    assert "STARTTLS" in str(caught.value) and "'ann'" in str(caught.value)
    assert not isinstance(caught.value, DestinationLoginError)
    assert b"AUTHENTICATE" not in received and b"LOGIN" not in received
    # Allowed clear text (deliver_security none): it signs in, and is refused.
    port, received = clear_server()
    spec = parse_deliver(f"imap://ann@127.0.0.1:{port}/INBOX")
    dest = ImapDestination(spec, secret="s3cret", require_tls=False)
    with pytest.raises(DestinationLoginError):
        dest.open()
    assert b"AUTHENTICATE PLAIN" in received


# -- exactly once ------------------------------------------------------------------------------


def test_recover_finds_what_an_earlier_run_delivered(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    twin = message_bytes(7, message_id=False)
    earlier = outgoing(message_bytes(9), "earlier")  # in the folder before the batch began
    landed = [
        outgoing(message_bytes(1), "with-id"),
        outgoing(message_bytes(2, message_id=False), "no-id"),
        outgoing(message_bytes(3, message_id=False, date="garbage"), "no-date"),
        outgoing(twin, "twin-a"),
    ]
    lost = [
        outgoing(message_bytes(4), "never-sent"),
        outgoing(message_bytes(5, message_id=False), "never-sent-no-id"),
        outgoing(twin, "twin-b"),  # identical to twin-a: one copy answers for one only
        outgoing(message_bytes(9), "earlier-again"),
    ]
    lost[-1] = dataclasses.replace(lost[-1], message_id=earlier.message_id)
    first = destination(dovecot, dovecot_user, test_pki)
    first.open()
    try:
        delivered(first, [earlier])
        marks = first.prepare(landed + lost)
        first.deliver(landed)  # killed before the rest went out, and before the record
    finally:
        first.close()
    pending = [pending_of(m, mark) for m, mark in zip(landed + lost, marks, strict=True)]
    second = destination(dovecot, dovecot_user, test_pki)
    second.open()
    try:
        found = second.recover(pending)
    finally:
        second.close()
    assert sorted(found) == sorted(m.uid for m in landed)
    uids = {m["uid"] for m in read_back(dovecot, dovecot_user)}
    assert {int(r.locator.rsplit("=", 1)[1]) for r in found.values()} <= uids
    assert len({r.locator for r in found.values()}) == len(landed)
    # Without marks (an older run's rows) the Message-ID or size and date still find them.
    third = destination(dovecot, dovecot_user, test_pki)
    third.open()
    try:
        unmarked = third.recover([pending_of(m) for m in landed[:3]])
    finally:
        third.close()
    assert sorted(unmarked) == sorted(m.uid for m in landed[:3])


# -- stopping ----------------------------------------------------------------------------------


def test_a_cancel_during_a_batch(
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cancel = CancelToken()
    batch = [outgoing(message_bytes(n, body=b"x" * 200_000 + b"\r\n"), f"c{n}") for n in range(20)]
    dest = destination(dovecot, dovecot_user, test_pki, cancel=cancel)
    dest.open()
    sends = 0
    original = Transport.send

    def send(self: Transport, data: bytes) -> None:
        nonlocal sends
        sends += 1
        if sends == 10:  # the Stop button, pressed from another thread mid-batch
            stopper = threading.Thread(target=cancel.cancel)
            stopper.start()
            stopper.join()
        original(self, data)

    monkeypatch.setattr(Transport, "send", send)
    try:
        with pytest.raises(CancelledError):
            dest.prepare(batch)
            dest.deliver(batch)
    finally:
        dest.close()
    monkeypatch.setattr(Transport, "send", original)
    assert len(read_back(dovecot, dovecot_user)) < len(batch)


def test_recover_ignores_what_was_there_before(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    """The same Message-ID, size and date, but appended before the batch began: not ours
    (IMAP's "n:*" still matches the last message when n is beyond it)."""
    before = outgoing(message_bytes(1), "before")
    before_no_id = outgoing(message_bytes(2, message_id=False), "before-no-id")
    again = [dataclasses.replace(before, uid="again"), dataclasses.replace(before_no_id, uid="b")]
    dest = destination(dovecot, dovecot_user, test_pki)
    dest.open()
    try:
        delivered(dest, [before, before_no_id])
        marks = dest.prepare(again)
        assert (
            dest.recover([pending_of(m, mark) for m, mark in zip(again, marks, strict=True)]) == {}
        )
    finally:
        dest.close()


# -- signing in --------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ['pa"ss\\word x', "pässwörd ✓"])
def test_login_with_odd_characters(
    dovecot: DovecotServer, test_pki: TestPKI, password: str, sent_bytes: bytearray
) -> None:
    """LOGIN (what a server without AUTHENTICATE PLAIN gets): a quoted string, or a literal
    for characters a quoted string cannot carry."""
    name = "oddascii" if password.isascii() else "oddutf8"
    dovecot.add_user(name, password)
    transport = Transport.connect(
        "127.0.0.1", dovecot.imap_port, security="none", timeout=10, tls=TLSSettings()
    )
    client = IMAPClient(transport)
    try:
        client.greet()
        client.login(name, password)
        assert "UIDPLUS" in client.capabilities  # asked again after the login
        with pytest.raises(CommandFailed):
            client.login(name, password)  # already signed in: refused, session goes on
        client.run("NOOP")
    finally:
        client.logout()
        client.close()
    literal = b"{%d+}\r\n" % len(password.encode())
    assert (literal in sent_bytes) == (not password.isascii())


def test_oauth2_access_token(test_pki: TestPKI) -> None:
    with IntrospectionServer() as introspection:
        introspection.register("good-token", "ann")
        url = introspection.url
        with private_dovecot(test_pki, oauth2_introspection_url=url) as server:
            user = MailUser("ann", "not-used", server.add_user("ann", "not-used"))
            dest = destination(server, user, test_pki, secret="good-token", oauth2=True)
            dest.open()
            try:
                delivered(dest, [outgoing(message_bytes(1), "one")])
            finally:
                dest.close()
            dest = destination(server, user, test_pki, secret="stale-token", oauth2=True)
            with pytest.raises(DestinationLoginError) as caught:
                dest.open()
            assert len(read_back(server, user)) == 1
        assert introspection.questions >= 2
    assert "token" in str(caught.value) and "'ann'" in str(caught.value)
