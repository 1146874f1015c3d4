"""Signing in with Kerberos 5: the SASL GSSAPI mechanism (RFC 4752) for POP3's AUTH (RFC 1734,
RFC 5034), and the person's ticket.

The ticket comes from the person's credential cache (``kinit``, or the desktop's sign-in):
popgui asks no password and stores none. The service is ``pop@HOST``, a host-based name with
HOST the name popgui connected to; the server's keytab holds ``pop/HOST@REALM`` (never
``pop3``). Mutual authentication is required, so the server proves who it is before the
login ends; the security layer chosen is "none" (TLS, when configured, protects the line).

Python's ``gssapi`` package is optional (``pip install 'popgui[kerberos]'``, built against
libkrb5-dev): it is imported only here, only when a Kerberos sign-in or ticket is asked for,
and its absence is a :class:`KerberosUnavailableError` that says what to install.

The first token is made when the mechanism is created, before ``AUTH GSSAPI`` is sent: a
missing or expired ticket, an unknown service or realm, or a clock too far off fail there, with
a sentence of their own, before the server is asked anything.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

from popgui.catalog import Sentence
from popgui.catalog import kerberos as says
from popgui.errors import (
    ConfigError,
    CredentialsError,
    NetworkError,
    PopguiError,
    RemoteProtocolError,
)

__all__ = [
    "MECHANISM",
    "SERVICE",
    "GssapiMechanism",
    "KdcUnreachableError",
    "KerberosError",
    "KerberosRefusedError",
    "KerberosTicketError",
    "KerberosUnavailableError",
    "Ticket",
    "available",
    "current_ticket",
    "has_ticket",
    "ticket_summary",
]

#: The SASL name of Kerberos 5 sign-in.
MECHANISM: Final = "GSSAPI"
#: The service part of the server's principal for POP (RFC 1734 registered "pop").
SERVICE: Final = "pop"

#: RFC 4752 security layers: the bit for "no security layer".
_NO_LAYER: Final = 0x01


class KerberosUnavailableError(ConfigError):
    """The ``gssapi`` package is not installed: nothing Kerberos can work."""


class KerberosError(PopguiError):
    """Kerberos could not sign in on this computer's side (wrong service, realm, clock...):
    the person or an administrator must change something; retrying alone does not help."""


class KerberosTicketError(KerberosError):
    """No ticket, or an expired one: ``kinit`` (or the desktop, which renews tickets) fixes it,
    so a later scheduled check may well succeed."""


class KdcUnreachableError(KerberosError, NetworkError):
    """The realm's Kerberos server (KDC) does not answer: a network problem, tried again later."""


class KerberosRefusedError(CredentialsError):
    """The mail server refused a Kerberos login: the ticket was there and proved who it is,
    but may not open this mailbox (the user name). A refused login like a refused password,
    for what retries and scripts do; its words name the ticket's owner, not a password."""


@dataclass(frozen=True)
class Ticket:
    """The person's Kerberos ticket-granting ticket, as this computer holds it."""

    principal: str  # "alice@EXAMPLE.ORG"
    expires: datetime.datetime | None  # aware, UTC; None when the library does not say

    @property
    def realm(self) -> str:
        return self.principal.rpartition("@")[2]


# -- the optional package -----------------------------------------------------------------------


def _gssapi() -> ModuleType:
    try:
        return importlib.import_module("gssapi")
    except ImportError:
        raise KerberosUnavailableError(says.NEEDS_PACKAGE()) from None


def available() -> bool:
    """Whether Kerberos sign-in can work here (the ``gssapi`` package imports)."""
    try:
        _gssapi()
    except KerberosUnavailableError:
        return False
    return True


# -- the ticket ---------------------------------------------------------------------------------


def current_ticket() -> Ticket | None:
    """The person's ticket, or None when there is none or it has expired.

    Raises :class:`KerberosUnavailableError` without the ``gssapi`` package. Reads only the
    credential cache: nothing goes over the network.
    """
    gssapi = _gssapi()
    try:
        credentials = gssapi.Credentials(usage="initiate")
        lifetime = credentials.lifetime
        principal = str(credentials.name)
    except gssapi.exceptions.GSSError:
        return None  # no cache, an empty one, or an expired ticket
    if lifetime is not None and lifetime <= 0:
        return None
    return Ticket(principal, _expiry(lifetime))


def _expiry(lifetime: int | None) -> datetime.datetime | None:
    # GSS_C_INDEFINITE (0xffffffff) means "no end that the library knows of".
    if lifetime is None or lifetime >= 0xFFFFFFFF:
        return None
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return now + datetime.timedelta(seconds=lifetime)


def ticket_summary(user: str) -> Sentence:
    """One line about the ticket an account would sign in with (``account show``, the window)."""
    ticket = current_ticket()
    if ticket is None:
        return says.NO_TICKET_NOW(user=user)
    if ticket.expires is None:
        return says.TICKET_OF_UNKNOWN_END(principal=ticket.principal)
    local = ticket.expires.astimezone().strftime("%Y-%m-%d %H:%M")
    return says.TICKET_OF(principal=ticket.principal, expires=local)


def has_ticket() -> bool:
    """Whether a Kerberos sign-in could be tried: the package is here and a ticket is valid."""
    return available() and current_ticket() is not None


# -- the mechanism ------------------------------------------------------------------------------


class GssapiMechanism:
    """SASL GSSAPI (RFC 4752) with mutual authentication and no security layer.

    The exchange: the client's first token (AP-REQ) → the server's AP-REP → an empty response
    → the server's wrapped offer (4 bytes: the layers it supports, its maximum buffer) → the
    client's wrapped choice (``0x01 0 0 0``: no layer) followed by the authorization identity
    (the account's user name) → ``+OK``.

    Creating it makes the first token, so every failure on this computer's side (no ticket,
    unknown service or realm, clock skew) is raised there, before ``AUTH`` is sent.
    """

    name: Final = MECHANISM

    def __init__(self, host: str, authzid: str) -> None:
        self._gssapi = _gssapi()
        self._host = host
        self._authzid = authzid
        self._service = f"{SERVICE}/{host}"
        self._layer_chosen = False
        self._context: Any = None
        self._principal = ""
        self._first: bytes | None = self._start()

    @property
    def failure(self) -> Sentence | None:
        return None  # GSSAPI servers refuse with -ERR, never inside the mechanism

    @property
    def principal(self) -> str:
        """Who signs in: the ticket's owner (``alice@EXAMPLE.ORG``)."""
        return self._principal

    def initial_response(self) -> bytes | None:
        first, self._first = self._first, None  # the caller sends it, now or at the first "+"
        return first

    def respond(self, challenge: bytes) -> bytes:
        if self._first is not None:  # the server asked for the first token (two-step AUTH)
            first, self._first = self._first, None
            return first
        if not self._context.complete:
            return self._step(challenge) or b""
        if self._layer_chosen:
            raise RemoteProtocolError(says.EXCHANGE_TOO_LONG())
        return self._choose_layer(challenge)

    def verify_final(self, data: bytes | None) -> None:
        if data or not self._layer_chosen:
            raise RemoteProtocolError(says.NOT_FINISHED())

    # -- steps --------------------------------------------------------------------------------

    def _start(self) -> bytes:
        gssapi = self._gssapi
        target = gssapi.Name(f"{SERVICE}@{self._host}", gssapi.NameType.hostbased_service)
        flags = [
            gssapi.RequirementFlag.mutual_authentication,
            gssapi.RequirementFlag.integrity,  # the layer negotiation is wrapped
            gssapi.RequirementFlag.out_of_sequence_detection,
        ]
        try:
            credentials = gssapi.Credentials(usage="initiate")
            self._principal = str(credentials.name)
            self._context = gssapi.SecurityContext(
                name=target,
                creds=credentials,
                usage="initiate",
                flags=flags,
                mech=gssapi.MechType.kerberos,
            )
            token = self._context.step()
        except gssapi.exceptions.GSSError as error:
            raise self._explain(error) from None
        return bytes(token or b"")

    def _step(self, challenge: bytes) -> bytes | None:
        try:
            token = self._context.step(challenge)
        except self._gssapi.exceptions.GSSError as error:
            # Past the first token, only the server's answer is checked: an error the library
            # cannot name means its proof (the AP-REP) did not check out.
            known = _known_failure(
                error, host=self._host, service=self._service, user=self._authzid
            )
            unproven = KerberosError(says.SERVER_NOT_PROVEN(service=self._service))
            raise (known or unproven) from None
        if self._context.complete and not _mutual(self._context, self._gssapi):
            raise KerberosError(says.SERVER_NOT_PROVEN(service=self._service))
        return bytes(token) if token else None

    def _choose_layer(self, challenge: bytes) -> bytes:
        try:
            offer = self._context.unwrap(challenge)
        except self._gssapi.exceptions.GSSError:
            raise RemoteProtocolError(says.UNPROTECTED_LAYER_MESSAGE()) from None
        message = bytes(offer.message)
        if len(message) != 4:
            raise RemoteProtocolError(says.BAD_LAYER_MESSAGE())
        if not message[0] & _NO_LAYER:
            raise RemoteProtocolError(says.NO_SECURITY_LAYER_OFFER(offer=f"0x{message[0]:02x}"))
        # No layer: the maximum buffer size must be 0 (RFC 4752, 3.1).
        choice = bytes([_NO_LAYER, 0, 0, 0]) + self._authzid.encode("utf-8")
        self._layer_chosen = True
        return bytes(self._context.wrap(choice, False).message)

    # -- errors -------------------------------------------------------------------------------

    def _explain(self, error: Any) -> KerberosError:
        """The plain sentence for a failure of the Kerberos library (see :func:`explain`)."""
        return explain(error, host=self._host, service=self._service, user=self._authzid)


# MIT krb5's error codes (krb5.h), as the GSSAPI library reports them in its minor status.
_FCC_NOFILE: Final = -1765328189  # no credentials cache
_CC_NOTFOUND: Final = -1765328243  # the cache holds no matching ticket
_CC_END: Final = -1765328242
_TKT_EXPIRED: Final = -1765328352
_S_PRINCIPAL_UNKNOWN: Final = -1765328377
_C_PRINCIPAL_UNKNOWN: Final = -1765328378
_SKEW: Final = -1765328347
_KDCREP_SKEW: Final = -1765328236
_TKT_NYV: Final = -1765328351  # "ticket not yet valid": a clock ahead of the KDC's
_REALM_UNKNOWN: Final = -1765328230
_REALM_CANT_RESOLVE: Final = -1765328164
_KDC_UNREACH: Final = -1765328228
_HOST_REALM_UNKNOWN: Final = -1765328167
_CONFIG_NODEFREALM: Final = -1765328160

_NO_TICKET_CODES: Final = frozenset({_FCC_NOFILE, _CC_NOTFOUND, _CC_END})
_SKEW_CODES: Final = frozenset({_SKEW, _KDCREP_SKEW, _TKT_NYV})


def explain(error: Any, *, host: str, service: str, user: str) -> KerberosError:
    """Turn a ``gssapi`` error into one of popgui's, with a sentence a person can act on."""
    known = _known_failure(error, host=host, service=service, user=user)
    return known or KerberosError(says.OTHER_FAILURE(detail=_library_text(error)))


def _known_failure(error: Any, *, host: str, service: str, user: str) -> KerberosError | None:
    """The error for the failures popgui can explain; None for the others."""
    gssapi = _gssapi()
    minor = getattr(error, "min_code", 0) or 0
    # The library's minor codes are unsigned; MIT's table is written signed.
    if minor > 0x7FFFFFFF:
        minor -= 1 << 32

    def realm() -> str:  # only for the sentences that name it: it may ask DNS for the host
        return _realm_of(error) or _service_realm(host)

    if minor == _TKT_EXPIRED or isinstance(error, gssapi.exceptions.ExpiredCredentialsError):
        return KerberosTicketError(says.TICKET_EXPIRED(user=user))
    if minor in _NO_TICKET_CODES or isinstance(error, gssapi.exceptions.MissingCredentialsError):
        if ticket_realm := realm():
            return KerberosTicketError(says.NO_TICKET(realm=ticket_realm, user=user))
        return KerberosTicketError(says.NO_TICKET_ANY_REALM(user=user))
    if minor == _S_PRINCIPAL_UNKNOWN:
        return _unknown_service(error, service)
    if minor == _C_PRINCIPAL_UNKNOWN:
        return KerberosError(says.CLIENT_UNKNOWN(principal=_ticket_owner() or user))
    if minor in _SKEW_CODES:
        return KerberosError(says.CLOCK_SKEW())
    if minor in (_REALM_UNKNOWN, _REALM_CANT_RESOLVE):
        return KerberosError(says.UNKNOWN_REALM(realm=realm() or "?"))
    if minor in (_HOST_REALM_UNKNOWN, _CONFIG_NODEFREALM):
        return KerberosError(says.UNKNOWN_REALM_OF_HOST(host=host))
    if minor == _KDC_UNREACH:
        return KdcUnreachableError(says.KDC_UNREACHABLE(realm=realm() or "?"))
    return None


def _unknown_service(error: Any, service: str) -> KerberosError:
    """The realm lacks the mail service, or (``krbtgt/OTHER@MINE`` unknown) the server is in
    another realm that the ticket's realm has no trust with."""
    text = _library_text(error)
    if "krbtgt/" not in text:
        return KerberosError(says.WRONG_SERVICE(service=service))
    other, _, mine = text.split("krbtgt/", 1)[1].split()[0].strip("'\"").partition("@")
    return KerberosError(says.OTHER_REALM(service=service, other=other, mine=mine or "?"))


def _library_text(error: Any) -> str:
    """What the Kerberos library said: its minor (Kerberos) message when it has one, which is
    the telling part ("Server not found in Kerberos database"), else its GSS-API message."""
    try:
        text = str(error.gen_message())
    except Exception:  # the library's own text is a courtesy; its failure must not hide ours
        return type(error).__name__
    major, _, minor = text.partition(", Minor (")
    minor_text = minor.partition("): ")[2].strip()
    if minor_text and "gss_display_status" not in minor_text:
        return minor_text
    return major.partition("): ")[2].strip() or type(error).__name__


def _realm_of(error: Any) -> str:
    """The realm the library names in its message ("... for realm EXAMPLE.ORG"), if any."""
    text = _library_text(error)
    marker = "realm "
    if marker not in text:
        return ""
    word = text.rsplit(marker, 1)[1].strip(" '\"().")
    return word.split()[0].strip("'\"().") if word else ""


def _service_realm(host: str) -> str:
    """The realm this computer maps ``host`` to (krb5.conf's domain_realm), else the ticket's."""
    gssapi = _gssapi()
    try:
        name = gssapi.Name(f"{SERVICE}@{host}", gssapi.NameType.hostbased_service)
        realm = str(name.canonicalize(gssapi.MechType.kerberos)).rpartition("@")[2]
    except gssapi.exceptions.GSSError:
        realm = ""
    return realm or _ticket_owner().rpartition("@")[2]


def _ticket_owner() -> str:
    ticket = current_ticket()
    return ticket.principal if ticket is not None else ""


def _mutual(context: Any, gssapi: ModuleType) -> bool:
    return gssapi.RequirementFlag.mutual_authentication in context.actual_flags
