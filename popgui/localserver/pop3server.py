"""A strict local POP3 server (RFC 1939, 2449, 2595, 5034) for ``popgui demo`` and the tests.

It is meant to make client bugs visible, so it is strict where the RFCs allow it:

* command lines must end in CRLF and fit in 255 octets (RFC 2449 section 4); SASL responses
  may be long (RFC 5034), up to :data:`MAX_AUTH_LINE`;
* keywords are case-insensitive, arguments are separated by exactly one space (PASS takes the
  rest of the line, spaces included, as RFC 1939 allows);
* PASS is only accepted immediately after USER; NOOP only in the TRANSACTION state;
* a client that sends a command before the previous reply when PIPELINING is not advertised
  gets ``-ERR`` and is disconnected;
* data a client sends after STLS, before the TLS handshake, is discarded (never executed);
* deletions happen only in the UPDATE state, after QUIT; a dropped or timed-out connection
  deletes nothing (and times out silently, RFC 1939 section 3).

Messages are sent with one ``sendall`` per output batch, dot-stuffed with ``bytes.replace``.
Each connection runs in its own (daemon) thread; :meth:`LocalPOP3Server.stop` wakes the accept
loop, shuts every live connection down and joins the threads.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from popgui.localserver.mailstore import ServerAccount, ServerMailbox, ServerMessage

__all__ = [
    "MAX_AUTH_LINE",
    "MAX_COMMAND_LINE",
    "Faults",
    "LocalPOP3Server",
    "LocalServerBase",
    "dot_stuff",
]

_log = logging.getLogger(__name__)

#: RFC 2449 section 4: a command line is at most 255 octets, CRLF included.
MAX_COMMAND_LINE = 255
#: RFC 5034 puts no limit on SASL responses (XOAUTH2 tokens exceed 4 KB); this one is generous.
MAX_AUTH_LINE = 100_000
#: Flush the output buffer when it holds this much.
_FLUSH_AT = 1 << 20
_HOSTNAME = "localhost"


def dot_stuff(content: bytes) -> bytes:
    """Return *content* as sent in a POP3 multi-line reply, without the terminator.

    Lines starting with ``.`` get another ``.``; the result ends with CRLF unless empty.
    """
    stuffed = content.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    if stuffed and not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed


@dataclass
class Faults:
    """Faults to inject, read live by every session (a test may change them between sessions).

    * ``greeting_error``: answer the connection with ``-ERR <text>`` and close it.
    * ``drop_after_retr``: on the Nth RETR of a session (1 = the first), send the ``+OK`` line
      and ``drop_after_bytes`` octets of the message, then close the connection abruptly.
    * ``err_on_command``: reply ``-ERR <text>`` instead of executing a command. The key is a
      keyword (``"RETR"``) or a whole command line (``"RETR 2"``), case-insensitive; PASS/AUTH
      match on the keyword only. A refused QUIT in the TRANSACTION state also closes the
      connection without deleting anything (RFC 1939: "-ERR some deleted messages not
      removed").
    * ``stall_on``: on this command (keyword or whole line), stop answering: read and ignore
      input until the client closes or the server stops.
    """

    greeting_error: str | None = None
    drop_after_retr: int | None = None
    drop_after_bytes: int = 0
    err_on_command: dict[str, str] = field(default_factory=dict)
    stall_on: str | None = None

    def error_for(self, keyword: str, line: str) -> str | None:
        """The injected ``-ERR`` text for this command, if any."""
        wanted = {k.upper(): v for k, v in self.err_on_command.items()}
        return wanted.get(line.upper(), wanted.get(keyword))

    def stalls(self, keyword: str, line: str) -> bool:
        """Whether this command should stall the session."""
        if self.stall_on is None:
            return False
        stall = self.stall_on.upper()
        return stall in (keyword, line.upper())


# -- connection plumbing shared with the POP2 server -------------------------------------------


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


# -- POP3 -----------------------------------------------------------------------------------


class _AuthFailedError(Exception):
    def __init__(self, text: str, code: str | None = "AUTH") -> None:
        super().__init__(text)
        self.text = text
        self.code = code


class _CloseSessionError(Exception):
    """End the session now (the reply, if any, has been queued)."""


# A SASL mechanism (server side): a generator yielding challenges, receiving responses,
# returning the authenticated account or raising _AuthFailedError.
_SaslExchange = Generator[bytes, bytes, ServerAccount]

_ALL_SASL = ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2")
_PLAINTEXT_SASL = frozenset({"PLAIN", "LOGIN", "XOAUTH2"})
_SCRAM_HASHES = {"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256"}
_SCRAM_ITERATIONS = 4096

_AUTHORIZATION_COMMANDS = frozenset({"USER", "PASS", "APOP", "AUTH", "CAPA", "STLS", "QUIT"})
_TRANSACTION_COMMANDS = frozenset(
    {"STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA"}
)
_KNOWN_COMMANDS = _AUTHORIZATION_COMMANDS | _TRANSACTION_COMMANDS

_timestamp_lock = threading.Lock()
_last_clock = 0


def _apop_timestamp() -> str:
    """A unique ``<pid.clock@host>`` banner timestamp (RFC 1939 section 7)."""
    global _last_clock
    with _timestamp_lock:
        _last_clock = max(_last_clock + 1, time.time_ns())
        clock = _last_clock
    return f"<{os.getpid()}.{clock}@{_HOSTNAME}>"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class LocalPOP3Server(LocalServerBase):
    """A local POP3 server over in-memory :class:`ServerAccount` mailboxes.

    Capabilities are switched with the keyword arguments. ``sasl`` lists the mechanisms
    offered (``XOAUTH2`` is added when ``xoauth2_tokens`` maps users to bearer tokens).
    ``plaintext_requires_tls`` hides USER, PLAIN, LOGIN and XOAUTH2 until TLS is active (and
    refuses them with ``-ERR [AUTH]``). ``login_delay`` is advertised as ``LOGIN-DELAY n``
    and, unless ``enforce_login_delay`` is false, a login less than n seconds after the
    account's previous one gets ``-ERR [LOGIN-DELAY]``. ``expire`` is advertised as
    ``EXPIRE <value>``; with ``"0"`` the messages retrieved in a session are deleted at QUIT
    even without DELE (RFC 2449 section 6.7). ``capabilities=False`` makes an RFC 1939-only
    server: no CAPA, no response codes, no pipelining.
    """

    _name = "pop3"

    def __init__(
        self,
        accounts: Iterable[ServerAccount],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        implicit_tls: ssl.SSLContext | None = None,
        starttls: ssl.SSLContext | None = None,
        capabilities: bool = True,
        pipelining: bool = True,
        uidl: bool = True,
        top: bool = True,
        apop: bool = True,
        user_command: bool = True,
        sasl: Iterable[str] = ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"),
        xoauth2_tokens: dict[str, str] | None = None,
        plaintext_requires_tls: bool = False,
        login_delay: int | None = None,
        enforce_login_delay: bool = True,
        expire: str | None = None,
        implementation: str = "popgui-localserver",
        idle_timeout: float | None = 600.0,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(host=host, port=port, idle_timeout=idle_timeout)
        self.accounts: dict[str, ServerAccount] = {}
        for account in accounts:
            if account.user in self.accounts:
                raise ValueError(f"duplicate account {account.user!r}")
            self.accounts[account.user] = account
        mechanisms = [m.upper() for m in sasl]
        unknown = set(mechanisms) - set(_ALL_SASL)
        if unknown:
            raise ValueError(f"unsupported SASL mechanisms: {sorted(unknown)}")
        self.xoauth2_tokens = dict(xoauth2_tokens or {})
        if xoauth2_tokens is not None and "XOAUTH2" not in mechanisms:
            mechanisms.append("XOAUTH2")
        self.sasl: tuple[str, ...] = tuple(mechanisms)
        self.implicit_tls = implicit_tls
        self.starttls = starttls
        self.capabilities = capabilities
        self.pipelining = pipelining
        self.uidl = uidl
        self.top = top
        self.apop = apop
        self.user_command = user_command
        self.plaintext_requires_tls = plaintext_requires_tls
        self.login_delay = login_delay
        self.enforce_login_delay = enforce_login_delay
        self.expire = expire
        self.implementation = implementation
        self.faults = faults if faults is not None else Faults()
        self._last_login: dict[str, float] = {}
        self._login_lock = threading.Lock()

    def _serve_connection(self, connection: Connection, session_log: list[str]) -> None:
        _POP3Session(self, connection, session_log, self._stopping).run()

    def _check_login_delay(self, user: str) -> bool:
        """Record a login attempt that passed authentication; False if it comes too soon."""
        with self._login_lock:
            now = time.monotonic()
            last = self._last_login.get(user)
            if (
                self.login_delay is not None
                and self.enforce_login_delay
                and last is not None
                and now - last < self.login_delay
            ):
                return False
            self._last_login[user] = now
            return True


class _POP3Session:
    """One POP3 connection, from greeting to close."""

    def __init__(
        self,
        server: LocalPOP3Server,
        connection: Connection,
        session_log: list[str],
        stopping: threading.Event,
    ) -> None:
        self.server = server
        self.conn = connection
        self.session_log = session_log
        self.stopping = stopping
        self.tls = False
        self.timestamp = _apop_timestamp() if server.apop else None
        self.pending_user: str | None = None
        self.account: ServerAccount | None = None
        self.mailbox: ServerMailbox | None = None
        self.messages: list[ServerMessage] = []
        self.deleted: set[int] = set()
        self.retrieved: set[int] = set()
        self.retr_count = 0
        self.pipelining_ok = server.capabilities and server.pipelining

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        except _CloseSessionError:
            if not self.conn.aborted:
                self.conn.flush()
        except TimeoutError:
            # RFC 1939 section 3: the autologout timer closes without a reply and without
            # entering the UPDATE state.
            self.conn.discard_output()
        finally:
            if self.mailbox is not None:
                self.mailbox.unlock()
                self.mailbox = None

    def _run(self) -> None:
        if self.server.implicit_tls is not None:
            self.conn.start_tls(self.server.implicit_tls)
            self.tls = True
        fault = self.server.faults.greeting_error
        if fault is not None:
            self._err(fault)
            raise _CloseSessionError
        greeting = f"+OK {self.server.implementation} POP3 server ready"
        if self.timestamp is not None:
            greeting += f" {self.timestamp}"
        self._send_line(greeting)
        while True:
            line = self._read_line(MAX_COMMAND_LINE)
            if line is None:
                return
            self._handle_line(line)

    def _read_line(self, limit: int) -> bytes | None:
        try:
            line = self.conn.read_line(limit)
        except LineTooLongError:
            self._err("line too long")
            raise _CloseSessionError from None
        if line is not None and self.conn.inbuf and not self.pipelining_ok:
            self._err("command sent before the previous reply: PIPELINING is not offered")
            raise _CloseSessionError
        return line

    # -- replies ---------------------------------------------------------------------------

    def _send_line(self, text: str) -> None:
        self.conn.write(text.encode("utf-8") + b"\r\n")

    def _ok(self, text: str = "") -> None:
        self._send_line(f"+OK {text}" if text else "+OK")

    def _err(self, text: str, code: str | None = None) -> None:
        if code is not None and self.server.capabilities:
            text = f"[{code}] {text}"
        self._send_line(f"-ERR {text}")

    def _multiline(self, status: str, lines: Iterable[str]) -> None:
        body = "".join(f"{line}\r\n" for line in lines)
        self.conn.write(f"+OK {status}\r\n{body}.\r\n".encode())

    # -- dispatch --------------------------------------------------------------------------

    def _handle_line(self, raw: bytes) -> None:
        pending_user, self.pending_user = self.pending_user, None
        if not raw.endswith(b"\r\n"):
            self._record(raw.rstrip(b"\n").decode("utf-8", "replace"))
            self._err("command lines must end with CRLF")
            return
        try:
            text = raw[:-2].decode("utf-8")
        except UnicodeDecodeError:
            self._record(raw[:-2].decode("utf-8", "replace"))
            self._err("command line is not valid UTF-8")
            return
        keyword, sep, rest = text.partition(" ")
        keyword = keyword.upper()
        masked = self._mask(keyword, text, rest)
        self._record(masked)
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
            self._err("control character in command")
            return
        if keyword not in _KNOWN_COMMANDS or not self._enabled(keyword):
            self._err("unknown command")
            return
        faults = self.server.faults
        if faults.stalls(keyword, masked):
            self.conn.flush()
            self.conn.wait_for_close(self.stopping)
            raise _CloseSessionError
        allowed = _AUTHORIZATION_COMMANDS if self.account is None else _TRANSACTION_COMMANDS
        if keyword not in allowed:
            self._err("command not valid in this state")
            return
        injected = faults.error_for(keyword, masked)
        if injected is not None:
            self._send_line(f"-ERR {injected}")
            if keyword == "QUIT":
                raise _CloseSessionError
            return
        if keyword == "PASS":
            if not sep or not rest:
                self._err("syntax: PASS password")
                return
            self._cmd_pass(pending_user, rest)
            return
        if sep and not rest:
            self._err("syntax error: trailing space")
            return
        args = rest.split(" ") if rest else []
        if "" in args:
            self._err("syntax error: arguments are separated by one space")
            return
        handler: Callable[[list[str]], None] = getattr(self, f"_cmd_{keyword.lower()}")
        handler(args)

    def _enabled(self, keyword: str) -> bool:
        server = self.server
        return {
            "CAPA": server.capabilities,
            "UIDL": server.uidl,
            "TOP": server.top,
            "APOP": server.apop,
            "STLS": server.starttls is not None,
            "AUTH": bool(server.sasl),
            "USER": server.user_command,
            "PASS": server.user_command,
        }.get(keyword, True)

    def _mask(self, keyword: str, text: str, rest: str) -> str:
        if keyword == "PASS":
            return "PASS ****"
        if keyword == "APOP":
            name = rest.split(" ")[0]
            return f"APOP {name} ****"
        if keyword == "AUTH":
            parts = rest.split(" ")
            if len(parts) > 1:
                return f"AUTH {parts[0]} ****"
        return text

    def _record(self, line: str) -> None:
        self.server._record(self.session_log, line)

    # -- AUTHORIZATION ---------------------------------------------------------------------

    def _plaintext_allowed(self) -> bool:
        return self.tls or not self.server.plaintext_requires_tls

    def _cmd_capa(self, args: list[str]) -> None:
        if args:
            self._err("syntax: CAPA")
            return
        self._multiline("Capability list follows", self._capability_lines())

    def _capability_lines(self) -> list[str]:
        server = self.server
        lines: list[str] = []
        if server.top:
            lines.append("TOP")
        if server.uidl:
            lines.append("UIDL")
        if self.account is None:
            if server.user_command and self._plaintext_allowed():
                lines.append("USER")
            mechanisms = self._offered_mechanisms()
            if mechanisms:
                lines.append("SASL " + " ".join(mechanisms))
            if server.starttls is not None and not self.tls:
                lines.append("STLS")
        lines += ["RESP-CODES", "AUTH-RESP-CODE"]
        if server.pipelining:
            lines.append("PIPELINING")
        if server.login_delay is not None:
            lines.append(f"LOGIN-DELAY {server.login_delay}")
        if server.expire is not None:
            lines.append(f"EXPIRE {server.expire}")
        lines.append(f"IMPLEMENTATION {server.implementation}")
        return lines

    def _offered_mechanisms(self) -> list[str]:
        plaintext = self._plaintext_allowed()
        return [m for m in self.server.sasl if plaintext or m not in _PLAINTEXT_SASL]

    def _cmd_stls(self, args: list[str]) -> None:
        context = self.server.starttls
        if args:
            self._err("syntax: STLS")
            return
        if self.tls or context is None:
            self._err("TLS already active" if self.tls else "STLS not available")
            return
        self._ok("Begin TLS negotiation")
        self.conn.flush()
        if self.conn.inbuf:
            # RFC 2595 forbids pipelining after STLS; never execute plaintext injected here.
            self._record(f"(discarded {len(self.conn.inbuf)} octets sent after STLS)")
            self.conn.inbuf.clear()
        try:
            self.conn.start_tls(context)
        except (OSError, ssl.SSLError):
            raise _CloseSessionError from None
        self.tls = True

    def _cmd_user(self, args: list[str]) -> None:
        if len(args) != 1:
            self._err("syntax: USER name")
            return
        if not self._plaintext_allowed():
            self._err("plaintext authentication disallowed without TLS", "AUTH")
            return
        self.pending_user = args[0]
        self._ok("send PASS")

    def _cmd_pass(self, user: str | None, password: str) -> None:
        if user is None:
            self._err("PASS must follow USER")
            return
        account = self.server.accounts.get(user)
        if account is None or not hmac.compare_digest(
            account.password.encode("utf-8"), password.encode("utf-8")
        ):
            self._err("invalid user name or password", "AUTH")
            return
        self._login(account)

    def _cmd_apop(self, args: list[str]) -> None:
        if len(args) != 2:
            self._err("syntax: APOP name digest")
            return
        name, digest = args
        account = self.server.accounts.get(name)
        assert self.timestamp is not None
        if account is not None:
            expected = hashlib.md5(
                (self.timestamp + account.password).encode("utf-8"), usedforsecurity=False
            ).hexdigest()
            if hmac.compare_digest(expected, digest):
                self._login(account)
                return
        self._err("authentication failed", "AUTH")

    def _login(self, account: ServerAccount) -> None:
        mailbox = account.mailbox
        if not mailbox.try_lock():
            self._err("maildrop already locked by another session", "IN-USE")
            return
        if not self.server._check_login_delay(account.user):
            mailbox.unlock()
            self._err("minimum time between logins not elapsed", "LOGIN-DELAY")
            return
        self.account = account
        self.mailbox = mailbox
        self.messages = mailbox.messages()
        self.deleted = set()
        self.retrieved = set()
        count, size = self._totals()
        self._ok(f"maildrop has {count} messages ({size} octets)")

    # -- AUTH (RFC 5034) -------------------------------------------------------------------

    def _cmd_auth(self, args: list[str]) -> None:
        if not args or len(args) > 2:
            self._err("syntax: AUTH mechanism [initial-response]")
            return
        mechanism = args[0].upper()
        if mechanism not in self.server.sasl:
            self._err(f"unsupported mechanism {mechanism}")
            return
        if mechanism not in self._offered_mechanisms():
            self._err("plaintext authentication disallowed without TLS", "AUTH")
            return
        initial: bytes | None = None
        if len(args) == 2:
            if args[1] == "=":
                initial = b""
            else:
                try:
                    initial = base64.b64decode(args[1], validate=True)
                except binascii.Error:
                    self._err("initial response is not valid base64")
                    return
        exchange = self._mechanism(mechanism, initial)
        try:
            account = self._run_exchange(exchange)
        except _AuthFailedError as failure:
            self._err(failure.text, failure.code)
            return
        self._login(account)

    def _run_exchange(self, exchange: _SaslExchange) -> ServerAccount:
        try:
            challenge = next(exchange)
            while True:
                self._send_line("+ " + _b64(challenge))
                line = self._read_line(MAX_AUTH_LINE)
                if line is None:
                    raise _CloseSessionError
                if not line.endswith(b"\r\n"):
                    raise _AuthFailedError("SASL response lines must end with CRLF", None)
                text = line[:-2]
                self._record("" if text in (b"", b"*") else "****")
                if text == b"*":
                    raise _AuthFailedError("authentication cancelled", None)
                try:
                    response = base64.b64decode(text, validate=True)
                except binascii.Error:
                    raise _AuthFailedError("SASL response is not valid base64", None) from None
                challenge = exchange.send(response)
        except StopIteration as done:
            account: ServerAccount = done.value
            return account
        finally:
            exchange.close()

    def _mechanism(self, name: str, initial: bytes | None) -> _SaslExchange:
        if name == "PLAIN":
            return self._sasl_plain(initial)
        if name == "LOGIN":
            return self._sasl_login(initial)
        if name == "CRAM-MD5":
            return self._sasl_cram_md5(initial)
        if name == "XOAUTH2":
            return self._sasl_xoauth2(initial)
        return self._sasl_scram(_SCRAM_HASHES[name], initial)

    def _check_password(self, user: str, password: str) -> ServerAccount:
        account = self.server.accounts.get(user)
        if account is None or not hmac.compare_digest(
            account.password.encode("utf-8"), password.encode("utf-8")
        ):
            raise _AuthFailedError("authentication failed")
        return account

    @staticmethod
    def _utf8(data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise _AuthFailedError("SASL message is not valid UTF-8", None) from None

    def _sasl_plain(self, initial: bytes | None) -> _SaslExchange:
        message = initial if initial is not None else (yield b"")
        parts = self._utf8(message).split("\0")
        if len(parts) != 3:
            raise _AuthFailedError("malformed PLAIN message", None)
        authzid, authcid, password = parts
        if authzid and authzid != authcid:
            raise _AuthFailedError("not authorized to act as another user")
        return self._check_password(authcid, password)

    def _sasl_login(self, initial: bytes | None) -> _SaslExchange:
        user = initial if initial is not None else (yield b"Username:")
        password = yield b"Password:"
        return self._check_password(self._utf8(user), self._utf8(password))

    def _sasl_cram_md5(self, initial: bytes | None) -> _SaslExchange:
        if initial is not None:
            raise _AuthFailedError("CRAM-MD5 takes no initial response", None)
        challenge = f"<{secrets.randbelow(10**10)}.{time.time_ns()}@{_HOSTNAME}>".encode()
        response = self._utf8((yield challenge))
        user, sep, digest = response.rpartition(" ")
        if not sep or not user:
            raise _AuthFailedError("malformed CRAM-MD5 response", None)
        account = self.server.accounts.get(user)
        if account is not None:
            expected = hmac.new(account.password.encode("utf-8"), challenge, "md5").hexdigest()
            if hmac.compare_digest(expected, digest):
                return account
        raise _AuthFailedError("authentication failed")

    def _sasl_scram(self, hash_name: str, initial: bytes | None) -> _SaslExchange:
        client_first = self._utf8(initial if initial is not None else (yield b""))
        authzid, bare = _split_gs2(client_first)
        user, client_nonce = _parse_client_first_bare(bare)
        if authzid and authzid != user:
            raise _AuthFailedError("not authorized to act as another user")
        account = self.server.accounts.get(user)
        if account is None:
            raise _AuthFailedError("authentication failed")
        salt = secrets.token_bytes(16)
        nonce = client_nonce + secrets.token_urlsafe(18)
        server_first = f"r={nonce},s={_b64(salt)},i={_SCRAM_ITERATIONS}"
        client_final = self._utf8((yield server_first.encode()))
        without_proof, sep, proof_b64 = client_final.rpartition(",p=")
        if not sep:
            raise _AuthFailedError("malformed SCRAM client-final message", None)
        gs2_header = client_first[: len(client_first) - len(bare)]
        fields = without_proof.split(",")
        if fields[0] != "c=" + _b64(gs2_header.encode()):
            raise _AuthFailedError("SCRAM channel binding mismatch", None)
        if len(fields) < 2 or fields[1] != "r=" + nonce:
            raise _AuthFailedError("SCRAM nonce mismatch", None)
        try:
            proof = base64.b64decode(proof_b64, validate=True)
        except binascii.Error:
            raise _AuthFailedError("malformed SCRAM proof", None) from None
        salted = hashlib.pbkdf2_hmac(
            hash_name, account.password.encode("utf-8"), salt, _SCRAM_ITERATIONS
        )
        client_key = hmac.digest(salted, b"Client Key", hash_name)
        stored_key = hashlib.new(hash_name, client_key).digest()
        auth_message = f"{bare},{server_first},{without_proof}".encode()
        signature = hmac.digest(stored_key, auth_message, hash_name)
        if len(proof) != len(signature):
            raise _AuthFailedError("authentication failed")
        recovered = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
        if not hmac.compare_digest(hashlib.new(hash_name, recovered).digest(), stored_key):
            raise _AuthFailedError("authentication failed")
        server_key = hmac.digest(salted, b"Server Key", hash_name)
        server_signature = hmac.digest(server_key, auth_message, hash_name)
        final = yield f"v={_b64(server_signature)}".encode()
        if final:
            raise _AuthFailedError("expected an empty response after the server-final message")
        return account

    def _sasl_xoauth2(self, initial: bytes | None) -> _SaslExchange:
        message = self._utf8(initial if initial is not None else (yield b""))
        user = token = None
        if message.endswith("\x01\x01"):
            for part in message[:-2].split("\x01"):
                key, _, value = part.partition("=")
                if key == "user":
                    user = value
                elif key == "auth" and value.startswith("Bearer "):
                    token = value[len("Bearer ") :]
        account = self.server.accounts.get(user) if user is not None else None
        expected = self.server.xoauth2_tokens.get(user) if user is not None else None
        if (
            account is not None
            and expected is not None
            and token is not None
            and hmac.compare_digest(expected.encode("utf-8"), token.encode("utf-8"))
        ):
            return account
        error = {"status": "401", "schemes": "Bearer", "scope": "https://mail.example.com/"}
        yield json.dumps(error).encode()
        raise _AuthFailedError("authentication failed")

    # -- TRANSACTION -----------------------------------------------------------------------

    def _totals(self) -> tuple[int, int]:
        live = [m for i, m in enumerate(self.messages) if i not in self.deleted]
        return len(live), sum(m.size for m in live)

    def _message_index(self, arg: str) -> int | None:
        """The 0-based index of message *arg*, or None after replying -ERR."""
        if not (arg.isascii() and arg.isdigit()):
            self._err(f"invalid message number {arg!r}")
            return None
        number = int(arg)
        if not 1 <= number <= len(self.messages):
            self._err(f"no such message {number}")
            return None
        if number - 1 in self.deleted:
            self._err(f"message {number} already deleted")
            return None
        return number - 1

    def _cmd_stat(self, args: list[str]) -> None:
        if args:
            self._err("syntax: STAT")
            return
        count, size = self._totals()
        self._ok(f"{count} {size}")

    def _cmd_list(self, args: list[str]) -> None:
        self._listing(args, "LIST", lambda m: str(m.size))

    def _cmd_uidl(self, args: list[str]) -> None:
        self._listing(args, "UIDL", lambda m: m.uid)

    def _listing(self, args: list[str], name: str, value: Callable[[ServerMessage], str]) -> None:
        if len(args) > 1:
            self._err(f"syntax: {name} [msg]")
            return
        if args:
            index = self._message_index(args[0])
            if index is not None:
                self._ok(f"{index + 1} {value(self.messages[index])}")
            return
        count, size = self._totals()
        lines = (
            f"{i + 1} {value(m)}" for i, m in enumerate(self.messages) if i not in self.deleted
        )
        status = f"{count} messages ({size} octets)" if name == "LIST" else "unique-id listing"
        self._multiline(status, lines)

    def _cmd_retr(self, args: list[str]) -> None:
        if len(args) != 1:
            self._err("syntax: RETR msg")
            return
        index = self._message_index(args[0])
        if index is None:
            return
        message = self.messages[index]
        self.retr_count += 1
        self.retrieved.add(index)
        status = f"+OK {message.size} octets\r\n".encode()
        faults = self.server.faults
        if faults.drop_after_retr is not None and faults.drop_after_retr == self.retr_count:
            self.conn.write(status)
            self.conn.write(dot_stuff(message.content)[: max(0, faults.drop_after_bytes)])
            self.conn.flush()
            self._record(f"(dropped the connection during RETR {index + 1})")
            self.conn.abort()
            raise _CloseSessionError
        self.conn.write(status)
        self.conn.write(dot_stuff(message.content))
        self.conn.write(b".\r\n")

    def _cmd_top(self, args: list[str]) -> None:
        if len(args) != 2 or not (args[1].isascii() and args[1].isdigit()):
            self._err("syntax: TOP msg n")
            return
        index = self._message_index(args[0])
        if index is None:
            return
        content = self.messages[index].content
        lines = int(args[1])
        if content.startswith(b"\r\n"):
            head_end = 2
        else:
            found = content.find(b"\r\n\r\n")
            head_end = len(content) if found < 0 else found + 4
        head, body = content[:head_end], content[head_end:]
        if lines == 0:
            body = b""
        else:
            parts = body.split(b"\r\n", lines)
            if len(parts) > lines:
                body = b"\r\n".join(parts[:lines]) + b"\r\n"
        self.conn.write(b"+OK top of message follows\r\n")
        self.conn.write(dot_stuff(head + body))
        self.conn.write(b".\r\n")

    def _cmd_dele(self, args: list[str]) -> None:
        if len(args) != 1:
            self._err("syntax: DELE msg")
            return
        index = self._message_index(args[0])
        if index is None:
            return
        self.deleted.add(index)
        self._ok(f"message {index + 1} deleted")

    def _cmd_noop(self, args: list[str]) -> None:
        if args:
            self._err("syntax: NOOP")
            return
        self._ok()

    def _cmd_rset(self, args: list[str]) -> None:
        if args:
            self._err("syntax: RSET")
            return
        self.deleted = set()
        count, size = self._totals()
        self._ok(f"maildrop has {count} messages ({size} octets)")

    def _cmd_quit(self, args: list[str]) -> None:
        if args:
            self._err("syntax: QUIT")
            return
        if self.mailbox is None:
            self._ok(f"{self.server.implementation} signing off")
            raise _CloseSessionError
        # UPDATE state
        doomed = set(self.deleted)
        if self.server.expire == "0":
            doomed |= self.retrieved
        self.mailbox.remove(self.messages[i] for i in doomed)
        left = len(self.mailbox)
        self.mailbox.unlock()
        self.mailbox = None
        self._ok(f"{self.server.implementation} signing off ({left} messages left)")
        raise _CloseSessionError


# -- SCRAM parsing helpers ------------------------------------------------------------------


def _split_gs2(client_first: str) -> tuple[str, str]:
    """Split a SCRAM client-first message into (authzid, client-first-bare)."""
    parts = client_first.split(",", 2)
    if len(parts) != 3:
        raise _AuthFailedError("malformed SCRAM client-first message", None)
    flag, authz, bare = parts
    if flag not in ("n", "y") and not flag.startswith("p="):
        raise _AuthFailedError("malformed SCRAM GS2 header", None)
    if flag.startswith("p="):
        raise _AuthFailedError("channel binding is not supported", None)
    authzid = ""
    if authz:
        if not authz.startswith("a="):
            raise _AuthFailedError("malformed SCRAM GS2 header", None)
        authzid = _scram_unescape(authz[2:])
    return authzid, bare


def _parse_client_first_bare(bare: str) -> tuple[str, str]:
    fields = bare.split(",")
    if fields[0].startswith("m="):
        raise _AuthFailedError("SCRAM extensions are not supported", None)
    if len(fields) < 2 or not fields[0].startswith("n=") or not fields[1].startswith("r="):
        raise _AuthFailedError("malformed SCRAM client-first message", None)
    nonce = fields[1][2:]
    if not nonce or any(not 0x21 <= ord(c) <= 0x7E or c == "," for c in nonce):
        raise _AuthFailedError("malformed SCRAM nonce", None)
    return _scram_unescape(fields[0][2:]), nonce


def _scram_unescape(name: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(name):
        char = name[i]
        if char == "=":
            escape = name[i : i + 3]
            if escape == "=2C":
                out.append(",")
            elif escape == "=3D":
                out.append("=")
            else:
                raise _AuthFailedError("malformed SCRAM user name", None)
            i += 3
        else:
            out.append(char)
            i += 1
    return "".join(out)
