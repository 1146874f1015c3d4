"""popgui/net/kerberos.py without a realm: each failure of the Kerberos library becomes the
error and sentence a person can act on, and a missing ``gssapi`` package says what to install.

The sign-in itself, against a real KDC and Dovecot, is proved in tests/kerberos/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from popgui.errors import ConfigError, NetworkError
from popgui.messages import error_kind
from popgui.net import kerberos
from popgui.net.kerberos import (
    KdcUnreachableError,
    KerberosError,
    KerberosTicketError,
    KerberosUnavailableError,
)

gssapi = pytest.importorskip("gssapi", reason="the Kerberos extra (popgui[kerberos]) is missing")
from gssapi.raw.misc import GSSError  # noqa: E402  (only with the package)

_FAILURE = 0xD0000  # GSS_S_FAILURE: "see the minor (Kerberos) code"
_NO_CRED = 0x70000
_EXPIRED = 0xB0000


@pytest.fixture(autouse=True)
def private_realm_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A krb5.conf that maps localhost to POPGUI.TEST, and no ticket."""
    conf = tmp_path / "krb5.conf"
    conf.write_text(
        "[libdefaults]\n default_realm = POPGUI.TEST\n dns_canonicalize_hostname = false\n"
        " rdns = false\n[domain_realm]\n localhost = POPGUI.TEST\n",
        "utf-8",
    )
    monkeypatch.setenv("KRB5_CONFIG", str(conf))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'no-ticket'}")


def _explained(major: int, minor: int) -> KerberosError:
    error = GSSError(major, minor & 0xFFFFFFFF)  # the library's codes are unsigned
    return kerberos.explain(error, host="localhost", service="pop/localhost", user="alice")


@pytest.mark.parametrize(
    ("major", "minor", "kind", "words"),
    [
        (_NO_CRED, -1765328189, KerberosTicketError, "ticket for POPGUI.TEST: run kinit alice"),
        (_FAILURE, -1765328243, KerberosTicketError, "no Kerberos ticket for POPGUI.TEST"),
        (_EXPIRED, 0, KerberosTicketError, "has expired: run kinit alice"),
        (_FAILURE, -1765328352, KerberosTicketError, "has expired"),
        (_FAILURE, -1765328377, KerberosError, "does not know the mail service pop/localhost"),
        (_FAILURE, -1765328347, KerberosError, "clock is too far"),
        (_FAILURE, -1765328236, KerberosError, "clock is too far"),
        (_FAILURE, -1765328351, KerberosError, "clock is too far"),
        (_FAILURE, -1765328230, KerberosError, "Kerberos server of realm POPGUI.TEST"),
        (_FAILURE, -1765328167, KerberosError, "which Kerberos realm localhost belongs to"),
        (_FAILURE, -1765328228, KdcUnreachableError, "does not answer"),
    ],
)  # fmt: skip
def test_each_failure_has_its_own_sentence(
    major: int, minor: int, kind: type[KerberosError], words: str
) -> None:
    error = _explained(major, minor)
    assert type(error) is kind
    assert words in str(error)
    assert error.sentence is not None  # a catalog sentence: the window translates it


def test_script_kinds_tell_kinit_from_an_administrator_from_the_network() -> None:
    assert error_kind(_explained(_NO_CRED, -1765328189)) == "kerberos-ticket"
    assert error_kind(_explained(_FAILURE, -1765328377)) == "kerberos"
    unreachable = _explained(_FAILURE, -1765328228)
    assert isinstance(unreachable, NetworkError) and error_kind(unreachable) == "network"


def test_an_unknown_failure_quotes_the_library_without_its_decoding_noise() -> None:
    error = _explained(_FAILURE, 5)
    assert type(error) is KerberosError
    assert str(error).startswith("Kerberos sign-in failed: ")
    assert "gss_display_status" not in str(error)


def test_no_ticket_here_means_no_ticket_and_no_mechanism() -> None:
    assert kerberos.current_ticket() is None
    assert not kerberos.has_ticket()
    assert "none: run kinit alice" in str(kerberos.ticket_summary("alice"))
    with pytest.raises(KerberosTicketError, match=r"no Kerberos ticket for POPGUI\.TEST"):
        kerberos.GssapiMechanism("localhost", authzid="alice")


def test_without_the_package_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gssapi", None)  # `import gssapi` now fails
    assert not kerberos.available() and not kerberos.has_ticket()
    with pytest.raises(KerberosUnavailableError, match=r"pip install 'popgui\[kerberos\]'") as e:
        kerberos.GssapiMechanism("localhost", authzid="alice")
    assert isinstance(e.value, ConfigError)


def test_a_refused_kerberos_login_is_its_own_kind_of_refused_login() -> None:
    """The server said no to the ticket: a CredentialsError (scripts see "credentials", checks
    stop), of its own type so that no front end talks of a password; a refused password stays
    a plain CredentialsError."""
    from popgui.errors import CredentialsError, ServerError
    from popgui.net.kerberos import KerberosRefusedError
    from popgui.net.pop3client import _login_error

    refused = ServerError("[AUTH] Authentication failed.", code="AUTH", command="AUTH")
    kerberos_no = _login_error(refused, "GSSAPI", user="bob", principal="alice@POPGUI.TEST")
    password_no = _login_error(refused, "PLAIN", user="bob", principal="")
    assert isinstance(kerberos_no, KerberosRefusedError)
    assert "alice@POPGUI.TEST" in str(kerberos_no) and "bob" in str(kerberos_no)
    assert error_kind(kerberos_no) == "credentials"
    assert type(password_no) is CredentialsError
