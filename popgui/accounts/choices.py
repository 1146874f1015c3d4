"""The values an account setting can take: written once, for the settings, the command line
and the account dialog.

A module of its own, with nothing but these names, so that the command line's grammar (read
by every ``popgui`` command, ``--version`` included) does not load the settings machinery.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "AUTH_METHODS",
    "OAUTH_PROVIDERS",
    "POP2_AUTH",
    "POP2_SECURITY",
    "AuthMethod",
    "ClientKeyPasswordSource",
    "DeliverAuth",
    "DeliverSecurity",
    "FirstSync",
    "OAuthProvider",
    "PasswordSource",
    "Policy",
    "Protocol",
    "Security",
]

Protocol = Literal["pop3", "pop2"]
Security = Literal["tls", "starttls", "none"]
AuthMethod = Literal[
    "auto", "user", "apop", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256",
    "xoauth2", "oauth2", "gssapi",
]  # fmt: skip
# xoauth2: the "password" is an OAuth2 access token (from a password command); oauth2: popgui
# signs in with the provider and keeps the tokens in the keyring, and logs in with OAUTHBEARER
# when the server offers it, else XOAUTH2; gssapi: Kerberos 5, with the person's ticket (no
# password).
#: Every ``auth`` setting, in the order a front end offers them (the command line's choices,
#: the account dialog's list).
AUTH_METHODS: tuple[str, ...] = get_args(AuthMethod)
#: keyring: the system keyring; command: a command prints it; file: a file in the profile that
#: only its owner may read (where no keyring runs, and the person chose it knowingly).
PasswordSource = Literal["keyring", "command", "file"]
#: Who signs an ``oauth2`` account in: Microsoft (Outlook.com, Microsoft 365), Google (Gmail),
#: or any provider whose issuer publishes a discovery document (RFC 8414 / OpenID).
OAuthProvider = Literal["microsoft", "google", "custom"]
OAUTH_PROVIDERS: tuple[str, ...] = get_args(OAuthProvider)
Policy = Literal["keep", "delete", "delete-after-days"]
#: What an account's first sync downloads: everything, only mail that arrives after the account
#: was added, or mail dated on or after a day (``Account.first_sync_since``).
FirstSync = Literal["all", "new", "since"]

#: How the connection to a destination (``--deliver``) is protected: TLS required (implicit for
#: imaps://, STARTTLS otherwise) or clear text allowed.
DeliverSecurity = Literal["tls", "none"]
#: How popgui signs in to an IMAP destination: a password (from the keyring, a command or a
#: file), or OAuth2 (Gmail, Outlook.com: ``popgui account login NAME --deliver``).
DeliverAuth = Literal["password", "oauth2"]

#: Authentication methods a POP2 server can do: only ``HELO user password``.
POP2_AUTH: frozenset[str] = frozenset({"auto", "user"})
#: POP2 has no STARTTLS; implicit TLS (a tunnel) is allowed.
POP2_SECURITY: frozenset[str] = frozenset({"tls", "none"})

#: Where the passphrase of an encrypted client certificate key comes from: nowhere (the key is
#: not encrypted), the system keyring, or a command that prints it.
ClientKeyPasswordSource = Literal["none", "keyring", "command"]
