"""The local POP2 server, byte by byte against the RFC 937 digest (shared/ref/pop2-rfc937.md)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from popgui.localserver import Faults, LocalPOP2Server, ServerAccount, ServerMailbox
from popgui.localserver.pop2server import unquote_string, unquote_words
from tests.localserver import RawClient, wait_until

GREETING = b"+ POP2 localhost popgui-localserver\r\n"
M1 = b"From: a@example.org\r\nSubject: first\r\n\r\nHello there.\r\n.a dot line, never stuffed\r\n"
M2 = b"From: b@example.org\r\nSubject: second\r\n\r\nSecond message.\r\n"
M3 = b"From: c@example.org\r\nSubject: third\r\n\r\n\xe9t\xe9 8-bit octets\r\n"


@pytest.fixture
def account() -> ServerAccount:
    return ServerAccount(
        "sam",
        "pw",
        ServerMailbox([M1, M2, M3]),
        folders={"Old mail": ServerMailbox([M2]), "Empty": ServerMailbox()},
    )


@pytest.fixture
def server(account: ServerAccount) -> Iterator[LocalPOP2Server]:
    with LocalPOP2Server([account]) as srv:
        yield srv


def exchange(c: RawClient, command: bytes) -> bytes:
    """Send one command line, return the reply line with its CRLF."""
    c.send(command + b"\r\n")
    return c.line() + b"\r\n"


def expect_close(c: RawClient, command: bytes, reply_start: bytes = b"- ") -> None:
    """The command gets a "- reason" reply (or nothing) and the server closes."""
    c.send(command + b"\r\n")
    if reply_start:
        assert c.line().startswith(reply_start)
    assert c.at_eof()


def test_normal_scenario_byte_exact(server: LocalPOP2Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        assert c.exact(len(GREETING)) == GREETING
        assert exchange(c, b"HELO sam pw") == b"#3\r\n"
        assert exchange(c, b"READ") == b"=%d\r\n" % len(M1)
        c.send(b"RETR\r\n")
        assert c.exact(len(M1)) == M1  # exactly c octets, no terminator, no stuffing
        assert exchange(c, b"ACKD") == b"=%d\r\n" % len(M2)  # marks 1, current := 2
        assert len(account.mailbox) == 3  # only marked
        c.send(b"RETR\r\n")
        assert c.exact(len(M2)) == M2
        assert exchange(c, b"NACK") == b"=%d\r\n" % len(M2)  # current unchanged
        c.send(b"RETR\r\n")
        assert c.exact(len(M2)) == M2
        assert exchange(c, b"ACKS") == b"=%d\r\n" % len(M3)
        assert exchange(c, b"READ 1") == b"=0\r\n"  # marked for deletion
        assert exchange(c, b"READ 3") == b"=%d\r\n" % len(M3)
        c.send(b"RETR\r\n")
        assert c.exact(len(M3)) == M3  # 8-bit octets unchanged and counted as octets
        assert exchange(c, b"ACKS") == b"=0\r\n"  # past the end
        assert exchange(c, b"QUIT") == b"+\r\n"
        assert c.at_eof()
    assert account.mailbox.contents() == [M2, M3]
    assert server.log == [
        "HELO sam ****", "READ", "RETR", "ACKD", "RETR", "NACK", "RETR", "ACKS",
        "READ 1", "READ 3", "RETR", "ACKS", "QUIT",
    ]  # fmt: skip


def test_ackd_then_drop_still_deletes(server: LocalPOP2Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        exchange(c, b"READ 2")
        c.send(b"RETR\r\n")
        c.exact(len(M2))
        assert exchange(c, b"ACKD") == b"=%d\r\n" % len(M3)
    assert wait_until(lambda: len(account.mailbox) == 2)  # ambiguity 1: any session end
    assert account.mailbox.contents() == [M1, M3]


def test_an_injected_quit_refusal_applies_no_mark(account: ServerAccount) -> None:
    faults = Faults(err_on_command={"QUIT": "cannot update the mailbox"})
    with LocalPOP2Server([account], faults=faults) as server, RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        exchange(c, b"READ 1")
        c.send(b"RETR\r\n")
        c.exact(len(M1))
        exchange(c, b"ACKD")
        expect_close(c, b"QUIT", b"- cannot update the mailbox")
        assert server.log[-1] == "QUIT"
    assert account.mailbox.contents() == [M1, M2, M3]


def test_an_injected_refusal_of_one_command_line(account: ServerAccount) -> None:
    faults = Faults(err_on_command={"READ 2": "message locked"})
    with LocalPOP2Server([account], faults=faults) as server, RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        assert exchange(c, b"READ 1") == b"=%d\r\n" % len(M1)
        expect_close(c, b"READ 2", b"- message locked")


def test_quit_in_next_is_illegal(server: LocalPOP2Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        exchange(c, b"READ")
        c.send(b"RETR\r\n")
        c.exact(len(M1))
        expect_close(c, b"QUIT")
    assert len(account.mailbox) == 3


def test_read_numbers(server: LocalPOP2Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        assert exchange(c, b"READ 0") == b"=0\r\n"
        assert exchange(c, b"READ 007") == b"=0\r\n"
        assert exchange(c, b"READ 002") == b"=%d\r\n" % len(M2)
        assert exchange(c, b"READ") == b"=%d\r\n" % len(M2)  # keeps current
        expect_close(c, b"READ x")


def test_retr_with_nothing_to_send_closes(server: LocalPOP2Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        assert exchange(c, b"READ 9") == b"=0\r\n"
        expect_close(c, b"RETR", reply_start=b"")


def test_fold(server: LocalPOP2Server, account: ServerAccount) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        exchange(c, b"READ")
        c.send(b"RETR\r\n")
        c.exact(len(M1))
        exchange(c, b"ACKD")
        assert exchange(c, b"FOLD Old mail") == b"#1\r\n"  # a string: spaces allowed
        assert account.mailbox.contents() == [M2, M3]  # released: marks applied
        assert exchange(c, b"READ") == b"=%d\r\n" % len(M2)
        assert exchange(c, b"FOLD Old\\ mail") == b"#1\r\n"  # backslash quoting
        assert exchange(c, b"FOLD Empty") == b"#0\r\n"
        assert exchange(c, b"FOLD No such box") == b"#0\r\n"  # legal name, absent: #0
        assert exchange(c, b"READ") == b"=0\r\n"  # ambiguity 2
        expect_close(c, b"RETR", reply_start=b"")


@pytest.mark.parametrize(
    "name",
    [b"/etc/passwd", b"a/b", b"..", b".hidden", b"a\\\\b", b"tab\\\tname", b"x\x01"],
)
def test_fold_refusals_close(server: LocalPOP2Server, name: bytes) -> None:
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        expect_close(c, b"FOLD " + name)


@pytest.mark.parametrize(
    ("before", "command"),
    [
        ([], b"helo sam pw"),  # lowercase keyword
        ([], b"HELO sam  pw"),  # doubled space
        ([], b"HELO sam pw "),  # trailing space
        ([], b"HELO sam"),
        ([], b"HELO sam wrong"),  # bad login: "-" and close
        ([], b"READ"),  # before HELO
        ([], b"XYZZY"),
        ([b"HELO sam pw"], b"RETR"),  # MBOX: no current message yet
        ([b"HELO sam pw"], b"ACKS"),
        ([b"HELO sam pw"], b"HELO sam pw"),
        ([b"HELO sam pw"], b"QUIT now"),
        ([b"HELO sam pw"], b"FOLD"),
        ([b"HELO sam pw", b"READ"], b"ACKD"),  # ITEM: ACKD only after RETR
        ([b"HELO sam pw"], b"READ " + b"9" * 600),  # over 512 octets
    ],
)
def test_illegal_input_gets_dash_and_close(
    server: LocalPOP2Server, account: ServerAccount, before: list[bytes], command: bytes
) -> None:
    with RawClient(server.address) as c:
        c.line()
        for line in before:
            exchange(c, line)
        expect_close(c, command)
    assert len(account.mailbox) == 3


def test_bare_lf_is_illegal(server: LocalPOP2Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        c.send(b"HELO sam pw\n")
        assert c.line().startswith(b"- ")
        assert c.at_eof()


def test_quit_before_helo(server: LocalPOP2Server) -> None:
    with RawClient(server.address) as c:
        c.line()
        assert exchange(c, b"QUIT") == b"+\r\n"
        assert c.at_eof()


def test_quoted_password() -> None:
    account = ServerAccount("a b", "p w\\", ServerMailbox([M1]))
    with LocalPOP2Server([account]) as srv, RawClient(srv.address) as c:
        c.line()
        assert exchange(c, b"HELO a\\ b p\\ w\\\\") == b"#1\r\n"


def test_unquote_helpers() -> None:
    assert unquote_words("a\\ b c\\\\") == ["a b", "c\\"]
    assert unquote_string("Old\\ mail box") == "Old mail box"
    for bad in ("a  b", " a", "a ", "a\\"):
        with pytest.raises(ValueError):
            unquote_words(bad)


def test_zero_length_and_bare_lf_messages() -> None:
    mailbox = ServerMailbox()
    mailbox.add(b"", uid="empty")
    mailbox.add(b"Subject: lf\n\nbare\nlines\n", raw=True)
    with LocalPOP2Server([ServerAccount("u", "p", mailbox)]) as srv, RawClient(srv.address) as c:
        c.line()
        assert exchange(c, b"HELO u p") == b"#2\r\n"
        assert exchange(c, b"READ 1") == b"=0\r\n"
        converted = b"Subject: lf\r\n\r\nbare\r\nlines\r\n"
        assert exchange(c, b"READ 2") == b"=%d\r\n" % len(converted)  # counted after CRLF
        c.send(b"RETR\r\n")
        assert c.exact(len(converted)) == converted


def test_snapshot_and_concurrent_deletion(account: ServerAccount) -> None:
    with LocalPOP2Server([account]) as srv, RawClient(srv.address) as a:
        a.line()
        assert exchange(a, b"HELO sam pw") == b"#3\r\n"
        account.mailbox.add(b"Subject: late\r\n\r\nlate\r\n")
        assert exchange(a, b"READ 4") == b"=0\r\n"  # not in this selection's snapshot
        account.mailbox.remove_uids([account.mailbox.uids()[0]])
        assert exchange(a, b"READ 1") == b"=0\r\n"  # removed by someone else
        assert exchange(a, b"READ 2") == b"=%d\r\n" % len(M2)


def test_idle_timeout_dash_and_close(account: ServerAccount) -> None:
    with LocalPOP2Server([account], idle_timeout=0.2) as srv, RawClient(srv.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        exchange(c, b"READ")
        c.send(b"RETR\r\n")
        c.exact(len(M1))
        exchange(c, b"ACKD")
        time.sleep(0.4)
        assert c.line().startswith(b"- ")
        assert c.at_eof()
    assert account.mailbox.contents() == [M2, M3]


def test_stop_ends_sessions(account: ServerAccount) -> None:
    server = LocalPOP2Server([account]).start()
    with RawClient(server.address) as c:
        c.line()
        exchange(c, b"HELO sam pw")
        server.stop()
        assert c.at_eof()
    with pytest.raises(OSError):
        socket.create_connection(server.address, timeout=1).close()
