"""What goes wrong on the computer's side of a Kerberos sign-in, each with its own sentence: a
clock too far from the KDC's, a realm the computer's settings lack, a KDC that does not
answer. All happen while making the first token, before ``AUTH GSSAPI`` is sent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import POPGUI
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm

from .conftest import KerberosUser
from .helpers import add_account, login_methods, only_report, popgui

pytestmark = [pytest.mark.kerberos, pytest.mark.dovecot]

CLOCK = "this computer's clock is too far from the Kerberos server's"


def faketime(offset: str) -> tuple[str, ...]:
    """popgui run with its clock moved by ``offset`` (libfaketime; the KDC keeps the true time)."""
    program = shutil.which("faketime")
    if program is None:
        pytest.skip("the faketime program is missing (apt-get install faketime)")
    return (program, "-f", offset, *POPGUI)


def variant(realm: KerberosRealm, directory: Path, old: str, new: str) -> dict[str, str]:
    """A krb5.conf like the realm's with one change, for the popgui subprocess."""
    text = realm.krb5_conf.read_text("utf-8")
    assert old in text
    path = directory / "krb5-variant.conf"
    path.write_text(text.replace(old, new), "utf-8")
    return {"KRB5_CONFIG": str(path)}


def sync_both_ways(
    realm: KerberosRealm,
    user: KerberosUser,
    profile: Path,
    *,
    env: dict[str, str] | None = None,
    command: tuple[str, ...] = tuple(POPGUI),
) -> tuple[subprocess.CompletedProcess[str], str]:
    """``--debug sync`` (its output) and ``sync --json`` (its error kind)."""
    done = popgui(realm, user.ccache, profile, "--debug", "sync", "work", env=env, command=command)
    as_json = popgui(
        realm, user.ccache, profile, "sync", "--json", "work", env=env, command=command
    )
    assert "Traceback" not in done.stderr + as_json.stderr, done.stderr + as_json.stderr
    assert "C: CAPA" in done.stderr and "AUTH GSSAPI" not in done.stderr
    return done, str(only_report(as_json.stdout)["error_kind"])


@pytest.mark.parametrize("offset", ["-2h", "+2h"])
def test_a_clock_far_from_the_kdcs(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    offset: str,
) -> None:
    """Behind: the ticket is not valid yet (the library's own check). Ahead: the KDC refuses
    the ticket request (kdc_timesync off, else MIT's library quietly corrects for it)."""
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    env = None
    if offset.startswith("+"):
        env = variant(kerberos_realm, tmp_path, " clockskew", " kdc_timesync = 0\n clockskew")

    done, kind = sync_both_ways(
        kerberos_realm, krb_user, tmp_path, env=env, command=faketime(offset)
    )

    assert done.returncode == 1
    assert CLOCK in done.stderr
    assert kind == "kerberos"
    assert login_methods(kerberos_dovecot, krb_user.name) == []


def test_a_realm_this_computers_settings_lack(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    """A ticket of POPGUI.TEST, but krb5.conf says nothing of that realm's KDC (no DNS
    lookup either): the library cannot ask for the mail service's ticket."""
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)
    env = variant(kerberos_realm, tmp_path, f"kdc = 127.0.0.1:{kerberos_realm.port}", "")

    done, kind = sync_both_ways(kerberos_realm, krb_user, tmp_path, env=env)

    assert done.returncode == 1
    assert (
        "this computer does not know where to find the Kerberos server of realm POPGUI.TEST"
        in done.stderr
    )
    assert kind == "kerberos"


def test_a_kdc_that_does_not_answer(
    tmp_path: Path,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
) -> None:
    """A ticket-granting ticket from before, but no ticket for the mail service yet, and the
    KDC stopped: a network problem, worth trying again later."""
    kerberos_realm.kinit(krb_user.name, krb_user.password, krb_user.ccache)
    add_account(kerberos_realm, krb_user, tmp_path, kerberos_dovecot)

    with kerberos_realm.stopped():
        done, kind = sync_both_ways(kerberos_realm, krb_user, tmp_path)

    assert done.returncode == 1
    assert "the Kerberos server of realm POPGUI.TEST does not answer" in done.stderr
    assert kind == "network"
    again = popgui(kerberos_realm, krb_user.ccache, tmp_path, "sync", "work")
    assert again.returncode == 0, again.stderr  # the KDC is back: the same ticket signs in
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI"]
