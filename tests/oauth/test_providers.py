"""Providers, client ids, endpoints and discovery; and what a sync of a password account loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from popgui.oauth import client_ids
from popgui.oauth.errors import OAuthConfigError
from popgui.oauth.flows import sign_in_with_device
from popgui.oauth.providers import (
    OAuthConfig,
    check_url,
    endpoints_for,
    guess_provider,
    microsoft_endpoints,
)
from tests.support.oauth_server import OAuthTestServer


@pytest.mark.parametrize(
    ("host", "provider"),
    [("outlook.office365.com", "microsoft"), ("Outlook.Office365.com.", "microsoft"),
     ("pop.gmail.com", "google"), ("pop.example.org", None)],
)  # fmt: skip
def test_the_provider_is_guessed_from_the_host(host: str, provider: str | None) -> None:
    assert guess_provider(host) == provider


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_no_client_id_says_what_to_do(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_ids, "MICROSOFT_CLIENT_ID", "")
    monkeypatch.setattr(client_ids, "GOOGLE_CLIENT_ID", "")
    with pytest.raises(OAuthConfigError, match="--oauth-client-id"):
        OAuthConfig(provider=provider).effective_client_id()  # type: ignore[arg-type]


def test_the_build_client_id_and_the_accounts_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_ids, "GOOGLE_CLIENT_ID", "built-id")
    monkeypatch.setattr(client_ids, "GOOGLE_CLIENT_SECRET", "built-secret")
    built = OAuthConfig(provider="google")
    assert (built.effective_client_id(), built.effective_client_secret()) == (
        "built-id", "built-secret")  # fmt: skip
    own = OAuthConfig(provider="google", client_id="mine")
    assert (own.effective_client_id(), own.effective_client_secret()) == ("mine", None)


def test_microsoft_endpoints_and_tenants() -> None:
    common = microsoft_endpoints(OAuthConfig(provider="microsoft"))
    assert common.token == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert common.device == "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode"
    assert common.issuer_matches("https://login.microsoftonline.com/9188040d/v2.0")
    assert not common.issuer_matches("https://evil.test/")
    tenant = microsoft_endpoints(OAuthConfig(provider="microsoft", tenant="contoso.example"))
    assert tenant.authorization.endswith("/contoso.example/oauth2/v2.0/authorize")
    assert tenant.issuer == "https://login.microsoftonline.com/contoso.example/v2.0"
    with pytest.raises(OAuthConfigError, match="tenant"):
        microsoft_endpoints(OAuthConfig(provider="microsoft", tenant="a/b"))


@pytest.mark.parametrize(
    "url", ["http://login.example.org/token", "ftp://127.0.0.1/x", "https:///nohost"]
)
def test_only_https_or_loopback(url: str) -> None:
    with pytest.raises(OAuthConfigError, match="https"):
        check_url(url, "token endpoint")
    assert check_url("http://[::1]:8080/token", "token endpoint")


def test_custom_reads_the_discovery_document(oauth_server: OAuthTestServer) -> None:
    config = OAuthConfig(provider="custom", issuer=oauth_server.issuer + "/")
    endpoints = endpoints_for(config)
    assert endpoints.token == f"{oauth_server.url}/token"
    assert endpoints.device == f"{oauth_server.url}/devicecode"
    assert endpoints.issuer == oauth_server.issuer


def test_a_discovery_document_naming_another_issuer_is_refused(
    oauth_server: OAuthTestServer,
) -> None:
    oauth_server.issuer = "https://someone-else.example"
    with pytest.raises(OAuthConfigError, match="names another issuer"):
        endpoints_for(OAuthConfig(provider="custom", issuer=oauth_server.url))


def test_custom_needs_an_issuer() -> None:
    with pytest.raises(OAuthConfigError, match="--oauth-issuer"):
        endpoints_for(OAuthConfig(provider="custom"))


def test_the_microsoft_preset_signs_in_with_a_code(oauth_server: OAuthTestServer) -> None:
    config = OAuthConfig(provider="microsoft", client_id="popgui-test-client",
                         tenant="consumers", authority=oauth_server.url)  # fmt: skip

    def wait(seconds: float) -> bool:
        oauth_server.approve()
        return False

    record = sign_in_with_device(config, show=lambda code: None, wait=wait)
    assert oauth_server.access_is_active(record.access_token)
    assert set(oauth_server.tenants) == {"consumers"}


def test_token_handling_without_renewal_does_not_load_oauthlib() -> None:
    code = (
        "import sys, popgui.oauth.tokens, popgui.oauth.tokenstore, popgui.oauth.providers\n"
        "import popgui.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('oauthlib')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"
