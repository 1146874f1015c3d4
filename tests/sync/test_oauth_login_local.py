"""OAuth2 logins against the local POP3 server: which mechanism ``oauth2`` picks, and a server
that refuses the one-line XOAUTH2 form the way Microsoft's does.

The real Dovecot checks the same logins in test_oauth_dovecot.py; here the local server's
session log shows exactly which form the client sent.
"""

from __future__ import annotations

import pytest

from popgui.errors import ConfigError, CredentialsError
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.session import ConnectOptions, open_pop3
from popgui.profile import Profile
from popgui.sync.engine import sync_account

from .conftest import USER, as_stored, maildir_contents, make_account

SHORT_TOKEN = "ya29.short-token"
#: Microsoft's tokens passed 4 KB in 2025: far over the 255-octet AUTH line.
LONG_TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6." + "x" * 4500


def _server(
    mailbox: ServerMailbox, token: str, sasl: tuple[str, ...], faults: Faults | None = None
) -> LocalPOP3Server:
    account = ServerAccount(USER, "not the token", mailbox)
    return LocalPOP3Server([account], sasl=sasl, xoauth2_tokens={USER: token}, faults=faults)


def _login(server: LocalPOP3Server, token: str, auth: str = "oauth2") -> tuple[str, list[str]]:
    """Log in as popgui does for a sync; returns the mechanism used and the protocol trace."""
    trace: list[str] = []
    client = open_pop3(make_account(server, auth=auth), token, ConnectOptions(trace=trace.append))
    try:
        assert client.mechanism is not None
        return client.mechanism, trace
    finally:
        client.quit()
        client.close()


def _auth_lines(server: LocalPOP3Server) -> list[str]:
    """What the last session received from AUTH on (the server masks secrets as ``****``)."""
    log = server.session_logs[-1]
    first = next(i for i, line in enumerate(log) if line.startswith("AUTH"))
    return [line for line in log[first:] if line not in ("CAPA", "QUIT")]


# -- mechanism choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "used"),
    [
        (("PLAIN", "XOAUTH2", "OAUTHBEARER"), "OAUTHBEARER"),
        (("OAUTHBEARER", "XOAUTH2"), "OAUTHBEARER"),
        (("PLAIN", "OAUTHBEARER"), "OAUTHBEARER"),
        (("PLAIN", "XOAUTH2"), "XOAUTH2"),
    ],
)
def test_oauth2_prefers_oauthbearer(
    mailbox: ServerMailbox, offered: tuple[str, ...], used: str
) -> None:
    with _server(mailbox, SHORT_TOKEN, offered) as server:
        mechanism, _ = _login(server, SHORT_TOKEN)
    assert mechanism == used
    assert _auth_lines(server)[0] == f"AUTH {used} ****"  # one line: it fits


def test_oauth2_without_an_oauth_mechanism_says_so(mailbox: ServerMailbox) -> None:
    with (
        LocalPOP3Server([ServerAccount(USER, "pw", mailbox)], sasl=("PLAIN",)) as server,
        pytest.raises(ConfigError, match="no OAuth2 login"),
    ):
        _login(server, SHORT_TOKEN)
    assert not any(line.startswith("AUTH") for line in server.log)


def test_explicit_xoauth2_stays_xoauth2(mailbox: ServerMailbox) -> None:
    with _server(mailbox, SHORT_TOKEN, ("OAUTHBEARER", "XOAUTH2")) as server:
        assert _login(server, SHORT_TOKEN, auth="xoauth2")[0] == "XOAUTH2"


# -- one line or two steps (RFC 5034) ----------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_a_long_token_goes_after_the_continuation(mailbox: ServerMailbox, mechanism: str) -> None:
    """The local server closes the connection on a command line over 255 octets."""
    with _server(mailbox, LONG_TOKEN, (mechanism,)) as server:
        assert _login(server, LONG_TOKEN)[0] == mechanism
    assert _auth_lines(server)[:2] == [f"AUTH {mechanism}", "****"]


def test_microsoft_style_refusal_of_the_one_line_form(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    """-ERR to ``AUTH XOAUTH2 <response>``: popgui asks again in two steps, in the same
    session, and the sync goes through."""
    faults = Faults(refuse_one_line_auth={"XOAUTH2"})
    with _server(mailbox, SHORT_TOKEN, ("XOAUTH2",), faults) as server:
        result = sync_account(make_account(server, auth="oauth2"), SHORT_TOKEN, profile)
    assert result.error is None, result.error
    assert len(server.session_logs) == 1
    assert _auth_lines(server)[:3] == ["AUTH XOAUTH2 ****", "AUTH XOAUTH2", "****"]
    stored = maildir_contents(make_account(server).maildir_path(profile))
    assert stored == as_stored(mailbox.contents())


def test_a_bad_token_in_two_steps_is_not_retried_again(mailbox: ServerMailbox) -> None:
    """The retry happens once: a token the two-step form also refuses is a credentials error."""
    faults = Faults(refuse_one_line_auth={"XOAUTH2"})
    with (
        _server(mailbox, SHORT_TOKEN, ("XOAUTH2",), faults) as server,
        pytest.raises(CredentialsError, match="401") as refused,
    ):
        _login(server, "ya29.revoked")
    assert "ya29.revoked" not in str(refused.value)
    assert [line for line in _auth_lines(server) if line.startswith("AUTH")] == [
        "AUTH XOAUTH2 ****",
        "AUTH XOAUTH2",
    ]


# -- refused tokens -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mechanism", "token", "answer"),
    [
        ("XOAUTH2", SHORT_TOKEN, ""),
        ("XOAUTH2", LONG_TOKEN, ""),
        ("OAUTHBEARER", SHORT_TOKEN, "****"),  # AQ== (0x01), masked by the server
        ("OAUTHBEARER", LONG_TOKEN, "****"),
    ],
)
def test_a_refused_token_answers_the_report_and_names_no_secret(
    mailbox: ServerMailbox, mechanism: str, token: str, answer: str
) -> None:
    wrong = token[:-3] + "bad"
    with (
        _server(mailbox, token, (mechanism,)) as server,
        pytest.raises(CredentialsError, match="refused the OAuth2 access token") as refused,
    ):
        _login(server, wrong)
    assert wrong not in str(refused.value) and "mail.example.com" in str(refused.value)
    assert _auth_lines(server)[-1] == answer  # the error report was answered as the RFC says


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
@pytest.mark.parametrize("token", [SHORT_TOKEN, LONG_TOKEN])
def test_the_trace_never_shows_the_token(
    mailbox: ServerMailbox, mechanism: str, token: str
) -> None:
    """The --debug trace shows the dialogue with the secret parts masked, in both forms."""
    with _server(mailbox, token, (mechanism,)) as server:
        _, trace = _login(server, token)
    text = "\n".join(trace)
    assert f"AUTH {mechanism}" in text and "********" in text
    assert token not in text and "Bearer" not in text
    assert max(len(line) for line in trace) < 200  # no base64 of the token either
