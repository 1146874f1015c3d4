"""The window's "Test connection" (popgui/sync/diagnose.py) on an account that signs in with
Kerberos: it logs in with the ticket, says whose ticket it is, and who signed in."""

from __future__ import annotations

import dataclasses

import pytest

from popgui.accounts.settings import Account
from popgui.catalog import render
from popgui.net.kerberos import KerberosTicketError
from popgui.sync.diagnose import test_connection as check_connection
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm

from .conftest import KerberosUser
from .helpers import with_ticket

pytestmark = [pytest.mark.kerberos, pytest.mark.dovecot]


def gssapi_account(server: DovecotServer, user: KerberosUser, pki: TestPKI) -> Account:
    return Account(
        name="work", host="localhost", port=server.tls_port, security="tls",
        ca_file=str(pki.ca_cert), user=user.name, auth="gssapi",
    )  # fmt: skip


def test_test_connection_signs_in_with_the_ticket(
    monkeypatch: pytest.MonkeyPatch,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    test_pki: TestPKI,
) -> None:
    with_ticket(kerberos_realm, monkeypatch, krb_user)

    report = check_connection(gssapi_account(kerberos_dovecot, krb_user, test_pki), None)

    assert report.error is None, report.error
    assert report.login_ok is True
    assert report.login_method == "GSSAPI"
    assert "GSSAPI" in report.auth_methods
    assert report.message_count == 1
    notes = [render(note) for note in report.notes]
    principal = kerberos_realm.principal(krb_user.name)
    assert any(
        note.startswith(f"GSSAPI signs in with your Kerberos ticket; your ticket: {principal}")
        and "valid until" in note
        for note in notes
    ), notes
    assert f"signed in with Kerberos as {principal}" in notes


def test_test_connection_without_a_ticket_says_run_kinit(
    monkeypatch: pytest.MonkeyPatch,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    test_pki: TestPKI,
) -> None:
    for key, value in kerberos_realm.env(krb_user.ccache).items():
        monkeypatch.setenv(key, value)

    report = check_connection(gssapi_account(kerberos_dovecot, krb_user, test_pki), None)

    assert isinstance(report.error, KerberosTicketError)
    assert f"run kinit {krb_user.name}" in render(report.error.sentence)
    assert report.login_ok is False  # tried, and Kerberos could not sign in
    notes = [render(note) for note in report.notes]
    assert (
        f"GSSAPI signs in with your Kerberos ticket; your ticket: none: run kinit {krb_user.name}"
        " before a sync." in notes
    ), notes


def test_without_tls_the_report_warns_for_the_mail_not_for_a_password(
    monkeypatch: pytest.MonkeyPatch,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    test_pki: TestPKI,
) -> None:
    """A Kerberos account sends no password: the clear-text warnings about one would mislead."""
    with_ticket(kerberos_realm, monkeypatch, krb_user)
    account = gssapi_account(kerberos_dovecot, krb_user, test_pki)
    plain = dataclasses.replace(account, port=kerberos_dovecot.plain_port, security="none")

    report = check_connection(plain, None)

    assert report.login_ok is True, report.error
    notes = " ".join(render(note) for note in report.notes)
    assert "your Kerberos ticket is safe, but all mail crosses the network" in notes
    assert "password" not in notes, notes
