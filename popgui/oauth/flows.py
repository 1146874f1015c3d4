"""Signing in (browser with PKCE, or device code) and refreshing, with oauthlib.

oauthlib builds the token requests and checks the replies (RFC 6749, 7636 and 8628, with a
typed error for each OAuth error code); popgui sends them with :mod:`popgui.oauth.http`,
receives the browser's reply with :mod:`popgui.oauth.loopback` and turns the provider's error
replies into plain words with :mod:`popgui.oauth.errors`. oauthlib is imported here only: a
password account never loads it.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from oauthlib.oauth2 import DeviceClient, OAuth2Error, WebApplicationClient
from oauthlib.oauth2.rfc6749.parameters import parse_token_response

from popgui.catalog import Sentence
from popgui.catalog import oauth as says
from popgui.errors import NetworkError
from popgui.oauth.errors import (
    OAuthConfigError,
    OAuthError,
    SignInCancelledError,
    error_from_reply,
)
from popgui.oauth.http import post_form
from popgui.oauth.loopback import LoopbackReceiver
from popgui.oauth.providers import Endpoints, OAuthConfig, check_url, endpoints_for
from popgui.oauth.tokenstore import TokenRecord

BROWSER_TIMEOUT = 300.0


def _issuer_name(config: OAuthConfig, endpoints: Endpoints) -> str:
    return endpoints.issuer or endpoints.issuer_prefix or config.provider


def token_request(
    config: OAuthConfig, endpoints: Endpoints, fields: dict[str, str], *, what: Sentence,
    previous: TokenRecord | None = None, timeout: float = 30.0,
) -> TokenRecord:  # fmt: skip
    """POST ``fields`` to the token endpoint; the record of the reply, or a typed error."""
    secret = config.effective_client_secret()
    if secret:
        fields = {**fields, "client_secret": secret}
    url = check_url(endpoints.token, says.TOKEN_ENDPOINT())
    status, reply = post_form(url, fields, what=what, timeout=timeout)
    if status != 200 or "error" in reply:
        if "error" not in reply:
            raise OAuthError(says.HTTP_STATUS(what=what, status=status))
        raise error_from_reply(reply, provider=config.provider, what=what)
    try:
        parsed = parse_token_response(json.dumps(reply))  # checks access_token and expiry
    except OAuth2Error as error:
        raise OAuthError(says.REPLY_UNUSABLE(what=what, error=error.error)) from None
    return TokenRecord.from_reply(
        dict(parsed), issuer=_issuer_name(config, endpoints), token_endpoint=url,
        previous=previous,
    )  # fmt: skip


# -- the browser (authorization code with PKCE, on a loopback redirect) ------------------------


@dataclass
class BrowserSignIn:
    """A browser sign-in in progress: open :attr:`url`, then :meth:`finish`."""

    config: OAuthConfig
    endpoints: Endpoints
    url: str
    state: str
    verifier: str
    receiver: LoopbackReceiver

    def finish(self, *, timeout: float = BROWSER_TIMEOUT,
               cancel: threading.Event | None = None) -> TokenRecord:  # fmt: skip
        """Wait for the browser's reply and exchange its code; always closes the receiver."""
        try:
            reply = self.receiver.wait(timeout=timeout, cancel=cancel)
        finally:
            self.receiver.close()
        code = self._check(reply)
        client = WebApplicationClient(self.config.effective_client_id())
        body = client.prepare_request_body(
            code=code, redirect_uri=self.receiver.redirect_uri, code_verifier=self.verifier,
            include_client_id=True,
        )  # fmt: skip
        return token_request(self.config, self.endpoints, _form(body), what=says.SIGNING_IN())

    def _check(self, reply: dict[str, str]) -> str:
        if not secrets.compare_digest(reply.get("state", ""), self.state):
            raise OAuthError(says.STATE_DIFFERS())
        iss = reply.get("iss")
        if iss is not None and not self.endpoints.issuer_matches(iss):  # RFC 9207
            raise OAuthError(says.OTHER_ISSUER(issuer=repr(iss)))
        if "error" in reply:
            raise error_from_reply(reply, provider=self.config.provider,
                                   what=says.SIGNING_IN_BROWSER())  # fmt: skip
        code = reply.get("code", "")
        if not code:
            raise OAuthError(says.NO_CODE())
        return code

    def cancel(self) -> None:
        self.receiver.close()


def _form(body: str) -> dict[str, str]:
    return dict(parse_qsl(body, keep_blank_values=True))


def start_browser_sign_in(
    config: OAuthConfig, *, user: str | None = None, endpoints: Endpoints | None = None
) -> BrowserSignIn:
    """Start the loopback receiver and build the authorization address (state, PKCE S256)."""
    endpoints = endpoints or endpoints_for(config)
    client_id = config.effective_client_id()
    client = WebApplicationClient(client_id)
    verifier = client.create_code_verifier(64)
    challenge = client.create_code_challenge(verifier, "S256")
    state = secrets.token_urlsafe(24)
    extra = dict(endpoints.extra_authorize)
    if user:
        extra["login_hint"] = user
    receiver = LoopbackReceiver(state=state)
    # oauthlib's prepare_request_uri refuses http, and the loopback redirect is http by design
    # (RFC 8252, 7.3): the parameters are the same, so they are encoded here.
    params = {
        "client_id": client_id, "response_type": "code",
        "redirect_uri": receiver.redirect_uri, "scope": " ".join(config.effective_scopes()),
        "state": state, "code_challenge": challenge, "code_challenge_method": "S256", **extra,
    }  # fmt: skip
    if not params["scope"]:
        del params["scope"]
    base = check_url(endpoints.authorization, says.AUTHORIZATION_ENDPOINT())
    url = f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"
    return BrowserSignIn(config, endpoints, url, state, verifier, receiver)


def sign_in_with_browser(
    config: OAuthConfig, *, user: str | None = None, open_browser: bool = True,
    show_url: Callable[[str], None] | None = None, timeout: float = BROWSER_TIMEOUT,
    cancel: threading.Event | None = None, endpoints: Endpoints | None = None,
) -> TokenRecord:  # fmt: skip
    """Sign in in the system browser (``$BROWSER`` is honoured); the tokens it gave.

    ``show_url`` gets the address too (to print it, or show it where no browser opens).
    """
    sign_in = start_browser_sign_in(config, user=user, endpoints=endpoints)
    try:
        if show_url is not None:
            show_url(sign_in.url)
        if open_browser:
            webbrowser.open(sign_in.url)
    except BaseException:
        sign_in.cancel()
        raise
    return sign_in.finish(timeout=timeout, cancel=cancel)


# -- the device flow (RFC 8628) ---------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCode:
    """What to show the person: where to go and which code to type there."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float
    message: str | None
    device_code: str

    def __repr__(self) -> str:
        return f"DeviceCode(verification_uri={self.verification_uri!r})"


def start_device_sign_in(config: OAuthConfig, *, endpoints: Endpoints | None = None,
                         timeout: float = 30.0) -> tuple[DeviceCode, Endpoints]:  # fmt: skip
    endpoints = endpoints or endpoints_for(config)
    if not endpoints.device:
        google = config.provider == "google"
        raise OAuthConfigError(
            says.NO_DEVICE_SIGN_IN_GOOGLE() if google else says.NO_DEVICE_SIGN_IN()
        )
    client = DeviceClient(config.effective_client_id())
    fields = {"client_id": client.client_id, "scope": " ".join(config.effective_scopes())}
    secret = config.effective_client_secret()
    if secret:
        fields["client_secret"] = secret
    url = check_url(endpoints.device, says.DEVICE_ENDPOINT())
    status, reply = post_form(url, fields, what=says.STARTING_DEVICE(), timeout=timeout)
    if status != 200 or "error" in reply:
        if "error" not in reply:
            raise OAuthError(says.DEVICE_HTTP(status=status))
        raise error_from_reply(reply, provider=config.provider,
                               what=says.STARTING_DEVICE())  # fmt: skip
    try:
        code = DeviceCode(
            verification_uri=str(reply.get("verification_uri") or reply["verification_url"]),
            user_code=str(reply["user_code"]),
            verification_uri_complete=reply.get("verification_uri_complete"),
            expires_in=float(reply.get("expires_in", 900)),
            interval=float(reply.get("interval", 5)),
            message=reply.get("message"),
            device_code=str(reply["device_code"]),
        )
    except (KeyError, TypeError, ValueError):
        raise OAuthError(says.DEVICE_REPLY_UNUSABLE()) from None
    return code, endpoints


def _wait(seconds: float, cancel: threading.Event | None) -> bool:
    """Sleep; True when cancelled meanwhile."""
    if cancel is None:
        time.sleep(seconds)
        return False
    return cancel.wait(seconds)


def sign_in_with_device(
    config: OAuthConfig, *, show: Callable[[DeviceCode], None],
    cancel: threading.Event | None = None, endpoints: Endpoints | None = None,
    wait: Callable[[float], bool] | None = None, clock: Callable[[], float] = time.monotonic,
) -> TokenRecord:  # fmt: skip
    """Sign in with a code typed on another device; polls as RFC 8628 section 3.5 says.

    ``wait(seconds)`` sleeps and returns True when cancelled (tests pass one that records).
    """
    code, endpoints = start_device_sign_in(config, endpoints=endpoints)
    show(code)
    sleep = wait or (lambda seconds: _wait(seconds, cancel))
    interval = max(code.interval, 1.0)
    deadline = clock() + code.expires_in
    client = DeviceClient(config.effective_client_id())
    body = _form(client.prepare_request_body(code.device_code, include_client_id=True))
    while True:
        if sleep(interval):
            raise SignInCancelledError(says.CANCELLED())
        if clock() >= deadline:
            raise SignInCancelledError(says.CODE_EXPIRED())
        try:
            return token_request(config, endpoints, body, what=says.SIGNING_IN_CODE())
        except OAuthError as error:
            if error.error == "authorization_pending":
                continue
            if error.error == "slow_down":
                interval += 5  # RFC 8628 section 3.5
                continue
            if error.error == "expired_token":
                raise SignInCancelledError(says.CODE_EXPIRED()) from None
            if error.error == "access_denied":
                raise OAuthError(says.REFUSED_ON_DEVICE(), error="access_denied") from None
            raise


def refresh(config: OAuthConfig, record: TokenRecord, *, endpoints: Endpoints | None = None,
            timeout: float = 30.0) -> TokenRecord:  # fmt: skip
    """A new record from ``record``'s refresh token (which the caller checked is there)."""
    assert record.refresh_token is not None
    client = WebApplicationClient(config.effective_client_id())
    body = client.prepare_refresh_body(
        refresh_token=record.refresh_token, scope=list(config.effective_scopes()) or None,
        client_id=client.client_id, include_client_id=True,
    )  # fmt: skip
    fields = _form(body)
    if endpoints is None:
        # The token endpoint the record came from: no discovery request at each refresh.
        endpoints = Endpoints(authorization="", token=record.token_endpoint, issuer=record.issuer)
    return token_request(config, endpoints, fields, what=says.RENEWING(),
                         previous=record, timeout=timeout)  # fmt: skip


__all__ = [
    "BrowserSignIn",
    "DeviceCode",
    "refresh",
    "revoke",
    "sign_in_with_browser",
    "sign_in_with_device",
    "start_browser_sign_in",
    "start_device_sign_in",
    "token_request",
]


def revoke(config: OAuthConfig, record: TokenRecord, *, timeout: float = 30.0) -> bool:
    """Ask the provider to revoke ``record``'s sign-in (RFC 7009), when it offers that.

    Best effort, for removing an account: False when the provider has no revocation endpoint
    (Microsoft) or refused; the caller deletes the keyring record either way.
    """
    try:
        endpoints = endpoints_for(config, timeout=timeout)
    except OAuthError:
        return False
    if not endpoints.revocation:
        return False
    token = record.refresh_token or record.access_token
    hint = "refresh_token" if record.refresh_token else "access_token"
    fields = {"token": token, "token_type_hint": hint, "client_id": config.effective_client_id()}
    secret = config.effective_client_secret()
    if secret:
        fields["client_secret"] = secret
    url = check_url(endpoints.revocation, says.REVOCATION_ENDPOINT())
    try:
        status, _reply = post_form(url, fields, what=says.REVOKING(), timeout=timeout)
    except NetworkError:  # unreachable, or a reply that is not JSON: nothing to learn from it
        return False
    return status == 200
