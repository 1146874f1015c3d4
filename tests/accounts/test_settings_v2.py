"""Settings version 2: periodic checks and "delete on the server when deleted here"."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from popgui.accounts.settings import (
    SETTINGS_VERSION,
    Account,
    Settings,
    account_from_dict,
    load_settings,
    save_settings,
    validate_account,
)
from popgui.errors import ConfigError

BASE = {"name": "w", "host": "pop.example.org", "user": "u"}


def account(**overrides: object) -> Account:
    return Account(**{**BASE, **overrides})  # type: ignore[arg-type]


def test_version_2_defaults_are_manual_and_keep() -> None:
    assert SETTINGS_VERSION >= 2
    plain = account()
    assert plain.check_interval_minutes is None
    assert plain.delete_when_deleted_locally is False
    assert validate_account(plain) == plain


@pytest.mark.parametrize("minutes", [1, 15, 1440])
def test_interval_in_range_is_accepted(minutes: int) -> None:
    assert validate_account(account(check_interval_minutes=minutes)).check_interval_minutes == (
        minutes
    )


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "between 1 and 1440"),
        (-5, "between 1 and 1440"),
        (1441, "between 1 and 1440"),
        (True, "check_interval_minutes must be a whole number"),
        ("10", "check_interval_minutes must be a whole number"),
    ],
)
def test_interval_out_of_range_is_refused(minutes: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        validate_account(account(check_interval_minutes=minutes))


def test_delete_when_deleted_locally_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError, match="true or false"):
        validate_account(account(delete_when_deleted_locally=1))
    with pytest.raises(ConfigError, match="true or false"):
        account_from_dict({**BASE, "delete_when_deleted_locally": "yes"})
    with pytest.raises(ConfigError, match="whole number"):
        account_from_dict({**BASE, "check_interval_minutes": 2.5})


def test_version_1_file_is_migrated_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "accounts": [dict(BASE, port=995)]}))
    loaded = load_settings(path).get("w")
    assert loaded == account(port=995)
    assert loaded is not None and loaded.check_interval_minutes is None
    assert loaded.delete_when_deleted_locally is False


def test_unversioned_file_is_migrated_through_both_steps(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"accounts": [BASE]}))
    assert load_settings(path).get("w") == account()


def test_version_2_fields_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    stored = account(check_interval_minutes=30, delete_when_deleted_locally=True)
    save_settings(path, Settings([stored]))
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert data["accounts"][0]["check_interval_minutes"] == 30
    assert data["accounts"][0]["delete_when_deleted_locally"] is True
    assert load_settings(path).get("w") == stored


def test_version_2_file_with_bad_interval_names_the_account(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 2, "accounts": [dict(BASE, check_interval_minutes=0)]}))
    with pytest.raises(ConfigError, match=r"account 1 \('w'\): check_interval_minutes"):
        load_settings(path)


def test_cli_style_construction_still_works() -> None:
    """popgui.cli.account_cmd builds Account with the version-1 keywords only."""
    names = {field.name for field in dataclasses.fields(Account)}
    assert {"check_interval_minutes", "delete_when_deleted_locally"} <= names
    built = Account(name="w", host="h.example", user="u", port=None, protocol="pop3",
                    security="tls", auth="auto", password_source="keyring",
                    password_command=None, policy="keep", delete_after_days=None,
                    maildir=None, remote_folder=None, ca_file=None, fingerprint=None)  # fmt: skip
    assert validate_account(built).check_interval_minutes is None
