"""``popgui account add --auth gssapi``, ``account show`` and ``sync``, run for real as a person
with a Kerberos ticket would, against a real MIT KDC and a real Dovecot that accepts GSSAPI."""

from __future__ import annotations

import subprocess
from pathlib import Path

import keyring
import pytest

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import load_settings
from tests.cli.helpers import run_popgui
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm
from tests.support.secret_service import SecretService

from .conftest import MESSAGE, KerberosUser, new_user
from .helpers import add_account, downloaded, login_methods, only_report, popgui

pytestmark = [pytest.mark.kerberos, pytest.mark.dovecot]


def sync(
    realm: KerberosRealm, user: KerberosUser, profile: Path
) -> subprocess.CompletedProcess[str]:
    return popgui(realm, user.ccache, profile, "sync", "work")


@pytest.mark.keyring
def test_a_ticket_from_kinit_signs_in_and_no_password_is_asked_or_kept(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    secret_service: SecretService,
) -> None:
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    added = add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    principal = kerberos_realm.principal(krb_user.name)
    assert f"it signs in with your Kerberos ticket: {principal}, valid until " in added.stdout

    done = popgui(kerberos_realm, krb_user.ccache, tmp_path, "--debug", "sync", "work")

    assert done.returncode == 0, done.stderr
    assert downloaded(tmp_path) == [MESSAGE]
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI"]
    assert "C: AUTH GSSAPI" in done.stderr
    assert "password" not in (added.stderr + done.stderr).lower()
    account = load_settings(tmp_path / "settings.json").get("work")
    assert account is not None
    assert account.auth == "gssapi" and account.password_command is None
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(account)) is None
    assert not (tmp_path / "passwords").exists()
    assert krb_user.password not in (tmp_path / "settings.json").read_text()


def test_a_ticket_from_acquire_cred_with_password_signs_in(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    kerberos_realm.acquire_with_password(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)

    done = sync(kerberos_realm, krb_user, tmp_path)

    assert done.returncode == 0, done.stderr
    assert downloaded(tmp_path) == [MESSAGE]
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI"]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_gssapi_after_starttls_and_over_implicit_tls(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    test_pki: TestPKI,
    security: str,
) -> None:
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(
        kerberos_realm, krb_user, tmp_path, kerberos_dovecot, security=security, pki=test_pki
    )

    done = popgui(kerberos_realm, krb_user.ccache, tmp_path, "--debug", "sync", "work")

    assert done.returncode == 0, done.stderr
    assert downloaded(tmp_path) == [MESSAGE]
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI"]
    if security == "starttls":
        assert done.stderr.index("C: STLS") < done.stderr.index("C: AUTH GSSAPI")
    log = kerberos_dovecot.log_text()
    assert f"user=<{krb_user.name}>, method=GSSAPI, rip=127.0.0.1, lip=127.0.0.1, mpid=" in log
    login = next(line for line in log.splitlines() if f"user=<{krb_user.name}>" in line)
    assert "TLS" in login or "secured" in login


def test_without_a_ticket_it_says_run_kinit_before_sending_auth(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    added = add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    assert f"none: run kinit {krb_user.name} before a sync" in added.stdout

    done = popgui(kerberos_realm, krb_user.ccache, tmp_path, "--debug", "sync", "work")
    as_json = popgui(kerberos_realm, krb_user.ccache, tmp_path, "sync", "--json", "work")

    assert done.returncode == 1
    assert f"no Kerberos ticket for POPGUI.TEST: run kinit {krb_user.name}" in done.stderr
    assert "Traceback" not in done.stderr
    assert "C: CAPA" in done.stderr  # the dialogue is shown: AUTH GSSAPI was never sent
    assert "AUTH GSSAPI" not in done.stderr
    report = only_report(as_json.stdout)
    assert report["error_kind"] == "kerberos-ticket"
    assert f"run kinit {krb_user.name}" in report["error"]
    assert downloaded(tmp_path) == []
    assert login_methods(kerberos_dovecot, krb_user.name) == []


def test_an_expired_ticket_says_so(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    kerberos_realm.expired_ticket(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)

    done = sync(kerberos_realm, krb_user, tmp_path)
    as_json = popgui(kerberos_realm, krb_user.ccache, tmp_path, "sync", "--json", "work")

    assert done.returncode == 1
    assert "your Kerberos ticket has expired: run kinit " + krb_user.name in done.stderr
    report = only_report(as_json.stdout)
    assert report["error_kind"] == "kerberos-ticket"
    assert "has expired" in report["error"]


def test_a_server_name_the_realm_does_not_know(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    test_pki: TestPKI,
) -> None:
    """127.0.0.1 is the same server, and its certificate covers that address, but the realm
    has only pop/localhost: the Kerberos library refuses before AUTH is sent."""
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(
        kerberos_realm, krb_user, tmp_path, kerberos_dovecot,
        host="127.0.0.1", security="tls", pki=test_pki,
    )  # fmt: skip

    done = popgui(kerberos_realm, krb_user.ccache, tmp_path, "--debug", "sync", "work")
    as_json = popgui(kerberos_realm, krb_user.ccache, tmp_path, "sync", "--json", "work")

    assert done.returncode == 1
    assert "the Kerberos realm does not know the mail service pop/127.0.0.1" in done.stderr
    assert "AUTH GSSAPI" not in done.stderr
    assert only_report(as_json.stdout)["error_kind"] == "kerberos"


def test_a_ticket_the_server_refuses_for_this_mailbox_names_its_owner(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    """alice's ticket, the account's user bob: Dovecot refuses alice reading bob's mail."""
    bob = new_user(kerberos_realm, kerberos_dovecot, tmp_path)
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot, account_user=bob.name)

    done = sync(kerberos_realm, krb_user, tmp_path)
    as_json = popgui(kerberos_realm, krb_user.ccache, tmp_path, "sync", "--json", "work")

    assert done.returncode == 1
    principal = kerberos_realm.principal(krb_user.name)
    assert principal in done.stderr and bob.name in done.stderr
    assert "--password-stdin" not in done.stderr  # no password to fix: it has none
    report = only_report(as_json.stdout)
    assert report["error_kind"] == "credentials"
    assert principal in report["error"]
    assert login_methods(kerberos_dovecot, bob.name) == []
    assert downloaded(tmp_path) == []


def test_auto_uses_the_ticket_when_there_is_one_and_the_password_otherwise(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot, auth="auto")

    without = sync(kerberos_realm, krb_user, tmp_path)
    assert without.returncode == 0, without.stderr
    methods = login_methods(kerberos_dovecot, krb_user.name)
    assert len(methods) == 1 and methods[0] != "GSSAPI"

    kerberos_dovecot.deliver(krb_user.name, b"Subject: second\n\nsecond\n")
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    with_ticket = sync(kerberos_realm, krb_user, tmp_path)

    assert with_ticket.returncode == 0, with_ticket.stderr
    assert login_methods(kerberos_dovecot, krb_user.name)[1:] == ["GSSAPI"]
    assert len(downloaded(tmp_path)) == 2


def test_auto_falls_back_to_the_password_when_the_server_refuses_the_ticket(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    """A ticket of someone else (alice's, for bob's account): GSSAPI is refused, and the same
    session signs in with bob's password."""
    bob = new_user(kerberos_realm, kerberos_dovecot, tmp_path)
    alice_ticket = krb_user.ccache
    kerberos_realm.kinit(krb_user.name, krb_user.password, alice_ticket)
    add_account(kerberos_realm, bob, tmp_path, kerberos_dovecot, auth="auto")

    done = popgui(kerberos_realm, alice_ticket, tmp_path, "--debug", "sync", "work")

    assert done.returncode == 0, done.stderr
    assert "C: AUTH GSSAPI" in done.stderr
    methods = login_methods(kerberos_dovecot, bob.name)
    assert len(methods) == 1 and methods[0] != "GSSAPI"
    assert downloaded(tmp_path) == [MESSAGE]
    assert bob.mail_password not in done.stderr


def test_account_show_tells_whose_ticket_and_until_when(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    before = popgui(kerberos_realm, krb_user.ccache, tmp_path, "account", "show", "work")
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    after = popgui(kerberos_realm, krb_user.ccache, tmp_path, "account", "show", "work")

    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert f"kerberos-ticket: none: run kinit {krb_user.name} before a sync" in before.stdout
    principal = kerberos_realm.principal(krb_user.name)
    assert f"kerberos-ticket: {principal}, valid until " in after.stdout


@pytest.mark.parametrize(
    "option", ["--password-stdin", "--password-in-file", "--password-command=echo secret"]
)
def test_a_kerberos_account_refuses_a_password(tmp_path: Path, option: str) -> None:
    done = run_popgui(
        tmp_path, "account", "add", "work", "--host", "localhost", "--user", "alice",
        "--auth", "gssapi", option, stdin="secret\n",
    )  # fmt: skip

    assert done.returncode == 2
    assert "signs in with Kerberos" in done.stderr and "has no password" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "settings.json").exists()
    assert not (tmp_path / "passwords").exists()
