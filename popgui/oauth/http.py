"""The few HTTP requests OAuth needs, over the standard library's urllib.

Only JSON comes back from these endpoints, and only a handful of requests are made per sign-in
or refresh, so a new HTTP stack would add nothing. Request bodies and replies carry secrets:
nothing here logs them, and no error text quotes them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

from popgui.catalog import Sentence
from popgui.catalog import oauth as says
from popgui.errors import NetworkError

USER_AGENT = "popgui"


def _opener() -> urllib.request.OpenerDirector:
    # No redirects: a token request that is redirected would carry its secrets elsewhere.
    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(_NoRedirect)


def _send(request: urllib.request.Request, what: Sentence, timeout: float) -> tuple[int, bytes]:
    host = urlsplit(request.full_url).hostname or request.full_url
    try:
        with _opener().open(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), error.read()
    except urllib.error.URLError as error:
        reason = getattr(error.reason, "strerror", None) or str(error.reason)
        raise NetworkError(says.UNREACHABLE(host=host, what=what, reason=reason)) from None
    except (OSError, ValueError) as error:  # timeouts, resets, a reply that is not HTTP
        kind = type(error).__name__
        raise NetworkError(says.REQUEST_FAILED(what=what, host=host, kind=kind)) from None


def _json(status: int, body: bytes, what: Sentence) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise NetworkError(says.NOT_JSON(what=what, status=status))
    return data


def post_form(
    url: str, fields: dict[str, str] | str, *, what: Sentence, timeout: float = 30.0
) -> tuple[int, dict[str, Any]]:
    """POST a form; the HTTP status and the JSON object that came back."""
    body = fields if isinstance(fields, str) else urlencode(fields)
    request = urllib.request.Request(
        url,
        data=body.encode("ascii"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        },
        method="POST",
    )
    status, reply = _send(request, what, timeout)
    return status, _json(status, reply, what)


def get_json(url: str, *, what: Sentence, timeout: float = 30.0) -> dict[str, Any]:
    """GET a JSON document (a discovery document); an error unless HTTP 200."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    status, reply = _send(request, what, timeout)
    if status != 200:
        raise NetworkError(says.HTTP_ERROR(what=what, url=url, status=status))
    return _json(status, reply, what)
