"""Network faults between ``popgui sync`` and the real Dovecot, through the fault proxy.

The short version of bench/torture/network.py: two mailboxes (delete and keep), a handful of
chosen faults each (cuts with FIN and RST in both directions, a stall past the timeout and one
within it, latency), then a clean sync. Nothing lost, nothing twice, every DELE checked against
the Maildir and the database at the moment it was sent, the next run completes.
``python -m bench.torture --long`` runs hundreds of random faults.
"""

from __future__ import annotations

import random
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from bench.torture import network, popgui_run
from bench.torture.network import DeleWatcher, Tally
from bench.torture.proxy import Direction, FaultPlan, FaultProxy
from tests.support.dovecot import DovecotServer

pytestmark = pytest.mark.slow


class FixtureBackend:
    """The session's Dovecot, one fresh user per trial."""

    name = "Dovecot"

    def __init__(self, server: DovecotServer) -> None:
        self.server = server
        self.user = ""

    def new_user(self, messages: list[bytes]) -> tuple[int, str, str]:
        self.user, password = f"n{random.randrange(16**10):010x}", "pw-network-faults"
        self.server.add_user(self.user, password)
        for content in messages:
            self.server.deliver(self.user, content)
        return self.server.plain_port, self.user, password

    def contents(self) -> list[bytes]:
        return [m.replace(b"\r\n", b"\n") for m in self.server.server_messages(self.user)]


def cut(direction: Direction, fraction: float, *, reset: bool = False) -> network.Picker:
    def pick(rng: random.Random, down: int, up: int) -> FaultPlan:
        total = down if direction == "down" else up
        return FaultPlan("cut", direction, int(total * fraction), reset=reset)

    return pick


def stall(direction: Direction, fraction: float, seconds: float) -> network.Picker:
    def pick(rng: random.Random, down: int, up: int) -> FaultPlan:
        total = down if direction == "down" else up
        return FaultPlan("stall", direction, int(total * fraction), stall_seconds=seconds)

    return pick


def latency(rng: random.Random, down: int, up: int) -> FaultPlan:
    return FaultPlan("none", latency=0.01)


DELETE_PICKS = (
    cut("down", 0.5),
    cut("up", 0.6, reset=True),
    stall("down", 0.3, network.TIMEOUT + 3),
    cut("down", 0.3, reset=True),
)
KEEP_PICKS = (cut("up", 0.3), stall("up", 0.5, network.TIMEOUT * 0.4), latency, cut("down", 0.7))


@pytest.mark.parametrize(("mode", "picks"), [("delete", DELETE_PICKS), ("keep", KEEP_PICKS)])
def test_faults_lose_nothing_and_duplicate_nothing(
    dovecot: DovecotServer, mode: str, picks: tuple[network.Picker, ...]
) -> None:
    tally = Tally()
    network.run_trial(FixtureBackend(dovecot), random.Random(4), mode, mode, tally, picks)
    assert (tally.lost, tally.duplicated, tally.crashed) == (0, 0, 0), tally.notes
    assert tally.runs == len(picks)
    assert tally.faults >= len(picks) - 2, tally.outcomes  # a fault past the session's end
    if mode == "delete":
        assert tally.deles > 0, "the clean run deleted through the watcher"


# -- the tools themselves -------------------------------------------------------------------


def _sink_server() -> tuple[socket.socket, list[bytes], threading.Thread]:
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            while data := conn.recv(65536):
                received.append(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, received, thread


def test_the_proxy_cuts_at_the_exact_byte() -> None:
    listener, received, thread = _sink_server()
    with FaultProxy(listener.getsockname()[1]) as proxy:
        proxy.plan = FaultPlan("cut", "up", 1000)
        with socket.create_connection(("127.0.0.1", proxy.port)) as client:
            try:
                for _ in range(100):
                    client.sendall(b"x" * 100)
            except OSError:
                pass
        thread.join(timeout=5)
    listener.close()
    assert sum(len(chunk) for chunk in received) == 1000
    assert proxy.faults_fired == 1


def test_the_watcher_flags_a_dele_of_a_message_not_stored(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    (popgui_run.maildir_of(profile) / "new").mkdir(parents=True)
    with sqlite3.connect(profile / "popgui.sqlite3") as db:
        db.execute("CREATE TABLE delivered (account TEXT, uid TEXT)")
    watcher = DeleWatcher(profile)
    watcher._database = profile / "popgui.sqlite3"
    watcher("up", b"UIDL\r\n")
    watcher("down", b"+OK\r\n1 abc\r\n.\r\n")
    watcher("up", b"DELE 1\r\nDELE 2\r\n")
    assert watcher.deles == 2
    assert len(watcher.violations) == 2
