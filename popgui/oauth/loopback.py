"""The loopback receiver: where the browser comes back to after signing in (RFC 8252, 7.3).

It listens on ``127.0.0.1`` on a port the system picks, waits for one request carrying the
authorization reply (``code`` or ``error``, with ``state``), answers the browser with a short
page saying it can go back to popgui, and hands the reply's parameters over. Other requests
(a favicon, a stray visit without parameters) get a 404 and change nothing. It serves one
connection at a time, each with a short timeout, so a client that connects and says nothing
cannot hold it for long.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

from popgui.catalog import oauth as says
from popgui.oauth.errors import SignInCancelledError

# The page the browser shows once it came back: English, as the browser has no part in the
# window's language; what happened is said in the window (or the command line), translated.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>popgui</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>{title}</h1><p>{text}</p></body></html>
"""
DONE_TITLE = "Signed in"
DONE_TEXT = "You can close this page and go back to popgui."
FAILED_TITLE = "Not signed in"


class LoopbackReceiver:
    """One-shot HTTP receiver on ``127.0.0.1:<random port>``; use as a context manager."""

    def __init__(self, *, state: str | None = None, connection_timeout: float = 10.0) -> None:
        """``state``: the sign-in's own; a reply carrying another is not called a success in
        the browser (popgui refuses it too, in BrowserSignIn)."""
        self._reply: dict[str, str] | None = None
        self._arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = connection_timeout

            def do_GET(self) -> None:
                params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
                if not ({"code", "error"} & params.keys()) or receiver._arrived.is_set():
                    self.send_error(404)
                    return
                got = params.get("state", "")
                failed = (
                    "error" in params
                    or not got
                    or (state is not None and not secrets.compare_digest(got, state))
                )
                title = FAILED_TITLE if failed else DONE_TITLE
                text = (
                    "The sign-in did not complete: go back to popgui to see why."
                    if failed
                    else DONE_TEXT
                )
                body = PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                receiver._reply = params
                receiver._arrived.set()

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the request line carries the authorization code."""

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.redirect_uri = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
            name="popgui-oauth-loopback", daemon=True,
        )  # fmt: skip
        self._thread.start()

    def wait(self, *, timeout: float, cancel: threading.Event | None = None) -> dict[str, str]:
        """The parameters of the authorization reply; SignInCancelledError on cancel/timeout."""
        deadline = time.monotonic() + timeout
        while not self._arrived.wait(0.1):
            if cancel is not None and cancel.is_set():
                raise SignInCancelledError(says.CANCELLED())
            if time.monotonic() >= deadline:
                raise SignInCancelledError(says.BROWSER_TIMEOUT(seconds=f"{timeout:g}"))
        assert self._reply is not None
        return dict(self._reply)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def __enter__(self) -> LoopbackReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
