"""An access token for a sync: from the keyring, renewed when needed, rotated durably.

:func:`fresh_access_token` is what the POP3 login of an ``oauth2`` account calls. It renews
the token when it expires within :data:`RENEW_MARGIN` seconds, or when the caller says the
mail server refused it. A renewal that brings a new refresh token (rotation) replaces the
keyring record in one write *after* the reply came and *before* the token is used: a kill
before that write leaves the old record, whose access token may still work and whose refresh
token works unless the provider revoked it on rotation; then the next sync asks to sign in
again (:class:`~popgui.oauth.errors.SignInRequiredError`). The account is never lost, and
a dead sign-in is never retried in a loop: one renewal per call, at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from popgui.accounts.settings import Account
from popgui.catalog import Sentence
from popgui.catalog import oauth as says
from popgui.oauth.errors import OAuthConfigError, OAuthError, SignInRequiredError
from popgui.oauth.providers import Endpoints, OAuthConfig, issuer_name
from popgui.oauth.tokenstore import TokenRecord, TokenStore

#: Renew this many seconds before the access token expires (a sync may take a while to log in).
RENEW_MARGIN = 300.0


def login_hint(account: Account) -> Sentence:
    return says.LOGIN_HINT(name=account.name)


def fresh_access_token(
    account: Account, config: OAuthConfig, *, store: TokenStore | None = None,
    refused: bool = False, endpoints: Endpoints | None = None,
    now: Callable[[], float] = time.time, margin: float = RENEW_MARGIN,
) -> str:  # fmt: skip
    """An access token for ``account``; SignInRequiredError when only a new sign-in can help.

    ``refused`` says the mail server refused the token last given: it is renewed even if it
    has not expired (it may have been revoked, or the clocks differ).
    """
    store = store or TokenStore()
    record = store.load(account)
    if record is None:
        raise SignInRequiredError(says.NOT_SIGNED_IN(account=repr(account.name), name=account.name))
    if record.issuer != issuer_name(config):
        # The provider, tenant or issuer changed since the sign-in: its tokens are for another.
        raise SignInRequiredError(
            says.SETTINGS_CHANGED(account=repr(account.name), hint=login_hint(account))
        )
    if not refused and not record.expires_within(margin, now()):
        return record.access_token
    if not record.refresh_token:
        raise SignInRequiredError(
            says.EXPIRED(account=repr(account.name), hint=login_hint(account))
        )
    renewed = _renew(account, config, record, store, endpoints, now())
    store.save(account, renewed)
    return renewed.access_token


def _renew(
    account: Account, config: OAuthConfig, record: TokenRecord, store: TokenStore,
    endpoints: Endpoints | None, now: float,
) -> TokenRecord:  # fmt: skip
    from popgui.oauth.flows import refresh

    try:
        return refresh(config, record, endpoints=endpoints)
    except SignInRequiredError as error:
        # Another popgui (the window and a cron sync) may have rotated the token meanwhile:
        # then the keyring holds a newer one, and that one is tried, once.
        latest = store.load(account)
        if latest is not None and latest.refresh_token not in (None, record.refresh_token):
            try:
                return refresh(config, latest, endpoints=endpoints)
            except SignInRequiredError:
                pass
        reason = _lasted(_sentence(error), record, now)
        raise SignInRequiredError(
            says.RENEWAL_REFUSED(account=repr(account.name), error=reason,
                                 hint=login_hint(account)),
            error=error.error,
        ) from None  # fmt: skip
    except OAuthConfigError as error:
        where = says.IN_ACCOUNT(account=repr(account.name), error=_sentence(error))
        raise OAuthConfigError(where, error=error.error) from None


def _sentence(error: OAuthError) -> Sentence | str:
    return error.sentence if error.sentence is not None else str(error)


def _lasted(reason: Sentence | str, record: TokenRecord, now: float) -> Sentence | str:
    """Says so when the provider announced that the sign-in would end by now."""
    if record.refresh_good_until is None or now < record.refresh_good_until:
        return reason
    until = datetime.fromtimestamp(record.refresh_good_until, UTC)
    return says.LASTED(error=reason, until=f"{until:%Y-%m-%d %H:%M}")
