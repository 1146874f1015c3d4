"""Harness 5, disk trouble: a full disk, an unwritable Maildir, a damaged database.

Each scenario runs the real ``popgui sync`` in a subprocess against popgui's own local POP3
server (started here, in this process, so its command log shows every DELE and RETR):

* **full disk**: the profile on a tiny tmpfs (``mount -t tmpfs``, needs root) or, anywhere,
  ``RLIMIT_FSIZE`` on the subprocess (SIGXFSZ ignored, so a write fails with EFBIG instead of
  killing it). A large message cannot be stored; the run must fail with a clear error, exit 1,
  send no DELE, and leave a whole database; the run after space is freed completes.
* **unwritable Maildir**: root ignores permission bits, so modes prove nothing. What does fail
  for root: a read-only bind mount (EROFS), the immutable attribute (``chattr +i``: EPERM),
  or a regular file where the Maildir should be (ENOTDIR/EEXIST). Same expectations.
* **damaged database**: the SQLite file overwritten with garbage, truncated to half, or its
  header zeroed between two syncs. The next run must set it aside as
  ``popgui.sqlite3.corrupt-<time>``, rebuild the state from the file-name tokens in the
  Maildir (downloading nothing that is stored), rebuild the header index, and delete nothing
  on the server during that run; the run after it applies the delete policy.

Scenario functions return a :class:`DiskOutcome`; tests/torture/test_disk.py asserts on them
and :func:`run` counts them for ``python -m bench.torture``.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import bench  # noqa: F401  (puts the repository on sys.path)
from bench.torture.results import HarnessResult
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox

USER, PASSWORD = "disk", "disk-secret"
ACCOUNT = "acct"
POPGUI = [sys.executable, "-m", "popgui"]

FullDiskMethod = Literal["tmpfs", "fsize"]
UnwritableMethod = Literal["ro-bind", "immutable", "file"]
Damage = Literal["garbage", "truncate", "header"]
Policy = Literal["keep", "delete"]


@dataclass
class DiskOutcome:
    """What one scenario saw; ``problems`` lists every expectation that failed."""

    scenario: str
    failing_exit: int = 0
    failing_stderr: str = ""
    final_exit: int = 0
    final_stderr: str = ""
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)


# -- availability --------------------------------------------------------------------------


def _quiet(*command: str) -> bool:
    done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    return done.returncode == 0


def tmpfs_available() -> bool:
    """Whether this process may mount a tmpfs (root, and a kernel that allows it here)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as probe:
        if not _quiet("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe):
            return False
        return _quiet("umount", probe)


def bind_mount_available() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as probe:
        if not _quiet("mount", "--bind", probe, probe):
            return False
        works = _quiet("mount", "-o", "remount,bind,ro", probe)
        return _quiet("umount", probe) and works


def immutable_available(directory: Path) -> bool:
    """Whether ``chattr +i`` works on *directory*'s file system, as this user."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    probe = Path(tempfile.mkdtemp(dir=directory))
    try:
        if not _quiet("chattr", "+i", str(probe)):
            return False
        return _quiet("chattr", "-i", str(probe))
    finally:
        shutil.rmtree(probe, ignore_errors=True)


# -- the world: a server, a profile, the CLI -----------------------------------------------


def small_message(index: int, rng: random.Random) -> bytes:
    body = "".join(f"line {n} of {index} {'x' * rng.randrange(60)}\n" for n in range(20))
    return (
        f"From: s{index}@example.org\nSubject: small {index}\n"
        f"Date: Tue, 01 Sep 2026 10:{index % 60:02d}:00 +0000\n"
        f"Message-ID: <small{index}.{rng.randrange(10**9)}@example.org>\n\n{body}"
    ).encode()


def large_message(index: int, size: int, rng: random.Random) -> bytes:
    line = "L" * 76 + "\n"
    head = (
        f"From: big{index}@example.org\nSubject: large {index}\n"
        f"Message-ID: <large{index}.{rng.randrange(10**9)}@example.org>\n\n"
    )
    return (head + line * (size // len(line))).encode()


def corpus(rng: random.Random, *, small: int, large: int, large_size: int) -> list[bytes]:
    """Small messages with the large ones in the middle (so some land before the trouble)."""
    messages = [small_message(i, rng) for i in range(small)]
    middle = small // 2
    for j in range(large):
        messages.insert(middle + j, large_message(j, large_size, rng))
    return messages


@contextlib.contextmanager
def local_server(messages: Sequence[bytes]) -> Iterator[LocalPOP3Server]:
    mailbox = ServerMailbox()
    for content in messages:
        mailbox.add(content.replace(b"\n", b"\r\n"))
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        yield server


def popgui(
    profile: Path, *args: str, fsize: int | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``popgui --profile PROFILE ARGS``; ``fsize`` caps the size of any file it writes."""
    env = {k: v for k, v in os.environ.items() if k != "POPGUI_PROFILE"}
    return subprocess.run(
        [*POPGUI, "--profile", str(profile), *args],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
        preexec_fn=None if fsize is None else _limit_file_size(fsize),
    )  # fmt: skip


def _limit_file_size(limit: int) -> Callable[[], None]:
    def limit_in_child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_in_child


def add_account(profile: Path, server: LocalPOP3Server, policy: Policy, *extra: str) -> None:
    command = shlex.join([sys.executable, "-c", f"print({PASSWORD!r})"])
    done = popgui(
        profile, "account", "add", ACCOUNT, "--host", "127.0.0.1", "--port", str(server.port),
        "--security", "none", "--user", USER, "--password-command", command,
        f"--{policy}", "--replace", *extra,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"popgui account add failed: {done.stderr}")


def maildir_of(profile: Path) -> Path:
    return profile / "mail" / ACCOUNT


def stored(maildir: Path) -> Counter[bytes]:
    files: list[Path] = []
    for sub in ("new", "cur"):
        if (maildir / sub).is_dir():
            files += (maildir / sub).iterdir()
    return Counter(path.read_bytes() for path in files)


def count_against(outcome: DiskOutcome, maildir: Path, expected: Sequence[bytes]) -> None:
    """Lost and duplicated messages: the Maildir against *expected* as multisets."""
    have, want = stored(maildir), Counter(expected)
    outcome.lost = sum((want - have).values())
    outcome.duplicated = sum((have - want).values())
    outcome.expect(outcome.lost == 0, f"{outcome.lost} message(s) lost")
    outcome.expect(outcome.duplicated == 0, f"{outcome.duplicated} message(s) stored twice")


def commands(server: LocalPOP3Server, since: int, keyword: str) -> int:
    return sum(1 for line in server.log[since:] if line.upper().startswith(keyword + " "))


def state_is_whole(profile: Path) -> tuple[bool, str]:
    """The database passes quick_check and every delivered row's file exists."""
    database = profile / "popgui.sqlite3"
    try:
        with contextlib.closing(sqlite3.connect(database)) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            paths = [row[0] for row in conn.execute("SELECT path FROM delivered")]
    except sqlite3.Error as error:
        return False, f"the database cannot be read: {error}"
    if check != "ok":
        return False, f"quick_check says {check}"
    missing = [path for path in paths if not os.path.exists(path)]
    return not missing, f"{len(missing)} delivered row(s) without their file"


def _failed_cleanly(
    outcome: DiskOutcome, done: subprocess.CompletedProcess[str], server: LocalPOP3Server,
    since: int, before: int, words: Sequence[str],
) -> None:  # fmt: skip
    outcome.failing_exit, outcome.failing_stderr = done.returncode, done.stderr
    outcome.expect(done.returncode == 1, f"exit status {done.returncode}, not 1")
    outcome.expect("Traceback" not in done.stderr, "a traceback was printed")
    outcome.expect(
        any(word in done.stderr for word in words), f"no clear reason: {done.stderr.strip()!r}"
    )
    outcome.expect(commands(server, since, "DELE") == 0, "DELE was sent during the failure")
    outcome.expect(len(server.accounts[USER].mailbox) == before, "the server mailbox changed")


def _completed(
    outcome: DiskOutcome, done: subprocess.CompletedProcess[str], server: LocalPOP3Server,
    profile: Path, messages: Sequence[bytes], policy: Policy,
) -> None:  # fmt: skip
    outcome.final_exit, outcome.final_stderr = done.returncode, done.stderr
    outcome.expect(done.returncode == 0, f"the run after the trouble failed: {done.stderr}")
    count_against(outcome, maildir_of(profile), messages)
    if policy == "delete":
        left = len(server.accounts[USER].mailbox)
        outcome.expect(left == 0, f"{left} message(s) left on the server in delete mode")


# -- scenario: a full disk -----------------------------------------------------------------


@contextlib.contextmanager
def _tmpfs(directory: Path, size: str) -> Iterator[Callable[[str], None]]:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                   check=True, capture_output=True, timeout=30)  # fmt: skip

    def resize(new_size: str) -> None:
        # Only the size: libmount would pass the mount's uid= again, which a user namespace
        # (unshare --map-root-user as non-root) cannot map.
        options = ["--options-mode", "ignore", "-o", f"remount,size={new_size}"]
        subprocess.run(["mount", *options, str(directory)], check=True, capture_output=True,
                       timeout=30)  # fmt: skip

    try:
        yield resize
    finally:
        subprocess.run(["umount", "-l", str(directory)], capture_output=True, timeout=30,
                       check=False)  # fmt: skip


def full_disk(
    workdir: Path, method: FullDiskMethod, *, policy: Policy = "delete", seed: int = 0
) -> DiskOutcome:
    """A large message does not fit: clear error, exit 1, no DELE; then space is freed."""
    rng = random.Random(seed)
    large_size = rng.randrange(2, 5) * 1024 * 1024
    messages = corpus(rng, small=rng.randrange(4, 12), large=1, large_size=large_size)
    outcome = DiskOutcome(f"full disk ({method}, {policy})")
    profile = workdir / "profile"
    profile.mkdir()
    with local_server(messages) as server, contextlib.ExitStack() as stack:
        limit: int | None = None
        if method == "tmpfs":
            resize = stack.enter_context(_tmpfs(profile, "1m"))
        else:
            limit = 1024 * 1024
        add_account(profile, server, policy)
        since = len(server.log)
        done = popgui(profile, "sync", fsize=limit)
        words = ("disk is full", "larger than allowed", "quota")
        _failed_cleanly(outcome, done, server, since, len(messages), words)
        whole, why = state_is_whole(profile)
        outcome.expect(whole, f"state after the failure: {why}")
        if method == "tmpfs":
            resize("64m")
        _completed(outcome, popgui(profile, "sync"), server, profile, messages, policy)
    return outcome


# -- scenario: an unwritable Maildir -------------------------------------------------------


@contextlib.contextmanager
def _unwritable(maildir: Path, method: UnwritableMethod) -> Iterator[None]:
    if method == "ro-bind":
        subprocess.run(["mount", "--bind", str(maildir), str(maildir)], check=True,
                       capture_output=True, timeout=30)  # fmt: skip
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(maildir)], check=True,
                           capture_output=True, timeout=30)  # fmt: skip
            yield
        finally:
            subprocess.run(["umount", str(maildir)], capture_output=True, timeout=30,
                           check=False)  # fmt: skip
    elif method == "immutable":
        dirs = [str(maildir / "tmp"), str(maildir / "new")]
        subprocess.run(["chattr", "+i", *dirs], check=True, capture_output=True, timeout=30)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *dirs], capture_output=True, timeout=30, check=False)
    else:
        shutil.rmtree(maildir)
        maildir.write_bytes(b"not a folder\n")
        try:
            yield
        finally:
            maildir.unlink()


def unwritable_maildir(
    workdir: Path, method: UnwritableMethod, *, policy: Policy = "delete", seed: int = 0
) -> DiskOutcome:
    """The Maildir refuses writes: clear error, exit 1, no DELE; then it is fixed."""
    rng = random.Random(seed)
    messages = corpus(rng, small=rng.randrange(3, 9), large=0, large_size=0)
    outcome = DiskOutcome(f"unwritable Maildir ({method}, {policy})")
    profile = workdir / "profile"
    with local_server(messages) as server:
        add_account(profile, server, policy)
        maildir = maildir_of(profile)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        since = len(server.log)
        with _unwritable(maildir, method):
            done = popgui(profile, "sync")
        words = ("read-only", "not permitted", "permission", "not a folder", "mail folder")
        _failed_cleanly(outcome, done, server, since, len(messages), words)
        whole, why = state_is_whole(profile)
        outcome.expect(whole, f"state after the failure: {why}")
        _completed(outcome, popgui(profile, "sync"), server, profile, messages, policy)
    return outcome


# -- scenario: a damaged database ----------------------------------------------------------


def damage_database(path: Path, damage: Damage, rng: random.Random) -> None:
    size = path.stat().st_size
    if damage == "garbage":
        path.write_bytes(rng.randbytes(max(size, 4096)))
    elif damage == "truncate":
        with open(path, "r+b") as file:
            file.truncate(size // 2)
    else:
        with open(path, "r+b") as file:
            file.write(b"\0" * 100)


def corrupt_database(
    workdir: Path, damage: Damage, *, policy: Policy = "delete", seed: int = 0
) -> DiskOutcome:
    """Sync (keeping mail), damage the database, add mail, switch to *policy*, sync twice.

    The rebuild run: the damaged file kept aside, nothing stored downloaded again (RETR only
    for the new mail), no DELE at all, the header index whole again. The run after it applies
    the policy.
    """
    rng = random.Random(seed)
    first = corpus(rng, small=rng.randrange(6, 16), large=1, large_size=300_000)
    later = [small_message(100 + i, rng) for i in range(rng.randrange(1, 4))]
    outcome = DiskOutcome(f"damaged database ({damage}, {policy})")
    profile = workdir / "profile"
    with local_server(first) as server:
        add_account(profile, server, "keep")
        done = popgui(profile, "sync")
        outcome.expect(done.returncode == 0, f"the first sync failed: {done.stderr}")
        damage_database(profile / "popgui.sqlite3", damage, rng)
        for content in later:
            server.accounts[USER].mailbox.add(content.replace(b"\n", b"\r\n"))
        add_account(profile, server, policy)
        since, before = len(server.log), len(server.accounts[USER].mailbox)
        done = popgui(profile, "sync")
        _check_rebuild(outcome, done, server, since, before, profile, len(first) + len(later))
        outcome.expect(commands(server, since, "RETR") == len(later), "stored mail fetched again")
        _completed(outcome, popgui(profile, "sync"), server, profile, first + later, policy)
    return outcome


def _check_rebuild(
    outcome: DiskOutcome, done: subprocess.CompletedProcess[str], server: LocalPOP3Server,
    since: int, before: int, profile: Path, total: int,
) -> None:  # fmt: skip
    outcome.failing_exit, outcome.failing_stderr = done.returncode, done.stderr
    outcome.expect(done.returncode == 0, f"the rebuild run failed: {done.stderr}")
    outcome.expect("damaged" in done.stderr, "the rebuild was not reported")
    kept = list(profile.glob("popgui.sqlite3.corrupt-*"))
    outcome.expect(any(not p.name.endswith(("-wal", "-shm")) for p in kept), "no file set aside")
    outcome.expect(commands(server, since, "DELE") == 0, "DELE during the rebuild run")
    outcome.expect(len(server.accounts[USER].mailbox) == before, "the server mailbox changed")
    with contextlib.closing(sqlite3.connect(profile / "popgui.sqlite3")) as conn:
        indexed = conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    outcome.expect(indexed == total, f"header index holds {indexed} rows, not {total}")


# -- the harness ---------------------------------------------------------------------------

Scenario = Callable[[Path], DiskOutcome]


def scenarios(workroot: Path, rng: random.Random, *, long: bool) -> list[tuple[str, Scenario]]:
    """Every available scenario with a fresh seed; in the long run each one several times."""
    full: list[FullDiskMethod] = ["fsize", *(["tmpfs"] if tmpfs_available() else [])]
    unwritable: list[UnwritableMethod] = ["file"]
    if bind_mount_available():
        unwritable.append("ro-bind")
    if immutable_available(workroot):
        unwritable.append("immutable")
    damages: list[Damage] = ["garbage", "truncate", "header"]
    chosen: list[tuple[str, Scenario]] = []
    for _round in range(4 if long else 1):
        for policy in ("keep", "delete"):
            for fm in full:
                chosen.append(_bind(full_disk, fm, policy, rng))
            for um in unwritable:
                chosen.append(_bind(unwritable_maildir, um, policy, rng))
            for damage in damages:
                chosen.append(_bind(corrupt_database, damage, policy, rng))
    return chosen


def _bind(
    function: Callable[..., DiskOutcome], method: str, policy: str, rng: random.Random
) -> tuple[str, Scenario]:
    seed = rng.randrange(2**31)

    def scenario(workdir: Path) -> DiskOutcome:
        return function(workdir, method, policy=policy, seed=seed)

    return f"{function.__name__}({method}, {policy}, seed {seed})", scenario


def run(*, long: bool, seed: int) -> HarnessResult:
    started = time.monotonic()
    rng = random.Random(seed)
    trials = lost = duplicated = crashed = 0
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="popgui-torture-disk-") as root:
        for index, (label, scenario) in enumerate(scenarios(Path(root), rng, long=long)):
            workdir = Path(root) / f"s{index}"
            workdir.mkdir()
            trials += 1
            try:
                outcome = scenario(workdir)
            except Exception as error:  # the scenario broke: count it, carry on
                crashed += 1
                notes.append(f"{label}: {type(error).__name__}: {error}")
                continue
            lost, duplicated = lost + outcome.lost, duplicated + outcome.duplicated
            if outcome.problems:
                crashed += 1 if not (outcome.lost or outcome.duplicated) else 0
                notes.append(f"{label}: " + "; ".join(outcome.problems))
    return HarnessResult(
        "disk", trials=trials, faults_injected=trials, bad_inputs=0, lost=lost,
        duplicated=duplicated, crashed=crashed, seconds=time.monotonic() - started,
        notes=tuple(notes),
    )  # fmt: skip
