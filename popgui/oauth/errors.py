"""The errors of signing in, and the plain-words explanation of a provider's error reply.

Every error here is a :class:`~popgui.errors.CredentialsError`. Their text never contains a
token, a code or a client secret: the explanation is built from the error code and the
provider's description only (descriptions name codes and tenants, never tokens).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from popgui.catalog import Sentence
from popgui.errors import CredentialsError


class OAuthError(CredentialsError):
    """Signing in or refreshing failed; ``error`` is the OAuth error code when there is one."""

    #: A stable name for JSON output (``popgui sync --json``).
    error_kind = "oauth"

    def __init__(self, message: str | Sentence, *, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error


class SignInRequiredError(OAuthError):
    """The account must sign in (again): never signed in, or its refresh token no longer works.

    Retrying cannot help: a front end asks the person to sign in, and a periodic check stops
    for this account until then.
    """

    error_kind = "sign-in-required"


class SignInCancelledError(OAuthError):
    """The person cancelled the sign-in, or it timed out waiting for them."""

    error_kind = "cancelled"


class OAuthConfigError(OAuthError):
    """The account's OAuth settings cannot work (no client id, no discovery document...)."""

    error_kind = "config"


# Why each Microsoft code is explained, in the words a mailbox owner can act on. The codes are
# Microsoft Entra's (https://login.microsoftonline.com/error?code=NNNN describes each).
AADSTS_EXPLANATIONS: dict[int, str] = {
    65001: "you (or an administrator) have not yet consented to popgui reading your mail: "
    "sign in again and accept the permissions it asks for",
    65004: "the consent to popgui was declined: sign in again and accept, or ask your "
    "administrator to approve popgui for your organisation",
    90094: "your organisation requires an administrator to approve popgui before you can sign "
    "in: ask your IT administrator to grant admin consent",
    90095: "your organisation requires an administrator to approve popgui before you can sign "
    "in: ask your IT administrator to grant admin consent",
    700016: "this client id is not known in this tenant: check the tenant (common, "
    "organizations, consumers or your organisation's id) and the client id",
    90002: "this tenant does not exist: check the tenant name or id",
    50020: "this account does not belong to the tenant: use tenant 'common', or your own "
    "organisation's tenant id",
    50076: "your organisation requires multi-factor authentication: sign in again in the "
    "browser and complete it",
    50079: "your organisation requires you to set up multi-factor authentication: sign in "
    "again in the browser and complete it",
    53003: "your organisation's conditional access policy blocked this sign-in (some block "
    "the device-code flow): use the browser sign-in, or ask your administrator",
    70000: "the sign-in is no longer valid (revoked, or granted for other permissions): "
    "sign in again",
    70008: "the sign-in has expired (not used for a long time, or the password changed): "
    "sign in again",
    50173: "the sign-in was revoked, usually because the password changed: sign in again",
    700082: "the sign-in expired because it was not used for 90 days: sign in again",
    700084: "the sign-in expired (single-page-app tokens last 24 hours): sign in again",
    7000218: "this client id is registered as a confidential app and needs a client secret: "
    "give the account its client secret, or register popgui's client id as a public client",
    7000215: "the client secret is wrong: check the account's client secret",
    50126: "the user name or password was wrong: sign in again",
    50034: "this user does not exist in the tenant: check the mailbox address and tenant",
    50058: "you are not signed in to Microsoft in the browser: sign in again",
    50011: "the loopback redirect address is not registered for this client id: its owner "
    "must add http://127.0.0.1 (and http://localhost) as redirect URIs of the 'Mobile and "
    "desktop applications' platform (docs/oauth.md)",
    7000112: "this app is disabled in your organisation: ask your administrator",
    9002313: "the request was malformed: check the account's OAuth settings",
}

_AADSTS = re.compile(r"\bAADSTS(\d{4,9})\b")

GOOGLE_TESTING_NOTE = (
    "If this happened about 7 days after signing in, the Google Cloud project behind the "
    "client id is in 'Testing' publishing status, whose refresh tokens expire after 7 days: "
    "its owner must publish it (set it 'In production'), then sign in again"
)

_GOOGLE_EXPLANATIONS: dict[str, str] = {
    "admin_policy_enforced": "your Google Workspace administrator does not allow popgui (or "
    "this scope) for your account: ask them to trust the app",
    "org_internal": "this client id belongs to a Google Cloud project limited to its own "
    "organisation's users: use a client id that allows your account",
    "disallowed_useragent": "Google refuses sign-ins from embedded browsers: open the "
    "address in your normal browser",
    "access_denied": "the sign-in was refused in the browser (consent not given, or the app "
    "is unverified and your account is not one of its test users)",
    "invalid_client": "the provider does not accept this client id (or its secret): check "
    "the account's client id and secret",
    "unauthorized_client": "this client id is not allowed to use this kind of sign-in",
    "invalid_scope": "the provider refused the requested scopes: check the account's scope",
    "consent_required": "consent is needed: sign in again and accept the permissions",
    "interaction_required": "the provider needs you in the browser: sign in again",
    "temporarily_unavailable": "the provider is temporarily unavailable: try again later",
    "server_error": "the provider had an internal error: try again later",
}


def aadsts_codes(reply: Mapping[str, object]) -> list[int]:
    """The AADSTS codes of a Microsoft error reply (``error_codes``, or the description)."""
    codes = reply.get("error_codes")
    found = [code for code in codes if isinstance(code, int)] if isinstance(codes, list) else []
    description = reply.get("error_description")
    if isinstance(description, str):
        found += [int(code) for code in _AADSTS.findall(description) if int(code) not in found]
    return found


def explain(reply: Mapping[str, object], *, provider: str = "") -> str:
    """A sentence saying what an OAuth error reply means and what to do about it."""
    error = str(reply.get("error") or "unknown_error")
    description = reply.get("error_description")
    description = description.strip() if isinstance(description, str) else ""
    for code in aadsts_codes(reply):
        if code in AADSTS_EXPLANATIONS:
            return f"{AADSTS_EXPLANATIONS[code]} (Microsoft AADSTS{code})"
    if error == "invalid_grant":
        text = "the sign-in is no longer valid (expired or revoked): sign in again"
        if provider == "google":
            text += f". {GOOGLE_TESTING_NOTE}"
        return text + (f" (the provider said: {_first_line(description)})" if description else "")
    if error in _GOOGLE_EXPLANATIONS:
        text = _GOOGLE_EXPLANATIONS[error]
        if error == "access_denied" and provider == "google":
            text += "; a Gmail client id needs Google's verification before other people can use it"
        return text + (f" (the provider said: {_first_line(description)})" if description else "")
    said = f": {_first_line(description)}" if description else ""
    return f"the provider refused the sign-in with {error!r}{said}"


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


def error_from_reply(reply: Mapping[str, object], *, provider: str, what: str) -> OAuthError:
    """The typed error for an error reply of the token endpoint; ``what`` says what was tried."""
    error = str(reply.get("error") or "")
    message = f"{what} failed: {explain(reply, provider=provider)}"
    codes = set(aadsts_codes(reply))
    if error in SIGN_IN_AGAIN_ERRORS or codes & SIGN_IN_AGAIN_AADSTS:
        return SignInRequiredError(message, error=error or None)
    if error in CONFIG_ERRORS or codes & CONFIG_AADSTS:
        return OAuthConfigError(message, error=error)
    return OAuthError(message, error=error or None)


def mail_server_refused(provider: str, account_name: str) -> str:
    """What to say when a freshly renewed token is still refused by the POP server."""
    if provider == "microsoft":
        why = (
            "POP may be disabled for this mailbox (Outlook.com: Settings, Mail, Forwarding and "
            "IMAP, 'Let devices and apps use POP'; Microsoft 365: an administrator enables POP "
            "for the mailbox), or the user name is not the mailbox address"
        )
    elif provider == "google":
        why = "POP may be disabled in Gmail's settings (Forwarding and POP/IMAP)"
    else:
        why = "the token may lack the scope the mail server needs, or name another user"
    return (
        f"the mail server refused the sign-in of account {account_name!r} although the "
        f"provider issued a new token: {why}"
    )
