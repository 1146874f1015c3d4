"""``popgui demo``: try popgui without an account of one's own.

Starts the project's local POP3 and POP2 servers on free loopback ports with sample mail and
configures one account for each in a fresh profile (or --profile). Where a display is
available the window opens on that profile (the servers run for as long as it is open);
otherwise, or with ``--no-window``, the mail is downloaded in the terminal.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from popgui.accounts.settings import Account, Settings, load_settings, save_settings
from popgui.cli.preview_cmd import print_preview_table
from popgui.cli.progress import make_progress_display
from popgui.cli.sync_cmd import _summary
from popgui.cli.window import display_available
from popgui.localserver import (
    LocalPOP2Server,
    LocalPOP3Server,
    ServerAccount,
    ServerMailbox,
    sample_messages,
)
from popgui.localserver.demo import DemoServers
from popgui.messages import describe
from popgui.profile import Profile, resolve_profile
from popgui.sync.engine import sync_account
from popgui.sync.preview import preview_account

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"


def demo_profile(args: Namespace) -> Profile:
    if args.profile:
        return Profile(resolve_profile(args.profile))
    return Profile(Path(tempfile.mkdtemp(prefix="popgui-demo-")))


def demo_servers() -> tuple[LocalPOP3Server, LocalPOP2Server]:
    """Both servers, stocked with the sample mail (the POP2 one with a share of it)."""
    samples = sample_messages()
    pop3_box, pop2_box = ServerMailbox(), ServerMailbox()
    for content in samples:
        pop3_box.add(content)
    for content in samples[::3]:
        pop2_box.add(content)
    pop3 = LocalPOP3Server([ServerAccount(DEMO_USER, DEMO_PASSWORD, pop3_box)])
    pop2 = LocalPOP2Server([ServerAccount(DEMO_USER, DEMO_PASSWORD, pop2_box)])
    return pop3, pop2


def demo_accounts(pop3: LocalPOP3Server, pop2: LocalPOP2Server) -> list[Account]:
    # The demo password is not secret; a command keeps it out of the real keyring.
    command = shlex.join([sys.executable, "-c", f"print({DEMO_PASSWORD!r})"])
    return [
        Account(
            name="demo-pop3",
            host=pop3.host,
            port=pop3.port,
            protocol="pop3",
            security="none",
            user=DEMO_USER,
            password_source="command",
            password_command=command,
        ),
        Account(
            name="demo-pop2",
            host=pop2.host,
            port=pop2.port,
            protocol="pop2",
            security="none",
            user=DEMO_USER,
            password_source="command",
            password_command=command,
        ),
    ]


def save_demo_accounts(profile: Profile, accounts: list[Account]) -> None:
    settings: Settings = load_settings(profile.settings_file)
    for account in accounts:
        settings.put(account)
    save_settings(profile.settings_file, settings)


def run_demo(args: Namespace) -> int:
    profile = demo_profile(args)
    pop3, pop2 = demo_servers()
    with pop3, pop2:
        accounts = demo_accounts(pop3, pop2)
        save_demo_accounts(profile, accounts)
        print(
            f"popgui demo: local POP3 server on {pop3.host}:{pop3.port}, "
            f"POP2 server on {pop2.host}:{pop2.port}; profile in {profile.path}"
        )
        if not args.no_window and display_available():
            from popgui.gui.app import run_window  # Qt only on this path

            return run_window(profile, demo=DemoServers(pop3, pop2))
        if args.no_window:
            print("popgui demo: running in the terminal (--no-window)")
        else:
            print("popgui demo: no display available, so no window; running in the terminal")
        return _terminal_demo(profile, accounts)


def _terminal_demo(profile: Profile, accounts: list[Account]) -> int:
    failed = False
    display = make_progress_display(enabled=sys.stderr.isatty())
    with display:
        results = [
            sync_account(account, DEMO_PASSWORD, profile, progress=display.update)
            for account in accounts
        ]
    for account, result in zip(accounts, results, strict=True):
        if result.error is not None:
            failed = True
            print(f"popgui: {account.name}: {describe(result.error)}", file=sys.stderr)
        else:
            print(_summary(result))
    print_preview_table(accounts[0].name, preview_account(accounts[0], DEMO_PASSWORD, profile))
    for account in accounts:
        print(f"{account.name}: mail is in {account.maildir_path(profile)}")
    print(f"Try: popgui --profile {shlex.quote(str(profile.path))} account list")
    return 1 if failed else 0
