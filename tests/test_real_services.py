"""The test fixtures themselves: certificates, the private Dovecot, the private Secret Service
(the rule that turns their skips into failures in CI: tests/test_ci_rule.py).

Dovecot is exercised with the standard library's poplib, independent of popgui's own client.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import poplib
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from tests.support.certs import TestPKI, fingerprint
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.secret_service import SecretService

MESSAGE = b"From: a@example.org\r\nSubject: hello\r\n\r\nline one\r\n.dot line\r\n"
ROOT = Path(__file__).resolve().parent.parent


# -- the test PKI -----------------------------------------------------------------------------


def _handshake(cert: Path, key: Path, client: ssl.SSLContext, host: str) -> None:
    """TLS handshake over a socket pair: a server presenting cert/key, ``client`` checking it."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    left, right = socket.socketpair()
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            with server_context.wrap_socket(right, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ssl.SSLError) as error:
            errors.append(error)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client.wrap_socket(left, server_hostname=host) as tls:
            tls.sendall(b"x")
    finally:
        left.close()
        thread.join(10)
        right.close()


def _strict(context: ssl.SSLContext) -> ssl.SSLContext:
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context


def test_pki_server_certificate_is_trusted_through_the_ca(test_pki: TestPKI) -> None:
    for host in ("localhost", "127.0.0.1", "::1"):
        _handshake(test_pki.server_cert, test_pki.server_key,
                   _strict(test_pki.client_context()), host)  # fmt: skip


@pytest.mark.parametrize(
    ("cert", "key", "host", "reason"),
    [
        ("wrong_host_cert", "wrong_host_key", "localhost", "Hostname mismatch"),
        ("expired_cert", "expired_key", "localhost", "expired"),
        ("self_signed_cert", "self_signed_key", "localhost", "self-signed"),
        ("server_cert", "server_key", "other.example.net", "Hostname mismatch"),
    ],
)
def test_pki_bad_certificates_are_refused(
    test_pki: TestPKI, cert: str, key: str, host: str, reason: str
) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match=reason):
        _handshake(getattr(test_pki, cert), getattr(test_pki, key),
                   test_pki.client_context(), host)  # fmt: skip


def test_pki_wrong_host_certificate_is_valid_for_its_own_name(test_pki: TestPKI) -> None:
    _handshake(test_pki.wrong_host_cert, test_pki.wrong_host_key,
               test_pki.client_context(), "other.example.net")  # fmt: skip


def test_pki_fingerprint_is_sha256_of_der(test_pki: TestPKI) -> None:
    der = ssl.PEM_cert_to_DER_cert(test_pki.server_cert.read_text("ascii"))
    expected = hashlib.sha256(der).hexdigest()
    value = test_pki.fingerprint(test_pki.server_cert)
    assert value.replace(":", "") == expected
    assert len(value) == 95 and value == value.lower()
    assert test_pki.ca_fingerprint_sha256() == fingerprint(test_pki.ca_cert) != value


# -- Dovecot ----------------------------------------------------------------------------------


def _plain(dovecot: DovecotServer) -> poplib.POP3:
    return poplib.POP3("127.0.0.1", dovecot.plain_port, timeout=10)


def _login_log(dovecot: DovecotServer, user: MailUser, method: str) -> bool:
    deadline = time.monotonic() + 30  # the log process writes asynchronously, later under load
    while time.monotonic() < deadline:
        if f"user=<{user.name}>, method={method}," in dovecot.log_text():
            return True
        time.sleep(0.05)
    return False


def _auth(client: poplib.POP3, mechanism: str, *responses: bytes | None) -> bytes:
    """Run ``AUTH mechanism``; each response is sent as the answer to a ``+`` challenge.

    None instead of bytes means: compute the CRAM-MD5 answer from the challenge.
    """
    reply = client._shortcmd(f"AUTH {mechanism}")  # type: ignore[attr-defined]
    for response in responses:
        assert reply.startswith(b"+")
        reply = client._shortcmd(base64.b64encode(response or b"").decode())  # type: ignore[attr-defined]
    return bytes(reply)


def test_dovecot_user_pass_and_mail_round_trip(dovecot: DovecotServer,
                                               dovecot_user: MailUser) -> None:  # fmt: skip
    path = dovecot.deliver(dovecot_user.name, MESSAGE)
    assert path.parent == dovecot_user.maildir / "new"
    client = _plain(dovecot)
    client.user(dovecot_user.name)
    client.pass_(dovecot_user.password)
    assert client.stat() == (1, len(MESSAGE))
    _, lines, _ = client.retr(1)
    assert b"\r\n".join(lines) + b"\r\n" == MESSAGE
    client.dele(1)
    client.quit()
    assert dovecot.server_messages(dovecot_user.name) == []
    assert _login_log(dovecot, dovecot_user, "PLAIN")


def test_dovecot_apop(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    client = _plain(dovecot)
    assert b"<" in client.getwelcome()  # the APOP timestamp
    client.apop(dovecot_user.name, dovecot_user.password)
    client.quit()
    assert _login_log(dovecot, dovecot_user, "APOP")


def test_dovecot_capabilities(dovecot: DovecotServer) -> None:
    client = _plain(dovecot)
    capabilities = client.capa()
    client.quit()
    assert {"STLS", "UIDL", "TOP", "USER", "PIPELINING", "RESP-CODES"} <= capabilities.keys()
    assert {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"} <= set(
        capabilities["SASL"]
    )


def test_dovecot_stls(dovecot: DovecotServer, dovecot_user: MailUser,
                      test_pki: TestPKI) -> None:  # fmt: skip
    client = poplib.POP3("localhost", dovecot.plain_port, timeout=10)
    client.stls(_strict(test_pki.client_context()))
    assert isinstance(client.sock, ssl.SSLSocket)
    client.user(dovecot_user.name)
    client.pass_(dovecot_user.password)
    client.quit()


def test_dovecot_stls_refused_with_another_ca(dovecot: DovecotServer) -> None:
    client = poplib.POP3("localhost", dovecot.plain_port, timeout=10)
    with pytest.raises(ssl.SSLCertVerificationError):
        client.stls(ssl.create_default_context())
    with contextlib.suppress(OSError):
        client.close()


def test_dovecot_implicit_tls(dovecot: DovecotServer, dovecot_user: MailUser,
                              test_pki: TestPKI) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    client = poplib.POP3_SSL(
        "localhost", dovecot.tls_port, context=_strict(test_pki.client_context()), timeout=10
    )
    peer = client.sock.getpeercert(binary_form=True)
    assert peer is not None
    digest = hashlib.sha256(peer).hexdigest()
    assert test_pki.fingerprint(test_pki.server_cert).replace(":", "") == digest
    client.user(dovecot_user.name)
    client.pass_(dovecot_user.password)
    assert client.stat()[0] == 1
    client.quit()


def test_dovecot_auth_plain(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    client = _plain(dovecot)
    token = f"\0{dovecot_user.name}\0{dovecot_user.password}".encode()
    assert _auth(client, "PLAIN", token).startswith(b"+OK")
    client.quit()
    assert _login_log(dovecot, dovecot_user, "PLAIN")


def test_dovecot_auth_cram_md5(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    client = _plain(dovecot)
    reply = client._shortcmd("AUTH CRAM-MD5")  # type: ignore[attr-defined]
    challenge = base64.b64decode(reply[2:])
    digest = hmac.new(dovecot_user.password.encode(), challenge, "md5").hexdigest()
    answer = base64.b64encode(f"{dovecot_user.name} {digest}".encode()).decode()
    assert client._shortcmd(answer).startswith(b"+OK")  # type: ignore[attr-defined]
    client.quit()
    assert _login_log(dovecot, dovecot_user, "CRAM-MD5")


@pytest.mark.parametrize(
    ("mechanism", "digest"), [("SCRAM-SHA-1", "sha1"), ("SCRAM-SHA-256", "sha256")]
)
def test_dovecot_auth_scram(
    dovecot: DovecotServer, dovecot_user: MailUser, mechanism: str, digest: str
) -> None:
    """RFC 5802 by hand: Dovecot derives SCRAM keys from the {PLAIN} passwords."""

    def hmac_(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), digest).digest()

    def send(client: poplib.POP3, text: str) -> bytes:
        line = client._shortcmd(base64.b64encode(text.encode()).decode())  # type: ignore[attr-defined]
        return bytes(line)

    client = _plain(dovecot)
    assert client._shortcmd(f"AUTH {mechanism}") == b"+ "  # type: ignore[attr-defined]
    first_bare = f"n={dovecot_user.name},r={base64.b64encode(os.urandom(18)).decode()}"
    server_first = base64.b64decode(send(client, "n,," + first_bare)[2:]).decode()
    fields = dict(item.split("=", 1) for item in server_first.split(","))
    salted = hashlib.pbkdf2_hmac(
        digest, dovecot_user.password.encode(), base64.b64decode(fields["s"]), int(fields["i"])
    )
    final_bare = f"c={base64.b64encode(b'n,,').decode()},r={fields['r']}"
    auth_message = f"{first_bare},{server_first},{final_bare}"
    client_key = hmac_(salted, "Client Key")
    signature = hmac_(hashlib.new(digest, client_key).digest(), auth_message)
    proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
    reply = send(client, f"{final_bare},p={base64.b64encode(proof).decode()}")
    server_final = base64.b64decode(reply[2:]).decode()
    expected = base64.b64encode(hmac_(hmac_(salted, "Server Key"), auth_message)).decode()
    assert server_final == f"v={expected}"
    assert client._shortcmd("").startswith(b"+OK")  # type: ignore[attr-defined]
    client.quit()
    assert _login_log(dovecot, dovecot_user, mechanism)


def _timed_login(dovecot: DovecotServer, user: MailUser, password: str) -> float:
    """Seconds from connecting to the answer to PASS, whether it is accepted or not."""
    start = time.monotonic()
    client = _plain(dovecot)
    client.user(user.name)
    try:
        client.pass_(password)
    except poplib.error_proto as refused:
        assert "[AUTH]" in str(refused)
        client.close()
    else:
        client.quit()
    return time.monotonic() - start


def test_dovecot_wrong_password_costs_no_penalty(dovecot: DovecotServer,
                                                 dovecot_user: MailUser) -> None:  # fmt: skip
    """The fixture switches Dovecot's auth penalty off, so one wrong-password test cannot slow
    the next ones down. With it on, each further failure from this address waits seconds
    (measured: 4.5 s from the second on). Every attempt is compared with a first, accepted
    login rather than with a fixed figure: a machine ten times slower makes them all slower,
    it does not add seconds to some of them."""
    before = _timed_login(dovecot, dovecot_user, dovecot_user.password)
    failures = [_timed_login(dovecot, dovecot_user, "wrong") for _ in range(5)]
    after = _timed_login(dovecot, dovecot_user, dovecot_user.password)
    assert max([*failures, after]) - before < 2, (before, failures, after)


def test_dovecot_reset_uidlist_renumbers(dovecot: DovecotServer,
                                         dovecot_user: MailUser) -> None:  # fmt: skip
    for n in range(2):
        dovecot.deliver(dovecot_user.name, MESSAGE + str(n).encode() + b"\r\n")

    def uidls() -> list[bytes]:
        client = _plain(dovecot)
        client.user(dovecot_user.name)
        client.pass_(dovecot_user.password)
        listing = client.uidl()[1]
        client.quit()
        return [line.split()[1] for line in listing]

    before = uidls()
    assert before == uidls() and len(set(before)) == 2
    dovecot.reset_uidlist(dovecot_user.name)
    after = uidls()
    assert len(after) == 2 and not set(after) & set(before)
    assert len(dovecot.server_messages(dovecot_user.name)) == 2


def test_dovecot_users_are_isolated(dovecot: DovecotServer, dovecot_user: MailUser) -> None:
    other = dovecot.add_user(dovecot_user.name + "x", "pw")
    dovecot.deliver(dovecot_user.name + "x", MESSAGE)
    assert dovecot.server_messages(dovecot_user.name) == []
    assert dovecot.server_messages(dovecot_user.name + "x") == [MESSAGE]
    assert other != dovecot_user.maildir


# -- the Secret Service -----------------------------------------------------------------------


def test_secret_service_round_trip(secret_service: SecretService) -> None:
    import keyring
    import keyring.backends.SecretService

    assert isinstance(keyring.get_keyring(), keyring.backends.SecretService.Keyring)
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == secret_service.address
    keyring.set_password("popgui-fixture-test", "alice", "s3cret\u00e9")
    assert keyring.get_password("popgui-fixture-test", "alice") == "s3cret\u00e9"
    keyring.delete_password("popgui-fixture-test", "alice")
    assert keyring.get_password("popgui-fixture-test", "alice") is None


def test_secret_service_lock_and_unlock(secret_service: SecretService) -> None:
    import keyring
    from keyring.errors import KeyringLocked

    keyring.set_password("popgui-fixture-test", "bob", "pw")
    secret_service.lock()
    try:
        with pytest.raises(KeyringLocked):
            keyring.get_password("popgui-fixture-test", "bob")
    finally:
        secret_service.unlock()
    assert keyring.get_password("popgui-fixture-test", "bob") == "pw"
    keyring.delete_password("popgui-fixture-test", "bob")
