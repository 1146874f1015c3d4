"""The local authorization server refuses what a real one refuses, so the tests that pass
against it mean something; plus revocation and introspection as Dovecot reads it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from popgui.oauth.flows import revoke, start_browser_sign_in
from popgui.oauth.providers import OAuthConfig
from popgui.oauth.tokenstore import TokenRecord
from tests.support.oauth_server import CLIENT_ID, OAuthTestServer


def _post(url: str, fields: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _code(server: OAuthTestServer, config: OAuthConfig) -> tuple[str, str, str]:
    """(code, redirect_uri, verifier) of an authorization the server granted."""
    sign_in = start_browser_sign_in(config)
    sign_in.cancel()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(NoRedirect).open(sign_in.url, timeout=10)
    location = redirected.value.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    return query["code"][0], sign_in.receiver.redirect_uri, sign_in.verifier


def test_a_wrong_pkce_verifier_or_a_reused_code_is_refused(
    oauth_server: OAuthTestServer, config: OAuthConfig
) -> None:
    code, redirect, verifier = _code(oauth_server, config)
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
              "client_id": CLIENT_ID, "code_verifier": verifier + "x"}  # fmt: skip
    status, body = _post(f"{oauth_server.url}/token", fields)
    assert (status, body["error_description"]) == (400, "PKCE check failed")
    code, redirect, verifier = _code(oauth_server, config)
    fields.update(code=code, redirect_uri=redirect, code_verifier=verifier)
    assert _post(f"{oauth_server.url}/token", fields)[0] == 200
    assert _post(f"{oauth_server.url}/token", fields)[0] == 400  # a code is used once only


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"redirect_uri": "http://example.test:8080/"}, "loopback"),
        ({"code_challenge_method": "plain"}, "S256"),
        ({"state": ""}, "state"),
        ({"client_id": "someone-else"}, "client_id"),
    ],
)
def test_authorize_checks_the_request(
    oauth_server: OAuthTestServer, config: OAuthConfig, change: dict[str, str], words: str
) -> None:
    sign_in = start_browser_sign_in(config)
    sign_in.cancel()
    query = {key: values[0] for key, values in parse_qs(urlsplit(sign_in.url).query).items()}
    query.update(change)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{oauth_server.url}/authorize?{urlencode(query)}", timeout=10)
    assert refused.value.code == 400 and words in refused.value.read().decode()


def test_reusing_a_rotated_refresh_token_revokes_the_sign_in(oauth_server: OAuthTestServer) -> None:
    first = oauth_server.issue()["refresh_token"]
    fields = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": first}
    status, reply = _post(f"{oauth_server.url}/token", fields)
    assert status == 200 and reply["refresh_token"] != first
    assert _post(f"{oauth_server.url}/token", fields)[0] == 400  # the old one, again
    assert not oauth_server.refresh_is_valid(str(reply["refresh_token"]))
    assert not oauth_server.access_is_active(str(reply["access_token"]))


def test_introspection_as_dovecot_reads_it(oauth_server: OAuthTestServer) -> None:
    token = oauth_server.issue()["access_token"]

    def introspect(bearer: str) -> dict[str, object]:
        request = urllib.request.Request(f"{oauth_server.url}/introspect",
                                         headers={"Authorization": f"Bearer {bearer}"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200  # Dovecot wants 200 even for a bad token
            return dict(json.loads(response.read()))

    active = introspect(token)
    assert active["active"] is True and active["username"] == "alice"
    assert isinstance(active["scope"], str)  # Dovecot ignores a scope given as a list
    assert introspect("nonsense") == {"active": False}


def test_revoke_ends_the_sign_in(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    record = TokenRecord.from_reply(oauth_server.issue(), issuer=oauth_server.issuer,
                                    token_endpoint=f"{oauth_server.url}/token")  # fmt: skip
    assert revoke(config, record) is True
    assert not oauth_server.refresh_is_valid(record.refresh_token or "")
    assert not oauth_server.access_is_active(record.access_token)


def test_microsoft_has_nothing_to_revoke(oauth_server: OAuthTestServer) -> None:
    config = OAuthConfig(provider="microsoft", client_id=CLIENT_ID, authority=oauth_server.url)
    record = TokenRecord.from_reply(oauth_server.issue(), issuer="x", token_endpoint="y")
    assert revoke(config, record) is False
    assert oauth_server.counts.revoke == 0


def test_the_consent_page_answers_each_request_once(
    oauth_server: OAuthTestServer, config: OAuthConfig
) -> None:
    """What tests/oauth/test_chromium_sign_in.py clicks on, checked without a browser."""
    oauth_server.consent_page = True
    oauth_server.client_names[CLIENT_ID] = "<b>Mail</b> & co"
    sign_in = start_browser_sign_in(config)
    sign_in.cancel()
    with urllib.request.urlopen(sign_in.url, timeout=10) as response:
        page = response.read().decode()
    assert "&lt;b&gt;Mail&lt;/b&gt; &amp; co" in page  # the client's name, escaped
    assert '<li class="scope">mail</li><li class="scope">offline_access</li>' in page
    request = page.split('name="request" value="')[1].split('"')[0]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    decline = urlencode({"request": request, "decision": "decline"}).encode()
    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(NoRedirect).open(
            f"{oauth_server.url}/authorize", data=decline, timeout=10
        )
    query = parse_qs(urlsplit(redirected.value.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [sign_in.state]
    # The same request answered again (or a made-up one) is refused: no code comes of it.
    accept = {"request": request, "decision": "accept"}
    assert _post(f"{oauth_server.url}/authorize", accept)[0] == 400
    assert _post(f"{oauth_server.url}/authorize", {**accept, "request": "made-up"})[0] == 400
    assert (oauth_server.counts.consent_page, oauth_server.counts.decisions) == (1, 3)
    assert not oauth_server._state.codes  # no code was issued
