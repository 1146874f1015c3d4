"""Signing an ``oauth2`` account in from the window: the browser flow off the GUI thread.

:class:`SignInBox` is the "Sign in…" button with its state ("Waiting for the browser…", the
address to open by hand, Cancel; before that, whether the account is signed in) and the few
sign-in settings a person may need (client id, client secret, tenant, issuer, scope); the
account dialog shows it for the OAuth2 method. The client secret is kept where the command
line keeps it, in the account's keyring password entry: the dialog stores it with its
password, and a sign-in started before that is given the typed one. :class:`SignInDialog` is
the same box alone, for "Sign in again…" in the message bar.

Threading: the sign-in (discovery, the loopback receiver, the wait for the browser, the token
request and the keyring write) runs in a thread of its own, because the engine worker may be
busy with a long sync and the wait lasts as long as the person takes. The thread reports with
queued signals; Cancel sets an event that makes the wait stop and closes the receiver.
"""

from __future__ import annotations

import html
import logging
import threading
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.settings import Account
from popgui.errors import ConfigError, PopguiError
from popgui.gui.wording import describe

if TYPE_CHECKING:
    from popgui.accounts.choices import OAuthProvider
    from popgui.gui.keyring_check import SignInState

__all__ = ["OAuthValues", "SignInBox", "SignInDialog", "missing_client_id", "open_url"]

_log = logging.getLogger(__name__)

translate = QCoreApplication.translate

#: How the address is opened in the browser (tests replace it with a scripted browser).
open_url: Callable[[str], object] = webbrowser.open


def missing_client_id(account: Account) -> str | None:
    """The sentence to show when ``account`` has no client id to sign in with (no network)."""
    from popgui.oauth.errors import OAuthConfigError
    from popgui.oauth.providers import OAuthConfig

    if account.oauth_provider is None or account.oauth_provider == "custom":
        return None
    config = OAuthConfig(provider=account.oauth_provider, client_id=account.oauth_client_id)
    try:
        config.effective_client_id()
    except OAuthConfigError:
        return translate(
            "SignIn",
            "This build of popgui has no client id for this provider: enter the client id "
            "of an app you registered with it under “Sign-in settings” (docs/oauth.md says how).",
        )
    return None


class OAuthValues(TypedDict):
    """The sign-in settings of the account form (all None unless the method is oauth2)."""

    oauth_provider: OAuthProvider | None
    oauth_issuer: str | None
    oauth_client_id: str | None
    oauth_tenant: str | None
    oauth_scope: str | None


def default_scope(provider: OAuthProvider | None) -> str:
    """What a sign-in asks for when the scope field is empty (none for a ``custom`` one)."""
    from popgui.oauth.providers import OAuthConfig

    if provider is None or provider == "custom":
        return ""
    return " ".join(OAuthConfig(provider=provider).effective_scopes())


class _SignInRun(QObject):
    """One browser sign-in in its own thread; reports with queued signals."""

    addressReady = Signal(str)
    done = Signal(object)  # None, or the PopguiError

    def __init__(
        self, account: Account, secret: str | None, secret_of: Account,
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.account = account
        #: The client secret typed in the form, else None: the one ``secret_of`` stored.
        self._secret, self._secret_of = secret, secret_of
        self.cancel_event = threading.Event()
        self._thread = threading.Thread(target=self._run, name="popgui-sign-in", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._sign_in()
        except PopguiError as error:
            self.done.emit(error)
        except Exception as error:  # a bug: said plainly, never a traceback in the window
            _log.exception("sign-in failed")
            words = translate("SignIn", "a popgui bug ({kind})")
            self.done.emit(PopguiError(words.format(kind=type(error).__name__)))
        else:
            self.done.emit(None)

    def _sign_in(self) -> None:
        from popgui.oauth.account import oauth_config, stored_client_secret
        from popgui.oauth.flows import start_browser_sign_in
        from popgui.oauth.tokenstore import TokenStore

        secret = self._secret
        if secret is None and self.account.oauth_client_id:  # here: the keyring may block
            secret = stored_client_secret(self._secret_of)
        config = oauth_config(self.account, client_secret=secret or "")
        flow = start_browser_sign_in(config, user=self.account.user)
        self.addressReady.emit(flow.url)
        try:
            open_url(flow.url)
        except Exception as error:  # no browser: the address is shown to open by hand
            _log.info("the browser could not be started: %s", type(error).__name__)
        record = flow.finish(cancel=self.cancel_event)
        TokenStore().save(self.account, record)


class SignInBox(QWidget):
    """ "Sign in…", its progress and Cancel, and the sign-in settings. See the module doc.

    Signals: ``signedIn(object)`` with the :class:`Account` the tokens were stored for;
    ``failed(object)`` with the :class:`PopguiError` (not for a cancel).
    """

    signedIn = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: _SignInRun | None = None
        #: The account as it was when its tokens were stored (their keyring key), or None.
        self.signed_in: Account | None = None
        self.sign_in_button = QPushButton(self.tr("Sign in…"))
        self.sign_in_button.setObjectName("signInButton")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("signInCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setOpenExternalLinks(True)
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        #: The address, to copy into a browser by hand if none opened (too long for a label).
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("signInAddress")
        self.address_edit.setReadOnly(True)
        self.address_edit.setVisible(False)
        self.settings_toggle = QToolButton()
        self.settings_toggle.setText(self.tr("Sign-in settings"))
        self.settings_toggle.setCheckable(True)
        self.settings_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.settings_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.settings_toggle.toggled.connect(self._show_settings)
        self.client_id_edit = QLineEdit()
        self.client_id_edit.setObjectName("oauthClientId")
        self.client_id_edit.setPlaceholderText(self.tr("of the app registered with the provider"))
        self.tenant_edit = QLineEdit()
        self.tenant_edit.setObjectName("oauthTenant")
        self.tenant_edit.setPlaceholderText(self.tr("Microsoft only; default: common"))
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setObjectName("oauthIssuer")
        self.issuer_edit.setPlaceholderText(self.tr("for other providers: https://…"))
        #: Kept in the keyring (the account's password entry), never in the settings file.
        self.client_secret_edit = QLineEdit()
        self.client_secret_edit.setObjectName("oauthClientSecret")
        self.client_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret_edit.setToolTip(
            self.tr("Kept in the system keyring, never in the settings file")
        )
        self.scope_edit = QLineEdit()
        self.scope_edit.setObjectName("oauthScope")
        self._secret_stored = False
        self.show_keyring(available=True, secret_stored=False)
        self._lay_out()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_toggle)
        self.settings = QWidget()
        form = QFormLayout(self.settings)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Client i&d:"), self.client_id_edit)
        form.addRow(self.tr("C&lient secret:"), self.client_secret_edit)
        form.addRow(self.tr("Ten&ant:"), self.tenant_edit)
        form.addRow(self.tr("&Issuer:"), self.issuer_edit)
        form.addRow(self.tr("Sc&ope:"), self.scope_edit)
        self.settings.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.address_edit)
        layout.addWidget(self.settings)

    def _show_settings(self, shown: bool) -> None:
        self.settings.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.settings_toggle.setArrowType(arrow)

    def show_in(self, form: QFormLayout, shown: bool) -> None:
        """Show or hide this row of ``form`` (the OAuth2 method is chosen, or not)."""
        self.setVisible(shown)
        label = form.labelForField(self)
        if label is not None:
            label.setVisible(shown)

    def edits(self) -> tuple[QLineEdit, ...]:
        return (self.client_id_edit, self.client_secret_edit, self.tenant_edit,
                self.issuer_edit, self.scope_edit)  # fmt: skip

    def fill(self, account: Account) -> None:
        self.client_id_edit.setText(account.oauth_client_id or "")
        self.tenant_edit.setText(account.oauth_tenant or "")
        self.issuer_edit.setText(account.oauth_issuer or "")
        self.scope_edit.setText(account.oauth_scope or "")

    def client_secret(self) -> str | None:
        """The client secret typed (None: none, or keep the stored one); never shown."""
        return self.client_secret_edit.text() or None

    def show_keyring(self, *, available: bool, secret_stored: bool) -> None:
        """What the keyring check found: the secret field says whether it keeps a stored
        secret; without a keyring there is nowhere to keep one (nor the tokens)."""
        self._secret_stored = secret_stored
        self.client_secret_edit.setEnabled(available)
        if not available:
            hint = translate("AccountDialog", "no system keyring: see below")
        elif secret_stored:
            hint = self.tr("leave empty to keep the stored secret")
        else:
            hint = self.tr("only if the provider gave your app one")
        self.client_secret_edit.setPlaceholderText(hint)

    def follow_host(self, host: str) -> None:
        """The scope's placeholder for the provider of ``host`` (or of the issuer, if given)."""
        from popgui.oauth.providers import guess_provider

        custom = bool(self.issuer_edit.text().strip())
        self.show_scope_default("custom" if custom else guess_provider(host))

    def show_scope_default(self, provider: OAuthProvider | None) -> None:
        """The scope field's placeholder: what is asked for when it is left empty."""
        scope = default_scope(provider)
        self.scope_edit.setPlaceholderText(scope or self.tr("the provider's default"))
        self.scope_edit.setToolTip(scope)

    def show_state(self, state: SignInState | None) -> None:
        """Whether the account is signed in, as the keyring says (not while signing in)."""
        if self._run is not None or state is None:
            return
        words = {
            "signed-in": self.tr("Signed in."),
            "not-signed-in": self.tr("Not signed in yet."),
            "lapsed": self.tr("Sign-in expired: sign in again."),
        }[state]
        self.status.setText(html.escape(words))

    def values(self, *, signs_in: bool, host: str) -> OAuthValues:
        """The sign-in settings as Account fields: the provider is guessed from the host, or
        ``custom`` when an issuer is given; all None when the account does not sign in."""
        if not signs_in:
            return {"oauth_provider": None, "oauth_issuer": None, "oauth_client_id": None,
                    "oauth_tenant": None, "oauth_scope": None}  # fmt: skip
        from popgui.oauth.providers import guess_provider

        issuer = self.issuer_edit.text().strip() or None
        provider: OAuthProvider | None = "custom" if issuer else guess_provider(host)
        if provider is None:
            raise ConfigError(
                self.tr(
                    "popgui does not know who signs in for this host: enter the provider's "
                    "issuer address in the sign-in settings"
                )
            )
        return {
            "oauth_provider": provider, "oauth_issuer": issuer,
            "oauth_client_id": self.client_id_edit.text().strip() or None,
            "oauth_tenant": self.tenant_edit.text().strip() or None,
            "oauth_scope": " ".join(self.scope_edit.text().split()) or None,
        }  # fmt: skip

    def is_running(self) -> bool:
        return self._run is not None

    def start(
        self, account: Account, *, client_secret: str | None = None,
        secret_of: Account | None = None,
    ) -> str | None:  # fmt: skip
        """Sign ``account`` in in the browser and store its tokens under its keyring key.

        ``client_secret``: the one typed, not stored yet; None: the one stored for
        ``secret_of`` (default ``account``; the account as saved, when the form renamed it) is
        read from the keyring in the sign-in's thread. Returns why it cannot start (no client
        id: the settings open for it), else None.
        """
        problem = missing_client_id(account)
        if problem:
            self.settings_toggle.setChecked(True)
            self.client_id_edit.setFocus()
            return problem
        if self._run is not None:
            return None
        self._run = run = _SignInRun(account, client_secret, secret_of or account, self)
        run.addressReady.connect(self._address_ready)
        run.done.connect(self._done)
        self.sign_in_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.status.setText(html.escape(self.tr("Starting the sign-in…")))
        run.start()
        return None

    @Slot()
    def cancel(self) -> None:
        """Stop waiting for the browser (the receiver closes; nothing is stored)."""
        if self._run is not None:
            self._run.cancel_event.set()
            self.status.setText(html.escape(self.tr("Cancelling…")))

    @Slot(str)
    def _address_ready(self, url: str) -> None:
        waiting = html.escape(
            self.tr("Waiting for the browser… If it did not open, copy this address into one:")
        )
        link = html.escape(url, quote=True)
        caption = html.escape(self.tr("open it"))
        self.status.setText(f'{waiting} <a href="{link}">{caption}</a>')
        self.address_edit.setText(url)
        self.address_edit.setCursorPosition(0)
        self.address_edit.setVisible(True)

    @Slot(object)
    def _done(self, error: PopguiError | None) -> None:
        from popgui.oauth.errors import SignInCancelledError

        run, self._run = self._run, None
        self.sign_in_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.address_edit.setVisible(False)
        if run is None:
            return
        if error is None:
            self.status.setText(
                html.escape(self.tr("Signed in as {user}.").format(user=run.account.user))
            )
            self.signed_in = run.account
            self.signedIn.emit(run.account)
        elif isinstance(error, SignInCancelledError):
            self.status.setText(html.escape(self.tr("The sign-in was cancelled.")))
        else:
            text = describe(error)
            self.status.setText(
                html.escape(self.tr("The sign-in failed: {reason}").format(reason=text))
            )
            self.failed.emit(error)


class SignInDialog(QDialog):
    """ "Sign in again…": the browser sign-in of one saved account; accepted when it worked."""

    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in to {account}").format(account=account.name))
        self.account = account
        intro = QLabel(
            self.tr(
                "The sign-in of {account} ({user}) must be renewed. Sign in in your browser; "
                "popgui gets the mail once it is done."
            ).format(account=account.name, user=account.user)
        )
        intro.setWordWrap(True)
        self.box = SignInBox()
        self.box.settings_toggle.setVisible(False)  # edit the account to change them
        self.box.sign_in_button.clicked.connect(self._start)
        self.box.signedIn.connect(lambda _account: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.box)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(560, 220)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.result() == 0:
            self._start()

    def _start(self) -> None:
        if not self.box.is_running():
            problem = self.box.start(self.account)
            if problem:
                self.box.status.setText(html.escape(problem))

    def done(self, result: int) -> None:
        self.box.cancel()
        super().done(result)
