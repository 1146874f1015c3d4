"""Test connection: each stage reported, every person's mistake in the report, never raised."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.errors import CertificateError, ConfigError, CredentialsError, NetworkError
from popgui.localserver import LocalPOP2Server, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.session import ConnectOptions
from popgui.sync import diagnose
from tests.support.certs import TestPKI

from .conftest import PASSWORD, USER, make_account

FAST = ConnectOptions(timeout=5)


def run(account: object, secret: str | None) -> diagnose.ConnectionReport:
    report = diagnose.test_connection(account, secret, options=FAST)  # type: ignore[arg-type]
    assert isinstance(report, diagnose.ConnectionReport)
    return report


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# -- plain POP3 -----------------------------------------------------------------------------------


def test_plain_without_password_reports_capabilities_and_methods(
    pop3_server: LocalPOP3Server,
) -> None:
    report = run(make_account(pop3_server), None)
    assert report.error is None
    assert report.address == f"127.0.0.1:{pop3_server.port}"
    assert report.login_ok is None
    assert report.tls_version is None and report.certificate is None
    assert "UIDL" in report.capabilities
    assert any(line.startswith("SASL ") for line in report.capabilities)
    assert report.auth_methods[-2:] == ("USER", "APOP")  # APOP: the greeting has a timestamp
    assert "SCRAM-SHA-256" in report.auth_methods
    assert report.auto_method == "SCRAM-SHA-256"
    assert report.greeting and "ready" in report.greeting
    assert any("not encrypted" in note for note in map(str, report.notes))
    assert any("login was not tried" in note for note in map(str, report.notes))


def test_plain_with_password_logs_in_and_counts(
    pop3_server: LocalPOP3Server, mailbox: ServerMailbox
) -> None:
    report = run(make_account(pop3_server), PASSWORD)
    assert (report.error, report.login_ok, report.ok) == (None, True, True)
    assert report.login_method == "SCRAM-SHA-256"
    assert report.message_count == len(mailbox.messages())
    assert len(mailbox.messages()) > 0, "a test never deletes"


@pytest.mark.parametrize(
    ("delay", "every"),
    [
        (3600, "every hour"),
        (7200, "every 2 hours"),
        (60, "every minute"),
        (900, "every 15 minutes"),
    ],
)
def test_login_delay_and_message_count_in_words(
    mailbox: ServerMailbox, delay: int, every: str
) -> None:
    accounts = [ServerAccount(USER, PASSWORD, mailbox)]
    with LocalPOP3Server(accounts, login_delay=delay, enforce_login_delay=False) as server:
        report = run(make_account(server), PASSWORD)
    notes = [str(note) for note in report.notes]
    assert (
        f"The server allows one login {every} (LOGIN-DELAY): checking more often is refused."
        in notes
    )
    count = len(mailbox.messages())
    assert f"Logged in with SCRAM-SHA-256; {count} messages waiting on the server." in notes


def test_one_message_is_singular(pop3_server: LocalPOP3Server, mailbox: ServerMailbox) -> None:
    mailbox.remove_uids(mailbox.uids()[1:])
    report = run(make_account(pop3_server), PASSWORD)
    assert "Logged in with SCRAM-SHA-256; 1 message waiting on the server." in map(
        str, report.notes
    )


def test_named_method_is_used(pop3_server: LocalPOP3Server) -> None:
    report = run(make_account(pop3_server, auth="apop"), PASSWORD)
    assert (report.login_ok, report.login_method) == (True, "APOP")


def test_wrong_password_is_reported_not_raised(pop3_server: LocalPOP3Server) -> None:
    report = run(make_account(pop3_server), "wrong")
    assert report.login_ok is False
    assert isinstance(report.error, CredentialsError)
    assert not report.ok
    assert "UIDL" in report.capabilities, "what was learnt before the failure is kept"


def test_server_without_capa(mailbox: ServerMailbox) -> None:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], capabilities=False) as server:
        report = run(make_account(server), PASSWORD)
    assert report.capabilities == ()
    assert report.auth_methods == ("USER", "APOP")
    assert report.auto_method == "APOP"  # better than a clear-text password without TLS
    assert report.login_ok is True
    assert any("does not answer CAPA" in note for note in map(str, report.notes))


def test_oauth2_servers_are_pointed_to_the_oauth2_method(mailbox: ServerMailbox) -> None:
    account = ServerAccount(USER, PASSWORD, mailbox)
    with LocalPOP3Server([account], xoauth2_tokens={USER: "token"}) as server:
        report = run(make_account(server), None)
    assert "XOAUTH2" in report.auth_methods
    assert any("popgui account login" in note for note in map(str, report.notes))


def test_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    account = make_account(_Fixed("127.0.0.1", port))
    report = run(account, PASSWORD)
    assert isinstance(report.error, NetworkError)
    assert report.login_ok is None and report.capabilities == ()


def test_invalid_settings_are_reported(pop3_server: LocalPOP3Server) -> None:
    report = run(make_account(pop3_server, host="pop.example.org\r\nDELE 1"), PASSWORD)
    assert isinstance(report.error, ConfigError)
    assert "control character" in str(report.error)


class _Fixed:
    """Something with host and port, for make_account."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port


# -- obsolete mechanisms (a scripted server) ------------------------------------------------------


@pytest.fixture
def kerberos_server() -> Iterator[int]:
    """Greets with a timestamp and offers only KERBEROS_V4, GSSAPI and USER."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn, conn.makefile("rwb") as stream:
            stream.write(b"+OK old server <1.2@example>\r\n")
            stream.flush()
            for line in stream:
                command = line.strip().upper()
                if command == b"CAPA":
                    stream.write(b"+OK\r\nUSER\r\nSASL KERBEROS_V4 GSSAPI\r\n.\r\n")
                elif command == b"QUIT":
                    stream.write(b"+OK bye\r\n")
                    stream.flush()
                    return
                else:
                    stream.write(b"-ERR no\r\n")
                stream.flush()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(5)


def test_kerberos_v4_and_gssapi_are_explained(kerberos_server: int) -> None:
    report = run(make_account(_Fixed("127.0.0.1", kerberos_server)), None)
    assert report.error is None
    assert report.auth_methods == ("KERBEROS_V4", "GSSAPI", "USER", "APOP")
    notes = " ".join(map(str, report.notes))
    assert "KERBEROS_V4 is obsolete" in notes and "successor is GSSAPI" in notes
    assert "GSSAPI signs in with your Kerberos ticket" in notes
    assert report.auto_method == "APOP"


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture
def self_signed_tls(test_pki: TestPKI, mailbox: ServerMailbox) -> Iterator[LocalPOP3Server]:
    context = server_context(test_pki.self_signed_cert, test_pki.self_signed_key)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], implicit_tls=context) as s:
        yield s


def test_untrusted_certificate_gives_details_to_trust(
    self_signed_tls: LocalPOP3Server, test_pki: TestPKI
) -> None:
    account = make_account(self_signed_tls, host="localhost", security="tls")
    report = run(account, PASSWORD)
    error = report.certificate_error
    assert isinstance(error, CertificateError)
    expected = test_pki.fingerprint(test_pki.self_signed_cert)
    assert error.fingerprint == expected
    assert report.certificate is not None and report.certificate.fingerprint == expected
    assert report.login_ok is None, "no password is sent to an untrusted server"
    assert any("trust this exact certificate" in note for note in map(str, report.notes))


def test_pinned_certificate_reports_tls_details(
    self_signed_tls: LocalPOP3Server, test_pki: TestPKI
) -> None:
    pin = test_pki.fingerprint(test_pki.self_signed_cert)
    account = make_account(self_signed_tls, host="localhost", security="tls", fingerprint=pin)
    report = run(account, PASSWORD)
    assert report.error is None and report.login_ok is True
    assert report.tls_version is not None and report.tls_version.startswith("TLSv1.")
    assert report.cipher
    assert report.certificate is not None
    assert report.certificate.fingerprint == pin
    assert report.certificate.subject == "CN=localhost"
    assert report.certificate.not_after
    assert report.certificate_pinned
    assert report.address == f"localhost:{self_signed_tls.port}"


def test_changed_pin_is_a_certificate_error_with_both_fingerprints(
    self_signed_tls: LocalPOP3Server, test_pki: TestPKI
) -> None:
    other = test_pki.fingerprint(test_pki.server_cert)
    account = make_account(self_signed_tls, host="localhost", security="tls", fingerprint=other)
    report = run(account, PASSWORD)
    error = report.certificate_error
    assert error is not None and error.pinned_fingerprint == other
    assert error.fingerprint == test_pki.fingerprint(test_pki.self_signed_cert)
    assert any("differs from the one you chose to trust" in note for note in map(str, report.notes))


def test_ca_file_trusts_the_server(test_pki: TestPKI, mailbox: ServerMailbox) -> None:
    context = server_context(test_pki.server_cert, test_pki.server_key)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], implicit_tls=context) as server:
        account = make_account(
            server, host="localhost", security="tls", ca_file=str(test_pki.ca_cert)
        )
        report = run(account, PASSWORD)
    assert report.error is None and report.login_ok is True
    assert report.certificate is not None
    assert report.certificate.issuer == "CN=popgui test CA"
    assert not report.certificate_pinned


def test_starttls_reports_capabilities_after_the_upgrade(
    test_pki: TestPKI, mailbox: ServerMailbox
) -> None:
    context = server_context(test_pki.server_cert, test_pki.server_key)
    users = [ServerAccount(USER, PASSWORD, mailbox)]
    with LocalPOP3Server(users, starttls=context, plaintext_requires_tls=True) as server:
        account = make_account(
            server, host="localhost", security="starttls", ca_file=str(test_pki.ca_cert)
        )
        report = run(account, PASSWORD)
    assert report.error is None and report.login_ok is True
    assert report.tls_version is not None
    assert "STLS" not in report.capabilities
    assert "USER" in report.auth_methods and "PLAIN" in report.auth_methods  # only under TLS
    assert not any("clear text" in note for note in map(str, report.notes))


def test_starttls_not_offered_is_refused_without_login(pop3_server: LocalPOP3Server) -> None:
    report = run(make_account(pop3_server, security="starttls"), PASSWORD)
    assert isinstance(report.error, ConfigError)
    assert "STARTTLS" in str(report.error)
    assert report.login_ok is None
    assert "STLS" not in report.capabilities and report.capabilities


def test_starttls_untrusted_certificate_has_details(
    test_pki: TestPKI, mailbox: ServerMailbox
) -> None:
    context = server_context(test_pki.self_signed_cert, test_pki.self_signed_key)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], starttls=context) as server:
        report = run(make_account(server, host="localhost", security="starttls"), PASSWORD)
    error = report.certificate_error
    assert error is not None
    assert error.fingerprint == test_pki.fingerprint(test_pki.self_signed_cert)
    assert report.login_ok is None


# -- POP2 -----------------------------------------------------------------------------------------


def test_pop2_greeting_only_without_password(pop2_server: LocalPOP2Server) -> None:
    report = run(make_account(pop2_server), None)
    assert report.error is None
    assert report.protocol == "pop2"
    assert report.greeting
    assert report.auth_methods == ("HELO",)
    assert report.login_ok is None


def test_pop2_login(pop2_server: LocalPOP2Server, mailbox: ServerMailbox) -> None:
    report = run(make_account(pop2_server), PASSWORD)
    assert (report.error, report.login_ok) == (None, True)
    assert report.message_count == len(mailbox.messages())


def test_pop2_folder(mailbox: ServerMailbox) -> None:
    archive = ServerMailbox()
    archive.add(b"Subject: old\r\n\r\nold\r\n")
    user = ServerAccount(USER, PASSWORD, mailbox, folders={"archive": archive})
    with LocalPOP2Server([user]) as server:
        report = run(make_account(server, remote_folder="archive"), PASSWORD)
    assert report.login_ok is True and report.message_count == 1
    assert any("folder 'archive'" in note for note in map(str, report.notes))


def test_pop2_wrong_password(pop2_server: LocalPOP2Server) -> None:
    report = run(make_account(pop2_server), "wrong")
    assert report.login_ok is False
    assert isinstance(report.error, CredentialsError)
