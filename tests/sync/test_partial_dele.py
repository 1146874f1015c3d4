"""Some DELEs refused, others accepted, in one session (POP3, delete policy).

The refused messages stay on the server: they must be asked for deletion again at the next
sync, and never downloaded a second time. Only the accepted ones count as deleted.
"""

from __future__ import annotations

from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, USER, as_stored, maildir_contents, make_account


def deleted_on_server(profile: Profile) -> set[str]:
    with Database(profile.database_file) as database:
        records = database.delivered_uids("test").values()
        return {record.uid for record in records if record.deleted_on_server}


def commands(server: LocalPOP3Server, keyword: str) -> list[str]:
    """The *keyword* commands of the server's last session, in order."""
    return [line for line in server.session_logs[-1] if line.split(" ")[0] == keyword]


def five_messages() -> ServerMailbox:
    return ServerMailbox(f"Subject: m{n}\r\n\r\nbody {n}\r\n".encode() for n in range(1, 6))


def test_refused_deles_stay_and_are_retried_never_downloaded_again(profile: Profile) -> None:
    mailbox = five_messages()
    originals = mailbox.contents()
    uids = mailbox.uids()
    refused = {uids[1], uids[3]}  # messages 2 and 4 of the first session
    faults = Faults(err_on_command={"DELE 2": "message locked", "DELE 4": "message locked"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")

        first = sync_account(account, PASSWORD, profile)
        assert (first.error, first.downloaded, first.deleted) == (None, 5, 3)
        assert commands(server, "DELE") == [f"DELE {n}" for n in range(1, 6)]
        assert set(mailbox.uids()) == refused, "only the accepted DELEs took effect"
        assert deleted_on_server(profile) == set(uids) - refused

        # Still refused (they are now messages 1 and 2): asked again, not downloaded again.
        faults.err_on_command = {"DELE": "message locked"}
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded, second.deleted) == (None, 0, 0)
        assert commands(server, "RETR") == []
        assert commands(server, "DELE") == ["DELE 1", "DELE 2"]
        assert set(mailbox.uids()) == refused

        # Accepted at last: deleted and recorded, still without a download.
        faults.err_on_command = {}
        third = sync_account(account, PASSWORD, profile)
        assert (third.error, third.downloaded, third.deleted) == (None, 0, 2)
        assert commands(server, "RETR") == []
        assert commands(server, "DELE") == ["DELE 1", "DELE 2"]

    assert mailbox.messages() == []
    assert deleted_on_server(profile) == set(uids)
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)


def test_a_refused_dele_is_not_counted_when_the_others_succeed(profile: Profile) -> None:
    """The count of deletions is the server's +OK answers, not the DELEs sent."""
    mailbox = five_messages()
    uids = mailbox.uids()
    faults = Faults(err_on_command={"DELE 5": "message locked"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        result = sync_account(make_account(server, policy="delete"), PASSWORD, profile)
    assert (result.error, result.deleted) == (None, 4)
    assert mailbox.uids() == [uids[4]]
    assert deleted_on_server(profile) == set(uids[:4])


def test_deletions_whose_quit_answer_was_lost_do_not_look_like_a_migration(
    profile: Profile,
) -> None:
    """The server deleted at QUIT but its +OK never arrived: nothing counts as deleted, and
    when new mail comes the vanished UIDLs must not pass for a renumbered mailbox (the
    migration guard would stop every later sync)."""
    mailbox = ServerMailbox(f"Subject: old {n}\r\n\r\nold\r\n".encode() for n in range(10))
    originals = mailbox.contents()
    faults = Faults(quit_answer_lost=True)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")
        first = sync_account(account, PASSWORD, profile)
        assert (first.downloaded, first.deleted) == (10, 0)
        assert first.error is not None, "a QUIT without answer is an error"
        assert mailbox.messages() == [], "the server did delete"
        assert deleted_on_server(profile) == set()

        faults.quit_answer_lost = False
        fresh = [f"Subject: new {n}\r\n\r\nnew\r\n".encode() for n in range(10)]
        for content in fresh:
            mailbox.add(content)
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded, second.deleted) == (None, 10, 10)
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals + fresh)
