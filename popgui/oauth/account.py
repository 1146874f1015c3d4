"""An ``oauth2`` account's sign-in, as the command line, the window and the engine use it.

The account's settings (``oauth_*``) make an :class:`~popgui.oauth.providers.OAuthConfig`.
A client secret, when the account uses a client of its own that has one, is kept in the
account's keyring password entry (an ``oauth2`` account has no password): never in the
settings file. :class:`OAuthSecret` is what a sync is given instead of a password: called, it
returns a fresh access token; :meth:`OAuthSecret.renew` gets a new one after the mail server
refused the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from popgui.accounts.secrets import PasswordNotStoredError, SecretStore
from popgui.accounts.settings import Account
from popgui.catalog import oauth as says
from popgui.errors import CredentialsError
from popgui.oauth.errors import OAuthError, mail_server_refused
from popgui.oauth.providers import OAuthConfig
from popgui.oauth.tokens import fresh_access_token
from popgui.oauth.tokenstore import TokenStore

__all__ = ["OAuthSecret", "oauth_config", "stored_client_secret"]


def oauth_config(
    account: Account, secrets: SecretStore | None = None, *, client_secret: str | None = None
) -> OAuthConfig:
    """The sign-in settings of an ``oauth2`` account (its client secret from the keyring).

    ``client_secret``: one typed but not stored yet (the window's account form), used instead
    of the keyring's. Reading the keyring may block: never on a GUI thread.
    """
    if account.auth != "oauth2" or account.oauth_provider is None:
        raise ValueError(f"account {account.name!r} does not sign in with OAuth2")
    scopes = tuple(account.oauth_scope.split()) if account.oauth_scope else None
    if account.oauth_client_id and client_secret is None:
        client_secret = stored_client_secret(account, secrets)
    return OAuthConfig(
        provider=account.oauth_provider,
        client_id=account.oauth_client_id,
        client_secret=client_secret if account.oauth_client_id else None,
        tenant=account.oauth_tenant,
        issuer=account.oauth_issuer,
        scopes=scopes,
    )


def stored_client_secret(account: Account, secrets: SecretStore | None = None) -> str | None:
    """The client secret kept in ``account``'s keyring password entry, or None."""
    try:
        return (secrets or SecretStore()).get_password(account)
    except PasswordNotStoredError:
        return None  # a public client: most desktop registrations have no secret


@dataclass
class OAuthSecret:
    """The access token of ``account``, fetched (and renewed when needed) when called."""

    account: Account
    secrets: SecretStore = field(default_factory=SecretStore)

    def __call__(self) -> str:
        return fresh_access_token(
            self.account, oauth_config(self.account, self.secrets), store=self._tokens()
        )

    def renew(self) -> str:
        """A new access token: the mail server refused the one given before."""
        return fresh_access_token(
            self.account,
            oauth_config(self.account, self.secrets),
            store=self._tokens(),
            refused=True,
        )

    def refused_after_renewal(self, error: CredentialsError) -> CredentialsError:
        """The mail server refused a token the provider has just issued: not a sign-in
        problem; say what usually causes it (POP disabled for the mailbox, another user)."""
        provider = self.account.oauth_provider or "custom"
        said = error.sentence if error.sentence is not None else str(error)
        refused = mail_server_refused(provider, self.account.name)
        return OAuthError(says.MAIL_SERVER_SAID(error=refused, said=said))

    def _tokens(self) -> TokenStore:
        return TokenStore(self.secrets)
