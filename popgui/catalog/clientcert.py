"""Sentences about the TLS client certificate an account shows the server
(:mod:`popgui.net.clientcert`, :mod:`popgui.accounts.clientcert_settings`)."""

from __future__ import annotations

from popgui.catalog import Message

# -- the settings -------------------------------------------------------------------------------
EMPTY = Message("clientcert.empty", "{setting} is empty: name a PEM file, or leave it out")
KEY_WITHOUT_CERT = Message(
    "clientcert.key-without-cert", "{setting} is only used with client_cert (the certificate)"
)
PASSWORD_WITHOUT_CERT = Message(
    "clientcert.password-without-cert",
    "{setting} is only used with client_cert (a certificate whose key is encrypted)",
)
COMMAND_EMPTY = Message(
    "clientcert.command-empty",
    "{setting} is empty: name the command that prints the key's passphrase",
)
COMMAND_UNUSED = Message(
    "clientcert.command-unused",
    "{setting} is only used with client_key_password_source command",
)
NEEDS_TLS = Message(
    "clientcert.needs-tls",
    "a client certificate is shown only over an encrypted connection: use security tls or starttls",
)

# -- the files ----------------------------------------------------------------------------------
THE_CERTIFICATE = Message("clientcert.the-certificate", "the client certificate {path}")
THE_KEY = Message("clientcert.the-key", "the client certificate's key {path}")
FILE_MISSING = Message("clientcert.file-missing", "{file} does not exist")
FILE_UNREADABLE = Message("clientcert.file-unreadable", "{file} cannot be read: {reason}")
NOT_PEM_CERTIFICATE = Message(
    "clientcert.not-pem-certificate",
    "{file} holds no certificate in PEM form (a text file starting with "
    "-----BEGIN CERTIFICATE-----)",
)
NOT_PEM_KEY = Message(
    "clientcert.not-pem-key",
    "{file} holds no private key in PEM form (-----BEGIN PRIVATE KEY----- or the like): give "
    "the key's file with --client-key",
)
UNUSABLE = Message("clientcert.unusable", "{file} cannot be used: {detail}")
KEY_MISMATCH = Message(
    "clientcert.key-mismatch",
    "the key {key} does not belong to the client certificate {cert}: give the certificate's "
    "own key",
)
PASSPHRASE_NEEDED = Message(
    "clientcert.passphrase-needed",
    "the key {key} is encrypted and popgui was given no passphrase for it: add "
    "--client-key-password-stdin or --client-key-password-command",
)
PASSPHRASE_WRONG = Message(
    "clientcert.passphrase-wrong", "the passphrase does not unlock the key {key}"
)
PASSPHRASE_UNAVAILABLE = Message(
    "clientcert.passphrase-unavailable", "the passphrase of the key {key} is not at hand: {reason}"
)

# -- the server's answer ------------------------------------------------------------------------
REQUIRED = Message(
    "clientcert.required",
    "the server at {place} asks for a client certificate: give one with --client-cert",
)
REFUSED = Message(
    "clientcert.refused",
    "the server at {place} did not accept the client certificate {subject} (issued by "
    "{issuer}): {reason}",
)
# Why: the {reason} of REFUSED.
REASON_EXPIRED_ON = Message("clientcert.reason-expired-on", "it expired on {date}")
REASON_EXPIRED = Message("clientcert.reason-expired", "the server says it expired")
REASON_UNKNOWN_CA = Message(
    "clientcert.reason-unknown-ca",
    "the server does not trust the authority that issued it ({issuer})",
)
REASON_REVOKED = Message("clientcert.reason-revoked", "the server says it has been revoked")
REASON_SERVER_SAID = Message("clientcert.reason-server-said", "the server said: {reply}")
REASON_ALERT = Message(
    "clientcert.reason-alert",
    "the server refused it ({alert}); ask its administrator which certificates it accepts",
)

# -- Test connection ----------------------------------------------------------------------------
OFFERED = Message(
    "clientcert.offered",
    "Client certificate offered: {subject}, issued by {issuer}, valid until {until}.",
)
OFFERED_EXPIRED = Message(
    "clientcert.offered-expired",
    "Client certificate offered: {subject}, issued by {issuer}; it expired on {until}.",
)
