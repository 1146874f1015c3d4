"""Mutual authentication and the security-layer exchange (RFC 4752), against a scripted server
that accepts with a real acceptor context from the realm's keytab: a server that cannot prove
it is pop/localhost is not trusted, an offer without "no layer" is refused, and an honest
exchange ends with popgui's wrapped ``01 00 00 00`` + the account's user name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.kerberos import KerberosRealm

from .conftest import KerberosUser
from .helpers import downloaded, only_report, popgui
from .scripted_server import Mode, ScriptedGssapiServer, scripted_server

pytestmark = pytest.mark.kerberos


@pytest.fixture
def acceptor_env(monkeypatch: pytest.MonkeyPatch, kerberos_realm: KerberosRealm) -> None:
    """The acceptor in this process reads the realm's krb5.conf; no replay cache on disk."""
    monkeypatch.setenv("KRB5_CONFIG", str(kerberos_realm.krb5_conf))
    monkeypatch.setenv("KRB5RCACHETYPE", "none")


def sync_against(
    realm: KerberosRealm, user: KerberosUser, profile: Path, mode: Mode
) -> tuple[ScriptedGssapiServer, int, str, dict[str, object]]:
    realm.kinit(user.name, user.password, user.ccache)
    with scripted_server(realm.keytab, mode) as server:
        added = popgui(
            realm, user.ccache, profile, "account", "add", "work", "--host", "localhost",
            "--port", str(server.port), "--security", "none", "--user", user.name,
            "--auth", "gssapi",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        done = popgui(realm, user.ccache, profile, "sync", "work")
        as_json = popgui(realm, user.ccache, profile, "sync", "--json", "work")
    assert "Traceback" not in done.stderr + as_json.stderr, done.stderr + as_json.stderr
    return server, done.returncode, done.stderr, only_report(as_json.stdout)


@pytest.mark.usefixtures("acceptor_env")
def test_an_honest_server_gets_no_layer_and_the_user_name(
    tmp_path: Path, kerberos_realm: KerberosRealm, krb_user: KerberosUser
) -> None:
    server, status, stderr, report = sync_against(kerberos_realm, krb_user, tmp_path, "honest")

    assert status == 0, stderr
    assert report["error"] is None
    assert server.initiator == kerberos_realm.principal(krb_user.name)
    assert server.final_message == b"\x01\x00\x00\x00" + krb_user.name.encode()
    assert downloaded(tmp_path) == []


@pytest.mark.usefixtures("acceptor_env")
def test_a_server_whose_ap_rep_does_not_check_out_is_not_trusted(
    tmp_path: Path, kerberos_realm: KerberosRealm, krb_user: KerberosUser
) -> None:
    server, status, stderr, report = sync_against(
        kerberos_realm, krb_user, tmp_path, "garbled-ap-rep"
    )

    assert status == 1
    assert "the mail server did not prove that it is pop/localhost" in stderr
    assert report["error_kind"] == "kerberos"
    assert server.final_message is None  # nothing was wrapped for it
    assert not any(line.upper().startswith(("STAT", "UIDL", "LIST")) for line in server.lines)


@pytest.mark.usefixtures("acceptor_env")
def test_an_offer_without_the_no_layer_bit_is_a_protocol_error(
    tmp_path: Path, kerberos_realm: KerberosRealm, krb_user: KerberosUser
) -> None:
    server, status, stderr, report = sync_against(
        kerberos_realm, krb_user, tmp_path, "no-layer-bit"
    )

    assert status == 1
    assert "does not allow a connection without a layer" in stderr
    assert "it offered 0x02" in stderr
    assert report["error_kind"] == "protocol"
    assert server.final_message is None
