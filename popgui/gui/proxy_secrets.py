"""The proxy's password and the client key's passphrase, each kept apart from the account's own
password, as :mod:`popgui.gui.deliver_secrets` keeps the destination's.

The proxy's is stored under :func:`~popgui.accounts.proxy_settings.proxy_credentials` (its
keyring key names the account, the proxy user and the proxy host), the passphrase under
:func:`~popgui.net.clientcert.passphrase_account` (the account, its user and host). The accounts
controller hands over what the account dialog did; the jobs run in the engine worker (a
keyring can block, never on the GUI thread), queued before any sync asked for afterwards:

- saved with a password typed: stored;
- its key changed (the account renamed, the proxy's user or host, the account's user or host):
  the stored one follows (or goes, when a new one was typed);
- the proxy or the certificate removed, its password now from a command, the account removed:
  forgotten.

A job that fails is said in the message bar; nothing else waits for it
(:class:`~popgui.gui.secret_jobs.SecretJobs`, as for the destination's password).
"""

from __future__ import annotations

from popgui.accounts.proxy_settings import account_proxy, proxy_credentials
from popgui.accounts.settings import Account
from popgui.errors import ConfigError
from popgui.gui.secret_jobs import SecretJobs

__all__ = ["NetworkSecrets", "passphrase_key", "proxy_key"]


def proxy_key(account: Account | None) -> Account | None:
    """Where *account*'s proxy password is kept in the keyring (None: nowhere)."""
    if account is None or account.proxy_password_source != "keyring":
        return None
    try:
        proxy = account_proxy(account)
    except ConfigError:
        return None
    if proxy is None or proxy.user is None:
        return None
    return proxy_credentials(account)


def passphrase_key(account: Account | None) -> Account | None:
    """Where *account*'s client key passphrase is kept in the keyring (None: nowhere)."""
    if account is None or account.client_cert is None:
        return None
    if account.client_key_password_source != "keyring":
        return None
    from popgui.net.clientcert import passphrase_account

    return passphrase_account(account)


class NetworkSecrets(SecretJobs):
    """Stores, moves and forgets the proxy password and the key passphrase. See the module."""

    def saved(
        self,
        previous: Account | None,
        edited: Account,
        *,
        proxy_password: str | None,
        passphrase: str | None,
    ) -> None:
        """The dialog was accepted with these typed (None: not typed)."""
        self.follow(proxy_key(previous), proxy_key(edited), proxy_password)
        self.follow(passphrase_key(previous), passphrase_key(edited), passphrase)

    def removed(self, account: Account) -> None:
        """The account was removed: its proxy password and key passphrase go too."""
        for key in (proxy_key, passphrase_key):
            old = key(account)
            if old is not None:
                self.forget(old)

    def _could_not_save(self, reason: str) -> str:
        return self.tr(
            "The password of the proxy or the client key could not be saved in the keyring, so "
            "the account cannot connect yet: {reason}"
        ).format(reason=reason)

    def _could_not_move(self, reason: str) -> str:
        return self.tr(
            "The stored password of the proxy or the client key could not follow the changed "
            "account: {reason}"
        ).format(reason=reason)

    def _could_not_forget(self, reason: str) -> str:
        return self.tr(
            "The password of the proxy or the client key could not be removed from the keyring: "
            "{reason}"
        ).format(reason=reason)
