"""What the OAuth2 end-to-end tests share: the test provider with a Dovecot that checks its
tokens, mail delivered to that Dovecot user, and the scripted browser as a ``$BROWSER``."""

from __future__ import annotations

import contextlib
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, private_dovecot
from tests.support.oauth_server import OAuthTestServer

#: Fetches the authorization address and follows the redirect, like a consenting user.
BROWSER_SCRIPT = Path(__file__).parents[1] / "oauth" / "browser.py"


@dataclass(frozen=True)
class Provider:
    server: OAuthTestServer
    dovecot: DovecotServer
    user: str


@contextlib.contextmanager
def oauth_provider(pki: TestPKI) -> Iterator[Provider]:
    """The authorization server, and a Dovecot that checks tokens with it, for one user (the
    provider's user and Dovecot's must be the same name)."""
    user = f"u{secrets.token_hex(6)}"
    with OAuthTestServer(user=user) as server:
        introspection = f"{server.url}/introspect"
        with private_dovecot(pki, oauth2_introspection_url=introspection) as dovecot:
            dovecot.add_user(user, secrets.token_urlsafe(12))  # a password nobody uses
            yield Provider(server, dovecot, user)


def deliver(provider: Provider, count: int, seed: int = 7) -> None:
    """``count`` messages into the provider user's Dovecot Maildir (through ``tmp/``)."""
    maildir = provider.dovecot.users_dir / provider.user / "Maildir"
    for number, message in enumerate(mixed_messages(count, seed=seed)):
        name = f"s{seed}m{number}"
        (maildir / "tmp" / name).write_bytes(message)
        (maildir / "tmp" / name).rename(maildir / "new" / name)


def scripted_browser(directory: Path) -> Path:
    """A ``$BROWSER`` program running :data:`BROWSER_SCRIPT` (webbrowser takes one program
    name, no arguments: hence a wrapper script)."""
    browser = directory / "scripted-browser"
    browser.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{BROWSER_SCRIPT}" "$@"\n')
    browser.chmod(0o755)
    return browser
