"""An IMAP destination signed in with OAuth2 from the window's Deliver to tab: the sign-in
runs in the (scripted) browser against the test provider, the tokens land under the
destination's own keyring name, and Test destination then signs in to the real Dovecot's IMAP
with them (its ``oauth2`` passdb asks the test provider about the token)."""

from __future__ import annotations

import json

import keyring
import pytest
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import keyring_key
from popgui.destinations.factory import credentials_account
from popgui.oauth.tokenstore import TOKEN_SERVICE
from popgui.profile import Profile
from tests.gui.test_deliver_dialog import choose, new_dialog
from tests.support.certs import TestPKI
from tests.support.oauth_rig import Provider
from tests.support.oauth_server import CLIENT_ID
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.dovecot

TIMEOUT_MS = 60_000


def test_sign_in_to_the_destination_then_test_it(
    qtbot: QtBot, profile: Profile, provider: Provider, test_pki: TestPKI,
    secret_service: SecretService, browser: list[str],
) -> None:  # fmt: skip
    dialog = new_dialog(qtbot, profile)
    box = dialog.deliver
    choose(dialog, "imap")
    box.imap_host.setText("127.0.0.1")
    box.imap_port.setText(str(provider.dovecot.imap_port))
    box.imap_security.setCurrentIndex(box.imap_security.findData("starttls"))
    box.imap_user.setText(provider.user)
    box.ca_edit.setText(str(test_pki.ca_cert))
    box.password_source.setCurrentIndex(box.password_source.findData("oauth2"))
    assert box.oauth.isVisible() and not box.password_edit.isVisible()
    oauth = box.oauth.box
    oauth.settings_toggle.setChecked(True)
    oauth.issuer_edit.setText(provider.server.issuer)
    oauth.client_id_edit.setText(CLIENT_ID)
    oauth.scope_edit.setText("mail offline_access")

    oauth.sign_in_button.click()
    qtbot.waitUntil(lambda: "Signed in as" in oauth.status.text(), timeout=TIMEOUT_MS)
    assert browser, "the browser was not opened"
    account = dialog.account()
    assert (account.deliver_auth, account.deliver_oauth_provider) == ("oauth2", "custom")
    assert account.deliver_oauth_issuer == provider.server.issuer
    key = keyring_key(credentials_account(account))
    record = keyring.get_password(TOKEN_SERVICE, key)
    assert record is not None and json.loads(record)["access_token"]
    assert keyring.get_password(TOKEN_SERVICE, keyring_key(account)) is None  # not the POP's

    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_label.text() != "Testing…", timeout=TIMEOUT_MS)
    assert box.test_label.text() == "Works: INBOX on 127.0.0.1", box.test_label.text()
    keyring.delete_password(TOKEN_SERVICE, key)
