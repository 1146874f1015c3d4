"""An IMAP destination that signs in with OAuth2 (Gmail, Outlook.com), end to end: ``account
add --deliver imap://… --deliver-auth oauth2``, a sync that asks to sign in first and deletes
nothing, ``account login NAME --deliver`` in a scripted browser, then the mail delivered into
the real Dovecot, whose ``oauth2`` passdb asks the test authorization server about each token
(tests/support/oauth_rig.py); ``show`` and ``remove``."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from popgui.accounts.secrets import keyring_key
from popgui.accounts.settings import load_settings
from popgui.destinations.factory import credentials_account
from popgui.oauth.tokenstore import TOKEN_SERVICE
from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.oauth_rig import Provider, oauth_provider, scripted_browser
from tests.support.oauth_server import CLIENT_ID
from tests.support.secret_service import SecretService

from .helpers import password_command, run_popgui, sync_json

pytestmark = pytest.mark.dovecot


@pytest.fixture(scope="module")
def provider(test_pki: TestPKI) -> Iterator[Provider]:
    with oauth_provider(test_pki) as rig:
        yield rig


def test_deliver_into_an_imap_mailbox_signed_in_with_oauth2(
    tmp_path: Path, provider: Provider, test_pki: TestPKI, secret_service: SecretService
) -> None:
    dovecot = provider.dovecot
    source, password = f"s{secrets.token_hex(5)}", secrets.token_urlsafe(12)
    dovecot.add_user(source, password)
    messages = mixed_messages(4, seed=161)
    for content in messages:
        dovecot.deliver(source, content)
    profile = tmp_path / "profile"
    add_args = [
        "account", "add", "src", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", source,
        "--password-command", password_command(password), "--delete",
        "--deliver-ca-file", str(test_pki.ca_cert), "--deliver-auth", "oauth2",
        "--deliver-oauth-provider", "custom", "--deliver-oauth-issuer", provider.server.issuer,
        "--deliver-oauth-client-id", CLIENT_ID, "--deliver-oauth-scope", "mail offline_access",
        "--deliver", f"imap://{provider.user}@127.0.0.1:{dovecot.imap_port}/INBOX",
    ]  # fmt: skip
    done = run_popgui(profile, *add_args)
    assert done.returncode == 0, done.stderr

    code, report, _ = sync_json(profile, "src")  # not signed in yet: nothing moves
    assert (code, report[0]["error_kind"], report[0]["downloaded"]) == (1, "destination-login", 0)
    assert "popgui account login src --deliver" in report[0]["error"]
    assert len(dovecot.server_messages(source)) == 4

    browser = {"BROWSER": str(scripted_browser(tmp_path))}
    login = run_popgui(profile, "account", "login", "src", "--deliver", env=browser)
    assert login.returncode == 0, login.stderr
    assert "the destination of account 'src' is signed in" in login.stdout

    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["forwarded"], report[0]["error"]) == (0, 4, None), stderr
    assert sorted(dovecot.server_messages(provider.user)) == sorted(
        m.replace(b"\r\n", b"\n") for m in messages
    )
    assert dovecot.server_messages(source) == []

    shown = run_popgui(profile, "account", "show", "src")
    assert "deliver-signed-in: yes" in shown.stdout, shown.stdout
    before = load_settings(profile / "settings.json").get("src")
    assert before is not None
    old_key = keyring_key(credentials_account(before))
    assert keyring.get_password(TOKEN_SERVICE, old_key) is not None

    # The destination's server is renamed (--replace): the sign-in follows it.
    replaced = run_popgui(
        profile, *add_args[:-1], add_args[-1].replace("@127.0.0.1:", "@localhost:"), "--replace"
    )
    assert replaced.returncode == 0, replaced.stderr
    account = load_settings(profile / "settings.json").get("src")
    assert account is not None
    key = keyring_key(credentials_account(account))
    assert key != old_key and keyring.get_password(TOKEN_SERVICE, old_key) is None
    assert keyring.get_password(TOKEN_SERVICE, key) is not None
    assert run_popgui(profile, "account", "remove", "src").returncode == 0
    assert keyring.get_password(TOKEN_SERVICE, key) is None
