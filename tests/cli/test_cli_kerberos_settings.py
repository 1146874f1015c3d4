"""``popgui account add --auth gssapi`` and what the other commands say about such an account,
without a realm: no ticket here (tests/conftest.py hides any ticket of the person running the
suite). Signing in with a real ticket, against a real KDC and Dovecot: tests/kerberos/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import password_command, run_popgui

pytest.importorskip("gssapi", reason="the Kerberos extra (popgui[kerberos]) is missing")


def _add(profile: Path, *more: str, stdin: str | None = None) -> tuple[int, str, str]:
    done = run_popgui(
        profile, "account", "add", "work", "--host", "mail.example.org", "--user", "alice",
        "--auth", "gssapi", *more, stdin=stdin,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def test_a_kerberos_account_keeps_no_password_and_says_how_to_get_a_ticket(
    tmp_path: Path,
) -> None:
    status, out, err = _add(tmp_path)
    assert status == 0, err
    assert "it signs in with your Kerberos ticket: none: run kinit alice before a sync" in out
    assert "no password stored" not in err
    saved = json.loads((tmp_path / "settings.json").read_text("utf-8"))
    assert saved["accounts"][0]["auth"] == "gssapi"
    assert saved["accounts"][0]["password_command"] is None
    assert not (tmp_path / "passwords").exists()  # no password file either
    shown = run_popgui(tmp_path, "account", "show", "work")
    assert "auth: gssapi" in shown.stdout
    assert "kerberos-ticket: none: run kinit alice before a sync" in shown.stdout


@pytest.mark.parametrize(
    "password_option",
    [
        ("--password-stdin",),
        ("--password-stdin", "--password-in-file"),
        ("--password-command", password_command("secret")),
    ],
)
def test_a_kerberos_account_refuses_a_password(
    tmp_path: Path, password_option: tuple[str, ...]
) -> None:
    status, _out, err = _add(tmp_path, *password_option, stdin="secret\n")
    assert status == 2
    assert "Kerberos" in err and "Traceback" not in err
    assert not (tmp_path / "settings.json").exists()


def test_pop2_cannot_sign_in_with_kerberos(tmp_path: Path) -> None:
    status, _out, err = _add(tmp_path, "--protocol", "pop2", "--security", "tls")
    assert status == 2 and "POP2" in err


def test_account_login_points_a_kerberos_account_to_kinit(tmp_path: Path) -> None:
    assert _add(tmp_path)[0] == 0
    done = run_popgui(tmp_path, "account", "login", "work")
    assert done.returncode == 2
    assert "kinit alice" in done.stderr and "Traceback" not in done.stderr
