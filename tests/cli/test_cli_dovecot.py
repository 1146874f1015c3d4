"""The whole command line against a real Dovecot POP3 server."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account, load_settings
from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import wait_for_log_lines
from tests.support.secret_service import SecretService

from .helpers import password_command, run_popgui, sync_json

pytestmark = pytest.mark.dovecot


def stored(maildir: Path) -> list[bytes]:
    files = [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    return sorted(path.read_bytes() for path in files)


def add_account(
    profile: Path,
    dovecot: DovecotServer,
    user: MailUser,
    *extra: str,
    security: str = "none",
    port: int | None = None,
    name: str = "acct",
) -> None:
    port = port or (dovecot.tls_port if security == "tls" else dovecot.plain_port)
    done = run_popgui(
        profile,
        "account",
        "add",
        name,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--security",
        security,
        "--user",
        user.name,
        "--password-command",
        password_command(user.password),
        *extra,
    )
    assert done.returncode == 0, done.stderr


def deliver(dovecot: DovecotServer, user: MailUser, count: int, seed: int = 1) -> list[bytes]:
    messages = mixed_messages(count, seed)
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def login_methods(dovecot: DovecotServer, user: MailUser, count: int = 1) -> list[str]:
    """The methods of the user's logins in Dovecot's log, once ``count`` of them are written
    (Dovecot's log process writes a line after the client has already gone)."""
    marker = f"user=<{user.name}>, method="
    lines = wait_for_log_lines(dovecot, lambda line: marker in line, count=count)
    return [line.split(marker, 1)[1].split(",", 1)[0] for line in lines]


def test_keep_then_only_new_mail(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    first_batch = deliver(dovecot, dovecot_user, 12)
    add_account(tmp_path, dovecot, dovecot_user, "--auth", "user", "--keep")
    code, report, _ = sync_json(tmp_path)
    assert code == 0
    assert report == [
        {
            "account": "acct",
            "downloaded": 12,
            "deleted": 0,
            "bytes": report[0]["bytes"],
            "recovered": 0,
            "left_on_server": 0,
            "adopted": 0,
            "delivered_to": None,
            "forwarded": 0,
            "deferred": [],
            "refused": [],
            "skipped": [],
            "error": None,
            "error_kind": None,
        }
    ]
    assert stored(tmp_path / "mail" / "acct") == sorted(first_batch)
    assert len(dovecot.server_messages(dovecot_user.name)) == 12

    code, report, _ = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 0)

    second_batch = deliver(dovecot, dovecot_user, 3, seed=2)
    code, report, _ = sync_json(tmp_path, "acct")
    assert (code, report[0]["downloaded"]) == (0, 3)
    assert stored(tmp_path / "mail" / "acct") == sorted(first_batch + second_batch)


def test_delete_policy_empties_the_server(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    messages = deliver(dovecot, dovecot_user, 10)
    add_account(tmp_path, dovecot, dovecot_user, "--delete")
    code, report, _ = sync_json(tmp_path)
    assert (code, report[0]["downloaded"], report[0]["deleted"]) == (0, 10, 10)
    assert dovecot.server_messages(dovecot_user.name) == []
    assert stored(tmp_path / "mail" / "acct") == sorted(messages)


@pytest.mark.parametrize(
    ("auth", "dovecot_method"),
    [
        ("user", "PLAIN"),
        ("apop", "APOP"),
        ("plain", "PLAIN"),
        ("login", "LOGIN"),
        ("cram-md5", "CRAM-MD5"),
        ("scram-sha-1", "SCRAM-SHA-1"),
        ("scram-sha-256", "SCRAM-SHA-256"),
        ("auto", "SCRAM-SHA-256"),
    ],
)
def test_login_methods(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, auth: str, dovecot_method: str
) -> None:
    deliver(dovecot, dovecot_user, 1)
    add_account(tmp_path, dovecot, dovecot_user, "--auth", auth)
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["error"], report[0]["downloaded"]) == (0, None, 1), stderr
    assert login_methods(dovecot, dovecot_user) == [dovecot_method]


def test_implicit_tls_with_the_test_ca(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    deliver(dovecot, dovecot_user, 2)
    add_account(tmp_path, dovecot, dovecot_user, "--ca-file", str(test_pki.ca_cert), security="tls")
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 2), stderr


def test_starttls_with_the_test_ca(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    deliver(dovecot, dovecot_user, 2)
    add_account(
        tmp_path,
        dovecot,
        dovecot_user,
        "--ca-file",
        str(test_pki.ca_cert),
        "--auth",
        "plain",
        security="starttls",
    )
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 2), stderr


def test_untrusted_certificate_is_refused_then_pinned(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI
) -> None:
    deliver(dovecot, dovecot_user, 1)
    add_account(tmp_path, dovecot, dovecot_user, security="tls")
    code, report, stderr = sync_json(tmp_path)
    assert code == 1
    assert report[0]["error_kind"] == "certificate"
    assert "certificate" in stderr
    assert report[0]["downloaded"] == 0

    pin = test_pki.fingerprint(test_pki.server_cert)
    add_account(tmp_path, dovecot, dovecot_user, "--fingerprint", pin, "--replace", security="tls")
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr


def test_wrong_password_is_reported_in_plain_words(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    done = run_popgui(
        tmp_path,
        "account",
        "add",
        "acct",
        "--host",
        "127.0.0.1",
        "--port",
        str(dovecot.plain_port),
        "--security",
        "none",
        "--user",
        dovecot_user.name,
        "--password-command",
        password_command("not the password"),
    )
    assert done.returncode == 0
    code, report, stderr = sync_json(tmp_path)
    assert code == 1
    assert report[0]["error_kind"] == "credentials"
    assert "password" in stderr
    assert "Traceback" not in stderr


def test_preview_lists_without_downloading(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    deliver(dovecot, dovecot_user, 4)
    add_account(tmp_path, dovecot, dovecot_user)
    done = run_popgui(tmp_path, "preview", "--json", "acct")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert [item["number"] for item in items] == [1, 2, 3, 4]
    assert items[0]["subject"] == "Message n° 0 été"
    assert items[0]["from"] == "Sender 0 <sender0@example.org>"
    assert items[0]["date"].startswith("2026-09-01T10:00:00")
    assert not any(item["downloaded"] for item in items)
    assert not (tmp_path / "mail" / "acct" / "new").exists() or not list(
        (tmp_path / "mail" / "acct" / "new").iterdir()
    )

    assert run_popgui(tmp_path, "sync", "acct").returncode == 0
    items = json.loads(run_popgui(tmp_path, "preview", "--json", "--lines", "2", "acct").stdout)
    assert all(item["downloaded"] for item in items)
    assert items[0]["lines"].startswith("Line 0 of message 0")


def test_debug_shows_the_dialogue_without_the_password(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    add_account(tmp_path, dovecot, dovecot_user, "--auth", "user")
    done = run_popgui(tmp_path, "--debug", "sync")
    assert done.returncode == 0, done.stderr
    assert "C: USER " + dovecot_user.name in done.stderr
    assert "PASS ********" in done.stderr
    assert dovecot_user.password not in done.stderr + done.stdout


@pytest.mark.keyring
def test_password_stdin_goes_to_the_real_keyring_and_remove_deletes_it(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, secret_service: SecretService
) -> None:
    """The popgui subprocess and this test share the fixture's private D-Bus session, so
    ``keyring.get_password`` here reads the very gnome-keyring the command wrote to."""
    deliver(dovecot, dovecot_user, 2)
    done = run_popgui(
        tmp_path,
        "account",
        "add",
        "kr",
        "--host",
        "127.0.0.1",
        "--port",
        str(dovecot.plain_port),
        "--security",
        "none",
        "--user",
        dovecot_user.name,
        "--password-stdin",
        stdin=dovecot_user.password + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert dovecot_user.password not in (tmp_path / "settings.json").read_text()
    account = load_settings(tmp_path / "settings.json").get("kr")
    assert account is not None and account.password_source == "keyring"
    key = keyring_key(account)
    assert key == f"kr/{dovecot_user.name}@127.0.0.1"
    assert keyring.get_password(KEYRING_SERVICE, key) == dovecot_user.password
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 2), stderr

    done = run_popgui(tmp_path, "account", "remove", "kr")
    assert done.returncode == 0, done.stderr
    assert keyring.get_password(KEYRING_SERVICE, key) is None
    assert load_settings(tmp_path / "settings.json").names() == []


def test_replace_moves_or_drops_the_keyring_password(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, secret_service: SecretService
) -> None:
    """``account add --replace`` with a new host keeps the stored password working under the
    new keyring key and leaves nothing under the old one; switching to a password command
    removes the password the account no longer reads."""
    deliver(dovecot, dovecot_user, 2)

    def add(host: str, *how: str, stdin: str | None = None) -> Account:
        done = run_popgui(
            tmp_path, "account", "add", "kr", "--host", host, "--port", str(dovecot.plain_port),
            "--security", "none", "--user", dovecot_user.name, *how, stdin=stdin,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        account = load_settings(tmp_path / "settings.json").get("kr")
        assert account is not None
        return account

    first = add("127.0.0.1", "--password-stdin", stdin=dovecot_user.password + "\n")
    moved = add("localhost", "--replace")
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(first)) is None
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(moved)) == dovecot_user.password
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 2), stderr

    by_command = add("localhost", "--password-command", password_command(dovecot_user.password),
                     "--replace")  # fmt: skip
    assert by_command.password_source == "command"
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(moved)) is None
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["error"]) == (0, None), stderr
