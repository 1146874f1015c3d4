"""Local actions on delivered mail: folders, the message list, flags, move, Trash, rescan."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.accounts.settings import Account
from popgui.errors import ConfigError
from popgui.profile import Profile
from popgui.store import database as database_module
from popgui.store import localmail as localmail_module
from popgui.store.database import Database, DeliveredRecord, IndexedMessage, index_fields
from popgui.store.localmail import INBOX, TRASH, FolderInfo, LocalMail
from popgui.store.maildir import Maildir
from popgui.store.names import token_for

ACCOUNT = Account(name="work", host="pop.example.org", user="sam")


def message(subject: str, sender: str = "Ann <ann@example.org>", date: str = "") -> bytes:
    date = date or "Mon, 01 Jan 2024 10:00:00 +0000"
    return f"From: {sender}\nSubject: {subject}\nDate: {date}\n\nbody of {subject}\n".encode()


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def db(profile: Profile) -> Iterator[Database]:
    with Database(profile.database_file) as database:
        yield database


@pytest.fixture
def mail(profile: Profile, db: Database) -> LocalMail:
    return LocalMail(profile, db)


@pytest.fixture
def root(profile: Profile) -> Maildir:
    return Maildir(ACCOUNT.maildir_path(profile))


def deliver(db: Database, root: Maildir, uid: str, content: bytes, *, record: bool = True) -> int:
    """What the engine does: a file in new/, a delivered row, an index row; returns its id."""
    token = token_for(ACCOUNT.name, uid)
    delivery = root.begin(token)
    delivery.write(content)
    path = delivery.finish()
    if record:
        db.record_delivered(
            ACCOUNT.name, [DeliveredRecord(uid, token, len(content), time.time(), str(path))]
        )
    db.index_message(
        ACCOUNT.name,
        INBOX,
        IndexedMessage(str(path), index_fields(path), token, uid if record else ""),
    )
    row = db.conn.execute("SELECT id FROM messages WHERE path = ?", (str(path),)).fetchone()
    return int(row[0])


def locally_deleted(db: Database, uid: str) -> float | None:
    return db.delivered_uids(ACCOUNT.name)[uid].locally_deleted_at


# --- folders ------------------------------------------------------------------------------


def test_folders_lists_inbox_trash_then_user_folders_with_counts(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    first = deliver(db, root, "1", message("one"))
    deliver(db, root, "2", message("two"))
    mail.create_folder(ACCOUNT, "Work")
    mail.create_folder(ACCOUNT, "Archive.2024")
    mail.set_read([first], True)
    assert mail.folders(ACCOUNT) == [
        FolderInfo(INBOX, "Inbox", 2, 1, "inbox"),
        FolderInfo(TRASH, "Trash", 0, 0, "trash"),
        FolderInfo("Archive.2024", "Archive/2024", 0, 0, ""),
        FolderInfo("Work", "Work", 0, 0, ""),
    ]
    assert (root.path / ".Trash" / "cur").is_dir()


@pytest.mark.parametrize(
    "name", ["INBOX", "inbox", "Trash", "TRASH", "a/b", ".hidden", "tab\there", "nul\0", ""]
)
def test_special_and_invalid_folder_names_are_refused(mail: LocalMail, name: str) -> None:
    with pytest.raises(ConfigError):
        mail.create_folder(ACCOUNT, name)
    mail.create_folder(ACCOUNT, "Ok")
    with pytest.raises(ConfigError):
        mail.rename_folder(ACCOUNT, "Ok", name)
    with pytest.raises(ConfigError):
        mail.delete_folder(ACCOUNT, name)


def test_inbox_and_trash_cannot_be_renamed(mail: LocalMail) -> None:
    for special in (INBOX, TRASH):
        with pytest.raises(ConfigError, match="special"):
            mail.rename_folder(ACCOUNT, special, "Other")


def test_existing_and_missing_folders_are_config_errors(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    mail.create_folder(ACCOUNT, "Work")
    with pytest.raises(ConfigError, match="already exists"):
        mail.create_folder(ACCOUNT, "Work")
    with pytest.raises(ConfigError, match="no folder"):
        mail.rename_folder(ACCOUNT, "Nope", "Other")
    with pytest.raises(ConfigError, match="no folder"):
        mail.delete_folder(ACCOUNT, "Nope")
    message_id = deliver(db, root, "1", message("stays"))
    with pytest.raises(ConfigError, match="no folder"):
        mail.move([message_id], "Nope")
    row = mail.message(message_id)
    assert row is not None and row.folder == INBOX and Path(row.path).exists()


def test_rename_moves_the_folder_its_subfolders_and_the_index(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    ids = [deliver(db, root, str(n), message(f"m{n}")) for n in range(2)]
    mail.create_folder(ACCOUNT, "Work")
    mail.create_folder(ACCOUNT, "Work.Old")
    mail.move([ids[0]], "Work")
    mail.move([ids[1]], "Work.Old")
    mail.rename_folder(ACCOUNT, "Work", "Job")
    assert root.list_folders() == ["Job", "Job.Old"]
    for message_id, folder in zip(ids, ["Job", "Job.Old"], strict=True):
        row = mail.message(message_id)
        assert row is not None and row.folder == folder
        assert Path(row.path).parent == root.path / f".{folder}" / "cur"
        assert Path(row.path).exists()
    with pytest.raises(ConfigError, match="already exists"):
        mail.rename_folder(ACCOUNT, "Job.Old", "Job")


def test_delete_folder_moves_its_messages_to_trash_first(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    mail.create_folder(ACCOUNT, "Work")
    message_id = deliver(db, root, "1", message("keep me"))
    mail.move([message_id], "Work")
    stray = root.folder("Work").path / "cur" / "1700000000.other-client.host:2,S"
    stray.write_bytes(message("not indexed yet"))
    mail.create_folder(ACCOUNT, "Work.Sub")
    with pytest.raises(ConfigError, match="subfolders"):
        mail.delete_folder(ACCOUNT, "Work")
    mail.delete_folder(ACCOUNT, "Work.Sub")
    mail.delete_folder(ACCOUNT, "Work")
    assert not (root.path / ".Work").exists()
    trash = mail.page(ACCOUNT.name, TRASH, sort="subject", descending=False)
    assert [r.subject for r in trash] == ["keep me", "not indexed yet"]
    assert all(Path(r.path).exists() for r in trash)
    assert locally_deleted(db, "1") is not None


# --- read / unread ------------------------------------------------------------------------


def test_set_read_moves_new_to_cur_with_flag_s_and_back(
    mail: LocalMail, db: Database, root: Maildir, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(localmail_module, "sync_dir", synced.append)
    message_id = deliver(db, root, "1", message("hello"))
    before = mail.message(message_id)
    assert before is not None and not before.read
    mail.set_read([message_id], True)
    row = mail.message(message_id)
    assert row is not None and row.read
    path = Path(row.path)
    assert path.parent == root.path / "cur"
    assert path.name == Path(before.path).name + ":2,S"
    assert path.exists() and not Path(before.path).exists()
    assert set(synced) == {root.path / "new", root.path / "cur"}

    flagged = path.with_name(path.name.replace(":2,S", ":2,FS"))  # another client flagged it
    path.rename(flagged)
    db.conn.execute(
        "UPDATE messages SET path = ?, flags = 'FS' WHERE id = ?", (str(flagged), message_id)
    )
    mail.set_read([message_id], False)
    row = mail.message(message_id)
    assert row is not None and not row.read
    assert Path(row.path).name.endswith(":2,F") and Path(row.path).exists()
    assert mail.folders(ACCOUNT)[0].unread == 1


def test_marking_unread_mail_unread_changes_nothing(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    message_id = deliver(db, root, "1", message("hello"))
    before = mail.message(message_id)
    mail.set_read([message_id], False)
    assert mail.message(message_id) == before


def test_a_vanished_file_loses_its_row(mail: LocalMail, db: Database, root: Maildir) -> None:
    message_id = deliver(db, root, "1", message("hello"))
    row = mail.message(message_id)
    assert row is not None
    os.unlink(row.path)
    mail.set_read([message_id], True)
    assert mail.message(message_id) is None


# --- move, trash, save --------------------------------------------------------------------


def test_move_keeps_name_token_and_flags(mail: LocalMail, db: Database, root: Maildir) -> None:
    message_id = deliver(db, root, "1", message("hello"))
    mail.set_read([message_id], True)
    mail.create_folder(ACCOUNT, "Work")
    before = mail.message(message_id)
    mail.move([message_id], "Work")
    row = mail.message(message_id)
    assert row is not None and before is not None
    assert (row.folder, row.read) == ("Work", True)
    assert Path(row.path) == root.path / ".Work" / "cur" / Path(before.path).name
    assert token_for(ACCOUNT.name, "1") in root.tokens()
    assert mail.count(ACCOUNT.name, INBOX) == 0 and mail.count(ACCOUNT.name, "Work") == 1


def test_moving_unread_mail_from_new_gives_it_an_empty_info_part(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    message_id = deliver(db, root, "1", message("hello"))
    mail.create_folder(ACCOUNT, "Work")
    mail.move([message_id], "Work")
    row = mail.message(message_id)
    assert row is not None and Path(row.path).name.endswith(":2,") and not row.read


def test_trash_then_delete_for_good(mail: LocalMail, db: Database, root: Maildir) -> None:
    message_id = deliver(db, root, "1", message("bye"))
    mail.trash([message_id])
    row = mail.message(message_id)
    assert row is not None and row.folder == TRASH and Path(row.path).exists()
    assert token_for(ACCOUNT.name, "1") in root.tokens()
    when = locally_deleted(db, "1")
    assert when is not None
    assert db.locally_deleted_uids(ACCOUNT.name) == {"1"}
    mail.trash([message_id])
    assert mail.message(message_id) is None
    assert not Path(row.path).exists()
    assert locally_deleted(db, "1") == when, "the first moment is kept"
    assert "1" in db.delivered_uids(ACCOUNT.name), "the delivered row prevents a re-download"
    assert db.discarded_tokens(ACCOUNT.name) == set()


def test_restoring_from_trash_clears_the_local_deletion(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    message_id = deliver(db, root, "1", message("oops"))
    mail.trash([message_id])
    mail.move([message_id], INBOX)
    assert locally_deleted(db, "1") is None
    row = mail.message(message_id)
    assert row is not None and row.folder == INBOX


def test_untrash_puts_messages_back_where_they_were(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    """What the window's Undo does after a move to Trash."""
    kept = deliver(db, root, "1", message("from the inbox"))
    filed = deliver(db, root, "2", message("from a folder"))
    doomed = deliver(db, root, "3", message("already in Trash"))
    mail.create_folder(ACCOUNT, "Work")
    mail.move([filed], "Work")
    mail.set_read([filed], True)
    mail.trash([doomed])
    trashed = mail.trash([kept, filed, doomed])
    assert sorted(trashed.moved) == [(kept, INBOX), (filed, "Work")]
    assert trashed.deleted == 1 and mail.message(doomed) is None
    assert db.locally_deleted_uids(ACCOUNT.name) == {"1", "2", "3"}
    assert mail.untrash(trashed.moved) == 2
    back = {row.id: row for row in (mail.message(kept), mail.message(filed)) if row}
    assert back[kept].folder == INBOX and not back[kept].read
    assert back[filed].folder == "Work" and back[filed].read
    assert all(Path(row.path).exists() for row in back.values())
    assert db.locally_deleted_uids(ACCOUNT.name) == {"3"}
    assert mail.untrash(trashed.moved) == 0, "nothing is in Trash any more"


def test_deleting_an_unrecorded_file_for_good_keeps_its_token(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    """A file of a run killed before its commit: its token must survive the file."""
    message_id = deliver(db, root, "9", message("crash window"), record=False)
    mail.trash([message_id])
    mail.trash([message_id])
    assert db.discarded_tokens(ACCOUNT.name) == {token_for(ACCOUNT.name, "9")}


def test_save_eml_copies_the_bytes_atomically(
    mail: LocalMail, db: Database, root: Maildir, tmp_path: Path
) -> None:
    content = message("save me")
    message_id = deliver(db, root, "1", content)
    target = tmp_path / "out" / "saved.eml"
    target.parent.mkdir()
    target.write_bytes(b"old")
    mail.save_eml(message_id, target)
    assert target.read_bytes() == content
    assert os.listdir(target.parent) == ["saved.eml"]
    with pytest.raises(ConfigError):
        mail.save_eml(12345, target)


# --- rescan -------------------------------------------------------------------------------


def test_rescan_indexes_missing_files_and_drops_vanished_rows(
    mail: LocalMail, db: Database, root: Maildir
) -> None:
    gone = deliver(db, root, "1", message("gone"))
    kept = deliver(db, root, "2", message("kept"))
    row = mail.message(gone)
    assert row is not None
    os.unlink(row.path)
    # A delivered message whose index row is missing, and a foreign file in a folder.
    token = token_for(ACCOUNT.name, "3")
    delivery = root.begin(token)
    delivery.write(message("unindexed"))
    path = delivery.finish()
    db.record_delivered(ACCOUNT.name, [DeliveredRecord("3", token, 1, 1.0, str(path))])
    (root.folder("Lists").path / "cur" / "1700000000.x.host:2,S").write_bytes(message("foreign"))
    assert mail.rescan(ACCOUNT) == 3
    assert mail.message(gone) is None and mail.message(kept) is not None
    (inbox_new,) = [r for r in mail.page(ACCOUNT.name, INBOX) if r.subject == "unindexed"]
    uid = db.conn.execute("SELECT uid FROM messages WHERE id = ?", (inbox_new.id,)).fetchone()[0]
    assert uid == "3"
    (foreign,) = mail.page(ACCOUNT.name, "Lists")
    assert foreign.read and foreign.subject == "foreign"
    assert mail.rescan(ACCOUNT) == 0
    shutil.rmtree(root.path / ".Lists")  # another program removed the folder
    assert mail.rescan(ACCOUNT) == 1
    assert mail.count(ACCOUNT.name, "Lists") == 0


# --- the message list ---------------------------------------------------------------------


def _fill(db: Database, rows: int) -> None:
    """Index rows straight into SQLite (no files): the message list reads only the index."""
    senders = ["alice", "Bob", "carol", "Dave", "Émile"]
    data = [
        (
            ACCOUNT.name,
            INBOX,
            f"/m/cur/{n}",
            f"{senders[n % 5]} <{n}@example.org>",
            f"Subject {n % 997:04d} {'50% off' if n % 1000 == 7 else ''}",
            1_700_000_000.0 + (n * 7919) % rows,
            (n * 104729) % 100_000,
            "S" if n % 3 == 0 else "",
        )
        for n in range(rows)
    ]
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany(
            "INSERT INTO messages (account, folder, path, from_addr, subject, date, size, flags) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            data,
        )


def test_page_sorts_filters_and_pages(mail: LocalMail, db: Database) -> None:
    _fill(db, 1000)
    assert mail.count(ACCOUNT.name, INBOX) == 1000
    assert mail.count(ACCOUNT.name, "Other") == 0
    assert mail.count("other account", INBOX) == 0
    every = mail.page(ACCOUNT.name, INBOX, sort="size", descending=False, limit=5000)
    assert [r.size for r in every] == sorted(r.size for r in every)
    pages = [
        mail.page(ACCOUNT.name, INBOX, sort="read", offset=o, limit=300)
        for o in range(0, 1000, 300)
    ]
    flat = [r for page in pages for r in page]
    assert len({r.id for r in flat}) == 1000
    assert [r.read for r in flat] == sorted((r.read for r in flat), reverse=True)
    by_from = mail.page(ACCOUNT.name, INBOX, sort="from", descending=False, limit=1000)
    assert [r.from_addr.casefold() for r in by_from] == sorted(
        r.from_addr.casefold() for r in by_from
    )
    by_date = mail.page(ACCOUNT.name, INBOX, limit=1000)
    assert [r.date for r in by_date] == sorted((r.date for r in by_date), reverse=True)  # type: ignore[type-var]
    assert mail.count(ACCOUNT.name, INBOX, "BOB") == 200
    assert mail.count(ACCOUNT.name, INBOX, "émile") == 200
    assert mail.count(ACCOUNT.name, INBOX, "50%") == 1
    assert mail.count(ACCOUNT.name, INBOX, "_") == 0
    assert {r.from_addr.split()[0] for r in mail.page(ACCOUNT.name, INBOX, filter_text="bob")} == {
        "Bob"
    }
    with pytest.raises(ValueError):
        mail.page(ACCOUNT.name, INBOX, sort="path")  # type: ignore[arg-type]


def test_message_list_is_fast_on_100k_rows(mail: LocalMail, db: Database) -> None:
    rows = 100_000
    _fill(db, rows)
    timings: dict[str, float] = {}
    for sort in ("date", "from", "subject", "size", "read"):
        start = time.perf_counter()
        total = mail.count(ACCOUNT.name, INBOX)
        timings[f"count ({sort})"] = time.perf_counter() - start
        start = time.perf_counter()
        first = mail.page(ACCOUNT.name, INBOX, sort=sort)  # type: ignore[arg-type]
        timings[f"first page by {sort}"] = time.perf_counter() - start
        start = time.perf_counter()
        far = mail.page(ACCOUNT.name, INBOX, sort=sort, offset=90_000)  # type: ignore[arg-type]
        timings[f"offset 90000 by {sort}"] = time.perf_counter() - start
        assert total == rows and len(first) == len(far) == 200
        assert not {r.id for r in first} & {r.id for r in far}
    print("\n" + "\n".join(f"{name}: {seconds * 1000:.1f} ms" for name, seconds in timings.items()))


def test_page_queries_use_an_index(db: Database) -> None:
    for sort, column in database_module.SORT_COLUMNS.items():
        plan = db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE account = ? AND folder = ? "
            f"ORDER BY {column} DESC, id DESC LIMIT 200 OFFSET 9000",
            ("a", "b"),
        ).fetchall()
        text = " ".join(str(row[-1]) for row in plan)
        assert "USING COVERING INDEX" in text or "USING INDEX" in text, (sort, text)
        assert "TEMP B-TREE" not in text, (sort, text)


# --- schema v2 ----------------------------------------------------------------------------


def test_a_version_1_database_is_migrated_to_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    database_module.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO delivered (account, uid, token, size, delivered_at, path) "
        "VALUES ('work', 'u1', 't', 5, 1.0, '/m/new/x')"
    )
    conn.execute("COMMIT")
    conn.close()
    with Database(path) as db:
        assert db.schema_version == database_module.SCHEMA_VERSION
        record = db.delivered_uids("work")["u1"]
        assert (record.size, record.locally_deleted_at) == (5, None)
        indexes = {
            row[0] for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {
            "messages_by_from",
            "messages_by_subject",
            "messages_by_size",
            "messages_by_read",
        } <= indexes
        assert db.account_state("work") is None
        db.record_login("work", 100.0, 300, "30")
        db.record_error("work", "the server refused")
        state = db.account_state("work")
        assert state is not None
        assert (state.last_login, state.login_delay, state.expire, state.last_error) == (
            100.0,
            300,
            "30",
            "the server refused",
        )
        db.record_login("work", 200.0, None, None)
        state = db.account_state("work")
        assert state is not None and (state.last_login, state.login_delay) == (200.0, None)
        assert state.last_error == "the server refused"
