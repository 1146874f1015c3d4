"""The typed errors every layer raises.

Front ends (the command line, the window) choose their wording and retry policy from the
*type* of an error and its attributes, never by parsing its text. ``str(error)`` is a sentence
a non-expert can read; it never contains a password or a token.
"""

from __future__ import annotations

from popgui.catalog import Sentence, Translate, render
from popgui.catalog.core import (
    NO_REASON,
    SERVER_REFUSED,
    SERVER_REFUSED_COMMAND,
    SERVER_REPLY_CODE,
)


class PopguiError(Exception):
    """Base of every error popgui reports to a person.

    Raised with a catalog :class:`~popgui.catalog.Sentence`, so that the window can show it in
    the person's language (:meth:`render`); ``str()`` is the English sentence.
    """

    def __init__(self, message: str | Sentence = "") -> None:
        super().__init__(str(message))
        self.sentence = message if isinstance(message, Sentence) else None

    def render(self, translate: Translate | None = None) -> str:
        """The sentence in the language of ``translate`` (English without one)."""
        return self.sentence.render(translate) if self.sentence is not None else str(self)


class ConfigError(PopguiError):
    """A setting or an argument is wrong (bad host name, CR/LF in a field, unknown account...)."""


class SettingError(ConfigError):
    """One setting of an account is wrong: ``setting`` is its name in the settings file
    (``"host"``, ``"password_command"``...), so a form can point at the field."""

    def __init__(self, message: str | Sentence, *, setting: str) -> None:
        super().__init__(message)
        self.setting = setting


class UsageError(ConfigError):
    """The command line was used wrongly (unknown account, invalid value): exit status 2."""


class CredentialsError(PopguiError):
    """The server refused the user name or password, or no password could be obtained."""


class KeyringUnavailableError(CredentialsError):
    """No usable system keyring: the message names the alternatives."""


class NetworkError(PopguiError):
    """Connecting failed, the connection dropped, or a read timed out."""


class CertificateError(NetworkError):
    """The server's TLS certificate is not trusted.

    The details let a front end offer to pin this exact certificate.
    """

    def __init__(
        self,
        message: str | Sentence,
        *,
        fingerprint: str | None = None,
        subject: str | None = None,
        issuer: str | None = None,
        not_before: str | None = None,
        not_after: str | None = None,
        pinned_fingerprint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.fingerprint = fingerprint
        self.subject = subject
        self.issuer = issuer
        self.not_before = not_before
        self.not_after = not_after
        self.pinned_fingerprint = pinned_fingerprint


class ProtocolError(PopguiError):
    """Base of the protocol errors; after one, the connection refuses further use."""


class RemoteProtocolError(ProtocolError):
    """The server sent something the protocol does not allow."""


class LocalProtocolError(ProtocolError):
    """popgui tried to use the protocol in a way it does not allow (a bug, or bad user input)."""


#: RFC 2449/3206 response codes that mean "not now, try again later".
TEMPORARY_CODES = frozenset({"IN-USE", "LOGIN-DELAY", "SYS/TEMP"})


class ServerError(PopguiError):
    """The server answered ``-ERR`` (POP3) or ``-`` (POP2).

    ``code`` is the RFC 2449 response code without brackets (``"IN-USE"``, ``"AUTH"``...),
    or None. ``command`` is the command that was refused (``"RETR"``...).
    """

    def __init__(self, text: str, *, code: str | None = None, command: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.code = code
        self.command = command

    @property
    def is_temporary(self) -> bool:
        """True when the server asks to try again later rather than reporting a fault."""
        return self.code is not None and self.code.upper() in TEMPORARY_CODES

    @property
    def is_credentials(self) -> bool:
        return self.code is not None and self.code.upper() == "AUTH"

    def __str__(self) -> str:
        return self.render()

    def render(self, translate: Translate | None = None) -> str:
        text: str | Sentence = self.text or NO_REASON()
        reply = (
            SERVER_REPLY_CODE(code=self.code, text=text).render(translate)
            if self.code
            else render(text, translate)
        )
        if self.command:
            return SERVER_REFUSED_COMMAND(command=self.command, reply=reply).render(translate)
        return SERVER_REFUSED(reply=reply).render(translate)


class DeliveryError(PopguiError):
    """Writing mail or state to the local disk failed (disk full, read-only, permissions)."""


class AccountBusyError(PopguiError):
    """Another sync of the same account is running."""


class CancelledError(PopguiError):
    """The user cancelled; nothing half-done was kept."""


class MigrationSuspectedError(PopguiError):
    """Most known UIDLs vanished and as many unknown appeared: the server probably renumbered.

    Nothing was downloaded or deleted. The counts let a front end ask the question plainly:
    ``previously_seen`` UIDLs were listed last time (minus those popgui deleted),
    ``vanished`` of them are gone, ``unknown`` never-seen UIDLs appeared.
    """

    def __init__(
        self,
        message: str | Sentence,
        *,
        previously_seen: int = 0,
        vanished: int = 0,
        unknown: int = 0,
    ) -> None:
        super().__init__(message)
        self.previously_seen = previously_seen
        self.vanished = vanished
        self.unknown = unknown
