"""Plain-language wording for errors, shared by the command line and the window.

The wording is chosen from the error's type and attributes, never by parsing its text.
"""

from __future__ import annotations

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
from popgui.oauth.errors import OAuthError


def describe(error: PopguiError) -> str:
    """One or two sentences for a person, with what to do about it where there is something."""
    text = str(error)
    hint = _hint(error)
    return f"{text}. {hint}" if hint else text


def _hint(error: PopguiError) -> str:
    if isinstance(error, CertificateError):
        if error.fingerprint:
            return (
                "If you are sure this is your server, trust this exact certificate with "
                f"--fingerprint {error.fingerprint}"
            )
        return ""
    if isinstance(error, KeyringUnavailableError):
        return ""
    if isinstance(error, OAuthError):
        return ""  # its text says what to do: sign in again, ask an administrator...
    if isinstance(error, CredentialsError):
        return "Fix the password with `popgui account add NAME ... --password-stdin --replace`"
    if isinstance(error, ServerError):
        if error.is_temporary:
            return "The server asks to try again later; nothing was lost"
        return ""
    if isinstance(error, AccountBusyError | CancelledError | ConfigError | MigrationSuspectedError):
        return ""
    if isinstance(error, NetworkError):
        return "Nothing was lost; the next sync carries on where this one stopped"
    if isinstance(error, RemoteProtocolError):
        return (
            "The server misbehaved; nothing that is not safely stored here was deleted on it, "
            "and the next sync will try again"
        )
    if isinstance(error, LocalProtocolError):
        return "This is a popgui bug; please report it with the output of --debug"
    if isinstance(error, DeliveryError):
        return (
            "Free some disk space or fix the folder's permissions; "
            "nothing was deleted on the server"
        )
    return ""


def error_kind(error: PopguiError | None) -> str | None:
    """A stable machine-readable category for JSON output."""
    if error is None:
        return None
    kinds: list[tuple[type[PopguiError], str]] = [
        (CertificateError, "certificate"),
        (KeyringUnavailableError, "keyring"),
        (CredentialsError, "credentials"),
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
