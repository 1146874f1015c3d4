"""The OAuth2 sign-in settings of an account: what is refused, and that they are kept."""

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
from popgui.errors import ConfigError

OFFICE: dict[str, Any] = {
    "name": "office", "host": "outlook.office365.com", "user": "ann@example.com",
    "auth": "oauth2", "oauth_provider": "microsoft",
}  # fmt: skip


def account(**overrides: Any) -> Account:
    return Account(**{**OFFICE, **overrides})


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"oauth_tenant": "organizations"},
        {"oauth_tenant": "contoso.onmicrosoft.com"},
        {"oauth_tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
        {"oauth_client_id": "my-app", "oauth_scope": "a b"},
        {"oauth_provider": "google", "host": "pop.gmail.com"},
        {"oauth_provider": "custom", "oauth_issuer": "https://id.example.org/realms/mail"},
        {"oauth_provider": "custom", "oauth_issuer": "http://127.0.0.1:8080/"},
        {"oauth_provider": "custom", "oauth_issuer": "http://localhost:8080"},
    ],
)
def test_valid_sign_in_settings_are_kept(overrides: dict[str, Any]) -> None:
    assert validate_account(account(**overrides)) == account(**overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"oauth_provider": None}, "oauth_provider is needed with auth oauth2"),
        ({"oauth_provider": "yahoo"}, "oauth_provider must be one of microsoft, google, custom"),
        ({"oauth_provider": "custom"}, "oauth_issuer is needed with oauth_provider custom"),
        ({"oauth_provider": "custom", "oauth_issuer": "http://id.example.org"}, "https://"),
        ({"oauth_provider": "custom", "oauth_issuer": "id.example.org"}, "https://"),
        ({"oauth_issuer": "https://id.example.org"}, "only used with oauth_provider custom"),
        ({"oauth_provider": "google", "oauth_tenant": "common"}, "only used with .* microsoft"),
        ({"oauth_tenant": "a b"}, "oauth_tenant must be common, consumers"),
        ({"oauth_tenant": "-x"}, "oauth_tenant must be common, consumers"),
        ({"oauth_client_id": " "}, "oauth_client_id is empty"),
        ({"oauth_scope": "a\nb"}, "control character"),
        ({"password_source": "command", "password_command": "pass x"}, "use auth xoauth2"),
        ({"auth": "auto"}, "oauth_provider is only used with auth oauth2"),
        ({"auth": "xoauth2", "oauth_provider": None, "oauth_tenant": "x"}, "oauth_tenant is only"),
        ({"protocol": "pop2", "host": "h.example"}, "not possible with POP2"),
    ],
)  # fmt: skip
def test_contradictory_sign_in_settings_are_refused(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        validate_account(account(**overrides))


def test_sign_in_settings_survive_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    stored = account(oauth_client_id="my-app", oauth_tenant="organizations", oauth_scope="a b")
    save_settings(path, Settings([stored]))
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert load_settings(path).get("office") == stored


def test_a_version_2_file_reads_with_no_sign_in_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    old = {"name": "w", "host": "h.example", "user": "u", "check_interval_minutes": None,
           "delete_when_deleted_locally": False}  # fmt: skip
    path.write_text(json.dumps({"version": 2, "accounts": [old]}))
    loaded = load_settings(path).get("w")
    assert loaded is not None and loaded.oauth_provider is None and loaded.auth == "auto"


def test_a_file_with_a_provider_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 3, "accounts": [{**OFFICE, "oauth_provider": 1}]}))
    with pytest.raises(ConfigError, match="oauth_provider must be text"):
        load_settings(path)
