"""SASL client mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1/-256, XOAUTH2, OAUTHBEARER).

Sans-IO like the protocol cores: a mechanism turns server challenges into client responses and
never touches a socket. Everything here is raw bytes; base64 on the wire is the job of the
protocol client (POP3 ``AUTH``, RFC 5034), which keeps these classes usable for any profile.

The exchange, as the POP3 client drives it::

    mech = create("SCRAM-SHA-256", user, password)
    first = mech.initial_response()      # send with AUTH if not None (SASL-IR)
    # for each "+ challenge":  send mech.respond(challenge)
    # on "+OK [data]":         mech.verify_final(data or None)

A caller that cannot send an initial response (line too long, or it prefers two steps) either
does not call :meth:`Mechanism.initial_response`, and the server's first, empty challenge then
gets the initial response from :meth:`Mechanism.respond`; or it keeps what
:meth:`Mechanism.initial_response` returned and sends it itself after that empty challenge (the
POP3 client does, as it needs the response's length to choose).

Errors: a malformed or unexpected challenge raises :class:`~popgui.errors.RemoteProtocolError`;
input that a mechanism cannot carry (a NUL in a PLAIN password, characters SASLprep forbids)
raises :class:`~popgui.errors.LocalProtocolError` when the mechanism is created; a server that
rejects the credentials inside the mechanism (SCRAM ``e=``, an OAuth2 error report) gives
:class:`~popgui.errors.CredentialsError`. No message ever contains a password or a token.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import logging
import re
import secrets
import stringprep
import unicodedata
from collections.abc import Callable, Iterable
from typing import ClassVar, Final, Protocol

from popgui.catalog import Message, Sentence
from popgui.catalog import protocol as says
from popgui.errors import (
    ConfigError,
    CredentialsError,
    LocalProtocolError,
    RemoteProtocolError,
)

_log = logging.getLogger(__name__)

__all__ = [
    "AUTO_ORDER",
    "MAX_SCRAM_ITERATIONS",
    "MECHANISMS",
    "OAUTH_ORDER",
    "CramMD5",
    "Login",
    "Mechanism",
    "OAuthBearer",
    "Plain",
    "SaslMechanism",
    "ScramSHA1",
    "ScramSHA256",
    "XOAuth2",
    "choose",
    "choose_oauth",
    "create",
    "explain_unsupported",
    "oauth_error_summary",
    "saslprep",
]


#: RFC 7677: a client SHOULD at least warn below this SCRAM iteration count.
MIN_SAFE_SCRAM_ITERATIONS: Final = 4096
#: Above this the server is refused: each iteration costs us CPU, and a hostile server must
#: not be able to pin a core. OWASP's 2023 advice for PBKDF2-HMAC-SHA1 is
#: 1.3 M, so a lower cap (1 M) would refuse a carefully configured server.
MAX_SCRAM_ITERATIONS: Final = 10_000_000


class Mechanism(Protocol):
    """What the POP3 client needs from any SASL mechanism."""

    @property
    def name(self) -> str:
        """The IANA name, upper case (``"SCRAM-SHA-256"``)."""
        ...

    @property
    def failure(self) -> Sentence | None:
        """Why the server refused, when it said so inside the mechanism (OAuth2's JSON report).

        Such a refusal cannot be raised at once: the exchange must be finished with an empty
        response before the server answers ``-ERR``. The client raises it as CredentialsError.
        """
        ...

    def initial_response(self) -> bytes | None:
        """The response sent with the command itself, or None if the server speaks first."""
        ...

    def respond(self, challenge: bytes) -> bytes:
        """Answer one server challenge (already base64-decoded)."""
        ...

    def verify_final(self, data: bytes | None) -> None:
        """Check the outcome on success; ``data`` is additional data sent with it, if any."""
        ...


class SaslMechanism:
    """Shared behaviour: initial responses may be sent either with the command or on request.

    Subclasses set :attr:`name`, may return a first message from :meth:`_first_message`, and
    answer the later challenges in :meth:`_answer`.
    """

    name: ClassVar[str] = ""

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        self._user = user
        self._secret = secret
        self._authzid = authzid
        self._first_sent = False
        self._failure: Sentence | None = None

    @property
    def failure(self) -> Sentence | None:
        return self._failure

    def initial_response(self) -> bytes | None:
        first = self._first_message()
        if first is not None:
            self._first_sent = True
        return first

    def respond(self, challenge: bytes) -> bytes:
        first = None if self._first_sent else self._first_message()
        if first is None:
            return self._answer(challenge)
        if challenge:
            raise RemoteProtocolError(says.FIRST_CHALLENGE_NOT_EMPTY(mechanism=self.name))
        self._first_sent = True
        return first

    def verify_final(self, data: bytes | None) -> None:
        """Most mechanisms end with nothing to check; additional data would be a server bug."""
        if data:
            raise RemoteProtocolError(says.DATA_WITH_SUCCESS(mechanism=self.name))

    def _first_message(self) -> bytes | None:
        return None

    def _answer(self, challenge: bytes) -> bytes:
        raise NotImplementedError


def _refuse_characters(value: str, what: str, forbidden: str) -> None:
    """Refuse characters a mechanism uses as separators; the value itself is never shown."""
    if any(ch in value for ch in forbidden):
        raise LocalProtocolError(says.CANNOT_SEND_CHARACTER(what=_what(what)))


def _refuse_authzid(mechanism: SaslMechanism) -> None:
    if mechanism._authzid:
        raise LocalProtocolError(says.NO_AUTHZID(mechanism=mechanism.name))


#: The values and messages the sentences speak of, by the name the code gives them.
_WHAT: Final[dict[str, Message]] = {
    "value": says.THE_VALUE,
    "user": says.THE_USER,
    "user name": says.THE_USER_NAME,
    "password": says.THE_PASSWORD,
    "access token": says.THE_ACCESS_TOKEN,
    "authzid": says.THE_AUTHZID,
    "host name": says.THE_HOST_NAME,
    "server-first message": says.THE_SERVER_FIRST,
    "server-final message": says.THE_SERVER_FINAL,
    "salt": says.THE_SALT,
    "server signature": says.THE_SERVER_SIGNATURE,
}


def _what(name: str) -> Sentence:
    return _WHAT[name]()


# -- PLAIN, LOGIN, CRAM-MD5 ---------------------------------------------------------------------


class Plain(SaslMechanism):
    """RFC 4616: ``authzid NUL user NUL password`` in one message.

    Sent as UTF-8 without SASLprep: RFC 4616 leaves preparation to the server, which compares
    what it stores, and changing a password's characters on the client could only hurt.
    """

    name = "PLAIN"

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        super().__init__(user, secret, authzid=authzid)
        for value, what in ((user, "user name"), (secret, "password"), (authzid, "authzid")):
            _refuse_characters(value, what, "\x00")
        self._message = f"{authzid}\x00{user}\x00{secret}".encode()

    def _first_message(self) -> bytes:
        return self._message

    def _answer(self, challenge: bytes) -> bytes:
        raise RemoteProtocolError(says.PLAIN_CHALLENGED())


class Login(SaslMechanism):
    """The non-standard LOGIN mechanism: the server prompts for the user name, then the password.

    The prompts ("Username:", "Password:", "User Name"...) vary between servers, so a
    recognised prompt is answered as asked and an unknown one by position. Each answer is
    given once: a server asking twice gets no second copy of the password.
    """

    name = "LOGIN"

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        super().__init__(user, secret, authzid=authzid)
        _refuse_authzid(self)
        self._given: set[str] = set()

    def _answer(self, challenge: bytes) -> bytes:
        prompt = challenge.decode("utf-8", "replace").strip(" :\x00").lower()
        if prompt.startswith("user"):
            wanted = "user"
        elif prompt.startswith("pass"):
            wanted = "password"
        else:
            wanted = "user" if not self._given else "password"
        if wanted in self._given or len(self._given) == 2:
            raise RemoteProtocolError(says.LOGIN_ASKED_AGAIN(what=_what(wanted)))
        self._given.add(wanted)
        return (self._user if wanted == "user" else self._secret).encode()


class CramMD5(SaslMechanism):
    """RFC 2195: answer the challenge with ``user SP hex(HMAC-MD5(password, challenge))``.

    The challenge should look like ``<msg-id>``; only emptiness is refused, since the HMAC
    works on any bytes and some servers are loose about the form.
    """

    name = "CRAM-MD5"

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        super().__init__(user, secret, authzid=authzid)
        _refuse_authzid(self)
        self._done = False

    def _answer(self, challenge: bytes) -> bytes:
        if self._done:
            raise RemoteProtocolError(says.CRAM_SECOND_CHALLENGE())
        if not challenge:
            raise RemoteProtocolError(says.CRAM_EMPTY_CHALLENGE())
        self._done = True
        digest = hmac.new(self._secret.encode(), challenge, hashlib.md5).hexdigest()
        return f"{self._user} {digest}".encode()


# -- SASLprep (RFC 4013) ------------------------------------------------------------------------

_PROHIBITED: Final[tuple[Callable[[str], bool], ...]] = (
    stringprep.in_table_c12,  # non-ASCII spaces (already mapped to SP, kept for safety)
    stringprep.in_table_c21_c22,  # control characters
    stringprep.in_table_c3,  # private use
    stringprep.in_table_c4,  # non-character code points
    stringprep.in_table_c5,  # surrogates
    stringprep.in_table_c6,  # inappropriate for plain text
    stringprep.in_table_c7,  # inappropriate for canonical representation
    stringprep.in_table_c8,  # change display properties / deprecated
    stringprep.in_table_c9,  # tagging characters
)


def saslprep(value: str, what: str = "value") -> str:
    """Prepare a user name or password for SCRAM as RFC 4013 says (as a "query").

    SCRAM hashes the prepared string, so the client must produce exactly what the server
    prepared when it stored the password: non-ASCII spaces become SP, "mapped to nothing"
    characters go, NFKC (Unicode 3.2, as stringprep requires) composes the rest. Prohibited
    characters and broken bidirectional text are refused rather than silently changed.
    Unassigned code points are allowed (query semantics), as a client cannot know the server's
    Unicode version.
    """
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch for ch in value if not stringprep.in_table_b1(ch)
    )
    prepared = unicodedata.ucd_3_2_0.normalize("NFKC", mapped)
    if any(table(ch) for ch in prepared for table in _PROHIBITED):
        raise LocalProtocolError(says.SASLPREP_FORBIDS(what=_what(what)))
    _check_bidi(prepared, what)
    return prepared


def _check_bidi(value: str, what: str) -> None:
    """RFC 3454 section 6: right-to-left text must not mix with left-to-right text."""
    if not any(stringprep.in_table_d1(ch) for ch in value):
        return
    mixed = any(stringprep.in_table_d2(ch) for ch in value)
    if mixed or not (stringprep.in_table_d1(value[0]) and stringprep.in_table_d1(value[-1])):
        raise LocalProtocolError(says.MIXED_DIRECTIONS(what=_what(what)))


# -- SCRAM (RFC 5802, RFC 7677) -----------------------------------------------------------------

_NONCE: Final = re.compile(r"[\x21-\x2b\x2d-\x7e]+")  # printable ASCII except ","


def _saslname(value: str, what: str) -> str:
    """RFC 5802 saslname: SASLprep, then "=" and "," escaped as =3D and =2C."""
    prepared = saslprep(value, what)
    if not prepared:
        raise LocalProtocolError(says.VALUE_EMPTY(what=_what(what)))
    return prepared.replace("=", "=3D").replace(",", "=2C")


def _attributes(message: bytes, what: str) -> list[tuple[str, str]]:
    """Split ``a=1,b=2`` into pairs; each attribute is one letter, "=", and a value."""
    try:
        text = message.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteProtocolError(says.NOT_UTF8(what=_what(what))) from None
    pairs = []
    for part in text.split(","):
        if len(part) < 2 or part[1] != "=" or not part[0].isascii() or not part[0].isalpha():
            raise RemoteProtocolError(says.MALFORMED(what=_what(what)))
        pairs.append((part[0], part[2:]))
    return pairs


def _b64decode(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RemoteProtocolError(says.NOT_BASE64(what=_what(what))) from None


class _ScramStage(enum.Enum):
    START = "start"
    SERVER_FIRST = "server-first"  # client-first sent
    SERVER_FINAL = "server-final"  # client-final sent
    DONE = "done"  # server signature verified


class _Scram(SaslMechanism):
    """SCRAM without channel binding (gs2 header ``n,,``), with the server signature checked.

    The server-final message (``v=`` signature) may arrive as a last challenge (answered with
    an empty response) or as additional data with the success reply; either way success is
    only accepted once the server proved it knows the password.
    """

    digest: ClassVar[str] = ""

    def __init__(
        self, user: str, secret: str, *, authzid: str = "", nonce: str | None = None
    ) -> None:
        super().__init__(user, secret, authzid=authzid)
        self._password = saslprep(secret, "password").encode()
        client_nonce = nonce if nonce is not None else secrets.token_urlsafe(24)
        if not _NONCE.fullmatch(client_nonce):
            raise LocalProtocolError(says.BAD_NONCE())
        self._nonce = client_nonce
        authz = f"a={_saslname(authzid, 'authzid')}" if authzid else ""
        self._gs2_header = f"n,{authz},".encode()
        self._client_first_bare = f"n={_saslname(user, 'user name')},r={client_nonce}".encode()
        self._stage = _ScramStage.START
        self._server_signature = b""

    def _first_message(self) -> bytes:
        self._stage = _ScramStage.SERVER_FIRST
        return self._gs2_header + self._client_first_bare

    def _answer(self, challenge: bytes) -> bytes:
        if self._stage is _ScramStage.SERVER_FIRST:
            return self._client_final(challenge)
        if self._stage is _ScramStage.SERVER_FINAL:
            self._check_server_final(challenge)
            return b""
        raise RemoteProtocolError(says.CHALLENGE_AFTER_END(mechanism=self.name))

    def verify_final(self, data: bytes | None) -> None:
        if data and self._stage is _ScramStage.SERVER_FINAL:
            self._check_server_final(data)
        elif data:
            raise RemoteProtocolError(says.DATA_WITH_SUCCESS(mechanism=self.name))
        if self._stage is not _ScramStage.DONE:
            raise RemoteProtocolError(says.NO_SERVER_PROOF(mechanism=self.name))

    def _hmac(self, key: bytes, message: bytes) -> bytes:
        return hmac.new(key, message, self.digest).digest()

    def _parse_server_first(self, challenge: bytes) -> tuple[str, bytes, int]:
        """Check ``r=nonce,s=salt,i=count[,ext...]``; the nonce must extend ours."""
        attrs = _attributes(challenge, "server-first message")
        if attrs[0][0] == "m":
            raise RemoteProtocolError(says.UNKNOWN_EXTENSION(mechanism=self.name))
        if len(attrs) < 3 or [key for key, _ in attrs[:3]] != ["r", "s", "i"]:
            raise RemoteProtocolError(says.MALFORMED_SERVER_FIRST(mechanism=self.name))
        nonce, salt_b64, count = (value for _, value in attrs[:3])
        if not nonce.startswith(self._nonce) or len(nonce) == len(self._nonce):
            raise RemoteProtocolError(says.NONCE_NOT_OURS(mechanism=self.name))
        if not _NONCE.fullmatch(nonce):
            raise RemoteProtocolError(says.NONCE_INVALID(mechanism=self.name))
        salt = _b64decode(salt_b64, "salt")
        if not salt:
            raise RemoteProtocolError(says.EMPTY_SALT(mechanism=self.name))
        return nonce, salt, self._iterations(count)

    def _iterations(self, count: str) -> int:
        if not (count.isascii() and count.isdigit()) or len(count) > 9:
            raise RemoteProtocolError(says.BAD_ITERATIONS(mechanism=self.name))
        iterations = int(count)
        if not 1 <= iterations <= MAX_SCRAM_ITERATIONS:
            limit = MAX_SCRAM_ITERATIONS
            outside = says.ITERATIONS_OUTSIDE(
                mechanism=self.name, iterations=iterations, limit=limit
            )
            raise RemoteProtocolError(outside)
        if iterations < MIN_SAFE_SCRAM_ITERATIONS:
            _log.warning("%s: the server uses only %d iterations", self.name, iterations)
        return iterations

    def _client_final(self, server_first: bytes) -> bytes:
        """Compute ClientProof (RFC 5802 section 3) and remember the expected ServerSignature."""
        nonce, salt, iterations = self._parse_server_first(server_first)
        channel = base64.b64encode(self._gs2_header)
        without_proof = b"c=" + channel + b",r=" + nonce.encode()
        auth_message = b",".join((self._client_first_bare, server_first, without_proof))
        salted = hashlib.pbkdf2_hmac(self.digest, self._password, salt, iterations)
        client_key = self._hmac(salted, b"Client Key")
        stored_key = hashlib.new(self.digest, client_key).digest()
        signature = self._hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        self._server_signature = self._hmac(self._hmac(salted, b"Server Key"), auth_message)
        self._stage = _ScramStage.SERVER_FINAL
        return without_proof + b",p=" + base64.b64encode(proof)

    def _check_server_final(self, message: bytes) -> None:
        """``v=signature`` must match; ``e=reason`` is the server refusing the proof."""
        key, value = _attributes(message, "server-final message")[0]
        if key == "e":
            raise CredentialsError(says.MECHANISM_REFUSED(mechanism=self.name, reason=value))
        if key != "v":
            raise RemoteProtocolError(says.MALFORMED_SERVER_FINAL(mechanism=self.name))
        if not hmac.compare_digest(_b64decode(value, "server signature"), self._server_signature):
            raise RemoteProtocolError(says.NO_PASSWORD_PROOF())
        self._stage = _ScramStage.DONE


class ScramSHA1(_Scram):
    """RFC 5802 SCRAM-SHA-1."""

    name = "SCRAM-SHA-1"
    digest = "sha1"


class ScramSHA256(_Scram):
    """RFC 7677 SCRAM-SHA-256."""

    name = "SCRAM-SHA-256"
    digest = "sha256"


# -- XOAUTH2 and OAUTHBEARER ---------------------------------------------------------------------


class _OAuthMechanism(SaslMechanism):
    """Shared by the OAuth2 mechanisms: ``secret`` is an access token, not a password.

    The whole exchange is one client message. A server refusing the token answers it with a
    challenge carrying a JSON error report; the client must answer that challenge (XOAUTH2 with
    an empty response, OAUTHBEARER with the single byte 0x01) before the server sends
    ``-ERR``, so the refusal is kept in :attr:`failure` instead of raised at once.
    """

    #: The client's answer to the server's error report.
    error_answer: ClassVar[bytes] = b""

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        super().__init__(user, secret, authzid=authzid)
        if not secret:
            raise LocalProtocolError(says.NEEDS_TOKEN(mechanism=self.name))
        _refuse_characters(user, "user name", "\x00\x01\r\n")
        _refuse_characters(secret, "access token", "\x00\x01\r\n")
        self._reported = False

    def _answer(self, challenge: bytes) -> bytes:
        if self._reported:
            raise RemoteProtocolError(says.CHALLENGE_AFTER_REPORT(mechanism=self.name))
        self._reported = True
        self._failure = oauth_error_summary(self.name, challenge)
        return self.error_answer

    def verify_final(self, data: bytes | None) -> None:
        if self._failure is not None:
            raise CredentialsError(self._failure)
        super().verify_final(data)


class XOAuth2(_OAuthMechanism):
    """Google's and Microsoft's XOAUTH2: ``user=USER^Aauth=Bearer TOKEN^A^A``.

    The message may go with the AUTH command (one line) or after the server's empty ``+``
    (two steps, which Microsoft's POP server requires): the POP3 client chooses.
    """

    name = "XOAUTH2"

    def __init__(self, user: str, secret: str, *, authzid: str = "") -> None:
        super().__init__(user, secret, authzid=authzid)
        _refuse_authzid(self)

    def _first_message(self) -> bytes:
        return f"user={self._user}\x01auth=Bearer {self._secret}\x01\x01".encode()


class OAuthBearer(_OAuthMechanism):
    """RFC 7628 OAUTHBEARER: ``n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A``.

    The GS2 header always names the user (``a=``): RFC 7628 makes it optional, but Dovecot
    refuses the login without it (and without a challenge). ``server`` is the host and port
    the client connected to, sent as RFC 7628 asks; either may be left out.
    """

    name = "OAUTHBEARER"
    error_answer = b"\x01"

    def __init__(
        self,
        user: str,
        secret: str,
        *,
        authzid: str = "",
        server: tuple[str, int] | None = None,
    ) -> None:
        super().__init__(user, secret, authzid=authzid)
        _refuse_characters(authzid, "authzid", "\x00\x01\r\n")
        self._server = server
        if server is not None:
            _refuse_characters(server[0], "host name", "\x00\x01\r\n")

    def _first_message(self) -> bytes:
        identity = (self._authzid or self._user).replace("=", "=3D").replace(",", "=2C")
        pairs = []
        if self._server is not None:
            host, port = self._server
            pairs += [f"host={host}"] if host else []
            pairs += [f"port={port}"] if port else []
        pairs.append(f"auth=Bearer {self._secret}")
        body = "\x01".join(pairs)
        return f"n,a={identity},\x01{body}\x01\x01".encode()


#: The mechanisms that carry an OAuth2 access token, in the order ``oauth2`` prefers them.
OAUTH_ORDER: Final = ("OAUTHBEARER", "XOAUTH2")

#: How much of a server-chosen value (status, scope) goes into an error message.
_MAX_REPORT_VALUE = 80


def oauth_error_summary(mechanism: str, challenge: bytes) -> Sentence:
    """One plain sentence from the server's JSON error report, without any secret.

    Google's XOAUTH2 sends ``{"status":"401","schemes":"bearer","scope":"..."}``, RFC 7628
    ``{"status":"invalid_token","scope":"..."}``. Only the status and the scope are shown,
    shortened and stripped of control characters, since the server chose them.
    """
    try:
        report = json.loads(challenge)
    except ValueError:
        raise RemoteProtocolError(says.REPORT_NOT_JSON(mechanism=mechanism)) from None
    if not isinstance(report, dict):
        raise RemoteProtocolError(says.REPORT_NOT_OBJECT(mechanism=mechanism))
    status = _report_value(report.get("status")) or says.UNKNOWN_STATUS()
    scope = _report_value(report.get("scope"))
    if scope:
        return says.TOKEN_REFUSED_SCOPE(status=status, scope=scope)
    return says.TOKEN_REFUSED(status=status)


def _report_value(value: object) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    if len(text) > _MAX_REPORT_VALUE:
        text = text[:_MAX_REPORT_VALUE] + "..."
    return text


# -- registry -----------------------------------------------------------------------------------

#: Every mechanism popgui implements, by IANA name.
MECHANISMS: Final[dict[str, type[SaslMechanism]]] = {
    cls.name: cls for cls in (ScramSHA256, ScramSHA1, CramMD5, Plain, Login, XOAuth2, OAuthBearer)
}

#: What "auto" picks from, strongest first. XOAUTH2 and OAUTHBEARER are absent: they need a
#: token, not a password, so only an account set to ``oauth2`` (or to the name) uses them.
AUTO_ORDER: Final = ("SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN")

_UNSUPPORTED: Final[dict[str, Message]] = {
    "KERBEROS_V4": says.KERBEROS_V4_OBSOLETE,
    "DIGEST-MD5": says.DIGEST_MD5_OBSOLETE,
}


def create(
    name: str,
    user: str,
    secret: str,
    *,
    authzid: str = "",
    server: tuple[str, int] | None = None,
) -> Mechanism:
    """Instantiate the mechanism ``name`` (any case) for one login attempt.

    ``server`` (host, port) is what the client connected to; only OAUTHBEARER sends it.
    """
    cls = MECHANISMS.get(name.upper())
    if cls is None:
        why = explain_unsupported(name)
        raise ConfigError(why or says.UNKNOWN_MECHANISM(mechanism=repr(name)))
    if cls is OAuthBearer:
        return OAuthBearer(user, secret, authzid=authzid, server=server)
    return cls(user, secret, authzid=authzid)


def choose(offered: Iterable[str], *, tls: bool) -> str | None:
    """The strongest mechanism in ``offered`` that "auto" may use, or None.

    ``tls`` does not change the answer. Without TLS the order already prefers mechanisms that
    never reveal the password (SCRAM, then CRAM-MD5); PLAIN and LOGIN stay allowed because
    running without TLS is a choice the user made explicitly in the account settings, which
    is where the clear-text warning belongs. The parameter is kept so a later policy (for
    example SCRAM-*-PLUS with channel binding) needs no change in the callers.
    """
    available = {name.strip().upper() for name in offered}
    return next((name for name in AUTO_ORDER if name in available), None)


def choose_oauth(offered: Iterable[str]) -> str | None:
    """The OAuth2 mechanism for an ``oauth2`` account: OAUTHBEARER (the standard, RFC 7628)
    when offered, else XOAUTH2; None when the server offers neither."""
    available = {name.strip().upper() for name in offered}
    return next((name for name in OAUTH_ORDER if name in available), None)


def explain_unsupported(name: str) -> Sentence | None:
    """A sentence for the user about a mechanism popgui knows but will not use, else None."""
    known = _UNSUPPORTED.get(name.upper())
    return known() if known is not None else None
