"""The device sign-in (RFC 8628) against the local authorization server.

The polling waits are recorded instead of slept (``wait``), and the test plays the person on
the other device between polls.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from popgui.oauth.errors import OAuthConfigError, OAuthError, SignInCancelledError
from popgui.oauth.flows import DeviceCode, sign_in_with_device
from popgui.oauth.providers import OAuthConfig
from tests.support.oauth_server import OAuthTestServer


def person(server: OAuthTestServer, *, after: int, action: str) -> Callable[[float], bool]:
    """A ``wait`` that records each wait and does ``action`` on the device after ``after``."""
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        assert len(waits) <= after + 10, "still polling long after the answer"
        if len(waits) == after:
            getattr(server, action)()
        return False

    wait.waits = waits  # type: ignore[attr-defined]
    return wait


def test_pending_then_approved(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    shown: list[DeviceCode] = []
    wait = person(oauth_server, after=3, action="approve")
    record = sign_in_with_device(config, show=shown.append, wait=wait)
    assert oauth_server.access_is_active(record.access_token) and record.refresh_token
    [code] = shown
    assert code.verification_uri == f"{oauth_server.url}/device" and len(code.user_code) == 8
    assert code.device_code not in repr(code)
    assert wait.waits == [5, 5, 5]  # type: ignore[attr-defined]
    assert oauth_server.counts.device_poll == 3  # two "pending", then the tokens


def test_slow_down_adds_five_seconds(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    oauth_server.queued_device_replies = ["slow_down", "authorization_pending", "slow_down"]
    wait = person(oauth_server, after=1, action="approve")
    sign_in_with_device(config, show=lambda code: None, wait=wait)
    assert wait.waits == [5, 10, 10, 15]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("action", "error", "words"),
    [
        ("deny", OAuthError, "refused on the other device"),
        ("expire", SignInCancelledError, "code expired"),
    ],
)
def test_denied_or_expired_ends_the_wait(
    oauth_server: OAuthTestServer, config: OAuthConfig, action: str,
    error: type[Exception], words: str,
) -> None:  # fmt: skip
    wait = person(oauth_server, after=2, action=action)
    with pytest.raises(error, match=words):
        sign_in_with_device(config, show=lambda code: None, wait=wait)
    assert oauth_server.counts.device_poll == 2  # no polling after the answer


def test_cancel(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    with pytest.raises(SignInCancelledError, match="cancelled"):
        sign_in_with_device(config, show=lambda code: None, wait=lambda seconds: True)
    assert oauth_server.counts.device_poll == 0


def test_the_code_runs_out_on_the_clock(oauth_server: OAuthTestServer, config: OAuthConfig) -> None:
    now = [0.0]

    def wait(seconds: float) -> bool:
        now[0] += seconds
        return False

    with pytest.raises(SignInCancelledError, match="code expired"):
        sign_in_with_device(config, show=lambda code: None, wait=wait, clock=lambda: now[0])
    assert oauth_server.counts.device_poll == 900 // 5 - 1


def test_google_has_no_device_flow_for_gmail() -> None:
    config = OAuthConfig(provider="google", client_id="x")
    with pytest.raises(OAuthConfigError, match="Google does not allow the Gmail scope"):
        sign_in_with_device(config, show=lambda code: None)
