"""The password file: for where no keyring runs, chosen knowingly, readable only by its owner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from popgui.accounts.secrets import (
    PASSWORDS_DIR,
    PasswordFileError,
    PasswordNotStoredError,
    SecretStore,
    password_file,
)
from popgui.accounts.settings import (
    SETTINGS_VERSION,
    Account,
    Settings,
    load_settings,
    save_settings,
)
from popgui.errors import ConfigError
from popgui.profile import Profile

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def file_account(name: str = "work", user: str = "jane") -> Account:
    return Account(name=name, host="pop.example.org", user=user, password_source="file")


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


def test_a_stored_password_is_read_back_and_lives_only_in_its_file(profile: Profile) -> None:
    store = SecretStore(profile=profile)
    account = file_account()
    save_settings(profile.settings_file, Settings([account]))

    store.store_password(account, "s3cret pass")

    assert store.get_password(account) == "s3cret pass"
    path = password_file(profile, account)
    assert path.parent == profile.path / PASSWORDS_DIR
    assert path.read_bytes() == b"s3cret pass"
    assert "work" not in path.name and "jane" not in path.name  # a hash names the file
    assert "s3cret" not in profile.settings_file.read_text()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


@posix_only
def test_only_the_owner_can_read_it(profile: Profile) -> None:
    account = file_account()
    SecretStore(profile=profile).store_password(account, "pw")
    path = password_file(profile, account)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@posix_only
def test_a_file_others_can_read_is_refused(profile: Profile) -> None:
    store = SecretStore(profile=profile)
    account = file_account()
    store.store_password(account, "pw")
    path = password_file(profile, account)
    path.chmod(0o644)
    with pytest.raises(PasswordFileError, match="can be read by other users"):
        store.get_password(account)
    store.store_password(account, "pw")  # storing it again makes it private again
    assert store.get_password(account) == "pw"


def test_it_is_only_offered_to_the_user_and_host_it_was_stored_for(profile: Profile) -> None:
    store = SecretStore(profile=profile)
    store.store_password(file_account(user="jane"), "pw")
    with pytest.raises(PasswordNotStoredError):
        store.get_password(file_account(user="sam"))


def test_delete_says_whether_there_was_one(profile: Profile) -> None:
    store = SecretStore(profile=profile)
    account = file_account()
    assert store.delete_password(account) is False
    store.store_password(account, "pw")
    assert store.delete_password(account) is True
    assert not password_file(profile, account).exists()
    with pytest.raises(PasswordNotStoredError):
        store.get_password(account)


def test_empty_or_multi_line_passwords_are_refused(profile: Profile) -> None:
    store = SecretStore(profile=profile)
    for bad in ("", "a\nb", "a\rb", "a\0b"):
        with pytest.raises(ConfigError):
            store.store_password(file_account(), bad)


def test_without_a_profile_it_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="no profile"):
        SecretStore().get_password(file_account())


def test_version_3_settings_are_read_and_saved_as_version_4(profile: Profile) -> None:
    old = {"version": 3, "accounts": [{"name": "work", "host": "pop.example.org", "user": "j"}]}
    profile.settings_file.write_text(json.dumps(old))
    settings = load_settings(profile.settings_file)
    assert SETTINGS_VERSION >= 4
    settings.put(file_account(name="other"))
    save_settings(profile.settings_file, settings)
    data = json.loads(profile.settings_file.read_text())
    assert data["version"] == SETTINGS_VERSION
    assert [a["password_source"] for a in data["accounts"]] == ["keyring", "file"]
    assert load_settings(profile.settings_file).get("other") == file_account(name="other")


def test_an_oauth2_account_keeps_no_password_file() -> None:
    from dataclasses import replace

    from popgui.accounts.settings import validate_account

    with pytest.raises(ConfigError):
        validate_account(
            replace(
                file_account(),
                auth="oauth2",
                oauth_provider="microsoft",
                host="outlook.office365.com",
            )
        )
