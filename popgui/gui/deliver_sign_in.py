"""Signing an IMAP destination in with OAuth2 (Gmail, Outlook.com) from the Deliver to tab.

The same :class:`~popgui.gui.sign_in.SignInBox` as an account's own sign-in ("Sign in…", its
progress, the sign-in settings), given the account as the destination's credentials see it
(:func:`popgui.destinations.factory.credentials_account`: its own keyring name), so the tokens
land where ``popgui account login NAME --deliver`` puts them. The provider is guessed from
the IMAP server's name (imap.gmail.com, outlook.office365.com); the client secret, if any,
is kept as the destination's keyring password, where the sign-in code looks for it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtWidgets import QVBoxLayout, QWidget

from popgui.accounts.deliver_settings import MICROSOFT_IMAP_SCOPE
from popgui.accounts.settings import Account
from popgui.errors import ConfigError
from popgui.gui.sign_in import SignInBox
from popgui.gui.wording import describe

if TYPE_CHECKING:
    from popgui.accounts.choices import OAuthProvider


class DeliverOAuthValues(TypedDict):
    """The ``deliver_oauth_*`` settings of the form (all None without OAuth2)."""

    deliver_oauth_provider: OAuthProvider | None
    deliver_oauth_issuer: str | None
    deliver_oauth_client_id: str | None
    deliver_oauth_tenant: str | None
    deliver_oauth_scope: str | None


NO_OAUTH: DeliverOAuthValues = {
    "deliver_oauth_provider": None, "deliver_oauth_issuer": None,
    "deliver_oauth_client_id": None, "deliver_oauth_tenant": None, "deliver_oauth_scope": None,
}  # fmt: skip


class DeliverSignIn(QWidget):
    """The destination's OAuth2 sign-in: the box, and the ``deliver_oauth_*`` settings."""

    def __init__(self, candidate: Callable[[], Account]) -> None:
        super().__init__()
        self.setObjectName("deliverSignIn")
        #: The account the dialog's form describes (validated; ConfigError if it cannot).
        self._candidate = candidate
        self.box = SignInBox()
        self.box.setObjectName("deliverSignInBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        self.box.sign_in_button.clicked.connect(self.start)

    def fill(self, account: Account) -> None:
        """The edited account's destination sign-in settings."""
        self.box.client_id_edit.setText(account.deliver_oauth_client_id or "")
        self.box.tenant_edit.setText(account.deliver_oauth_tenant or "")
        self.box.issuer_edit.setText(account.deliver_oauth_issuer or "")
        self.box.scope_edit.setText(account.deliver_oauth_scope or "")

    def follow_host(self, host: str) -> None:
        """The scope's placeholder for the IMAP server's provider (Microsoft: IMAP's scope)."""
        from popgui.oauth.providers import guess_provider

        self.box.follow_host(host)
        provider: OAuthProvider | None = guess_provider(host)
        if provider == "microsoft" and not self.box.issuer_edit.text().strip():
            self.box.scope_edit.setPlaceholderText(MICROSOFT_IMAP_SCOPE)

    def values(self, host: str) -> DeliverOAuthValues:
        """The ``deliver_oauth_*`` settings (ConfigError when no provider can be told)."""
        given = self.box.values(signs_in=True, host=host)
        return {
            "deliver_oauth_provider": given["oauth_provider"],
            "deliver_oauth_issuer": given["oauth_issuer"],
            "deliver_oauth_client_id": given["oauth_client_id"],
            "deliver_oauth_tenant": given["oauth_tenant"],
            "deliver_oauth_scope": given["oauth_scope"],
        }

    def client_secret(self) -> str | None:
        return self.box.client_secret()

    def start(self) -> None:
        """Sign the destination in, with the form as it is (nothing is saved)."""
        from popgui.destinations.factory import credentials_account

        if self.box.is_running():
            return
        try:
            account = self._candidate()
        except ConfigError as error:
            self.box.status.setText(html.escape(describe(error)))
            return
        problem = self.box.start(
            credentials_account(account), client_secret=self.box.client_secret()
        )
        if problem:
            self.box.status.setText(html.escape(problem))

    def cancel(self) -> None:
        self.box.cancel()
