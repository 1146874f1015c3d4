"""Delivery to a program (an MDA: procmail, maildrop, Dovecot's dovecot-lda, a script).

Each message starts the program once and goes to its standard input with LF line ends: a
Unix MDA such as procmail or maildrop expects text with Unix line ends (it writes them as
they come into a Maildir or an mbox, where a CR would stay in every line). No ``From ``
line is added: procmail, maildrop and dovecot-lda make their own. The message is streamed
from its spool file a block at a time; the program's error output is read at the same time
(a chatty program cannot block on a full pipe) and its last :data:`STDERR_KEPT` octets kept
to explain a failure; its standard output is discarded.

The command runs without a shell unless asked: ``shlex.split`` on POSIX (so ``|``, ``>``
and ``$HOME`` are plain arguments), the whole string handed to ``CreateProcess`` on Windows
(which splits it as its programs expect). With ``shell=True`` it is ``/bin/sh -c COMMAND``
(``cmd.exe /c`` on Windows). On POSIX the program runs in a process group of its own, so
the time limit and a cancel end it and whatever it started (on Windows: the program itself).

Its exit status decides: 0 the message is delivered (:class:`Accepted`), 75 (EX_TEMPFAIL,
what procmail and maildrop say when the disk is full or a lock is busy) try later
(:class:`Deferred`), anything else, a signal or the time limit a failure (:class:`Refused`,
with the end of the program's error output). A program that exits without reading all of
its input is judged by its exit status alone.

The program gets popgui's environment plus ``POPGUI_TOKEN``, the message's identity (unique
across accounts, the same on every attempt): popgui delivers to a program *at least once*
(a program cannot be asked whether an interrupted attempt landed, so :meth:`recover` returns
``{}``; one message per batch keeps the window to one commit), and a script that wants
exactly once can keep the tokens it has seen. Nothing secret is added.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import IO, BinaryIO, Final

from popgui.accounts.destination_spec import DeliverSpec
from popgui.catalog import Sentence
from popgui.catalog import destinations as says
from popgui.catalog import network as net_says
from popgui.destinations.base import (
    Accepted,
    Deferred,
    Destination,
    DestinationError,
    DestinationUnavailableError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
    Refused,
)
from popgui.errors import CancelledError
from popgui.net.cancel import CancelToken
from popgui.net.dial import os_reason, seconds

__all__ = ["EX_TEMPFAIL", "MdaDestination", "lf_blocks"]

#: sysexits.h: "temporary failure, try again later".
EX_TEMPFAIL: Final = 75
#: Octets read from the spool file and written to the program at a time.
BLOCK: Final = 65_536
#: How much of the end of the program's error output is kept for the report.
STDERR_KEPT: Final = 2048
#: After the time limit: seconds between asking the program to stop (SIGTERM: procmail
#: removes its lock files) and killing it.
GRACE: Final = 2.0
#: How long the error output is still read after the program ended (a child it left behind
#: may hold the pipe open).
STDERR_WAIT: Final = 2.0
_WINDOWS = os.name == "nt"


class MdaDestination(Destination):
    """A program that takes each message on its standard input; see the module doc."""

    batch_messages = 1
    recovers = False

    def __init__(
        self,
        spec: DeliverSpec,
        *,
        shell: bool = False,
        timeout: float = 300.0,
        cancel: CancelToken | None = None,
    ) -> None:
        if spec.kind != "mda":
            raise ValueError(f"not a program destination: {spec!r}")
        if not timeout > 0:
            raise ValueError(f"the time limit must be positive, not {timeout!r}")
        self._command = spec.command
        self._shell = shell
        self._timeout = timeout
        self._cancel = cancel

    def describe(self) -> str:
        return str(says.PROGRAM(command=self._command))

    def open(self) -> None:
        """Check that the program exists and can be run (through a shell: the shell's job)."""
        if not self._shell:
            _check_program(_program(self._command))

    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        """Nothing: a program cannot be asked whether an earlier attempt landed."""
        return {}

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        return [self._run(message) for message in batch]

    def close(self) -> None:
        """Nothing to do: each program has ended before :meth:`deliver` returns."""

    # ---- one message

    def _run(self, message: Outgoing) -> Outcome:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()
        process = self._start(message.token)
        watch = _Watch(process, self._timeout, self._cancel)
        try:
            _feed(process, message.file)
        except BaseException:  # the spool could not be read: never let half a message pass
            watch.kill()
            watch.finish()
            raise
        status = watch.finish()
        if watch.cancelled:
            raise CancelledError(net_says.CANCELLED())
        return self._judge(status, watch, message.token)

    def _start(self, token: str) -> subprocess.Popen[bytes]:
        environment = dict(os.environ)
        if token.isprintable():
            environment["POPGUI_TOKEN"] = token
        args: str | list[str] = self._command
        if not self._shell and not _WINDOWS:
            args = _split(self._command)
        try:
            # A process group of its own (POSIX): the time limit ends what it started too.
            return subprocess.Popen(
                args,
                shell=self._shell,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=environment,
                start_new_session=not _WINDOWS,
            )
        except OSError as exc:
            reason = os_reason(exc)
            raise DestinationUnavailableError(
                says.MDA_START_FAILED(command=self._command, reason=reason)
            ) from exc

    def _judge(self, status: int, watch: _Watch, token: str) -> Outcome:
        command = self._command
        if watch.expired:
            return Refused(says.MDA_TIMED_OUT(command=command, seconds=seconds(self._timeout)))
        if status == 0:
            return Accepted(Receipt(f"mda:{command};TOKEN={token}", self.describe()))
        stderr: str | Sentence = watch.stderr() or says.MDA_NO_STDERR()
        if status == EX_TEMPFAIL:
            return Deferred(says.MDA_TRY_LATER(command=command, stderr=stderr))
        if status < 0:
            name = _signal_name(-status)
            return Refused(says.MDA_KILLED(command=command, signal=name, stderr=stderr))
        return Refused(says.MDA_FAILED(command=command, status=status, stderr=stderr))


class _Watch:
    """Keeps the end of the program's error output, and ends the program at the time limit
    (SIGTERM to its group, SIGKILL :data:`GRACE` seconds later) or on cancel (SIGKILL)."""

    def __init__(
        self, process: subprocess.Popen[bytes], timeout: float, cancel: CancelToken | None
    ) -> None:
        self._process = process
        self._timeout = timeout
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._tail = bytearray()
        self.expired = False
        self.cancelled = False
        assert process.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._reader.start()
        self._timer = threading.Thread(target=self._time, daemon=True)
        self._timer.start()
        self._remove_cancel: Callable[[], None] = lambda: None
        if cancel is not None:
            self._remove_cancel = cancel.add_callback(self._on_cancel)

    def _read(self, stream: IO[bytes]) -> None:
        with stream:
            while chunk := stream.read1(4096):  # type: ignore[attr-defined]
                with self._lock:
                    self._tail += chunk
                    del self._tail[:-STDERR_KEPT]

    def _time(self) -> None:
        if self._done.wait(self._timeout):
            return
        self.expired = True
        self._signal(signal.SIGTERM)
        if not self._done.wait(GRACE):
            self._signal(_SIGKILL)

    def _on_cancel(self) -> None:
        self.cancelled = True
        self.kill()

    def kill(self) -> None:
        self._signal(_SIGKILL)

    def _signal(self, number: int) -> None:
        # Only while the program has not been reaped: its group id cannot be reused before.
        if self._process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if _WINDOWS:
                self._process.kill()
            else:
                os.killpg(self._process.pid, number)

    def finish(self) -> int:
        """Wait for the program (reaping it: no zombie), stop watching; its exit status."""
        try:
            status = self._process.wait()
        finally:
            self._done.set()
            self._remove_cancel()
        self._reader.join(STDERR_WAIT)
        return status

    def stderr(self) -> str:
        """The end of the error output as text (control characters made visible)."""
        with self._lock:
            text = bytes(self._tail).decode("utf-8", "replace").strip()
        return "".join(ch if ch.isprintable() or ch in "\n\t" else "?" for ch in text)


_SIGKILL: Final = getattr(signal, "SIGKILL", signal.SIGTERM)


def _feed(process: subprocess.Popen[bytes], file: BinaryIO) -> None:
    """Write the message to the program; stop quietly where it stopped reading (its exit
    status says whether it took the message). Errors reading *file* propagate."""
    stdin = process.stdin
    assert stdin is not None
    try:
        for block in lf_blocks(file):
            try:
                stdin.write(block)
            except OSError:  # EPIPE (EINVAL on Windows): the program closed its input
                return
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


def lf_blocks(file: BinaryIO, size: int = BLOCK) -> Iterator[bytes]:
    """The message with LF line ends (CRLF becomes LF, a lone CR stays), in blocks of at
    most *size* octets."""
    file.seek(0)
    carry = b""  # a CR that ended a block: its LF may start the next one
    while block := file.read(size):
        block, carry = carry + block, b""
        if block.endswith(b"\r"):
            block, carry = block[:-1], b"\r"
        if block:
            yield block.replace(b"\r\n", b"\n")
    if carry:
        yield carry


# ---- the command


def _split(command: str) -> list[str]:
    try:
        args = shlex.split(command)
    except ValueError as exc:  # an unclosed quote
        raise DestinationError(says.MDA_BAD_COMMAND(command=command, reason=str(exc))) from exc
    if not args:
        raise DestinationError(says.MDA_EMPTY())
    return args


def _program(command: str) -> str:
    """The program a command without a shell runs: its first word (Windows: a quoted path or
    the text up to the first space, as CreateProcess reads it)."""
    if not _WINDOWS:
        return _split(command)[0]
    text = command.strip()
    if text.startswith('"'):
        return text[1:].split('"', 1)[0]
    return text.split(None, 1)[0] if text else ""


def _check_program(program: str) -> None:
    if shutil.which(program):
        return
    if os.sep in program or (os.altsep is not None and os.altsep in program):
        if os.path.exists(program):
            raise DestinationError(says.MDA_NOT_EXECUTABLE(program=program))
        raise DestinationError(says.MDA_NOT_FOUND(program=program))
    raise DestinationError(says.MDA_NOT_IN_PATH(program=program))


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
