"""Maildir delivery: whole messages in new/ or nothing, recognisable after a crash."""

from __future__ import annotations

import errno
import itertools
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from popgui.errors import ConfigError, DeliveryError
from popgui.store import maildir as maildir_module
from popgui.store import names as names_module
from popgui.store.maildir import Maildir
from popgui.store.names import OWN_TMP_PREFIX, token_for
from tests.support.unprivileged import Unprivileged, unprivileged

REPO = Path(__file__).resolve().parents[2]
MESSAGE = b"From: a@example.org\r\nSubject: hi\r\n\r\nline one\r\n.line two\r\n"


def listing(md: Maildir, sub: str) -> list[str]:
    return sorted(os.listdir(md.path / sub))


def deliver(md: Maildir, token: str, *chunks: bytes) -> Path:
    with md.begin(token) as delivery:
        for chunk in chunks:
            delivery.write(chunk)
        return delivery.finish()


@pytest.fixture
def md(tmp_path: Path) -> Maildir:
    return Maildir(tmp_path / "profile" / "Mail")


# --- tokens and names ---------------------------------------------------------------------


def test_token_is_32_lowercase_hex_and_depends_on_account_and_uid() -> None:
    token = token_for("work", "abc")
    assert len(token) == 32
    assert token == token.lower()
    int(token, 16)
    assert token != token_for("home", "abc")
    assert token != token_for("work", "abd")
    # the separator keeps ("ab", "c") and ("a", "bc") apart
    assert token_for("ab", "c") != token_for("a", "bc")


def test_creates_the_three_directories_private(md: Maildir) -> None:
    for sub in ("cur", "new", "tmp"):
        assert (md.path / sub).is_dir()
        assert (md.path / sub).stat().st_mode & 0o777 == 0o700


def test_delivered_name_follows_maildir_unique_rules(md: Maildir) -> None:
    token = token_for("work", "1")
    path = deliver(md, token, MESSAGE)
    assert path.parent == md.path / "new"
    stem, _, host = path.name.partition(f"_{token}.")
    seconds, _, rest = stem.partition(".M")
    assert seconds.isdigit() and abs(int(seconds) - time.time()) < 60
    assert f"P{os.getpid()}Q" in rest
    assert host and "/" not in host and ":" not in host


def test_hostname_is_sanitised(monkeypatch: pytest.MonkeyPatch, md: Maildir) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "a/b:c")
    monkeypatch.setattr(names_module._Host, "second", -1)  # forget the cached name
    path = deliver(md, token_for("work", "1"), MESSAGE)
    assert path.name.endswith(".a\\057b\\072c")


def test_hostname_is_asked_at_most_once_a_second(
    monkeypatch: pytest.MonkeyPatch, md: Maildir
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(socket, "gethostname", lambda: asked.append("x") or "host")
    monkeypatch.setattr(names_module._Host, "second", -1)
    started = time.monotonic()
    names = [deliver(md, token_for("work", str(n)), MESSAGE).name for n in range(20)]
    seconds = int(time.monotonic() - started) + 2
    assert 1 <= len(asked) <= seconds
    assert all(name.endswith(".host") for name in names)
    assert len(set(names)) == 20


@pytest.mark.parametrize("uid", ["../../etc/passwd", "a/b", "..", "x" * 70, "!~"])
def test_hostile_uidl_never_reaches_a_file_name(md: Maildir, uid: str) -> None:
    token = token_for("work", uid)
    path = deliver(md, token, MESSAGE)
    assert path.parent == md.path / "new"
    assert uid not in path.name
    assert md.tokens() == {token}


def test_begin_refuses_something_that_is_not_a_token(md: Maildir) -> None:
    with pytest.raises(ValueError):
        md.begin("../evil")


# --- round trip ---------------------------------------------------------------------------


def test_round_trip_stores_lf_line_ends(md: Maildir) -> None:
    path = deliver(md, token_for("work", "1"), MESSAGE)
    assert path.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert listing(md, "tmp") == []


def test_crlf_split_across_chunks(md: Maildir) -> None:
    token = token_for("work", "1")
    with md.begin(token, digest=True) as delivery:
        for chunk in (b"a\r", b"\nb\r", b"\r\n", b"c\r", b"d\r"):
            delivery.write(chunk)
        path = delivery.finish()
    expected = b"a\nb\r\nc\rd\r"
    assert path.read_bytes() == expected
    assert delivery.size == len(expected)
    assert delivery.sha256 is not None
    import hashlib

    assert delivery.sha256 == hashlib.sha256(expected).hexdigest()


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"x", b"\r").replace(b"y", b"\n")),
    cuts=st.lists(st.integers(min_value=0, max_value=300), max_size=8),
)
def test_any_chunking_gives_the_same_file(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, cuts: list[int]
) -> None:
    md = Maildir(tmp_path_factory.mktemp("md"))
    bounds = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    path = deliver(md, token_for("a", "u"), *chunks)
    assert path.read_bytes() == data.replace(b"\r\n", b"\n")


def test_sha256_is_none_unless_asked(md: Maildir) -> None:
    with md.begin(token_for("a", "u")) as delivery:
        delivery.write(b"x")
        assert delivery.sha256 is None


def test_finish_with_a_new_token_renames(md: Maildir) -> None:
    first, second = token_for("a", "1"), token_for("a", "2")
    with md.begin(first, digest=True) as delivery:
        delivery.write(MESSAGE)
        path = delivery.finish(token=second)
    assert f"_{second}." in path.name
    assert md.tokens() == {second}


def test_token_can_be_given_only_at_finish(md: Maildir) -> None:
    token = token_for("a", "sha-of-content")
    with md.begin(digest=True) as delivery:
        delivery.write(MESSAGE)
        with pytest.raises(ValueError):
            delivery.finish()
        with pytest.raises(ValueError):
            delivery.finish(token="../x")
        path = delivery.finish(token=token)
    assert md.tokens() == {token}
    assert path.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert listing(md, "tmp") == []


def test_tokens_and_path_for_token_cover_new_and_cur(md: Maildir) -> None:
    one, two = token_for("a", "1"), token_for("a", "2")
    deliver(md, one, MESSAGE)
    moved = deliver(md, two, MESSAGE)
    in_cur = md.path / "cur" / (moved.name + ":2,S")
    moved.rename(in_cur)
    (md.path / "cur" / "1700000000.foreign.host:2,").write_bytes(b"x")
    assert md.tokens() == {one, two}
    assert md.path_for_token(two) == in_cur
    assert md.path_for_token(token_for("a", "3")) is None
    assert md.token_paths() == {one: md.path / "new" / listing(md, "new")[0], two: in_cur}


def test_sync_new_and_cur_do_not_fail(md: Maildir) -> None:
    deliver(md, token_for("a", "1"), MESSAGE)
    md.sync_new()
    md.sync_cur()


# --- abort and cleanup --------------------------------------------------------------------


def test_abort_leaves_nothing(md: Maildir) -> None:
    delivery = md.begin(token_for("a", "1"))
    delivery.write(MESSAGE)
    assert delivery.temp_path.name.startswith(OWN_TMP_PREFIX)
    delivery.abort()
    delivery.abort()
    assert listing(md, "tmp") == listing(md, "new") == []


def test_exception_inside_with_aborts(md: Maildir) -> None:
    with pytest.raises(RuntimeError), md.begin(token_for("a", "1")) as delivery:
        delivery.write(MESSAGE)
        raise RuntimeError("connection dropped")
    assert listing(md, "tmp") == listing(md, "new") == []


def test_leaving_with_without_finish_aborts(md: Maildir) -> None:
    with md.begin(token_for("a", "1")) as delivery:
        delivery.write(MESSAGE)
    assert listing(md, "tmp") == []
    with pytest.raises(ValueError):
        delivery.write(b"more")


def test_clean_own_tmp_removes_the_accounts_leftovers_of_other_processes_only(
    md: Maildir,
) -> None:
    """Called under the account's lock: the account's temporary files written by another
    process are leftovers of a run that died; everything else stays."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    other_pid = int(gone.stdout)
    tag = names_module.owner_tag("a")
    leftover = md.path / "tmp" / f"{OWN_TMP_PREFIX}{tag}-1.M2P{other_pid}Q3_{'0' * 32}.host"
    leftover.write_bytes(b"half")
    other_tag = names_module.owner_tag("b")
    others = md.path / "tmp" / f"{OWN_TMP_PREFIX}{other_tag}-1.M2P{other_pid}Q3_{'1' * 32}.host"
    others.write_bytes(b"another account's, maybe alive")
    untagged = md.path / "tmp" / f"{OWN_TMP_PREFIX}1.M2P{other_pid}Q3_{'2' * 32}.host"
    untagged.write_bytes(b"an older popgui's")
    foreign = md.path / "tmp" / "1.M2P3Q4.otherprogram"
    foreign.write_bytes(b"theirs")
    spool = md.spool("a")
    try:
        live = spool.begin(token_for("a", "1"))
        live.write(MESSAGE)
        live.close_in_tmp()
        spool.sync([live])
        assert live.temp_name.startswith(f"{OWN_TMP_PREFIX}{tag}-")
        assert md.clean_own_tmp("a") == 1
        assert sorted(p.name for p in (md.path / "tmp").iterdir()) == sorted(
            [others.name, untagged.name, foreign.name, live.temp_name]
        )
        live.publish()
    finally:
        spool.close()


def test_clean_tmp_uses_the_36_hour_rule(monkeypatch: pytest.MonkeyPatch, md: Maildir) -> None:
    (md.path / "tmp" / "stale").write_bytes(b"x")
    real_time = time.time
    # ctime cannot be set back, so move the clock 37 hours forward instead
    monkeypatch.setattr(time, "time", lambda: real_time() + 37 * 3600)
    assert md.clean_tmp() == 1
    assert listing(md, "tmp") == []


def test_clean_tmp_keeps_recent_files(md: Maildir) -> None:
    (md.path / "tmp" / "fresh").write_bytes(b"y")
    assert md.clean_tmp() == 0
    assert listing(md, "tmp") == ["fresh"]


# --- disk failures ------------------------------------------------------------------------

FSIZE_SCRIPT = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from pathlib import Path
    from popgui.errors import DeliveryError
    from popgui.store.maildir import Maildir
    from popgui.store.names import token_for

    md = Maildir(Path(sys.argv[1]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
    result = {"error": None}
    try:
        with md.begin(token_for("a", "big")) as delivery:
            for _ in range(64):
                delivery.write(b"x" * 16383 + b"\\n")
            delivery.finish()
    except DeliveryError as exc:
        result["error"] = str(exc)
    result["new"] = os.listdir(md.path / "new")
    result["tmp"] = os.listdir(md.path / "tmp")
    print(json.dumps(result))
    """
)


def test_file_size_limit_mid_write_is_a_delivery_error(md: Maildir) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FSIZE_SCRIPT, str(md.path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    result = json.loads(proc.stdout)
    assert result["error"] and str(md.path) in result["error"]
    assert result["new"] == [] and result["tmp"] == []


def enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_at_fsync(monkeypatch: pytest.MonkeyPatch, md: Maildir) -> None:
    monkeypatch.setattr(os, "fsync", enospc)
    delivery = md.begin(token_for("a", "1"))
    delivery.write(MESSAGE)
    with pytest.raises(DeliveryError, match="disk is full") as info:
        delivery.finish()
    assert str(md.path / "tmp") in str(info.value)
    assert isinstance(info.value.__cause__, OSError)
    assert listing(md, "tmp") == listing(md, "new") == []


@pytest.mark.parametrize("size", ["small", "large"])
def test_disk_full_while_writing(monkeypatch: pytest.MonkeyPatch, md: Maildir, size: str) -> None:
    class FullFile:
        def __init__(self, real: object) -> None:
            self.real = real

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.real.close()  # type: ignore[attr-defined]

    delivery = md.begin(token_for("a", "1"))
    delivery._file = FullFile(delivery._file)  # type: ignore[assignment]
    with pytest.raises(DeliveryError, match="disk is full"):
        if size == "large":  # a gathered buffer is stored, and fails, at once
            delivery.write(b"x" * maildir_module.GATHER)
            raise AssertionError("the failed write went unnoticed")
        delivery.write(MESSAGE)  # a small message is stored by finish()
        delivery.finish()
    assert listing(md, "tmp") == listing(md, "new") == []


def erofs(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


def eperm(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.EPERM, os.strerror(errno.EPERM))


@pytest.fixture(params=["link", "rename"])
def move_by(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways into new/: link + unlink, and the rename where hard links are unsupported."""
    if request.param == "rename":
        monkeypatch.setattr(os, "link", eperm)
    return str(request.param)


def test_read_only_file_system_on_move(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, move_by: str
) -> None:
    monkeypatch.setattr(os, "link" if move_by == "link" else "replace", erofs)
    with pytest.raises(DeliveryError, match="read-only"):
        deliver(md, token_for("a", "1"), MESSAGE)
    assert listing(md, "tmp") == listing(md, "new") == []


def test_rename_fallback_where_hard_links_are_unsupported(
    monkeypatch: pytest.MonkeyPatch, md: Maildir
) -> None:
    monkeypatch.setattr(os, "link", eperm)
    path = deliver(md, token_for("a", "1"), MESSAGE)
    assert path.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert listing(md, "tmp") == []


def test_spool_moves_by_link_and_leaves_no_temporary_name(md: Maildir) -> None:
    spool = md.spool()
    try:
        deliveries = [spool.begin(token_for("a", str(n))) for n in range(3)]
        for delivery in deliveries:
            delivery.write(MESSAGE)
            delivery.close_in_tmp()
        spool.sync(deliveries)
        paths = [Path(delivery.publish()) for delivery in deliveries]
    finally:
        spool.close()
    assert all(path.read_bytes() == MESSAGE.replace(b"\r\n", b"\n") for path in paths)
    assert all(path.stat().st_nlink == 1 for path in paths)
    assert listing(md, "tmp") == []


def test_publish_never_replaces_a_file(md: Maildir, move_by: str) -> None:
    spool = md.spool()
    try:
        delivery = spool.begin(token_for("a", "1"))
        delivery.write(MESSAGE)
        target = Path(delivery.close_in_tmp())
        target.write_bytes(b"already here\n")
        spool.sync([delivery])
        with pytest.raises(DeliveryError, match="move the message into"):
            delivery.publish()
    finally:
        spool.close()
    assert target.read_bytes() == b"already here\n"
    assert listing(md, "tmp") == []


def test_close_in_tmp_makes_a_direct_file_durable_before_publish(
    monkeypatch: pytest.MonkeyPatch, md: Maildir
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    delivery = md.begin(token_for("a", "1"))
    delivery.write(MESSAGE)
    target = Path(delivery.close_in_tmp())
    assert len(synced) == 1 and listing(md, "new") == []
    assert Path(delivery.publish()) == target
    assert target.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert listing(md, "tmp") == []


def test_spool_delivers_small_and_large_messages(md: Maildir) -> None:
    large = b"line of a large message\r\n" * 40_000  # ~1 MB: several gathered buffers
    contents = [MESSAGE, large, b"", b"no final line end\r"]
    spool = md.spool()
    try:
        deliveries = []
        for n, content in enumerate(contents):
            delivery = spool.begin(token_for("a", str(n)), keep_head=100)
            for start in range(0, len(content), 7000):
                delivery.write(content[start : start + 7000])
            delivery.close_in_tmp()
            deliveries.append(delivery)
        spool.sync(deliveries)
        paths = [Path(delivery.publish()) for delivery in deliveries]
        spool.sync_new()
    finally:
        spool.close()
    for path, delivery, content in zip(paths, deliveries, contents, strict=True):
        stored = content.replace(b"\r\n", b"\n")
        assert path.read_bytes() == stored
        assert delivery.size == len(stored)
        assert delivery.head == stored[:100]
    assert listing(md, "tmp") == []
    assert md.tokens() == {token_for("a", str(n)) for n in range(len(contents))}


def test_read_only_file_system_refuses_begin(monkeypatch: pytest.MonkeyPatch, md: Maildir) -> None:
    real_open = os.open

    def fake_open(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(md.path / "tmp")):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake_open)
    with pytest.raises(DeliveryError, match="read-only"):
        md.begin(token_for("a", "1"))
    assert listing(md, "tmp") == listing(md, "new") == []


# Permission bits: root ignores them, so these run as an unprivileged user (nobody, when the
# tests run as root) in a subprocess, through tests/support/unprivileged.py.


@pytest.fixture
def as_nobody() -> Iterator[Unprivileged]:
    with unprivileged() as runner:
        yield runner


def run_unprivileged(as_nobody: Unprivileged, snippet: str) -> dict[str, object]:
    """Run *snippet*, which prints one JSON object, and check it really ran without root."""
    done = as_nobody.run(snippet)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    assert result["euid"] != 0  # as root the permission check would prove nothing
    return result


UNWRITABLE_TMP = """
import json, os
from popgui.errors import DeliveryError
from popgui.store.maildir import Maildir
from popgui.store.names import token_for

md = Maildir(os.path.abspath("Mail"))
os.chmod(md.path / "tmp", 0o500)
try:
    md.begin(token_for("a", "1"))
    error = None
except DeliveryError as exc:
    error = str(exc)
finally:
    os.chmod(md.path / "tmp", 0o700)
print(json.dumps({"euid": os.geteuid(), "error": error,
                  "tmp": os.listdir(md.path / "tmp"), "new": os.listdir(md.path / "new")}))
"""


def test_unwritable_tmp_refuses_begin(as_nobody: Unprivileged) -> None:
    result = run_unprivileged(as_nobody, UNWRITABLE_TMP)
    assert result["error"] is not None and "permission" in str(result["error"])
    assert result["tmp"] == result["new"] == []


UNWRITABLE_PARENT = """
import json, os
from popgui.errors import DeliveryError
from popgui.store.maildir import Maildir

os.mkdir("parent", 0o500)
try:
    Maildir(os.path.abspath("parent/Mail"))
    error = None
except DeliveryError as exc:
    error = str(exc)
finally:
    os.chmod("parent", 0o700)
print(json.dumps({"euid": os.geteuid(), "error": error, "created": os.listdir("parent")}))
"""


def test_unwritable_parent_refuses_creation(as_nobody: Unprivileged) -> None:
    result = run_unprivileged(as_nobody, UNWRITABLE_PARENT)
    assert result["error"] is not None and "permission" in str(result["error"])
    assert result["created"] == []


# --- Maildir++ folders --------------------------------------------------------------------


def test_folders_are_created_and_listed(md: Maildir) -> None:
    work = md.folder("Work")
    assert work.path == md.path / ".Work"
    assert (work.path / "maildirfolder").exists()
    projects = work.folder("Projects")
    assert projects.path == md.path / ".Work.Projects"
    md.folder("Archive 2024")
    (md.path / ".not-a-maildir").mkdir()
    assert md.list_folders() == ["Archive 2024", "Work", "Work.Projects"]
    assert work.list_folders() == md.list_folders()


def test_folder_delivery_is_separate(md: Maildir) -> None:
    token = token_for("a", "1")
    deliver(md.folder("Spam"), token, MESSAGE)
    assert md.folder("Spam").tokens() == {token}
    assert md.folder("Other").tokens() == set()
    # The root lists its subfolders too: mail moved out of INBOX is still recognised.
    assert md.tokens() == {token}


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".hidden",
        "a/b",
        "..",
        "a..b",
        "trailing.",
        "tab\there",
        "nul\0",
        "back\\slash",
        "del\x7f",
    ],
)
def test_bad_folder_names_are_config_errors(md: Maildir, name: str) -> None:
    with pytest.raises(ConfigError):
        md.folder(name)
