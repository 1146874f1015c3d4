"""Sentences about signing in with Kerberos 5 (:mod:`popgui.net.kerberos`, ``auth = gssapi``).

Each failure says what the person can do: run ``kinit``, check the server's name or the
computer's clock, or ask the administrator. ``{user}`` is the account's user name,
``{principal}`` a Kerberos name such as ``alice@EXAMPLE.ORG``, ``{service}`` the mail
service's name (``pop/mail.example.org``), ``{realm}`` a realm (``EXAMPLE.ORG``).
"""

from __future__ import annotations

from popgui.catalog import Message

NEEDS_PACKAGE = Message(
    "kerberos.needs-package",
    "signing in with Kerberos needs the Python package gssapi, which is not installed: "
    "install it with pip install 'popgui[kerberos]' (on Debian and Ubuntu it builds against "
    "the libkrb5-dev package; on Fedora, krb5-devel)",
)
NO_TICKET = Message(
    "kerberos.no-ticket",
    "no Kerberos ticket for {realm}: run kinit {user}, or sign in to your desktop's Kerberos",
)
NO_TICKET_ANY_REALM = Message(
    "kerberos.no-ticket-any-realm",
    "no Kerberos ticket: run kinit {user}, or sign in to your desktop's Kerberos",
)
TICKET_EXPIRED = Message(
    "kerberos.ticket-expired",
    "your Kerberos ticket has expired: run kinit {user} to get a new one, or sign in to your "
    "desktop's Kerberos again",
)
WRONG_SERVICE = Message(
    "kerberos.wrong-service",
    "the Kerberos realm does not know the mail service {service}: check that the server's "
    "name is the one its administrator gave (often the full name, such as "
    "mail.example.org), or ask the administrator to add {service} to the realm",
)
OTHER_REALM = Message(
    "kerberos.other-realm",
    "the mail service {service} is in the Kerberos realm {other}, and your ticket's realm "
    "{mine} has no trust with it: get a ticket of {other} (kinit NAME@{other}), or ask the "
    "administrator",
)
CLOCK_SKEW = Message(
    "kerberos.clock-skew",
    "this computer's clock is too far from the Kerberos server's (Kerberos allows about "
    "5 minutes): set the date, time and time zone right, or turn on automatic time, then "
    "try again",
)
UNKNOWN_REALM = Message(
    "kerberos.unknown-realm",
    "this computer does not know where to find the Kerberos server of realm {realm}: "
    "the realm's name may be misspelt, or this computer's Kerberos settings "
    "(/etc/krb5.conf) lack it",
)
UNKNOWN_REALM_OF_HOST = Message(
    "kerberos.unknown-realm-of-host",
    "this computer does not know which Kerberos realm {host} belongs to: its Kerberos "
    "settings (/etc/krb5.conf) need a domain_realm line for it",
)
KDC_UNREACHABLE = Message(
    "kerberos.kdc-unreachable",
    "the Kerberos server of realm {realm} does not answer: check the network connection "
    "(a VPN may be needed outside the office), then try again",
)
CLIENT_UNKNOWN = Message(
    "kerberos.client-unknown",
    "the Kerberos realm no longer knows {principal}: ask the administrator, then run kinit again",
)
OTHER_FAILURE = Message(
    "kerberos.other-failure",
    "Kerberos sign-in failed: {detail}",
)
SERVER_NOT_PROVEN = Message(
    "kerberos.server-not-proven",
    "the mail server did not prove that it is {service} (Kerberos mutual authentication "
    "failed): the connection may be intercepted; nothing was sent",
)
NO_SECURITY_LAYER_OFFER = Message(
    "kerberos.no-layer-offer",
    "the mail server's Kerberos security-layer offer does not allow a connection without a "
    "layer, which popgui uses (RFC 4752); it offered {offer}",
)
BAD_LAYER_MESSAGE = Message(
    "kerberos.bad-layer-message",
    "the mail server's Kerberos security-layer offer is not 4 bytes long (RFC 4752)",
)
UNPROTECTED_LAYER_MESSAGE = Message(
    "kerberos.unprotected-layer-message",
    "the mail server sent its Kerberos security-layer offer without integrity protection",
)
EXCHANGE_TOO_LONG = Message(
    "kerberos.exchange-too-long",
    "the mail server went on with the Kerberos exchange after it was complete",
)
NOT_FINISHED = Message(
    "kerberos.not-finished",
    "the mail server accepted the Kerberos sign-in before the exchange was complete",
)
REFUSED_CHECK = Message(
    "kerberos.refused-check",
    "check that the Kerberos ticket's owner ({principal}) may read the mailbox of {user}: "
    "the user name in the account may need to be the name before the @ of the ticket",
)
NEEDS_TICKET_HERE = Message(
    "kerberos.needs-ticket-here",
    "GSSAPI (Kerberos) needs a Kerberos ticket on this computer (run kinit) and the Python "
    "package gssapi (pip install 'popgui[kerberos]')",
)
NOT_FOR_POP2 = Message(
    "kerberos.not-for-pop2",
    "POP2 servers cannot sign in with Kerberos; only POP3 servers that offer GSSAPI can",
)
# What `popgui account show` and the account dialog say about the ticket.
TICKET_OF = Message("kerberos.ticket-of", "{principal}, valid until {expires}")
TICKET_OF_UNKNOWN_END = Message("kerberos.ticket-of-unknown-end", "{principal}")
NO_TICKET_NOW = Message("kerberos.no-ticket-now", "none: run kinit {user} before a sync")
TICKET_EXPIRED_NOW = Message("kerberos.ticket-expired-now", "expired: run kinit {user}")
TICKET_NOTE = Message(
    "kerberos.ticket-note", "GSSAPI signs in with your Kerberos ticket; your ticket: {ticket}."
)
SIGNED_IN_AS = Message("kerberos.signed-in-as", "signed in with Kerberos as {principal}")
