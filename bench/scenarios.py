"""The download scenarios and the loop that times every client in them, alternating.

For each scenario: fill a fresh mailbox, let Dovecot index it (one listing) and read it once
(an untimed raw pass, which also warms the page cache), then, run after run, time each
client in a rotating order, each from a clean state in a fresh subprocess. ``os.sync()``
before every timed run keeps one client's write-back out of the next one's time.

A no-op re-sync scenario first syncs every client once (untimed), then times re-syncs that
find nothing new; each timed run starts from that same synced state.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.clients import Client, Job, Raw, stored_messages
from bench.corpus import CorpusInfo, MaildirWriter, fill, fill_huge
from bench.measure import RunFailed, Sample, Summary, output_tail, run_timed
from bench.proxy import delaying_proxy, measure_rtt
from bench.server import PASSWORD, BenchServer

T = TypeVar("T")

MB = 1024 * 1024
#: A run directory with fewer files than this is removed at once (see Runner.discard).
FEW_FILES = 100


@dataclass(frozen=True)
class Scenario:
    """One row group of the table. ``size``: messages, or bytes for the ``huge`` kind."""

    name: str
    kind: str
    size: int
    quick_size: int
    one_way_delay: float = 0.0
    resync: bool = False

    def count(self, quick: bool) -> int:
        return self.quick_size if quick else self.size

    def title(self, quick: bool) -> str:
        n = self.count(quick)
        titles = {
            "full": f"full download, {n:,} mixed",
            "rtt": f"{self.one_way_delay * 2000:.0f} ms round trip, {n:,} mixed",
            "small": f"{n:,} small messages",
            "noop": f"no-op re-sync of {n:,}",
            "huge": f"one {n // MB} MB message",
            "deliver": f"{n:,} mixed delivered to IMAP or LMTP",
        }
        return titles[self.name]


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("full", "mixed", 2_000, 100),
        Scenario("rtt", "mixed", 300, 30, one_way_delay=0.010),
        Scenario("small", "small", 10_000, 500),
        Scenario("noop", "small", 50_000, 1_000, resync=True),
        Scenario("huge", "huge", 300 * MB, 20 * MB),
        # Not into a Maildir: to another user of the same Dovecot (bench/destinations.py).
        Scenario("deliver", "mixed", 2_000, 100),
    )
}


@dataclass
class ScenarioResult:
    scenario: Scenario
    title: str
    corpus: CorpusInfo
    summaries: dict[str, Summary] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


#: When the harness started: every log line says how long it has been running.
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"{time.monotonic() - STARTED:7.1f} s  {message}", file=sys.stderr, flush=True)


def filler(scenario: Scenario, quick: bool) -> Callable[[MaildirWriter], CorpusInfo]:
    size = scenario.count(quick)
    if scenario.kind == "huge":
        return lambda writer: fill_huge(writer, size)
    return lambda writer: fill(writer, scenario.kind, size)


@contextlib.contextmanager
def endpoint(scenario: Scenario, server: BenchServer, result: ScenarioResult) -> Iterator[int]:
    """The port clients connect to: Dovecot's, or a delaying proxy's in front of it."""
    if not scenario.one_way_delay:
        yield server.port
        return
    with delaying_proxy(server.port, scenario.one_way_delay) as port:
        result.notes.append(
            f"measured round trip through the proxy: {measure_rtt(port) * 1000:.1f} ms"
        )
        yield port


class Runner:
    """Times ``clients`` in one scenario; ``workroot`` holds their private directories."""

    def __init__(self, server: BenchServer, clients: Sequence[Client], workroot: Path) -> None:
        self.server = server
        self.clients = list(clients)
        self.workroot = workroot
        #: Work directories holding many files, removed by :meth:`remove_leftovers` only.
        self.leftovers: list[Path] = []

    def discard(self, work: Path) -> None:
        """Remove a finished run's directory now if it holds few files, else at the end.

        Deleting thousands of files just before the next client's run would bill that client
        for them: on an ext4 without a journal (like this machine's disk), every file created
        during the next minutes makes the kernel step over each recently deleted inode
        (``recently_deleted()`` in the inode allocator; docs/performance.md, "Noise", has the
        figures). Whichever client followed the deletion paid that, so the figures depended
        on the running order.
        """
        if sum(1 for _ in itertools.islice(work.rglob("*"), FEW_FILES)) < FEW_FILES:
            shutil.rmtree(work, ignore_errors=True)
        else:
            self.leftovers.append(work)

    def remove_leftovers(self) -> None:
        for work in self.leftovers:
            shutil.rmtree(work, ignore_errors=True)
        self.leftovers.clear()

    def job(self, user: str, port: int, name: str, resync: bool) -> Job:
        work = self.workroot / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        return Job("127.0.0.1", port, user, PASSWORD, work, resync)

    def run(self, scenario: Scenario, runs: int, quick: bool) -> ScenarioResult:
        user = scenario.name
        log(f"[{user}] generating the corpus")
        mailbox = self.server.add_mailbox(user, filler(scenario, quick))
        result = ScenarioResult(scenario, scenario.title(quick), mailbox.corpus)
        corpus = mailbox.corpus
        log(f"[{user}] {corpus.count:,} messages, {corpus.size / MB:.1f} MB; warming")
        self.warm(user, mailbox.corpus.count)
        with endpoint(scenario, self.server, result) as port:
            samples = self.time_all(scenario, user, port, runs, mailbox.corpus.count, result)
        result.summaries = {name: Summary.of(s) for name, s in samples.items() if s}
        return result

    def warm(self, user: str, count: int) -> None:
        """One listing (Dovecot builds its index) and one untimed raw read of everything."""
        listed = self.server.list_once(user)
        if listed != count:
            raise RunFailed(f"Dovecot lists {listed} messages for {user}, expected {count}")
        job = self.job(user, self.server.port, f"{user}-warm", False)
        self.timed(Raw(), job, count)
        shutil.rmtree(job.work)

    def time_all(
        self,
        scenario: Scenario,
        user: str,
        port: int,
        runs: int,
        count: int,
        result: ScenarioResult,
    ) -> dict[str, list[Sample]]:
        clients = list(self.clients)
        jobs = self.presync(scenario, clients, user, port, count, result) if scenario.resync else {}
        samples: dict[str, list[Sample]] = {client.name: [] for client in clients}
        for run in range(runs):
            for client in rotated(clients, run):
                try:
                    samples[client.name].append(
                        self.one_run(scenario, client, jobs, user, port, count, run)
                    )
                except RunFailed as error:
                    result.notes.append(f"{client.name} failed: {error}")
                    log(f"[{user}] {client.name} FAILED: {error}")
                    clients.remove(client)
        for job in jobs.values():
            self.discard(job.work)
        return samples

    def presync(
        self,
        scenario: Scenario,
        clients: list[Client],
        user: str,
        port: int,
        count: int,
        result: ScenarioResult,
    ) -> dict[str, Job]:
        """The first, untimed sync of every client before the timed no-op re-syncs."""
        jobs: dict[str, Job] = {}
        for client in list(clients):
            job = self.job(user, port, f"{user}-{client.name}", resync=False)
            client.prepare(job)
            log(f"[{user}] first sync of {client.name} (untimed)")
            try:
                self.timed(client, job, count)
            except RunFailed as error:
                result.notes.append(f"{client.name} failed its first sync: {error}")
                clients.remove(client)
                continue
            jobs[client.name] = Job(job.host, job.port, user, job.password, job.work, True)
        return jobs

    def one_run(
        self,
        scenario: Scenario,
        client: Client,
        jobs: dict[str, Job],
        user: str,
        port: int,
        count: int,
        run: int,
    ) -> Sample:
        if scenario.resync:
            job = jobs[client.name]
            sample = self.timed(client, job, count if client.writes_mail else 0)
        else:
            job = self.job(user, port, f"{user}-{client.name}-{run}", False)
            client.prepare(job)
            sample = self.timed(client, job, count)
            self.discard(job.work)
        log(
            f"[{user}] run {run + 1} {client.name:<13} {sample.seconds:8.3f} s "
            f"{sample.cpu_seconds:8.3f} s CPU {sample.peak_rss_mb:7.1f} MB"
        )
        return sample

    def timed(self, client: Client, job: Job, expected: int) -> Sample:
        """One timed run, checked: the right exit code and the right number of messages."""
        os.sync()
        sample = run_timed(client.command(job), cwd=job.work, env=client.env(job))
        if sample.exit_code not in client.ok_codes:
            raise RunFailed(f"exit code {sample.exit_code}: {output_tail(job.work)}")
        got = stored_messages(job.maildir) if client.writes_mail else printed_count(job.work)
        if got != expected:
            raise RunFailed(
                f"{got} messages where {expected} were expected; {output_tail(job.work)}"
            )
        return sample


def printed_count(work: Path) -> int:
    try:
        return int((work / "stdout").read_text().split()[-1])
    except (IndexError, ValueError):
        return -1


def rotated(items: list[T], run: int) -> list[T]:
    """Run 0: a b c; run 1: b c a; ... so no client always follows the same one."""
    if not items:
        return []
    shift = run % len(items)
    return items[shift:] + items[:shift]
