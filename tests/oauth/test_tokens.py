"""Access tokens for a sync: kept in the real gnome-keyring, renewed, rotated durably.

Every test here uses the ``secret_service`` fixture (a private D-Bus with gnome-keyring), so
the token record really goes through the Secret Service, as on a desktop.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from popgui.accounts.settings import Account, Settings, load_settings, save_settings
from popgui.messages import error_kind
from popgui.oauth.errors import SignInRequiredError
from popgui.oauth.providers import OAuthConfig
from popgui.oauth.tokens import fresh_access_token
from popgui.oauth.tokenstore import TOKEN_SERVICE, TokenRecord, TokenStore, token_key
from tests.support.oauth_server import OAuthTestServer, microsoft_error
from tests.support.secret_service import SecretService

ROOT = Path(__file__).resolve().parents[2]


def sign_in(server: OAuthTestServer, account: Account, *, expires_in: int = 3600) -> TokenRecord:
    """Store what a sign-in gives (the browser is tested elsewhere)."""
    record = TokenRecord.from_reply(
        server.issue(expires_in=expires_in),
        issuer=server.issuer,
        token_endpoint=f"{server.url}/token",
    )
    TokenStore().save(account, record)
    return record


def stored(account: Account) -> TokenRecord | None:
    """The record as the keyring holds it, read with keyring itself."""
    text = keyring.get_password(TOKEN_SERVICE, token_key(account))
    return TokenRecord.from_json(text) if text else None


def test_never_signed_in_names_the_login_command(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    with pytest.raises(SignInRequiredError, match="popgui account login work") as raised:
        fresh_access_token(account, config)
    assert error_kind(raised.value) == "sign-in-required"  # what sync --json says
    assert oauth_server.token_requests == []


def test_a_fresh_token_comes_from_the_keyring_without_a_request(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    record = sign_in(oauth_server, account)
    assert fresh_access_token(account, config) == record.access_token
    assert oauth_server.counts.refresh == 0


def test_renewed_shortly_before_expiry_and_rotated_durably(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    old = sign_in(oauth_server, account, expires_in=200)  # inside the 5-minute margin
    token = fresh_access_token(account, config)
    assert token != old.access_token and oauth_server.access_is_active(token)
    assert oauth_server.counts.refresh == 1
    new = stored(account)
    assert new is not None and new.access_token == token
    assert new.refresh_token and new.refresh_token != old.refresh_token
    assert oauth_server.refresh_is_valid(new.refresh_token)
    assert not oauth_server.refresh_is_valid(old.refresh_token or "")
    # The new refresh token is the one used next time.
    fresh_access_token(account, config, refused=True)
    assert oauth_server.token_requests[-1]["refresh_token"] == new.refresh_token


def test_renewed_when_the_server_refused_it(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    old = sign_in(oauth_server, account)
    assert fresh_access_token(account, config) == old.access_token
    token = fresh_access_token(account, config, refused=True)
    assert token != old.access_token and oauth_server.counts.refresh == 1


def test_a_provider_that_does_not_rotate_keeps_the_refresh_token(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    oauth_server.rotate = False
    old = sign_in(oauth_server, account)
    fresh_access_token(account, config, refused=True)
    new = stored(account)
    assert new is not None and new.refresh_token == old.refresh_token
    assert new.access_token != old.access_token


@pytest.mark.parametrize("reply", ["revoked", "microsoft"])
def test_a_dead_refresh_token_asks_to_sign_in_again_once(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account, reply: str,
) -> None:  # fmt: skip
    old = sign_in(oauth_server, account)
    if reply == "revoked":
        oauth_server.revoke_all()
    else:
        oauth_server.queued_token_errors = [(400, microsoft_error(700082))] * 5
    for _sync in range(2):
        with pytest.raises(SignInRequiredError, match="popgui account login work") as raised:
            fresh_access_token(account, config, refused=True)
    assert raised.value.error == "invalid_grant"
    assert oauth_server.counts.refresh == 2  # one request per attempt: never a retry loop
    assert stored(account) == old  # the account keeps its record; signing in replaces it
    assert old.refresh_token not in str(raised.value)


def test_a_sign_in_that_was_announced_to_end_says_so(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account,
) -> None:  # fmt: skip
    """Google's refresh tokens for apps in "testing" come with refresh_token_expires_in."""
    oauth_server.refresh_token_expires_in = 7 * 86400
    record = sign_in(oauth_server, account)
    assert record.refresh_good_until == pytest.approx(record.obtained_at + 7 * 86400)
    oauth_server.revoke_all()
    week_later = record.obtained_at + 7 * 86400 + 60
    with pytest.raises(SignInRequiredError, match="would last until 20"):
        fresh_access_token(account, config, now=lambda: week_later)
    with pytest.raises(SignInRequiredError) as raised:
        fresh_access_token(account, config, refused=True)
    assert "would last until" not in str(raised.value)


def test_a_token_rotated_by_another_popgui_is_picked_up(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The window and a cron sync renew at the same moment: the loser reads the winner's."""
    oauth_server.reuse_detection = False
    old = sign_in(oauth_server, account)
    store = TokenStore()
    loads = iter([old, None])

    def load(which: Account) -> TokenRecord | None:
        first = next(loads, None)
        if first is not None:  # the first read: then the other popgui renews and stores
            fresh_access_token(which, config, refused=True)
            return first
        return stored(which)

    monkeypatch.setattr(store, "load", load)
    token = fresh_access_token(account, config, store=store, refused=True)
    assert oauth_server.access_is_active(token)
    assert oauth_server.counts.rejected_refresh == 1  # the stale token, then the newer one


CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from popgui.accounts.settings import load_settings
from popgui.oauth.providers import OAuthConfig
from popgui.oauth.tokens import fresh_access_token
account = load_settings(Path({settings!r})).accounts[0]
config = OAuthConfig(provider="custom", client_id={client_id!r}, issuer={issuer!r})
fresh_access_token(account, config, refused=True)
print("renewed")
"""


@pytest.mark.parametrize("old_stays_valid", [False, True], ids=["strict-rotation", "microsoft"])
def test_kill_between_the_token_reply_and_the_keyring_write(
    secret_service: SecretService, oauth_server: OAuthTestServer, config: OAuthConfig,
    account: Account, tmp_path: Path, old_stays_valid: bool,
) -> None:  # fmt: skip
    """The server has rotated and sent the whole reply; the child, still reading it, is
    killed. The next sync still works, or asks to sign in again; the account is never lost."""
    oauth_server.old_refresh_stays_valid = old_stays_valid
    settings_file = tmp_path / "settings.json"
    save_settings(settings_file, Settings([account]))
    before = settings_file.read_bytes()
    old = sign_in(oauth_server, account)
    oauth_server.stall_refresh = True
    code = CHILD.format(root=str(ROOT), settings=str(settings_file), client_id=config.client_id,
                        issuer=config.issuer)  # fmt: skip
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert oauth_server.stalled.wait(60), child.communicate(timeout=60)
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=60)
    finally:
        oauth_server.release.set()
    assert child.returncode == -signal.SIGKILL and b"renewed" not in out
    assert oauth_server.counts.refresh == 1  # the server did rotate
    assert settings_file.read_bytes() == before
    assert load_settings(settings_file).accounts == [account]
    assert stored(account) == old  # the old record, whole
    # The old access token has not expired: the next sync uses it, and it works.
    token = fresh_access_token(account, config)
    assert token == old.access_token and oauth_server.access_is_active(token)
    # Once it must be renewed: Microsoft's old refresh token still works; a strictly rotating
    # server sees it reused and revokes the sign-in, so the person is asked to sign in again.
    if old_stays_valid:
        token = fresh_access_token(account, config, refused=True)
        assert oauth_server.access_is_active(token)
        assert stored(account) != old
    else:
        with pytest.raises(SignInRequiredError, match="popgui account login work"):
            fresh_access_token(account, config, refused=True)
        assert stored(account) == old
    assert load_settings(settings_file).accounts == [account]


def test_changed_oauth_settings_ask_to_sign_in_again(
    secret_service: SecretService, oauth_server: OAuthTestServer, account: Account
) -> None:
    sign_in(oauth_server, account)
    elsewhere = OAuthConfig(provider="microsoft", client_id="x", authority=oauth_server.url)
    with pytest.raises(SignInRequiredError, match="changed since it signed in"):
        fresh_access_token(account, elsewhere)
    assert oauth_server.token_requests == []


def test_removing_the_record(
    secret_service: SecretService, oauth_server: OAuthTestServer, account: Account
) -> None:
    sign_in(oauth_server, account)
    assert TokenStore().delete(account) is True
    assert stored(account) is None
    assert TokenStore().delete(account) is False
    assert TokenStore().load(account) is None


def test_the_record_is_not_the_password(
    secret_service: SecretService, oauth_server: OAuthTestServer, account: Account
) -> None:
    from popgui.accounts.secrets import SecretStore

    SecretStore().store_password(account, "pass word")
    record = sign_in(oauth_server, account)
    assert SecretStore().get_password(account) == "pass word"
    assert TokenStore().load(account) == record
    assert json.loads(keyring.get_password(TOKEN_SERVICE, token_key(account)) or "")
