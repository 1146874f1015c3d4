"""SASL mechanisms: RFC test vectors, the registry, and hostile or broken servers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from popgui.errors import (
    ConfigError,
    CredentialsError,
    LocalProtocolError,
    RemoteProtocolError,
)
from popgui.protocol import sasl
from popgui.protocol.sasl import (
    MECHANISMS,
    CramMD5,
    Login,
    Plain,
    ScramSHA1,
    ScramSHA256,
    XOAuth2,
    choose,
    create,
    explain_unsupported,
    saslprep,
)

# RFC 5802 section 5: user "user", password "pencil".
SHA1_NONCE = "fyko+d2lbbFgONRv9qkxdawL"
SHA1_CLIENT_FIRST = b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"
SHA1_SERVER_FIRST = b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
SHA1_CLIENT_FINAL = (
    b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
)
SHA1_SERVER_FINAL = b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="

# RFC 7677 section 3: the same user and password.
SHA256_NONCE = "rOprNGfwEbeRWgbNEkqO"
SHA256_CLIENT_FIRST = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
SHA256_SERVER_FIRST = (
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
)
SHA256_CLIENT_FINAL = (
    b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
)
SHA256_SERVER_FINAL = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def sha1(password: str = "pencil", user: str = "user") -> ScramSHA1:
    return ScramSHA1(user, password, nonce=SHA1_NONCE)


def sha1_after_first(password: str = "pencil") -> ScramSHA1:
    mech = sha1(password)
    assert mech.initial_response() == SHA1_CLIENT_FIRST
    return mech


# -- RFC vectors --------------------------------------------------------------------------------


def test_cram_md5_rfc2195_example() -> None:
    mech = CramMD5("tim", "tanstaaftanstaaf")
    assert mech.initial_response() is None
    challenge = b"<1896.697170952@postoffice.reston.mci.net>"
    assert mech.respond(challenge) == b"tim b913a602c7eda7a495b4e6e7334d3890"
    mech.verify_final(None)


def test_scram_sha1_rfc5802_example_with_final_challenge() -> None:
    mech = sha1_after_first()
    assert mech.respond(SHA1_SERVER_FIRST) == SHA1_CLIENT_FINAL
    assert mech.respond(SHA1_SERVER_FINAL) == b""
    mech.verify_final(None)


def test_scram_sha256_rfc7677_example() -> None:
    mech = ScramSHA256("user", "pencil", nonce=SHA256_NONCE)
    assert mech.initial_response() == SHA256_CLIENT_FIRST
    assert mech.respond(SHA256_SERVER_FIRST) == SHA256_CLIENT_FINAL
    assert mech.respond(SHA256_SERVER_FINAL) == b""
    mech.verify_final(None)


def test_scram_server_final_as_additional_data_with_success() -> None:
    mech = ScramSHA256("user", "pencil", nonce=SHA256_NONCE)
    mech.initial_response()
    mech.respond(SHA256_SERVER_FIRST)
    mech.verify_final(SHA256_SERVER_FINAL)


def test_scram_without_initial_response_answers_the_empty_challenge() -> None:
    mech = sha1()
    assert mech.respond(b"") == SHA1_CLIENT_FIRST
    assert mech.respond(SHA1_SERVER_FIRST) == SHA1_CLIENT_FINAL
    assert mech.respond(SHA1_SERVER_FINAL) == b""
    mech.verify_final(None)


def test_saslprep_applies_to_the_password() -> None:
    """A soft hyphen is "mapped to nothing": the RFC 5802 proof must not change."""
    mech = sha1_after_first("pen\u00adcil")
    assert mech.respond(SHA1_SERVER_FIRST) == SHA1_CLIENT_FINAL


# -- SCRAM server proof and malformed messages ---------------------------------------------------


def test_scram_signature_mismatch() -> None:
    mech = sha1_after_first()
    mech.respond(SHA1_SERVER_FIRST)
    forged = b"v=" + base64.b64encode(b"\x00" * 20)
    with pytest.raises(RemoteProtocolError, match="server could not prove it knows the password"):
        mech.respond(forged)
    with pytest.raises(RemoteProtocolError):
        mech.verify_final(None)


def test_scram_signature_mismatch_in_additional_data() -> None:
    mech = sha1_after_first("not pencil")
    mech.respond(SHA1_SERVER_FIRST)
    with pytest.raises(RemoteProtocolError, match="server could not prove"):
        mech.verify_final(SHA1_SERVER_FINAL)


def test_scram_success_without_server_proof_is_refused() -> None:
    mech = sha1_after_first()
    mech.respond(SHA1_SERVER_FIRST)
    with pytest.raises(RemoteProtocolError, match="without proving"):
        mech.verify_final(None)


def test_scram_success_before_the_exchange_is_refused() -> None:
    mech = sha1_after_first()
    with pytest.raises(RemoteProtocolError):
        mech.verify_final(None)


def test_scram_server_error_is_a_credentials_error() -> None:
    mech = sha1_after_first()
    mech.respond(SHA1_SERVER_FIRST)
    with pytest.raises(CredentialsError, match="invalid-proof"):
        mech.respond(b"e=invalid-proof")


def test_scram_challenge_after_the_end() -> None:
    mech = sha1_after_first()
    mech.respond(SHA1_SERVER_FIRST)
    mech.respond(SHA1_SERVER_FINAL)
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"")


def server_first(
    nonce: str = SHA1_NONCE + "xyz", salt: str = "QSXCR+Q6sek8bf92", i: str = "4096"
) -> bytes:
    return f"r={nonce},s={salt},i={i}".encode()


@pytest.mark.parametrize(
    "challenge",
    [
        b"",
        b"garbage",
        b"\xff\xfe",
        server_first(nonce="someone-elses-nonce"),
        server_first(nonce=SHA1_NONCE),  # the server added nothing
        server_first(nonce=SHA1_NONCE + "a,b"),
        server_first(salt="not base64!"),
        server_first(salt=""),
        server_first(i="0"),
        server_first(i="-1"),
        server_first(i="4096x"),
        server_first(i="10000001"),
        server_first(i="99999999999999999999"),
        server_first(i="\u0664\u0660\u0669\u0666"),  # Arabic-Indic digits are not decimal here
        b"m=ext," + server_first(),
        b"s=QSXCR+Q6sek8bf92,r=" + SHA1_NONCE.encode() + b"x,i=4096",
        b"r=" + SHA1_NONCE.encode() + b"x,s=QSXCR+Q6sek8bf92",
        server_first() + b",",
        server_first() + b",=x",
    ],
)
def test_scram_malformed_server_first(challenge: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        sha1_after_first().respond(challenge)


def test_scram_server_first_extensions_are_ignored() -> None:
    assert sha1_after_first().respond(server_first() + b",x=future").startswith(b"c=biws,")


@pytest.mark.parametrize("final", [b"", b"x=1", b"v=not base64!", b"v", b"\xff"])
def test_scram_malformed_server_final(final: bytes) -> None:
    mech = sha1_after_first()
    mech.respond(SHA1_SERVER_FIRST)
    with pytest.raises(RemoteProtocolError):
        mech.respond(final)


def test_scram_low_iteration_count_is_accepted_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="popgui.protocol.sasl"):
        sha1_after_first().respond(server_first(i="1"))
    assert "only 1 iterations" in caplog.text


def test_scram_first_challenge_must_be_empty_without_initial_response() -> None:
    with pytest.raises(RemoteProtocolError):
        sha1().respond(b"r=abc")


def test_scram_nonce_is_random_and_printable() -> None:
    first_a = ScramSHA256("user", "pw").initial_response()
    first_b = ScramSHA256("user", "pw").initial_response()
    assert first_a != first_b
    assert first_a is not None and first_a.startswith(b"n,,n=user,r=")
    nonce = first_a.split(b",r=")[1]
    assert len(nonce) >= 24 and b"," not in nonce and nonce.isascii()


@pytest.mark.parametrize("nonce", ["", "a,b", "caf\u00e9", "a b"])
def test_scram_refuses_a_bad_injected_nonce(nonce: str) -> None:
    with pytest.raises(LocalProtocolError):
        ScramSHA1("user", "pw", nonce=nonce)


def test_scram_user_name_is_escaped() -> None:
    assert ScramSHA1("a=b,c", "pw", nonce="n").initial_response() == b"n,,n=a=3Db=2Cc,r=n"


def test_scram_authzid_is_bound_in_the_gs2_header() -> None:
    mech = ScramSHA1("user", "pencil", authzid="admin", nonce=SHA1_NONCE)
    assert mech.initial_response() == b"n,a=admin,n=user,r=" + SHA1_NONCE.encode()
    final = mech.respond(SHA1_SERVER_FIRST)
    assert final.startswith(b"c=" + base64.b64encode(b"n,a=admin,") + b",r=")


def test_scram_empty_user_is_refused() -> None:
    with pytest.raises(LocalProtocolError):
        ScramSHA1("", "pw")


def scram_server_accepts(
    digest: str, password: str, client_first: bytes, first: bytes, final: bytes
) -> bool:
    """The server's side of RFC 5802: recover ClientKey from the proof, compare StoredKey."""
    attrs = dict(part.split("=", 1) for part in first.decode().split(","))
    salted = hashlib.pbkdf2_hmac(
        digest, saslprep(password).encode(), base64.b64decode(attrs["s"]), int(attrs["i"])
    )
    stored = hashlib.new(digest, hmac.new(salted, b"Client Key", digest).digest()).digest()
    without_proof, proof_b64 = final.rsplit(b",p=", 1)
    bare = client_first.split(b",", 2)[2]
    auth_message = b",".join((bare, first, without_proof))
    signature = hmac.new(stored, auth_message, digest).digest()
    proof = base64.b64decode(proof_b64)
    client_key = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
    return hashlib.new(digest, client_key).digest() == stored


@settings(max_examples=40, deadline=None)
@given(
    password=st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=12),
    salt=st.binary(min_size=1, max_size=16),
    iterations=st.integers(1, 8),
    cls=st.sampled_from([ScramSHA1, ScramSHA256]),
)
def test_scram_proof_convinces_a_server(
    password: str, salt: bytes, iterations: int, cls: type[ScramSHA1] | type[ScramSHA256]
) -> None:
    try:
        mech = cls("someone", password)
    except LocalProtocolError:
        return  # characters SASLprep forbids (bidi mixes): refused up front
    client_first = mech.initial_response()
    assert client_first is not None
    nonce = client_first.split(b",r=")[1].decode() + "srv"
    first = f"r={nonce},s={base64.b64encode(salt).decode()},i={iterations}".encode()
    final = mech.respond(first)
    assert scram_server_accepts(cls.digest, password, client_first, first, final)


# -- SASLprep (RFC 4013 section 3 examples) ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "prepared"),
    [
        ("I\u00adX", "IX"),
        ("user", "user"),
        ("USER", "USER"),
        ("\u00aa", "a"),
        ("\u2168", "IX"),
        ("a\u00a0b", "a b"),  # non-ASCII space becomes SP
        ("\u0627\u0628", "\u0627\u0628"),  # right-to-left alone is fine
    ],
)
def test_saslprep_examples(raw: str, prepared: str) -> None:
    assert saslprep(raw) == prepared


@pytest.mark.parametrize("raw", ["\u0007", "\u0627\u0031", "a\ue000", "x\x00"])
def test_saslprep_prohibited(raw: str) -> None:
    with pytest.raises(LocalProtocolError) as info:
        saslprep(raw, "password")
    assert raw not in str(info.value)


def test_scram_refuses_a_password_saslprep_forbids() -> None:
    with pytest.raises(LocalProtocolError, match="password"):
        ScramSHA256("user", "bell\u0007")


# -- PLAIN, LOGIN, CRAM-MD5 ----------------------------------------------------------------------


def test_plain_initial_response() -> None:
    mech = Plain("tim", "tanstaaf")
    assert mech.initial_response() == b"\x00tim\x00tanstaaf"
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"")
    mech.verify_final(None)


def test_plain_two_step_and_authzid() -> None:
    mech = Plain("tim", "p\u00e4ss", authzid="admin")
    assert mech.respond(b"") == "admin\x00tim\x00p\u00e4ss".encode()


def test_plain_first_challenge_must_be_empty() -> None:
    with pytest.raises(RemoteProtocolError):
        Plain("tim", "pw").respond(b"hello")


@pytest.mark.parametrize(("user", "secret"), [("a\x00b", "pw"), ("tim", "p\x00w")])
def test_plain_refuses_nul(user: str, secret: str) -> None:
    with pytest.raises(LocalProtocolError) as info:
        Plain(user, secret)
    assert "p\x00w" not in str(info.value)


def test_success_with_unexpected_data_is_refused() -> None:
    mech = Plain("tim", "pw")
    mech.initial_response()
    with pytest.raises(RemoteProtocolError):
        mech.verify_final(b"surprise")


def test_login_prompts() -> None:
    mech = Login("tim", "secret")
    assert mech.initial_response() is None
    assert mech.respond(b"Username:") == b"tim"
    assert mech.respond(b"Password:") == b"secret"
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"Password:")


def test_login_answers_what_is_asked() -> None:
    mech = Login("tim", "secret")
    assert mech.respond(b"Password:") == b"secret"
    assert mech.respond(b"User Name\x00") == b"tim"


def test_login_unknown_prompts_by_position() -> None:
    mech = Login("tim", "secret")
    assert mech.respond(b"") == b"tim"
    assert mech.respond(b"???") == b"secret"
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"")


def test_login_never_sends_the_password_twice() -> None:
    mech = Login("tim", "secret")
    mech.respond(b"Password:")
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"Password:")


@pytest.mark.parametrize("cls", [Login, CramMD5, XOAuth2])
def test_authzid_refused_where_it_cannot_be_carried(cls: type[sasl.SaslMechanism]) -> None:
    with pytest.raises(LocalProtocolError):
        cls("tim", "secret", authzid="admin")


def test_cram_md5_bad_challenges() -> None:
    with pytest.raises(RemoteProtocolError):
        CramMD5("tim", "pw").respond(b"")
    mech = CramMD5("tim", "pw")
    mech.respond(b"<1.2@host>")
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"<1.2@host>")


# -- XOAUTH2 ------------------------------------------------------------------------------------

TOKEN = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"


def test_xoauth2_two_step_success() -> None:
    """Without initial_response(), the first (empty) challenge gets the message."""
    mech = XOAuth2("someuser@example.com", TOKEN)
    assert mech.respond(b"") == f"user=someuser@example.com\x01auth=Bearer {TOKEN}\x01\x01".encode()
    mech.verify_final(None)
    assert mech.failure is None


def test_xoauth2_error_report() -> None:
    mech = XOAuth2("someuser@example.com", TOKEN)
    mech.respond(b"")
    report = b'{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}'
    assert mech.respond(report) == b""
    failure = str(mech.failure)
    assert mech.failure is not None and "401" in failure and TOKEN not in failure
    with pytest.raises(CredentialsError, match="401"):
        mech.verify_final(None)
    with pytest.raises(RemoteProtocolError):
        mech.respond(b"")


@pytest.mark.parametrize("report", [b"not json", b"[1, 2]", b"\xff"])
def test_xoauth2_malformed_error_report(report: bytes) -> None:
    mech = XOAuth2("u", TOKEN)
    mech.respond(b"")
    with pytest.raises(RemoteProtocolError):
        mech.respond(report)


def test_xoauth2_first_challenge_must_be_empty() -> None:
    with pytest.raises(RemoteProtocolError):
        XOAuth2("u", TOKEN).respond(b"hello")


@pytest.mark.parametrize(("user", "token"), [("u\x01", TOKEN), ("u", "tok\x01en"), ("u", "")])
def test_xoauth2_refuses_separators(user: str, token: str) -> None:
    with pytest.raises(LocalProtocolError):
        XOAuth2(user, token)


# -- registry -----------------------------------------------------------------------------------


def test_registry_names() -> None:
    assert set(MECHANISMS) == {
        "SCRAM-SHA-256",
        "SCRAM-SHA-1",
        "CRAM-MD5",
        "PLAIN",
        "LOGIN",
        "XOAUTH2",
        "OAUTHBEARER",
    }
    for name, cls in MECHANISMS.items():
        assert cls.name == name


def test_create_is_case_insensitive_and_passes_authzid() -> None:
    mech = create("plain", "tim", "pw", authzid="admin")
    assert mech.name == "PLAIN"
    assert mech.initial_response() == b"admin\x00tim\x00pw"
    assert create("Scram-Sha-256", "u", "p").name == "SCRAM-SHA-256"


def test_create_unknown_or_unsupported() -> None:
    with pytest.raises(ConfigError, match="unknown SASL mechanism"):
        create("NOPE", "u", "p")
    with pytest.raises(ConfigError, match="successor is GSSAPI"):
        create("KERBEROS_V4", "u", "p")


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"], "SCRAM-SHA-256"),
        (["PLAIN", "SCRAM-SHA-1", "CRAM-MD5"], "SCRAM-SHA-1"),
        (["LOGIN", "PLAIN", "CRAM-MD5"], "CRAM-MD5"),
        (["LOGIN", "PLAIN"], "PLAIN"),
        (["LOGIN"], "LOGIN"),
        (["login", " plain "], "PLAIN"),
        (["XOAUTH2"], None),
        (["XOAUTH2", "OAUTHBEARER", "LOGIN"], "LOGIN"),
        (["GSSAPI", "KERBEROS_V4", "SCRAM-SHA-256-PLUS"], None),
        ([], None),
    ],
)
@pytest.mark.parametrize("tls", [True, False])
def test_choose(offered: list[str], chosen: str | None, tls: bool) -> None:
    assert choose(offered, tls=tls) == chosen
    assert choose(iter(offered), tls=tls) == chosen  # any iterable


def test_explain_unsupported() -> None:
    kerberos = str(explain_unsupported("KERBEROS_V4"))
    assert "obsolete" in kerberos and "GSSAPI" in kerberos and "Kerberos 4" in kerberos
    assert str(explain_unsupported("kerberos_v4")) == kerberos
    assert "--auth gssapi" in kerberos
    assert explain_unsupported("GSSAPI") is None  # popgui signs in with it (net/kerberos.py)
    assert explain_unsupported("SCRAM-SHA-256") is None
    assert explain_unsupported("X-UNHEARD-OF") is None


# -- fuzz: any challenge gives bytes or a protocol/credentials error -----------------------------


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(MECHANISMS)),
    use_initial=st.booleans(),
    challenges=st.lists(st.binary(max_size=40), max_size=4),
    final=st.none() | st.binary(max_size=40),
)
def test_any_challenges_give_bytes_or_typed_errors(
    name: str, use_initial: bool, challenges: list[bytes], final: bytes | None
) -> None:
    mech = create(name, "user", "pencil")
    try:
        if use_initial:
            mech.initial_response()
        for challenge in challenges:
            assert isinstance(mech.respond(challenge), bytes)
        mech.verify_final(final)
    except (RemoteProtocolError, CredentialsError) as error:
        assert "pencil" not in str(error)
