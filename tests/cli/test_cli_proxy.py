"""``popgui account add --proxy`` and ``popgui sync`` through real proxies (dante, tinyproxy)
in front of the real Dovecot, run as the real command; the proxy's password in the real
keyring (the ``secret_service`` fixture shares its D-Bus session with the subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest

from popgui.accounts.proxy_settings import proxy_credentials
from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import load_settings
from tests.cli.helpers import password_command, run_popgui, sync_json
from tests.support import proxy_fixtures
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser, free_port
from tests.support.proxies import (
    PROXY_PASSWORD,
    PROXY_USER,
    Proxy,
)
from tests.support.secret_service import SecretService

MESSAGE = b"From: a@example.org\r\nSubject: proxied\r\n\r\nHello.\r\n"

dante_login = proxy_fixtures.dante_login
tinyproxy = proxy_fixtures.tinyproxy


def _add(profile: Path, dovecot: DovecotServer, user: MailUser, pki: TestPKI, *more: str,
         stdin: str | None = None, security: str = "tls") -> tuple[int, str]:  # fmt: skip
    port = dovecot.tls_port if security == "tls" else dovecot.plain_port
    done = run_popgui(
        profile, "account", "add", "work", "--host", "localhost", "--port", str(port),
        "--security", security, "--user", user.name, "--ca-file", str(pki.ca_cert),
        "--password-command", password_command(user.password), *more, stdin=stdin,
    )  # fmt: skip
    return done.returncode, done.stderr


@pytest.mark.keyring
def test_socks5_with_a_login_the_password_goes_to_the_keyring_not_the_settings(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI,
    dante_login: Proxy, secret_service: SecretService,
) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    url = dante_login.url("socks5", PROXY_USER, PROXY_PASSWORD)
    code, stderr = _add(tmp_path, dovecot, dovecot_user, test_pki, "--proxy", url)
    assert code == 0, stderr
    settings = (tmp_path / "settings.json").read_text()
    assert PROXY_PASSWORD not in settings
    account = load_settings(tmp_path / "settings.json").get("work")
    assert account is not None
    assert account.proxy == f"socks5://{PROXY_USER}@127.0.0.1:{dante_login.port}"
    key = keyring_key(proxy_credentials(account))
    assert key == f"work/proxy/{PROXY_USER}@127.0.0.1"
    assert keyring.get_password(KEYRING_SERVICE, key) == PROXY_PASSWORD

    shown = run_popgui(tmp_path, "account", "show", "work")
    assert f"proxy: socks5://{PROXY_USER}@127.0.0.1:{dante_login.port}" in shown.stdout
    assert "proxy-password-source: keyring" in shown.stdout
    assert PROXY_PASSWORD not in shown.stdout + shown.stderr

    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["error"], report[0]["downloaded"]) == (0, None, 1), stderr
    assert f"{PROXY_USER}@" in dante_login.log_text()

    # A wrong password in the keyring: the proxy refuses it, in words naming the proxy.
    keyring.set_password(KEYRING_SERVICE, key, "not-the-password")
    code, report, stderr = sync_json(tmp_path)
    assert code != 0
    assert report[0]["error"].startswith(
        f"the SOCKS5 proxy 127.0.0.1:{dante_login.port} refused the user name "
        f"'{PROXY_USER}' or its password."
    )

    done = run_popgui(tmp_path, "account", "remove", "work")
    assert done.returncode == 0, done.stderr
    assert keyring.get_password(KEYRING_SERVICE, key) is None


@pytest.mark.keyring
def test_proxy_password_from_stdin_and_from_a_command(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI,
    dante_login: Proxy, secret_service: SecretService,
) -> None:  # fmt: skip
    url = dante_login.url("socks5h", PROXY_USER)
    code, stderr = _add(tmp_path, dovecot, dovecot_user, test_pki, "--proxy", url,
                        "--proxy-password-stdin", stdin=PROXY_PASSWORD + "\n")  # fmt: skip
    assert code == 0, stderr
    dovecot.deliver(dovecot_user.name, MESSAGE)
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr

    code, stderr = _add(tmp_path, dovecot, dovecot_user, test_pki, "--proxy", url,
                        "--proxy-password-command", password_command(PROXY_PASSWORD),
                        "--replace")  # fmt: skip
    assert code == 0, stderr
    account = load_settings(tmp_path / "settings.json").get("work")
    assert account is not None and account.proxy_password_source == "command"
    shown = run_popgui(tmp_path, "account", "show", "work").stdout
    assert "proxy-password-source: command" in shown and "proxy-password-command: " in shown
    # The keyring entry the account no longer reads is gone.
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(proxy_credentials(account))) is None
    dovecot.deliver(dovecot_user.name, MESSAGE)
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["downloaded"]) == (0, 1), stderr


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_mail_arrives_through_tinyproxy(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI,
    tinyproxy: Proxy, security: str,
) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    code, stderr = _add(tmp_path, dovecot, dovecot_user, test_pki,
                        "--proxy", tinyproxy.url("http"), security=security)  # fmt: skip
    assert code == 0, stderr
    code, report, stderr = sync_json(tmp_path)
    assert (code, report[0]["error"], report[0]["downloaded"]) == (0, None, 1), stderr
    assert "CONNECT localhost:" in tinyproxy.log_text()


def test_proxy_down_and_proxy_refusing_say_so(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI,
    tinyproxy: Proxy,
) -> None:  # fmt: skip
    port = free_port()
    code, stderr = _add(tmp_path, dovecot, dovecot_user, test_pki,
                        "--proxy", f"http://127.0.0.1:{port}")  # fmt: skip
    assert code == 0, stderr
    done = run_popgui(tmp_path, "sync")
    assert done.returncode != 0
    assert f"the HTTP proxy 127.0.0.1:{port} cannot be reached: connection refused" in done.stderr
    assert "Traceback" not in done.stderr

    # tinyproxy lets CONNECT reach the POP3 ports only: IMAP's is refused (ConnectPort).
    done = run_popgui(
        tmp_path, "account", "add", "work", "--host", "localhost", "--port",
        str(dovecot.imap_port), "--security", "none", "--user", dovecot_user.name,
        "--password-command", password_command(dovecot_user.password),
        "--proxy", tinyproxy.url("http"), "--replace",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    code, report, _stderr = sync_json(tmp_path)
    assert code != 0
    assert report[0]["error"].startswith(
        f"the HTTP proxy 127.0.0.1:{tinyproxy.port} did not connect to "
        f"localhost:{dovecot.imap_port}: it answered 403 Access violation."
    )


@pytest.mark.parametrize(
    ("proxy", "more", "says"),
    [
        ("ftp://h:1", (), "popgui knows socks5, socks5h and http proxies"),
        ("socks5://h", (), "the proxy's port is missing"),
        ("http://u:secret@h:99999", (), "'http://u:***@h:99999' is not valid"),
        ("socks5://h:1080", ("--proxy-password-stdin",), "a proxy password goes with a user name"),
        ("socks5://u:pw@h:1080", ("--proxy-password-command", "echo x"), "give the proxy's"),
        (None, ("--proxy-password-command", "echo x"), "go with --proxy"),
    ],
)
def test_bad_proxy_options_are_refused_in_words(
    tmp_path: Path, proxy: str | None, more: tuple[str, ...], says: str
) -> None:
    args = ["--proxy", proxy] if proxy is not None else []
    done = run_popgui(
        tmp_path, "account", "add", "work", "--host", "pop.example.org", "--user", "u",
        "--password-command", "echo x", *args, *more, stdin="",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "settings.json").exists()


def test_a_settings_file_without_proxy_fields_reads_as_no_proxy(tmp_path: Path) -> None:
    """Files written before the proxy settings existed read fine: the fields have defaults."""
    done = run_popgui(tmp_path, "account", "add", "old", "--host", "pop.example.org",
                      "--user", "u", "--password-command", "echo x")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "settings.json").read_text())
    for name in ("proxy", "proxy_password_source", "proxy_password_command"):
        del data["accounts"][0][name]
    (tmp_path / "settings.json").write_text(json.dumps(data))
    account = load_settings(tmp_path / "settings.json").get("old")
    assert account is not None and account.proxy is None
    shown = run_popgui(tmp_path, "account", "show", "old")
    assert "proxy" not in shown.stdout
