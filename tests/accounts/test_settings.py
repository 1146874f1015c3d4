"""Account validation, the settings file (atomic, versioned, migrated) and the profile."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from popgui.accounts import settings as settings_module
from popgui.accounts.settings import (
    SETTINGS_VERSION,
    Account,
    Migration,
    Settings,
    account_from_dict,
    load_settings,
    save_settings,
    validate_account,
)
from popgui.checks import normalize_fingerprint
from popgui.errors import ConfigError, DeliveryError, SettingError
from popgui.profile import PROFILE_ENV, Profile, resolve_profile

FINGERPRINT = "AB" * 32
NORMAL_FINGERPRINT = ":".join(["ab"] * 32)


def account(**changes: Any) -> Account:
    base = Account(name="work", host="pop.example.org", user="alice")
    return dataclasses.replace(base, **changes)


# -- validation -------------------------------------------------------------------------------

VALID = [
    {},
    {"host": "127.0.0.1"},
    {"host": "::1"},
    {"host": "localhost"},
    {"host": "pop.example.org."},
    {"host": "mail_1.example.org"},
    {"host": "bücher.example"},
    {"port": 1},
    {"port": 65535},
    {"protocol": "pop2", "security": "none", "remote_folder": "archive"},
    {"protocol": "pop2", "auth": "user", "port": 109},
    {"security": "starttls", "auth": "scram-sha-256"},
    {"auth": "xoauth2"},
    {"password_source": "command", "password_command": "pass show mail/work | head -n 1"},
    {"policy": "delete"},
    {"policy": "delete-after-days", "delete_after_days": 1},
    {"maildir": "~/Mail/work", "ca_file": "/etc/ssl/my-ca.pem"},
    {"name": "Work mail (old) – ünïcode"},
    {"user": "alice@example.org"},
    {"fingerprint": FINGERPRINT},
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_accounts_pass(changes: dict[str, Any]) -> None:
    checked = validate_account(account(**changes))
    assert checked.name == account(**changes).name


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"name": ""}, "name is empty"),
    ({"name": "a/b"}, "name may not contain '/'"),
    ({"name": "a\\b"}, "name may not contain"),
    ({"name": ".hidden"}, "may not start with '.'"),
    ({"name": ".."}, "may not start with '.'"),
    ({"name": " work"}, "space"),
    ({"name": "x" * 101}, "too long"),
    ({"host": ""}, "host is empty"),
    ({"host": "pop example.org"}, "not a valid host name"),
    ({"host": "pop.example.org:995"}, "port setting"),
    ({"host": "-pop.example.org"}, "not a valid host name"),
    ({"host": "pop..example.org"}, "not a valid host name"),
    ({"host": "a" * 64 + ".org"}, "not a valid host name"),
    ({"host": "http://pop.example.org"}, "host"),
    ({"host": "1.2.3.999"}, "neither a host name nor an IP address"),
    ({"host": "[::1"}, "host"),
    ({"user": ""}, "user is empty"),
    ({"port": 0}, "port must be between 1 and 65535"),
    ({"port": 65536}, "port must be between 1 and 65535"),
    ({"port": -1}, "port must be between"),
    ({"port": True}, "port must be a whole number"),
    ({"port": "110"}, "port must be a whole number"),
    ({"protocol": "imap"}, "protocol must be one of pop3, pop2"),
    ({"security": "ssl"}, "security must be one of tls, starttls, none"),
    ({"auth": "kerberos_v4"}, "auth must be one of"),
    ({"password_source": "vault"}, "password_source must be one of"),
    ({"policy": "purge"}, "policy must be one of"),
    ({"policy": "delete-after-days"}, "delete_after_days is needed"),
    ({"policy": "delete-after-days", "delete_after_days": 0}, "delete_after_days must be 1"),
    ({"policy": "delete-after-days", "delete_after_days": -3}, "delete_after_days must be 1"),
    ({"policy": "delete-after-days", "delete_after_days": 1.5}, "delete_after_days must be a"),
    ({"policy": "keep", "delete_after_days": 3}, "only used with policy delete-after-days"),
    ({"remote_folder": "INBOX"}, "remote_folder is only used with POP2"),
    ({"protocol": "pop2", "security": "starttls"}, "starttls is not possible with POP2"),
    ({"protocol": "pop2", "auth": "apop"}, "not possible with POP2"),
    ({"protocol": "pop2", "remote_folder": ""}, "remote_folder is empty"),
    ({"password_source": "command"}, "password_command is empty"),
    ({"password_source": "command", "password_command": "  "}, "password_command is empty"),
    ({"password_command": "echo pw"}, "only used with password_source command"),
    ({"fingerprint": "ab" * 31}, "fingerprint must be a SHA-256"),
    ({"fingerprint": "zz" * 32}, "fingerprint must be a SHA-256"),
    ({"fingerprint": "ab:" * 31 + "a:b"}, "fingerprint must be a SHA-256"),
    ({"maildir": ""}, "maildir is empty"),
    ({"ca_file": ""}, "ca_file is empty"),
]


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_invalid_accounts_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_account(account(**changes))


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_a_wrong_setting_is_named_for_the_form(changes: dict[str, Any], message: str) -> None:
    """The account dialog outlines the field from the error's ``setting``, never its text."""
    with pytest.raises(SettingError) as caught:
        validate_account(account(**changes))
    names = {item.name for item in dataclasses.fields(Account)}
    assert caught.value.setting in names
    first = str(caught.value).split(" ", 1)[0]
    if first in names:
        assert caught.value.setting == first


TEXT_FIELDS = {
    "name": {},
    "host": {},
    "user": {},
    "password_command": {"password_source": "command"},
    "maildir": {},
    "remote_folder": {"protocol": "pop2", "security": "none"},
    "ca_file": {},
    "fingerprint": {},
}


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("bad", ["\r", "\n", "\0", "\t", "\x1b", "\x7f", "\x85", "\u2028"])
def test_control_characters_are_refused_in_every_text_field(field: str, bad: str) -> None:
    changes = {**TEXT_FIELDS[field], field: f"o{bad}k"}
    with pytest.raises(ConfigError, match=f"^{field} contains a control character"):
        validate_account(account(**changes))
    data = {**account(**changes).to_dict()}
    with pytest.raises(ConfigError, match=f"^{field} contains a control character"):
        account_from_dict(data)


def test_fingerprint_is_normalised() -> None:
    assert validate_account(account(fingerprint=FINGERPRINT)).fingerprint == NORMAL_FINGERPRINT
    colons = ":".join(["AB"] * 32)
    assert validate_account(account(fingerprint=colons)).fingerprint == NORMAL_FINGERPRINT
    assert normalize_fingerprint(f"  {FINGERPRINT.lower()} ") == NORMAL_FINGERPRINT


@pytest.mark.parametrize(
    "spelling",
    [
        FINGERPRINT,  # what the settings file always accepted
        ":".join(["AB"] * 32),
        f"sha256 Fingerprint={':'.join(['AB'] * 32)}",  # what the transport accepted too
        f"SHA256:{FINGERPRINT}",
        " ".join(["ab"] * 32),
    ],
)
def test_the_settings_accept_every_fingerprint_spelling(spelling: str) -> None:
    assert validate_account(account(fingerprint=spelling)).fingerprint == NORMAL_FINGERPRINT


@pytest.mark.parametrize("bad", ["AB" * 31, "AB" * 33, "zz" * 32, ":".join(["AB"] * 31)])
def test_the_settings_refuse_a_malformed_fingerprint(bad: str) -> None:
    with pytest.raises(ConfigError, match="fingerprint"):
        validate_account(account(fingerprint=bad))


def test_ipv6_host_loses_its_brackets() -> None:
    assert validate_account(account(host="[::1]")).host == "::1"


def test_effective_port() -> None:
    assert account().effective_port == 995
    assert account(security="starttls").effective_port == 110
    assert account(security="none").effective_port == 110
    assert account(protocol="pop2", security="none").effective_port == 109
    assert account(protocol="pop2", security="tls").effective_port == 109
    assert account(port=1995).effective_port == 1995


def test_maildir_path(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile")
    assert account().maildir_path(profile) == profile.mail_dir / "work"
    assert account(maildir="/srv/mail/w").maildir_path(profile) == Path("/srv/mail/w")
    assert account(maildir="boxes/w").maildir_path(profile) == profile.path / "boxes/w"
    assert account(maildir="~/w").maildir_path(profile) == Path.home() / "w"


# -- Settings ---------------------------------------------------------------------------------


def test_settings_add_get_replace_remove() -> None:
    settings = Settings()
    stored = settings.add(account(fingerprint=FINGERPRINT))
    assert stored.fingerprint == NORMAL_FINGERPRINT  # validated and normalised on the way in
    assert settings.get("WORK") == stored and "Work" in settings and len(settings) == 1
    assert settings.get("home") is None
    with pytest.raises(ConfigError, match="already an account named 'Work'"):
        settings.add(account(name="Work"))
    with pytest.raises(ConfigError, match="port must be"):
        settings.add(account(name="other", port=0))
    settings.add(account(name="home", host="pop.home.example"))
    settings.replace(account(port=1110))
    assert settings.get("work") == account(port=1110)
    assert settings.names() == ["work", "home"]  # replace keeps the place
    settings.replace(account(name="job"), old_name="work")
    assert settings.names() == ["job", "home"]
    with pytest.raises(ConfigError, match="already an account named 'home'"):
        settings.replace(account(name="home"), old_name="job")
    with pytest.raises(ConfigError, match="no account named 'nope'"):
        settings.replace(account(name="nope"))
    settings.put(account(name="job", user="bob"))
    settings.put(account(name="new"))
    assert [a.user for a in settings] == ["bob", "alice", "alice"]
    assert settings.remove("JOB").name == "job"
    with pytest.raises(ConfigError, match="no account named 'job'"):
        settings.remove("job")
    assert settings.names() == ["home", "new"]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "profile" / "settings.json"
    settings = Settings()
    settings.add(account(fingerprint=FINGERPRINT, port=995, maildir="~/Mail/w"))
    settings.add(
        account(
            name="old",
            host="10.0.0.1",
            protocol="pop2",
            security="none",
            remote_folder="mbox",
            policy="delete-after-days",
            delete_after_days=7,
            password_source="command",
            password_command="cat ~/.pw",
        )
    )
    save_settings(path, settings)
    assert load_settings(path) == settings
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert [a["name"] for a in data["accounts"]] == ["work", "old"]
    assert not any("password" in account for account in data["accounts"])  # no password key
    assert os.listdir(path.parent) == ["settings.json"]  # no temporary file left


def test_missing_file_is_empty_settings(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nothing.json") == Settings()


def test_save_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    first = Settings([account()])
    save_settings(path, first)
    before = path.read_bytes()
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("dir-fsync" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file-fsync")
        real_fsync(fd)

    def replace(src: str, dst: Path) -> None:
        calls.append("replace")
        assert Path(src).parent == path.parent  # same directory, so the rename is atomic
        assert path.read_bytes() == before  # the old file stays whole until the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save_settings(path, Settings([account(port=1234)]))
    assert calls == ["file-fsync", "replace", "dir-fsync"]
    assert load_settings(path).get("work") == account(port=1234)


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings([account()]))
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DeliveryError, match="No space left on device"):
        save_settings(path, Settings([account(port=1234)]))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["settings.json"]


def test_save_refuses_invalid_accounts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="port"):
        save_settings(tmp_path / "s.json", Settings([account(port=0)]))
    assert not (tmp_path / "s.json").exists()


# -- malformed files --------------------------------------------------------------------------

MALFORMED: list[tuple[bytes, str]] = [
    (b"{", "not valid JSON: Expecting property name enclosed in double quotes at line 1"),
    (b'{"version": 1,}', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"[]", "must hold a JSON object, not a list"),
    (b'"text"', "must hold a JSON object, not text"),
    (b'{"version": "1"}', "version must be a whole number"),
    (b'{"version": -1}', "version must be a whole number"),
    (b'{"version": 99, "accounts": []}', "written by a newer popgui (settings version 99"),
    (b'{"version": 1, "accounts": {}}', "accounts must be a list, not an object"),
    (b'{"version": 1, "accounts": [3]}', "account 1: it must be a JSON object, not a number"),
    (b'{"version": 1, "accounts": [{"name": "w", "host": "h"}]}', "account 1 ('w'): user is"),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u", "port": "110"}]}',
        "account 1 ('w'): port must be a whole number, not text",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": 5}]}',
        "account 1 ('w'): user must be text, not a number",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u", "prot": 1}]}',
        "unknown setting 'prot'",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u", "auth": null}]}',
        "auth may not be null",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u", "password": "x"}]}',
        "passwords belong in the system keyring",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h h", "user": "u"}]}',
        "account 1 ('w'): host 'h h' is not a valid host name",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u\\r\\nDELE 1"}]}',
        "user contains a control character",
    ),
    (
        b'{"version": 1, "accounts": [{"name": "w", "host": "h", "user": "u"},'
        b' {"name": "W", "host": "h", "user": "u"}]}',
        "account 2 ('W'): there is already an account named 'W'",
    ),
    (b"[" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("content", "message"), MALFORMED)
def test_malformed_files_give_a_plain_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    text = str(caught.value)
    assert str(path) in text
    assert message in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    with pytest.raises(ConfigError, match="cannot read the settings file"):
        load_settings(path)


def test_account_from_dict_defaults() -> None:
    loaded = account_from_dict({"name": "w", "host": "h.example", "user": "u"})
    assert loaded == Account(name="w", host="h.example", user="u")
    assert loaded.protocol == "pop3" and loaded.security == "tls" and loaded.policy == "keep"


# -- migrations -------------------------------------------------------------------------------


def test_unversioned_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"accounts": [{"name": "w", "host": "h.example", "user": "u"}]}))
    assert load_settings(path).names() == ["w"]


def test_migrations_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A made-up next version whose migration renamed security "ssl" to "tls"."""
    seen: list[int] = []

    def recorded(version: int, step: Migration) -> Migration:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(version)
            return step(data)

        return run

    def ssl_to_tls(data: dict[str, Any]) -> dict[str, Any]:
        accounts = [
            {**a, "security": "tls"} if a.get("security") == "ssl" else a for a in data["accounts"]
        ]
        return {**data, "accounts": accounts}

    steps = [*settings_module.MIGRATIONS, ssl_to_tls]
    monkeypatch.setattr(
        settings_module, "MIGRATIONS", [recorded(n, step) for n, step in enumerate(steps)]
    )
    made_up = settings_module.SETTINGS_VERSION + 1
    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", made_up)
    old = {"name": "w", "host": "h.example", "user": "u", "security": "ssl"}
    path = tmp_path / "settings.json"

    path.write_text(json.dumps({"accounts": [old]}))  # version 0: no version key
    assert load_settings(path).get("w") == Account(name="w", host="h.example", user="u")
    assert seen == list(range(made_up))

    seen.clear()
    path.write_text(json.dumps({"version": 1, "accounts": [old]}))
    assert load_settings(path).get("w") == Account(name="w", host="h.example", user="u")
    assert seen == list(range(1, made_up))

    seen.clear()
    path.write_text(json.dumps({"version": made_up, "accounts": [old]}))
    with pytest.raises(ConfigError, match="security must be one of tls, starttls, none"):
        load_settings(path)
    assert seen == []

    save_settings(path, Settings([account()]))
    assert json.loads(path.read_text())["version"] == made_up


# -- the profile ------------------------------------------------------------------------------


def test_profile_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PROFILE_ENV, str(tmp_path / "env"))
    assert resolve_profile(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_profile(None) == tmp_path / "env"
    monkeypatch.delenv(PROFILE_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_profile(None) == tmp_path / "data" / "popgui"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_profile("~/p") == tmp_path / "p"


def test_profile_creates_a_private_directory(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "a" / "b")
    assert profile.path.is_dir()
    assert stat.S_IMODE(profile.path.stat().st_mode) == 0o700
    assert profile.settings_file == profile.path / "settings.json"
    assert profile.database_file == profile.path / "popgui.sqlite3"
    assert profile.mail_dir == profile.path / "mail"
    assert {profile.locks_dir.name, profile.logs_dir.name} == {"locks", "logs"}
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="profile"):
        Profile(tmp_path / "file")


def test_a_version_7_file_reads_as_a_direct_connection_without_a_client_certificate(
    tmp_path: Path,
) -> None:
    """Version 8 added the proxy and client certificate settings: a version 7 file has none,
    and is read (then written) as the current version."""
    path = tmp_path / "settings.json"
    account = {"name": "old", "host": "pop.example.com", "user": "ann"}
    path.write_text(json.dumps({"version": 7, "accounts": [account]}), "utf-8")
    loaded = load_settings(path).get("old")
    assert loaded is not None
    assert (loaded.proxy, loaded.client_cert, loaded.client_key_password_source) == (
        None, None, "none",
    )  # fmt: skip
    save_settings(path, load_settings(path))
    assert json.loads(path.read_text("utf-8"))["version"] == SETTINGS_VERSION


def test_a_version_8_file_reads_unchanged_and_refuses_nothing_it_had(tmp_path: Path) -> None:
    """Version 9 admits auth "gssapi" (Kerberos); a version 8 file reads as it was."""
    path = tmp_path / "settings.json"
    account = {"name": "old", "host": "pop.example.com", "user": "ann", "auth": "scram-sha-256"}
    path.write_text(json.dumps({"version": 8, "accounts": [account]}), "utf-8")
    loaded = load_settings(path).get("old")
    assert loaded is not None and loaded.auth == "scram-sha-256"
    save_settings(path, load_settings(path))
    assert json.loads(path.read_text("utf-8"))["version"] == SETTINGS_VERSION == 9


def test_a_kerberos_account_has_no_password_setting(tmp_path: Path) -> None:
    base = Account(name="work", host="pop.example.com", user="ann", auth="gssapi")
    assert validate_account(base).auth == "gssapi"
    for changed in (
        dataclasses.replace(base, password_source="command", password_command="pass show x"),
        dataclasses.replace(base, password_source="file"),
    ):
        with pytest.raises(SettingError, match="Kerberos") as caught:
            validate_account(changed)
        assert caught.value.setting == "password_source"
    with pytest.raises(SettingError, match="POP2"):
        validate_account(dataclasses.replace(base, protocol="pop2", security="tls"))
