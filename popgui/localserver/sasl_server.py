"""The server side of the SASL mechanisms the local POP3 server offers (RFC 5034's AUTH).

Each mechanism is a generator: it yields challenges (raw bytes, before base64), receives the
client's decoded responses, and returns the authenticated :class:`ServerAccount` or raises
:class:`AuthFailedError`. The POP3 session does the I/O (``+ <base64>`` lines, ``*`` to cancel,
the line limits); nothing here touches a socket.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Generator, Mapping

from popgui.localserver.mailstore import ServerAccount

__all__ = [
    "ALL_SASL",
    "OAUTH_SASL",
    "PLAINTEXT_SASL",
    "AuthFailedError",
    "SaslExchange",
    "start_exchange",
]

#: A SASL exchange (server side): yields challenges, receives responses, returns the account.
SaslExchange = Generator[bytes, bytes, ServerAccount]

ALL_SASL = (
    "PLAIN",
    "LOGIN",
    "CRAM-MD5",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "XOAUTH2",
    "OAUTHBEARER",
)
#: The mechanisms that carry an OAuth2 bearer token (checked against the same token map).
OAUTH_SASL = frozenset({"XOAUTH2", "OAUTHBEARER"})
#: The mechanisms that send the password (or token) itself: hidden without TLS on request.
PLAINTEXT_SASL = frozenset({"PLAIN", "LOGIN"}) | OAUTH_SASL
_SCRAM_HASHES = {"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256"}
_SCRAM_ITERATIONS = 4096
#: The host name in CRAM-MD5 challenges.
_HOSTNAME = "localhost"


class AuthFailedError(Exception):
    """The exchange failed: ``text`` for the ``-ERR`` reply, with the response ``code``."""

    def __init__(self, text: str, code: str | None = "AUTH") -> None:
        super().__init__(text)
        self.text = text
        self.code = code


def start_exchange(
    name: str,
    initial: bytes | None,
    accounts: Mapping[str, ServerAccount],
    oauth_tokens: Mapping[str, str],
) -> SaslExchange:
    """The exchange for mechanism ``name`` (one of :data:`ALL_SASL`), with the client's
    initial response if it sent one. ``oauth_tokens`` maps users to the bearer token
    XOAUTH2 and OAUTHBEARER accept."""
    if name == "PLAIN":
        return _plain(initial, accounts)
    if name == "LOGIN":
        return _login(initial, accounts)
    if name == "CRAM-MD5":
        return _cram_md5(initial, accounts)
    if name == "XOAUTH2":
        return _xoauth2(initial, accounts, oauth_tokens)
    if name == "OAUTHBEARER":
        return _oauthbearer(initial, accounts, oauth_tokens)
    return _scram(_SCRAM_HASHES[name], initial, accounts)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise AuthFailedError("SASL message is not valid UTF-8", None) from None


def _check_password(
    accounts: Mapping[str, ServerAccount], user: str, password: str
) -> ServerAccount:
    account = accounts.get(user)
    if account is None or not hmac.compare_digest(
        account.password.encode("utf-8"), password.encode("utf-8")
    ):
        raise AuthFailedError("authentication failed")
    return account


def _plain(initial: bytes | None, accounts: Mapping[str, ServerAccount]) -> SaslExchange:
    message = initial if initial is not None else (yield b"")
    parts = _utf8(message).split("\0")
    if len(parts) != 3:
        raise AuthFailedError("malformed PLAIN message", None)
    authzid, authcid, password = parts
    if authzid and authzid != authcid:
        raise AuthFailedError("not authorized to act as another user")
    return _check_password(accounts, authcid, password)


def _login(initial: bytes | None, accounts: Mapping[str, ServerAccount]) -> SaslExchange:
    user = initial if initial is not None else (yield b"Username:")
    password = yield b"Password:"
    return _check_password(accounts, _utf8(user), _utf8(password))


def _cram_md5(initial: bytes | None, accounts: Mapping[str, ServerAccount]) -> SaslExchange:
    if initial is not None:
        raise AuthFailedError("CRAM-MD5 takes no initial response", None)
    challenge = f"<{secrets.randbelow(10**10)}.{time.time_ns()}@{_HOSTNAME}>".encode()
    response = _utf8((yield challenge))
    user, sep, digest = response.rpartition(" ")
    if not sep or not user:
        raise AuthFailedError("malformed CRAM-MD5 response", None)
    account = accounts.get(user)
    if account is not None:
        expected = hmac.new(account.password.encode("utf-8"), challenge, "md5").hexdigest()
        if hmac.compare_digest(expected, digest):
            return account
    raise AuthFailedError("authentication failed")


def _scram(
    hash_name: str, initial: bytes | None, accounts: Mapping[str, ServerAccount]
) -> SaslExchange:
    client_first = _utf8(initial if initial is not None else (yield b""))
    authzid, bare = _split_gs2(client_first)
    user, client_nonce = _parse_client_first_bare(bare)
    if authzid and authzid != user:
        raise AuthFailedError("not authorized to act as another user")
    account = accounts.get(user)
    if account is None:
        raise AuthFailedError("authentication failed")
    salt = secrets.token_bytes(16)
    nonce = client_nonce + secrets.token_urlsafe(18)
    server_first = f"r={nonce},s={_b64(salt)},i={_SCRAM_ITERATIONS}"
    client_final = _utf8((yield server_first.encode()))
    without_proof, sep, proof_b64 = client_final.rpartition(",p=")
    if not sep:
        raise AuthFailedError("malformed SCRAM client-final message", None)
    gs2_header = client_first[: len(client_first) - len(bare)]
    fields = without_proof.split(",")
    if fields[0] != "c=" + _b64(gs2_header.encode()):
        raise AuthFailedError("SCRAM channel binding mismatch", None)
    if len(fields) < 2 or fields[1] != "r=" + nonce:
        raise AuthFailedError("SCRAM nonce mismatch", None)
    try:
        proof = base64.b64decode(proof_b64, validate=True)
    except binascii.Error:
        raise AuthFailedError("malformed SCRAM proof", None) from None
    salted = hashlib.pbkdf2_hmac(
        hash_name, account.password.encode("utf-8"), salt, _SCRAM_ITERATIONS
    )
    auth_message = f"{bare},{server_first},{without_proof}".encode()
    _verify_scram_proof(hash_name, salted, auth_message, proof)
    server_key = hmac.digest(salted, b"Server Key", hash_name)
    server_signature = hmac.digest(server_key, auth_message, hash_name)
    final = yield f"v={_b64(server_signature)}".encode()
    if final:
        raise AuthFailedError("expected an empty response after the server-final message")
    return account


def _verify_scram_proof(hash_name: str, salted: bytes, auth_message: bytes, proof: bytes) -> None:
    """RFC 5802 section 3: the proof XOR the client signature must hash to the stored key."""
    client_key = hmac.digest(salted, b"Client Key", hash_name)
    stored_key = hashlib.new(hash_name, client_key).digest()
    signature = hmac.digest(stored_key, auth_message, hash_name)
    if len(proof) != len(signature):
        raise AuthFailedError("authentication failed")
    recovered = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
    if not hmac.compare_digest(hashlib.new(hash_name, recovered).digest(), stored_key):
        raise AuthFailedError("authentication failed")


def _xoauth2(
    initial: bytes | None,
    accounts: Mapping[str, ServerAccount],
    tokens: Mapping[str, str],
) -> SaslExchange:
    """``user=USER^Aauth=Bearer TOKEN^A^A``; a refusal is a JSON challenge answered empty."""
    message = _utf8(initial if initial is not None else (yield b""))
    pairs = _oauth_pairs(message) if message.endswith("\x01\x01") else {}
    account = _check_token(accounts, tokens, pairs.get("user"), pairs.get("auth"))
    if account is not None:
        return account
    error = {"status": "401", "schemes": "Bearer", "scope": "https://mail.example.com/"}
    if (yield json.dumps(error).encode()) != b"":
        raise AuthFailedError("expected an empty response after the error report", None)
    raise AuthFailedError("authentication failed")


def _oauthbearer(
    initial: bytes | None,
    accounts: Mapping[str, ServerAccount],
    tokens: Mapping[str, str],
) -> SaslExchange:
    """RFC 7628: ``n,a=USER,^Akey=value...^A^A``; a refusal is a JSON challenge answered with
    the single byte 0x01. Like Dovecot, the GS2 header must name the user."""
    message = _utf8(initial if initial is not None else (yield b""))
    gs2, sep, rest = message.partition("\x01")
    user = None
    parts = gs2.split(",")
    if sep and len(parts) == 3 and parts[0] == "n" and parts[1].startswith("a=") and not parts[2]:
        user = _scram_unescape(parts[1][2:])
    if user is None or not rest.endswith("\x01\x01"):
        raise AuthFailedError("malformed OAUTHBEARER message", None)
    account = _check_token(accounts, tokens, user, _oauth_pairs(rest).get("auth"))
    if account is not None:
        return account
    error = {"status": "invalid_token", "scope": "https://mail.example.com/"}
    if (yield json.dumps(error).encode()) != b"\x01":
        raise AuthFailedError("expected 0x01 after the error report", None)
    raise AuthFailedError("authentication failed")


def _oauth_pairs(message: str) -> dict[str, str]:
    """``key=value`` pairs separated by 0x01, up to the final 0x01 0x01."""
    pairs: dict[str, str] = {}
    for part in message[:-2].split("\x01"):
        key, _, value = part.partition("=")
        pairs.setdefault(key, value)
    return pairs


def _check_token(
    accounts: Mapping[str, ServerAccount],
    tokens: Mapping[str, str],
    user: str | None,
    auth: str | None,
) -> ServerAccount | None:
    """The account when ``auth`` is ``Bearer <its token>``, else None."""
    if user is None or auth is None or not auth.startswith("Bearer "):
        return None
    account, expected = accounts.get(user), tokens.get(user)
    token = auth[len("Bearer ") :]
    if account is None or expected is None:
        return None
    return account if hmac.compare_digest(expected.encode(), token.encode()) else None


# -- SCRAM parsing --------------------------------------------------------------------------


def _split_gs2(client_first: str) -> tuple[str, str]:
    """Split a SCRAM client-first message into (authzid, client-first-bare)."""
    parts = client_first.split(",", 2)
    if len(parts) != 3:
        raise AuthFailedError("malformed SCRAM client-first message", None)
    flag, authz, bare = parts
    if flag not in ("n", "y") and not flag.startswith("p="):
        raise AuthFailedError("malformed SCRAM GS2 header", None)
    if flag.startswith("p="):
        raise AuthFailedError("channel binding is not supported", None)
    authzid = ""
    if authz:
        if not authz.startswith("a="):
            raise AuthFailedError("malformed SCRAM GS2 header", None)
        authzid = _scram_unescape(authz[2:])
    return authzid, bare


def _parse_client_first_bare(bare: str) -> tuple[str, str]:
    fields = bare.split(",")
    if fields[0].startswith("m="):
        raise AuthFailedError("SCRAM extensions are not supported", None)
    if len(fields) < 2 or not fields[0].startswith("n=") or not fields[1].startswith("r="):
        raise AuthFailedError("malformed SCRAM client-first message", None)
    nonce = fields[1][2:]
    if not nonce or any(not 0x21 <= ord(c) <= 0x7E or c == "," for c in nonce):
        raise AuthFailedError("malformed SCRAM nonce", None)
    return _scram_unescape(fields[0][2:]), nonce


def _scram_unescape(name: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(name):
        char = name[i]
        if char == "=":
            escape = name[i : i + 3]
            if escape == "=2C":
                out.append(",")
            elif escape == "=3D":
                out.append("=")
            else:
                raise AuthFailedError("malformed SCRAM user name", None)
            i += 3
        else:
            out.append(char)
            i += 1
    return "".join(out)
