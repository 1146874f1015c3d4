"""The checks of an account's OAuth2 sign-in settings (the ``oauth_*`` fields).

An ``auth="oauth2"`` account signs in through its provider and keeps the tokens in the
system keyring: it names a provider, and ``custom`` names the issuer whose discovery document
gives the endpoints. The fields make no sense with another ``auth``, and a password command
makes no sense with ``oauth2`` (``xoauth2`` is the method for an access token printed by a
command). Errors are :class:`~popgui.errors.ConfigError` naming the field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from popgui.accounts.choices import OAUTH_PROVIDERS
from popgui.catalog import accounts as says
from popgui.checks import bad_setting, is_loopback_host

if TYPE_CHECKING:
    from popgui.accounts.settings import Account

__all__ = ["OAUTH_FIELDS", "OAUTH_TEXT_FIELDS", "check_oauth"]

#: The free-text fields (checked like every text field: no control characters, a length).
OAUTH_TEXT_FIELDS = ("oauth_issuer", "oauth_client_id", "oauth_tenant", "oauth_scope")
OAUTH_FIELDS = ("oauth_provider", *OAUTH_TEXT_FIELDS)

#: A Microsoft tenant: common, consumers, organizations, a directory id or a domain name.
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")


def check_oauth(account: Account) -> None:
    """Refuse OAuth2 settings that contradict each other, or an ``oauth2`` account without a
    provider; accept everything else unchanged."""
    if account.auth != "oauth2":
        for name in OAUTH_FIELDS:
            if getattr(account, name) is not None:
                raise bad_setting(name, says.OAUTH_ONLY)
        return
    if account.password_source != "keyring" or account.password_command is not None:
        raise bad_setting("password_command", says.OAUTH_NO_COMMAND)
    provider = account.oauth_provider
    if provider is None:
        providers = ", ".join(OAUTH_PROVIDERS)
        raise bad_setting("oauth_provider", says.OAUTH_PROVIDER_NEEDED, providers=providers)
    if provider not in OAUTH_PROVIDERS:
        choices = ", ".join(OAUTH_PROVIDERS)
        raise bad_setting(
            "oauth_provider", says.NOT_A_CHOICE, choices=choices, value=repr(provider)
        )
    _check_issuer(account)
    _check_tenant(account)
    for name in ("oauth_client_id", "oauth_scope"):
        value = getattr(account, name)
        if value is not None and not value.strip():
            raise bad_setting(name, says.OAUTH_EMPTY)


def _check_issuer(account: Account) -> None:
    issuer = account.oauth_issuer
    if account.oauth_provider != "custom":
        if issuer is not None:
            raise bad_setting("oauth_issuer", says.ISSUER_CUSTOM_ONLY)
        return
    if not issuer:
        raise bad_setting("oauth_issuer", says.ISSUER_NEEDED)
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
        return  # a provider on this machine: nothing travels over a network
    raise bad_setting("oauth_issuer", says.ISSUER_NOT_HTTPS, issuer=repr(issuer))


def _check_tenant(account: Account) -> None:
    tenant = account.oauth_tenant
    if tenant is None:
        return
    if account.oauth_provider != "microsoft":
        raise bad_setting("oauth_tenant", says.TENANT_MICROSOFT_ONLY)
    if not _TENANT.fullmatch(tenant):
        raise bad_setting("oauth_tenant", says.TENANT_FORM, tenant=repr(tenant))
