"""A scripted hostile POP3 / POP2 server on loopback, for the hostile-server harness.

A :class:`Script` says what the server does: its greeting, the messages it serves, and
*overrides* for any command (``"RETR"``, ``"UIDL"``, ``"ACKS"``...). Without an override a
command gets a well-formed answer, so a script only spells out the one thing that is wrong.
A reply is an iterable of byte chunks, sent as it is produced (so a 300 MB message streams
from a generator), or one of :data:`CLOSE` / :data:`SILENCE`.

Every command the client sends is recorded in :attr:`HostileServer.commands`, and every
deletion (POP3 ``DELE n``, POP2 ``ACKD`` of the current message) in
:attr:`HostileServer.deleted` as the message's index, so the harness can check that nothing
was deleted that is not stored. The server is bounded: connections close after ``lifetime``
seconds and :meth:`HostileServer.stop` ends everything within a second.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

Protocol = Literal["pop3", "pop2"]


class Action(enum.Enum):
    """A reply that is not bytes: hang up now, or say nothing more (until the client leaves)."""

    CLOSE = "close"
    SILENCE = "silence"


CLOSE = Action.CLOSE
SILENCE = Action.SILENCE
Reply = Iterable[bytes] | Action

_LINE_LIMIT = 4096
_POLL = 0.2


# -- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message as the server sends it (CRLF line ends), produced in chunks on demand.

    ``blocks`` yields whole lines (a block never ends inside a line), so POP3 dot-stuffing can
    work block by block. ``size`` is the octet count as sent.
    """

    blocks: Callable[[], Iterator[bytes]]
    size: int

    @classmethod
    def of(cls, content: bytes) -> Message:
        return cls(lambda: iter((content,)), len(content))

    def stored_digest(self) -> str:
        """SHA-256 of the message as a Maildir stores it (CRLF turned into LF)."""
        digest = hashlib.sha256()
        pending_cr = b""
        for block in self.blocks():
            block = pending_cr + block
            pending_cr = b"\r" if block.endswith(b"\r") else b""
            digest.update((block[:-1] if pending_cr else block).replace(b"\r\n", b"\n"))
        digest.update(pending_cr)
        return digest.hexdigest()


def huge_message(size: int, seed: int = 0) -> Message:
    """A message of about ``size`` octets made of 76-character lines, never held in memory."""
    header = b"From: big@example.org\r\nSubject: a very large message\r\n\r\n"
    line = bytes(65 + (i + seed) % 26 for i in range(76)) + b"\r\n"
    block = line * 4096
    count = max(1, (size - len(header)) // len(block))

    def blocks() -> Iterator[bytes]:
        yield header
        for _ in range(count):
            yield block

    return Message(blocks, len(header) + count * len(block))


def stuffed(message: Message, *, terminator: bytes = b".\r\n") -> Iterator[bytes]:
    """The message as a POP3 multi-line body: dot-stuffed, then the terminator line."""
    ends_with_newline = True
    for block in message.blocks():
        if not block:
            continue
        out = block.replace(b"\n.", b"\n..")
        if ends_with_newline and out.startswith(b"."):
            out = b"." + out
        ends_with_newline = out.endswith(b"\n")
        yield out
    if not ends_with_newline:
        yield b"\r\n"
    if terminator:
        yield terminator


# -- scripts ----------------------------------------------------------------------------------


@dataclass
class Session:
    """One client connection's state, handed to overrides."""

    script: Script
    current: int = 1  # POP2: the current message
    retrieved: int = 0  # how many RETR so far in this session
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def messages(self) -> tuple[Message, ...]:
        return self.script.messages


Override = Callable[[Session, list[str]], Reply]


@dataclass(frozen=True)
class Script:
    """What the hostile server does; unspecified commands get well-formed answers."""

    protocol: Protocol
    messages: tuple[Message, ...] = ()
    greeting: Reply | None = None
    overrides: Mapping[str, Override] = field(default_factory=dict)
    uidls: tuple[str, ...] | None = None
    capabilities: tuple[bytes, ...] = (b"USER", b"UIDL", b"TOP", b"PIPELINING")
    eol: bytes = b"\r\n"

    def uid(self, index: int) -> str:
        return self.uidls[index] if self.uidls is not None else f"uid-{index + 1}"


# -- well-formed answers ----------------------------------------------------------------------


def _pop3_default(session: Session, command: str, args: list[str]) -> Reply:
    script, eol = session.script, session.script.eol
    messages = session.messages
    if command == "CAPA":
        return [b"+OK capabilities" + eol, *(c + eol for c in script.capabilities), b"." + eol]
    if command == "STAT":
        return [b"+OK %d %d" % (len(messages), sum(m.size for m in messages)) + eol]
    if command == "LIST" and not args:
        lines = [b"%d %d" % (i + 1, m.size) + eol for i, m in enumerate(messages)]
        return [b"+OK listing" + eol, *lines, b"." + eol]
    if command == "UIDL" and not args:
        lines = [b"%d %s" % (i + 1, script.uid(i).encode()) + eol for i in range(len(messages))]
        return [b"+OK unique ids" + eol, *lines, b"." + eol]
    if command in ("RETR", "TOP") and args and _index(args[0], messages) is not None:
        session.retrieved += 1
        message = messages[int(args[0]) - 1]
        return _chain([b"+OK message follows" + eol], stuffed(message, terminator=b"." + eol))
    if command in ("RETR", "TOP", "DELE", "LIST", "UIDL"):
        return [b"-ERR no such message" + eol]
    if command == "AUTH":
        return [b"-ERR no SASL here" + eol]
    if command == "QUIT":
        return _chain([b"+OK bye" + eol], CLOSE)
    return [b"+OK" + eol]


def _pop2_default(session: Session, command: str, args: list[str]) -> Reply:
    messages = session.messages
    if command in ("HELO", "FOLD"):
        session.current = 1
        return [b"#%d\r\n" % len(messages)]
    if command == "READ":
        if args and args[0].isdigit():
            session.current = int(args[0])
        return [_pop2_length(session)]
    if command == "RETR":
        session.retrieved += 1
        return messages[session.current - 1].blocks()
    if command in ("ACKS", "ACKD"):
        session.current += 1
        return [_pop2_length(session)]
    if command == "NACK":
        return [_pop2_length(session)]
    if command == "QUIT":
        return _chain([b"+ bye\r\n"], CLOSE)
    return _chain([b"- what?\r\n"], CLOSE)


def _pop2_length(session: Session) -> bytes:
    index = session.current - 1
    size = session.messages[index].size if 0 <= index < len(session.messages) else 0
    return b"=%d\r\n" % size


def _index(arg: str, messages: tuple[Message, ...]) -> int | None:
    if not arg.isdigit() or not 1 <= int(arg) <= len(messages):
        return None
    return int(arg) - 1


class _Chained:
    """Chunks followed by an action (what ``_chain`` returns)."""

    def __init__(self, chunks: Iterable[bytes], then: Action | None) -> None:
        self.chunks = chunks
        self.then = then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)


def _chain(first: Iterable[bytes], rest: Iterable[bytes] | Action) -> _Chained:
    """``first`` then ``rest`` (more chunks, or an action to take once they are sent)."""
    if isinstance(rest, Action):
        return _Chained(first, rest)

    def both() -> Iterator[bytes]:
        yield from first
        yield from rest

    return _Chained(both(), None)


def then(chunks: Iterable[bytes], action: Action) -> Reply:
    """Send ``chunks``, then hang up (CLOSE) or fall silent (SILENCE)."""
    return _Chained(chunks, action)


# -- the server -------------------------------------------------------------------------------


class _Hangup(Exception):
    """The session is over (the script said so, or the client left)."""


class HostileServer:
    """Serve ``script`` to every connection on a free loopback port (see the module doc)."""

    def __init__(self, script: Script, *, lifetime: float = 600.0) -> None:
        self.script = script
        self.commands: list[str] = []
        self.deleted: list[int] = []  # message indexes (0-based) the client deleted
        self.errors: list[str] = []  # exceptions raised by the script itself
        self._lifetime = lifetime
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def start(self) -> Self:
        self._accepter.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            clients = list(self._clients)
        for sock in clients:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in [self._accepter, *self._threads]:
            thread.join(timeout=2)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _over(self) -> bool:
        return self._stopping.is_set() or time.monotonic() - self._started > self._lifetime

    def _accept_loop(self) -> None:
        while not self._over():
            try:
                sock, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._clients.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(_POLL)
        session = Session(self.script)
        reader = _LineReader(sock, self._over)
        try:
            self._send(sock, self._greeting())
            while (line := reader.line()) is not None:
                self._send(sock, self._answer(session, line))
        except (_Hangup, OSError):
            pass
        except Exception as error:  # a bug in a script: record it, the harness reports it
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _greeting(self) -> Reply:
        if self.script.greeting is not None:
            return self.script.greeting
        if self.script.protocol == "pop2":
            return [b"+ POP2 hostile.example server ready\r\n"]
        return [b"+OK hostile server ready" + self.script.eol]

    def _answer(self, session: Session, line: bytes) -> Reply:
        text = line.rstrip(b"\r\n").decode("utf-8", "replace")
        self.commands.append(text)
        words = text.split(" ")
        command, args = words[0].upper(), [w for w in words[1:] if w]
        self._note_deletion(session, command, args)
        override = self.script.overrides.get(command)
        if override is not None:
            return override(session, args)
        if self.script.protocol == "pop2":
            return _pop2_default(session, command, args)
        return _pop3_default(session, command, args)

    def _note_deletion(self, session: Session, command: str, args: list[str]) -> None:
        if command == "DELE" and args and args[0].isdigit():
            self.deleted.append(int(args[0]) - 1)
        elif command == "ACKD" and self.script.protocol == "pop2":
            self.deleted.append(session.current - 1)

    def _send(self, sock: socket.socket, reply: Reply) -> None:
        action = reply if isinstance(reply, Action) else getattr(reply, "then", None)
        if not isinstance(reply, Action):
            for chunk in reply:
                self._sendall(sock, chunk)
        if action is CLOSE:
            raise _Hangup
        if action is SILENCE:
            _LineReader(sock, self._over).drain()
            raise _Hangup

    def _sendall(self, sock: socket.socket, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._over():
                raise _Hangup
            try:
                sent = sock.send(view)
            except TimeoutError:
                continue
            view = view[sent:]


class _LineReader:
    """Command lines from the client, with a poll so the server can stop."""

    def __init__(self, sock: socket.socket, over: Callable[[], bool]) -> None:
        self._sock = sock
        self._over = over
        self._buffer = bytearray()

    def line(self) -> bytes | None:
        while (end := self._buffer.find(b"\n")) < 0:
            if len(self._buffer) > _LINE_LIMIT:
                return None
            data = self._recv()
            if not data:
                return None
            self._buffer += data
        line = bytes(self._buffer[: end + 1])
        del self._buffer[: end + 1]
        return line

    def drain(self) -> None:
        """Read and ignore everything until the client closes (or the server stops)."""
        while self._recv():
            pass

    def _recv(self) -> bytes:
        while not self._over():
            try:
                return self._sock.recv(65536)
            except TimeoutError:
                continue
        return b""


def trickle(
    data: bytes, interval: float, over: Callable[[], bool] | None = None
) -> Iterator[bytes]:
    """``data`` one octet at a time, ``interval`` seconds apart."""
    for index in range(len(data)):
        if index:
            time.sleep(interval)
        if over is not None and over():
            return
        yield data[index : index + 1]


def endless(prefix: bytes, filler: bytes, limit: int) -> Iterator[bytes]:
    """``prefix`` then ``filler`` repeated up to ``limit`` octets: a line that never ends."""
    yield prefix
    sent = len(prefix)
    while sent < limit:
        yield filler
        sent += len(filler)
