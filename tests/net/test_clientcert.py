"""The TLS client certificate: its files checked one by one, and the server's refusals (real
OpenSSL on both ends: a Python TLS server that requires a client certificate) in plain words,
whether the alert comes in the handshake (TLS 1.2) or at the first read after it (TLS 1.3)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from popgui.catalog import clientcert as says
from popgui.errors import CredentialsError, SettingError
from popgui.net.clientcert import (
    ClientCertificate,
    ClientCertificateError,
    load_client_certificate,
)
from popgui.net.transport import TLSSettings, Transport
from tests.support.certs import CLIENT_KEY_PASSPHRASE, CLIENT_NAME, TestPKI


def load(client: ClientCertificate) -> None:
    load_client_certificate(ssl.create_default_context(), client)


def refused_with(error: pytest.ExceptionInfo[SettingError], message: object) -> bool:
    return error.value.sentence is not None and error.value.sentence.message is message


# -- the files ----------------------------------------------------------------------------------


def test_a_certificate_with_its_key_loads(test_pki: TestPKI) -> None:
    load(ClientCertificate(str(test_pki.client_cert), str(test_pki.client_key)))
    load(ClientCertificate(str(test_pki.client_combined)))  # the key in the same file


def test_a_missing_certificate_file_is_named(test_pki: TestPKI, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(str(missing), str(test_pki.client_key)))
    assert refused_with(error, says.FILE_MISSING) and error.value.setting == "client_cert"
    assert str(missing) in str(error.value)


def test_a_missing_key_file_is_named(test_pki: TestPKI, tmp_path: Path) -> None:
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(str(test_pki.client_cert), str(tmp_path / "k.pem")))
    assert refused_with(error, says.FILE_MISSING) and error.value.setting == "client_key"
    assert "the client certificate's key" in str(error.value)


def test_an_unreadable_file_says_why(test_pki: TestPKI, tmp_path: Path) -> None:
    with pytest.raises(SettingError) as error:  # a directory: unreadable even for root
        load(ClientCertificate(str(tmp_path), str(test_pki.client_key)))
    assert refused_with(error, says.FILE_UNREADABLE)
    assert "Is a directory" in str(error.value)


def test_a_file_that_is_not_pem(test_pki: TestPKI, tmp_path: Path) -> None:
    der = tmp_path / "client.der"
    der.write_bytes(ssl.PEM_cert_to_DER_cert(test_pki.client_cert.read_text()))
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(str(der), str(test_pki.client_key)))
    assert refused_with(error, says.NOT_PEM_CERTIFICATE)
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(str(test_pki.client_cert), str(test_pki.ca_cert)))
    assert refused_with(error, says.NOT_PEM_KEY) and error.value.setting == "client_key"
    with pytest.raises(SettingError) as error:  # a certificate file without its key
        load(ClientCertificate(str(test_pki.client_cert)))
    assert refused_with(error, says.NOT_PEM_KEY) and "--client-key" in str(error.value)


def test_another_certificates_key_is_a_mismatch(test_pki: TestPKI) -> None:
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(str(test_pki.client_cert), str(test_pki.server_key)))
    assert refused_with(error, says.KEY_MISMATCH)
    assert "does not belong to the client certificate" in str(error.value)


def test_the_passphrase_is_asked_only_for_an_encrypted_key(test_pki: TestPKI) -> None:
    asked: list[int] = []

    def passphrase() -> str:
        asked.append(1)
        return CLIENT_KEY_PASSPHRASE

    load(ClientCertificate(str(test_pki.client_cert), str(test_pki.client_key), passphrase))
    assert asked == []
    encrypted = str(test_pki.client_key_encrypted)
    load(ClientCertificate(str(test_pki.client_cert), encrypted, passphrase))
    assert asked == [1]


def test_an_encrypted_key_without_passphrase_or_a_wrong_one(test_pki: TestPKI) -> None:
    cert, key = str(test_pki.client_cert), str(test_pki.client_key_encrypted)
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(cert, key))
    assert refused_with(error, says.PASSPHRASE_NEEDED)
    assert "--client-key-password-stdin" in str(error.value)
    with pytest.raises(SettingError) as error:
        load(ClientCertificate(cert, key, lambda: "not it"))
    assert refused_with(error, says.PASSPHRASE_WRONG)
    assert error.value.setting == "client_key_password_source"


def test_a_passphrase_that_cannot_be_had_says_why(test_pki: TestPKI) -> None:
    def no_keyring() -> str:
        raise CredentialsError("no keyring here")

    client = ClientCertificate(
        str(test_pki.client_cert), str(test_pki.client_key_encrypted), no_keyring
    )
    with pytest.raises(SettingError) as error:
        load(client)
    assert refused_with(error, says.PASSPHRASE_UNAVAILABLE)
    assert "no keyring here" in str(error.value)


# -- the server's answer --------------------------------------------------------------------------


class RequiringServer:
    """Implicit TLS (or STLS first) on loopback, requiring a client certificate of the test
    CA; a client that passes reads "+OK welcome"."""

    def __init__(self, pki: TestPKI, *, tls12: bool = False, starttls: bool = False) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki.server_cert, pki.server_key)
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.load_verify_locations(pki.ca_cert)
        if tls12:
            self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.starttls = starttls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        try:
            if self.starttls:
                conn.sendall(b"+OK hello\r\n")
                conn.recv(100)  # STLS
                conn.sendall(b"+OK begin TLS\r\n")
            with self.context.wrap_socket(conn, server_side=True) as secure:
                secure.sendall(b"+OK welcome\r\n")
        except (OSError, ValueError):
            pass  # the refusal this test is about
        finally:
            conn.close()

    def close(self) -> None:
        self.thread.join(10)
        self.listener.close()


@pytest.fixture
def requiring(test_pki: TestPKI) -> Iterator[Callable[..., RequiringServer]]:
    servers: list[RequiringServer] = []

    def start(**options: bool) -> RequiringServer:
        servers.append(RequiringServer(test_pki, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def first_read(pki: TestPKI, server: RequiringServer, cert: Path | None, key: Path | None) -> bytes:
    client = ClientCertificate(str(cert), str(key)) if cert else None
    tls = TLSSettings(ca_file=str(pki.ca_cert), client=client)
    security = "starttls" if server.starttls else "tls"
    with Transport.connect(
        "localhost", server.port, security=security, timeout=10, tls=tls
    ) as transport:
        if server.starttls:
            transport.recv()
            transport.send(b"STLS\r\n")
            transport.recv()
            transport.start_tls()
        return transport.recv()


@pytest.mark.parametrize(("tls12", "starttls"), [(False, False), (True, False), (False, True)])
def test_the_right_certificate_is_accepted(
    test_pki: TestPKI, requiring: Callable[..., RequiringServer], tls12: bool, starttls: bool
) -> None:
    server = requiring(tls12=tls12, starttls=starttls)
    reply = first_read(test_pki, server, test_pki.client_cert, test_pki.client_key)
    assert reply == b"+OK welcome\r\n"


@pytest.mark.parametrize("starttls", [False, True])
def test_tls13_no_certificate_at_the_first_read_is_plain(
    test_pki: TestPKI, requiring: Callable[..., RequiringServer], starttls: bool
) -> None:
    """TLS 1.3: the handshake succeeds; "certificate required" comes with the greeting (or
    the first read after STLS), and is not "connection closed"."""
    server = requiring(starttls=starttls)
    with pytest.raises(ClientCertificateError) as error:
        first_read(test_pki, server, None, None)
    assert str(error.value) == (
        f"the server at localhost:{server.port} asks for a client certificate: give one with "
        "--client-cert"
    )


@pytest.mark.parametrize("tls12", [False, True])
def test_a_certificate_of_another_authority_is_refused_plainly(
    test_pki: TestPKI, requiring: Callable[..., RequiringServer], tls12: bool
) -> None:
    server = requiring(tls12=tls12)
    with pytest.raises(ClientCertificateError) as error:
        first_read(test_pki, server, test_pki.other_client_cert, test_pki.other_client_key)
    assert str(error.value) == (
        f"the server at localhost:{server.port} did not accept the client certificate "
        f"CN={CLIENT_NAME} (issued by CN=popgui other CA): the server does not trust the "
        "authority that issued it (CN=popgui other CA)"
    )


@pytest.mark.parametrize("tls12", [False, True])
def test_an_expired_certificate_is_refused_plainly(
    test_pki: TestPKI, requiring: Callable[..., RequiringServer], tls12: bool
) -> None:
    server = requiring(tls12=tls12)
    with pytest.raises(ClientCertificateError) as error:
        first_read(test_pki, server, test_pki.expired_client_cert, test_pki.expired_client_key)
    assert str(error.value).endswith(": it expired on 2021-01-01 00:00:00 UTC")
    assert error.value.setting == "client_cert"
