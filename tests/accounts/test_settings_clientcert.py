"""The TLS client certificate settings of an account: what is refused, and that they are
kept in the settings file (and that a file without them still reads)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from popgui.accounts.settings import (
    SETTINGS_VERSION,
    Account,
    Settings,
    load_settings,
    save_settings,
    validate_account,
)
from popgui.errors import SettingError

BASE: dict[str, Any] = {"name": "work", "host": "pop.example.org", "user": "ann"}


def account(**overrides: Any) -> Account:
    return Account(**{**BASE, **overrides})


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"client_cert": "/c.pem"},
        {"client_cert": "/c.pem", "client_key": "/k.pem"},
        {"client_cert": "/c.pem", "security": "starttls"},
        {"client_cert": "/c.pem", "client_key_password_source": "keyring"},
        {
            "client_cert": "/c.pem",
            "client_key": "/k.pem",
            "client_key_password_source": "command",
            "client_key_password_command": "pass show key",
        },
    ],
)
def test_accepted(overrides: dict[str, Any]) -> None:
    assert validate_account(account(**overrides)) == account(**overrides)


@pytest.mark.parametrize(
    ("overrides", "setting", "words"),
    [
        ({"client_cert": ""}, "client_cert", "is empty"),
        ({"client_cert": "  "}, "client_cert", "is empty"),
        ({"client_cert": "/c.pem", "client_key": ""}, "client_key", "is empty"),
        ({"client_key": "/k.pem"}, "client_key", "only used with client_cert"),
        ({"client_key_password_source": "keyring"}, "client_key_password_source", "only used"),
        ({"client_cert": "/c.pem", "security": "none"}, "client_cert", "encrypted connection"),
        ({"client_cert": "/c.pem", "client_key_password_source": "command"},
         "client_key_password_command", "is empty"),
        ({"client_cert": "/c.pem", "client_key_password_command": "x"},
         "client_key_password_command", "only used with client_key_password_source command"),
        ({"client_cert": "/c.pem", "client_key_password_source": "file"},
         "client_key_password_source", "none, keyring, command"),
        ({"client_cert": "/c\n.pem"}, "client_cert", "control character"),
    ],
)  # fmt: skip
def test_refused(overrides: dict[str, Any], setting: str, words: str) -> None:
    with pytest.raises(SettingError) as error:
        validate_account(account(**overrides))
    assert error.value.setting == setting
    assert words in str(error.value)


def test_kept_in_the_file_and_an_older_file_reads(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    saved = account(client_cert="/c.pem", client_key="/k.pem", client_key_password_source="keyring")
    save_settings(path, Settings([saved]))
    assert load_settings(path).accounts == [saved]
    data = json.loads(path.read_text())
    assert data["accounts"][0]["client_key_password_source"] == "keyring"
    for item in data["accounts"]:  # a file written before these settings existed
        for name in ("client_cert", "client_key", "client_key_password_source",
                     "client_key_password_command"):  # fmt: skip
            del item[name]
    path.write_text(json.dumps({"version": SETTINGS_VERSION, "accounts": data["accounts"]}))
    (loaded,) = load_settings(path).accounts
    assert (loaded.client_cert, loaded.client_key_password_source) == (None, "none")
