"""The proxy fixtures the proxy tests share, each started once per test module (so a module's
assertions on a proxy's log see only its own connections): the real dante, with and without a
login, and the real tinyproxy allowing CONNECT to the session's Dovecot.

A module takes them by name: ``dante_login = proxy_fixtures.dante_login``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.dovecot import DovecotServer
from tests.support.proxies import Proxy, private_dante, private_tinyproxy, started


@pytest.fixture(scope="module")
def dante(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with started(private_dante(tmp_path_factory.mktemp("dante"))) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def dante_login(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with started(private_dante(tmp_path_factory.mktemp("dante-login"), login=True)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def tinyproxy(tmp_path_factory: pytest.TempPathFactory, dovecot: DovecotServer) -> Iterator[Proxy]:
    ports = (dovecot.plain_port, dovecot.tls_port)
    with started(private_tinyproxy(tmp_path_factory.mktemp("tinyproxy"), ports)) as proxy:
        yield proxy
