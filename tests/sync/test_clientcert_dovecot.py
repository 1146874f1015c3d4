"""TLS client certificates through the engine, against a real Dovecot that requires one
(``ssl_verify_client_cert``, ``auth_ssl_require_client_cert``): mail arrives with the right
certificate over implicit TLS and STARTTLS; no certificate, another authority's, an expired
one, a wrong passphrase and another certificate's key each end in a plain error; the key's
passphrase comes from a command or from the real keyring; Test connection names the
certificate it offered."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from popgui.accounts.secrets import SecretStore
from popgui.accounts.settings import Account
from popgui.catalog import clientcert as says
from popgui.errors import SettingError
from popgui.net.clientcert import ClientCertificateError, passphrase_account
from popgui.net.session import ConnectOptions, open_pop3
from popgui.profile import Profile
from popgui.sync.diagnose import test_connection as run_test_connection
from popgui.sync.engine import sync_account
from tests.cli.helpers import password_command
from tests.support.certs import CLIENT_KEY_PASSPHRASE, CLIENT_NAME, TestPKI
from tests.support.dovecot import DovecotServer, private_dovecot
from tests.support.dovecot_log import log_size, wait_for_log_lines
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.dovecot

MESSAGE = b"From: a@example.org\nSubject: with a client certificate\n\nhello\n"


@pytest.fixture(scope="module")
def dovecot_cc(test_pki: TestPKI) -> Iterator[DovecotServer]:
    """A Dovecot of its own that requires a client certificate of the test CA."""
    with private_dovecot(test_pki, client_ca=test_pki.ca_cert) as server:
        yield server


@dataclass(frozen=True)
class User:
    name: str
    password: str
    account: Account


@pytest.fixture(params=["tls", "starttls"])
def user(request: pytest.FixtureRequest, dovecot_cc: DovecotServer, test_pki: TestPKI) -> User:
    name, password = f"u{secrets.token_hex(6)}", secrets.token_urlsafe(12)
    dovecot_cc.add_user(name, password)
    security = request.param
    account = Account(
        name="cc", host="localhost", security=security, user=name, ca_file=str(test_pki.ca_cert),
        port=dovecot_cc.tls_port if security == "tls" else dovecot_cc.plain_port,
        client_cert=str(test_pki.client_cert), client_key=str(test_pki.client_key),
    )  # fmt: skip
    return User(name, password, account)


def login(account: Account, password: str) -> None:
    open_pop3(account, password, ConnectOptions(timeout=10)).quit()


def test_mail_arrives_with_the_certificate(
    dovecot_cc: DovecotServer, user: User, tmp_path: Path
) -> None:
    dovecot_cc.deliver(user.name, MESSAGE)
    since = log_size(dovecot_cc)
    profile = Profile(tmp_path / "profile")
    result = sync_account(user.account, user.password, profile)
    assert result.error is None, result.error
    new = user.account.maildir_path(profile) / "new"
    assert [path.read_bytes() for path in new.iterdir()] == [MESSAGE]
    wait_for_log_lines(dovecot_cc, lambda line: f"Login: user=<{user.name}>" in line, since=since)


def test_without_a_certificate_the_server_asks_for_one(user: User) -> None:
    bare = replace(user.account, client_cert=None, client_key=None)
    with pytest.raises(ClientCertificateError) as error:
        login(bare, user.password)
    assert str(error.value) == (
        f"the server at localhost:{bare.effective_port} asks for a client certificate: give "
        "one with --client-cert"
    )


def test_a_certificate_of_another_authority_is_refused(user: User, test_pki: TestPKI) -> None:
    other = replace(
        user.account,
        client_cert=str(test_pki.other_client_cert),
        client_key=str(test_pki.other_client_key),
    )
    with pytest.raises(ClientCertificateError) as error:
        login(other, user.password)
    assert (
        f"did not accept the client certificate CN={CLIENT_NAME} (issued by CN=popgui other "
        "CA): the server said: Client didn't present valid SSL certificate" in str(error.value)
    )


def test_an_expired_certificate_is_refused(user: User, test_pki: TestPKI) -> None:
    expired = replace(
        user.account,
        client_cert=str(test_pki.expired_client_cert),
        client_key=str(test_pki.expired_client_key),
    )
    with pytest.raises(ClientCertificateError) as error:
        login(expired, user.password)
    assert str(error.value).endswith(
        "(issued by CN=popgui test CA): it expired on 2021-01-01 00:00:00 UTC"
    )


def encrypted(account: Account, pki: TestPKI, **passphrase: str) -> Account:
    return replace(account, client_key=str(pki.client_key_encrypted), **passphrase)


def test_the_passphrase_from_a_command(
    dovecot_cc: DovecotServer, user: User, test_pki: TestPKI, tmp_path: Path
) -> None:
    account = encrypted(
        user.account, test_pki, client_key_password_source="command",
        client_key_password_command=password_command(CLIENT_KEY_PASSPHRASE),
    )  # fmt: skip
    dovecot_cc.deliver(user.name, MESSAGE)
    result = sync_account(account, user.password, Profile(tmp_path / "profile"))
    assert (result.error, result.downloaded) == (None, 1)


def test_a_wrong_passphrase_is_said_before_any_login(
    dovecot_cc: DovecotServer, user: User, test_pki: TestPKI
) -> None:
    account = encrypted(
        user.account, test_pki, client_key_password_source="command",
        client_key_password_command=password_command("not the passphrase"),
    )  # fmt: skip
    since = log_size(dovecot_cc)
    with pytest.raises(SettingError) as error:
        login(account, user.password)
    assert error.value.sentence is not None
    assert error.value.sentence.message is says.PASSPHRASE_WRONG
    assert f"user=<{user.name}>" not in dovecot_cc.log_text()[since:]


def test_another_certificates_key_is_said_plainly(user: User, test_pki: TestPKI) -> None:
    mismatched = replace(user.account, client_key=str(test_pki.server_key))
    with pytest.raises(SettingError) as error:
        login(mismatched, user.password)
    assert str(error.value) == (
        f"the key {test_pki.server_key} does not belong to the client certificate "
        f"{test_pki.client_cert}: give the certificate's own key"
    )


@pytest.mark.keyring
def test_the_passphrase_from_the_real_keyring(
    dovecot_cc: DovecotServer, user: User, test_pki: TestPKI, secret_service: SecretService,
    tmp_path: Path,
) -> None:  # fmt: skip
    account = encrypted(user.account, test_pki, client_key_password_source="keyring")
    store = SecretStore()
    with pytest.raises(SettingError) as error:  # nothing stored yet
        login(account, user.password)
    assert "the passphrase of the key" in str(error.value)
    assert "cc/client-key" in str(error.value)
    store.store_password(passphrase_account(account), CLIENT_KEY_PASSPHRASE)
    try:
        dovecot_cc.deliver(user.name, MESSAGE)
        result = sync_account(account, user.password, Profile(tmp_path / "profile"))
        assert (result.error, result.downloaded) == (None, 1)
    finally:
        store.delete_password(passphrase_account(account))


def test_test_connection_names_the_certificate_offered(user: User) -> None:
    report = run_test_connection(user.account, user.password)
    assert report.ok, report.error
    assert report.client_certificate is not None
    assert report.client_certificate.subject == f"CN={CLIENT_NAME}"
    until = report.client_certificate.not_after
    assert (
        f"Client certificate offered: CN={CLIENT_NAME}, issued by CN=popgui test CA, valid "
        f"until {until}."
    ) in [str(note) for note in report.notes]


def test_test_connection_without_a_certificate(user: User) -> None:
    bare = replace(user.account, client_cert=None, client_key=None)
    report = run_test_connection(bare, user.password)
    assert isinstance(report.error, ClientCertificateError)
    assert report.login_ok is False and report.client_certificate is None
    assert "asks for a client certificate" in str(report.error)
