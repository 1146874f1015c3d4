"""The SQLite state: migrations, batch records, vanished UIDLs, errors, the header index."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from popgui.errors import DeliveryError
from popgui.store.database import (
    KEEP_VANISHED_SECONDS,
    SCHEMA_VERSION,
    Database,
    DatabaseCorruptError,
    DeliveredRecord,
    IndexedMessage,
    IndexFields,
    index_fields,
)
from popgui.store.database import connection as connection_module
from popgui.store.database import index as index_module
from popgui.store.database import schema as schema_module


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "profile" / "popgui.sqlite3") as database:
        yield database


def record(uid: str, *, when: float = 1000.0) -> DeliveredRecord:
    return DeliveredRecord(
        uid=uid,
        token=f"{len(uid):032x}"[:32],
        size=10 * len(uid),
        delivered_at=when,
        path=f"/m/new/{uid}",
    )


# --- opening and migrations ---------------------------------------------------------------


def test_new_file_is_migrated_from_zero(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "state.db"
    with Database(path) as database:
        assert database.schema_version == SCHEMA_VERSION == 7
        tables = {
            row[0]
            for row in database.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert {"delivered", "server_seen", "messages"} <= tables
        assert database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert database.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_existing_empty_database_at_version_zero_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    sqlite3.connect(path).close()
    with Database(path) as database:
        assert database.schema_version == SCHEMA_VERSION


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Database(path) as database:
        database.record_delivered("work", [record("a")])
    with Database(path) as database:
        assert set(database.delivered_uids("work")) == {"a"}


def test_migrations_run_step_by_step(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    Database(path).close()

    def add_notes(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE notes (text TEXT)")

    monkeypatch.setattr(schema_module, "MIGRATIONS", [*schema_module.MIGRATIONS, add_notes])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Database(path) as database:
        assert database.schema_version == SCHEMA_VERSION + 1
        database.conn.execute("SELECT * FROM notes")


def test_failed_migration_leaves_the_old_version(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(schema_module, "MIGRATIONS", [broken])
    with pytest.raises(RuntimeError):
        Database(tmp_path / "state.db")
    conn = sqlite3.connect(tmp_path / "state.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall() == []
    conn.close()


def test_database_from_a_newer_popgui_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(DeliveryError, match="newer popgui"):
        Database(path)


def _race_after_unlocked_read(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]
) -> list[int]:
    """Run ``meanwhile`` (another opener) right after the next Database's first, unlocked read
    of the schema version; return the versions that read saw."""
    read_version = Database._user_version
    seen: list[int] = []

    def read_then_race(self: Database) -> int:
        version = read_version(self)
        if not seen:
            seen.append(version)
            meanwhile()
        return version

    monkeypatch.setattr(Database, "_user_version", read_then_race)
    return seen


@pytest.mark.parametrize("start", [0, 1])
def test_concurrent_openers_migrate_only_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, start: int
) -> None:
    # The window's worker and a cron `popgui sync` open an old file at the same moment: the
    # other one migrates between this one's unlocked version read and its write transaction.
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in schema_module.MIGRATIONS[:start]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {start}")
    conn.close()
    seen = _race_after_unlocked_read(monkeypatch, lambda: Database(path).close())
    with Database(path) as database:
        assert seen == [start]
        assert database.schema_version == SCHEMA_VERSION
        database.record_delivered("work", [record("a")])
        assert set(database.delivered_uids("work")) == {"a"}


def test_concurrent_newer_popgui_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    sqlite3.connect(path).close()

    def newer_popgui_migrates() -> None:
        other = sqlite3.connect(path)
        other.execute("PRAGMA user_version = 99")
        other.close()

    _race_after_unlocked_read(monkeypatch, newer_popgui_migrates)
    with pytest.raises(DeliveryError, match="newer popgui"):
        Database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_opening_an_up_to_date_database_takes_no_write_lock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    Database(path).close()
    monkeypatch.setattr(connection_module, "_BUSY_TIMEOUT_SECONDS", 0.05)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a sync holds the write lock
    try:
        with Database(path) as database:
            assert database.schema_version == SCHEMA_VERSION
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_garbage_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    with pytest.raises(DatabaseCorruptError) as info:
        Database(path)
    assert info.value.path == path
    assert str(path) in str(info.value)
    assert isinstance(info.value, DeliveryError)


def test_damaged_pages_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Database(path) as database:
        database.record_delivered("work", [record(f"uid{i}") for i in range(2000)])
        database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):  # scribble over every page but the header
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorruptError):
        database = Database(path)
        database.delivered_uids("work")


def test_unopenable_location_is_a_delivery_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(DeliveryError) as info:
        Database(tmp_path / "file" / "state.db")
    assert not isinstance(info.value, DatabaseCorruptError)


def test_full_disk_is_a_delivery_error_and_rolls_back(db: Database) -> None:
    db.record_delivered("work", [record("first")])
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [DeliveredRecord(f"u{i}", "f" * 32, 1, 1.0, "/x" * 200) for i in range(500)]
    with pytest.raises(DeliveryError, match="disk is full"):
        db.record_delivered("work", big)
    assert set(db.delivered_uids("work")) == {"first"}


def test_read_only_database_is_a_delivery_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    Database(path).close()
    database = Database(path)
    database.conn.execute("PRAGMA query_only = ON")  # what a read-only file looks like to us
    try:
        with pytest.raises(DeliveryError):
            database.record_delivered("work", [record("a")])
    finally:
        database.close()


def test_error_classification_by_sqlite_code(tmp_path: Path) -> None:
    def error(code: int) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError("x")
        exc.sqlite_errorcode = code
        return exc

    path = tmp_path / "db"
    translate = connection_module._translate
    assert type(translate(error(sqlite3.SQLITE_FULL), path, "update")) is DeliveryError
    assert type(translate(error(sqlite3.SQLITE_IOERR_WRITE), path, "update")) is DeliveryError
    assert type(translate(error(sqlite3.SQLITE_NOTADB), path, "read")) is DatabaseCorruptError
    assert type(translate(error(sqlite3.SQLITE_CORRUPT), path, "read")) is DatabaseCorruptError
    assert translate(error(sqlite3.SQLITE_ERROR), path, "read") is None
    assert translate(sqlite3.ProgrammingError("closed"), path, "read") is None


def test_our_bugs_are_not_disguised(db: Database) -> None:
    with pytest.raises(sqlite3.Error) as info, db._errors("read"):
        db.conn.execute("SELECT nope FROM nowhere")
    assert not isinstance(info.value, DeliveryError)


def test_threads_share_the_connection_without_mixing_transactions(db: Database) -> None:
    """The delivery's committer thread records while the delivering thread may use the same
    database: a call waits for another thread's transaction instead of joining it."""
    record = DeliveredRecord("u1", "t1", 1, 1.0, "/p1")
    done = threading.Event()
    failures: list[BaseException] = []

    def use() -> None:
        try:
            db.record_delivered("work", [record])
        except BaseException as exc:
            failures.append(exc)
        done.set()

    thread = threading.Thread(target=use)
    with contextlib.suppress(ZeroDivisionError), db._transaction("x") as conn:
        conn.execute("INSERT INTO server_seen (account, uid, last_seen) VALUES ('work', 'x', 1)")
        thread.start()
        assert not done.wait(0.2), "the other thread's statement would join this transaction"
        raise ZeroDivisionError  # rolled back: the other thread's record must survive
    thread.join()
    assert failures == []
    assert db.delivered_uid_set("work") == {"u1"}
    assert db.server_seen("work") == set()


def test_close_is_idempotent(tmp_path: Path) -> None:
    database = Database(tmp_path / "db")
    database.close()
    database.close()
    with pytest.raises(sqlite3.ProgrammingError):
        database.delivered_uids("work")


# --- delivered UIDLs ----------------------------------------------------------------------


def test_record_and_look_up(db: Database) -> None:
    records = [record("a"), record("../weird/uid"), record("ü")]
    db.record_delivered("work", records)
    found = db.delivered_uids("work")
    assert found == {r.uid: r for r in records}
    assert db.delivered_uids("home") == {}
    assert db.tokens_for_account("work") == {r.token for r in records}


def test_batch_is_all_or_nothing(db: Database) -> None:
    def batch() -> Iterator[DeliveredRecord]:
        yield record("a")
        raise RuntimeError("engine bug halfway")

    with pytest.raises(RuntimeError):
        db.record_delivered("work", batch())
    assert db.delivered_uids("work") == {}


def test_recording_again_replaces(db: Database) -> None:
    db.record_delivered("work", [record("a", when=1.0)])
    db.record_delivered("work", [record("a", when=2.0)])
    assert db.delivered_uids("work")["a"].delivered_at == 2.0


def test_mark_deleted_on_server(db: Database) -> None:
    db.record_delivered("work", [record("a"), record("b")])
    db.mark_deleted_on_server("work", ["a", "unknown"])
    found = db.delivered_uids("work")
    assert found["a"].deleted_on_server and not found["b"].deleted_on_server


def test_vanished_rows_are_kept_then_dropped(db: Database) -> None:
    db.record_delivered("work", [record("a"), record("b"), record("c")])
    db.mark_deleted_on_server("work", ["a"])
    assert db.forget_vanished("work", {"c"}, now=5000.0) == 0
    found = db.delivered_uids("work")
    assert found["a"].vanished_at == found["b"].vanished_at == 5000.0
    assert found["c"].vanished_at is None
    # still known, so a server that lists them again (Gmail recent mode) causes no duplicate
    assert db.forget_vanished("work", {"b", "c"}, now=6000.0) == 0
    found = db.delivered_uids("work")
    assert found["a"].vanished_at == 5000.0 and found["b"].vanished_at is None
    later = 5000.0 + KEEP_VANISHED_SECONDS + 1
    assert db.forget_vanished("work", {"c"}, now=later) == 1
    assert set(db.delivered_uids("work")) == {"b", "c"}


def test_forget_vanished_touches_one_account_only(db: Database) -> None:
    db.record_delivered("work", [record("a")])
    db.record_delivered("home", [record("a")])
    db.forget_vanished("work", [], now=1.0, keep_for=0)
    assert db.delivered_uids("work") == {}
    assert set(db.delivered_uids("home")) == {"a"}


def test_server_seen_snapshot_is_replaced(db: Database) -> None:
    assert db.server_seen("work") == set()
    db.replace_server_seen("work", ["a", "b", "a"])
    db.replace_server_seen("home", ["z"])
    db.replace_server_seen("work", ["c"])
    assert db.server_seen("work") == {"c"}
    assert db.server_seen("home") == {"z"}


def test_remove_account(db: Database) -> None:
    db.record_delivered("work", [record("a")])
    db.replace_server_seen("work", ["a"])
    db.index_message("work", "INBOX", IndexedMessage("/m/a", IndexFields(subject="s")))
    db.record_delivered("home", [record("a")])
    db.remove_account("work")
    assert db.delivered_uids("work") == {} and db.server_seen("work") == set()
    assert db.count_messages("work", "INBOX") == 0
    assert set(db.delivered_uids("home")) == {"a"}


def test_batches_of_20k_uids_go_past_sqlites_parameter_limit(db: Database) -> None:
    """A listing far longer than SQLite's host-parameter limit (999 on old builds) is recorded
    and reconciled whole: no "too many SQL variables", no row lost or left over."""
    uids = [f"uid-{i}" for i in range(20_000)]
    db.record_delivered("work", [record(u) for u in uids])
    db.replace_server_seen("work", uids)
    assert db.server_seen("work") == set(uids)
    assert db.forget_vanished("work", uids[:10_000], now=1.0, keep_for=0) == 10_000
    assert set(db.delivered_uids("work")) == set(uids[:10_000])


# --- header index -------------------------------------------------------------------------


def test_index_and_count(db: Database) -> None:
    fields = IndexFields(from_addr="Zoé <z@x>", subject="Réunion", date=1.0, size=5)
    db.index_messages(
        "work", "INBOX", [IndexedMessage("/m/1", fields, uid="1"), IndexedMessage("/m/2", fields)]
    )
    db.index_message("work", "INBOX", IndexedMessage("/m/1", fields, flags="S"))  # refresh
    db.index_message("work", "Spam", IndexedMessage("/m/3", fields))
    assert db.count_messages("work", "INBOX") == 2
    assert db.count_messages("work", "Spam") == 1
    row = db.conn.execute("SELECT subject, flags FROM messages WHERE path = '/m/1'").fetchone()
    assert row == ("Réunion", "S")


def test_an_unchanged_outcome_writes_nothing(db: Database) -> None:
    """A sync from cron that finds the account as fine as last time adds nothing to the
    journal (no write, no fsync)."""
    db.record_error("work", None)
    wal = Path(f"{db.path}-wal")
    size = wal.stat().st_size
    db.record_error("work", None)
    assert wal.stat().st_size == size
    db.record_error("work", "The server refused the password.")
    assert wal.stat().st_size > size
    assert db.conn.execute("SELECT last_error FROM account_state").fetchone() == (
        "The server refused the password.",
    )


def test_record_and_index_commit_together(db: Database) -> None:
    fields = IndexFields(subject="Réunion", size=5)
    index = {"INBOX": [IndexedMessage("/m/new/a", fields, uid="a")],
             "Spam": [IndexedMessage("/m/Spam/b", fields, uid="b")]}  # fmt: skip
    db.record_and_index("work", [record("a"), record("b")], index)
    assert db.delivered_uid_set("work") == {"a", "b"}
    assert db.folder_counts("work") == {"INBOX": (1, 1), "Spam": (1, 1)}


def test_a_uidl_recorded_twice_in_one_batch_keeps_the_later_row(db: Database) -> None:
    """A re-delivery after reconciliation may record a UIDL again in the same batch."""
    records = [record(f"uid{n:03d}") for n in range(250)]
    again = DeliveredRecord(uid="uid007", token="f" * 32, size=7, delivered_at=2.0, path="/x")
    index = {"INBOX": [IndexedMessage(f"/m/new/{n}", IndexFields(size=n)) for n in range(250)]}
    db.record_and_index("work", [*records, again], index)
    assert len(db.delivered_uid_set("work")) == 250
    row = db.conn.execute("SELECT token, path FROM delivered WHERE uid = 'uid007'").fetchone()
    assert row == ("f" * 32, "/x")
    assert db.count_messages("work", "INBOX") == 250


def test_record_and_index_is_all_or_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch whose index rows fail is not recorded either: its files, already in new/ under
    their tokens, are recognised by the next sync instead."""

    def broken_row(*_args: object) -> tuple[object, ...]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(index_module, "_index_row", broken_row)
    index = {"INBOX": [IndexedMessage("/m/new/a", IndexFields(), uid="a")]}
    with pytest.raises(sqlite3.OperationalError):
        db.record_and_index("work", [record("a")], index)
    assert db.delivered_uid_set("work") == set()
    assert db.count_messages("work", "INBOX") == 0


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "msg"
    path.write_bytes(data)
    return path


def test_index_fields_decodes_french_rfc2047(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        (
            b"From: =?UTF-8?Q?Zo=C3=A9_Lef=C3=A8vre?= <zoe@example.fr>\n"
            b"Subject: =?ISO-8859-1?Q?R=E9union_d'=E9quipe?=\n"
            b" =?UTF-8?B?w6AgMTDCoGg=?= demain\n"
            b"Date: Tue, 5 Mar 2024 09:30:00 +0100\n"
            b"Message-ID: <abc.123@example.fr>\n"
            b"Content-Type: text/plain; charset=utf-8\n"
            b"\n"
            b"Bonjour\n"
        ),
    )
    fields = index_fields(path)
    assert fields.from_addr == "Zoé Lefèvre <zoe@example.fr>"
    assert fields.subject == "Réunion d'équipeà 10\u00a0h demain"
    assert fields.date == datetime(2024, 3, 5, 8, 30, tzinfo=UTC).timestamp()
    assert fields.message_id == "<abc.123@example.fr>"
    assert not fields.has_attachment
    assert fields.size == path.stat().st_size + path.read_bytes().count(b"\n")  # as mailed


def test_index_fields_reads_raw_8bit_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "Subject: Été à Paris\nFrom: café\n\nx".encode() + b"\n")
    assert index_fields(path).subject == "Été à Paris"
    latin = write(tmp_path, "Subject: Noël\n\n".encode("latin-1"))
    assert index_fields(latin).subject == "Noël"


def test_index_fields_detects_attachments(tmp_path: Path) -> None:
    mixed = write(tmp_path, b"Content-Type: Multipart/Mixed; boundary=x\n\n--x\n")
    assert index_fields(mixed).has_attachment
    disposition = write(
        tmp_path,
        b"Content-Type: multipart/related; boundary=x\n\n--x\n"
        b"Content-Disposition: attachment; filename=a.pdf\n\n",
    )
    assert index_fields(disposition).has_attachment


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\nbody only",
        b"Subject: =?utf-8?B?!!!not base64?=\n\n",
        b"Subject: =?x-no-such-charset?Q?caf=E9?=\n\n",
        b"Subject: =?utf-8?Q?unterminated\n\n",
        b"Date: yesterday-ish\nMessage-ID: no brackets here\n\n",
        b"Date: Mon, 99 Foo 99999 99:99:99 +9999\n\n",
        b"From\n: broken\n\x00\x01\x02: \xff\xfe\n\n",
        b"no colon at all\n" * 10,
        b"Subject: " + b"x" * 200_000,  # no blank line, huge header
    ],
)
def test_broken_headers_never_raise(tmp_path: Path, data: bytes) -> None:
    fields = index_fields(write(tmp_path, data))
    assert isinstance(fields.subject, str) and isinstance(fields.from_addr, str)
    assert fields.date is None or isinstance(fields.date, float)


def test_unparsable_date_is_none_and_missing_fields_are_empty(tmp_path: Path) -> None:
    fields = index_fields(write(tmp_path, b"Date: not a date\n\nbody"))
    assert fields.date is None
    assert fields.subject == fields.from_addr == fields.message_id == ""


def test_date_without_zone_is_utc(tmp_path: Path) -> None:
    fields = index_fields(write(tmp_path, b"Date: 1 Jan 2020 00:00:00 -0000\n\n"))
    assert fields.date == datetime(2020, 1, 1, tzinfo=UTC).timestamp()


def test_missing_file_is_a_delivery_error(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError, match="Could not read"):
        index_fields(tmp_path / "gone")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_index_fields_parses_or_degrades(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "msg"
    path.write_bytes(data)
    fields = index_fields(path)
    assert fields.size == len(data) + data.count(b"\n")  # LF line ends count as CRLF


def test_imported_uidls_are_recorded_once_and_never_deleted_by_policy(tmp_path: Path) -> None:
    """``account import-state``: one transaction, new ones counted, a second import harmless;
    a message popgui downloads itself later becomes its own (deletable) again."""
    with Database(tmp_path / "state.db") as database:
        database.record_delivered("a", [DeliveredRecord("own", "t-own", 10, 1.0, "/m/own")])
        assert database.record_imported("a", ["own", "x1", "x2", "x2"], "mpop", now=5.0) == 2
        assert database.record_imported("a", ["x1", "x2"], "mpop") == 0
        assert database.delivered_uid_set("a") == {"own", "x1", "x2"}
        assert database.imported_uid_set("a") == {"x1", "x2"}
        assert database.server_seen("a") == {"own", "x1", "x2"}  # no listing yet: the import
        row = database.delivered_uids("a")["x1"]
        assert (row.path, row.size, row.delivered_at) == ("", 0, 5.0)
        database.record_delivered("a", [DeliveredRecord("x1", "t-x1", 10, 6.0, "/m/x1")])
        assert database.imported_uid_set("a") == {"x2"}
        database.replace_server_seen("a", ["own"])
        assert database.record_imported("a", ["x3"], "fetchmail") == 1
        assert database.server_seen("a") == {"own"}  # a real listing is never mixed with one
        database.remove_account("a")
        assert database.delivered_uid_set("a") == set()
