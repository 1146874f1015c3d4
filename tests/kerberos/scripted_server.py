"""A small POP3 server of the tests' own that accepts Kerberos (SASL GSSAPI, RFC 4752) with a
real acceptor context from the realm's keytab, and can misbehave in the two ways a client
must catch: a garbled AP-REP (the server does not prove who it is), and a security-layer offer
without the "no layer" bit. It records the client's final message, unwrapped.

One connection at a time, on 127.0.0.1, in a daemon thread; after a login it serves an empty
mailbox (STAT, UIDL, LIST, QUIT).
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

Mode = Literal["honest", "garbled-ap-rep", "no-layer-bit"]

#: The layers the honest server offers: only "no security layer" (0x01), maximum size 0.
HONEST_OFFER = bytes([0x01, 0, 0, 0])
#: Integrity only (0x02), 64 KiB: a client that wants no layer cannot accept it.
INTEGRITY_ONLY_OFFER = bytes([0x02, 0x01, 0x00, 0x00])


class ScriptedGssapiServer:
    def __init__(self, keytab: Path, mode: Mode, host: str = "localhost") -> None:
        import gssapi

        self._gssapi: Any = gssapi
        self.mode = mode
        service = gssapi.Name(f"pop@{host}", gssapi.NameType.hostbased_service)
        self._credentials = gssapi.Credentials(
            name=service, usage="accept", store={b"keytab": str(keytab).encode()}
        )
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        #: What the client wrapped as its last SASL message (None until it sends one).
        self.final_message: bytes | None = None
        #: Who the acceptor context says the client is (``alice@POPGUI.TEST``).
        self.initiator = ""
        #: Every line the client sent, decoded.
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        # close() alone leaves a thread blocked in accept(); shutdown() wakes it (Linux).
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(10)

    # -- the dialogue -----------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return  # closed by stop()
            with connection, connection.makefile("rwb", buffering=0) as stream:
                connection.settimeout(20)
                # The client may hang up at any point: it is its reaction that is tested.
                with contextlib.suppress(OSError, ValueError):
                    self._session(stream)

    def _session(self, stream: Any) -> None:
        send(stream, "+OK scripted Kerberos POP3 server ready")
        logged_in = False
        while (line := self._read(stream)) is not None:
            command, _, argument = line.partition(" ")
            command = command.upper()
            if command == "CAPA":
                send(stream, "+OK", "USER", "UIDL", "SASL GSSAPI", ".")
            elif command == "AUTH" and argument.upper().startswith("GSSAPI") and not logged_in:
                logged_in = self._authenticate(stream, argument.partition(" ")[2])
            elif command == "QUIT":
                send(stream, "+OK bye")
                return
            elif logged_in and command == "STAT":
                send(stream, "+OK 0 0")
            elif logged_in and command in ("UIDL", "LIST"):
                send(stream, "+OK", ".")
            else:
                send(stream, "-ERR not here")

    def _authenticate(self, stream: Any, initial: str) -> bool:
        gssapi = self._gssapi
        if not initial:
            send(stream, "+ ")
            initial = self._read(stream) or "*"
        if initial == "*":
            send(stream, "-ERR cancelled")
            return False
        context = gssapi.SecurityContext(creds=self._credentials, usage="accept")
        ap_rep = bytes(context.step(base64.b64decode(initial)) or b"")
        self.initiator = str(context.initiator_name)
        if self.mode == "garbled-ap-rep":
            ap_rep = ap_rep[:-8] + bytes(b ^ 0x5A for b in ap_rep[-8:])
        if not self._challenge(stream, ap_rep):
            return False
        offer = INTEGRITY_ONLY_OFFER if self.mode == "no-layer-bit" else HONEST_OFFER
        wrapped = bytes(context.wrap(offer, False).message)
        answer = self._challenge_answer(stream, wrapped)
        if answer is None:
            return False
        self.final_message = bytes(context.unwrap(answer).message)
        send(stream, "+OK signed in with Kerberos")
        return True

    def _challenge(self, stream: Any, data: bytes) -> bool:
        """Send a challenge; True when the client answered with an empty response."""
        return self._challenge_answer(stream, data) == b""

    def _challenge_answer(self, stream: Any, data: bytes) -> bytes | None:
        send(stream, "+ " + base64.b64encode(data).decode())
        answer = self._read(stream)
        if answer is None or answer == "*":
            if answer == "*":
                send(stream, "-ERR cancelled")
            return None
        return base64.b64decode(answer)

    def _read(self, stream: Any) -> str | None:
        raw = stream.readline()
        if not raw:
            return None
        line = raw.decode("ascii").rstrip("\r\n")
        self.lines.append(line)
        return line


def send(stream: Any, *lines: str) -> None:
    stream.write("".join(line + "\r\n" for line in lines).encode("ascii"))


@contextlib.contextmanager
def scripted_server(keytab: Path, mode: Mode) -> Iterator[ScriptedGssapiServer]:
    server = ScriptedGssapiServer(keytab, mode)
    server.start()
    try:
        yield server
    finally:
        server.stop()
