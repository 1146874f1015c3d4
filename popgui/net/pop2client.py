"""A blocking POP2 (RFC 937) client: drives the sans-IO core over a transport.

POP2 has one reply per command and no pipelining. After any ``-`` reply the server closes the
connection (RFC 937 action 1), so every refusal ends the session.
"""

from __future__ import annotations

from collections.abc import Callable

from popgui.catalog import protocol as says
from popgui.errors import CredentialsError, RemoteProtocolError, ServerError
from popgui.net.transport import Trace, Transport
from popgui.protocol import pop2


class POP2Client:
    """One POP2 session over one transport."""

    def __init__(self, transport: Transport, *, trace: Trace | None = None) -> None:
        self._transport = transport
        self._core = pop2.POP2Connection()
        self._trace = trace
        self.greeting: pop2.Greeting | None = None

    def _send(self, command: str, *args: str, shown: str | None = None) -> None:
        data = self._core.send(command, *args)
        if self._trace is not None:
            self._trace("C: " + (shown or data.decode("utf-8", "replace").rstrip()))
        self._transport.send(data)

    def _next_event(self) -> pop2.Event:
        while True:
            event = self._core.next_event()
            if event is not pop2.NEED_DATA:
                assert not isinstance(event, type)
                if self._trace is not None and not isinstance(event, pop2.MessageData):
                    self._trace(f"S: {event}")
                return event
            self._core.receive_data(self._transport.recv())

    def _reply(self, command: str) -> pop2.Event:
        event = self._next_event()
        if isinstance(event, pop2.Err):
            raise ServerError(event.text, command=command)  # no text: "no reason given"
        return event

    def _expect_count(self, command: str) -> int:
        event = self._reply(command)
        if not isinstance(event, pop2.Count):
            raise RemoteProtocolError(says.UNEXPECTED_REPLY(command=command, reply=str(event)))
        return event.count

    def _expect_length(self, command: str) -> int:
        event = self._reply(command)
        if not isinstance(event, pop2.Length):
            raise RemoteProtocolError(says.UNEXPECTED_REPLY(command=command, reply=str(event)))
        return event.length

    def read_greeting(self) -> pop2.Greeting:
        event = self._reply("connect")
        if not isinstance(event, pop2.Greeting):
            raise RemoteProtocolError(says.NO_GREETING(reply=str(event)))
        self.greeting = event
        return event

    def helo(self, user: str, password: str) -> int:
        """Log in and select the default mailbox; returns its message count."""
        self._send("HELO", user, password, shown=f"HELO {user} ********")
        try:
            return self._expect_count("HELO")
        except ServerError as error:
            reply = error.text or says.NO_REASON()
            refused = says.LOGIN_REFUSED(reply=reply, check=says.CHECK_PASSWORD())
            raise CredentialsError(refused) from error

    def fold(self, mailbox: str) -> int:
        self._send("FOLD", mailbox)
        return self._expect_count("FOLD")

    def read(self, number: int | None = None) -> int:
        """Make ``number`` current (or keep the current one); returns its length, 0 if none."""
        if number is None:
            self._send("READ")
        else:
            self._send("READ", str(number))
        return self._expect_length("READ")

    def retrieve(self, on_data: Callable[[bytes], None]) -> None:
        """RETR the current message: exactly the announced number of octets."""
        self._send("RETR")
        event = self._reply("RETR")
        if not isinstance(event, pop2.MessageStart):
            raise RemoteProtocolError(says.UNEXPECTED_REPLY(command="RETR", reply=str(event)))
        while True:
            event = self._next_event()
            if isinstance(event, pop2.MessageData):
                on_data(event.data)
            elif isinstance(event, pop2.MessageEnd):
                self._check_nothing_follows()
                return
            else:
                raise RemoteProtocolError(says.UNEXPECTED_IN_MESSAGE(event=str(event)))

    def _check_nothing_follows(self) -> None:
        """Refuse octets already received beyond the announced length.

        POP2 allows nothing between a message's last octet and our next command, so such
        octets mean the ``=n`` count was short and the message is cut: it must not be kept.
        """
        try:
            event = self._core.next_event()
        except RemoteProtocolError as error:
            raise RemoteProtocolError(says.TOO_MANY_OCTETS()) from error
        if event is not pop2.NEED_DATA:
            raise RemoteProtocolError(says.CLOSED_AFTER_MESSAGE())

    def acknowledge(self, command: str) -> int:
        """ACKS (keep), ACKD (delete) or NACK; returns the length of the next current message."""
        self._send(command)
        return self._expect_length(command)

    def quit(self) -> bool:
        self._send("QUIT")
        try:
            event = self._reply("QUIT")
        except ServerError:
            return False
        return isinstance(event, pop2.Ok)

    def close(self) -> None:
        self._transport.close()
