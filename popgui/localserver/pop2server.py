"""A strict local POP2 server (RFC 937), following the project's digest.

See ``shared/ref/pop2-rfc937.md``: the state table (AUTH, MBOX, ITEM, NEXT), the decision
table, and the resolutions of the RFC's ambiguities, which this server implements:

* any illegal input (unknown or lowercase keyword, wrong state, bad spacing, bad number, a line
  over 512 octets, a bare LF, a control character, QUIT in NEXT) gets ``- <reason>`` and a
  close (ambiguity 4, 8, 9);
* RETR sends exactly ``c`` octets, the message in its transmitted CRLF form (ambiguity 11),
  and closes without a reply when there is nothing to send (ambiguity 5);
* ACKD only marks; marks are applied when the mailbox is released: at any end of the session,
  a drop or a timeout included (ambiguity 1), and when FOLD selects a mailbox;
* FOLD names with ``/``, ``\\``, a leading dot or a control character are refused with ``-``
  and a close; a legal unknown name selects an empty mailbox, ``#0`` (ambiguity 6);
* every selection is a snapshot; a message another session removed reads as ``=0``
  (ambiguity 14); an idle session gets ``-`` and a close (ambiguity 15);
* ``READ 0`` gives ``=0`` and ``READ 007`` means 7 (ambiguity 16).

Tests may inject refusals with :attr:`Faults.err_on_command` (faults.py; the other faults are
POP3 only): the command gets ``- <text>`` and a close. A refused QUIT applies no ACKD mark (a
server that could not update the mailbox).

Replies carry no text except the greeting and errors: ``#n``, ``=c``, ``+``.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Iterable

from popgui.localserver.connection import Connection, LineTooLongError, LocalServerBase
from popgui.localserver.faults import Faults
from popgui.localserver.mailstore import (
    ServerAccount,
    ServerMailbox,
    ServerMessage,
    normalize_line_endings,
)

__all__ = ["MAX_POP2_LINE", "LocalPOP2Server"]

#: RFC 937 "Sizes": a command line is at most 512 octets (CRLF included).
MAX_POP2_LINE = 512

_KEYWORDS = frozenset({"HELO", "FOLD", "READ", "RETR", "ACKS", "ACKD", "NACK", "QUIT"})


class _State(enum.Enum):
    AUTH = "AUTH"
    MBOX = "MBOX"
    ITEM = "ITEM"
    NEXT = "NEXT"


#: The decision table: which keywords each state accepts. Anything else: "-" and close.
_LEGAL: dict[_State, frozenset[str]] = {
    _State.AUTH: frozenset({"HELO", "QUIT"}),
    _State.MBOX: frozenset({"FOLD", "READ", "QUIT"}),
    _State.ITEM: frozenset({"FOLD", "READ", "RETR", "QUIT"}),
    _State.NEXT: frozenset({"ACKS", "ACKD", "NACK"}),
}


class _CloseError(Exception):
    """End the session (any reply has been queued)."""


class _IllegalError(Exception):
    """Illegal input: reply ``- <reason>`` and close."""


class LocalPOP2Server(LocalServerBase):
    """A local POP2 server over in-memory :class:`ServerAccount` mailboxes.

    HELO selects ``account.mailbox``; FOLD selects ``account.folders[name]``.
    """

    _name = "pop2"

    def __init__(
        self,
        accounts: Iterable[ServerAccount],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        greeting_host: str = "localhost",
        implementation: str = "popgui-localserver",
        idle_timeout: float | None = 600.0,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(host=host, port=port, idle_timeout=idle_timeout)
        self.faults = faults if faults is not None else Faults()
        self.accounts: dict[str, ServerAccount] = {}
        for account in accounts:
            if account.user in self.accounts:
                raise ValueError(f"duplicate account {account.user!r}")
            self.accounts[account.user] = account
        self.greeting_host = greeting_host
        self.implementation = implementation

    def _serve_connection(self, connection: Connection, session_log: list[str]) -> None:
        _POP2Session(self, connection, session_log).run()


def unquote_words(text: str) -> list[str]:
    """Split RFC 937 arguments on unquoted single spaces; ``\\x`` means a literal ``x``.

    Raises ValueError on a doubled, leading or trailing space or a lone final backslash.
    """
    words: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 == len(text):
                raise ValueError("backslash at end of line")
            current.append(text[i + 1])
            i += 2
            continue
        if char == " ":
            if not current:
                raise ValueError("empty argument")
            words.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    if not current:
        raise ValueError("empty argument")
    words.append("".join(current))
    return words


def unquote_string(text: str) -> str:
    """Undo RFC 937 backslash quoting in a string argument (spaces kept)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            if i + 1 == len(text):
                raise ValueError("backslash at end of line")
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _legal_folder_name(name: str) -> bool:
    """Ambiguity 6: no ``/`` or ``\\``, no leading dot, no control character, not empty."""
    if not name or name.startswith("."):
        return False
    return not any(c in "/\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in name)


def _transmitted(message: ServerMessage) -> bytes:
    """The message as sent: CRLF line ends (ambiguity 11)."""
    return normalize_line_endings(message.content)


class _POP2Session:
    def __init__(
        self, server: LocalPOP2Server, connection: Connection, session_log: list[str]
    ) -> None:
        self.server = server
        self.conn = connection
        self.session_log = session_log
        self.state = _State.AUTH
        self.account: ServerAccount | None = None
        self.mailbox: ServerMailbox | None = None
        self.snapshot: list[ServerMessage] = []
        self.marked: set[int] = set()
        self.current = 1

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        except _CloseError:
            if not self.conn.aborted:
                self.conn.flush()
        except TimeoutError:
            self.conn.discard_output()
            self.conn.write(b"- idle timeout\r\n")
            self.conn.flush()
        finally:
            self._release()

    def _run(self) -> None:
        self._send(f"+ POP2 {self.server.greeting_host} {self.server.implementation}")
        while True:
            try:
                line = self.conn.read_line(MAX_POP2_LINE)
            except LineTooLongError:
                self._send("- command line too long")
                raise _CloseError from None
            if line is None:
                return
            try:
                self._handle(line)
            except _IllegalError as error:
                self._send(f"- {error}")
                raise _CloseError from None

    def _send(self, text: str) -> None:
        self.conn.write(text.encode("ascii") + b"\r\n")

    def _record(self, line: str) -> None:
        self.server._record(self.session_log, line)

    # -- parsing and dispatch --------------------------------------------------------------

    def _handle(self, raw: bytes) -> None:
        if not raw.endswith(b"\r\n"):
            self._record(raw.rstrip(b"\n").decode("ascii", "replace"))
            raise _IllegalError("lines end with CRLF")
        try:
            text = raw[:-2].decode("ascii")
        except UnicodeDecodeError:
            self._record(raw[:-2].decode("ascii", "replace"))
            raise _IllegalError("command lines are ASCII") from None
        keyword, sep, rest = text.partition(" ")
        shown = f"HELO {rest.split(' ')[0]} ****" if keyword == "HELO" else text
        self._record(shown)
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
            raise _IllegalError("control character in command")
        if keyword not in _KEYWORDS:
            raise _IllegalError("unknown command")
        if keyword not in _LEGAL[self.state]:
            raise _IllegalError(f"{keyword} not allowed here")
        if sep and not rest:
            raise _IllegalError("trailing space")
        argument = rest if sep else None
        injected = self.server.faults.error_for(keyword, shown)
        if injected is not None:
            if keyword == "QUIT":
                self.marked = set()  # the mailbox could not be updated
            raise _IllegalError(injected)
        if keyword == "HELO":
            self._helo(argument)
        elif keyword == "FOLD":
            self._fold(argument)
        elif keyword == "READ":
            self._read(argument)
        else:
            if argument is not None:
                raise _IllegalError(f"{keyword} takes no argument")
            {
                "RETR": self._retr,
                "ACKS": self._acks,
                "ACKD": self._ackd,
                "NACK": self._nack,
                "QUIT": self._quit,
            }[keyword]()

    # -- selection -------------------------------------------------------------------------

    def _length(self, number: int) -> int:
        """``c`` for message *number*: 0 when absent, empty, marked or removed elsewhere."""
        if not 1 <= number <= len(self.snapshot) or number - 1 in self.marked:
            return 0
        message = self.snapshot[number - 1]
        if self.mailbox is None or not self.mailbox.contains(message):
            return 0
        return len(_transmitted(message))

    def _select(self, mailbox: ServerMailbox | None) -> None:
        self._release()
        self.mailbox = mailbox
        self.snapshot = mailbox.messages() if mailbox is not None else []
        self.marked = set()
        self.current = 1
        self.state = _State.MBOX
        self._send(f"#{len(self.snapshot)}")

    def _release(self) -> None:
        """Apply the ACKD marks to the selected mailbox (ambiguity 1 and the deletion rule)."""
        if self.mailbox is not None and self.marked:
            self.mailbox.remove(self.snapshot[i] for i in self.marked)
        self.marked = set()

    # -- commands --------------------------------------------------------------------------

    def _helo(self, argument: str | None) -> None:
        if argument is None:
            raise _IllegalError("HELO user password")
        try:
            words = unquote_words(argument)
        except ValueError as error:
            raise _IllegalError(str(error)) from None
        if len(words) != 2:
            raise _IllegalError("HELO user password")
        user, password = words
        account = self.server.accounts.get(user)
        if account is None or not hmac.compare_digest(
            account.password.encode("utf-8"), password.encode("utf-8")
        ):
            raise _IllegalError("invalid user name or password")
        self.account = account
        self._select(account.mailbox)

    def _fold(self, argument: str | None) -> None:
        if argument is None:
            raise _IllegalError("FOLD mailbox")
        try:
            name = unquote_string(argument)
        except ValueError as error:
            raise _IllegalError(str(error)) from None
        if not _legal_folder_name(name):
            raise _IllegalError("illegal mailbox name")
        assert self.account is not None
        self._select(self.account.folders.get(name))

    def _read(self, argument: str | None) -> None:
        if argument is not None:
            if not (argument.isascii() and argument.isdigit()):
                raise _IllegalError("READ [number]")
            self.current = int(argument)
        self.state = _State.ITEM
        self._send(f"={self._length(self.current)}")

    def _retr(self) -> None:
        if self._length(self.current) == 0:
            raise _CloseError  # nothing to send: close, no reply (ambiguity 5)
        self.conn.write(_transmitted(self.snapshot[self.current - 1]))
        self.state = _State.NEXT

    def _acks(self) -> None:
        self.current += 1
        self.state = _State.ITEM
        self._send(f"={self._length(self.current)}")

    def _ackd(self) -> None:
        self.marked.add(self.current - 1)
        self._acks()

    def _nack(self) -> None:
        self.state = _State.ITEM
        self._send(f"={self._length(self.current)}")

    def _quit(self) -> None:
        self._release()  # before the "+", so the client sees the result once QUIT is answered
        self._send("+")
        raise _CloseError
