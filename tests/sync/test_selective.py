"""The "On server" actions and local deletions against the project's own POP3 server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.errors import ConfigError, CredentialsError
from popgui.localserver import (
    Faults,
    LocalPOP2Server,
    LocalPOP3Server,
    ServerAccount,
    ServerMailbox,
)
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import INBOX, TRASH, LocalMail
from popgui.store.names import token_for, token_of
from popgui.sync.engine import sync_account
from popgui.sync.selective import delete_on_server, download_selected, top_lines

from .conftest import PASSWORD, USER, as_stored, maildir_contents, make_account


@pytest.fixture
def database(profile: Profile) -> Iterator[Database]:
    with Database(profile.database_file) as db:
        yield db


# --- download_selected --------------------------------------------------------------------


def test_download_selected_fetches_only_the_chosen_and_deletes_nothing(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, database: Database
) -> None:
    account = make_account(pop3_server, policy="delete")
    chosen = mailbox.messages()[1:3]
    result = download_selected(account, PASSWORD, profile, [m.uid for m in chosen] + ["gone-uid"])
    assert (result.error, result.downloaded, result.deleted) == (None, 2, 0)
    assert result.skipped == ["gone-uid: no longer on the server"]
    assert maildir_contents(account.maildir_path(profile)) == as_stored([m.content for m in chosen])
    assert len(mailbox.messages()) == len(mailbox.uids()) and mailbox.contains(chosen[0])
    assert set(database.delivered_uids(account.name)) == {m.uid for m in chosen}
    assert database.count_messages(account.name, INBOX) == 2
    for path in result.paths:
        assert Path(path).parent.name == "new"

    again = download_selected(account, PASSWORD, profile, [m.uid for m in mailbox.messages()])
    assert (again.error, again.downloaded) == (None, len(mailbox.messages()) - 2)
    assert sync_account(make_account(pop3_server), PASSWORD, profile).downloaded == 0


def test_download_selected_recognises_a_file_a_killed_run_left(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    uid = mailbox.uids()[0]
    assert download_selected(account, PASSWORD, profile, [uid]).downloaded == 1
    with sqlite3.connect(profile.database_file) as db:  # the commit never happened
        db.execute("DELETE FROM delivered")
    result = download_selected(account, PASSWORD, profile, [uid])
    assert (result.error, result.downloaded, result.recovered) == (None, 0, 1)


# --- delete_on_server ---------------------------------------------------------------------


def test_delete_on_server_counts_only_after_quit(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, database: Database
) -> None:
    account = make_account(pop3_server)
    first, second = mailbox.uids()[:2]
    assert download_selected(account, PASSWORD, profile, [first]).error is None
    result = delete_on_server(account, PASSWORD, profile, [first, second, "nope"])
    assert (result.error, result.deleted, result.downloaded) == (None, 2, 0)
    assert result.skipped == ["nope: no longer on the server"]
    assert first not in mailbox.uids() and second not in mailbox.uids()
    assert database.delivered_uids(account.name)[first].deleted_on_server


def test_delete_on_server_records_nothing_when_quit_fails(
    mailbox: ServerMailbox, profile: Profile, database: Database
) -> None:
    faults = Faults(err_on_command={"QUIT": "cannot update the maildrop"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server)
        uid = mailbox.uids()[0]
        assert download_selected(account, PASSWORD, profile, [uid]).downloaded == 1
        result = delete_on_server(account, PASSWORD, profile, [uid])
    assert (result.error, result.deleted) == (None, 0)
    assert uid in mailbox.uids()
    assert not database.delivered_uids(account.name)[uid].deleted_on_server


# --- top_lines ----------------------------------------------------------------------------


def test_top_lines_returns_headers_and_the_first_lines(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    chosen = mailbox.messages()[0]
    data = top_lines(account, PASSWORD, profile, chosen.uid, 2)
    header, _sep, body = chosen.content.partition(b"\r\n\r\n")
    first_two = b"".join(line + b"\r\n" for line in body.split(b"\r\n")[:2])
    assert data == header + b"\r\n\r\n" + first_two
    with pytest.raises(ConfigError, match="no longer on the server"):
        top_lines(account, PASSWORD, profile, "unknown", 2)
    with pytest.raises(CredentialsError):
        top_lines(account, "wrong", profile, chosen.uid)


# --- what POP2 and UIDL-less servers cannot do --------------------------------------------


def test_pop2_accounts_are_refused_with_an_explanation(
    pop2_server: LocalPOP2Server, profile: Profile
) -> None:
    account = make_account(pop2_server)
    for result in (
        download_selected(account, PASSWORD, profile, ["x"]),
        delete_on_server(account, PASSWORD, profile, ["x"]),
    ):
        assert isinstance(result.error, ConfigError) and "POP2" in str(result.error)
    with pytest.raises(ConfigError, match="POP2"):
        top_lines(account, PASSWORD, profile, "x")


def test_a_server_without_uidl_cannot_name_messages(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], uidl=False) as server:
        result = download_selected(make_account(server), PASSWORD, profile, ["x"])
    assert isinstance(result.error, ConfigError) and "UIDL" in str(result.error)


# --- local moves and deletions never cause a second download ------------------------------


def _ids(mail: LocalMail, name: str, folder: str) -> list[int]:
    return [row.id for row in mail.page(name, folder, limit=1000)]


def test_moving_trashing_and_deleting_never_downloads_again(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, database: Database
) -> None:
    account = make_account(pop3_server)
    total = len(mailbox.messages())
    assert sync_account(account, PASSWORD, profile).downloaded == total
    mail = LocalMail(profile, database)
    mail.create_folder(account, "Kept")
    inbox = _ids(mail, account.name, INBOX)
    mail.set_read(inbox[:4], True)
    mail.move(inbox[:6], "Kept")
    mail.trash(inbox[6:10])
    mail.trash(_ids(mail, account.name, TRASH)[:2])  # deleted for good
    result = sync_account(account, PASSWORD, profile)
    assert (result.error, result.downloaded, result.deleted) == (None, 0, 0)
    assert len(mailbox.messages()) == total, "the account does not delete locally deleted mail"
    assert [f.total for f in mail.folders(account)] == [total - 10, 2, 6]


def test_a_killed_run_still_recognises_mail_filed_away_or_deleted(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, database: Database
) -> None:
    """Files delivered by a run killed before its commit, then moved or deleted locally."""
    account = make_account(pop3_server)
    assert sync_account(account, PASSWORD, profile).error is None
    mail = LocalMail(profile, database)
    mail.create_folder(account, "Kept")
    inbox = _ids(mail, account.name, INBOX)
    mail.move(inbox[:3], "Kept")
    mail.trash(inbox[3:6])
    with sqlite3.connect(profile.database_file) as db:  # as if the commit had never happened
        db.execute("DELETE FROM delivered")
    mail.trash(_ids(mail, account.name, TRASH)[:1])
    result = sync_account(account, PASSWORD, profile)
    assert (result.error, result.downloaded) == (None, 0)
    assert result.recovered == len(mailbox.messages())
    assert mail.folders(account)[2].total == 3, "recovered mail stays indexed where it was moved"


@pytest.mark.parametrize("delete_locally", [True, False])
def test_locally_deleted_mail_is_deleted_on_the_server_when_asked(
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
    database: Database,
    delete_locally: bool,
) -> None:
    account = make_account(pop3_server, delete_when_deleted_locally=delete_locally)
    assert sync_account(account, PASSWORD, profile).error is None
    mail = LocalMail(profile, database)
    doomed = mail.page(account.name, INBOX, limit=2)
    mail.trash([doomed[0].id])
    mail.trash([doomed[1].id])
    mail.trash([doomed[1].id])  # and deleted for good
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.deleted == (2 if delete_locally else 0)
    left = {token_for(account.name, uid) for uid in mailbox.uids()}
    gone = {token_of(Path(row.path).name) for row in doomed}
    assert bool(gone & left) is not delete_locally


# --- account state ------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["auto", "user"])  # SASL; USER/PASS/CAPA pipelined
def test_login_and_last_error_are_recorded(
    mailbox: ServerMailbox, profile: Profile, database: Database, auth: str
) -> None:
    server = LocalPOP3Server(
        [ServerAccount(USER, PASSWORD, mailbox)],
        login_delay=900,
        enforce_login_delay=False,
        expire="30",
    )
    with server:
        account = make_account(server, auth=auth)
        failed = sync_account(account, "wrong", profile)
        state = database.account_state(account.name)
        assert isinstance(failed.error, CredentialsError)
        assert state is not None and state.last_login is None and state.last_error
        assert sync_account(account, PASSWORD, profile).error is None
    state = database.account_state(account.name)
    assert state is not None
    assert (state.login_delay, state.expire, state.last_error) == (900, "30", None)
    assert state.last_login is not None
