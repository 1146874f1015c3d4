"""Provider error replies in plain words, typed; and tokens kept out of logs and error texts."""

from __future__ import annotations

import logging
import threading
import urllib.request

import pytest

from popgui.oauth.errors import (
    OAuthConfigError,
    OAuthError,
    SignInRequiredError,
    explain,
    mail_server_refused,
)
from popgui.oauth.flows import refresh, start_browser_sign_in
from popgui.oauth.providers import OAuthConfig, microsoft_endpoints
from popgui.oauth.tokenstore import TokenRecord
from tests.support.oauth_server import OAuthTestServer, google_error, microsoft_error


def _record(server: OAuthTestServer) -> TokenRecord:
    return TokenRecord.from_reply(server.issue(), issuer=server.issuer,
                                  token_endpoint=f"{server.url}/token")  # fmt: skip


@pytest.mark.parametrize(
    ("code", "error", "kind", "words"),
    [
        (65001, "invalid_grant", SignInRequiredError, "not yet consented"),
        (90094, "invalid_grant", SignInRequiredError, "administrator to approve"),
        (65004, "access_denied", OAuthError, "consent to popgui was declined"),
        (700016, "unauthorized_client", OAuthConfigError, "check the tenant"),
        (7000218, "invalid_client", OAuthConfigError, "needs a client secret"),
        (50173, "invalid_grant", SignInRequiredError, "password changed"),
        (700082, "invalid_grant", SignInRequiredError, "not used for 90 days"),
        (50076, "invalid_grant", SignInRequiredError, "multi-factor"),
        (53003, "access_denied", OAuthError, "conditional access"),
    ],
)
def test_microsoft_replies_from_its_token_endpoint(
    oauth_server: OAuthTestServer, code: int, error: str, kind: type[Exception], words: str
) -> None:
    config = OAuthConfig(provider="microsoft", client_id="popgui-test-client",
                         tenant="organizations", authority=oauth_server.url)  # fmt: skip
    oauth_server.queued_token_errors = [(400, microsoft_error(code, error))]
    with pytest.raises(OAuthError) as raised:
        refresh(config, _record(oauth_server), endpoints=microsoft_endpoints(config))
    assert type(raised.value) is kind
    assert words in str(raised.value) and f"AADSTS{code}" in str(raised.value)
    assert oauth_server.tenants == ["organizations"]  # Microsoft's URL shape, with the tenant
    sent = oauth_server.token_requests[-1]
    assert sent["scope"] == "https://outlook.office.com/POP.AccessAsUser.All offline_access"


def test_an_aadsts_code_only_in_the_description_is_found() -> None:
    reply = {"error": "invalid_request", "error_description": "AADSTS90002: Tenant 'x' not found."}
    assert "tenant does not exist" in str(explain(reply))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (google_error("invalid_grant", "Token has been expired or revoked."), "7 days"),
        (google_error("admin_policy_enforced"), "Workspace administrator"),
        (google_error("org_internal"), "limited to its own organisation"),
        (google_error("access_denied"), "needs Google's verification"),
    ],
)
def test_google_replies(body: dict[str, str], words: str) -> None:
    assert words in str(explain(body, provider="google"))


def test_the_7_day_note_is_for_google_only() -> None:
    body = google_error("invalid_grant", "Token has been expired or revoked.")
    assert "7 days" not in str(explain(body, provider="custom"))


def test_an_unknown_error_quotes_the_provider() -> None:
    body = {"error": "weird_thing", "error_description": "first line\nsecond line"}
    assert str(explain(body)) == "the provider refused the sign-in with 'weird_thing': first line"


def test_a_mail_server_refusal_after_renewal_names_pop_access() -> None:
    assert "POP may be disabled" in str(mail_server_refused("microsoft", "work"))


def test_tokens_stay_out_of_logs_reprs_and_errors(
    oauth_server: OAuthTestServer, config: OAuthConfig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in = start_browser_sign_in(config)
    threading.Thread(target=urllib.request.urlopen, args=(sign_in.url,), daemon=True).start()
    record = sign_in.finish(timeout=30)
    renewed = refresh(config, record)
    oauth_server.revoke_all()
    with pytest.raises(SignInRequiredError) as raised:
        refresh(config, renewed)
    secrets = [record.access_token, record.refresh_token, renewed.access_token,
               renewed.refresh_token, sign_in.verifier]  # fmt: skip
    seen = caplog.text + repr(record) + repr(renewed) + str(raised.value) + repr(raised.value)
    for secret in secrets:
        assert secret and secret not in seen
