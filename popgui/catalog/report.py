"""Sentences of the "Test connection" report (:mod:`popgui.sync.diagnose`): the security
setting in words and the notes for the person."""

from __future__ import annotations

from popgui.catalog import Message

# The account's security setting, in words.
SECURITY_TLS = Message("report.security-tls", "TLS from the start (implicit TLS)")
SECURITY_STARTTLS = Message(
    "report.security-starttls", "STARTTLS (upgrade to TLS, never fall back)"
)
SECURITY_NONE = Message("report.security-none", "none: unencrypted")

# -- notes ------------------------------------------------------------------------------------
NOT_ENCRYPTED = Message(
    "report.not-encrypted",
    "The connection is not encrypted: the password and all mail cross the network readable "
    "by anyone on the way.",
)
NO_PASSWORD = Message("report.no-password", "No password given: the login was not tried.")
PINNED = Message(
    "report.pinned",
    "The certificate is trusted because its fingerprint matches the one you chose to trust "
    "(the certificate authority was not checked).",
)
NO_CAPA = Message(
    "report.no-capa",
    "The server does not answer CAPA (a plain RFC 1939 server): popgui assumes USER/PASS and "
    "no pipelining.",
)
LOGIN_DELAY = Message(
    "report.login-delay",
    "The server allows one login {every} (LOGIN-DELAY): checking more often is refused.",
)
# The {every} of LOGIN_DELAY.
EVERY_HOUR = Message("report.every-hour", "every hour")
EVERY_HOURS = Message("report.every-hours", "every {count} hour(s)", plural=True)
EVERY_MINUTE = Message("report.every-minute", "every minute")
EVERY_MINUTES = Message("report.every-minutes", "every {count} minute(s)", plural=True)
#: A sentence of another layer (why a login method is not used), as a note.
FULL_STOP = Message("report.full-stop", "{sentence}.")
UNKNOWN_METHOD = Message(
    "report.unknown-method", "{method} is not a login method popgui knows; it will not be used."
)
OAUTH = Message(
    "report.oauth",
    "This server takes OAuth2 sign-in (OAUTHBEARER or XOAUTH2): use the oauth2 method and sign "
    "in with `popgui account login NAME` (auto never uses it).",
)
NOT_ENCRYPTED_NO_PASSWORD = Message(
    "report.not-encrypted-no-password",
    "The connection is not encrypted: your Kerberos ticket is safe, but all mail crosses the "
    "network readable by anyone on the way.",
)
CLEAR_TEXT = Message(
    "report.clear-text", "Without TLS, USER, PLAIN and LOGIN send the password in clear text."
)
AUTO_CANNOT = Message("report.auto-cannot", "auto cannot log in here: {error}.")
LOGGED_IN = Message(
    "report.logged-in", "Logged in with {method}; {messages} waiting on the server."
)
MESSAGES = Message("report.messages", "{count} message(s)", plural=True)
POP2_NO_CAPA = Message(
    "report.pop2-no-capa",
    "POP2 (RFC 937) has no capability list; it logs in with HELO (user name and password, "
    "sent as they are).",
)
POP2_LOGGED_IN = Message("report.pop2-logged-in", "Logged in; {messages} in {where}.")
# The {where} of POP2_LOGGED_IN.
IN_FOLDER = Message("report.in-folder", "folder {folder}")
IN_MAILBOX = Message("report.in-mailbox", "the mailbox")
CERTIFICATE_DIFFERS = Message(
    "report.certificate-differs",
    "The certificate differs from the one you chose to trust. Trust the new one only if you "
    "know the server changed its certificate.",
)
CAN_TRUST = Message(
    "report.can-trust",
    "If this is your server, you can trust this exact certificate: its fingerprint is then "
    "saved with the account.",
)
TRY_LATER = Message(
    "report.try-later", "The server asks to try again later; this is not a wrong password."
)
