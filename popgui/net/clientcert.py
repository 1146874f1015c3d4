"""The TLS client certificate an account shows the server, and the server's answer in words.

:class:`ClientCertificate` names the PEM files; :func:`load_client_certificate` puts them into
the TLS context that :func:`popgui.net.transport.make_tls_context` makes, after checking them
one by one, because OpenSSL's own complaint ("PEM lib") does not say which file is wrong or
whether the passphrase is. An encrypted key's passphrase is asked for (``passphrase()``: the
keyring or a command, see :func:`passphrase_source`) only when the key is encrypted, and
only when a connection is made, so on the caller's thread: never the GUI's.

A server that wants a certificate, or does not accept the one shown, says so in one of two
ways: a TLS alert (``certificate required``, ``bad certificate``, ``unknown CA``,
``certificate expired``…), which under TLS 1.3 arrives only at the first read after the
handshake (the POP greeting, or the reply after STLS), or, like Dovecot with
``auth_ssl_require_client_cert``, a refused login ("Client didn't present valid SSL
certificate"). :func:`alert_error` and :func:`login_refused` turn both into a
:class:`ClientCertificateError` that says which, and what to do.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from popgui.catalog import Message, Sentence
from popgui.catalog import clientcert as says
from popgui.errors import ConfigError, CredentialsError, PopguiError, SettingError

if TYPE_CHECKING:
    from popgui.accounts.choices import PasswordSource
    from popgui.accounts.settings import Account
    from popgui.net.certificates import CertificateInfo

__all__ = [
    "ClientCertificate",
    "ClientCertificateError",
    "alert_error",
    "client_certificate",
    "has_expired",
    "load_client_certificate",
    "login_refused",
    "passphrase_account",
]

_CERTIFICATE: Final = re.compile(
    r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----"
)
_PRIVATE_KEY: Final = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_ENCRYPTED: Final = re.compile(r"-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED")
#: Larger than any certificate chain with its key: a bigger file is not one.
_MAX_FILE: Final = 1 << 20


class ClientCertificateError(SettingError):
    """The server asked for a client certificate and got none, or did not accept the one
    shown: the person must give one (the ``client_cert`` setting), nothing to retry."""

    def __init__(self, message: str | Sentence) -> None:
        super().__init__(message, setting="client_cert")


@dataclass(frozen=True)
class ClientCertificate:
    """The PEM files of a client certificate; ``key`` None: the key is in ``cert``'s file.

    ``passphrase`` gives an encrypted key's passphrase (it may block: a keyring, a command);
    it is called only for an encrypted key.
    """

    cert: str
    key: str | None = None
    passphrase: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def cert_path(self) -> Path:
        return Path(self.cert).expanduser()

    @property
    def key_path(self) -> Path:
        return Path(self.key).expanduser() if self.key else self.cert_path

    def describe(self) -> CertificateInfo | None:
        """The first certificate of the file (the client's own), or None when unreadable."""
        from popgui.net.certificates import decode_certificate

        try:
            text = _read(self.cert_path, says.THE_CERTIFICATE, "client_cert")
            found = _CERTIFICATE.search(text)
            if found is None:
                return None
            return decode_certificate(ssl.PEM_cert_to_DER_cert(found.group(0)))
        except (PopguiError, ValueError):
            return None


# -- loading ------------------------------------------------------------------------------------


def load_client_certificate(context: ssl.SSLContext, client: ClientCertificate) -> None:
    """Load the certificate and its key into *context*, or raise a SettingError naming the
    file and what is wrong with it (missing, unreadable, not PEM, another certificate's key,
    no or a wrong passphrase)."""
    cert_text = _read(client.cert_path, says.THE_CERTIFICATE, "client_cert")
    cert_file = says.THE_CERTIFICATE(path=client.cert_path)
    if _CERTIFICATE.search(cert_text) is None:
        raise SettingError(says.NOT_PEM_CERTIFICATE(file=cert_file), setting="client_cert")
    key_setting = "client_key" if client.key else "client_cert"
    key_file = says.THE_KEY(path=client.key_path)
    key_text = _read(client.key_path, says.THE_KEY, key_setting) if client.key else cert_text
    if _PRIVATE_KEY.search(key_text) is None:
        raise SettingError(says.NOT_PEM_KEY(file=key_file), setting=key_setting)
    encrypted = _ENCRYPTED.search(key_text) is not None
    password = _passphrase(client) if encrypted else None
    try:
        context.load_cert_chain(client.cert_path, client.key_path, password=password)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            mismatch = says.KEY_MISMATCH(key=client.key_path, cert=client.cert_path)
            raise SettingError(mismatch, setting=key_setting) from None
        if encrypted:
            wrong = says.PASSPHRASE_WRONG(key=client.key_path)
            raise SettingError(wrong, setting="client_key_password_source") from None
        unusable = says.UNUSABLE(file=key_file, detail=exc.reason or str(exc))
        raise SettingError(unusable, setting=key_setting) from None
    except OSError as exc:  # removed or made unreadable between the checks and the load
        reason = exc.strerror or str(exc)
        unreadable = says.FILE_UNREADABLE(file=cert_file, reason=reason)
        raise SettingError(unreadable, setting="client_cert") from None


def _read(path: Path, what: Message, setting: str) -> str:
    file = what(path=path)
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE)
    except FileNotFoundError:
        raise SettingError(says.FILE_MISSING(file=file), setting=setting) from None
    except OSError as exc:
        unreadable = says.FILE_UNREADABLE(file=file, reason=exc.strerror or str(exc))
        raise SettingError(unreadable, setting=setting) from None
    return data.decode("latin-1")  # PEM is ASCII; anything else simply holds no PEM block


def _passphrase(client: ClientCertificate) -> str:
    if client.passphrase is None:
        needed = says.PASSPHRASE_NEEDED(key=client.key_path)
        raise SettingError(needed, setting="client_key_password_source")
    try:
        return client.passphrase()
    except (CredentialsError, ConfigError) as error:  # the keyring, the command
        reason = error.sentence or str(error)
        unavailable = says.PASSPHRASE_UNAVAILABLE(key=client.key_path, reason=reason)
        raise SettingError(unavailable, setting="client_key_password_source") from None


# -- an account's certificate -------------------------------------------------------------------


def passphrase_account(account: Account) -> Account:
    """The account as the secret store sees the key's passphrase: a name of its own
    (``"<account>/client-key"``, so its keyring entry is ``"<account>/client-key/<user>@<host>"``,
    which no account can have: names hold no ``/``) and the passphrase's source."""
    source: PasswordSource = (
        "command" if account.client_key_password_source == "command" else "keyring"
    )
    return replace(
        account,
        name=f"{account.name}/client-key",
        password_source=source,
        password_command=account.client_key_password_command if source == "command" else None,
    )


def client_certificate(account: Account, typed: str | None = None) -> ClientCertificate | None:
    """The account's client certificate (None: it shows none), its passphrase looked up in
    the keyring or by the command when the key turns out to be encrypted. *typed*: a
    passphrase typed in the window and not stored yet (for a keyring passphrase only)."""
    if account.client_cert is None:
        return None
    passphrase: Callable[[], str] | None = None
    if account.client_key_password_source == "keyring" and typed is not None:

        def passphrase() -> str:
            return typed

    elif account.client_key_password_source != "none":

        def passphrase() -> str:
            from popgui.accounts.secrets import SecretStore

            return SecretStore().get_password(passphrase_account(account))

    return ClientCertificate(account.client_cert, account.client_key, passphrase)


# -- the server's answer ------------------------------------------------------------------------

_REQUIRED_ALERTS: Final = frozenset({"TLSV13_ALERT_CERTIFICATE_REQUIRED"})
_REFUSED_ALERTS: Final[dict[str, str]] = {
    "SSLV3_ALERT_BAD_CERTIFICATE": "bad certificate",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "certificate unknown",
    "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE": "unsupported certificate",
    "TLSV1_ALERT_UNKNOWN_CA": "unknown CA",
    "SSLV3_ALERT_CERTIFICATE_EXPIRED": "certificate expired",
    "SSLV3_ALERT_CERTIFICATE_REVOKED": "certificate revoked",
    "TLSV1_ALERT_ACCESS_DENIED": "access denied",
}


def alert_error(
    exc: BaseException, place: str, client: ClientCertificate | None
) -> ClientCertificateError | None:
    """The plain error for a TLS alert about the client certificate, or None for another
    failure. Without a certificate, any such alert means the server wants one."""
    reason = getattr(exc, "reason", None) if isinstance(exc, ssl.SSLError) else None
    if reason not in _REQUIRED_ALERTS and reason not in _REFUSED_ALERTS:
        return None
    if client is None or reason in _REQUIRED_ALERTS:
        return ClientCertificateError(says.REQUIRED(place=place))
    info = client.describe()
    if reason == "TLSV1_ALERT_UNKNOWN_CA":
        why: Sentence = says.REASON_UNKNOWN_CA(issuer=_issuer(info))
    elif reason == "SSLV3_ALERT_CERTIFICATE_REVOKED":
        why = says.REASON_REVOKED()
    else:
        why = _expired(info) or (
            says.REASON_EXPIRED()
            if reason == "SSLV3_ALERT_CERTIFICATE_EXPIRED"
            else says.REASON_ALERT(alert=_REFUSED_ALERTS[str(reason)])
        )
    return _refused(place, client, info, why)


def login_refused(
    error: PopguiError, place: str, client: ClientCertificate | None
) -> ClientCertificateError | None:
    """The plain error for a login the server refused because of the client certificate
    (Dovecot: "Client didn't present valid SSL certificate"), or None for another refusal."""
    sentence = error.sentence
    reply = sentence.values.get("reply") if sentence is not None else None
    if not isinstance(reply, str) or "certificate" not in reply.lower():
        return None
    if client is None:
        return ClientCertificateError(says.REQUIRED(place=place))
    info = client.describe()
    why = _expired(info) or says.REASON_SERVER_SAID(reply=reply)
    return _refused(place, client, info, why)


def _refused(
    place: str, client: ClientCertificate, info: CertificateInfo | None, why: Sentence
) -> ClientCertificateError:
    subject = info.subject if info is not None and info.subject else str(client.cert_path)
    return ClientCertificateError(
        says.REFUSED(place=place, subject=subject, issuer=_issuer(info), reason=why)
    )


def _issuer(info: CertificateInfo | None) -> str:
    return info.issuer if info is not None and info.issuer else "?"


def has_expired(info: CertificateInfo | None) -> bool:
    """Whether the certificate's own dates say it has expired."""
    if info is None or not info.not_after:
        return False
    until = datetime.strptime(info.not_after, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
    return until < datetime.now(UTC)


def _expired(info: CertificateInfo | None) -> Sentence | None:
    """The reason "it expired on ..." when the certificate's own dates say so (the server's
    alert may not)."""
    if info is None or not has_expired(info):
        return None
    return says.REASON_EXPIRED_ON(date=info.not_after)
