"""Who signs an account in: Microsoft, Google, or any issuer that publishes discovery.

:class:`OAuthConfig` is what an account says (provider, its own client id, secret, tenant,
issuer, scopes); :func:`endpoints_for` turns it into :class:`Endpoints`, reading the issuer's
discovery document (RFC 8414 / OpenID Connect) for ``custom``. Endpoints must be https; plain
http is accepted for loopback addresses only (a server on the same machine, as in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from popgui.accounts.choices import OAuthProvider
from popgui.catalog import Message, Sentence
from popgui.catalog import oauth as says
from popgui.checks import is_loopback_host
from popgui.oauth import client_ids
from popgui.oauth.errors import OAuthConfigError

Provider = OAuthProvider

MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
MICROSOFT_SCOPES = ("https://outlook.office.com/POP.AccessAsUser.All", "offline_access")
MICROSOFT_TENANTS = ("common", "consumers", "organizations")
GOOGLE_SCOPES = ("https://mail.google.com/",)
GOOGLE_ISSUER = "https://accounts.google.com"

_HOSTS: dict[str, Provider] = {
    "outlook.office365.com": "microsoft",
    "outlook.office.com": "microsoft",
    "pop-mail.outlook.com": "microsoft",
    "pop3.live.com": "microsoft",
    "pop.gmail.com": "google",
    "pop.googlemail.com": "google",
    # Their IMAP servers, where popgui delivers (--deliver imaps://…)
    "imap.gmail.com": "google",
    "imap.googlemail.com": "google",
    "imap-mail.outlook.com": "microsoft",
}


def guess_provider(host: str) -> Provider | None:
    """The provider whose POP (or IMAP) server ``host`` is, when popgui knows it."""
    return _HOSTS.get(host.strip().rstrip(".").lower())


@dataclass(frozen=True)
class OAuthConfig:
    """An account's OAuth settings. None means "the provider's default"."""

    provider: Provider
    client_id: str | None = None
    client_secret: str | None = None
    tenant: str | None = None
    issuer: str | None = None
    scopes: tuple[str, ...] | None = None
    #: Microsoft's login host; another one for national clouds (login.microsoftonline.us).
    authority: str = MICROSOFT_AUTHORITY

    def effective_client_id(self) -> str:
        """The account's client id, else the one this build carries; a plain error if none."""
        if self.client_id:
            return self.client_id
        built = {"microsoft": client_ids.MICROSOFT_CLIENT_ID,
                 "google": client_ids.GOOGLE_CLIENT_ID}.get(self.provider, "")  # fmt: skip
        if built:
            return built
        raise OAuthConfigError(says.NO_CLIENT_ID(provider=self.provider))

    def effective_client_secret(self) -> str | None:
        if self.client_id:  # the account's own client: its own secret, if any
            return self.client_secret or None
        if self.provider == "google":
            return client_ids.GOOGLE_CLIENT_SECRET or None
        return None

    def effective_scopes(self) -> tuple[str, ...]:
        if self.scopes is not None:
            return self.scopes
        return {"microsoft": MICROSOFT_SCOPES, "google": GOOGLE_SCOPES}.get(self.provider, ())


@dataclass(frozen=True)
class Endpoints:
    """Where to send the browser and the token requests.

    ``issuer`` is what the RFC 9207 ``iss`` of an authorization reply must equal (None: any
    ``iss`` under ``issuer_prefix``, for Microsoft's multi-tenant endpoints whose issuer names
    the user's tenant).
    """

    authorization: str
    token: str
    device: str | None = None
    revocation: str | None = None
    issuer: str | None = None
    issuer_prefix: str | None = None
    #: Extra parameters of the authorization request (Google needs offline access asked).
    extra_authorize: dict[str, str] = field(default_factory=dict)

    def issuer_matches(self, iss: str) -> bool:
        if self.issuer is not None:
            return iss == self.issuer
        return self.issuer_prefix is not None and iss.startswith(self.issuer_prefix)


def check_url(url: str, what: Sentence | str) -> str:
    """``url`` if it is https, or http to a loopback address; else a plain error.

    ``what`` names the address (an endpoint's name, or a discovery document's key)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
        return url
    raise OAuthConfigError(says.NOT_HTTPS(what=what, url=repr(url)))


def microsoft_endpoints(config: OAuthConfig) -> Endpoints:
    tenant = (config.tenant or "common").strip()
    if not tenant or "/" in tenant or "?" in tenant or "#" in tenant:
        raise OAuthConfigError(says.NOT_A_TENANT(tenant=repr(tenant)))
    authority = check_url(config.authority.rstrip("/"), says.MICROSOFT_ADDRESS())
    base = f"{authority}/{tenant}/oauth2/v2.0"
    multi = tenant in MICROSOFT_TENANTS
    return Endpoints(
        authorization=f"{base}/authorize",
        token=f"{base}/token",
        device=f"{base}/devicecode",
        issuer=None if multi else f"{authority}/{tenant}/v2.0",
        issuer_prefix=f"{authority}/" if multi else None,
    )


def google_endpoints() -> Endpoints:
    return Endpoints(
        authorization="https://accounts.google.com/o/oauth2/v2/auth",
        token="https://oauth2.googleapis.com/token",
        device=None,  # Google's device flow does not allow the Gmail scope
        revocation="https://oauth2.googleapis.com/revoke",
        issuer=GOOGLE_ISSUER,
        # offline: a refresh token; consent: a new refresh token at each sign-in.
        extra_authorize={"access_type": "offline", "prompt": "consent"},
    )


#: The endpoints a discovery document names, in words.
_ENDPOINT_NAMES: dict[str, Message] = {
    "authorization_endpoint": says.AUTHORIZATION_ENDPOINT,
    "token_endpoint": says.TOKEN_ENDPOINT,
    "device_authorization_endpoint": says.DEVICE_ENDPOINT,
    "revocation_endpoint": says.REVOCATION_ENDPOINT,
}


def endpoints_from_discovery(issuer: str, document: dict[str, object]) -> Endpoints:
    """The endpoints of a discovery document, checked as RFC 8414 section 3.3 asks."""
    named = document.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer.rstrip("/"):
        raise OAuthConfigError(says.DISCOVERY_OTHER_ISSUER(issuer=repr(issuer), named=repr(named)))

    def url(name: str, *, required: bool = False) -> str | None:
        value = document.get(name)
        if isinstance(value, str) and value:
            return check_url(value, _ENDPOINT_NAMES[name]())
        if required:
            raise OAuthConfigError(says.DISCOVERY_MISSING(issuer=repr(issuer), name=name))
        return None

    authorization = url("authorization_endpoint", required=True)
    token = url("token_endpoint", required=True)
    assert authorization is not None and token is not None
    return Endpoints(
        authorization=authorization,
        token=token,
        device=url("device_authorization_endpoint"),
        revocation=url("revocation_endpoint"),
        issuer=issuer,
    )


def discovery_url(issuer: str) -> str:
    return check_url(issuer.rstrip("/"), says.ISSUER()) + "/.well-known/openid-configuration"


def issuer_name(config: OAuthConfig) -> str:
    """The issuer a token record of ``config`` names, known without a network request."""
    if config.provider == "custom":
        return (config.issuer or "").rstrip("/")
    microsoft = config.provider == "microsoft"
    endpoints = microsoft_endpoints(config) if microsoft else google_endpoints()
    return endpoints.issuer or endpoints.issuer_prefix or config.provider


def endpoints_for(config: OAuthConfig, *, timeout: float = 30.0) -> Endpoints:
    """The endpoints of ``config``; for ``custom``, read from the issuer's discovery document."""
    if config.provider == "microsoft":
        return microsoft_endpoints(config)
    if config.provider == "google":
        return google_endpoints()
    if not config.issuer:
        raise OAuthConfigError(says.NO_ISSUER())
    from popgui.oauth.http import get_json

    issuer = config.issuer.rstrip("/")
    document = get_json(discovery_url(issuer), what=says.DISCOVERY(), timeout=timeout)
    return endpoints_from_discovery(issuer, document)
