"""``account add --maildir EXISTING --adopt`` against the real Dovecot and the real mpop.

mpop (from Debian) downloads the mailbox into a Maildir of its own, adding its ``Received:``
header; the test then changes that Maildir the way a person and a mail reader do (messages
deleted, others read: renamed into ``cur/`` with ``:2,S``, a second copy of one) and adds the
account on it with ``--adopt``. Dovecot's logout line (``retr=N/…``) proves how many messages
popgui downloaded; the header index (``LocalMail.count`` / ``page``) what the window lists.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from popgui.accounts.settings import load_settings
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import INBOX, LocalMail
from tests.cli.helpers import password_command, run_popgui
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_size
from tests.support.other_clients import run_mpop
from tests.test_first_sync import deliver, message, retrieved, show, soon, sync

pytestmark = pytest.mark.dovecot


def undated_id(subject: str, date: str) -> bytes:
    """A message without Message-ID: only Date + From + Subject tell it from another."""
    return (
        f"From: Sender <sender@example.org>\nTo: someone@example.org\nSubject: {subject}\n"
        f"Date: {date}\n\nThis is {subject}, without a Message-ID.\n"
    ).encode()


def mailbox() -> list[bytes]:
    with_ids = [message(f"kept{n}", f"Mon, 0{n + 1} Jan 2018 10:00:00 +0000") for n in range(6)]
    without = [undated_id(f"plain{n}", f"Tue, 0{n + 1} Feb 2018 10:00:00 +0000") for n in range(3)]
    return with_ids + without


def mpop_maildir(dovecot: DovecotServer, user: MailUser) -> Path:
    """What mpop downloaded, with its own ``Received:`` header in every file."""
    run_mpop(dovecot, user)
    maildir = dovecot.directory / f"mpop-{user.name}" / "Maildir"
    files = list((maildir / "new").iterdir())
    assert files and all(f.read_bytes().startswith(b"Received: ") for f in files)
    return maildir


def file_of(maildir: Path, subject: str) -> Path:
    (found,) = [
        p
        for sub in ("new", "cur")
        for p in (maildir / sub).iterdir()
        if f"Subject: {subject}\n".encode() in p.read_bytes()
    ]
    return found


def files_in(maildir: Path) -> set[Path]:
    return {p for sub in ("new", "cur") for p in (maildir / sub).iterdir()}


def subject_of(path: Path) -> str:
    (line,) = [x for x in path.read_bytes().splitlines() if x.startswith(b"Subject: ")]
    return line.decode().removeprefix("Subject: ")


def read_in_mail_reader(maildir: Path, subject: str) -> None:
    """What a mail reader does to a message read: into ``cur/``, with the Seen flag."""
    path = file_of(maildir, subject)
    path.rename(maildir / "cur" / f"{path.name}:2,S")


def add_adopting(
    profile: Path, dovecot: DovecotServer, user: MailUser, maildir: Path, *extra: str
) -> None:
    done = run_popgui(
        profile, "account", "add", "acct", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", user.name,
        "--auth", "user", "--password-command", password_command(user.password),
        "--maildir", str(maildir), "--adopt", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "recognises the mail already in" in done.stdout


def listed(profile: Path) -> list[str]:
    """The subjects the window's list shows for INBOX, and check they are what it counts."""
    with Database(Profile(profile).database_file) as database:
        local = LocalMail(Profile(profile), database)
        count = local.count("acct", INBOX)
        rows = local.page("acct", INBOX, sort="subject", descending=False, offset=0, limit=100)
    assert count == len(rows)
    return [row.subject for row in rows]


def rescan(profile: Path) -> None:
    account = load_settings(Profile(profile).settings_file).get("acct")
    assert account is not None
    with Database(Profile(profile).database_file) as database:
        LocalMail(Profile(profile), database).rescan(account)


def claimed(profile: Path) -> tuple[set[str], int]:
    """The delivered UIDLs, and how many index rows carry a UIDL."""
    with Database(Profile(profile).database_file) as database:
        rows = database.conn.execute("SELECT COUNT(*) FROM messages WHERE uid != ''").fetchone()
        return database.delivered_uid_set("acct"), rows[0]


def test_adopting_downloads_exactly_what_is_missing_then_new_mail_comes(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    deliver(dovecot, dovecot_user, mailbox())
    maildir = mpop_maildir(dovecot, dovecot_user)
    # Deleted in the mail reader: one with a Message-ID, one without.
    file_of(maildir, "kept1").unlink()
    file_of(maildir, "plain1").unlink()
    read_in_mail_reader(maildir, "kept2")
    read_in_mail_reader(maildir, "plain2")
    # A second copy of one message (the same Message-ID in two files): one is adopted.
    shutil.copy(file_of(maildir, "kept3"), maildir / "cur" / "copy-of-kept3:2,S")
    # A client that stores CRLF line ends (and its own X- header): the identity still matches.
    crlf = file_of(maildir, "kept4")
    crlf.write_bytes(b"X-Other-Client: yes\r\n" + crlf.read_bytes().replace(b"\n", b"\r\n"))
    before = files_in(maildir)
    add_adopting(tmp_path, dovecot, dovecot_user, maildir)
    assert "adopt: True" in show(tmp_path)
    assert "first-sync-state: not done yet" in show(tmp_path)

    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], report["downloaded"], retrs) == (7, 2, 2)
    # Exactly the two deleted ones came again (not a look-alike without Message-ID).
    assert sorted(subject_of(p) for p in files_in(maildir) - before) == ["kept1", "plain1"]
    assert "first-sync-state: done" in show(tmp_path)
    # The window lists all: the 7 adopted, the copy, the 2 downloaded again.
    subjects = listed(tmp_path)
    assert sorted(subjects) == sorted(
        [f"kept{n}" for n in range(6)] + ["kept3"] + [f"plain{n}" for n in range(3)]
    )
    delivered, rows_with_uid = claimed(tmp_path)
    assert len(delivered) == 9  # every message on the server is popgui's
    assert rows_with_uid == 9  # every message on the server; the second copy stays unclaimed

    # Later mail downloads normally, even when a copy of it is in the Maildir already: only
    # the first sync adopts.
    later = message("later", soon())
    deliver(dovecot, dovecot_user, [later])
    (maildir / "new" / "copy-of-later").write_bytes(b"Received: by elsewhere\n" + later)
    rescan(tmp_path)  # as the window does: the copy is in the index, yet it is not adopted
    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], report["downloaded"], retrs) == (0, 1, 1)
    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], report["downloaded"], retrs) == (0, 0, 0)


def test_adopted_mail_is_popguis_own_the_delete_policy_applies(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    deliver(dovecot, dovecot_user, mailbox())
    maildir = mpop_maildir(dovecot, dovecot_user)
    file_of(maildir, "kept0").unlink()
    add_adopting(tmp_path, dovecot, dovecot_user, maildir, "--delete")

    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], report["downloaded"], retrs) == (8, 1, 1)
    # On disk, so deleted on the server like what popgui downloaded.
    assert report["deleted"] == 9
    assert dovecot.server_messages(dovecot_user.name) == []
    assert len(listed(tmp_path)) == 9


def test_the_migration_guard_counts_adopted_mail_as_seen(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    deliver(dovecot, dovecot_user, mailbox())
    maildir = mpop_maildir(dovecot, dovecot_user)
    add_adopting(tmp_path, dovecot, dovecot_user, maildir)
    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], retrs) == (9, 0)

    dovecot.reset_uidlist(dovecot_user.name)  # a server migration: every UIDL new
    done = run_popgui(tmp_path, "sync", "--json")
    assert done.returncode != 0
    assert "renumbered" in done.stderr and "--accept-new-uidls" in done.stderr
    # Accepting recognises the adopted files by the header index (Message-ID and Date: mpop's
    # Received header changed their size); those without Message-ID download again.
    since = log_size(dovecot)
    done = run_popgui(tmp_path, "sync", "--json", "--accept-new-uidls")
    assert done.returncode == 0, done.stderr
    assert retrieved(dovecot, since) == 3


def test_an_account_added_again_to_adopt_reads_its_new_maildir(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    """popgui synced this account before, into its own Maildir; added again (--replace) on the
    other client's Maildir with --adopt, it indexes that Maildir before its first sync there."""
    first = message("first", "Mon, 01 Jan 2018 10:00:00 +0000")
    deliver(dovecot, dovecot_user, [first])
    done = run_popgui(
        tmp_path, "account", "add", "acct", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", dovecot_user.name,
        "--auth", "user", "--password-command", password_command(dovecot_user.password),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sync(dovecot, tmp_path)[1] == 1
    deliver(dovecot, dovecot_user, mailbox())
    maildir = mpop_maildir(dovecot, dovecot_user)
    add_adopting(tmp_path, dovecot, dovecot_user, maildir, "--replace")

    report, retrs = sync(dovecot, tmp_path)
    assert (report["adopted"], report["downloaded"], retrs) == (9, 0, 0)


def test_adopting_needs_an_existing_maildir_and_pop3(tmp_path: Path) -> None:
    base = ["account", "add", "acct", "--host", "pop.example.org", "--user", "me"]
    cases = {
        "--adopt needs --maildir": [],
        "is not a Maildir": ["--maildir", str(tmp_path / "nowhere")],
        "--adopt is not possible with POP2": ["--protocol", "pop2", "--maildir", str(tmp_path)],
        "not allowed with argument": ["--maildir", str(tmp_path), "--skip-existing"],
    }
    for words, extra in cases.items():
        done = run_popgui(tmp_path, *base, "--adopt", *extra)
        assert (done.returncode, words in done.stderr) == (2, True), done.stderr
        assert "Traceback" not in done.stderr
    assert (
        not (tmp_path / "settings.json").exists()
        or "acct" not in (tmp_path / "settings.json").read_text()
    )
