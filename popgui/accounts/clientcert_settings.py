"""The checks of an account's TLS client certificate (the ``client_*`` fields).

``client_cert`` names a PEM file with the certificate (and its chain, and maybe its key);
``client_key`` a PEM file with the key when the certificate's file has none. An encrypted
key's passphrase comes from the keyring (``client_key_password_source = "keyring"``, under a
key of its own: :func:`popgui.net.clientcert.passphrase_account`) or from the command in
``client_key_password_command``; ``"none"`` means the key is not encrypted. A certificate is
only ever shown inside TLS, so it needs ``security`` tls or starttls. Whether the files exist
and fit together is checked when they are used (:mod:`popgui.net.clientcert`): a file may be
on a drive that is not mounted yet when the settings are read. Errors are
:class:`~popgui.errors.SettingError` naming the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from popgui.accounts.choices import ClientKeyPasswordSource
from popgui.catalog import clientcert as says
from popgui.checks import bad_setting

if TYPE_CHECKING:
    from popgui.accounts.settings import Account

__all__ = ["CLIENT_CERT_CHOICES", "CLIENT_CERT_TEXT_FIELDS", "check_client_cert"]

CLIENT_CERT_TEXT_FIELDS = ("client_cert", "client_key", "client_key_password_command")
CLIENT_CERT_CHOICES: dict[str, tuple[str, ...]] = {
    "client_key_password_source": get_args(ClientKeyPasswordSource),
}


def check_client_cert(account: Account) -> None:
    """Refuse client certificate settings that are empty or contradict each other."""
    for name in ("client_cert", "client_key"):
        value = getattr(account, name)
        if value is not None and not value.strip():
            raise bad_setting(name, says.EMPTY)
    if account.client_cert is None:
        if account.client_key is not None:
            raise bad_setting("client_key", says.KEY_WITHOUT_CERT)
        if account.client_key_password_source != "none":
            raise bad_setting("client_key_password_source", says.PASSWORD_WITHOUT_CERT)
    elif account.security == "none":
        raise bad_setting("client_cert", says.NEEDS_TLS)
    command = account.client_key_password_command
    if account.client_key_password_source == "command":
        if not (command or "").strip():
            raise bad_setting("client_key_password_command", says.COMMAND_EMPTY)
    elif command is not None:
        raise bad_setting("client_key_password_command", says.COMMAND_UNUSED)
