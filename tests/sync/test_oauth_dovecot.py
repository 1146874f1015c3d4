"""OAuth2 logins against the real Dovecot, whose ``oauth2`` passdb asks a local introspection
endpoint about every token (tests/support/oauth_introspection.py).

XOAUTH2 and OAUTHBEARER, each with a short token (sent on the AUTH line) and a token of 2 KB
and more (sent after the ``+``, RFC 5034); then tokens the endpoint calls inactive, expired
or revoked: popgui must answer Dovecot's error report (or Dovecot never sends its ``-ERR``)
and say plainly that the token was refused, without showing it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from popgui.accounts.choices import AuthMethod
from popgui.accounts.settings import Account
from popgui.errors import CredentialsError
from popgui.net.session import ConnectOptions, open_pop3
from popgui.profile import Profile
from popgui.sync.engine import sync_account
from tests.cli.helpers import password_command, run_popgui
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, private_dovecot
from tests.support.dovecot_log import log_size, wait_for_log_lines
from tests.support.oauth_introspection import IntrospectionServer

pytestmark = pytest.mark.dovecot

#: Generous: a login that waits for a -ERR Dovecot will never send fails on this instead.
TIMEOUT = 20.0

#: A 2 KB+ token cannot go on a 255-octet AUTH line.
LONG = 2600


@pytest.fixture(scope="module")
def introspection() -> Iterator[IntrospectionServer]:
    with IntrospectionServer() as server:
        yield server


@pytest.fixture(scope="module")
def dovecot_oauth(test_pki: TestPKI, introspection: IntrospectionServer) -> Iterator[DovecotServer]:
    """A Dovecot of its own (the shared ``dovecot`` fixture keeps its configuration)."""
    with private_dovecot(test_pki, oauth2_introspection_url=introspection.url) as server:
        yield server


@dataclass(frozen=True)
class OAuthUser:
    name: str
    account: Account


@pytest.fixture
def oauth_user(dovecot_oauth: DovecotServer, test_pki: TestPKI) -> OAuthUser:
    name = f"u{secrets.token_hex(6)}"
    dovecot_oauth.add_user(name, secrets.token_urlsafe(12))  # a password no test uses
    account = Account(
        name="oauth", host="localhost", port=dovecot_oauth.tls_port, security="tls",
        ca_file=str(test_pki.ca_cert), user=name, auth="oauth2", policy="keep",
    )  # fmt: skip
    return OAuthUser(name, account)


def token(size: int) -> str:
    """A token of about ``size`` characters, of the characters OAuth2 tokens use."""
    return ("at." + secrets.token_urlsafe(size))[:size]


def login(account: Account, access_token: str, auth: AuthMethod) -> tuple[str, list[str]]:
    """Log in and out as a sync does; the mechanism used and the protocol trace."""
    trace: list[str] = []
    options = ConnectOptions(timeout=TIMEOUT, trace=trace.append)
    client = open_pop3(_with_auth(account, auth), access_token, options)
    try:
        assert client.mechanism is not None
        return client.mechanism, trace
    finally:
        client.quit()
        client.close()


def _with_auth(account: Account, auth: AuthMethod) -> Account:
    return replace(account, auth=auth)


# "oauth2" picks OAUTHBEARER, which this Dovecot offers next to XOAUTH2.
MECHANISMS: list[tuple[AuthMethod, str]] = [("xoauth2", "XOAUTH2"), ("oauth2", "OAUTHBEARER")]
FORMS = [(40, "one line"), (LONG, "two steps"), (5000, "two steps")]


@pytest.mark.parametrize(("auth", "mechanism"), MECHANISMS)
@pytest.mark.parametrize(("size", "form"), FORMS)
def test_a_valid_token_logs_in(
    dovecot_oauth: DovecotServer,
    introspection: IntrospectionServer,
    oauth_user: OAuthUser,
    auth: AuthMethod,
    mechanism: str,
    size: int,
    form: str,
) -> None:
    access_token = token(size)
    introspection.register(access_token, oauth_user.name)
    since = log_size(dovecot_oauth)
    used, trace = login(oauth_user.account, access_token, auth)
    assert used == mechanism
    auth_line = next(line for line in trace if line.startswith("C: AUTH"))
    assert auth_line == (
        f"C: AUTH {mechanism} ********" if form == "one line" else f"C: AUTH {mechanism}"
    )
    assert access_token not in "\n".join(trace)
    wait_for_log_lines(
        dovecot_oauth,
        lambda line: f"Login: user=<{oauth_user.name}>, method={mechanism}," in line,
        since=since,
    )


def test_a_sync_with_a_long_token(
    dovecot_oauth: DovecotServer,
    introspection: IntrospectionServer,
    oauth_user: OAuthUser,
    tmp_path: Path,
) -> None:
    access_token = token(4200)  # the size of Microsoft's larger tokens
    introspection.register(access_token, oauth_user.name)
    content = b"From: a@example.org\nSubject: over OAuth2\n\nhello\n"
    dovecot_oauth.deliver(oauth_user.name, content)
    profile = Profile(tmp_path / "profile")
    result = sync_account(oauth_user.account, access_token, profile)
    assert result.error is None, result.error
    new = oauth_user.account.maildir_path(profile) / "new"
    assert [path.read_bytes() for path in new.iterdir()] == [content]


@pytest.mark.parametrize(("auth", "mechanism"), MECHANISMS)
@pytest.mark.parametrize("size", [40, LONG])
@pytest.mark.parametrize("fate", ["expired", "revoked", "unknown"])
def test_a_dead_token_is_refused_plainly(
    dovecot_oauth: DovecotServer,
    introspection: IntrospectionServer,
    oauth_user: OAuthUser,
    auth: AuthMethod,
    mechanism: str,
    size: int,
    fate: str,
) -> None:
    """Dovecot sends its error report as a challenge; only once popgui answers it does the
    -ERR come. A client that waited for the -ERR would fail on the read timeout instead."""
    access_token = token(size)
    if fate != "unknown":
        introspection.register(access_token, oauth_user.name)
        login(oauth_user.account, access_token, auth)  # it worked while it lived
        (introspection.expire if fate == "expired" else introspection.revoke)(access_token)
    since = log_size(dovecot_oauth)
    trace: list[str] = []
    options = ConnectOptions(timeout=TIMEOUT, trace=trace.append)
    with pytest.raises(CredentialsError) as refused:
        open_pop3(_with_auth(oauth_user.account, auth), access_token, options)
    message = str(refused.value)
    assert message.startswith("the server refused the OAuth2 access token")
    assert "expired or been revoked" in message
    assert access_token not in message and access_token not in "\n".join(trace)
    assert trace[-3:] == ["S: + ********", "C: ********", "S: -ERR [AUTH] Authentication failed."]
    wait_for_log_lines(
        dovecot_oauth,
        lambda line: (
            "auth failed" in line
            and f"method={mechanism}," in line
            and f"user=<{oauth_user.name}>" in line
        ),
        since=since,
    )
    wait_for_log_lines(
        dovecot_oauth,
        lambda line: f"oauth2({oauth_user.name}," in line and "Provided token is not valid" in line,
        since=since,
    )


def test_popgui_debug_never_shows_the_token(
    dovecot_oauth: DovecotServer,
    introspection: IntrospectionServer,
    oauth_user: OAuthUser,
    test_pki: TestPKI,
    tmp_path: Path,
) -> None:
    """``popgui --debug sync`` prints the dialogue with the token masked, in success and in
    failure, for an access token a password command prints (``--auth xoauth2``);
    tests/cli/test_cli_oauth.py does the same for a signed-in ``oauth2`` account."""
    good, dead = token(3000), token(60)
    introspection.register(good, oauth_user.name)
    profile = tmp_path / "profile"
    for name, access_token in (("good", good), ("dead", dead)):
        added = run_popgui(
            profile, "account", "add", name, "--host", "localhost",
            "--port", str(dovecot_oauth.tls_port), "--ca-file", str(test_pki.ca_cert),
            "--user", oauth_user.name, "--auth", "xoauth2",
            "--password-command", password_command(access_token),
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    synced = run_popgui(profile, "--debug", "sync", "good")
    refused = run_popgui(profile, "--debug", "sync", "dead")
    assert synced.returncode == 0, synced.stderr
    assert refused.returncode == 1, refused.stderr
    assert "C: AUTH XOAUTH2\n" in synced.stderr  # two steps: 3000 characters
    assert "C: AUTH XOAUTH2 ********" in refused.stderr  # one line
    assert "refused the OAuth2 access token" in refused.stdout + refused.stderr
    for output in (synced.stdout, synced.stderr, refused.stdout, refused.stderr):
        assert good not in output and dead not in output
        assert "Traceback" not in output
        assert max(map(len, output.splitlines()), default=0) < 300  # nor its base64
