"""The destination an account names (``Account.deliver``), built with its settings and its
credentials.

The destination's password lives apart from the POP account's: it is looked up as the
account :func:`credentials_account` describes (its keyring entry is
``"<account>/deliver/<user>@<host>"``, which no account of its own can have, since account
names hold no ``/``), from the keyring, a command or a file, as the person chose.
"""

from __future__ import annotations

from dataclasses import replace

from popgui.accounts.deliver_settings import DEFAULT_MDA_TIMEOUT, oauth_view
from popgui.accounts.destination_spec import DeliverSpec, parse_deliver
from popgui.accounts.secrets import SecretStore
from popgui.accounts.settings import Account
from popgui.catalog import destinations as says
from popgui.destinations.base import Destination, DestinationLoginError
from popgui.errors import CredentialsError
from popgui.net.session import ConnectOptions
from popgui.net.transport import TLSSettings
from popgui.profile import Profile

__all__ = ["check_destination", "credentials_account", "make_destination"]


def credentials_account(account: Account) -> Account:
    """The account as the secret store and the sign-in code see the destination's
    credentials: the destination's user and host, its password source or OAuth2 settings,
    and a name of its own."""
    spec = parse_deliver(account.deliver or "")
    if account.deliver_auth == "oauth2":
        base = oauth_view(account)
    else:
        base = replace(
            account, auth="auto", password_source=account.deliver_password_source,
            password_command=account.deliver_password_command, oauth_provider=None,
            oauth_issuer=None, oauth_client_id=None, oauth_tenant=None, oauth_scope=None,
        )  # fmt: skip
    return replace(base, name=f"{account.name}/deliver", host=spec.host, user=spec.user)


def make_destination(
    account: Account, profile: Profile, options: ConnectOptions, *, secret: str | None = None
) -> Destination:
    """The account's destination, not yet opened. For IMAP this looks up the password (a
    keyring, a command: call it where that may block, never on the GUI thread), unless
    *secret* gives it (typed in the window and not stored yet)."""
    spec = parse_deliver(account.deliver or "")
    if spec.kind == "imap":
        return _imap(account, spec, profile, options, secret)
    if spec.kind == "lmtp":
        from popgui.destinations.lmtp import LmtpDestination

        return LmtpDestination(
            spec,
            recipient=account.deliver_to or account.user,
            require_tls=account.deliver_security == "tls",
            tls=TLSSettings(ca_file=account.deliver_ca_file),
            timeout=options.timeout,
            cancel=options.cancel,
        )
    if spec.kind == "mda":
        from popgui.destinations.mda import MdaDestination

        return MdaDestination(
            spec,
            shell=account.deliver_shell,
            timeout=float(account.deliver_timeout_seconds or DEFAULT_MDA_TIMEOUT),
            cancel=options.cancel,
        )
    from popgui.destinations.mbox import MboxDestination

    return MboxDestination(spec)


def _imap(
    account: Account,
    spec: DeliverSpec,
    profile: Profile,
    options: ConnectOptions,
    secret: str | None,
) -> Destination:
    from popgui.destinations.imap import ImapDestination

    credentials = credentials_account(account)
    oauth2 = account.deliver_auth == "oauth2"
    try:
        # A secret given is the password typed in the window, not stored yet.
        if secret is None and oauth2:
            from popgui.oauth.account import OAuthSecret  # only OAuth2 destinations load it

            secret = OAuthSecret(credentials, SecretStore(profile=profile))()
        elif secret is None:
            secret = SecretStore(profile=profile).get_password(credentials)
    except CredentialsError as error:  # the destination's sign-in, not the POP account's
        raise _sign_in_failed(account, error) from error
    return ImapDestination(
        spec,
        secret=secret,
        oauth2=oauth2,
        require_tls=account.deliver_security == "tls",
        tls=TLSSettings(ca_file=account.deliver_ca_file),
        timeout=options.timeout,
        cancel=options.cancel,
    )


def _sign_in_failed(account: Account, error: CredentialsError) -> DestinationLoginError:
    reason = error.sentence or str(error)
    if account.deliver_auth != "oauth2":
        return DestinationLoginError(says.PASSWORD_UNAVAILABLE(reason=reason))
    from popgui.oauth.errors import SignInRequiredError

    if isinstance(error, SignInRequiredError):
        return DestinationLoginError(says.SIGN_IN_REQUIRED(account=account.name))
    return DestinationLoginError(says.SIGN_IN_FAILED(reason=reason))


def check_destination(
    account: Account, profile: Profile, options: ConnectOptions, *, secret: str | None = None
) -> str:
    """Open the account's destination and close it again (Test destination in the window):
    returns what a person reads of it; raises what a sync would meet (DestinationError,
    NetworkError, CertificateError, a missing password…). *secret*: the destination's
    password as typed, not stored yet (None: looked up as a sync does)."""
    destination = make_destination(account, profile, options, secret=secret)
    try:
        destination.open()
        return destination.describe()
    finally:
        destination.close()
