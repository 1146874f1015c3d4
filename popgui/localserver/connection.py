"""The sockets and threads both local servers share: a buffered connection, and a listener.

:class:`Connection` reads lines (keeping pipelined input) and batches output, sent with one
``sendall`` before the next blocking read. :class:`LocalServerBase` binds, accepts in a
background thread and serves each connection in its own daemon thread; :meth:`~LocalServerBase.stop`
wakes the accept loop, shuts every live connection down and joins the threads (bounded).
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import ssl
import threading
import time
from types import TracebackType
from typing import Self

__all__ = ["Connection", "LineTooLongError", "LocalServerBase"]

_log = logging.getLogger(__name__)

#: Flush the output buffer when it holds this much.
_FLUSH_AT = 1 << 20


class LineTooLongError(Exception):
    """The peer sent a line longer than allowed."""


class Connection:
    """A socket with an input buffer (for pipelined lines) and a batched output buffer."""

    def __init__(self, sock: socket.socket, idle_timeout: float | None) -> None:
        self._sock = sock
        self._sock_lock = threading.Lock()
        self._aborted = False
        self.idle_timeout = idle_timeout
        sock.settimeout(idle_timeout)
        self.inbuf = bytearray()
        self._out: list[bytes] = []
        self._out_size = 0

    @property
    def sock(self) -> socket.socket:
        return self._sock

    @property
    def aborted(self) -> bool:
        return self._aborted

    def read_line(self, limit: int) -> bytes | None:
        """The next line, LF included; None at end of input. Flushes output before blocking."""
        start = 0
        while True:
            end = self.inbuf.find(b"\n", start)
            if end >= 0:
                if end + 1 > limit:
                    raise LineTooLongError
                line = bytes(self.inbuf[: end + 1])
                del self.inbuf[: end + 1]
                return line
            if len(self.inbuf) >= limit:
                raise LineTooLongError
            start = len(self.inbuf)
            self.flush()
            data = self._sock.recv(65536)
            if not data:
                return None
            self.inbuf += data

    def write(self, data: bytes) -> None:
        """Queue *data*; it is sent before the next blocking read, or when the queue is big."""
        self._out.append(data)
        self._out_size += len(data)
        if self._out_size >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if not self._out:
            return
        data = self._out[0] if len(self._out) == 1 else b"".join(self._out)
        self._out = []
        self._out_size = 0
        self._sock.sendall(data)

    def discard_output(self) -> None:
        self._out = []
        self._out_size = 0

    def start_tls(self, context: ssl.SSLContext) -> None:
        """Flush, wrap the socket as a TLS server and run the handshake."""
        self.flush()
        with self._sock_lock:
            if self._aborted:
                raise ConnectionAbortedError("server stopping")
            wrapped = context.wrap_socket(
                self._sock, server_side=True, do_handshake_on_connect=False
            )
            self._sock = wrapped
        wrapped.settimeout(self.idle_timeout)
        wrapped.do_handshake()

    def wait_for_close(self, stopping: threading.Event) -> None:
        """Read and ignore input until the peer closes or *stopping* is set."""
        self._sock.settimeout(0.05)
        while not stopping.is_set():
            try:
                if not self._sock.recv(65536):
                    return
            except TimeoutError:
                continue
            except (OSError, ssl.SSLError):
                return

    def abort(self) -> None:
        """Shut the socket down (from any thread) so that a blocked read or write returns."""
        with self._sock_lock:
            self._aborted = True
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also for an SSLSocket: SSLSocket.shutdown
                # would drop its TLS object under the feet of the thread reading from it.
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()


class LocalServerBase:
    """Listening socket, accept loop, one thread per connection, clean stop."""

    _name = "local-server"

    def __init__(self, *, host: str, port: int, idle_timeout: float | None) -> None:
        self._host = host
        self._port = port
        self.idle_timeout = idle_timeout
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[Connection] = set()
        self._workers: set[threading.Thread] = set()
        #: Every command line received, from every session, secrets masked.
        self.log: list[str] = []
        #: The same lines, one list per session, in the order the sessions started.
        self.session_logs: list[list[str]] = []

    # -- public ----------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`; the requested one before)."""
        return self._port

    @property
    def address(self) -> tuple[str, int]:
        return (self._host, self._port)

    @property
    def running(self) -> bool:
        return self._accept_thread is not None

    def start(self) -> Self:
        """Bind, listen and start accepting connections in a background thread."""
        if self._accept_thread is not None:
            raise RuntimeError("server already started")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            if os.name == "posix":
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self._host, self._port))
            listener.listen(64)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        self._port = listener.getsockname()[1]
        self._listener = listener
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping.clear()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"{self._name}-accept-{self._port}", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, shut every live connection down, join the threads (bounded)."""
        if self._accept_thread is None:
            return
        self._stopping.set()
        assert self._wake_w is not None
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        self._accept_thread.join(timeout)
        with self._lock:
            connections = list(self._connections)
            workers = list(self._workers)
        for connection in connections:
            connection.abort()
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        for sock in (self._listener, self._wake_r, self._wake_w):
            if sock is not None:
                sock.close()
        self._listener = self._wake_r = self._wake_w = None
        self._accept_thread = None

    def __enter__(self) -> Self:
        if self._accept_thread is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- for subclasses --------------------------------------------------------------------

    def _serve_connection(self, connection: Connection, session_log: list[str]) -> None:
        raise NotImplementedError

    def _record(self, session_log: list[str], line: str) -> None:
        session_log.append(line)
        self.log.append(line)

    # -- internals -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None and self._wake_r is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _events in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    try:
                        sock, _address = self._listener.accept()
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        if self._stopping.is_set():
                            return
                        continue
                    self._spawn(sock)

    def _spawn(self, sock: socket.socket) -> None:
        sock.setblocking(True)
        if self._stopping.is_set():
            sock.close()
            return
        connection = Connection(sock, self.idle_timeout)
        session_log: list[str] = []
        self.session_logs.append(session_log)
        worker = threading.Thread(
            target=self._run_worker,
            args=(connection, session_log),
            name=f"{self._name}-session-{self._port}",
            daemon=True,
        )
        with self._lock:
            self._connections.add(connection)
            self._workers.add(worker)
        worker.start()

    def _run_worker(self, connection: Connection, session_log: list[str]) -> None:
        try:
            self._serve_connection(connection, session_log)
        except (OSError, ssl.SSLError, LineTooLongError):
            pass  # the peer went away or the server is stopping: nothing to report
        except Exception:
            _log.exception("%s: session failed", self._name)
        finally:
            connection.close()
            with self._lock:
                self._connections.discard(connection)
                self._workers.discard(threading.current_thread())
