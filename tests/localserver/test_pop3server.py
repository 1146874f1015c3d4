"""The local POP3 server, driven with raw sockets and poplib."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import poplib
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.localserver import (
    Faults,
    LocalPOP3Server,
    ServerAccount,
    ServerMailbox,
    dot_stuff,
    sample_messages,
)
from tests.localserver import RawClient, make_self_signed, wait_until

MSG1 = b"From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n.hidden dot line\r\n.\r\nbye\r\n"
MSG2 = b"From: b@example.org\r\nSubject: two\r\n\r\nline 1\r\nline 2\r\nline 3\r\n"
MSG3 = b"From: c@example.org\r\nSubject: three\r\n\r\n" + b"x" * 10_000 + b"\r\n"


@pytest.fixture
def account() -> ServerAccount:
    mailbox = ServerMailbox()
    for content in (MSG1, MSG2, MSG3):
        mailbox.add(content)
    return ServerAccount("sam", "s3cret pass", mailbox)


@pytest.fixture
def server(account: ServerAccount) -> Iterator[LocalPOP3Server]:
    with LocalPOP3Server([account], xoauth2_tokens={"sam": "tok-123"}) as srv:
        yield srv


@pytest.fixture(scope="module")
def cert_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_self_signed(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def server_tls(cert_pair: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert_pair)
    return context


@pytest.fixture
def client_tls(cert_pair: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert_pair[0]))


def login(client: RawClient, user: str = "sam", password: str = "s3cret pass") -> str:
    assert client.line().startswith(b"+OK")
    assert client.cmd(f"USER {user}").startswith("+OK")
    return client.cmd(f"PASS {password}")


def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode()


def unb64(reply: str) -> bytes:
    assert reply.startswith("+ "), reply
    return base64.b64decode(reply[2:])


# -- RFC 1939 ---------------------------------------------------------------------------------


def test_full_session(server: LocalPOP3Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        greeting = c.line().decode()
        assert re.fullmatch(
            r"\+OK popgui-localserver POP3 server ready <\d+\.\d+@localhost>", greeting
        )
        assert c.cmd("NOOP").startswith("-ERR")  # only in TRANSACTION
        assert c.cmd("user sam") == "+OK send PASS"  # keywords are case-insensitive
        total = len(MSG1) + len(MSG2) + len(MSG3)
        assert c.cmd("PASS s3cret pass") == f"+OK maildrop has 3 messages ({total} octets)"
        assert c.cmd("STAT") == f"+OK 3 {len(MSG1) + len(MSG2) + len(MSG3)}"
        assert c.cmd("LIST").startswith("+OK 3 messages")
        assert c.multiline_body() == f"1 {len(MSG1)}\r\n2 {len(MSG2)}\r\n3 {len(MSG3)}\r\n".encode()
        assert c.cmd("LIST 2") == f"+OK 2 {len(MSG2)}"
        uids = account.mailbox.uids()
        assert c.cmd("UIDL").startswith("+OK")
        assert c.multiline_body() == "".join(f"{i} {u}\r\n" for i, u in enumerate(uids, 1)).encode()
        assert c.cmd("UIDL 3") == f"+OK 3 {uids[2]}"
        assert c.cmd("RETR 1") == f"+OK {len(MSG1)} octets"
        assert c.multiline_body() == MSG1
        assert c.cmd("DELE 1") == "+OK message 1 deleted"
        assert c.cmd("DELE 1").startswith("-ERR")
        assert c.cmd("RETR 1").startswith("-ERR")
        assert c.cmd("LIST 1").startswith("-ERR")
        assert c.cmd("LIST 4").startswith("-ERR")
        assert c.cmd("RETR x").startswith("-ERR")
        assert c.cmd("LIST").startswith("+OK 2 messages")
        assert c.multiline_body() == f"2 {len(MSG2)}\r\n3 {len(MSG3)}\r\n".encode()
        assert c.cmd("RSET").startswith("+OK maildrop has 3 messages")
        assert c.cmd("DELE 2").startswith("+OK")
        assert c.cmd("NOOP") == "+OK"
        assert c.cmd("BOGUS") == "-ERR unknown command"
        assert c.cmd("QUIT").startswith("+OK")
        assert c.at_eof()
    assert account.mailbox.contents() == [MSG1, MSG3]
    assert not account.mailbox.locked
    assert server.session_logs[-1][:3] == ["NOOP", "user sam", "PASS ****"]
    assert "s3cret" not in " ".join(server.log)


def test_deletions_only_after_quit(server: LocalPOP3Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        assert login(c).startswith("+OK")
        assert c.cmd("DELE 1").startswith("+OK")
        assert c.cmd("DELE 3").startswith("+OK")
        assert c.cmd("NOOP") == "+OK"
        assert len(account.mailbox) == 3
        assert c.cmd("QUIT").startswith("+OK")
    assert account.mailbox.contents() == [MSG2]


def test_dropped_connection_deletes_nothing(
    server: LocalPOP3Server, account: ServerAccount
) -> None:
    with RawClient(server.address) as c:
        assert login(c).startswith("+OK")
        assert c.cmd("DELE 1").startswith("+OK")
        assert account.mailbox.locked
    assert wait_until(lambda: not account.mailbox.locked)
    assert len(account.mailbox) == 3


def test_quit_in_authorization_deletes_nothing(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("QUIT").startswith("+OK")
        assert c.at_eof()


def test_session_snapshot_ignores_new_mail(server: LocalPOP3Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        login(c)
        account.mailbox.add(b"Subject: late\r\n\r\nnew\r\n")
        assert c.cmd("STAT").startswith("+OK 3 ")
        assert c.cmd("RETR 4").startswith("-ERR")
        c.cmd("QUIT")


def test_pipelined_commands_in_one_send(server: LocalPOP3Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        c.line()
        c.send(
            b"CAPA\r\nUSER sam\r\nPASS s3cret pass\r\nSTAT\r\nLIST\r\nUIDL\r\n"
            + b"".join(f"RETR {n}\r\n".encode() for n in (1, 2, 3))
            + b"TOP 2 1\r\nDELE 2\r\nQUIT\r\n"
        )
        assert c.line() == b"+OK Capability list follows"
        assert b"PIPELINING\r\n" in c.multiline_body()
        assert c.line() == b"+OK send PASS"
        assert c.line().startswith(b"+OK maildrop")
        assert c.line().startswith(b"+OK 3 ")
        assert c.line().startswith(b"+OK 3 messages")
        c.multiline_body()
        assert c.line() == b"+OK unique-id listing"
        c.multiline_body()
        for content in (MSG1, MSG2, MSG3):
            assert c.line() == f"+OK {len(content)} octets".encode()
            assert c.multiline_body() == content
        assert c.line() == b"+OK top of message follows"
        assert c.multiline_body() == MSG2.split(b"line 2")[0]
        assert c.line() == b"+OK message 2 deleted"
        assert c.line().startswith(b"+OK")
        assert c.at_eof()
    assert account.mailbox.contents() == [MSG1, MSG3]


def test_many_pipelined_retrs(account: ServerAccount) -> None:
    mailbox = ServerMailbox([b"Subject: %d\r\n\r\n%s\r\n" % (i, b".x" * i) for i in range(300)])
    with LocalPOP3Server([ServerAccount("u", "p", mailbox)]) as srv, RawClient(srv.address) as c:
        login(c, "u", "p")
        c.send(b"".join(b"RETR %d\r\n" % n for n in range(1, 301)))
        for content in mailbox.contents():
            assert c.line().startswith(b"+OK")
            assert c.multiline_body() == content


def test_pipelining_refused_when_not_offered(account: ServerAccount) -> None:
    with LocalPOP3Server([account], pipelining=False) as srv, RawClient(srv.address) as c:
        c.line()
        c.send(b"CAPA\r\n")
        assert c.line() == b"+OK Capability list follows"
        assert b"PIPELINING" not in c.multiline_body()
        c.send(b"USER sam\r\nPASS s3cret pass\r\n")
        assert c.line().startswith(b"-ERR")
        assert c.at_eof()


def test_top(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        login(c)
        head = b"From: a@example.org\r\nSubject: one\r\n\r\n"
        assert c.cmd("TOP 1 0") == "+OK top of message follows"
        assert c.multiline_body() == head
        c.cmd("TOP 1 2")
        assert c.multiline_body() == head + b"Hello\r\n.hidden dot line\r\n"
        c.send(b"TOP 1 3\r\n")
        c.line()
        expected = head + b"Hello\r\n..hidden dot line\r\n..\r\n.\r\n"
        assert c.exact(len(expected)) == expected
        c.cmd("TOP 1 99")
        assert c.multiline_body() == MSG1
        assert c.cmd("TOP 1").startswith("-ERR")
        assert c.cmd("TOP 1 -1").startswith("-ERR")
        assert c.cmd("TOP 9 1").startswith("-ERR")


def test_dot_stuffing_on_the_wire(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        login(c)
        c.send(b"RETR 1\r\n")
        c.line()
        stuffed = MSG1.replace(b"\r\n.", b"\r\n..")
        assert c.exact(len(stuffed) + 3) == stuffed + b".\r\n"


def test_dot_stuff_function() -> None:
    assert dot_stuff(b".a\r\n.\r\nb\r\n..c\r\n") == b"..a\r\n..\r\nb\r\n...c\r\n"
    assert dot_stuff(b"") == b""
    assert dot_stuff(b"no final newline") == b"no final newline\r\n"


def test_samples_round_trip(account: ServerAccount) -> None:
    samples = sample_messages()
    mailbox = ServerMailbox(samples)
    assert mailbox.contents() == samples  # already CRLF: stored unchanged
    with LocalPOP3Server([ServerAccount("u", "p", mailbox)]) as srv, RawClient(srv.address) as c:
        login(c, "u", "p")
        c.cmd("LIST")
        sizes = [int(line.split()[1]) for line in c.multiline_body().splitlines()]
        assert sizes == [len(s) for s in samples]
        c.send(b"".join(b"RETR %d\r\n" % n for n in range(1, len(samples) + 1)))
        for sample in samples:
            assert c.line() == f"+OK {len(sample)} octets".encode()
            assert c.multiline_body() == sample


def test_poplib_session(server: LocalPOP3Server, account: ServerAccount) -> None:
    client = poplib.POP3(server.host, server.port, timeout=5)
    try:
        capabilities = client.capa()
        assert capabilities["SASL"] == [
            "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2",
        ]  # fmt: skip
        for name in ("TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"):
            assert name in capabilities
        assert capabilities["IMPLEMENTATION"] == ["popgui-localserver"]
        client.apop("sam", "s3cret pass")
        assert client.stat() == (3, len(MSG1) + len(MSG2) + len(MSG3))
        _resp, lines, _octets = client.retr(2)
        assert b"\r\n".join(lines) + b"\r\n" == MSG2
        after_login = client.capa()
        assert "SASL" not in after_login and "USER" not in after_login
        client.dele(3)
        client.quit()
    finally:
        client.close()
    assert account.mailbox.contents() == [MSG1, MSG2]


# -- locking and errors -----------------------------------------------------------------------


def test_in_use_on_concurrent_login(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as first, RawClient(server.address) as second:
        assert login(first).startswith("+OK")
        assert login(second).startswith("-ERR [IN-USE] ")
        assert second.cmd("QUIT").startswith("+OK")
        assert first.cmd("QUIT").startswith("+OK")
    with RawClient(server.address) as third:
        assert login(third).startswith("+OK")


def test_wrong_password(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        assert login(c, password="nope") == "-ERR [AUTH] invalid user name or password"
        assert c.cmd("PASS s3cret pass") == "-ERR PASS must follow USER"
        assert login_again(c).startswith("+OK")
    assert "PASS ****" in server.log
    assert "nope" not in " ".join(server.log)


def login_again(c: RawClient) -> str:
    assert c.cmd("USER sam").startswith("+OK")
    return c.cmd("PASS s3cret pass")


def test_unknown_user_gets_the_same_answer(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        assert login(c, user="ghost") == "-ERR [AUTH] invalid user name or password"


def test_no_response_codes_without_capa(account: ServerAccount) -> None:
    with LocalPOP3Server([account], capabilities=False) as srv, RawClient(srv.address) as c:
        c.line()
        assert c.cmd("CAPA") == "-ERR unknown command"
        assert c.cmd("USER sam").startswith("+OK")
        assert c.cmd("PASS bad") == "-ERR invalid user name or password"


def test_strict_syntax(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        c.send(b"CAPA\n")
        assert c.line() == b"-ERR command lines must end with CRLF"
        assert c.cmd("USER  sam").startswith("-ERR syntax")
        assert c.cmd("USER sam ").startswith("-ERR syntax")
        assert c.cmd("USER sam").startswith("+OK")
        assert c.cmd("PASS s3cret pass").startswith("+OK")
        assert c.cmd("STAT 1").startswith("-ERR")
        assert c.cmd("USER sam") == "-ERR command not valid in this state"
        c.send(b"NOOP " + b"x" * 300 + b"\r\n")
        assert c.line() == b"-ERR line too long"
        assert c.at_eof()


def test_apop(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        greeting = c.line().decode()
        timestamp = greeting[greeting.index("<") :]
        bad = hashlib.md5((timestamp + "wrong").encode()).hexdigest()
        assert c.cmd(f"APOP sam {bad}") == "-ERR [AUTH] authentication failed"
        good = hashlib.md5((timestamp + "s3cret pass").encode()).hexdigest()
        assert c.cmd(f"APOP sam {good}").startswith("+OK maildrop has 3")
    assert server.session_logs[-1][:2] == ["APOP sam ****", "APOP sam ****"]


def test_apop_disabled_has_no_timestamp(account: ServerAccount) -> None:
    with LocalPOP3Server([account], apop=False) as srv, RawClient(srv.address) as c:
        assert b"<" not in c.line()
        assert c.cmd("APOP sam 0123").startswith("-ERR")


# -- SASL -------------------------------------------------------------------------------------


def test_auth_plain_with_initial_response(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("AUTH PLAIN " + b64("\0sam\0s3cret pass")).startswith("+OK")
    assert server.session_logs[-1][0] == "AUTH PLAIN ****"


def test_auth_plain_two_steps_and_failures(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("AUTH PLAIN") == "+ "
        assert c.cmd(b64("\0sam\0wrong")) == "-ERR [AUTH] authentication failed"
        assert c.cmd("AUTH PLAIN") == "+ "
        assert c.cmd("*") == "-ERR authentication cancelled"
        assert c.cmd("AUTH PLAIN !!!").startswith("-ERR")
        assert c.cmd("AUTH PLAIN " + b64("other\0sam\0s3cret pass")).startswith("-ERR [AUTH]")
        assert c.cmd("AUTH KERBEROS_V4").startswith("-ERR unsupported")
        assert c.cmd("AUTH PLAIN") == "+ "
        assert c.cmd(b64("sam\0sam\0s3cret pass")).startswith("+OK")


def test_auth_login(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert unb64(c.cmd("AUTH LOGIN")) == b"Username:"
        assert unb64(c.cmd(b64("sam"))) == b"Password:"
        assert c.cmd(b64("s3cret pass")).startswith("+OK")
    with RawClient(server.address) as c:  # the username as initial response
        c.line()
        assert unb64(c.cmd("AUTH LOGIN " + b64("sam"))) == b"Password:"
        assert c.cmd(b64("bad")).startswith("-ERR [AUTH]")


def test_auth_cram_md5(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        challenge = unb64(c.cmd("AUTH CRAM-MD5"))
        assert re.fullmatch(rb"<\d+\.\d+@localhost>", challenge)
        digest = hmac.new(b"s3cret pass", challenge, "md5").hexdigest()
        assert c.cmd(b64(f"sam {digest}")).startswith("+OK")


def scram_client_final(
    hash_name: str, password: str, client_first_bare: str, server_first: str
) -> tuple[str, str]:
    """(client-final message, expected server-final) for a SCRAM exchange with "n,," GS2."""
    attributes = dict(item.split("=", 1) for item in server_first.split(","))
    salt, iterations = base64.b64decode(attributes["s"]), int(attributes["i"])
    salted = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", hash_name)
    stored_key = hashlib.new(hash_name, client_key).digest()
    without_proof = f"c=biws,r={attributes['r']}"
    auth_message = f"{client_first_bare},{server_first},{without_proof}".encode()
    signature = hmac.digest(stored_key, auth_message, hash_name)
    proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
    server_key = hmac.digest(salted, b"Server Key", hash_name)
    server_final = "v=" + b64(hmac.digest(server_key, auth_message, hash_name))
    return f"{without_proof},p={b64(proof)}", server_final


def test_scram_helper_matches_rfc_vectors() -> None:
    # RFC 5802 section 5 (SCRAM-SHA-1) and RFC 7677 section 3 (SCRAM-SHA-256).
    final, server_final = scram_client_final(
        "sha1", "pencil", "n=user,r=fyko+d2lbbFgONRv9qkxdawL",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    )  # fmt: skip
    assert final.endswith(",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
    assert server_final == "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
    final, server_final = scram_client_final(
        "sha256", "pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO",
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    )  # fmt: skip
    assert final.endswith(",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    assert server_final == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


@pytest.mark.parametrize(
    ("mechanism", "hash_name"), [("SCRAM-SHA-1", "sha1"), ("SCRAM-SHA-256", "sha256")]
)
@pytest.mark.parametrize("initial", [True, False])
def test_auth_scram(server: LocalPOP3Server, mechanism: str, hash_name: str, initial: bool) -> None:
    bare = "n=sam,r=Xq3nonceFromTheClient"
    with RawClient(server.address) as c:
        c.line()
        if initial:
            server_first = unb64(c.cmd(f"AUTH {mechanism} " + b64("n,," + bare))).decode()
        else:
            assert c.cmd(f"AUTH {mechanism}") == "+ "
            server_first = unb64(c.cmd(b64("n,," + bare))).decode()
        assert server_first.startswith("r=Xq3nonceFromTheClient")
        final, expected = scram_client_final(hash_name, "s3cret pass", bare, server_first)
        assert unb64(c.cmd(b64(final))).decode() == expected  # server-final as a challenge
        assert c.cmd("").startswith("+OK")  # RFC 5034: empty response, then +OK
    assert server.session_logs[-1][-2:] == ["****", ""]


def test_auth_scram_wrong_password(server: LocalPOP3Server) -> None:
    bare = "n=sam,r=abcdef"
    with RawClient(server.address) as c:
        c.line()
        server_first = unb64(c.cmd("AUTH SCRAM-SHA-256 " + b64("n,," + bare))).decode()
        final, _ = scram_client_final("sha256", "guess", bare, server_first)
        assert c.cmd(b64(final)) == "-ERR [AUTH] authentication failed"
        tampered = "n=sam,r=abcdef"
        server_first = unb64(c.cmd("AUTH SCRAM-SHA-256 " + b64("n,," + tampered))).decode()
        final, _ = scram_client_final("sha256", "s3cret pass", tampered, server_first)
        final = final.replace(",r=abcdef", ",r=abcdefX")
        assert c.cmd(b64(final)).startswith("-ERR")
        assert c.cmd("AUTH SCRAM-SHA-256 " + b64("p=tls-unique,,n=sam,r=x")).startswith("-ERR")


def test_xoauth2_two_step_ok(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("AUTH XOAUTH2") == "+ "
        assert c.cmd(b64("user=sam\x01auth=Bearer tok-123\x01\x01")).startswith("+OK")
    assert server.session_logs[-1] == ["AUTH XOAUTH2", "****"]


def test_xoauth2_failure(server: LocalPOP3Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("AUTH XOAUTH2") == "+ "
        error = json.loads(unb64(c.cmd(b64("user=sam\x01auth=Bearer expired\x01\x01"))))
        assert error["status"] == "401"
        assert c.cmd("") == "-ERR [AUTH] authentication failed"
        assert c.cmd("STAT").startswith("-ERR")  # still in AUTHORIZATION


# -- TLS --------------------------------------------------------------------------------------


def test_stls_then_capa(
    account: ServerAccount, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    with (
        LocalPOP3Server([account], starttls=server_tls, plaintext_requires_tls=True) as srv,
        RawClient(srv.address) as c,
    ):
        c.line()
        c.cmd("CAPA")
        before = c.multiline_body().decode().splitlines()
        assert "STLS" in before and "USER" not in before
        assert "SASL CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256" in before
        assert c.cmd("USER sam").startswith("-ERR [AUTH]")
        assert c.cmd("AUTH PLAIN " + b64("\0sam\0s3cret pass")).startswith("-ERR [AUTH]")
        assert c.cmd("STLS") == "+OK Begin TLS negotiation"
        c.start_tls(client_tls)
        c.cmd("CAPA")
        after = c.multiline_body().decode().splitlines()
        assert "STLS" not in after and "USER" in after
        assert "SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256" in after
        assert c.cmd("STLS").startswith("-ERR")
        assert login_again(c).startswith("+OK")
        assert c.cmd("RETR 2").startswith("+OK")
        assert c.multiline_body() == MSG2
        assert c.cmd("QUIT").startswith("+OK")


def test_stls_discards_injected_plaintext(
    account: ServerAccount, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    with LocalPOP3Server([account], starttls=server_tls) as srv, RawClient(srv.address) as c:
        c.line()
        c.send(b"STLS\r\nUSER sam\r\n")
        assert c.line() == b"+OK Begin TLS negotiation"
        c.start_tls(client_tls)
        assert c.cmd("PASS s3cret pass") == "-ERR PASS must follow USER"


def test_implicit_tls_with_poplib(
    account: ServerAccount, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    with LocalPOP3Server([account], implicit_tls=server_tls) as srv:
        client = poplib.POP3_SSL(srv.host, srv.port, context=client_tls, timeout=5)
        try:
            assert "STLS" not in client.capa()
            client.user("sam")
            client.pass_("s3cret pass")
            _resp, lines, _octets = client.retr(1)  # poplib: no lines over 2048 octets
            assert b"\r\n".join(lines) + b"\r\n" == MSG1
            client.quit()
        finally:
            client.close()


# -- extensions and limits ----------------------------------------------------------------------


def test_capa_optional_capabilities(account: ServerAccount) -> None:
    with (
        LocalPOP3Server([account], login_delay=60, expire="NEVER", uidl=False, top=False,
                        sasl=(), implementation="test-impl") as srv,
        RawClient(srv.address) as c,
    ):  # fmt: skip
        c.line()
        c.cmd("CAPA")
        lines = c.multiline_body().decode().splitlines()
        assert lines == [
            "USER",
            "RESP-CODES",
            "AUTH-RESP-CODE",
            "PIPELINING",
            "LOGIN-DELAY 60",
            "EXPIRE NEVER",
            "IMPLEMENTATION test-impl",
        ]
        assert c.cmd("AUTH PLAIN") == "-ERR unknown command"
        login_again(c)
        assert c.cmd("UIDL") == "-ERR unknown command"
        assert c.cmd("TOP 1 1") == "-ERR unknown command"


def test_login_delay_enforced(account: ServerAccount) -> None:
    with LocalPOP3Server([account], login_delay=900) as srv:
        with RawClient(srv.address) as c:
            assert login(c).startswith("+OK")
            c.cmd("QUIT")
        with RawClient(srv.address) as c:
            assert login(c).startswith("-ERR [LOGIN-DELAY] ")


def test_expire_zero_deletes_retrieved(account: ServerAccount) -> None:
    with LocalPOP3Server([account], expire="0") as srv, RawClient(srv.address) as c:
        login(c)
        c.cmd("RETR 2")
        c.multiline_body()
        c.cmd("TOP 3 0")
        c.multiline_body()
        c.cmd("QUIT")
    assert account.mailbox.contents() == [MSG1, MSG3]


def test_long_message_lines(account: ServerAccount) -> None:
    big = b"Subject: big\r\n\r\n" + b"A" * 100_000 + b"\r\n.\r\n" + b"B" * 5000 + b"\r\n"
    account.mailbox.add(big)
    with LocalPOP3Server([account]) as srv, RawClient(srv.address) as c:
        login(c)
        assert c.cmd("RETR 4") == f"+OK {len(big)} octets"
        assert c.multiline_body() == big


def test_idle_timeout_closes_silently(account: ServerAccount) -> None:
    with LocalPOP3Server([account], idle_timeout=0.2) as srv, RawClient(srv.address) as c:
        login(c)
        c.cmd("DELE 1")
        time.sleep(0.4)
        assert c.at_eof()
    assert wait_until(lambda: not account.mailbox.locked)
    assert len(account.mailbox) == 3


# -- faults -----------------------------------------------------------------------------------


def test_fault_drop_during_retr(account: ServerAccount) -> None:
    faults = Faults(drop_after_retr=2, drop_after_bytes=10)
    with LocalPOP3Server([account], faults=faults) as srv, RawClient(srv.address) as c:
        login(c)
        c.cmd("DELE 1")
        assert c.cmd("RETR 2").startswith("+OK")
        c.multiline_body()
        assert c.cmd("RETR 3") == f"+OK {len(MSG3)} octets"
        with pytest.raises(EOFError) as info:
            c.multiline_body()
        assert info.value.args[0] == MSG3[:10]
        assert wait_until(lambda: not account.mailbox.locked)
    assert len(account.mailbox) == 3


def test_fault_err_on_command(account: ServerAccount) -> None:
    faults = Faults(err_on_command={"retr 2": "[SYS/TEMP] disk busy", "QUIT": "oops"})
    with LocalPOP3Server([account], faults=faults) as srv, RawClient(srv.address) as c:
        login(c)
        assert c.cmd("RETR 2") == "-ERR [SYS/TEMP] disk busy"
        assert c.cmd("RETR 1").startswith("+OK")
        c.multiline_body()
        assert c.cmd("DELE 1").startswith("+OK")
        assert c.cmd("QUIT") == "-ERR oops"
        assert c.at_eof()
    assert len(account.mailbox) == 3


def test_fault_stall_and_greeting(account: ServerAccount) -> None:
    faults = Faults(stall_on="STAT")
    with LocalPOP3Server([account], faults=faults) as srv:
        with RawClient(srv.address, timeout=0.3) as c:
            login(c)
            c.send(b"STAT\r\n")
            with pytest.raises(TimeoutError):
                c.line()
        faults.stall_on = None
        faults.greeting_error = "[SYS/TEMP] maintenance"
        with RawClient(srv.address) as c:
            assert c.line() == b"-ERR [SYS/TEMP] maintenance"
            assert c.at_eof()


# -- lifecycle --------------------------------------------------------------------------------


def _session_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("pop3-")]


def test_stop_closes_live_sessions_and_threads(account: ServerAccount) -> None:
    server = LocalPOP3Server([account], faults=Faults(stall_on="NOOP")).start()
    assert server.port != 0 and server.address == ("127.0.0.1", server.port)
    clients = [RawClient(server.address) for _ in range(3)]
    login(clients[0])
    clients[0].send(b"NOOP\r\n")  # stalled
    clients[1].line()
    assert wait_until(lambda: len(_session_threads()) == 4)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    assert _session_threads() == []
    for client in clients:
        client.sock.settimeout(2)
        while client.sock.recv(65536):  # whatever was unread, then EOF
            pass
        client.close()
    assert not account.mailbox.locked
    with pytest.raises(OSError):
        socket.create_connection(server.address, timeout=1).close()
    server.stop()  # idempotent


def test_stop_during_tls_session(
    account: ServerAccount, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    server = LocalPOP3Server([account], starttls=server_tls).start()
    with RawClient(server.address) as c:
        c.line()
        assert c.cmd("STLS").startswith("+OK")
        c.start_tls(client_tls)
        assert login_again(c).startswith("+OK")
        server.stop()
        assert _session_threads() == []
        with pytest.raises((EOFError, OSError)):
            c.line()
    assert not account.mailbox.locked and len(account.mailbox) == 3


def test_ipv6_loopback(account: ServerAccount) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 support")
    try:
        srv = LocalPOP3Server([account], host="::1").start()
    except OSError:
        pytest.skip("::1 not available")
    with srv, socket.create_connection(srv.address, timeout=5) as sock:
        assert sock.recv(100).startswith(b"+OK")


def test_duplicate_accounts_refused() -> None:
    with pytest.raises(ValueError):
        LocalPOP3Server([ServerAccount("a", "x"), ServerAccount("a", "y")])
