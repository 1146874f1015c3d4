"""Sentences about signing in with OAuth2 (:mod:`popgui.oauth`): the flows, the provider's
error replies in plain words, the tokens."""

from __future__ import annotations

from popgui.catalog import Message

# -- what was being done: the {what} of the sentences below ------------------------------------
SIGNING_IN = Message("oauth.signing-in", "signing in")
SIGNING_IN_BROWSER = Message("oauth.signing-in-browser", "signing in in the browser")
SIGNING_IN_CODE = Message("oauth.signing-in-code", "signing in with a code")
STARTING_DEVICE = Message("oauth.starting-device", "starting the device sign-in")
RENEWING = Message("oauth.renewing", "renewing the sign-in")
REVOKING = Message("oauth.revoking", "revoking the sign-in")
DISCOVERY = Message("oauth.discovery", "the discovery document")

# -- talking to the provider (:mod:`popgui.oauth.http`) -------------------------------------------
UNREACHABLE = Message("oauth.unreachable", "could not reach {host} for {what}: {reason}")
REQUEST_FAILED = Message("oauth.request-failed", "{what} at {host} failed: {kind}")
NOT_JSON = Message("oauth.not-json", "{what} answered HTTP {status} without a JSON object")
HTTP_ERROR = Message("oauth.http-error", "{what} ({url}) answered HTTP {status}")
FAILED = Message("oauth.failed", "{what} failed: {reason}")
HTTP_STATUS = Message("oauth.http-status", "{what} failed: the provider answered HTTP {status}")
REPLY_UNUSABLE = Message(
    "oauth.reply-unusable", "{what} failed: the provider's reply was not usable ({error})"
)

# -- the flows ------------------------------------------------------------------------------------
STATE_DIFFERS = Message(
    "oauth.state-differs",
    "the browser came back with a reply that does not belong to this sign-in "
    "(its state differs); nothing was stored: sign in again",
)
OTHER_ISSUER = Message(
    "oauth.other-issuer",
    "the browser came back from another issuer ({issuer}) than the one popgui "
    "sent it to; nothing was stored: sign in again",
)
NO_CODE = Message("oauth.no-code", "the browser came back without an authorization code")
NO_DEVICE_SIGN_IN = Message(
    "oauth.no-device-sign-in",
    "this provider offers no device sign-in: sign in in the browser instead",
)
NO_DEVICE_SIGN_IN_GOOGLE = Message(
    "oauth.no-device-sign-in-google",
    "this provider offers no device sign-in (Google does not allow the Gmail scope in the "
    "device flow): sign in in the browser instead",
)
DEVICE_HTTP = Message("oauth.device-http", "starting the device sign-in failed: HTTP {status}")
DEVICE_REPLY_UNUSABLE = Message(
    "oauth.device-reply-unusable", "the provider's device sign-in reply was not usable"
)
CANCELLED = Message("oauth.cancelled", "the sign-in was cancelled")
CODE_EXPIRED = Message(
    "oauth.code-expired", "the code expired before it was entered: sign in again"
)
REFUSED_ON_DEVICE = Message(
    "oauth.refused-on-device",
    "the sign-in was refused on the other device: sign in again and accept",
)
BROWSER_TIMEOUT = Message(
    "oauth.browser-timeout",
    "no answer came back from the browser within {seconds} seconds; sign in again",
)

# -- the provider's settings (:mod:`popgui.oauth.providers`) ------------------------------------
NO_CLIENT_ID = Message(
    "oauth.no-client-id",
    "no OAuth client id for {provider}: this build of popgui carries none, so "
    "pass `--oauth-client-id` (an app you registered with the provider) or use a "
    "build of popgui that has one (see docs/oauth.md)",
)
NOT_HTTPS = Message(
    "oauth.not-https",
    "the {what} {url} is not an https address: popgui sends sign-in secrets only over "
    "https (or plain http to this machine itself)",
)
# The {what} of NOT_HTTPS.
AUTHORIZATION_ENDPOINT = Message("oauth.authorization-endpoint", "authorization endpoint")
TOKEN_ENDPOINT = Message("oauth.token-endpoint", "token endpoint")
DEVICE_ENDPOINT = Message("oauth.device-endpoint", "device authorization endpoint")
REVOCATION_ENDPOINT = Message("oauth.revocation-endpoint", "revocation endpoint")
MICROSOFT_ADDRESS = Message("oauth.microsoft-address", "Microsoft sign-in address")
ISSUER = Message("oauth.issuer", "issuer")
NOT_A_TENANT = Message("oauth.not-a-tenant", "{tenant} is not a Microsoft tenant name or id")
DISCOVERY_OTHER_ISSUER = Message(
    "oauth.discovery-other-issuer",
    "the discovery document of {issuer} names another issuer ({named}): refusing it",
)
DISCOVERY_MISSING = Message(
    "oauth.discovery-missing", "the discovery document of {issuer} has no {name}"
)
NO_ISSUER = Message(
    "oauth.no-issuer", "a custom OAuth provider needs its issuer (`--oauth-issuer URL`)"
)

# -- the tokens (:mod:`popgui.oauth.tokens`) ----------------------------------------------------
LOGIN_HINT = Message(
    "oauth.login-hint",
    "run `popgui account login {name}`, or use Sign in again… in the window",
)
NOT_SIGNED_IN = Message(
    "oauth.not-signed-in",
    "account {account} has not signed in yet: run `popgui account login {name}` "
    "(or use Sign in… in the window)",
)
SETTINGS_CHANGED = Message(
    "oauth.settings-changed",
    "the OAuth settings of account {account} changed since it signed in: sign in again: {hint}",
)
EXPIRED = Message(
    "oauth.expired",
    "the sign-in of account {account} has expired and cannot be renewed: sign in again: {hint}",
)
RENEWAL_REFUSED = Message(
    "oauth.renewal-refused", "account {account}: {error}; to sign in again, {hint}"
)
LASTED = Message(
    "oauth.lasted", "{error} (the provider said this sign-in would last until {until} UTC)"
)
IN_ACCOUNT = Message("oauth.in-account", "account {account}: {error}")
MAIL_SERVER_REFUSED = Message(
    "oauth.mail-server-refused",
    "the mail server refused the sign-in of account {account} although the "
    "provider issued a new token: {why}",
)
MAIL_SERVER_SAID = Message("oauth.mail-server-said", "{error} ({said})")
WHY_MICROSOFT = Message(
    "oauth.why-microsoft",
    "POP may be disabled for this mailbox (Outlook.com: Settings, Mail, Forwarding and "
    "IMAP, 'Let devices and apps use POP'; Microsoft 365: an administrator enables POP "
    "for the mailbox), or the user name is not the mailbox address",
)
WHY_GOOGLE = Message(
    "oauth.why-google", "POP may be disabled in Gmail's settings (Forwarding and POP/IMAP)"
)
WHY_OTHER = Message(
    "oauth.why-other", "the token may lack the scope the mail server needs, or name another user"
)

# -- a provider's error reply in plain words (:func:`popgui.oauth.errors.explain`) -------------
AADSTS = Message("oauth.aadsts", "{explanation} (Microsoft AADSTS{code})")
PROVIDER_SAID = Message("oauth.provider-said", "{explanation} (the provider said: {said})")
WITH_NOTE = Message("oauth.with-note", "{explanation}. {note}")
REFUSED_WITH = Message("oauth.refused-with", "the provider refused the sign-in with {error}")
REFUSED_WITH_SAID = Message(
    "oauth.refused-with-said", "the provider refused the sign-in with {error}: {said}"
)
INVALID_GRANT = Message(
    "oauth.invalid-grant", "the sign-in is no longer valid (expired or revoked): sign in again"
)
GOOGLE_TESTING = Message(
    "oauth.google-testing",
    "If this happened about 7 days after signing in, the Google Cloud project behind the "
    "client id is in 'Testing' publishing status, whose refresh tokens expire after 7 days: "
    "its owner must publish it (set it 'In production'), then sign in again",
)
ACCESS_DENIED_GOOGLE = Message(
    "oauth.access-denied-google",
    "the sign-in was refused in the browser (consent not given, or the app is unverified and "
    "your account is not one of its test users); a Gmail client id needs Google's "
    "verification before other people can use it",
)

# Microsoft Entra's codes (https://login.microsoftonline.com/error?code=NNNN describes each).
AADSTS_65001 = Message(
    "oauth.aadsts-65001",
    "you (or an administrator) have not yet consented to popgui reading your mail: "
    "sign in again and accept the permissions it asks for",
)
AADSTS_65004 = Message(
    "oauth.aadsts-65004",
    "the consent to popgui was declined: sign in again and accept, or ask your "
    "administrator to approve popgui for your organisation",
)
AADSTS_ADMIN_CONSENT = Message(
    "oauth.aadsts-admin-consent",
    "your organisation requires an administrator to approve popgui before you can sign "
    "in: ask your IT administrator to grant admin consent",
)
AADSTS_700016 = Message(
    "oauth.aadsts-700016",
    "this client id is not known in this tenant: check the tenant (common, "
    "organizations, consumers or your organisation's id) and the client id",
)
AADSTS_90002 = Message(
    "oauth.aadsts-90002", "this tenant does not exist: check the tenant name or id"
)
AADSTS_50020 = Message(
    "oauth.aadsts-50020",
    "this account does not belong to the tenant: use tenant 'common', or your own "
    "organisation's tenant id",
)
AADSTS_50076 = Message(
    "oauth.aadsts-50076",
    "your organisation requires multi-factor authentication: sign in again in the "
    "browser and complete it",
)
AADSTS_50079 = Message(
    "oauth.aadsts-50079",
    "your organisation requires you to set up multi-factor authentication: sign in "
    "again in the browser and complete it",
)
AADSTS_53003 = Message(
    "oauth.aadsts-53003",
    "your organisation's conditional access policy blocked this sign-in (some block "
    "the device-code flow): use the browser sign-in, or ask your administrator",
)
AADSTS_70000 = Message(
    "oauth.aadsts-70000",
    "the sign-in is no longer valid (revoked, or granted for other permissions): sign in again",
)
AADSTS_70008 = Message(
    "oauth.aadsts-70008",
    "the sign-in has expired (not used for a long time, or the password changed): sign in again",
)
AADSTS_50173 = Message(
    "oauth.aadsts-50173",
    "the sign-in was revoked, usually because the password changed: sign in again",
)
AADSTS_700082 = Message(
    "oauth.aadsts-700082",
    "the sign-in expired because it was not used for 90 days: sign in again",
)
AADSTS_700084 = Message(
    "oauth.aadsts-700084",
    "the sign-in expired (single-page-app tokens last 24 hours): sign in again",
)
AADSTS_7000218 = Message(
    "oauth.aadsts-7000218",
    "this client id is registered as a confidential app and needs a client secret: "
    "give the account its client secret, or register popgui's client id as a public client",
)
AADSTS_7000215 = Message(
    "oauth.aadsts-7000215", "the client secret is wrong: check the account's client secret"
)
AADSTS_50126 = Message("oauth.aadsts-50126", "the user name or password was wrong: sign in again")
AADSTS_50034 = Message(
    "oauth.aadsts-50034",
    "this user does not exist in the tenant: check the mailbox address and tenant",
)
AADSTS_50058 = Message(
    "oauth.aadsts-50058", "you are not signed in to Microsoft in the browser: sign in again"
)
AADSTS_50011 = Message(
    "oauth.aadsts-50011",
    "the loopback redirect address is not registered for this client id: its owner "
    "must add http://127.0.0.1 (and http://localhost) as redirect URIs of the 'Mobile and "
    "desktop applications' platform (docs/oauth.md)",
)
AADSTS_7000112 = Message(
    "oauth.aadsts-7000112", "this app is disabled in your organisation: ask your administrator"
)
AADSTS_9002313 = Message(
    "oauth.aadsts-9002313", "the request was malformed: check the account's OAuth settings"
)

# The OAuth error codes (RFC 6749 and Google's own).
ADMIN_POLICY_ENFORCED = Message(
    "oauth.admin-policy-enforced",
    "your Google Workspace administrator does not allow popgui (or "
    "this scope) for your account: ask them to trust the app",
)
ORG_INTERNAL = Message(
    "oauth.org-internal",
    "this client id belongs to a Google Cloud project limited to its own "
    "organisation's users: use a client id that allows your account",
)
DISALLOWED_USERAGENT = Message(
    "oauth.disallowed-useragent",
    "Google refuses sign-ins from embedded browsers: open the address in your normal browser",
)
ACCESS_DENIED = Message(
    "oauth.access-denied",
    "the sign-in was refused in the browser (consent not given, or the app "
    "is unverified and your account is not one of its test users)",
)
INVALID_CLIENT = Message(
    "oauth.invalid-client",
    "the provider does not accept this client id (or its secret): check "
    "the account's client id and secret",
)
UNAUTHORIZED_CLIENT = Message(
    "oauth.unauthorized-client", "this client id is not allowed to use this kind of sign-in"
)
INVALID_SCOPE = Message(
    "oauth.invalid-scope", "the provider refused the requested scopes: check the account's scope"
)
CONSENT_REQUIRED = Message(
    "oauth.consent-required", "consent is needed: sign in again and accept the permissions"
)
INTERACTION_REQUIRED = Message(
    "oauth.interaction-required", "the provider needs you in the browser: sign in again"
)
TEMPORARILY_UNAVAILABLE = Message(
    "oauth.temporarily-unavailable",
    "the provider is temporarily unavailable: try again later",
)
SERVER_ERROR = Message("oauth.server-error", "the provider had an internal error: try again later")
