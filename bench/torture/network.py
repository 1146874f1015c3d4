"""Harness 2: network faults between popgui and a real POP3 server.

Each trial gives a fresh mailbox of mixed messages to a fresh user on a real Dovecot (the
project's local POP3 server with ``quick``), and a fresh popgui profile whose account (keep or
delete, alternately) points at a :class:`~bench.torture.proxy.FaultProxy`. Several
``popgui sync --timeout 5`` runs go through the proxy, each with a random fault: a cut (FIN or
RST) at a random byte offset in either direction, a stall shorter or longer than the timeout,
added latency. Then one clean sync. Checked:

* every run ends, within its bound, with exit status 0 or 1, a plain error, no traceback;
* after every run: each original message is on the server or in the Maildir (nothing lost),
  the Maildir holds only originals, each once (nothing twice), ``tmp/`` is empty;
* the durability rule, at the very moment each ``DELE n`` leaves popgui: the message the
  session's UIDL listing gave number n is in the Maildir *and* in the ``delivered`` table
  (a DELE failing this is counted as lost);
* the clean sync succeeds; the Maildir then equals the originals (LF-normalised multiset),
  and in delete mode the server is empty, in keep mode untouched.
"""

from __future__ import annotations

import collections
import contextlib
import random
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.torture import popgui_run
from bench.torture.proxy import Direction, FaultPlan, FaultProxy
from bench.torture.results import HarnessResult
from popgui.profile import Profile
from popgui.store.names import token_for

TIMEOUT = 5.0
FAULTS_PER_TRIAL = 4
QUICK_TRIALS = 3
LONG_TRIALS = 70
MESSAGES_QUICK = 10
MESSAGES_LONG = 20


# -- servers ----------------------------------------------------------------------------------


class Backend(Protocol):
    """A POP3 server holding one fresh user per trial."""

    name: str

    def new_user(self, messages: list[bytes]) -> tuple[int, str, str]:
        """Create a user holding ``messages``; returns (port, user, password)."""
        ...

    def contents(self) -> list[bytes]:
        """The current user's messages on the server, LF line ends."""
        ...


class DovecotBackend:
    """The real Dovecot of the test suite (tests/support), in its own temporary directory."""

    name = "Dovecot"

    def __init__(self, directory: Path) -> None:
        from tests.support.certs import make_test_pki
        from tests.support.dovecot import DovecotServer

        pki_dir = directory / "pki"
        pki_dir.mkdir()
        self.server = DovecotServer(directory / "dovecot", make_test_pki(pki_dir))
        (directory / "dovecot").mkdir(mode=0o755)
        self.server.start()
        self._user = ""

    def new_user(self, messages: list[bytes]) -> tuple[int, str, str]:
        self._user, password = f"u{secrets.token_hex(5)}", secrets.token_urlsafe(10)
        self.server.add_user(self._user, password)
        for content in messages:
            self.server.deliver(self._user, content)
        return self.server.plain_port, self._user, password

    def contents(self) -> list[bytes]:
        return [m.replace(b"\r\n", b"\n") for m in self.server.server_messages(self._user)]

    def stop(self) -> None:
        self.server.stop()


class LocalBackend:
    """popgui's own strict POP3 server (``--quick``: no Dovecot needed), one per trial."""

    name = "the local POP3 server"

    def __init__(self) -> None:
        from popgui.localserver import LocalPOP3Server, ServerMailbox

        self.server: LocalPOP3Server | None = None
        self._mailbox = ServerMailbox()

    def new_user(self, messages: list[bytes]) -> tuple[int, str, str]:
        from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox

        self.stop()
        self._mailbox = ServerMailbox(messages)
        password = secrets.token_urlsafe(10)
        self.server = LocalPOP3Server([ServerAccount("alice", password, self._mailbox)]).start()
        return self.server.port, "alice", password

    def contents(self) -> list[bytes]:
        return [m.content.replace(b"\r\n", b"\n") for m in self._mailbox.messages()]

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


# -- the durability watcher -------------------------------------------------------------------


class DeleWatcher:
    """Sees the proxied stream; checks each DELE against the disk at the moment it is sent.

    The session's ``UIDL`` listing (the reply after popgui's ``UIDL`` command) maps message
    numbers to UIDs; a ``DELE n`` passes when the file carrying the UID's token is in ``new/``
    or ``cur/`` and the ``delivered`` table has the UID.
    """

    def __init__(self, profile: Path) -> None:
        self._maildir = popgui_run.maildir_of(profile)
        self._database = Profile(profile).database_file
        self._up = b""
        self._down = b""
        self._listing: dict[int, str] | None = None  # being read while not None
        #: The listings (LIST, UIDL) whose replies are still to come, in order: popgui
        #: pipelines LIST and UIDL, so the UIDL listing may be the second one that arrives.
        self._expected: list[bytes] = []
        self._uids: dict[int, str] = {}
        self.deles = 0
        self.violations: list[str] = []

    def __call__(self, direction: Direction, data: bytes) -> None:
        if direction == "up":
            self._up = self._lines(self._up + data, self._on_command)
        elif self._listing is not None:
            self._down = self._lines(self._down + data, self._on_listing_line)

    @staticmethod
    def _lines(buffer: bytes, handle: Callable[[bytes], None]) -> bytes:
        *complete, rest = buffer.split(b"\n")
        for line in complete:
            handle(line.rstrip(b"\r"))
        return rest

    def _on_command(self, line: bytes) -> None:
        words = line.split()
        if words[:1] in ([b"UIDL"], [b"LIST"]) and len(words) == 1:
            if self._listing is None:
                self._listing, self._down = {}, b""
            self._expected.append(words[0])
        elif words[:1] == [b"DELE"] and len(words) == 2 and words[1].isdigit():
            self.deles += 1
            self._check(int(words[1]))

    def _on_listing_line(self, line: bytes) -> None:
        if self._listing is None:  # lines after the last expected listing's end
            return
        if line.startswith((b"+OK", b"-ERR")):
            return
        if line == b".":
            kind = self._expected.pop(0) if self._expected else b"UIDL"
            if kind == b"UIDL":
                self._uids = self._listing
            self._listing = {} if self._expected else None
            return
        number, _, uid = line.partition(b" ")
        if number.isdigit():
            self._listing[int(number)] = uid.decode("ascii", "replace")

    def _check(self, number: int) -> None:
        uid = self._uids.get(number)
        if uid is None:
            self.violations.append(f"DELE {number}: no UIDL listing gave that number")
            return
        token = token_for(popgui_run.ACCOUNT, uid)
        on_disk = any(token in path.name for path in popgui_run.stored_files(self._maildir))
        if not on_disk or not self._recorded(uid):
            where = "not in the Maildir" if not on_disk else "not in the delivered table"
            self.violations.append(f"DELE {number} (UID {uid}) sent while {where}")

    def _recorded(self, uid: str) -> bool:
        with contextlib.closing(
            sqlite3.connect(f"file:{self._database}?mode=ro", uri=True, timeout=10)
        ) as db:
            row = db.execute(
                "SELECT 1 FROM delivered WHERE account = ? AND uid = ?", (popgui_run.ACCOUNT, uid)
            ).fetchone()
        return row is not None


# -- faults -----------------------------------------------------------------------------------


def pick_fault(rng: random.Random, down_bytes: int, up_bytes: int) -> FaultPlan:
    """A random fault somewhere within the session's expected traffic."""
    latency = rng.choice((0.0, 0.0, 0.0, rng.uniform(0.002, 0.03)))
    roll = rng.random()
    if roll < 0.1:
        return FaultPlan("none", latency=rng.uniform(0.005, 0.05))
    direction: Direction = "down" if rng.random() < 0.6 else "up"
    at = rng.randrange(max(1, down_bytes if direction == "down" else up_bytes))
    if roll < 0.7:
        return FaultPlan("cut", direction, at, reset=rng.random() < 0.5, latency=latency)
    stall = rng.choice((TIMEOUT * 0.4, TIMEOUT + 3))
    return FaultPlan("stall", direction, at, stall_seconds=stall, latency=latency)


def _traffic(backend: Backend, maildir: Path) -> tuple[int, int]:
    """Expected octets server→client and client→server of the next sync (a rough guess)."""
    stored = popgui_run.stored_multiset(maildir)
    waiting = [m for m in backend.contents() if popgui_run.lf_digest(m) not in stored]
    count = len(backend.contents())
    down = 600 + 40 * count + sum(len(m) + m.count(b"\n") for m in waiting)
    up = 300 + 12 * count + 12 * len(waiting)
    return down, up


# -- one trial --------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts over every run of the harness."""

    runs: int = 0
    faults: int = 0
    lost: int = 0
    duplicated: int = 0
    crashed: int = 0
    deles: int = 0
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)


Picker = Callable[[random.Random, int, int], FaultPlan]


def run_trial(
    backend: Backend,
    rng: random.Random,
    label: str,
    mode: str,
    tally: Tally,
    picks: Sequence[Picker] = (pick_fault,) * FAULTS_PER_TRIAL,
) -> None:
    """One mailbox, one profile: a faulted sync per entry of ``picks``, then a clean one."""
    from tests.support.corpus import mixed_messages

    count = rng.choice((MESSAGES_QUICK, MESSAGES_LONG))
    originals = mixed_messages(count, seed=rng.randrange(10**6))
    port, user, password = backend.new_user(originals)
    with _profile() as profile, FaultProxy(port, lifetime=1800) as proxy:
        watcher = DeleWatcher(profile)
        proxy.tap = watcher
        popgui_run.add_account(profile, proxy.port, user, password, f"--{mode}")
        maildir = popgui_run.maildir_of(profile)
        for pick in picks:
            proxy.plan = pick(rng, *_traffic(backend, maildir))
            _faulted_run(backend, proxy, profile, originals, tally, f"{label} ({mode})")
        proxy.plan = FaultPlan()
        _clean_run(backend, profile, originals, mode, tally, f"{label} ({mode})")
        tally.deles += watcher.deles
        tally.lost += len(watcher.violations)
        tally.notes += [f"{label}: {v}" for v in watcher.violations]


@contextmanager
def _profile() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="popgui-network-"))
    try:
        yield root / "profile"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _faulted_run(
    backend: Backend,
    proxy: FaultProxy,
    profile: Path,
    originals: list[bytes],
    tally: Tally,
    label: str,
) -> None:
    fired = proxy.faults_fired
    plan = proxy.plan
    run = popgui_run.run_sync(profile, timeout=TIMEOUT, bound=_bound(plan))
    proxy.close_all()  # a stalled link must not hold the server's mailbox lock
    tally.runs += 1
    injected = proxy.faults_fired > fired
    tally.faults += injected
    kind = plan.kind if injected else "no fault fired"
    tally.outcomes[f"{kind}: {'ok' if run.returncode == 0 else 'error'}"] += 1
    _check_run(run, tally, f"{label}, {plan.describe()}")
    _check_invariants(backend, profile, originals, tally, f"{label}, {plan.describe()}")


def _bound(plan: FaultPlan) -> float:
    return TIMEOUT * 3 + plan.stall_seconds + 30


def _clean_run(
    backend: Backend, profile: Path, originals: list[bytes], mode: str, tally: Tally, label: str
) -> None:
    for attempt in range(5):
        run = popgui_run.run_sync(profile, timeout=TIMEOUT, bound=_bound(FaultPlan()))
        _check_run(run, tally, f"{label}, clean run")
        if run.returncode == 0:
            break
        tally.outcomes["clean run retried"] += 1
        time.sleep(1 + attempt)
    else:
        tally.crashed += 1
        tally.notes.append(f"{label}: the clean run failed 5 times: {run.report().get('error')}")
    _check_invariants(backend, profile, originals, tally, f"{label}, clean run")
    _check_final(backend, profile, originals, mode, tally, label)


def _check_run(run: popgui_run.Run, tally: Tally, label: str) -> None:
    problems = []
    if run.hung:
        problems.append(f"did not end within its bound ({run.seconds:.0f} s)")
    if run.traceback:
        problems.append("traceback: " + run.stderr.strip().splitlines()[-1][:200])
    if run.returncode not in (0, 1):
        problems.append(f"exit status {run.returncode}")
    error = run.report().get("error")
    if run.returncode == 1 and not (isinstance(error, str) and error.strip()):
        problems.append(f"no plain error (stderr {run.stderr.strip()[:200]!r})")
    if problems:
        tally.crashed += 1
        tally.notes.append(f"{label}: " + "; ".join(problems))


def _check_invariants(
    backend: Backend, profile: Path, originals: list[bytes], tally: Tally, label: str
) -> None:
    maildir = popgui_run.maildir_of(profile)
    wanted = collections.Counter(popgui_run.lf_digest(m) for m in originals)
    stored = popgui_run.stored_multiset(maildir)
    server = collections.Counter(popgui_run.lf_digest(m) for m in backend.contents())
    lost = sum((wanted - stored - server).values())
    extra = sum((stored - wanted).values())
    tally.lost += lost
    tally.duplicated += extra
    if lost or extra:
        tally.notes.append(f"{label}: {lost} lost, {extra} duplicated or foreign")
    if popgui_run.tmp_files(maildir):
        tally.crashed += 1
        tally.notes.append(f"{label}: tmp/ not empty after the run")


def _check_final(
    backend: Backend, profile: Path, originals: list[bytes], mode: str, tally: Tally, label: str
) -> None:
    maildir = popgui_run.maildir_of(profile)
    wanted = collections.Counter(popgui_run.lf_digest(m) for m in originals)
    if popgui_run.stored_multiset(maildir) != wanted:
        tally.crashed += 1
        tally.notes.append(f"{label}: after the clean run the Maildir differs from the server's")
    on_server = len(backend.contents())
    expected = 0 if mode == "delete" else len(originals)
    if on_server != expected:
        tally.crashed += 1
        tally.notes.append(f"{label}: {on_server} messages left on the server, expected {expected}")


# -- the harness ------------------------------------------------------------------------------


def run(*, long: bool, seed: int) -> HarnessResult:
    started = time.monotonic()
    rng = random.Random(seed)
    tally = Tally()
    with _backend(long) as backend:
        trials = LONG_TRIALS if long else QUICK_TRIALS
        for index in range(trials):
            run_trial(backend, rng, f"trial {index}", ("delete", "keep")[index % 2], tally)
        name = backend.name
    return _result(tally, time.monotonic() - started, name)


@contextmanager
def _backend(long: bool) -> Iterator[Backend]:
    if not long:
        local = LocalBackend()
        try:
            yield local
        finally:
            local.stop()
        return
    directory = Path(tempfile.mkdtemp(prefix="popgui-network-dovecot-"))
    directory.chmod(0o755)
    try:
        dovecot = DovecotBackend(directory)
        try:
            yield dovecot
        finally:
            dovecot.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _result(tally: Tally, seconds: float, server: str) -> HarnessResult:
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items()))
    notes = [
        f"server: {server}; {tally.runs} faulted runs, {tally.deles} DELE checked at send time",
        f"outcomes: {outcomes}",
        *tally.notes,
    ]
    return HarnessResult(
        "network",
        trials=tally.runs,
        faults_injected=tally.faults,
        lost=tally.lost,
        duplicated=tally.duplicated,
        crashed=tally.crashed,
        seconds=seconds,
        notes=tuple(notes),
    )
