"""popgui where the optional gssapi package cannot be imported (``sys.modules['gssapi'] =
None`` before popgui starts, as if it were not installed): a Kerberos account says what to
install, and an "auto" account signs in with its password even with a ticket at hand."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm

from .conftest import MESSAGE, KerberosUser
from .helpers import add_account, downloaded, login_methods, only_report, popgui

pytestmark = [pytest.mark.kerberos, pytest.mark.dovecot]

# What the `popgui` console script runs (popgui.cli:run), with gssapi made unimportable.
WITHOUT_GSSAPI = (
    sys.executable,
    "-c",
    "import sys; sys.modules['gssapi'] = None; from popgui.cli import run; run()",
)


def test_a_kerberos_account_says_to_install_the_package(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    ccache = krb_user.ccache

    done = popgui(kerberos_realm, ccache, tmp_path, "sync", "work", command=WITHOUT_GSSAPI)
    as_json = popgui(
        kerberos_realm, ccache, tmp_path, "sync", "--json", "work", command=WITHOUT_GSSAPI
    )
    show = popgui(
        kerberos_realm, ccache, tmp_path, "account", "show", "work", command=WITHOUT_GSSAPI
    )

    assert done.returncode == 1
    assert "pip install 'popgui[kerberos]'" in done.stderr
    assert "Traceback" not in done.stderr + as_json.stderr + show.stderr
    assert only_report(as_json.stdout)["error_kind"] == "config"
    assert show.returncode == 0, show.stderr
    assert (
        "kerberos-ticket: signing in with Kerberos needs the Python package gssapi" in show.stdout
    )
    assert login_methods(kerberos_dovecot, krb_user.name) == []
    assert downloaded(tmp_path) == []


def test_auto_signs_in_with_the_password(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    """The ticket is there, but without the package popgui cannot use it: the password."""
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot, auth="auto")

    done = popgui(
        kerberos_realm, krb_user.ccache, tmp_path, "--debug", "sync", "work",
        command=WITHOUT_GSSAPI,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "AUTH GSSAPI" not in done.stderr
    methods = login_methods(kerberos_dovecot, krb_user.name)
    assert len(methods) == 1 and methods[0] != "GSSAPI"
    assert downloaded(tmp_path) == [MESSAGE]
