"""STARTTLS with a pinned certificate fingerprint, against the real Dovecot's plain port (STLS).

A pin is how a user trusts a certificate no known authority vouches for: the connection is
upgraded with STLS, and the certificate presented must have exactly the pinned SHA-256.
Dovecot's certificate comes from the test CA, which popgui is not told about here, so without
the pin it is refused. A pin that does not match must stop the session right after the
handshake, before the user name or a password is sent: Dovecot's log shows whether a login
was attempted, and popgui's local server, which records every command, shows none came.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from popgui.accounts.settings import Account
from popgui.errors import CertificateError
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.sync.engine import sync_account
from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_since, log_size, wait_for_log_lines

CREDENTIAL_COMMANDS = ("USER", "PASS", "APOP", "AUTH")


def starttls_account(port: int, user: str, fingerprint: str | None) -> Account:
    return Account(
        name="pinned", host="127.0.0.1", port=port, security="starttls", user=user,
        auth="plain", fingerprint=fingerprint,
    )  # fmt: skip


def deliver(dovecot: DovecotServer, user: MailUser, count: int) -> list[bytes]:
    messages = mixed_messages(count, 7)
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def stored(maildir: Path) -> list[bytes]:
    return sorted(path.read_bytes() for path in [*maildir.glob("new/*"), *maildir.glob("cur/*")])


def test_a_matching_pin_over_starttls_syncs(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    messages = deliver(dovecot, dovecot_user, 3)
    profile = Profile(tmp_path / "profile")

    unpinned = starttls_account(dovecot.plain_port, dovecot_user.name, None)
    refused = sync_account(unpinned, dovecot_user.password, profile)
    assert isinstance(refused.error, CertificateError)  # the test CA is unknown here...

    pin = test_pki.fingerprint(test_pki.server_cert)
    pinned = starttls_account(dovecot.plain_port, dovecot_user.name, pin)
    result = sync_account(pinned, dovecot_user.password, profile)  # ...the pin is the trust

    assert (result.error, result.downloaded) == (None, 3)
    assert stored(pinned.maildir_path(profile)) == sorted(messages)
    login = f"Login: user=<{dovecot_user.name}>"
    [line] = wait_for_log_lines(dovecot, lambda line: login in line)
    assert ", TLS," in line, line  # the login came after the STLS upgrade


def test_a_mismatched_pin_over_starttls_is_refused_before_any_login(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    deliver(dovecot, dovecot_user, 2)
    profile = Profile(tmp_path / "profile")
    pin = test_pki.fingerprint(test_pki.self_signed_cert)  # not what Dovecot presents
    account = starttls_account(dovecot.plain_port, dovecot_user.name, pin)
    since = log_size(dovecot)

    result = sync_account(account, dovecot_user.password, profile)

    assert isinstance(result.error, CertificateError), result.error
    assert result.error.pinned_fingerprint == pin
    assert result.error.fingerprint == test_pki.fingerprint(test_pki.server_cert)
    assert "changed" in str(result.error)
    assert result.downloaded == 0
    assert len(dovecot.server_messages(dovecot_user.name)) == 2
    # Dovecot logs the session's end once its log process gets to it: wait for that line,
    # then check that the session never named the user nor tried to log in.
    wait_for_log_lines(dovecot, lambda line: "no auth attempts" in line, since=since)
    after = log_since(dovecot, since)
    assert dovecot_user.name not in after, after
    assert "auth failed" not in after and "Login:" not in after, after


def test_a_mismatched_pin_over_starttls_sends_no_command_after_stls(
    tmp_path: Path, test_pki: TestPKI
) -> None:
    """popgui's local server records every command: nothing follows STLS."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(test_pki.self_signed_cert, test_pki.self_signed_key)
    box = ServerMailbox()
    box.add(b"Subject: s\r\n\r\nbody\r\n")
    with LocalPOP3Server([ServerAccount("alice", "pw", box)], starttls=context) as server:
        pin = test_pki.fingerprint(test_pki.server_cert)  # the server presents another one
        account = starttls_account(server.port, "alice", pin)
        result = sync_account(account, "pw", Profile(tmp_path / "profile"))
        assert isinstance(result.error, CertificateError), result.error
        assert result.error.fingerprint == test_pki.fingerprint(test_pki.self_signed_cert)
        commands = [line.split(" ", 1)[0].upper() for line in server.log]
        assert "STLS" in commands, server.log
        assert commands[commands.index("STLS") + 1 :] == [], server.log
        assert not set(commands) & set(CREDENTIAL_COMMANDS), server.log
