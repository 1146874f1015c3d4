"""A local OAuth2 authorization server written for the tests (RFC 6749, 7636, 8628, 7009, 7662).

``OAuthTestServer()`` (a context manager) listens on ``127.0.0.1`` on a free port, threaded,
and serves:

- ``/.well-known/openid-configuration``: the discovery document (issuer = :attr:`issuer`);
- ``/authorize``: checks the client id, a loopback ``redirect_uri``, PKCE S256 and ``state``,
  then behaves as :attr:`authorize_mode` says: ``"consent"`` redirects at once with a code (a
  user who consents), ``"deny"`` with ``error=access_denied``, ``"wrong-state"`` and
  ``"wrong-iss"`` with a forged ``state`` or ``iss``. ``send_iss`` adds RFC 9207's ``iss``.
  With :attr:`consent_page` set, it first shows a page naming the client and the scopes, with
  an "Accept" and a "Decline" button (a form POSTed back to ``/authorize``), as a provider's
  consent screen does: "Accept" then redirects as :attr:`authorize_mode` says, "Decline" with
  ``error=access_denied``;
- ``/token``: ``authorization_code`` (checks ``code_verifier``), ``refresh_token`` (rotation;
  a rotated-out token used again is reuse: the whole family is revoked, as OAuth 2.1 asks;
  ``old_refresh_stays_valid`` makes it behave like Microsoft, whose old tokens keep working;
  ``reuse_detection = False``: a rotated-out token is merely refused)
  and the device grant; :attr:`queued_token_errors` are answered first, one per request;
- ``/devicecode``: starts a device sign-in; the test answers it with :meth:`approve`,
  :meth:`deny`, :meth:`expire`, and can queue ``slow_down`` replies;
- ``/revoke`` and ``/introspect`` (GET with ``Authorization: Bearer``, as Dovecot's
  ``introspection_mode = auth`` sends: ``{"active", "username", "scope"}``);
- the same endpoints under ``/TENANT/oauth2/v2.0/{authorize,token,devicecode}``, so a
  Microsoft configuration whose authority is :attr:`url` talks to it.

:func:`microsoft_error` and :func:`google_error` shape error bodies as those providers do.
The clock is injectable (:attr:`clock`, seconds). ``stall_refresh`` makes the next refresh
reply be sent whole but with no length and the connection held open until :attr:`release`
is set: the client has the reply and waits for its end, so a test can kill it between the
token reply and anything it would do next.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

CLIENT_ID = "popgui-test-client"
CLIENT_NAME = "popgui (test client)"
SCOPE = "mail offline_access"


def microsoft_error(code: int, error: str = "invalid_grant", text: str = "") -> dict[str, Any]:
    """An error body shaped like Microsoft Entra's."""
    return {
        "error": error,
        "error_description": f"AADSTS{code}: {text or 'Something went wrong.'} Trace ID: "
        "0000-1111 Correlation ID: 2222-3333 Timestamp: 2026-01-01 00:00:00Z",
        "error_codes": [code],
        "timestamp": "2026-01-01 00:00:00Z",
        "trace_id": "0000-1111",
        "correlation_id": "2222-3333",
    }


def google_error(error: str, description: str = "") -> dict[str, Any]:
    """An error body shaped like Google's."""
    body: dict[str, Any] = {"error": error}
    if description:
        body["error_description"] = description
    return body


@dataclass
class _Grant:
    user: str
    scope: str
    family: str


@dataclass
class _Device:
    user_code: str
    scope: str
    state: str = "pending"  # pending, approved, denied, expired
    expires_at: float = 0.0


@dataclass
class Counts:
    authorize: int = 0
    consent_page: int = 0
    decisions: int = 0
    code: int = 0
    refresh: int = 0
    device_poll: int = 0
    introspect: int = 0
    revoke: int = 0
    rejected_refresh: int = 0


@dataclass
class _State:
    codes: dict[str, tuple[_Grant, str, str, str]] = field(default_factory=dict)
    access: dict[str, tuple[_Grant, float]] = field(default_factory=dict)
    refresh: dict[str, _Grant] = field(default_factory=dict)
    rotated_out: dict[str, str] = field(default_factory=dict)  # old refresh token -> family
    revoked_families: set[str] = field(default_factory=set)
    devices: dict[str, _Device] = field(default_factory=dict)
    consents: dict[str, dict[str, str]] = field(default_factory=dict)  # shown, not yet answered


class OAuthTestServer:
    """See the module docstring."""

    def __init__(self, *, user: str = "alice", clock: Callable[[], float] = time.time) -> None:
        self.user = user
        self.clock = clock
        self.clients: dict[str, str | None] = {CLIENT_ID: None}
        self.client_names = {CLIENT_ID: CLIENT_NAME}
        self.authorize_mode = "consent"
        self.consent_page = False
        self.send_iss = True
        self.rotate = True
        self.old_refresh_stays_valid = False
        self.reuse_detection = True
        self.expires_in = 3600
        self.refresh_token_expires_in: int | None = None
        self.access_token_length = 40
        self.queued_token_errors: list[tuple[int, dict[str, Any]]] = []
        self.queued_device_replies: list[str] = []
        self.device_interval = 5
        self.stall_refresh = False
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.counts = Counts()
        self.token_requests: list[dict[str, str]] = []
        self.tenants: list[str] = []
        self._state = _State()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = self.url
        self._thread: threading.Thread | None = None

    # -- lifetime -------------------------------------------------------------------------------

    def __enter__(self) -> OAuthTestServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(10)

    # -- what tests do --------------------------------------------------------------------------

    def approve(self, user_code: str | None = None) -> None:
        self._device(user_code).state = "approved"

    def deny(self, user_code: str | None = None) -> None:
        self._device(user_code).state = "denied"

    def expire(self, user_code: str | None = None) -> None:
        self._device(user_code).state = "expired"

    def _device(self, user_code: str | None) -> _Device:
        with self._lock:
            devices = list(self._state.devices.values())
        for device in reversed(devices):
            if user_code is None or device.user_code == user_code:
                return device
        raise KeyError(user_code)

    def revoke_all(self) -> None:
        """As if the user removed the app from their account: every token stops working."""
        with self._lock:
            families = {grant.family for grant in self._state.refresh.values()}
            families |= {grant.family for grant, _ in self._state.access.values()}
            self._state.revoked_families |= families

    def issue(self, *, expires_in: int | None = None) -> dict[str, Any]:
        """Tokens as a sign-in would give them, without the browser."""
        grant = _Grant(self.user, SCOPE, secrets.token_hex(8))
        with self._lock:
            return self._tokens(grant, expires_in=expires_in)

    def access_is_active(self, token: str) -> bool:
        with self._lock:
            return self._active(token) is not None

    def refresh_is_valid(self, token: str) -> bool:
        with self._lock:
            grant = self._state.refresh.get(token)
            return grant is not None and grant.family not in self._state.revoked_families

    # -- token bookkeeping (under the lock) ------------------------------------------------------

    def _tokens(self, grant: _Grant, *, expires_in: int | None = None) -> dict[str, Any]:
        lifetime = self.expires_in if expires_in is None else expires_in
        access = "at-" + secrets.token_urlsafe(self.access_token_length)[: self.access_token_length]
        self._state.access[access] = (grant, self.clock() + lifetime)
        refresh = "rt-" + secrets.token_urlsafe(24)
        self._state.refresh[refresh] = grant
        reply: dict[str, Any] = {
            "access_token": access, "token_type": "Bearer", "expires_in": lifetime,
            "refresh_token": refresh, "scope": grant.scope,
        }  # fmt: skip
        if self.refresh_token_expires_in is not None:
            reply["refresh_token_expires_in"] = self.refresh_token_expires_in
        return reply

    def _active(self, token: str) -> _Grant | None:
        found = self._state.access.get(token)
        if found is None:
            return None
        grant, expires_at = found
        if grant.family in self._state.revoked_families or self.clock() >= expires_at:
            return None
        return grant

    # -- the grants -----------------------------------------------------------------------------

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        grant_type = form.get("grant_type", "")
        if grant_type == "refresh_token":
            self.counts.refresh += 1
        if self.queued_token_errors:
            return self.queued_token_errors.pop(0)
        client = form.get("client_id", "")
        if client not in self.clients:
            return 401, {"error": "invalid_client", "error_description": "unknown client"}
        if self.clients[client] is not None and form.get("client_secret") != self.clients[client]:
            return 401, {"error": "invalid_client", "error_description": "bad client secret"}
        with self._lock:
            if grant_type == "authorization_code":
                return self._code_grant(form)
            if grant_type == "refresh_token":
                return self._refresh_grant(form)
            if grant_type == "urn:ietf:params:oauth:grant-type:device_code":
                return self._device_grant(form)
        return 400, {"error": "unsupported_grant_type"}

    def _code_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.counts.code += 1
        found = self._state.codes.pop(form.get("code", ""), None)
        if found is None:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        grant, client, redirect_uri, challenge = found
        if form.get("client_id") != client or form.get("redirect_uri") != redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "client or redirect"}
        if _s256(form.get("code_verifier", "")) != challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        return 200, self._tokens(grant)

    def _refresh_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        token = form.get("refresh_token", "")
        grant = self._state.refresh.get(token)
        family = grant.family if grant else self._state.rotated_out.get(token)
        if family is not None and token in self._state.rotated_out and self.reuse_detection:
            self._state.revoked_families.add(family)  # reuse of a rotated-out token
        if grant is None or family in self._state.revoked_families:
            self.counts.rejected_refresh += 1
            return 400, {"error": "invalid_grant",
                         "error_description": "Token has been expired or revoked."}  # fmt: skip
        reply = self._tokens(grant)
        if not self.rotate:
            del self._state.refresh[reply.pop("refresh_token")]
        elif not self.old_refresh_stays_valid:
            del self._state.refresh[token]
            self._state.rotated_out[token] = grant.family
        return 200, reply

    def _device_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.counts.device_poll += 1
        if self.queued_device_replies:
            return 400, {"error": self.queued_device_replies.pop(0)}
        device = self._state.devices.get(form.get("device_code", ""))
        if device is None:
            return 400, {"error": "invalid_grant"}
        if device.state == "expired" or self.clock() >= device.expires_at:
            return 400, {"error": "expired_token"}
        if device.state == "denied":
            return 400, {"error": "access_denied"}
        if device.state == "pending":
            return 400, {"error": "authorization_pending"}
        del self._state.devices[form["device_code"]]
        return 200, self._tokens(_Grant(self.user, device.scope, secrets.token_hex(8)))

    def _device_start(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") not in self.clients:
            return 400, {"error": "invalid_client"}
        device_code = secrets.token_urlsafe(16)
        user_code = "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
        with self._lock:
            self._state.devices[device_code] = _Device(
                user_code, form.get("scope", SCOPE), expires_at=self.clock() + 900
            )
        return 200, {
            "device_code": device_code, "user_code": user_code,
            "verification_uri": f"{self.url}/device", "expires_in": 900,
            "interval": self.device_interval,
        }  # fmt: skip

    def _authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """(status, Location, consent page or error text)."""
        self.counts.authorize += 1
        problem = self._authorize_problem(query)
        if problem:
            return 400, problem
        if self.consent_page:
            self.counts.consent_page += 1
            request = secrets.token_urlsafe(16)
            with self._lock:
                self._state.consents[request] = query
            name = self.client_names.get(query["client_id"], query["client_id"])
            return 200, consent_page(name, query.get("scope", SCOPE).split(), request)
        return 302, self._authorize_reply(query, accepted=self.authorize_mode != "deny")

    def _decide(self, form: dict[str, str]) -> tuple[int, str]:
        """The consent page's form: (302, Location) back to the client, or (400, error text)."""
        self.counts.decisions += 1
        with self._lock:
            query = self._state.consents.pop(form.get("request", ""), None)
        if query is None or form.get("decision") not in {"accept", "decline"}:
            return 400, "unknown or already answered consent request"
        accepted = form["decision"] == "accept" and self.authorize_mode != "deny"
        return 302, self._authorize_reply(query, accepted=accepted)

    def _authorize_problem(self, query: dict[str, str]) -> str:
        """Why the authorization request is refused ("" if it is not)."""
        redirect = query.get("redirect_uri", "")
        parts = urlsplit(redirect)
        if query.get("client_id") not in self.clients:
            return "unknown client_id"
        if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
            return "redirect_uri is not a loopback address"
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return "response_type=code and PKCE S256 are required"
        if len(query.get("code_challenge", "")) != 43 or not query.get("state"):
            return "code_challenge and state are required"
        return ""

    def _authorize_reply(self, query: dict[str, str], *, accepted: bool) -> str:
        """The redirect back to the client: a code, or ``access_denied``."""
        redirect = query["redirect_uri"]
        state, params = query["state"], {}
        if not accepted:
            params = {"error": "access_denied", "error_description": "The user said no."}
        else:
            code = secrets.token_urlsafe(16)
            grant = _Grant(self.user, query.get("scope", SCOPE), secrets.token_hex(8))
            with self._lock:
                self._state.codes[code] = (grant, query["client_id"], redirect,
                                           query["code_challenge"])  # fmt: skip
            params = {"code": code}
        params["state"] = "forged" if self.authorize_mode == "wrong-state" else state
        if self.send_iss:
            params["iss"] = (
                "http://evil.test" if self.authorize_mode == "wrong-iss" else self.issuer
            )
        return f"{redirect}?{urlencode(params)}"

    def _revoke(self, form: dict[str, str]) -> None:
        self.counts.revoke += 1
        token = form.get("token", "")
        with self._lock:
            grant = self._state.refresh.get(token) or self._state.access.get(token, (None, 0))[0]
            if grant is not None:
                self._state.revoked_families.add(grant.family)

    def _introspect(self, token: str) -> dict[str, Any]:
        self.counts.introspect += 1
        with self._lock:
            grant = self._active(token)
            if grant is None:
                return {"active": False}
            expires_at = self._state.access[token][1]
        return {"active": True, "username": grant.user, "scope": grant.scope,
                "exp": int(expires_at), "client_id": CLIENT_ID}  # fmt: skip

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "device_authorization_endpoint": f"{self.url}/devicecode",
            "revocation_endpoint": f"{self.url}/revoke",
            "introspection_endpoint": f"{self.url}/introspect",
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": self.send_iss,
            "grant_types_supported": ["authorization_code", "refresh_token",
                                      "urn:ietf:params:oauth:grant-type:device_code"],
        }  # fmt: skip

    # -- HTTP -----------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _route(self) -> tuple[str, dict[str, str]]:
                parts = urlsplit(self.path)
                path = parts.path
                pieces = path.strip("/").split("/")
                if len(pieces) == 4 and pieces[1:3] == ["oauth2", "v2.0"]:  # Microsoft's shape
                    server.tenants.append(pieces[0])
                    path = "/" + pieces[3]
                return path, dict(parse_qsl(parts.query, keep_blank_values=True))

            def do_GET(self) -> None:
                path, query = self._route()
                if path == "/.well-known/openid-configuration":
                    self._json(200, server.discovery())
                elif path == "/authorize":
                    self._authorization(*server._authorize(query))
                elif path == "/introspect":
                    auth = self.headers.get("Authorization", "")
                    token = auth[7:] if auth.lower().startswith("bearer ") else query.get("token")
                    self._json(200, server._introspect(token or ""))
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                path, _query = self._route()
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                if path == "/token":
                    status, body = server._token(form)
                    stall = (server.stall_refresh and status == 200
                             and form.get("grant_type") == "refresh_token")  # fmt: skip
                    if stall:
                        server.stall_refresh = False
                        self._stalled(body)
                    else:
                        self._json(status, body)
                elif path == "/authorize":  # the consent page's Accept or Decline
                    self._authorization(*server._decide(form))
                elif path == "/devicecode":
                    self._json(*server._device_start(form))
                elif path == "/revoke":
                    server._revoke(form)
                    self._json(200, {})
                elif path == "/introspect":
                    self._json(200, server._introspect(form.get("token", "")))
                else:
                    self._json(404, {"error": "not_found"})

            def _authorization(self, status: int, text: str) -> None:
                """A redirect (302, Location), the consent page (200) or an error (400)."""
                if status == 400:
                    self._json(status, {"error": "invalid_request", "error_description": text})
                    return
                data = text.encode() if status == 200 else b""
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", text)
                else:
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def _stalled(self, body: dict[str, Any]) -> None:
                """The whole reply, but no length and no end until the test releases it."""
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())
                self.wfile.flush()
                server.stalled.set()
                server.release.wait(60)

        return Handler


def consent_page(client_name: str, scopes: list[str], request: str) -> str:
    """The consent screen: who asks, for what, and the two answers (a form POST)."""
    items = "".join(f'<li class="scope">{html.escape(scope)}</li>' for scope in scopes)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in: consent</title></head>
<body>
<h1>Allow access?</h1>
<p><strong id="client">{html.escape(client_name)}</strong> asks to use your account for:</p>
<ul id="scopes">{items}</ul>
<form method="post" action="/authorize">
<input type="hidden" name="request" value="{html.escape(request)}">
<button type="submit" id="accept" name="decision" value="accept">Accept</button>
<button type="submit" id="decline" name="decision" value="decline">Decline</button>
</form>
</body></html>
"""


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
