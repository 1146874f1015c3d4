"""An OAuth2 account from the command line, end to end: ``account add --auth oauth2``,
``account login`` in a scripted browser, ``sync`` against the real Dovecot, whose ``oauth2``
passdb asks the test authorization server about each token, then ``show`` and ``remove``.

The authorization server (tests/support/oauth_server.py) plays the provider: popgui finds it
through its discovery document (``--oauth-provider custom --oauth-issuer``). The tokens live
in the real gnome-keyring of the ``secret_service`` fixture, shared with the popgui processes.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from popgui.accounts.secrets import keyring_key
from popgui.accounts.settings import load_settings
from popgui.oauth.tokenstore import TOKEN_SERVICE
from popgui.profile import Profile
from tests.support.certs import TestPKI
from tests.support.oauth_rig import Provider, deliver, oauth_provider, scripted_browser
from tests.support.oauth_server import CLIENT_ID
from tests.support.secret_service import SecretService

from .helpers import POPGUI, run_popgui, sync_json

pytestmark = pytest.mark.dovecot


@pytest.fixture(scope="module")
def provider(test_pki: TestPKI) -> Iterator[Provider]:
    with oauth_provider(test_pki) as rig:
        yield rig


def browser_env(tmp_path: Path) -> dict[str, str]:
    """$BROWSER: a person who consents at once; the pages it ends on are logged."""
    return {
        "BROWSER": str(scripted_browser(tmp_path)),
        "POPGUI_TEST_BROWSER_LOG": str(tmp_path / "pages.jsonl"),
    }


def add(tmp_path: Path, provider: Provider, *extra: str, user: str = "") -> None:
    done = run_popgui(
        tmp_path / "profile", "account", "add", "work", "--host", "127.0.0.1",
        "--port", str(provider.dovecot.plain_port), "--security", "none",
        "--user", user or provider.user, "--auth", "oauth2", "--oauth-provider", "custom",
        "--oauth-issuer", provider.server.issuer, "--oauth-client-id", CLIENT_ID,
        "--oauth-scope", "mail offline_access", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "popgui account login work" in done.stderr


def stored_record(tmp_path: Path) -> dict[str, object] | None:
    account = load_settings(tmp_path / "profile" / "settings.json").get("work")
    assert account is not None
    text = keyring.get_password(TOKEN_SERVICE, keyring_key(account))
    return None if text is None else json.loads(text)


def test_add_login_sync_show_remove(
    tmp_path: Path, provider: Provider, secret_service: SecretService
) -> None:
    profile = tmp_path / "profile"
    deliver(provider, 3)
    add(tmp_path, provider)

    before = sync_json(profile, "work")
    assert before[0] == 1 and before[1][0]["error_kind"] == "sign-in-required", before
    assert "popgui account login work" in before[1][0]["error"]

    login = run_popgui(profile, "account", "login", "work", env=browser_env(tmp_path))
    assert login.returncode == 0, login.stderr
    assert "is signed in" in login.stdout
    pages = [json.loads(line) for line in (tmp_path / "pages.jsonl").read_text().splitlines()]
    assert pages and pages[-1]["url"].startswith("http://127.0.0.1:")  # popgui's receiver
    assert "popgui" in pages[-1]["text"]
    record = stored_record(tmp_path)
    assert record is not None and record["refresh_token"]
    settings_text = (profile / "settings.json").read_text()
    assert str(record["access_token"]) not in settings_text

    code, report, stderr = sync_json(profile, "work")
    assert (code, report[0]["downloaded"], report[0]["error"]) == (0, 3, None), stderr
    debug = run_popgui(profile, "--debug", "sync", "work")
    assert debug.returncode == 0, debug.stderr
    assert "C: AUTH OAUTHBEARER" in debug.stderr  # Dovecot offers it: preferred to XOAUTH2
    token = str(record["access_token"])
    assert token not in debug.stdout + debug.stderr

    show = run_popgui(profile, "account", "show", "work")
    assert show.returncode == 0 and "signed-in: yes" in show.stdout, show.stdout
    assert str(record["access_token"]) not in show.stdout

    remove = run_popgui(profile, "account", "remove", "work")
    assert remove.returncode == 0, remove.stderr
    assert keyring.get_password(TOKEN_SERVICE, f"work/{provider.user}@127.0.0.1") is None


def test_a_refused_token_is_renewed_once_and_a_revoked_sign_in_asks_to_sign_in_again(
    tmp_path: Path, provider: Provider, secret_service: SecretService
) -> None:
    profile = tmp_path / "profile"
    add(tmp_path, provider)
    login = run_popgui(profile, "account", "login", "work", env=browser_env(tmp_path))
    assert login.returncode == 0, login.stderr
    first = stored_record(tmp_path)
    assert first is not None

    # The provider's clock runs two hours ahead of popgui's: the access token popgui thinks
    # good has expired there, Dovecot refuses it, and popgui renews it once and logs in.
    provider.server.clock = lambda: time.time() + 7200
    deliver(provider, 1)
    code, report, stderr = sync_json(profile, "work")
    assert (code, report[0]["error"]) == (0, None), stderr
    renewed = stored_record(tmp_path)
    assert renewed is not None and renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] != first["refresh_token"]  # rotated, and kept

    provider.server.revoke_all()  # the user removed the app from their account
    refreshes = provider.server.counts.refresh
    code, report, stderr = sync_json(profile, "work")
    assert code == 1 and report[0]["error_kind"] == "sign-in-required", report
    assert "popgui account login work" in report[0]["error"]
    assert "although the provider issued a new token" not in report[0]["error"]
    assert provider.server.counts.refresh - refreshes <= 1  # never a retry loop
    assert load_settings(profile / "settings.json").get("work") is not None  # never lost
    run_popgui(profile, "account", "remove", "work")
    provider.server.clock = time.time


def test_a_fresh_token_the_mail_server_still_refuses_is_explained_not_retried(
    tmp_path: Path, provider: Provider, secret_service: SecretService
) -> None:
    """Signed in as one user, the account names another: Dovecot refuses every token. popgui
    renews once, then says what usually causes it instead of asking for a password."""
    profile = tmp_path / "profile"
    add(tmp_path, provider, user="somebody-else")
    login = run_popgui(profile, "account", "login", "work", env=browser_env(tmp_path))
    assert login.returncode == 0, login.stderr
    refreshes = provider.server.counts.refresh

    code, report, stderr = sync_json(profile, "work")

    assert code == 1 and report[0]["error_kind"] == "oauth", report
    assert "although the provider issued a new token" in report[0]["error"]
    assert "--password-stdin" not in stderr
    assert provider.server.counts.refresh - refreshes == 1
    run_popgui(profile, "account", "remove", "work")


def _downloaded(profile: Path) -> list[bytes]:
    """The contents of every message in the account's Maildir, sorted (to spot duplicates)."""
    account = load_settings(profile / "settings.json").get("work")
    assert account is not None
    maildir = account.maildir_path(Profile(profile))
    found = [path for sub in ("new", "cur") if (maildir / sub).is_dir()
             for path in (maildir / sub).iterdir()]  # fmt: skip
    return sorted(path.read_bytes() for path in found)


def _on_server(provider: Provider) -> list[bytes]:
    """The contents of every message in the mailbox, sorted (it may hold equal ones)."""
    maildir = provider.dovecot.users_dir / provider.user / "Maildir"
    return sorted(path.read_bytes() for sub in ("new", "cur") for path in (maildir / sub).iterdir())


@pytest.fixture
def provider_reset(provider: Provider) -> Iterator[Provider]:
    """The provider's clock and rotation rule put back after the test, even a failed one."""
    try:
        yield provider
    finally:
        provider.server.clock = time.time
        provider.server.old_refresh_stays_valid = False
        provider.server.stall_refresh = False
        provider.server.release.set()


@pytest.mark.parametrize("old_stays_valid", [False, True], ids=["strict-rotation", "microsoft"])
def test_a_sync_killed_while_renewing_loses_nothing_and_downloads_nothing_twice(
    tmp_path: Path, provider_reset: Provider, secret_service: SecretService, old_stays_valid: bool
) -> None:
    """``popgui sync`` is killed with SIGKILL after the provider rotated the refresh token and
    sent its reply, before the keyring write. The next ``sync`` works (Microsoft keeps old
    refresh tokens) or asks to sign in again (a strictly rotating provider saw the old one
    reused); after signing in, the mail comes, each message once, and the account is intact."""
    provider = provider_reset
    profile = tmp_path / "profile"
    add(tmp_path, provider)
    login = run_popgui(profile, "account", "login", "work", env=browser_env(tmp_path))
    assert login.returncode == 0, login.stderr
    settings_before = (profile / "settings.json").read_bytes()
    deliver(provider, 3, seed=70 + old_stays_valid)
    waiting = _on_server(provider)

    # The provider's clock jumps two hours: Dovecot refuses the stored access token, popgui
    # renews it, and the provider's reply is held open so that popgui is still reading it.
    provider.server.old_refresh_stays_valid = old_stays_valid
    provider.server.clock = lambda: time.time() + 7200
    provider.server.stalled.clear()
    provider.server.release.clear()
    provider.server.stall_refresh = True
    command = [*POPGUI, "--profile", str(profile), "sync", "--json", "work"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert provider.server.stalled.wait(60), child.communicate(timeout=60)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    finally:
        provider.server.release.set()
    assert child.returncode == -signal.SIGKILL
    assert (profile / "settings.json").read_bytes() == settings_before
    assert _downloaded(profile) == []

    code, report, stderr = sync_json(profile, "work")
    if not old_stays_valid:
        assert (code, report[0]["error_kind"]) == (1, "sign-in-required"), report
        assert "popgui account login work" in report[0]["error"]
        assert _downloaded(profile) == []
        login = run_popgui(profile, "account", "login", "work", env=browser_env(tmp_path))
        assert login.returncode == 0, login.stderr
        code, report, stderr = sync_json(profile, "work")
    assert (code, report[0]["error"], report[0]["downloaded"]) == (0, None, len(waiting)), stderr
    again = sync_json(profile, "work")
    assert (again[0], again[1][0]["downloaded"]) == (0, 0), again[2]
    assert _downloaded(profile) == waiting  # every message once, none twice
    assert (profile / "settings.json").read_bytes() == settings_before
    assert run_popgui(profile, "account", "remove", "work").returncode == 0
