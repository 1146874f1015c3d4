"""Running the real ``popgui`` command as a person with (or without) a Kerberos ticket."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import POPGUI, password_command
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm

from .conftest import KerberosUser


def popgui(
    realm: KerberosRealm,
    ccache: Path,
    profile: Path,
    *args: str,
    env: dict[str, str] | None = None,
    command: tuple[str, ...] = tuple(POPGUI),
) -> subprocess.CompletedProcess[str]:
    """``popgui --profile PROFILE ARGS`` with the realm's krb5.conf and ``ccache``; nothing
    on stdin (a password prompt would find end-of-file). ``command`` runs popgui another way
    (under faketime, or without the gssapi package)."""
    full_env = {**os.environ, **realm.env(ccache), **(env or {})}
    full_env.pop("POPGUI_PROFILE", None)
    return subprocess.run(
        [*command, "--profile", str(profile), *args],
        input="", capture_output=True, text=True, timeout=120, env=full_env, check=False,
    )  # fmt: skip


def add_account(
    realm: KerberosRealm,
    user: KerberosUser,
    profile: Path,
    server: DovecotServer,
    *,
    name: str = "work",
    auth: str = "gssapi",
    security: str = "none",
    host: str = "localhost",
    account_user: str | None = None,
    pki: TestPKI | None = None,
) -> subprocess.CompletedProcess[str]:
    """``popgui account add`` for ``user``'s mailbox; "auto" gets its mailbox password
    through a --password-command (so no keyring is needed)."""
    port = server.tls_port if security == "tls" else server.plain_port
    args = [
        "account", "add", name, "--host", host, "--port", str(port), "--security", security,
        "--user", account_user or user.name, "--auth", auth,
    ]  # fmt: skip
    if pki is not None:
        args += ["--ca-file", str(pki.ca_cert)]
    if auth != "gssapi":
        args += ["--password-command", password_command(user.mail_password)]
    done = popgui(realm, user.ccache, profile, *args)
    assert done.returncode == 0, done.stderr
    return done


def downloaded(profile: Path, name: str = "work") -> list[bytes]:
    new = profile / "mail" / name / "new"
    return [path.read_bytes() for path in new.iterdir()] if new.exists() else []


def login_methods(server: DovecotServer, user: str) -> list[str]:
    """The methods of ``user``'s successful logins so far, from Dovecot's log."""
    pattern = re.compile(rf"Login: user=<{re.escape(user)}>, method=([A-Z0-9-]+)")
    return pattern.findall(server.log_text())


def only_report(stdout: str) -> dict[str, Any]:
    """The one account's report of ``popgui sync --json``."""
    reports = json.loads(stdout)
    assert len(reports) == 1, reports
    report: dict[str, Any] = reports[0]
    return report


def with_ticket(realm: KerberosRealm, monkeypatch: pytest.MonkeyPatch, user: KerberosUser) -> None:
    """``user`` runs kinit, and this process reads that credential cache from now on."""
    realm.kinit(user.name, user.password, user.ccache)
    for key, value in realm.env(user.ccache).items():
        monkeypatch.setenv(key, value)
