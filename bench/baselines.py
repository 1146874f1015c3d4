"""Two reference clients, each run as ``python -m bench.baselines MODE ...`` in a fresh process.

- ``poplib``: the naive loop most scripts write: USER/PASS, UIDL, then for each new message
  ``RETR`` (poplib holds the whole message as a list of lines), write it to ``tmp/``, fsync,
  rename into ``new/``. A text file of seen UIDLs makes a re-sync fetch nothing.
- ``imaplib``: the loop a script writes to move POP mail into an IMAP mailbox: the poplib
  loop above, each message then APPENDed with imaplib (one round trip each, no pipelining).
- ``raw``: the floor. One socket, every RETR sent at once by a second thread, replies read in
  large blocks and only counted (the ``CRLF . CRLF`` terminators); nothing is written. With
  ``--list-only`` it sends just UIDL: the bare cost of a no-op check.
"""

from __future__ import annotations

import argparse
import itertools
import os
import poplib
import socket
import sys
import threading
from pathlib import Path

TERMINATOR = b"\r\n.\r\n"
RECV_SIZE = 1 << 20


# -- the poplib loop ---------------------------------------------------------------------------


class NaiveMaildir:
    """tmp → fsync → new, one file per message (no directory fsync: the naive way)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._serial = itertools.count()

    def deliver(self, content: bytes) -> None:
        name = f"{os.getpid()}.{next(self._serial)}.poplib"
        temporary = self.path / "tmp" / name
        with temporary.open("wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, self.path / "new" / name)


def read_seen(state: Path) -> set[str]:
    return set(state.read_text("ascii").split()) if state.exists() else set()


def poplib_sync(args: argparse.Namespace) -> int:
    """Download every message whose UIDL the state file does not list; returns the count."""
    seen = read_seen(args.state)
    maildir = NaiveMaildir(args.maildir)
    client = poplib.POP3(args.host, args.port, timeout=600)
    client.user(args.user)
    client.pass_(args.password)
    fetched = 0
    for line in client.uidl()[1]:
        number, uid = line.decode("ascii").split()
        if uid in seen:
            continue
        lines = client.retr(int(number))[1]
        maildir.deliver(b"\n".join(lines) + b"\n")
        seen.add(uid)
        fetched += 1
    client.quit()
    args.state.write_text("\n".join(sorted(seen)) + "\n", "ascii")
    return fetched


def imaplib_sync(args: argparse.Namespace) -> int:
    """Download every message and APPEND it to the IMAP folder; returns the count."""
    import imaplib
    import time

    pop = poplib.POP3(args.host, args.port, timeout=600)
    pop.user(args.user)
    pop.pass_(args.password)
    imap = imaplib.IMAP4(args.host, args.imap_port, timeout=600)
    imap.login(args.imap_user, args.password)
    fetched = 0
    for line in pop.uidl()[1]:
        number = int(line.split()[0])
        content = b"\r\n".join(pop.retr(number)[1]) + b"\r\n"
        moment = imaplib.Time2Internaldate(time.time())
        status, _ = imap.append("INBOX", "", moment, content)
        if status != "OK":
            raise ConnectionError(f"APPEND answered {status}")
        fetched += 1
    imap.logout()
    pop.quit()
    return fetched


# -- the raw pipelined floor -----------------------------------------------------------------


class LineReader:
    """Status lines from a socket, keeping whatever arrived after the last line."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        if not line.startswith(b"+OK"):
            raise ConnectionError(f"the server said {line!r}")
        return line

    def command(self, text: str) -> bytes:
        self.sock.sendall(text.encode("ascii") + b"\r\n")
        return self.line()


def count_terminators(sock: socket.socket, wanted: int, already: bytes) -> int:
    """Read until ``wanted`` multi-line replies have ended; returns the bytes read."""
    buffer = bytearray(RECV_SIZE)
    view = memoryview(buffer)
    tail, seen, total = b"", 0, len(already)
    data = already
    while True:
        joined = tail + data
        seen += joined.count(TERMINATOR)
        if seen >= wanted:
            return total
        tail = joined[-4:]
        size = sock.recv_into(view)
        if not size:
            raise ConnectionError(f"connection closed after {seen} of {wanted} replies")
        total += size
        data = bytes(view[:size])


def send_all(sock: socket.socket, commands: bytes) -> None:
    sock.sendall(commands)


def raw_fetch(args: argparse.Namespace) -> int:
    """Log in, pipeline every RETR (or one UIDL), count the replies; returns the count."""
    sock = socket.create_connection((args.host, args.port), timeout=600)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = LineReader(sock)
    reader.line()  # greeting
    reader.command(f"USER {args.user}")
    reader.command(f"PASS {args.password}")
    count = int(reader.command("STAT").split()[1])
    if args.list_only:
        commands, wanted = b"UIDL\r\n", 1
    else:
        commands = b"".join(b"RETR %d\r\n" % n for n in range(1, count + 1))
        wanted = count
    sender = threading.Thread(target=send_all, args=(sock, commands + b"QUIT\r\n"))
    sender.start()
    count_terminators(sock, wanted, reader.buffer)
    sender.join()
    sock.close()
    return 0 if args.list_only else count


# -- command line ----------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.baselines")
    parser.add_argument("mode", choices=("poplib", "imaplib", "raw"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--maildir", type=Path, help="poplib: where to deliver")
    parser.add_argument("--state", type=Path, help="poplib: the file of seen UIDLs")
    parser.add_argument("--list-only", action="store_true", help="raw: UIDL only")
    parser.add_argument("--imap-port", type=int, help="imaplib: the IMAP server's port")
    parser.add_argument("--imap-user", help="imaplib: the IMAP mailbox's user")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    modes = {"poplib": poplib_sync, "imaplib": imaplib_sync, "raw": raw_fetch}
    count = modes[args.mode](args)
    print(count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
