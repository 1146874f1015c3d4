"""The browser sign-in, driven for real: webbrowser runs a scripted ``$BROWSER`` that follows
the authorization server's redirect to popgui's loopback receiver, as a consenting user's
browser does. The sign-in runs in a child process, where webbrowser reads ``$BROWSER`` afresh.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from popgui.oauth.errors import OAuthError, SignInCancelledError
from popgui.oauth.flows import sign_in_with_browser, start_browser_sign_in
from popgui.oauth.providers import OAuthConfig
from tests.support.oauth_rig import scripted_browser
from tests.support.oauth_server import OAuthTestServer

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from popgui.errors import PopguiError
from popgui.oauth.flows import sign_in_with_browser
from popgui.oauth.providers import OAuthConfig
config = OAuthConfig(**json.loads({config!r}))
try:
    record = sign_in_with_browser(config, user="alice", timeout=30)
except PopguiError as error:
    print(json.dumps({{"error": type(error).__name__, "message": str(error)}}))
else:
    print(json.dumps({{"access_token": record.access_token,
                       "refresh_token": record.refresh_token}}))
"""


def sign_in_child(config: OAuthConfig, tmp_path: Path) -> tuple[dict[str, Any], list[Any]]:
    """Sign in in a child process with the scripted $BROWSER; (its result, the pages seen)."""
    log = tmp_path / "browser.jsonl"
    browser = scripted_browser(tmp_path)
    env = dict(os.environ, BROWSER=str(browser), POPGUI_TEST_BROWSER_LOG=str(log))
    fields = {"provider": config.provider, "client_id": config.client_id,
              "issuer": config.issuer, "scopes": list(config.scopes or ())}  # fmt: skip
    code = CHILD.format(root=str(ROOT), config=json.dumps(fields))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=90)  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return json.loads(done.stdout.splitlines()[-1]), pages


def test_signs_in_through_the_browser(
    oauth_server: OAuthTestServer, config: OAuthConfig, tmp_path: Path
) -> None:
    result, pages = sign_in_child(config, tmp_path)
    assert "error" not in result, result
    assert oauth_server.access_is_active(result["access_token"])
    assert oauth_server.refresh_is_valid(result["refresh_token"])
    assert (oauth_server.counts.authorize, oauth_server.counts.code) == (1, 1)
    # The browser came back to the loopback receiver and was told to go back to popgui.
    [page] = pages
    assert page["url"].startswith("http://127.0.0.1:")
    assert page["status"] == 200 and "go back to popgui" in page["text"]
    # The code went with its PKCE verifier and the same loopback redirect address.
    [request] = oauth_server.token_requests
    assert request["grant_type"] == "authorization_code" and request["code_verifier"]
    assert request["redirect_uri"] == page["url"].split("?")[0]


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("wrong-state", "does not belong to this sign-in"),
        ("wrong-iss", "another issuer"),
        ("deny", "refused in the browser"),
    ],
)
def test_a_bad_or_refused_reply_stores_nothing(
    oauth_server: OAuthTestServer, config: OAuthConfig, tmp_path: Path, mode: str, words: str
) -> None:
    oauth_server.authorize_mode = mode
    result, pages = sign_in_child(config, tmp_path)
    assert result["error"] in {"OAuthError", "SignInRequiredError"}, result
    assert words in result["message"]
    assert oauth_server.counts.code == 0  # no code was exchanged
    [page] = pages
    assert "go back to popgui" in page["text"]


def test_without_iss_the_reply_is_accepted(
    oauth_server: OAuthTestServer, config: OAuthConfig, tmp_path: Path
) -> None:
    oauth_server.send_iss = False  # RFC 9207: checked where the server sends it
    result, _pages = sign_in_child(config, tmp_path)
    assert "access_token" in result, result


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_times_out_and_closes_the_receiver(config: OAuthConfig) -> None:
    ports: list[int] = []

    def show(url: str) -> None:
        ports.append(int(url.split("redirect_uri=http%3A%2F%2F127.0.0.1%3A")[1].split("%2F")[0]))

    with pytest.raises(SignInCancelledError, match=r"within 0\.5 seconds"):
        sign_in_with_browser(config, open_browser=False, show_url=show, timeout=0.5)
    assert _port_is_closed(ports[0])


def test_cancel_stops_waiting(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(SignInCancelledError, match="cancelled"):
        sign_in_with_browser(config, open_browser=False, timeout=60, cancel=cancel)
    assert oauth_server.counts.code == 0


def test_the_receiver_ignores_stray_requests(
    oauth_server: OAuthTestServer, config: OAuthConfig
) -> None:
    import urllib.error
    import urllib.request

    sign_in = start_browser_sign_in(config)
    try:
        for path in ("favicon.ico", "", "?foo=bar"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(sign_in.receiver.redirect_uri + path, timeout=10)
            assert refused.value.code == 404
        # The real reply still completes the sign-in afterwards.
        threading.Thread(target=urllib.request.urlopen, args=(sign_in.url,), daemon=True).start()
        record = sign_in.finish(timeout=30)
    finally:
        sign_in.cancel()
    assert oauth_server.access_is_active(record.access_token)


def test_the_authorization_address_asks_for_pkce_s256_and_state(config: OAuthConfig) -> None:
    from urllib.parse import parse_qs, urlsplit

    sign_in = start_browser_sign_in(config, user="alice@example.test")
    sign_in.cancel()
    query = {key: values[0] for key, values in parse_qs(urlsplit(sign_in.url).query).items()}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] == sign_in.state and len(sign_in.state) >= 32
    assert query["redirect_uri"] == sign_in.receiver.redirect_uri
    assert query["login_hint"] == "alice@example.test"
    assert sign_in.verifier not in sign_in.url


def test_an_error_reply_is_explained(config: OAuthConfig) -> None:
    sign_in = start_browser_sign_in(config)
    sign_in.cancel()
    with pytest.raises(OAuthError, match="consent"):
        sign_in._check({"state": sign_in.state, "error": "consent_required"})
