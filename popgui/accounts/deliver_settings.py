"""The checks of where an account's mail goes (the ``deliver*`` fields).

``deliver`` None means the account's Maildir, as always; otherwise it is the text of
``--deliver`` (read by :func:`popgui.accounts.destination_spec.parse_deliver`). The other fields
belong to one kind of destination each, and are refused elsewhere, so that a setting never
silently does nothing:

- ``deliver_ca_file``: an extra certificate authority to trust for it (IMAP, LMTP over TCP);
- ``deliver_security`` ``"tls"`` (TLS required: implicit for ``imaps://``, STARTTLS for
  ``imap://``) or ``"none"`` (clear text allowed), IMAP and LMTP over TCP;
- ``deliver_auth`` (``"password"`` or ``"oauth2"``, with ``deliver_oauth_*`` as the
  ``oauth_*`` settings say for the account's own sign-in), ``deliver_password_source`` (keyring,
  command or file, as the account's own) and ``deliver_password_command``: IMAP only;
- ``deliver_to``: the LMTP recipient (None: the account's user name);
- ``deliver_shell`` (run the command through the shell) and ``deliver_timeout_seconds``
  (None: :data:`DEFAULT_MDA_TIMEOUT`): a program (``mda:``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from popgui.accounts.choices import DeliverAuth, DeliverSecurity, PasswordSource
from popgui.accounts.destination_spec import parse_deliver
from popgui.catalog import destinations as says
from popgui.checks import bad_setting
from popgui.errors import SettingError

if TYPE_CHECKING:
    from popgui.accounts.settings import Account

__all__ = [
    "DEFAULT_MDA_TIMEOUT",
    "DELIVER_BOOL_FIELDS",
    "DELIVER_CHOICES",
    "DELIVER_INT_FIELDS",
    "DELIVER_TEXT_FIELDS",
    "check_deliver",
]

#: The OAuth2 sign-in of an IMAP destination: the ``oauth_*`` settings' meaning, for it.
DELIVER_OAUTH_TEXT_FIELDS = (
    "deliver_oauth_issuer", "deliver_oauth_client_id", "deliver_oauth_tenant",
    "deliver_oauth_scope",
)  # fmt: skip
DELIVER_TEXT_FIELDS = (
    "deliver", "deliver_password_command", "deliver_to", "deliver_ca_file",
    *DELIVER_OAUTH_TEXT_FIELDS,
)  # fmt: skip
DELIVER_CHOICES: dict[str, tuple[str, ...]] = {
    "deliver_security": get_args(DeliverSecurity),
    "deliver_auth": get_args(DeliverAuth),
    "deliver_password_source": get_args(PasswordSource),
}
DELIVER_BOOL_FIELDS = ("deliver_shell",)
DELIVER_INT_FIELDS = ("deliver_timeout_seconds",)
#: What an IMAP destination at Microsoft (Outlook.com, Microsoft 365) asks to be allowed.
MICROSOFT_IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
#: How long a program (``mda:``) may take over one message, in seconds, unless set.
DEFAULT_MDA_TIMEOUT = 300
MAX_MDA_TIMEOUT = 24 * 3600


def check_deliver(account: Account) -> None:
    """Refuse a destination popgui cannot read, and settings that belong to another kind."""
    if account.deliver is None:
        _only_with("imap", account, "")
        return
    spec = parse_deliver(account.deliver)
    if account.protocol == "pop2":
        raise bad_setting("deliver", says.POP2_DELIVER)
    if account.adopt:
        raise bad_setting("adopt", says.ADOPT_WITH_DELIVER)
    _only_with(spec.kind, account, spec.path)
    _check_oauth(account)


def _check_oauth(account: Account) -> None:
    """The destination's OAuth2 settings, checked as the account's own would be (a mistake
    names the ``deliver_oauth_*`` setting)."""
    names = ("deliver_oauth_provider", *DELIVER_OAUTH_TEXT_FIELDS)
    if account.deliver_auth != "oauth2":
        for name in names:
            if getattr(account, name) is not None:
                raise bad_setting(name, says.ONLY_FOR, kinds="deliver_auth = oauth2")
        return
    if account.deliver_password_source != "keyring" or account.deliver_password_command:
        raise bad_setting("deliver_password_source", says.OAUTH_NO_PASSWORD)
    from popgui.accounts.oauth_settings import check_oauth

    try:
        check_oauth(oauth_view(account))
    except SettingError as error:
        raise SettingError(
            error.sentence or str(error), setting="deliver_" + error.setting
        ) from None


def oauth_view(account: Account) -> Account:
    """The account with the destination's OAuth2 settings in the ``oauth_*`` fields (what
    the sign-in code reads). Microsoft's default scope is POP's: an IMAP destination asks
    for IMAP's instead (Google's one scope covers both)."""
    from dataclasses import replace

    scope = account.deliver_oauth_scope
    if scope is None and account.deliver_oauth_provider == "microsoft":
        scope = MICROSOFT_IMAP_SCOPE
    return replace(
        account,
        auth="oauth2",
        password_source="keyring",
        password_command=None,
        oauth_provider=account.deliver_oauth_provider,
        oauth_issuer=account.deliver_oauth_issuer,
        oauth_client_id=account.deliver_oauth_client_id,
        oauth_tenant=account.deliver_oauth_tenant,
        oauth_scope=scope,
    )


def _only_with(kind: str, account: Account, path: str) -> None:
    """Each ``deliver_*`` field away from its default only where its kind uses it."""
    over_tcp = kind == "imap" or (kind == "lmtp" and not path)
    if account.deliver_security != "tls" and not over_tcp:
        raise bad_setting("deliver_security", says.ONLY_FOR, kinds="imap://, lmtp://")
    if account.deliver_ca_file is not None and not over_tcp:
        raise bad_setting("deliver_ca_file", says.ONLY_FOR, kinds="imap://, lmtp://")
    if kind != "imap":
        for name, default in (("deliver_auth", "password"), ("deliver_password_source", "keyring")):
            if getattr(account, name) != default:
                raise bad_setting(name, says.ONLY_FOR, kinds="imap://, imaps://")
    if account.deliver_password_source == "command":
        if not (account.deliver_password_command or "").strip():
            raise bad_setting("deliver_password_command", says.PASSWORD_COMMAND_EMPTY)
    elif account.deliver_password_command is not None:
        raise bad_setting("deliver_password_command", says.PASSWORD_COMMAND_UNUSED)
    if account.deliver_to is not None:
        if kind != "lmtp":
            raise bad_setting("deliver_to", says.ONLY_FOR, kinds="lmtp:")
        if not account.deliver_to.strip() or any(c in account.deliver_to for c in "<> "):
            raise bad_setting("deliver_to", says.BAD_RECIPIENT, value=repr(account.deliver_to))
    if kind != "mda":
        if account.deliver_shell:
            raise bad_setting("deliver_shell", says.ONLY_FOR, kinds="mda:")
        if account.deliver_timeout_seconds is not None:
            raise bad_setting("deliver_timeout_seconds", says.ONLY_FOR, kinds="mda:")
    timeout = account.deliver_timeout_seconds
    if timeout is not None and not 1 <= timeout <= MAX_MDA_TIMEOUT:
        raise bad_setting(
            "deliver_timeout_seconds", says.TIMEOUT_RANGE, high=MAX_MDA_TIMEOUT, value=timeout
        )
