"""``popgui account add --client-cert …`` and ``popgui sync``, run for real, against a real
Dovecot that requires a TLS client certificate."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from popgui.accounts.secrets import KEYRING_SERVICE
from popgui.accounts.settings import load_settings
from tests.support.certs import CLIENT_KEY_PASSPHRASE, TestPKI
from tests.support.dovecot import DovecotServer, MailUser, private_dovecot
from tests.support.secret_service import SecretService

from .helpers import password_command, run_popgui, sync_json

pytestmark = pytest.mark.dovecot

MESSAGE = b"From: a@example.org\nSubject: certified\n\nhello\n"


@pytest.fixture(scope="module")
def dovecot_cc(test_pki: TestPKI) -> Iterator[DovecotServer]:
    with private_dovecot(test_pki, client_ca=test_pki.ca_cert) as server:
        yield server


@pytest.fixture
def cc_user(dovecot_cc: DovecotServer) -> MailUser:
    name, password = f"u{secrets.token_hex(6)}", secrets.token_urlsafe(12)
    maildir = dovecot_cc.add_user(name, password)
    dovecot_cc.deliver(name, MESSAGE)
    return MailUser(name, password, maildir)


def add(
    profile: Path,
    server: DovecotServer,
    user: MailUser,
    pki: TestPKI,
    *extra: str,
    security: str = "tls",
    stdin: str | None = None,
) -> tuple[int, str]:
    port = server.tls_port if security == "tls" else server.plain_port
    done = run_popgui(
        profile, "account", "add", "cc", "--host", "localhost", "--port", str(port),
        "--security", security, "--user", user.name, "--ca-file", str(pki.ca_cert),
        "--password-command", password_command(user.password), *extra, stdin=stdin,
    )  # fmt: skip
    return done.returncode, done.stderr


def downloaded(profile: Path) -> list[bytes]:
    return [path.read_bytes() for path in (profile / "mail" / "cc" / "new").iterdir()]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_mail_arrives_with_the_certificate(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI, security: str
) -> None:
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(test_pki.client_cert),
        "--client-key", str(test_pki.client_key), security=security,
    )  # fmt: skip
    assert code == 0, stderr
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"], report[0]["error"]) == (0, 1, None), stderr
    assert downloaded(tmp_path) == [MESSAGE]
    show = run_popgui(tmp_path, "account", "show", "cc")
    assert f"client-cert: {test_pki.client_cert}\n" in show.stdout
    assert f"client-key: {test_pki.client_key}\n" in show.stdout


def test_the_key_in_the_certificates_file(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI
) -> None:
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(test_pki.client_combined)
    )
    assert code == 0, stderr
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr


def test_without_a_certificate_the_server_asks_for_one(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI
) -> None:
    assert add(tmp_path, dovecot_cc, cc_user, test_pki)[0] == 0
    assert "client-" not in run_popgui(tmp_path, "account", "show", "cc").stdout
    code, report, _ = sync_json(tmp_path)
    assert code == 1
    assert report[0]["error"] == (
        f"the server at localhost:{dovecot_cc.tls_port} asks for a client certificate: give "
        "one with --client-cert"
    )
    assert downloaded(tmp_path) == []
    assert len(dovecot_cc.server_messages(cc_user.name)) == 1


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        ("other", "(issued by CN=popgui other CA): the server said: Client didn't present valid"),
        ("expired", "(issued by CN=popgui test CA): it expired on 2021-01-01 00:00:00 UTC"),
    ],
)
def test_a_certificate_the_server_does_not_accept(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI,
    which: str, reason: str,
) -> None:  # fmt: skip
    cert, key = (
        (test_pki.other_client_cert, test_pki.other_client_key)
        if which == "other"
        else (test_pki.expired_client_cert, test_pki.expired_client_key)
    )
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(cert), "--client-key",
        str(key),
    )  # fmt: skip
    assert code == 0, stderr
    code, report, _ = sync_json(tmp_path)
    assert code == 1
    assert "did not accept the client certificate CN=popgui test client " in report[0]["error"]
    assert reason in report[0]["error"]
    plain = run_popgui(tmp_path, "sync")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert "did not accept the client certificate" in plain.stderr


def test_the_passphrase_from_a_command(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI
) -> None:
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(test_pki.client_cert),
        "--client-key", str(test_pki.client_key_encrypted), "--client-key-password-command",
        password_command(CLIENT_KEY_PASSPHRASE), security="starttls",
    )  # fmt: skip
    assert code == 0, stderr
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr


@pytest.mark.keyring
def test_the_passphrase_in_the_real_keyring(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI,
    secret_service: SecretService,
) -> None:  # fmt: skip
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(test_pki.client_cert),
        "--client-key", str(test_pki.client_key_encrypted), "--client-key-password-stdin",
        stdin=CLIENT_KEY_PASSPHRASE + "\n",
    )  # fmt: skip
    assert code == 0, stderr
    key = f"cc/client-key/{cc_user.name}@localhost"
    assert keyring.get_password(KEYRING_SERVICE, key) == CLIENT_KEY_PASSPHRASE
    settings_text = (tmp_path / "settings.json").read_text()
    assert CLIENT_KEY_PASSPHRASE not in settings_text
    account = load_settings(tmp_path / "settings.json").get("cc")
    assert account is not None and account.client_key_password_source == "keyring"
    show = run_popgui(tmp_path, "account", "show", "cc")
    assert "client-key-password-source: keyring" in show.stdout
    assert CLIENT_KEY_PASSPHRASE not in show.stdout
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr
    assert run_popgui(tmp_path, "account", "remove", "cc").returncode == 0
    assert keyring.get_password(KEYRING_SERVICE, key) is None


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--client-key-password-command", password_command("wrong")),
         "the passphrase does not unlock the key"),
        ((), "is encrypted and popgui was given no passphrase for it"),
    ],
)  # fmt: skip
def test_a_wrong_or_missing_passphrase_is_refused_at_once(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI,
    extra: tuple[str, ...], words: str,
) -> None:  # fmt: skip
    code, stderr = add(
        tmp_path, dovecot_cc, cc_user, test_pki, "--client-cert", str(test_pki.client_cert),
        "--client-key", str(test_pki.client_key_encrypted), *extra,
    )  # fmt: skip
    assert code == 2 and words in stderr and "Traceback" not in stderr
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ("mismatch", "does not belong to the client certificate"),
        ("missing", "does not exist"),
        ("not-pem", "holds no certificate in PEM form"),
    ],
)
def test_bad_files_are_refused_at_once(
    tmp_path: Path, dovecot_cc: DovecotServer, cc_user: MailUser, test_pki: TestPKI,
    files: str, words: str,
) -> None:  # fmt: skip
    cert, key = test_pki.client_cert, test_pki.client_key
    if files == "mismatch":
        key = test_pki.server_key
    elif files == "missing":
        cert = tmp_path / "nowhere.pem"
    else:
        cert = tmp_path / "notes.txt"
        cert.write_text("not a certificate\n")
    code, stderr = add(
        tmp_path / "profile", dovecot_cc, cc_user, test_pki, "--client-cert", str(cert),
        "--client-key", str(key),
    )  # fmt: skip
    assert code == 2 and words in stderr and "Traceback" not in stderr
    assert not (tmp_path / "profile" / "settings.json").exists()


def test_key_options_need_a_certificate(tmp_path: Path, test_pki: TestPKI) -> None:
    done = run_popgui(
        tmp_path, "account", "add", "cc", "--host", "localhost", "--user", "ann",
        "--client-key", str(test_pki.client_key),
    )  # fmt: skip
    assert done.returncode == 2 and "--client-key goes with --client-cert" in done.stderr
