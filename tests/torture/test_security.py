"""Security of the whole command line: TLS trust, STARTTLS stripping, injection, secrets.

TLS cases run against popgui's local POP3 server presenting the test PKI's odd certificates
(a name for another host, an expired one, a self-signed one); its command log shows whether a
credential was ever sent. The secrets grep runs a ``--debug`` session against the real Dovecot.
"""

from __future__ import annotations

import base64
import json
import shlex
import socket
import ssl
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from tests.cli.helpers import password_command, run_popgui
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser

USER, PASSWORD = "sec", "tr0ub4dor&3 horse"
CREDENTIAL_COMMANDS = ("USER", "PASS", "APOP", "AUTH")


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def mailbox() -> ServerMailbox:
    box = ServerMailbox()
    box.add(b"Subject: hello\r\n\r\nbody\r\n")
    return box


@pytest.fixture
def tls_server(request: pytest.FixtureRequest, test_pki: TestPKI) -> Iterator[LocalPOP3Server]:
    """A local server over implicit TLS with the certificate named by the test's parameter."""
    which: str = request.param
    cert, key = getattr(test_pki, f"{which}_cert"), getattr(test_pki, f"{which}_key")
    account = ServerAccount(USER, PASSWORD, mailbox())
    with LocalPOP3Server([account], implicit_tls=server_context(cert, key)) as server:
        yield server


def add(profile: Path, port: int, *extra: str, security: str = "tls", host: str = "localhost"):
    done = run_popgui(
        profile, "account", "add", "acct", "--host", host, "--port", str(port),
        "--security", security, "--user", USER,
        "--password-command", password_command(PASSWORD), "--replace", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def sync(profile: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    done = run_popgui(profile, *extra, "sync", "--json")
    return done.returncode, json.loads(done.stdout)[0], done.stderr


def credentials_sent(server: LocalPOP3Server) -> list[str]:
    return [line for line in server.log if line.split(" ", 1)[0].upper() in CREDENTIAL_COMMANDS]


# -- TLS trust -------------------------------------------------------------------------------


@pytest.mark.parametrize("tls_server", ["wrong_host"], indirect=True)
def test_a_certificate_for_another_name_is_refused_even_from_a_trusted_ca(
    tmp_path: Path, tls_server: LocalPOP3Server, test_pki: TestPKI
) -> None:
    add(tmp_path, tls_server.port, "--ca-file", str(test_pki.ca_cert))
    code, report, stderr = sync(tmp_path)
    assert (code, report["error_kind"], report["downloaded"]) == (1, "certificate", 0)
    assert "localhost" in stderr
    assert credentials_sent(tls_server) == []


@pytest.mark.parametrize("tls_server", ["expired"], indirect=True)
def test_an_expired_certificate_is_refused(
    tmp_path: Path, tls_server: LocalPOP3Server, test_pki: TestPKI
) -> None:
    add(tmp_path, tls_server.port, "--ca-file", str(test_pki.ca_cert))
    code, report, stderr = sync(tmp_path)
    assert (code, report["error_kind"]) == (1, "certificate")
    assert "expired" in stderr.lower()
    assert credentials_sent(tls_server) == []


@pytest.mark.parametrize("tls_server", ["self_signed"], indirect=True)
def test_a_self_signed_certificate_is_refused_until_pinned(
    tmp_path: Path, tls_server: LocalPOP3Server, test_pki: TestPKI
) -> None:
    add(tmp_path, tls_server.port)
    code, report, stderr = sync(tmp_path)
    assert (code, report["error_kind"]) == (1, "certificate")
    pin = test_pki.fingerprint(test_pki.self_signed_cert)
    assert pin in stderr.lower()  # the hint offers exactly this certificate
    assert credentials_sent(tls_server) == []

    add(tmp_path, tls_server.port, "--fingerprint", pin)
    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 1), stderr


@pytest.mark.parametrize("tls_server", ["self_signed"], indirect=True)
def test_a_changed_pinned_certificate_is_refused_naming_both_fingerprints(
    tmp_path: Path, tls_server: LocalPOP3Server, test_pki: TestPKI
) -> None:
    trusted = test_pki.fingerprint(test_pki.server_cert)
    add(tmp_path, tls_server.port, "--fingerprint", trusted)
    code, report, stderr = sync(tmp_path)
    assert (code, report["error_kind"]) == (1, "certificate")
    presented = test_pki.fingerprint(test_pki.self_signed_cert)
    assert trusted in stderr.lower() and presented in stderr.lower()
    assert credentials_sent(tls_server) == []


def tls_1_1_context(context: ssl.SSLContext) -> ssl.SSLContext:
    """``context`` limited to TLS 1.1 exactly, with the old ciphers TLS 1.1 needs allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1_1 is deprecated
        context.minimum_version = ssl.TLSVersion.TLSv1_1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def negotiated_by_an_old_client(port: int, test_pki: TestPKI) -> str:
    """The TLS version a TLS-1.1-only client gets from the server; skips where this OpenSSL
    cannot speak TLS 1.1 at all (then no server can be shown to offer it)."""
    client = tls_1_1_context(ssl.create_default_context(cafile=str(test_pki.ca_cert)))
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=30) as raw,
            client.wrap_socket(raw, server_hostname="localhost") as old,
        ):
            return str(old.version())
    except ssl.SSLError as exc:
        pytest.skip(f"this OpenSSL cannot speak TLS 1.1 at all: {exc}")


def test_tls_below_1_2_is_refused(tmp_path: Path, test_pki: TestPKI) -> None:
    context = tls_1_1_context(server_context(test_pki.server_cert, test_pki.server_key))
    account = ServerAccount(USER, PASSWORD, mailbox())
    with LocalPOP3Server([account], implicit_tls=context) as server:
        # The server really offers TLS 1.1, so the refusal below is popgui's own rule and not
        # some other handshake failure.
        assert negotiated_by_an_old_client(server.port, test_pki) == "TLSv1.1"
        add(tmp_path, server.port, "--ca-file", str(test_pki.ca_cert))
        code, report, stderr = sync(tmp_path)
        assert (code, report["error_kind"], report["downloaded"]) == (1, "network", 0), stderr
        assert "does not offer TLS 1.2 or newer" in stderr
        assert credentials_sent(server) == []


def test_starttls_not_offered_is_refused_before_any_credential(tmp_path: Path) -> None:
    account = ServerAccount(USER, PASSWORD, mailbox())
    with LocalPOP3Server([account], starttls=None) as server:
        for auth in ("user", "plain", "auto"):
            add(tmp_path, server.port, "--auth", auth, security="starttls", host="127.0.0.1")
            code, report, stderr = sync(tmp_path)
            assert (code, report["downloaded"]) == (1, 0)
            assert "STARTTLS" in stderr or "STLS" in stderr
        assert credentials_sent(server) == []
        assert [line for line in server.log if line.upper().startswith("CAPA")]


# -- CR, LF and NUL in user-supplied fields ----------------------------------------------------


FIELDS = {
    "name": lambda bad: [bad, "--host", "h.example", "--user", "u"],
    "host": lambda bad: ["acct", "--host", bad, "--user", "u"],
    "user": lambda bad: ["acct", "--host", "h.example", "--user", bad],
    "folder": lambda bad: ["acct", "--host", "h.example", "--user", "u", "--protocol", "pop2",
                           "--remote-folder", bad],
}  # fmt: skip


@pytest.mark.parametrize("character", ["\r", "\n"], ids=["CR", "LF"])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_control_characters_in_fields_are_refused_by_the_cli(
    tmp_path: Path, field: str, character: str
) -> None:
    bad = f"a{character}QUIT"
    done = run_popgui(tmp_path, "account", "add", *FIELDS[field](bad), "--password-command", "x")
    assert done.returncode == 2, done.stderr
    assert "control character" in done.stderr or "not a valid" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize("field", ["name", "host", "user", "remote_folder"])
def test_nul_in_a_hand_edited_settings_file_is_refused(tmp_path: Path, field: str) -> None:
    """NUL cannot travel in argv; the settings file is where it could come from."""
    add(tmp_path, 110, security="none", host="127.0.0.1")
    settings = json.loads((tmp_path / "settings.json").read_text())
    settings["accounts"][0][field] = "a\0b"
    (tmp_path / "settings.json").write_text(json.dumps(settings))
    done = run_popgui(tmp_path, "sync")
    assert done.returncode in (1, 2), done.stderr
    assert "control character" in done.stderr or "not a valid" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("character", ["\r", "\0", "\r\nDELE 1"], ids=["CR", "NUL", "CRLF+cmd"])
def test_control_characters_in_a_password_never_reach_the_wire(
    tmp_path: Path, character: str
) -> None:
    account = ServerAccount(USER, PASSWORD, mailbox())
    with LocalPOP3Server([account]) as server:
        bad = f"pw{character}x"
        command = shlex.join([sys.executable, "-c", f"import sys; sys.stdout.write({bad!r})"])
        done = run_popgui(
            tmp_path, "account", "add", "acct", "--host", "127.0.0.1", "--port",
            str(server.port), "--security", "none", "--user", USER, "--auth", "user",
            "--password-command", command,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        code, report, stderr = sync(tmp_path)
        assert code == 1 and report["error_kind"] != "bug", stderr
        assert "password" in stderr.lower() and "Traceback" not in stderr
        assert [line for line in server.log if line.upper().startswith(("PASS", "DELE"))] == []


def test_control_characters_in_a_password_from_stdin_are_refused(tmp_path: Path) -> None:
    done = run_popgui(
        tmp_path, "account", "add", "acct", "--host", "h.example", "--user", "u",
        "--password-stdin", stdin="pass\rword\n",
    )  # fmt: skip
    assert done.returncode in (1, 2)
    assert "password" in done.stderr.lower() and "Traceback" not in done.stderr


# -- no secret in the profile or the output --------------------------------------------------


def secret_forms(user: str, password: str) -> list[bytes]:
    plain = f"\0{user}\0{password}".encode()
    return [
        password.encode(),
        base64.b64encode(password.encode()),
        base64.b64encode(plain),
        base64.b64encode(f"{user}\0{user}\0{password}".encode()),
    ]


@pytest.mark.dovecot
@pytest.mark.parametrize("auth", ["user", "plain", "login"])
def test_no_secret_in_the_profile_or_output_after_a_debug_session(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, auth: str
) -> None:
    dovecot.deliver(dovecot_user.name, b"Subject: s\n\nbody\n")
    secret_file = tmp_path / "outside" / "pw"  # the command names a file, not the password
    secret_file.parent.mkdir()
    secret_file.write_text(dovecot_user.password)
    profile = tmp_path / "profile"
    done = run_popgui(
        profile, "account", "add", "acct", "--host", "127.0.0.1", "--port",
        str(dovecot.plain_port), "--security", "none", "--user", dovecot_user.name,
        "--auth", auth, "--password-command", shlex.join(["cat", str(secret_file)]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    session = run_popgui(profile, "--debug", "sync")
    assert session.returncode == 0, session.stderr
    assert "C: " in session.stderr  # the dialogue was traced
    preview = run_popgui(profile, "--debug", "preview", "acct")
    outputs = [(session.stdout + session.stderr + preview.stdout + preview.stderr).encode()]
    files = {path: path.read_bytes() for path in profile.rglob("*") if path.is_file()}
    assert any(path.name.startswith("popgui.sqlite3") for path in files)
    forms = secret_forms(dovecot_user.name, dovecot_user.password)
    for where, data in [*files.items(), *(("output", out) for out in outputs)]:
        for form in forms:
            assert form not in data, f"a secret ({form!r}) is in {where}"
