"""``popgui account add | list | show | remove | login``."""

from __future__ import annotations

import getpass
import sys
from argparse import Namespace
from datetime import UTC, date, datetime

from popgui.accounts.choices import FirstSync, PasswordSource, Policy
from popgui.accounts.proxy_settings import parse_proxy
from popgui.accounts.secrets import SecretStore, keyring_key, stores_password
from popgui.accounts.settings import Account, save_settings, validate_account
from popgui.catalog import accounts as says
from popgui.cli.clientcert_options import (
    check_client_cert,
    client_cert_fields,
    forget_client_key_passphrase,
    keep_client_key_passphrase,
    read_client_key_passphrase,
)
from popgui.cli.common import find_account, load, open_profile
from popgui.cli.deliver_options import (
    deliver_fields,
    forget_deliver_password,
    needs_deliver_password,
    store_deliver_password,
)
from popgui.cli.login_cmd import (
    carry_sign_in,
    deliver_sign_in,
    forget_sign_in,
    oauth_fields,
    run_login,
    sign_in_status,
)
from popgui.cli.proxy_options import (
    forget_proxy_password,
    needs_proxy_password,
    proxy_fields,
    store_proxy_password,
)
from popgui.errors import ConfigError, PopguiError, UsageError
from popgui.profile import Profile


def run_account(args: Namespace) -> int:
    if args.action == "import-state":
        from popgui.cli.import_cmd import run_import_state

        return run_import_state(args)
    actions = {"add": _add, "list": _list, "show": _show, "remove": _remove, "login": run_login}
    return actions[args.action](args)


def _policy(args: Namespace) -> tuple[Policy, int | None]:
    if args.delete_after_days is not None:
        return "delete-after-days", args.delete_after_days
    return ("delete" if args.delete else "keep"), None


def _password_source(args: Namespace) -> PasswordSource:
    if args.password_command:
        if args.password_in_file:
            raise UsageError("--password-in-file keeps a password: not with --password-command")
        return "command"
    return "file" if args.password_in_file else "keyring"


def _first_sync(args: Namespace) -> tuple[FirstSync, str | None]:
    """``first_sync`` and ``first_sync_since`` from --skip-existing / --since (see
    popgui/sync/firstsync.py for why the moment of adding is kept rather than a listing)."""
    skip, since = getattr(args, "skip_existing", False), getattr(args, "since", None)
    if (skip or since is not None) and args.protocol == "pop2":
        raise UsageError(says.POP2_FIRST_SYNC_FLAG(flag="--skip-existing" if skip else "--since"))
    if skip:
        return "new", datetime.now(UTC).replace(microsecond=0).isoformat()
    if since is None:
        return "all", None
    try:
        if len(since) != 10:
            raise ValueError(since)
        return "since", date.fromisoformat(since).isoformat()
    except ValueError:
        raise UsageError(says.SINCE_FORM(value=repr(since))) from None


def _check_adopt(args: Namespace) -> bool:
    """--adopt, before anything else: only for POP3, only with --maildir."""
    if not getattr(args, "adopt", False):
        return False
    if args.protocol == "pop2":
        raise UsageError(says.POP2_ADOPT_FLAG())
    if args.maildir is None:
        raise UsageError(says.ADOPT_NEEDS_MAILDIR())
    return True


def _check_maildir_to_adopt(account: Account, profile: Profile) -> None:
    """An adopting account's Maildir must exist: a mistyped path would adopt nothing and
    download everything again."""
    path = account.maildir_path(profile)
    if not all((path / sub).is_dir() for sub in ("cur", "new")):
        raise UsageError(says.ADOPT_NOT_A_MAILDIR(path=path))


def account_from_args(args: Namespace, *, adopt: bool = False) -> Account:
    policy, days = _policy(args)
    first_sync, since = _first_sync(args)
    try:
        return validate_account(
            Account(
                name=args.name,
                host=args.host,
                port=args.port,
                protocol=args.protocol,
                security=args.security,
                user=args.user,
                auth=args.auth,
                password_source=_password_source(args),
                password_command=args.password_command,
                policy=policy,
                delete_after_days=days,
                maildir=args.maildir,
                remote_folder=args.remote_folder,
                ca_file=args.ca_file,
                fingerprint=args.fingerprint,
                first_sync=first_sync,
                first_sync_since=since,
                adopt=adopt,
                **oauth_fields(args),
                **deliver_fields(args),
                **proxy_fields(args),
                **client_cert_fields(args),
            )
        )
    except ConfigError as error:
        raise UsageError(str(error)) from error


def _read_password(args: Namespace) -> str | None:
    """The password to keep in the keyring: from stdin, a prompt on a terminal, or none."""
    if args.auth == "gssapi":
        if args.password_stdin or getattr(args, "password_in_file", False):
            raise UsageError(
                "an account that signs in with Kerberos (--auth gssapi) has no password: "
                "leave out --password-stdin and --password-in-file"
            )
        return None  # the ticket is in the person's credential cache
    if args.password_command:
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
        if not password:
            raise UsageError("--password-stdin read an empty password")
        if any(char in password for char in "\r\n\0"):
            raise UsageError(
                "the password contains a line break or a NUL character, which POP cannot send"
            )
        return password
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {args.user} at {args.host}: ") or None
    return None


def _add(args: Namespace) -> int:
    profile = open_profile(args)
    settings = load(profile)
    account = account_from_args(args, adopt=_check_adopt(args))
    if account.adopt:
        _check_maildir_to_adopt(account, profile)
    if settings.get(account.name) is not None and not args.replace:
        raise UsageError(
            f"an account named {account.name!r} exists already; "
            "add --replace to change it (its mail and state are kept)"
        )
    previous = settings.get(account.name)
    # An oauth2 account's keyring entry holds its client's secret, if any; it has no password.
    password = args.oauth_client_secret if account.auth == "oauth2" else _read_password(args)
    if password is None and previous is not None:
        password = _carried_over_password(previous, account, profile)
    if password is not None:
        SecretStore(profile=profile).store_password(account, password)
    deliver_password = store_deliver_password(args, account, profile)
    proxy_password = store_proxy_password(args, account, profile)
    passphrase = read_client_key_passphrase(args)
    check_client_cert(account, passphrase)
    keep_client_key_passphrase(account, passphrase, previous)
    settings.put(account)
    save_settings(profile.settings_file, settings)
    if account.first_sync != "all" or account.adopt:
        _choose_again(account, profile)
    if previous is not None:  # after the save: until then the old settings still read them
        if _old_password_unused(previous, account, stored=password):
            _forget_password(previous, profile)
        if previous.auth == "oauth2":
            carry_sign_in(previous, account)
        if previous.deliver is not None and previous.deliver_auth == "oauth2":
            _carry_deliver_sign_in(previous, account)
        forget_proxy_password(previous, profile, unless=account)
    where = account.maildir_path(profile)
    if account.deliver is not None:
        print(f"account {account.name!r} saved; its mail will go to {account.deliver}")
    else:
        print(f"account {account.name!r} saved; its mail will go to {where}")
    if account.first_sync == "new":
        print(says.WILL_SKIP_EXISTING())
    elif account.first_sync == "since":
        print(says.WILL_START_SINCE(day=account.first_sync_since))
    elif account.adopt:
        print(says.WILL_ADOPT(path=where))
    if account.auth == "oauth2":
        print(f"sign in with `popgui account login {account.name}`", file=sys.stderr)
    elif account.auth == "gssapi":
        _say_kerberos_ticket(account)
    elif password is None and stores_password(account):
        again = " --password-in-file" if account.password_source == "file" else ""
        print(
            f"no password stored yet: add it with --password-stdin{again} --replace",
            file=sys.stderr,
        )
    if needs_deliver_password(account) and not deliver_password:
        print(
            "the destination's password is not stored here: give it with "
            "--deliver-password-stdin --replace (unless the keyring has it already)",
            file=sys.stderr,
        )
    if needs_proxy_password(account) and not proxy_password:
        print(
            "the proxy's password is not stored here: give it with --proxy-password-stdin "
            "--replace (unless the keyring has it already)",
            file=sys.stderr,
        )
    return 0


def _say_kerberos_ticket(account: Account) -> None:
    """Which ticket the account will sign in with, or how to get one."""
    from popgui.net.kerberos import KerberosUnavailableError, ticket_summary

    try:
        print(f"it signs in with your Kerberos ticket: {ticket_summary(account.user)}")
    except KerberosUnavailableError as error:
        print(f"popgui: {error}", file=sys.stderr)


def _carry_deliver_sign_in(previous: Account, account: Account) -> None:
    """The destination's OAuth2 tokens follow a new name, user or host of it (or go)."""
    old = deliver_sign_in(previous)
    if account.deliver is not None and account.deliver_auth == "oauth2":
        carry_sign_in(old, deliver_sign_in(account))
    else:
        forget_sign_in(old)


def _carried_over_password(previous: Account, account: Account, profile: Profile) -> str | None:
    """On --replace without a new password, keep the old one working under the new settings
    (a new key, or from the keyring to a password file or back)."""
    if not stores_password(previous) or not stores_password(account):
        return None
    if _holds_client_secret(previous) != _holds_client_secret(account):
        return None  # a password is no client secret, nor the other way round
    if not _moved(previous, account):
        return None
    try:
        return SecretStore(profile=profile).get_password(previous)
    except PopguiError:
        return None


def _old_password_unused(previous: Account, account: Account, *, stored: str | None) -> bool:
    """Whether *previous*'s keyring password is left unused by the replacing *account*.

    It is when the account now runs a password command, or when its password was stored under
    a new key (name, user or host changed). A password that could not be carried over to the
    new key stays, so that it is not lost.
    """
    if not stores_password(previous):
        return False
    if not stores_password(account):
        return True
    moved = _moved(previous, account)
    if _holds_client_secret(previous) != _holds_client_secret(account):
        # Another kind of secret now: the old one is unused, unless the new one replaced it.
        return moved or stored is None
    return stored is not None and moved


def _moved(previous: Account, account: Account) -> bool:
    """Whether the stored password's place changed (its key, or keyring and file)."""
    return (
        keyring_key(previous) != keyring_key(account)
        or previous.password_source != account.password_source
    )


def _holds_client_secret(account: Account) -> bool:
    return account.auth == "oauth2"


def _forget_password(account: Account, profile: Profile) -> None:
    where = "its file" if account.password_source == "file" else "the keyring"
    try:
        SecretStore(profile=profile).delete_password(account)
    except PopguiError as error:
        print(f"popgui: the password could not be removed from {where}: {error}", file=sys.stderr)


def _list(args: Namespace) -> int:
    settings = load(open_profile(args))
    if not settings.accounts:
        print("no accounts yet: add one with `popgui account add NAME --host HOST --user USER`")
    for account in settings.accounts:
        print(
            f"{account.name}\t{account.protocol}\t{account.user}@{account.host}:"
            f"{account.effective_port}\t{account.security}\t{account.policy}"
        )
    return 0


def _show(args: Namespace) -> int:
    profile = open_profile(args)
    account = find_account(load(profile), args.name)
    fields = account.to_dict()
    fields["port"] = account.effective_port
    fields["maildir"] = str(account.maildir_path(profile))
    if account.proxy is None or parse_proxy(account.proxy).user is None:
        del fields["proxy_password_source"]  # the proxy asks for no login (or there is none)
    if account.client_cert is None:  # "none" says nothing for an account without a certificate
        del fields["client_key_password_source"]
    for key, value in fields.items():
        if value is not None:
            print(f"{key.replace('_', '-')}: {value}")
    if account.first_sync != "all" or account.adopt:
        from popgui.sync.firstsync import first_sync_status  # only here: `show` stays light

        print(f"first-sync-state: {first_sync_status(account, profile)}")
    if account.auth == "oauth2":
        print(f"signed-in: {sign_in_status(account)}")
    if account.auth == "gssapi":
        print(f"kerberos-ticket: {_ticket_status(account)}")
    if account.deliver is not None and account.deliver_auth == "oauth2":
        status = sign_in_status(deliver_sign_in(account)).replace(
            f"login {account.name}/deliver", f"login {account.name} --deliver"
        )
        print(f"deliver-signed-in: {status}")
    return 0


def _ticket_status(account: Account) -> str:
    from popgui.net.kerberos import KerberosUnavailableError, ticket_summary

    try:
        return str(ticket_summary(account.user))
    except KerberosUnavailableError as error:
        return str(error)


def _choose_again(account: Account, profile: Profile) -> None:
    """An account added anew under an old name (removed, or --replace) chooses again at its
    next sync what to leave on the server: the rule just given is the person's wish now."""
    if profile.database_file.exists():
        from popgui.store.database import Database  # only for this case: `add` stays light

        with Database(profile.database_file) as database:
            database.forget_first_sync(account.name)


def _remove(args: Namespace) -> int:
    profile = open_profile(args)
    settings = load(profile)
    account = find_account(settings, args.name)
    settings.remove(account.name)
    save_settings(profile.settings_file, settings)
    if stores_password(account):
        _forget_password(account, profile)
    if account.auth == "oauth2":
        forget_sign_in(account)
    if account.deliver is not None and account.deliver_auth == "oauth2":
        forget_sign_in(deliver_sign_in(account))
    forget_deliver_password(account, profile)
    forget_proxy_password(account, profile, unless=None)
    forget_client_key_passphrase(account)
    print(f"account {account.name!r} removed; its mail stays in {account.maildir_path(profile)}")
    return 0
