"""The errors of signing in, and the plain-words explanation of a provider's error reply.

Every error here is a :class:`~popgui.errors.CredentialsError`. Their text never contains a
token, a code or a client secret: the explanation is built from the error code and the
provider's description only (descriptions name codes and tenants, never tokens).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from popgui.catalog import Message, Sentence
from popgui.catalog import oauth as says
from popgui.errors import CredentialsError


class OAuthError(CredentialsError):
    """Signing in or refreshing failed; ``error`` is the OAuth error code when there is one."""

    def __init__(self, message: str | Sentence, *, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error


class SignInRequiredError(OAuthError):
    """The account must sign in (again): never signed in, or its refresh token no longer works.

    Retrying cannot help: a front end asks the person to sign in, and a periodic check stops
    for this account until then.
    """


class SignInCancelledError(OAuthError):
    """The person cancelled the sign-in, or it timed out waiting for them."""


class OAuthConfigError(OAuthError):
    """The account's OAuth settings cannot work (no client id, no discovery document...)."""


# Why each Microsoft code is explained, in the words a mailbox owner can act on. The codes are
# Microsoft Entra's (https://login.microsoftonline.com/error?code=NNNN describes each).
AADSTS_EXPLANATIONS: dict[int, Message] = {
    65001: says.AADSTS_65001, 65004: says.AADSTS_65004,
    90094: says.AADSTS_ADMIN_CONSENT, 90095: says.AADSTS_ADMIN_CONSENT,
    700016: says.AADSTS_700016, 90002: says.AADSTS_90002, 50020: says.AADSTS_50020,
    50076: says.AADSTS_50076, 50079: says.AADSTS_50079, 53003: says.AADSTS_53003,
    70000: says.AADSTS_70000, 70008: says.AADSTS_70008, 50173: says.AADSTS_50173,
    700082: says.AADSTS_700082, 700084: says.AADSTS_700084, 7000218: says.AADSTS_7000218,
    7000215: says.AADSTS_7000215, 50126: says.AADSTS_50126, 50034: says.AADSTS_50034,
    50058: says.AADSTS_50058, 50011: says.AADSTS_50011, 7000112: says.AADSTS_7000112,
    9002313: says.AADSTS_9002313,
}  # fmt: skip

_AADSTS = re.compile(r"\bAADSTS(\d{4,9})\b")

_GOOGLE_EXPLANATIONS: dict[str, Message] = {
    "admin_policy_enforced": says.ADMIN_POLICY_ENFORCED,
    "org_internal": says.ORG_INTERNAL,
    "disallowed_useragent": says.DISALLOWED_USERAGENT,
    "access_denied": says.ACCESS_DENIED,
    "invalid_client": says.INVALID_CLIENT,
    "unauthorized_client": says.UNAUTHORIZED_CLIENT,
    "invalid_scope": says.INVALID_SCOPE,
    "consent_required": says.CONSENT_REQUIRED,
    "interaction_required": says.INTERACTION_REQUIRED,
    "temporarily_unavailable": says.TEMPORARILY_UNAVAILABLE,
    "server_error": says.SERVER_ERROR,
}


def aadsts_codes(reply: Mapping[str, object]) -> list[int]:
    """The AADSTS codes of a Microsoft error reply (``error_codes``, or the description)."""
    codes = reply.get("error_codes")
    found = [code for code in codes if isinstance(code, int)] if isinstance(codes, list) else []
    description = reply.get("error_description")
    if isinstance(description, str):
        found += [int(code) for code in _AADSTS.findall(description) if int(code) not in found]
    return found


def explain(reply: Mapping[str, object], *, provider: str = "") -> Sentence:
    """A sentence saying what an OAuth error reply means and what to do about it."""
    error = str(reply.get("error") or "unknown_error")
    description = reply.get("error_description")
    description = description.strip() if isinstance(description, str) else ""
    for code in aadsts_codes(reply):
        if code in AADSTS_EXPLANATIONS:
            return says.AADSTS(explanation=AADSTS_EXPLANATIONS[code](), code=code)
    text: Sentence
    if error == "invalid_grant":
        text = says.INVALID_GRANT()
        if provider == "google":
            text = says.WITH_NOTE(explanation=text, note=says.GOOGLE_TESTING())
    elif error == "access_denied" and provider == "google":
        text = says.ACCESS_DENIED_GOOGLE()
    elif error in _GOOGLE_EXPLANATIONS:
        text = _GOOGLE_EXPLANATIONS[error]()
    elif description:
        return says.REFUSED_WITH_SAID(error=repr(error), said=_first_line(description))
    else:
        return says.REFUSED_WITH(error=repr(error))
    if description:
        return says.PROVIDER_SAID(explanation=text, said=_first_line(description))
    return text


def _first_line(text: str, limit: int = 300) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


#: Error codes that mean the refresh token (or code) is dead: only a new sign-in helps.
SIGN_IN_AGAIN_ERRORS = frozenset({"invalid_grant", "interaction_required", "consent_required",
                                  "login_required"})  # fmt: skip
SIGN_IN_AGAIN_AADSTS = frozenset({65001, 50076, 50079, 70000, 70008, 50173, 700082, 700084,
                                  50058})  # fmt: skip

#: Errors that only a change of the account's OAuth settings (or the app's registration) fixes.
CONFIG_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_scope"})
CONFIG_AADSTS = frozenset({700016, 7000218, 7000215, 90002, 50011})


def error_from_reply(reply: Mapping[str, object], *, provider: str, what: Sentence) -> OAuthError:
    """The typed error for an error reply of the token endpoint; ``what`` says what was tried."""
    error = str(reply.get("error") or "")
    message = says.FAILED(what=what, reason=explain(reply, provider=provider))
    codes = set(aadsts_codes(reply))
    if error in SIGN_IN_AGAIN_ERRORS or codes & SIGN_IN_AGAIN_AADSTS:
        return SignInRequiredError(message, error=error or None)
    if error in CONFIG_ERRORS or codes & CONFIG_AADSTS:
        return OAuthConfigError(message, error=error)
    return OAuthError(message, error=error or None)


def mail_server_refused(provider: str, account_name: str) -> Sentence:
    """What to say when a freshly renewed token is still refused by the POP server."""
    if provider == "microsoft":
        why = says.WHY_MICROSOFT()
    elif provider == "google":
        why = says.WHY_GOOGLE()
    else:
        why = says.WHY_OTHER()
    return says.MAIL_SERVER_REFUSED(account=repr(account_name), why=why)
