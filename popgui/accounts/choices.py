"""The values an account setting can take: written once, for the settings, the command line
and the account dialog.

A module of its own, with nothing but these names, so that the command line's grammar (read
by every ``popgui`` command, ``--version`` included) does not load the settings machinery.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "AUTH_METHODS",
    "POP2_AUTH",
    "POP2_SECURITY",
    "AuthMethod",
    "PasswordSource",
    "Policy",
    "Protocol",
    "Security",
]

Protocol = Literal["pop3", "pop2"]
Security = Literal["tls", "starttls", "none"]
AuthMethod = Literal[
    "auto",
    "user",
    "apop",
    "plain",
    "login",
    "cram-md5",
    "scram-sha-1",
    "scram-sha-256",
    "xoauth2",
    "oauth2",  # an OAuth2 access token: OAUTHBEARER when offered, else XOAUTH2
]
#: Every ``auth`` setting, in the order a front end offers them (the command line's choices,
#: the account dialog's list).
AUTH_METHODS: tuple[str, ...] = get_args(AuthMethod)
PasswordSource = Literal["keyring", "command"]
Policy = Literal["keep", "delete", "delete-after-days"]

#: Authentication methods a POP2 server can do: only ``HELO user password``.
POP2_AUTH: frozenset[str] = frozenset({"auto", "user"})
#: POP2 has no STARTTLS; implicit TLS (a tunnel) is allowed.
POP2_SECURITY: frozenset[str] = frozenset({"tls", "none"})
