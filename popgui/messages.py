"""Plain-language wording for errors, shared by the command line and the window.

The wording is chosen from the error's type and attributes, never by parsing its text.
"""

from __future__ import annotations

from popgui.catalog import Sentence, Translate, hints
from popgui.destinations.base import DestinationError, DestinationLoginError, MessagesRefusedError
from popgui.errors import (
    AccountBusyError,
    CancelledError,
    CertificateError,
    ConfigError,
    CredentialsError,
    DeliveryError,
    KeyringUnavailableError,
    LocalProtocolError,
    MigrationSuspectedError,
    NetworkError,
    PopguiError,
    RemoteProtocolError,
    ServerError,
)
from popgui.net.kerberos import (
    KdcUnreachableError,
    KerberosError,
    KerberosRefusedError,
    KerberosTicketError,
)
from popgui.oauth.errors import (
    OAuthConfigError,
    OAuthError,
    SignInCancelledError,
    SignInRequiredError,
)


def describe(error: PopguiError, translate: Translate | None = None) -> str:
    """One or two sentences for a person, with what to do about it where there is something.

    English, or the language of ``translate`` (the window passes Qt's translation).
    """
    hint = _hint(error)
    if hint is None:
        return error.render(translate)
    return hints.WITH_HINT(error=error.render(translate), hint=hint).render(translate)


def _hint(error: PopguiError) -> Sentence | None:
    if isinstance(error, CertificateError):
        if error.fingerprint:
            return hints.TRUST_CERTIFICATE(fingerprint=error.fingerprint)
        return None
    if isinstance(error, KeyringUnavailableError):
        return None
    if isinstance(error, OAuthError):
        return None  # its text says what to do: sign in again, ask an administrator...
    if isinstance(error, KerberosError | KerberosRefusedError):
        return None  # its text says what to do: kinit, the clock, the server's name, the user
    if isinstance(error, CredentialsError):
        return hints.FIX_PASSWORD()
    if isinstance(error, ServerError):
        return hints.TRY_LATER() if error.is_temporary else None
    if isinstance(error, AccountBusyError | CancelledError | ConfigError | MigrationSuspectedError):
        return None
    if isinstance(error, NetworkError):
        return hints.NETWORK()
    if isinstance(error, RemoteProtocolError):
        return hints.SERVER_MISBEHAVED()
    if isinstance(error, LocalProtocolError):
        return hints.BUG()
    if isinstance(error, DeliveryError):
        return hints.DISK()
    return None


def error_kind(error: PopguiError | None) -> str | None:
    """A stable machine-readable category for JSON output."""
    if error is None:
        return None
    kinds: list[tuple[type[PopguiError], str]] = [
        # The destination's (--deliver) before the POP server's: a script must tell them apart.
        (DestinationLoginError, "destination-login"),
        (MessagesRefusedError, "destination-refused"),
        (DestinationError, "destination"),
        (CertificateError, "certificate"),
        (KeyringUnavailableError, "keyring"),
        # Sign-in errors first: a script must tell "run popgui account login" from a password.
        (SignInRequiredError, "sign-in-required"),
        (SignInCancelledError, "cancelled"),
        (OAuthConfigError, "config"),
        (OAuthError, "oauth"),
        (CredentialsError, "credentials"),
        # Kerberos: "run kinit" apart from what an administrator or the clock must fix.
        (KdcUnreachableError, "network"),
        (KerberosTicketError, "kerberos-ticket"),
        (KerberosError, "kerberos"),
        (NetworkError, "network"),
        (AccountBusyError, "busy"),
        (CancelledError, "cancelled"),
        (ConfigError, "config"),
        (DeliveryError, "disk"),
        (MigrationSuspectedError, "migration"),
        (RemoteProtocolError, "protocol"),
        (LocalProtocolError, "bug"),
    ]
    if isinstance(error, ServerError):
        return "try-later" if error.is_temporary else "server"
    for kind, name in kinds:
        if isinstance(error, kind):
            return name
    return "error"
