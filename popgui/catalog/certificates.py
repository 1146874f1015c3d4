"""Sentences about the server's TLS certificate (:mod:`popgui.net.certificates`, the pin check
of :mod:`popgui.net.transport`)."""

from __future__ import annotations

from popgui.catalog import Message

NOT_TRUSTED = Message(
    "certificates.not-trusted", "the certificate of {place} is not trusted: {reason}"
)
NO_CERTIFICATE = Message(
    "certificates.no-certificate", "the server at {place} presented no certificate"
)
#: The first sentence of CHANGED, alone: what the certificate dialog shows above both prints.
CHANGED_SHORT = Message(
    "certificates.changed-short",
    "the certificate of {place} has changed since you chose to trust it",
)
CHANGED = Message(
    "certificates.changed",
    "{changed}. Someone may be intercepting the connection, or the server has a new certificate. "
    "Trusted fingerprint: {pinned}. Presented fingerprint: {presented}.",
)

# Why verification failed: the {reason} of NOT_TRUSTED.
EXPIRED_ON = Message("certificates.expired-on", "it expired on {date}")
EXPIRED = Message("certificates.expired", "it expired")
NOT_VALID_BEFORE = Message("certificates.not-valid-before", "it is not valid before {date}")
NOT_VALID_YET = Message("certificates.not-valid-yet", "it is not valid yet")
SELF_SIGNED = Message(
    "certificates.self-signed", "it is self-signed, so no known authority vouches for it"
)
UNTRUSTED_AUTHORITY = Message(
    "certificates.untrusted-authority",
    "it was issued by an authority this computer does not trust",
)
UNKNOWN_AUTHORITY = Message(
    "certificates.unknown-authority", "it was issued by an authority this computer does not know"
)
OTHER_NAME = Message("certificates.other-name", "it was issued for another name, not {server}")
OTHER_NAME_LISTED = Message(
    "certificates.other-name-listed",
    "it was issued for another name, not {server} (it is valid for {names})",
)
OTHER_ADDRESS = Message(
    "certificates.other-address", "it was issued for another address, not {server}"
)
OTHER_ADDRESS_LISTED = Message(
    "certificates.other-address-listed",
    "it was issued for another address, not {server} (it is valid for {names})",
)
REVOKED = Message("certificates.revoked", "it has been revoked")
WRONG_PURPOSE = Message("certificates.wrong-purpose", "it is not meant to identify a server")
NOT_VERIFIED = Message("certificates.not-verified", "it could not be verified ({detail})")
