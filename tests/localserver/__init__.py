"""Tests of popgui.localserver, and their helpers: a tiny raw-socket client and a
self-signed certificate.

Deliberately independent of popgui's own client code.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class RawClient:
    """Send bytes, read lines / exact counts / multi-line replies, with a timeout."""

    def __init__(self, address: tuple[str, int], timeout: float = 5.0) -> None:
        self.sock: socket.socket = socket.create_connection(address, timeout=timeout)
        self.buf = bytearray()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def line(self) -> bytes:
        """One reply line without its CRLF; raises EOFError at end of input."""
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[: end + 2]
                return line
            if not self._fill():
                raise EOFError(bytes(self.buf))

    def exact(self, count: int) -> bytes:
        while len(self.buf) < count:
            if not self._fill():
                raise EOFError(bytes(self.buf))
        data = bytes(self.buf[:count])
        del self.buf[:count]
        return data

    def multiline_body(self) -> bytes:
        """The payload of a multi-line reply (status line already read), dot-unstuffed."""
        while True:
            if self.buf.startswith(b".\r\n"):
                del self.buf[:3]
                return b""
            end = self.buf.find(b"\r\n.\r\n")
            if end >= 0:
                raw = bytes(self.buf[: end + 2])
                del self.buf[: end + 5]
                unstuffed = raw.replace(b"\r\n..", b"\r\n.")
                if unstuffed.startswith(b".."):
                    unstuffed = unstuffed[1:]
                return unstuffed
            if not self._fill():
                raise EOFError(bytes(self.buf))

    def cmd(self, text: str) -> str:
        self.send(text.encode() + b"\r\n")
        return self.line().decode()

    def at_eof(self) -> bool:
        """True if the server closed the connection (and sent nothing more)."""
        if self.buf:
            return False
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def start_tls(self, context: ssl.SSLContext, hostname: str = "localhost") -> None:
        assert not self.buf
        self.sock = context.wrap_socket(self.sock, server_hostname=hostname)


def make_self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed localhost certificate and key made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-days", "2", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
