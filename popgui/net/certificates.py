"""Certificates as a person sees them: who it names, who vouches for it, when it is valid,
its SHA-256 fingerprint, and why a verification failed.

The details are read with the ``cryptography`` package: the standard library describes only
a certificate that passed verification (``getpeercert()`` is empty otherwise), and a refused
or pinned certificate is exactly the one a person must be shown. It is imported only when a
certificate is described (a refusal, a changed pin, Test connection): an ordinary sync, even
with a pinned certificate, needs only its fingerprint, and importing ``cryptography.x509``
takes longer than the rest of the command line's start-up (docs/performance.md).
"""

from __future__ import annotations

import datetime
import hashlib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from popgui.catalog import Message, Sentence
from popgui.catalog import certificates as says
from popgui.checks import fingerprint_pairs
from popgui.errors import CertificateError

if TYPE_CHECKING:
    from cryptography import x509

__all__ = [
    "CertificateInfo",
    "PeerCertificateInfo",
    "certificate_fingerprint",
    "certificate_refused",
    "decode_certificate",
]


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to decide whether to trust a certificate. Dates are UTC."""

    fingerprint: str
    subject: str | None
    issuer: str | None
    not_before: str | None
    not_after: str | None
    subject_alt_names: tuple[str, ...] = ()

    def details(self) -> dict[str, str | None]:
        """The keyword arguments of :class:`~popgui.errors.CertificateError` describing it."""
        return {
            "fingerprint": self.fingerprint,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before,
            "not_after": self.not_after,
        }


@dataclass(frozen=True)
class PeerCertificateInfo:
    """The negotiated TLS parameters and the server's certificate, for "Test connection"."""

    protocol: str
    cipher: str
    certificate: CertificateInfo
    verified_by_pin: bool

    @property
    def subject(self) -> str | None:
        return self.certificate.subject

    @property
    def issuer(self) -> str | None:
        return self.certificate.issuer

    @property
    def not_before(self) -> str | None:
        return self.certificate.not_before

    @property
    def not_after(self) -> str | None:
        return self.certificate.not_after

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint


# -- fingerprints ---------------------------------------------------------------------------


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, as :func:`popgui.checks.normalize_fingerprint` spells it."""
    return fingerprint_pairs(hashlib.sha256(der).hexdigest())


# -- details --------------------------------------------------------------------------------


def decode_certificate(der: bytes) -> CertificateInfo:
    """Describe a DER certificate; unreadable fields are None (the fingerprint never is)."""
    from cryptography import x509

    fingerprint = certificate_fingerprint(der)
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return CertificateInfo(fingerprint, None, None, None, None)
    return CertificateInfo(
        fingerprint=fingerprint,
        subject=_format_name(cert.subject),
        issuer=_format_name(cert.issuer),
        not_before=_format_time(cert.not_valid_before_utc),
        not_after=_format_time(cert.not_valid_after_utc),
        subject_alt_names=_alt_names(cert),
    )


#: Names OpenSSL gives attributes that RFC 4514 has no short name for, by dotted OID.
_LONG_NAMES: Final = {
    "1.2.840.113549.1.9.1": "emailAddress",
    "2.5.4.5": "serialNumber",
    "2.5.4.42": "givenName",
    "2.5.4.4": "surname",
    "2.5.4.12": "title",
}


def _format_name(name: x509.Name) -> str | None:
    """The name's parts in the certificate's order: "CN=x, O=y"."""
    if not name.rdns:
        return None
    parts = []
    for rdn in name.rdns:
        parts.append(
            "+".join(
                f"{_LONG_NAMES.get(part.oid.dotted_string) or part.rfc4514_attribute_name}"
                f"={_text(part.value)}"
                for part in rdn
            )
        )
    return ", ".join(parts)


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.hex(":")


def _format_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _alt_names(cert: x509.Certificate) -> tuple[str, ...]:
    """ "DNS:mail.example.org", "IP Address:192.0.2.1", as OpenSSL lists them."""
    from cryptography import x509

    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (x509.ExtensionNotFound, ValueError):
        return ()
    names: list[str] = []
    for entry in extension.value:
        if isinstance(entry, x509.DNSName):
            names.append(f"DNS:{entry.value}")
        elif isinstance(entry, x509.IPAddress):
            names.append(f"IP Address:{entry.value}")
        elif isinstance(entry, x509.RFC822Name):
            names.append(f"email:{entry.value}")
        elif isinstance(entry, x509.UniformResourceIdentifier):
            names.append(f"URI:{entry.value}")
    return tuple(names)


# -- verification failures ------------------------------------------------------------------

# OpenSSL's X509_V_ERR_* codes, as found in SSLCertVerificationError.verify_code.
_X509_NOT_YET_VALID: Final = 9
_X509_EXPIRED: Final = 10
_X509_SELF_SIGNED: Final = 18
_X509_SELF_SIGNED_IN_CHAIN: Final = 19
_X509_UNKNOWN_ISSUER: Final = frozenset({2, 20, 21})
_X509_REVOKED: Final = 23
_X509_WRONG_PURPOSE: Final = frozenset({24, 26})
_X509_HOST_MISMATCH: Final = 62
_X509_IP_MISMATCH: Final = 64


def certificate_refused(
    exc: ssl.SSLCertVerificationError,
    where: str,
    server_name: str,
    cert: CertificateInfo | None,
) -> CertificateError:
    """The error for a certificate the verification refused, in a person's words, carrying
    the presented certificate's details when they could be read (*cert*)."""
    reason = _verification_reason(exc, server_name, cert)
    error = CertificateError(
        says.NOT_TRUSTED(place=where, reason=reason), **(cert.details() if cert else {})
    )
    error.__cause__ = exc
    return error


#: The reasons without a value, by OpenSSL code.
_FIXED_REASONS: Final[dict[int, Message]] = {
    _X509_SELF_SIGNED: says.SELF_SIGNED,
    _X509_SELF_SIGNED_IN_CHAIN: says.UNTRUSTED_AUTHORITY,
    **dict.fromkeys(_X509_UNKNOWN_ISSUER, says.UNKNOWN_AUTHORITY),
    _X509_REVOKED: says.REVOKED,
    **dict.fromkeys(_X509_WRONG_PURPOSE, says.WRONG_PURPOSE),
}


def _verification_reason(
    exc: ssl.SSLCertVerificationError, server_name: str, cert: CertificateInfo | None
) -> Sentence:
    code = exc.verify_code
    if code == _X509_EXPIRED:
        if cert and cert.not_after:
            return says.EXPIRED_ON(date=cert.not_after)
        return says.EXPIRED()
    if code == _X509_NOT_YET_VALID:
        if cert and cert.not_before:
            return says.NOT_VALID_BEFORE(date=cert.not_before)
        return says.NOT_VALID_YET()
    if code in (_X509_HOST_MISMATCH, _X509_IP_MISMATCH):
        return _other_name(code == _X509_IP_MISMATCH, server_name, cert)
    fixed = _FIXED_REASONS.get(code)
    if fixed is not None:
        return fixed()
    return says.NOT_VERIFIED(detail=exc.verify_message or exc.reason or str(exc))


def _other_name(address: bool, server_name: str, cert: CertificateInfo | None) -> Sentence:
    if cert and cert.subject_alt_names:
        listed = ", ".join(name.split(":", 1)[1] for name in cert.subject_alt_names)
        listing = says.OTHER_ADDRESS_LISTED if address else says.OTHER_NAME_LISTED
        return listing(server=server_name, names=listed)
    return (says.OTHER_ADDRESS if address else says.OTHER_NAME)(server=server_name)
