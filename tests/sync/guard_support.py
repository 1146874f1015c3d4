"""What the migration guard's tests share: an account on the test Dovecot, small messages
(with or without a Message-ID) and ways to renumber a mailbox for real."""

from __future__ import annotations

import poplib
from pathlib import Path

from popgui.accounts.settings import Account
from popgui.profile import Profile
from popgui.sync.engine import sync_account
from popgui.sync.progress import SyncResult
from tests.support.dovecot import DovecotServer, MailUser

#: Dovecot's UIDLs made of the Maildir file names instead of its own numbering: switching a
#: user to it (and back) renumbers every message (DovecotServer.set_uidl_format).
FILE_NAMES = "%f"


def message(index: int, *, message_id: bool = True, body: str = "") -> bytes:
    """A small message with LF line ends, as a Maildir stores it."""
    lines = [
        f"From: Sender {index} <sender{index}@example.org>",
        "To: you@example.com",
        f"Subject: message {index}",
        f"Date: Tue, 01 Sep 2026 10:{index % 60:02d}:00 +0200",
    ]
    if message_id:
        lines.append(f"Message-ID: <guard{index}@example.org>")
    return ("\n".join(lines) + f"\n\n{body or f'body of message {index}'}\n").encode()


def dovecot_account(dovecot: DovecotServer, user: MailUser) -> Account:
    return Account(
        name="acct", host="127.0.0.1", port=dovecot.plain_port, security="none",
        user=user.name, auth="user", policy="keep",
    )  # fmt: skip


def sync(account: Account, password: str, profile: Profile, *, accept: bool = False) -> SyncResult:
    return sync_account(account, password, profile, accept_new_uidls=accept)


def stored(profile: Profile, account: Account) -> list[bytes]:
    """Every message in the account's Maildir (new/ and cur/), sorted: duplicates show."""
    maildir = account.maildir_path(profile)
    files = [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    return sorted(path.read_bytes() for path in files)


def server_files(dovecot: DovecotServer, user: MailUser) -> list[Path]:
    """The user's message files on the server, oldest delivery first."""
    maildir = dovecot.maildir(user.name)
    files = [*maildir.joinpath("new").iterdir(), *maildir.joinpath("cur").iterdir()]
    return sorted(files, key=lambda path: path.name.split(":", 1)[0])


def rename_on_server(dovecot: DovecotServer, user: MailUser, count: int) -> None:
    """Give *count* of the user's messages a new file name: Dovecot numbers a file it does
    not know again, so exactly these messages get a new UIDL (a partial renumbering)."""
    for path in server_files(dovecot, user)[:count]:
        path.rename(path.with_name("renamed-" + path.name))


def delete_on_server(dovecot: DovecotServer, user: MailUser, count: int) -> None:
    """Another client deletes *count* of the user's messages (the newest)."""
    for path in server_files(dovecot, user)[-count:]:
        path.unlink()


def reverse_on_server(dovecot: DovecotServer, user: MailUser) -> None:
    """Rename every message file so that Dovecot numbers them all again, newest first (it
    numbers files it does not know in the order of the time their names begin with): a
    renumbering that also reverses the order of the listing."""
    for rank, path in enumerate(server_files(dovecot, user)):
        flags = path.name.partition(":")[1:]
        path.rename(path.with_name(f"{2_000_000_000 - rank}.restored{rank}" + "".join(flags)))


def uidl_contents(dovecot: DovecotServer, user: MailUser) -> dict[str, bytes]:
    """UIDL -> message (LF line ends) as the server lists them now, read with poplib."""
    client = poplib.POP3("127.0.0.1", dovecot.plain_port, timeout=30)
    try:
        client.user(user.name)
        client.pass_(user.password)
        found: dict[str, bytes] = {}
        for line in client.uidl()[1]:
            number, uid = line.decode("ascii").split()
            found[uid] = b"".join(part + b"\n" for part in client.retr(int(number))[1])
        return found
    finally:
        client.quit()
