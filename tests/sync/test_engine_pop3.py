"""The engine against the project's own POP3 server: exactly once, durable, policy-driven."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from popgui.errors import (
    AccountBusyError,
    CancelledError,
    CredentialsError,
    NetworkError,
    RemoteProtocolError,
    ServerError,
)
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.cancel import CancelToken
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.lock import AccountLock
from popgui.store.maildir import Maildir
from popgui.store.names import token_for
from popgui.sync.engine import sync_account
from popgui.sync.progress import Progress

from .conftest import PASSWORD, USER, as_stored, maildir_contents, make_account


def test_first_sync_downloads_everything_exactly(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.downloaded == len(mailbox.messages())
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())
    assert len(mailbox.messages()) > 0, "keep policy: nothing deleted on the server"


def test_second_sync_fetches_only_new_mail(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    assert sync_account(account, PASSWORD, profile).downloaded == len(mailbox.messages())
    again = sync_account(account, PASSWORD, profile)
    assert (again.error, again.downloaded) == (None, 0)
    mailbox.add(b"Subject: fresh\r\n\r\nnew mail\r\n")
    third = sync_account(account, PASSWORD, profile)
    assert (third.error, third.downloaded) == (None, 1)
    assert Path(third.paths[0]).read_bytes() == b"Subject: fresh\n\nnew mail\n"
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())


def test_delete_policy_empties_the_server_only_after_delivery(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    originals = mailbox.contents()
    account = make_account(pop3_server, policy="delete")
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.deleted == len(originals)
    assert mailbox.messages() == []
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)


def test_delete_after_days_deletes_only_old_downloads(
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Days pass on the clock (not in the database): each message is deleted once it has
    been downloaded for 7 days, also when the syncs between found nothing new."""
    account = make_account(pop3_server, policy="delete-after-days", delete_after_days=7)
    start, day = time.time(), 86400.0
    first_uids = set(mailbox.uids())
    assert sync_account(account, PASSWORD, profile).error is None
    later = mailbox.add(b"Subject: later\r\n\r\nbody\r\n").uid
    monkeypatch.setattr(time, "time", lambda: start + 3 * day)
    third_day = sync_account(account, PASSWORD, profile)
    assert (third_day.error, third_day.downloaded, third_day.deleted) == (None, 1, 0)
    monkeypatch.setattr(time, "time", lambda: start + 6 * day)
    assert sync_account(account, PASSWORD, profile).deleted == 0  # nothing due yet
    monkeypatch.setattr(time, "time", lambda: start + 8 * day)
    eighth_day = sync_account(account, PASSWORD, profile)
    assert (eighth_day.error, eighth_day.downloaded, eighth_day.deleted) == (
        None, 0, len(first_uids),
    )  # fmt: skip
    assert set(mailbox.uids()) == {later}
    monkeypatch.setattr(time, "time", lambda: start + 11 * day)
    assert sync_account(account, PASSWORD, profile).deleted == 1
    assert mailbox.uids() == []


def test_no_delete_counts_when_quit_fails(mailbox: ServerMailbox, profile: Profile) -> None:
    faults = Faults(err_on_command={"QUIT": "cannot update the maildrop"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")
        result = sync_account(account, PASSWORD, profile)
    assert result.deleted == 0
    assert len(mailbox.messages()) > 0
    with Database(profile.database_file) as database:
        assert not any(r.deleted_on_server for r in database.delivered_uids("test").values())


@pytest.mark.parametrize("pipelining", [True, False])
def test_with_and_without_pipelining(
    mailbox: ServerMailbox, profile: Profile, pipelining: bool
) -> None:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], pipelining=pipelining) as srv:
        account = make_account(srv, policy="delete")
        result = sync_account(account, PASSWORD, profile)
    assert (result.error, mailbox.messages()) == (None, [])


@pytest.mark.parametrize("top", [True, False])
def test_server_without_uidl_is_recognised_by_content(
    mailbox: ServerMailbox, profile: Profile, top: bool
) -> None:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], uidl=False, top=top) as srv:
        account = make_account(srv)
        first = sync_account(account, PASSWORD, profile)
        second = sync_account(account, PASSWORD, profile)
    assert first.error is None and second.error is None
    assert first.downloaded == len(mailbox.messages())
    assert second.downloaded == 0
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())


@pytest.mark.parametrize(
    "method", ["user", "apop", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256", "auto"]
)
def test_every_login_method(pop3_server: LocalPOP3Server, profile: Profile, method: str) -> None:
    result = sync_account(make_account(pop3_server, auth=method), PASSWORD, profile)
    assert result.error is None, result.error


def test_xoauth2(mailbox: ServerMailbox, profile: Profile) -> None:
    account_on_server = ServerAccount(USER, "unused", mailbox)
    tokens = {USER: "ya29." + "t" * 5000}
    with LocalPOP3Server([account_on_server], xoauth2_tokens=tokens) as server:
        good = sync_account(make_account(server, auth="xoauth2"), tokens[USER], profile)
        bad = sync_account(make_account(server, auth="xoauth2", name="b"), "expired", profile)
    assert good.error is None
    assert isinstance(bad.error, CredentialsError)


def test_wrong_password_is_a_credentials_error(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    result = sync_account(make_account(pop3_server, auth="user"), "wrong", profile)
    assert isinstance(result.error, CredentialsError)
    assert "password" in str(result.error)


@pytest.mark.parametrize("pipelining", [True, False])
@pytest.mark.parametrize("user", [USER, "nobody"])
def test_user_pass_login_with_and_without_pipelining(
    mailbox: ServerMailbox, profile: Profile, pipelining: bool, user: str
) -> None:
    """With PIPELINING, USER, PASS and CAPA go in one write; without, one at a time (the
    local server fails a client that pipelines unasked). An unknown user is refused alike."""
    accounts = [ServerAccount(USER, PASSWORD, mailbox)]
    with LocalPOP3Server(accounts, pipelining=pipelining) as server:
        result = sync_account(make_account(server, auth="user", user=user), PASSWORD, profile)
        commands = [line.split(" ")[0] for line in server.session_logs[0]]
    if user == USER:
        assert result.error is None and result.downloaded == len(mailbox.messages())
        # pipelined, UIDL goes with the login (the server lists while popgui prepares)
        expected = ["UIDL", "LIST"] if pipelining else ["LIST", "UIDL"]
        assert commands[:6] == ["CAPA", "USER", "PASS", "CAPA", *expected]
    else:
        assert isinstance(result.error, CredentialsError)
        assert result.downloaded == 0


def test_mailbox_in_use_says_try_later(pop3_server: LocalPOP3Server, profile: Profile) -> None:
    mailbox = pop3_server.accounts[USER].mailbox
    assert mailbox.try_lock()
    try:
        result = sync_account(make_account(pop3_server), PASSWORD, profile)
    finally:
        mailbox.unlock()
    assert isinstance(result.error, ServerError)
    assert result.error.is_temporary


def test_dropped_connection_loses_nothing_and_next_sync_completes(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    originals = mailbox.contents()
    faults = Faults(drop_after_retr=5, drop_after_bytes=100)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")
        broken = sync_account(account, PASSWORD, profile)
        assert isinstance(broken.error, NetworkError | RemoteProtocolError)
        assert mailbox.contents() == originals, "a dropped session deletes nothing"
        faults.drop_after_retr = None
        fixed = sync_account(account, PASSWORD, profile)
    assert fixed.error is None
    assert broken.downloaded + fixed.downloaded == len(originals)
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)
    assert mailbox.messages() == []
    assert not list((account.maildir_path(profile) / "tmp").iterdir())


def test_delivered_but_unrecorded_messages_are_recovered(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    """A run killed between the rename into new/ and the commit must not cause a duplicate."""
    account = make_account(pop3_server)
    first = mailbox.messages()[0]
    maildir = Maildir(account.maildir_path(profile))
    with maildir.begin(token_for(account.name, first.uid)) as delivery:
        delivery.write(first.content)
        delivery.finish()
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.recovered == 1
    assert result.downloaded == len(mailbox.messages()) - 1
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())


def test_progress_reports_messages_and_bytes(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    reports: list[Progress] = []
    sync_account(make_account(pop3_server), PASSWORD, profile, progress=reports.append)
    phases = [r.phase for r in reports]
    assert phases[0] == "connecting" and phases[-1] == "done"
    downloading = [r for r in reports if r.phase == "downloading"]
    assert (
        downloading[-1].messages_done == downloading[-1].messages_total == len(mailbox.messages())
    )
    assert downloading[-1].bytes_done > 0


def test_cancel_stops_and_keeps_what_was_complete(
    monkeypatch: pytest.MonkeyPatch, mailbox: ServerMailbox, profile: Profile
) -> None:
    # every progress report reaches the callback: the download may take less than the
    # throttle interval (0.1 s) now that the disk work overlaps the network
    monkeypatch.setattr("popgui.sync.context.PROGRESS_INTERVAL", 0.0)
    big = b"Subject: big\r\n\r\n" + b"x" * 200 + b"\r\n"
    for _ in range(300):
        mailbox.add(big * 50)
    cancel = CancelToken()

    def cancel_midway(progress: Progress) -> None:
        if progress.phase == "downloading" and progress.messages_done >= 10:
            cancel.cancel()

    total = len(mailbox.messages())
    originals = mailbox.contents()
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        account = make_account(server, policy="delete")
        options = ConnectOptions(cancel=cancel)
        result = sync_account(account, PASSWORD, profile, options=options, progress=cancel_midway)
        assert isinstance(result.error, CancelledError)
        assert 10 <= result.downloaded < total
        assert len(mailbox.messages()) == total, "a cancelled session deletes nothing"
        done = sync_account(account, PASSWORD, profile)
    assert done.error is None
    assert result.downloaded + done.downloaded == total
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)
    assert mailbox.messages() == []


def test_second_sync_of_the_same_account_is_refused_while_one_runs(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    with AccountLock(profile.path, "test"):
        result = sync_account(make_account(pop3_server), PASSWORD, profile)
    assert isinstance(result.error, AccountBusyError)


def test_uidl_and_list_disagreeing_is_refused(profile: Profile) -> None:
    """A server listing the same UIDL twice is ambiguous: nothing is downloaded or deleted."""
    mailbox = ServerMailbox()
    mailbox.add(b"Subject: a\r\n\r\none\r\n", uid="same")
    mailbox.add(b"Subject: b\r\n\r\ntwo\r\n", uid="same")
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        result = sync_account(make_account(server, policy="delete"), PASSWORD, profile)
    assert isinstance(result.error, RemoteProtocolError)
    assert result.downloaded == 0
    assert len(mailbox.messages()) == 2


def test_concurrent_syncs_never_duplicate(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    results = []

    def run() -> None:
        results.append(sync_account(account, PASSWORD, profile))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.downloaded for r in results) == len(mailbox.messages())
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())


def test_starttls_not_offered_is_refused_before_any_credential(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    result = sync_account(make_account(pop3_server, security="starttls"), PASSWORD, profile)
    assert result.error is not None
    assert "STARTTLS" in str(result.error)
    assert not any(line.startswith(("USER", "PASS", "AUTH", "APOP")) for line in pop3_server.log)


def test_kerberos_v4_only_server_is_explained(mailbox: ServerMailbox, profile: Profile) -> None:
    with LocalPOP3Server(
        [ServerAccount(USER, PASSWORD, mailbox)], sasl=(), user_command=False, apop=False
    ) as server:
        server.sasl = ("KERBEROS_V4",)  # advertised only: nobody can speak it any more
        result = sync_account(make_account(server), PASSWORD, profile)
    assert result.error is not None
    assert "GSSAPI" in str(result.error)
