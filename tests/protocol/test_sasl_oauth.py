"""The OAuth2 mechanisms' bytes (XOAUTH2, RFC 7628 OAUTHBEARER), their error reports, the
``oauth2`` choice, and RFC 5034's 255-octet rule for the AUTH line."""

from __future__ import annotations

import base64
import json

import pytest

from popgui.errors import CredentialsError, LocalProtocolError, RemoteProtocolError
from popgui.protocol.pop3 import MAX_COMMAND_LINE, auth_initial_argument, auth_line_fits
from popgui.protocol.sasl import (
    OAuthBearer,
    XOAuth2,
    choose_oauth,
    create,
    oauth_error_summary,
)

TOKEN = "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg=="

# RFC 7628 section 4.1, the initial client response of its IMAP example.
RFC7628_INITIAL = (
    "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVy"
    "IHZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2c9PQEB"
)


# -- the client messages ------------------------------------------------------------------------


def test_oauthbearer_matches_rfc_7628() -> None:
    mech = OAuthBearer("user@example.com", TOKEN, server=("server.example.com", 143))
    assert mech.initial_response() == base64.b64decode(RFC7628_INITIAL)


def test_oauthbearer_always_names_the_user_and_escapes_it() -> None:
    """Dovecot refuses OAUTHBEARER without ``a=``; RFC 5801 escapes "," and "=" in it."""
    assert OAuthBearer("alice", "t").initial_response() == b"n,a=alice,\x01auth=Bearer t\x01\x01"
    odd = OAuthBearer("a,b=c", "t", server=("h", 0)).initial_response()
    assert odd == b"n,a=a=2Cb=3Dc,\x01host=h\x01auth=Bearer t\x01\x01"
    other = OAuthBearer("alice", "t", authzid="shared").initial_response()
    assert other is not None and other.startswith(b"n,a=shared,\x01")


def test_xoauth2_message() -> None:
    expected = f"user=someuser@example.com\x01auth=Bearer {TOKEN}\x01\x01".encode()
    assert XOAuth2("someuser@example.com", TOKEN).initial_response() == expected


@pytest.mark.parametrize("name", ["XOAUTH2", "OAUTHBEARER"])
def test_two_steps_send_the_same_message_after_an_empty_challenge(name: str) -> None:
    one_line = create(name, "alice", TOKEN, server=("pop.example.com", 995))
    two_steps = create(name, "alice", TOKEN, server=("pop.example.com", 995))
    message = one_line.initial_response()
    assert message is not None
    assert two_steps.respond(b"") == message
    two_steps.verify_final(None)


def test_create_passes_the_server_to_oauthbearer_only() -> None:
    mech = create("oauthbearer", "alice", "t", server=("pop.example.com", 995))
    assert mech.initial_response() == (
        b"n,a=alice,\x01host=pop.example.com\x01port=995\x01auth=Bearer t\x01\x01"
    )
    assert create("XOAUTH2", "alice", "t", server=("pop.example.com", 995)).initial_response() == (
        b"user=alice\x01auth=Bearer t\x01\x01"
    )


@pytest.mark.parametrize("cls", [XOAuth2, OAuthBearer])
@pytest.mark.parametrize(("user", "token"), [("u\x01", TOKEN), ("u", "t\x01k"), ("u", "t\r\nk")])
def test_separators_are_refused_without_showing_the_token(
    cls: type[XOAuth2 | OAuthBearer], user: str, token: str
) -> None:
    with pytest.raises(LocalProtocolError) as refused:
        cls(user, token)
    assert token not in str(refused.value)


@pytest.mark.parametrize("cls", [XOAuth2, OAuthBearer])
def test_an_empty_token_is_refused(cls: type[XOAuth2 | OAuthBearer]) -> None:
    with pytest.raises(LocalProtocolError, match="needs an access token"):
        cls("u", "")


# -- refusals -----------------------------------------------------------------------------------

GOOGLE_REPORT = b'{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}'
RFC7628_REPORT = b'{"status":"invalid_token","scope":"example_scope"}'


@pytest.mark.parametrize(
    ("cls", "report", "answer", "status", "scope"),
    [
        (XOAuth2, GOOGLE_REPORT, b"", "401", "https://mail.google.com/"),
        (OAuthBearer, RFC7628_REPORT, b"\x01", "invalid_token", "example_scope"),
    ],
)
def test_the_error_report_is_answered_then_raised_without_the_token(
    cls: type[XOAuth2 | OAuthBearer], report: bytes, answer: bytes, status: str, scope: str
) -> None:
    mech = cls("alice", TOKEN)
    mech.initial_response()
    assert mech.respond(report) == answer  # the server sends -ERR only after this
    assert mech.failure is not None
    failure = str(mech.failure)
    assert status in failure and scope in failure
    assert TOKEN not in failure
    with pytest.raises(CredentialsError, match=status):
        mech.verify_final(None)
    with pytest.raises(RemoteProtocolError):
        mech.respond(report)  # one report per exchange


@pytest.mark.parametrize("cls", [XOAuth2, OAuthBearer])
@pytest.mark.parametrize("report", [b"not json", b"[1, 2]", b"\xff", b""])
def test_a_malformed_report_is_a_protocol_error(
    cls: type[XOAuth2 | OAuthBearer], report: bytes
) -> None:
    mech = cls("alice", TOKEN)
    mech.initial_response()
    with pytest.raises(RemoteProtocolError):
        mech.respond(report)


def test_the_summary_shows_only_tame_status_and_scope() -> None:
    hostile = json.dumps({"status": "4\x1b[31m01", "scope": "s" * 500, "token": TOKEN}).encode()
    summary = str(oauth_error_summary("XOAUTH2", hostile))
    assert "\x1b" not in summary and "s" * 81 not in summary and TOKEN not in summary
    assert "status 4[31m01" in summary
    assert "status unknown" in str(oauth_error_summary("XOAUTH2", b'{"scope": ["a", "b"]}'))
    assert "scope" not in str(oauth_error_summary("XOAUTH2", b'{"status": "401"}'))


# -- the oauth2 choice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (["PLAIN", "XOAUTH2", "OAUTHBEARER"], "OAUTHBEARER"),
        (["xoauth2", " oauthbearer "], "OAUTHBEARER"),
        (["PLAIN", "XOAUTH2"], "XOAUTH2"),
        (["PLAIN", "SCRAM-SHA-256"], None),
        ([], None),
    ],
)
def test_choose_oauth(offered: list[str], chosen: str | None) -> None:
    assert choose_oauth(offered) == chosen


# -- RFC 5034: the AUTH line ---------------------------------------------------------------------


def test_the_auth_line_limit_counts_crlf() -> None:
    # "AUTH XOAUTH2 " (13) + base64 + CRLF (2): 240 base64 characters, 180 octets, fit.
    assert auth_line_fits("XOAUTH2", b"x" * 180)
    assert len(f"AUTH XOAUTH2 {auth_initial_argument(b'x' * 180)}\r\n") == MAX_COMMAND_LINE
    assert not auth_line_fits("XOAUTH2", b"x" * 181)
    assert not auth_line_fits("OAUTHBEARER", b"x" * 178)  # four octets longer a name
    assert auth_line_fits("OAUTHBEARER", b"x" * 177)


def test_an_empty_initial_response_is_an_equals_sign() -> None:
    assert auth_initial_argument(b"") == "="
    assert auth_initial_argument(b"\x01") == "AQ=="
