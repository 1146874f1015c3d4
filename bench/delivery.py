"""Micro benchmark of the delivery path alone: ``python -m bench.delivery [-n 10000]``.

N synthetic small messages (the benchmark's *small* corpus, 1-3 KB) are cut into the
``MessageData`` chunks popgui's POP3 core gives for them on the wire (CRLF, dot-stuffed, each
message received whole), then go through :class:`~popgui.sync.delivery.BatchedDelivery` into a
temporary Maildir with a real :class:`~popgui.store.database.Database`: the same begin / write /
finish / batch commit (fsync each file, move into ``new/``, fsync ``new/``, SQLite) as a sync,
without network or server. Preparing the chunks is not timed.

It prints microseconds per message of CPU (all threads, the delivering thread, the others),
of wall time, and of the delivering thread's waiting (wall minus its CPU and the network's
sleeps: every other moment it does not run it waits, for the committer, the writer, a lock or
the GIL), and how long the end of the delivery (the final commit) took. ``--disk-delay MS`` adds
that much to each batch's flush (a slower disk: a laptop's SSD under load, a USB stick, NFS);
the delay is a sleep, which releases the GIL as a real ``fsync`` does. ``--network MBPS``
makes the delivering thread also wait for the bytes as if they came at that rate (sleeps, which
release the GIL as ``recv`` does): time the batch step can overlap. No assertion on time:
the disk of the benchmark machine swings by 2-3x from run to run, and creating files is ~10x
slower for minutes after a mass deletion (ext4 scans recently deleted inodes), so compare CPU
rather than wall, do not delete a big tree just before measuring (``--keep`` leaves this run's
files where they are), and use ``--dir /dev/shm`` (tmpfs: cheap, steady file creation) to see
popgui's own CPU alone.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import bench  # noqa: F401  (puts the repository on sys.path)
from bench.corpus import small_message
from popgui import durable
from popgui.protocol import pop3
from popgui.store.database import Database, IndexFields
from popgui.store.maildir import Maildir
from popgui.store.names import token_for
from popgui.sync import delivery as delivery_module
from popgui.sync.delivery import BatchedDelivery

ACCOUNT = "bench"
#: What a socket buffers for a receiver that is late (loopback TCP's window grows to a few MB).
SOCKET_BUFFER = 2 * 1024 * 1024


@dataclass(frozen=True)
class Message:
    uid: str
    token: str
    chunks: tuple[bytes, ...]


@dataclass(frozen=True)
class Clocks:
    """One reading of every clock the report compares (seconds).

    ``cpu`` and ``main`` are exact (the scheduler's run time); the user/system split of
    ``getrusage`` is sampled at clock ticks on many kernels, so it is only indicative.
    """

    wall: float
    cpu: float  # the whole process: every thread
    main: float  # the delivering thread alone
    user: float
    system: float
    tail: float = 0.0  # wall time of the end of the delivery (its final commit)
    network: float = 0.0  # wall time the delivering thread slept for --network

    @staticmethod
    def now() -> Clocks:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return Clocks(
            time.perf_counter(),
            time.process_time(),
            time.thread_time(),
            usage.ru_utime,
            usage.ru_stime,
        )

    def __sub__(self, other: Clocks) -> Clocks:
        return Clocks(
            self.wall - other.wall,
            self.cpu - other.cpu,
            self.main - other.main,
            self.user - other.user,
            self.system - other.system,
            self.tail - other.tail,
            self.network - other.network,
        )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000, help="messages (10,000)")
    parser.add_argument("--dir", type=Path, default=None, help="where the temporary tree goes")
    parser.add_argument("--keep", action="store_true", help="leave the Maildir on disk")
    parser.add_argument(
        "--stub-headers",
        action="store_true",
        help="replace header_fields (the index parser, not part of delivery) by a constant",
    )
    parser.add_argument(
        "--disk-delay",
        type=float,
        default=0.0,
        metavar="MS",
        help="add MS milliseconds to each batch's flush of its files (a slower disk)",
    )
    parser.add_argument(
        "--network",
        type=float,
        default=0.0,
        metavar="MBPS",
        help="receive the messages at this many MB/s (the delivering thread sleeps meanwhile)",
    )
    return parser.parse_args()


def wire_chunks(connection: pop3.POP3Connection, message: bytes) -> tuple[bytes, ...]:
    """The MessageData chunks *connection* (logged in) gives for a RETR of *message*."""
    lines = message.replace(b"\n", b"\r\n").split(b"\r\n")
    stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
    connection.send("RETR", "1")
    connection.receive_data(b"+OK\r\n" + stuffed.rstrip(b"\r\n") + b"\r\n.\r\n")
    chunks = []
    while not isinstance(event := connection.next_event(), pop3.MessageEnd):
        if isinstance(event, pop3.MessageData):
            chunks.append(event.data)
    return tuple(chunks)


def logged_in() -> pop3.POP3Connection:
    connection = pop3.POP3Connection()
    connection.receive_data(b"+OK ready\r\n")
    connection.next_event()
    connection.send("USER", "bench")
    connection.send("PASS", "bench")
    connection.receive_data(b"+OK\r\n+OK\r\n")
    connection.next_event()
    connection.next_event()
    return connection


def corpus(count: int) -> list[Message]:
    """*count* messages with their UIDs and tokens computed beforehand (the engine plans
    those before downloading, so they are not delivery costs)."""
    rng = random.Random("small-2026")
    connection = logged_in()
    messages = []
    for index in range(count):
        uid = f"bench-{index:08d}"
        chunks = wire_chunks(connection, small_message(index, rng))
        messages.append(Message(uid, token_for(ACCOUNT, uid), chunks))
    return messages


def deliver_all(
    maildir: Maildir, database: Database, messages: list[Message], rate: float = 0.0
) -> Clocks:
    """Deliver every message as a sync does; the clocks' difference over the whole run.

    With a *rate* (bytes a second) the messages arrive no faster than that, as from a socket.
    """
    network = _Network(rate)
    started = Clocks.now()
    with BatchedDelivery(ACCOUNT, maildir, database) as delivery:
        begin, write, finish = delivery.begin, delivery.write, delivery.finish
        for message in messages:
            begin(message.token)
            for chunk in message.chunks:
                network.receive(len(chunk))
                write(chunk)
            finish(message.uid, message.token)
        ending = time.perf_counter()
    ended = Clocks.now()
    return replace(ended, tail=ended.wall - ending, network=network.slept) - started


class _Network:
    """Bytes arriving at a steady rate through a socket buffer of :data:`SOCKET_BUFFER` bytes:
    the receiver sleeps (a millisecond at least: shorter sleeps are imprecise) until what it
    takes has arrived; a receiver that falls further behind than the buffer holds stalls the
    sender (TCP flow control), and that time is lost."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._due = time.perf_counter()  # when the bytes taken so far have all arrived
        self.slept = 0.0

    def receive(self, size: int) -> None:
        if not self._rate:
            return
        now = time.perf_counter()
        # the sender stopped once the buffer was full; it starts again as we read
        self._due = max(self._due, now - SOCKET_BUFFER / self._rate) + size / self._rate
        if self._due - now >= 0.001:
            time.sleep(self._due - now)
            self.slept += time.perf_counter() - now


def slow_disk(delay: float) -> Callable[[], None]:
    """Make each batch's flush (the fsync of ``new/``) *delay* seconds longer; returns the undo."""
    real = durable.fsync_directory

    def delayed(*args: Any, **kwargs: Any) -> None:
        time.sleep(delay)
        real(*args, **kwargs)

    durable.fsync_directory = delayed

    def undo() -> None:
        durable.fsync_directory = real

    return undo


def stub_header_fields() -> Callable[[], None]:
    """Make the index parser (someone else's work) cost nothing; returns the undo."""
    real = delivery_module.header_fields
    fields = real(b"Subject: x\n\n", 12)

    def constant(head: bytes, size: int) -> IndexFields:
        return fields

    delivery_module.header_fields = constant

    def undo() -> None:
        delivery_module.header_fields = real

    return undo


def report(count: int, size: int, chunks: int, spent: Clocks) -> None:
    def per(seconds: float) -> str:
        return f"{seconds / count * 1e6:8.1f} µs/message"

    print(f"{count:,} messages, {size / 1e6:.1f} MB, {chunks / count:.1f} chunks a message")
    print(f"CPU, all threads      {per(spent.cpu)}")
    print(f"  delivering thread   {per(spent.main)}")
    print(f"  other threads       {per(spent.cpu - spent.main)}   (the writer and committer)")
    print(f"  ~user / ~system     {per(spent.user)} / {per(spent.system)}")
    print(f"wall                  {per(spent.wall)}   ({count / spent.wall:,.0f} messages/s)")
    waited = spent.wall - spent.main - spent.network
    print(f"delivering thread waited {waited:6.3f} s (for the network: {spent.network:.3f} s more)")
    print(f"final commit             {spent.tail:6.3f} s (the end of the delivery)")


def main() -> int:
    args = parse()
    messages = corpus(args.count)
    size = sum(len(chunk) for message in messages for chunk in message.chunks)
    chunks = sum(len(message.chunks) for message in messages)
    undo = stub_header_fields() if args.stub_headers else None
    undo_disk = slow_disk(args.disk_delay / 1000) if args.disk_delay else None
    work = Path(tempfile.mkdtemp(prefix="popgui-bench-delivery-", dir=args.dir))
    try:
        database = Database(work / "popgui.sqlite3")
        try:
            rate = args.network * 1e6
            spent = deliver_all(Maildir(work / "Mail"), database, messages, rate)
        finally:
            database.close()
        if len(os.listdir(work / "Mail" / "new")) != len(messages):
            raise SystemExit("a message is missing from new/")
    finally:
        if undo is not None:
            undo()
        if undo_disk is not None:
            undo_disk()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report(len(messages), size, chunks, spent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
