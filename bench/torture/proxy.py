"""A fault-injecting TCP proxy on loopback, for the network harness.

``FaultProxy(target_port)`` listens on a free 127.0.0.1 port and forwards every connection to
``127.0.0.1:target_port`` with two threads (one per direction). The :class:`FaultPlan` in force
when a connection is accepted applies to it:

* ``cut``: after ``at_byte`` octets in ``direction`` (``"up"``: client→server, ``"down"``:
  server→client), close both sides (a FIN; with ``reset=True`` an RST to the client);
* ``stall``: at ``at_byte``, hold the stream for ``stall_seconds``, then carry on;
* ``latency``: delay every chunk by that many seconds (with or without another fault).

A ``tap`` sees every chunk before it is forwarded, so a watcher can check the state of the
world at the exact moment a command leaves the client. The proxy is bounded: it closes every
connection ``lifetime`` seconds after it started, and :meth:`FaultProxy.stop` (or leaving the
``with`` block) ends everything within a second.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Self

Direction = Literal["up", "down"]
FaultKind = Literal["none", "cut", "stall"]
Tap = Callable[[Direction, bytes], None]

_CHUNK = 65536
_POLL = 0.2


@dataclass(frozen=True)
class FaultPlan:
    """What to do to the connections accepted while this plan is in force."""

    kind: FaultKind = "none"
    direction: Direction = "down"
    at_byte: int = 0
    stall_seconds: float = 0.0
    reset: bool = False
    latency: float = 0.0

    def describe(self) -> str:
        if self.kind == "none":
            return f"latency {self.latency * 1000:.0f} ms" if self.latency else "no fault"
        what = "reset" if self.kind == "cut" and self.reset else self.kind
        extra = f" for {self.stall_seconds:g} s" if self.kind == "stall" else ""
        return f"{what} {self.direction} at byte {self.at_byte}{extra}"


class _Link:
    """One proxied connection: two sockets, two pumps, and whether the fault fired."""

    def __init__(
        self, client: socket.socket, server: socket.socket, plan: FaultPlan, proxy: FaultProxy
    ) -> None:
        self.client = client
        self.server = server
        self.plan = plan
        self.proxy = proxy
        self.closed = threading.Event()
        self.threads = [
            threading.Thread(target=self._pump, args=("up", client, server), daemon=True),
            threading.Thread(target=self._pump, args=("down", server, client), daemon=True),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def close(self, *, reset: bool = False) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        if reset:
            with contextlib.suppress(OSError):
                self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _pump(self, direction: Direction, source: socket.socket, sink: socket.socket) -> None:
        faulty = self.plan.kind != "none" and self.plan.direction == direction
        count = 0
        try:
            while not self.closed.is_set():
                chunk = self._read(source)
                if chunk is None:
                    continue
                if not chunk:
                    break
                if faulty and count + len(chunk) > self.plan.at_byte:
                    head = chunk[: max(0, self.plan.at_byte - count)]
                    self._forward(direction, sink, head)
                    count += len(head)
                    faulty = False
                    if not self._fire(direction):
                        return
                    chunk = chunk[len(head) :]
                self._forward(direction, sink, chunk)
                count += len(chunk)
        except OSError:
            pass
        self.close()

    def _read(self, source: socket.socket) -> bytes | None:
        """A chunk, b"" at EOF, or None when nothing came within the poll interval."""
        ready, _, _ = select.select([source], [], [], _POLL)
        return source.recv(_CHUNK) if ready else None

    def _forward(self, direction: Direction, sink: socket.socket, data: bytes) -> None:
        if not data:
            return
        if self.plan.latency:
            self.closed.wait(self.plan.latency)
        if self.proxy.tap is not None:
            self.proxy.tap(direction, data)
        sink.sendall(data)

    def _fire(self, direction: Direction) -> bool:
        """Inject the fault; False when the connection is gone afterwards."""
        self.proxy.note_fault(self.plan)
        if self.plan.kind == "cut":
            self.close(reset=self.plan.reset)
            return False
        self.closed.wait(self.plan.stall_seconds)
        return not self.closed.is_set()


class FaultProxy:
    """A loopback proxy applying :attr:`plan` to each new connection (see the module doc)."""

    def __init__(
        self,
        target_port: int,
        *,
        target_host: str = "127.0.0.1",
        lifetime: float = 3600.0,
        tap: Tap | None = None,
    ) -> None:
        self.target = (target_host, target_port)
        self.plan = FaultPlan()
        self.tap = tap
        self.faults_fired = 0
        self.connections = 0
        self._lifetime = lifetime
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self._stopping = threading.Event()
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def start(self) -> Self:
        self._thread.start()
        return self

    def note_fault(self, plan: FaultPlan) -> None:
        with self._lock:
            self.faults_fired += 1

    def close_all(self) -> None:
        """Close every live connection (a stalled one included)."""
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self.close_all()
        self._thread.join(timeout=2)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _expired(self) -> bool:
        return time.monotonic() - self._started > self._lifetime

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            if self._expired():
                self.close_all()
                return
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = _Link(client, server, self.plan, self)
        with self._lock:
            self.connections += 1
            self._links = [old for old in self._links if not old.closed.is_set()] + [link]
        link.start()
