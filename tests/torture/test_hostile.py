"""Hostile servers against the real ``popgui sync``: every scenario of bench/torture/scenarios.py
once, in delete mode, with the huge message at 30 MB (``python -m bench.torture --long`` runs
300 MB and both policies). Each must end in bounded time with a plain error (or succeed where
the input is legal), under 150 MB of memory, with nothing half-written, no DELE/ACKD of a
message not stored intact, and no file outside the profile.

Below them, the fixes the harness led to, checked without a subprocess.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from bench.torture.hostile import HUGE_QUICK, TIMEOUT, run_scenario
from bench.torture.scenarios import SCENARIOS, Env, Scenario
from popgui.errors import NetworkError, RemoteProtocolError
from popgui.net.pop3client import parse_list, parse_uidl
from popgui.net.transport import PROGRESS_BYTES, Transport
from popgui.protocol import pop2

pytestmark = pytest.mark.slow

ENV = Env(TIMEOUT, HUGE_QUICK, seed=937)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario) -> None:
    outcome = run_scenario(scenario, ENV, "delete")
    assert outcome.problems == [], outcome.problems
    if scenario.huge:
        assert outcome.peak_rss_mb < 150


def test_pop2_count_short_in_keep_mode_keeps_nothing() -> None:
    """Keep mode waits for ACKS's reply before keeping the message: a short count shows there."""
    scenario = next(s for s in SCENARIOS if s.name == "pop2-count-short")
    assert run_scenario(scenario, ENV, "keep").problems == []


# -- the fixes, without a subprocess --------------------------------------------------------


def _trickling_pair(interval: float, data: bytes) -> tuple[socket.socket, threading.Thread]:
    client, server = socket.socketpair()

    def drip() -> None:
        for index in range(len(data)):
            time.sleep(interval)
            try:
                server.send(data[index : index + 1])
            except OSError:
                return
        server.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    return client, thread


def test_a_trickling_server_is_given_up_after_the_timeout() -> None:
    """One byte every 0.3 s never trips a 1 s per-read timeout; the progress bound does.

    The trickle would last 31 s: giving up with "too slowly" before half of it arrived, and
    within half that time, holds on a loaded machine and fails without the bound.
    """
    data = b"+OK " + b"x" * 100
    sock, thread = _trickling_pair(0.3, data)
    transport = Transport(sock, "127.0.0.1", 110, timeout=1.0)
    received = b""
    started = time.monotonic()
    with pytest.raises(NetworkError, match="too slowly"):
        while chunk := transport.recv():
            received += chunk
    assert len(received) < len(data) / 2
    assert time.monotonic() - started < 0.3 * len(data) / 2
    transport.close()
    thread.join(timeout=40)


def test_a_new_command_restarts_the_allowance() -> None:
    sock, thread = _trickling_pair(0.3, b"abcdefgh")
    transport = Transport(sock, "127.0.0.1", 110, timeout=1.0)
    received = b""
    for _ in range(8):  # 8 bytes over 2.4 s: fine, as each one "answers a command"
        transport.send(b"NOOP\r\n")
        received += transport.recv()
    assert received == b"abcdefgh"
    transport.close()
    thread.join(timeout=10)


def test_progress_bytes_restart_the_allowance() -> None:
    client, server = socket.socketpair()
    transport = Transport(client, "127.0.0.1", 110, timeout=1.0)
    for _ in range(3):
        time.sleep(0.6)  # not waiting in recv: the disk may be slow, the server is not to blame
        server.sendall(b"x" * PROGRESS_BYTES)
        got = 0
        while got < PROGRESS_BYTES:
            got += len(transport.recv())
    transport.close()
    server.close()


@pytest.mark.parametrize(
    "listing",
    [[b"1 " + b"9" * 40], [b"9" * 5000 + b" 10"], [b"0 10"], [b"-1 10"]],
    ids=["size-40-digits", "number-5000-digits", "number-zero", "negative"],
)
def test_implausible_listing_numbers_are_protocol_errors(listing: list[bytes]) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_list(listing)


def test_uidl_with_an_endless_number_is_a_protocol_error() -> None:
    with pytest.raises(RemoteProtocolError, match="implausible"):
        parse_uidl([b"9" * 5000 + b" abc"])


@pytest.mark.parametrize(
    ("command", "reply"),
    [("HELO", b"#" + b"9" * 19), ("HELO", b"#1000001"), ("READ", b"=" + b"9" * 300)],
)
def test_pop2_implausible_numbers_are_protocol_errors(command: str, reply: bytes) -> None:
    conn = pop2.POP2Connection()
    conn.receive_data(b"+ POP2 ready\r\n")
    assert isinstance(conn.next_event(), pop2.Greeting)
    conn.send("HELO", "user", "pw")
    if command == "READ":
        conn.receive_data(b"#1\r\n")
        assert conn.next_event() == pop2.Count(1, "")
        conn.send("READ")
    conn.receive_data(reply + b"\r\n")
    with pytest.raises(RemoteProtocolError, match=r"implausible|more than"):
        conn.next_event()
