"""A token introspection endpoint for Dovecot's ``oauth2`` passdb, written for the tests.

Dovecot, configured with ``introspection_mode = auth``, asks ``GET /introspect`` with the
client's token in ``Authorization: Bearer <token>`` and reads the JSON answer (see
../shared/ref/oauth-and-kerberos-rigs.md). This server answers, always with HTTP 200:

- ``{"active": true, "username": USER, "scope": "mail"}`` for a token the test registered,
  still valid and not revoked (the scope is a space-separated string: Dovecot ignores arrays);
- ``{"active": false}`` for anything else: unknown, expired, revoked (RFC 7662 section 2.2).

It runs in a daemon thread on 127.0.0.1 and a free port, and remembers how many questions it
answered, so a test can prove that Dovecot really asked.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

PATH = "/introspect"


@dataclass
class _Grant:
    username: str
    scope: str
    expires_at: float | None  # time.time() after which the token is inactive; None: never
    revoked: bool = False

    def active(self) -> bool:
        expired = self.expires_at is not None and time.time() >= self.expires_at
        return not expired and not self.revoked


class IntrospectionServer:
    """``with IntrospectionServer() as server:``; ``server.url`` is what Dovecot must ask."""

    def __init__(self) -> None:
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self.questions = 0  #: requests answered (any token, any answer)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="introspection", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{PATH}"

    # -- tokens --------------------------------------------------------------------------------

    def register(
        self, token: str, username: str, *, scope: str = "mail", lifetime: float | None = 3600
    ) -> None:
        """Make ``token`` active for ``username`` for ``lifetime`` seconds (None: forever)."""
        expires = None if lifetime is None else time.time() + lifetime
        with self._lock:
            self._grants[token] = _Grant(username, scope, expires)

    def revoke(self, token: str) -> None:
        with self._lock:
            self._grants[token].revoked = True

    def expire(self, token: str) -> None:
        """Let the token's lifetime run out now (no waiting in the tests)."""
        with self._lock:
            self._grants[token].expires_at = time.time() - 1

    def answer(self, authorization: str | None) -> dict[str, object]:
        """The JSON answer for an ``Authorization`` header (tested without HTTP too)."""
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            self.questions += 1
            grant = self._grants.get(token) if scheme.lower() == "bearer" else None
            if grant is None or not grant.active():
                return {"active": False}
            return {"active": True, "username": grant.username, "scope": grant.scope}

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)

    def __enter__(self) -> IntrospectionServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] != PATH:
                    self._reply(404, {"error": "not found"})
                    return
                self._reply(200, server.answer(self.headers.get("Authorization")))

            def _reply(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: the tests read Dovecot's log instead

        return Handler
