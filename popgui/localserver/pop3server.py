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

Messages are dot-stuffed with ``bytes.replace`` and sent in batches (connection.py, which
also runs each session in its own daemon thread). The SASL mechanisms are in sasl_server.py,
the faults a test can inject in faults.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterable

from popgui.localserver.connection import Connection, LineTooLongError, LocalServerBase
from popgui.localserver.faults import Faults
from popgui.localserver.mailstore import ServerAccount, ServerMailbox, ServerMessage
from popgui.localserver.sasl_server import (
    ALL_SASL,
    OAUTH_SASL,
    PLAINTEXT_SASL,
    AuthFailedError,
    SaslExchange,
    start_exchange,
)

__all__ = ["MAX_AUTH_LINE", "MAX_COMMAND_LINE", "LocalPOP3Server", "dot_stuff"]

#: RFC 2449 section 4: a command line is at most 255 octets, CRLF included.
MAX_COMMAND_LINE = 255
#: RFC 5034 puts no limit on SASL responses (XOAUTH2 tokens exceed 4 KB); this one is generous.
MAX_AUTH_LINE = 100_000
#: The host name in the APOP timestamp.
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


class _CloseSessionError(Exception):
    """End the session now (the reply, if any, has been queued)."""


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
    offered. ``xoauth2_tokens`` maps users to the bearer token that XOAUTH2 and OAUTHBEARER
    accept; XOAUTH2 is added to ``sasl`` when it names neither. ``plaintext_requires_tls``
    hides USER, PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER until TLS is active (and
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
        unknown = set(mechanisms) - set(ALL_SASL)
        if unknown:
            raise ValueError(f"unsupported SASL mechanisms: {sorted(unknown)}")
        self.xoauth2_tokens = dict(xoauth2_tokens or {})
        if xoauth2_tokens is not None and not OAUTH_SASL & set(mechanisms):
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
        return [m for m in self.server.sasl if plaintext or m not in PLAINTEXT_SASL]

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
        if len(args) == 2 and mechanism in self.server.faults.refuse_one_line_auth:
            self._err("Protocol error: send the response after the continuation")
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
        server = self.server
        exchange = start_exchange(mechanism, initial, server.accounts, server.xoauth2_tokens)
        try:
            account = self._run_exchange(exchange)
        except AuthFailedError as failure:
            self._err(failure.text, failure.code)
            return
        self._login(account)

    def _run_exchange(self, exchange: SaslExchange) -> ServerAccount:
        try:
            challenge = next(exchange)
            while True:
                self._send_line("+ " + _b64(challenge))
                line = self._read_line(MAX_AUTH_LINE)
                if line is None:
                    raise _CloseSessionError
                if not line.endswith(b"\r\n"):
                    raise AuthFailedError("SASL response lines must end with CRLF", None)
                text = line[:-2]
                self._record("" if text in (b"", b"*") else "****")
                if text == b"*":
                    raise AuthFailedError("authentication cancelled", None)
                try:
                    response = base64.b64decode(text, validate=True)
                except binascii.Error:
                    raise AuthFailedError("SASL response is not valid base64", None) from None
                challenge = exchange.send(response)
        except StopIteration as done:
            account: ServerAccount = done.value
            return account
        finally:
            exchange.close()

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
        stuffed = dot_stuff(message.content)
        cut = self.server.faults.cut_retr(self.retr_count, stuffed)
        if cut is not None:
            self.conn.write(status)
            self.conn.write(cut)
            self.conn.flush()
            self._record(f"(dropped the connection during RETR {index + 1})")
            self.conn.abort()
            raise _CloseSessionError
        self.conn.write(status)
        self.conn.write(stuffed)
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
        if self.server.faults.quit_answer_lost:
            self.conn.discard_output()
            raise _CloseSessionError
        self._ok(f"{self.server.implementation} signing off ({left} messages left)")
        raise _CloseSessionError
