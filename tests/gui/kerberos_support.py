"""Kerberos for the window tests: the private realm and the Dovecot that accepts its tickets
(tests/kerberos/conftest.py's fixtures), and a ticket in a credential cache this process reads,
as a person's desktop session would hold one.

A test module takes the fixtures by naming them at its top (``kerberos_realm =
kerberos_support.kerberos_realm``): fixtures are found by name in the module, and those names
mark its tests ``kerberos`` (a real service: never a skip in CI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kerberos import conftest as realm_fixtures
from tests.kerberos.conftest import MESSAGE, KerberosUser, new_user
from tests.kerberos.helpers import with_ticket
from tests.support.kerberos import KerberosRealm

__all__ = [
    "MESSAGE",
    "KerberosUser",
    "kerberos_dovecot",
    "kerberos_realm",
    "krb_user",
    "new_user",
    "ticket_of",
    "with_ticket",
]

kerberos_realm = realm_fixtures.kerberos_realm
kerberos_dovecot = realm_fixtures.kerberos_dovecot
krb_user = realm_fixtures.krb_user

#: Every principal's Kerberos password in these tests (kinit reads it on stdin).
PASSWORD = "kerberos-password"


@pytest.fixture
def ticket_of(
    kerberos_realm: KerberosRealm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], str]]:
    """``ticket_of(name)``: a new principal of the realm with a ticket from kinit, in the
    credential cache this process reads; returns the principal (``name@POPGUI.TEST``)."""
    ccache = tmp_path / "ccache"
    for key, value in kerberos_realm.env(ccache).items():
        monkeypatch.setenv(key, value)

    def get(name: str) -> str:
        kerberos_realm.add_user(name, PASSWORD)
        kerberos_realm.kinit(name, PASSWORD, ccache)
        return kerberos_realm.principal(name)

    yield get
