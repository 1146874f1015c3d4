"""The private Kerberos realm and the Dovecot that accepts its tickets, for tests/kerberos/.

- ``kerberos_realm`` (session): an MIT KDC for POPGUI.TEST on loopback with the service
  ``pop/localhost`` in its keytab (:mod:`tests.support.kerberos`);
- ``kerberos_dovecot`` (session): a private Dovecot offering GSSAPI next to the password
  mechanisms, accepting ``pop/localhost`` (:class:`tests.support.dovecot.DovecotKerberos`);
- ``krb_user`` (function): a fresh person, both a principal of the realm and a mail user on
  that Dovecot, with one message waiting and a credential cache of its own (empty at first).

These tests are marked ``kerberos`` (a real service: never a skip in CI). Outside CI they skip
when krb5kdc, Dovecot's GSSAPI module (dovecot-gssapi) or the gssapi package is missing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotKerberos, DovecotServer, private_dovecot
from tests.support.kerberos import KerberosRealm, KerberosUnavailable, private_realm

MESSAGE = b"From: boss@example.org\nSubject: signed in with Kerberos\n\nhello\n"

# Where Debian, Fedora and the like put Dovecot's GSSAPI mechanism (dovecot-gssapi).
_GSSAPI_MODULES = (
    "/usr/lib/dovecot/modules/auth/libmech_gssapi.so",
    "/usr/lib64/dovecot/auth/libmech_gssapi.so",
    "/usr/lib/dovecot/auth/libmech_gssapi.so",
)


@dataclass(frozen=True)
class KerberosUser:
    """Someone with a Kerberos principal and a mailbox of the same name."""

    name: str
    password: str  #: the Kerberos password (kinit's)
    mail_password: str  #: the mailbox's own password (what "auto" falls back to)
    maildir: Path  #: on the server
    ccache: Path  #: this person's credential cache (no file until a ticket is got)


def _needs_gssapi_package() -> None:
    if importlib.util.find_spec("gssapi") is None:
        pytest.skip("the gssapi package is missing (pip install -e '.[kerberos]')")


@pytest.fixture(scope="session")
def kerberos_realm() -> Iterator[KerberosRealm]:
    _needs_gssapi_package()
    with contextlib.ExitStack() as stack:
        try:
            realm = stack.enter_context(private_realm())
            realm.add_service("localhost")
        except KerberosUnavailable as error:
            pytest.skip(str(error))
        yield realm


@pytest.fixture(scope="session")
def kerberos_dovecot(test_pki: TestPKI, kerberos_realm: KerberosRealm) -> Iterator[DovecotServer]:
    if not any(Path(path).exists() for path in _GSSAPI_MODULES):
        pytest.skip("Dovecot's GSSAPI module is missing (apt-get install dovecot-gssapi)")
    kerberos = DovecotKerberos(kerberos_realm.keytab, kerberos_realm.krb5_conf)
    with private_dovecot(test_pki, kerberos=kerberos) as server:
        yield server


def new_user(realm: KerberosRealm, server: DovecotServer, directory: Path) -> KerberosUser:
    """A principal and a mailbox with one message (lower case: Dovecot's %Ln lowercases)."""
    name = f"k{secrets.token_hex(5)}"
    password, mail_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    realm.add_user(name, password)
    maildir = server.add_user(name, mail_password)
    server.deliver(name, MESSAGE)
    return KerberosUser(name, password, mail_password, maildir, directory / f"{name}.ccache")


@pytest.fixture
def krb_user(
    kerberos_realm: KerberosRealm, kerberos_dovecot: DovecotServer, tmp_path: Path
) -> KerberosUser:
    return new_user(kerberos_realm, kerberos_dovecot, tmp_path)
