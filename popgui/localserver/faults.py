"""Faults the local POP3 server can inject, so tests can play a misbehaving server.

The local POP2 server honours ``err_on_command`` only (see pop2server.py).

A :class:`Faults` is read live by every session: a test may change it between sessions (or
while one waits). The session asks it at three moments: before the greeting
(:attr:`Faults.greeting_error`), for each command line (:meth:`Faults.stalls`,
:meth:`Faults.error_for`), and for each RETR (:meth:`Faults.cut_retr`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Faults"]


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
    * ``quit_answer_lost``: QUIT in the TRANSACTION state enters the UPDATE state (the marked
      messages are deleted), then the connection closes without the ``+OK``, as when the
      connection is lost at that moment.
    * ``refuse_one_line_auth``: SASL mechanisms (``"XOAUTH2"``) whose one-line form, ``AUTH
      NAME <initial response>``, gets ``-ERR`` while the two-step form works: what Microsoft's
      POP server does with XOAUTH2.
    """

    greeting_error: str | None = None
    drop_after_retr: int | None = None
    drop_after_bytes: int = 0
    err_on_command: dict[str, str] = field(default_factory=dict)
    stall_on: str | None = None
    quit_answer_lost: bool = False
    refuse_one_line_auth: set[str] = field(default_factory=set)

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

    def cut_retr(self, retr_count: int, stuffed: bytes) -> bytes | None:
        """For the session's ``retr_count``-th RETR, the part of the (dot-stuffed) message to
        send before dropping the connection; None to send it whole."""
        if self.drop_after_retr is None or self.drop_after_retr != retr_count:
            return None
        return stuffed[: max(0, self.drop_after_bytes)]
