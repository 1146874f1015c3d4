"""The token record of an account, kept in the system keyring and nowhere else.

One keyring entry per account: service ``"popgui-oauth"``, user name the same
``"<account>/<user>@<host>"`` key as its password (:func:`popgui.accounts.secrets.keyring_key`),
secret a JSON object (:class:`TokenRecord`). A keyring ``set`` replaces an entry as one
operation, so the entry always holds a whole record: an old one or a new one, never none and
never half. That is what makes refresh-token rotation durable: the new record (with the new
refresh token) replaces the old one in one write, and nothing deletes the old one before.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from popgui.accounts.secrets import SecretStore, keyring_key
from popgui.accounts.settings import Account
from popgui.catalog import keyring as says
from popgui.errors import CredentialsError, KeyringUnavailableError

TOKEN_SERVICE = "popgui-oauth"


@dataclass(frozen=True)
class TokenRecord:
    """What a sign-in or refresh gave. Times are seconds since the epoch.

    ``refresh_good_until`` is set when the provider says how long the refresh token lasts
    (``refresh_token_expires_in``; Google sends it for apps in "testing", 7 days).
    """

    access_token: str
    expires_at: float | None
    refresh_token: str | None
    scope: str
    obtained_at: float
    issuer: str
    token_endpoint: str
    refresh_good_until: float | None = None

    def __repr__(self) -> str:  # never the tokens, even in a traceback's locals
        return (
            f"TokenRecord(issuer={self.issuer!r}, expires_at={self.expires_at!r}, "
            f"refresh_token={'set' if self.refresh_token else None}, scope={self.scope!r})"
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> TokenRecord:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        names = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def expires_within(self, seconds: float, now: float) -> bool:
        """True when the access token is gone or will be within ``seconds``; no expiry: False."""
        return self.expires_at is not None and now >= self.expires_at - seconds

    def lapsed(self, now: float) -> bool:
        """True when nothing in the record can log in any more: the refresh token is known to
        be over, or there is none and the access token has expired (sign in again)."""
        if self.refresh_good_until is not None and now >= self.refresh_good_until:
            return True
        return self.refresh_token is None and self.expires_within(0, now)

    @classmethod
    def from_reply(
        cls, reply: dict[str, Any], *, issuer: str, token_endpoint: str,
        previous: TokenRecord | None = None, now: float | None = None,
    ) -> TokenRecord:  # fmt: skip
        """The record a token reply gives; a refresh reply without a refresh token keeps the
        previous one (providers that do not rotate send none)."""
        now = time.time() if now is None else now
        expires_in = _seconds(reply.get("expires_in"))
        refresh_in = _seconds(reply.get("refresh_token_expires_in"))
        scope = reply.get("scope", "")
        scope = " ".join(scope) if isinstance(scope, list) else str(scope or "")
        new_refresh = reply.get("refresh_token")
        record = cls(
            access_token=str(reply["access_token"]),
            expires_at=now + expires_in if expires_in is not None else None,
            refresh_token=str(new_refresh) if new_refresh else None,
            scope=scope or (previous.scope if previous else ""),
            obtained_at=now,
            issuer=issuer,
            token_endpoint=token_endpoint,
            refresh_good_until=now + refresh_in if refresh_in is not None else None,
        )
        if previous is not None and record.refresh_token is None:
            record = replace(record, refresh_token=previous.refresh_token,
                             refresh_good_until=previous.refresh_good_until)  # fmt: skip
        return record


def _seconds(value: object) -> float | None:
    try:
        return float(value) if value is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def token_key(account: Account) -> str:
    """The keyring user name of ``account``'s token record (the same as its password's)."""
    return keyring_key(account)


class TokenStore:
    """Reads and writes token records; errors are popgui's keyring errors, tokens never shown."""

    def __init__(self, secrets: SecretStore | None = None) -> None:
        self._secrets = secrets or SecretStore()

    def load(self, account: Account) -> TokenRecord | None:
        """The account's record, or None when it never signed in (or it was removed)."""
        text = self._call(account, "read", "get_password")
        if text is None:
            return None
        try:
            return TokenRecord.from_json(text)
        except (ValueError, TypeError):
            # A damaged entry: the account must sign in again; the entry is left for it.
            return None

    def save(self, account: Account, record: TokenRecord) -> None:
        """Replace the account's record with ``record`` in one keyring write."""
        self._call(account, "store", "set_password", record.to_json())

    def delete(self, account: Account) -> bool:
        """Remove the account's record; False if there was none."""
        try:
            self._call(account, "delete", "delete_password")
        except _NotThere:
            return False
        return True

    def _call(self, account: Account, action: str, method: str, *args: str) -> str | None:
        import keyring.errors

        backend = self._secrets.backend()
        try:
            result = getattr(backend, method)(TOKEN_SERVICE, token_key(account), *args)
        except keyring.errors.KeyringLocked:
            raise CredentialsError(says.SIGN_IN_LOCKED(account=repr(account.name))) from None
        except keyring.errors.PasswordDeleteError:
            raise _NotThere from None
        except Exception as error:  # any backend failure; its text could quote the record
            failed = _FAILED[action](account=repr(account.name), detail=type(error).__name__)
            raise KeyringUnavailableError(failed) from None
        return result if isinstance(result, str) else None


_FAILED = {"read": says.SIGN_IN_READ_FAILED, "store": says.SIGN_IN_STORE_FAILED,
           "delete": says.SIGN_IN_DELETE_FAILED}  # fmt: skip


class _NotThere(Exception):
    pass
