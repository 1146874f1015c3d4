"""Fixtures of the OAuth tests: the local authorization server, an account, its config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from popgui.accounts.settings import Account
from popgui.oauth.providers import OAuthConfig
from tests.support.oauth_server import CLIENT_ID, OAuthTestServer


class Clock:
    """A settable clock, in seconds."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def oauth_server() -> Iterator[OAuthTestServer]:
    with OAuthTestServer() as server:
        yield server


@pytest.fixture
def config(oauth_server: OAuthTestServer) -> OAuthConfig:
    return OAuthConfig(provider="custom", client_id=CLIENT_ID, issuer=oauth_server.issuer,
                       scopes=("mail", "offline_access"))  # fmt: skip


@pytest.fixture
def account() -> Account:
    return Account(name="work", host="pop.example.test", user="alice")
