"""Delivery to a program (MDA): small real programs written by the tests (Python and sh),
and the real procmail delivering into a Maildir."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
import shutil
import stat
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from popgui.accounts.destination_spec import parse_deliver
from popgui.destinations.base import (
    Accepted,
    Deferred,
    DestinationError,
    DestinationUnavailableError,
    Outgoing,
    Refused,
)
from popgui.destinations.mda import MdaDestination, lf_blocks
from popgui.errors import CancelledError
from popgui.net.cancel import CancelToken
from tests.support.dovecot import DovecotServer, MailUser

MESSAGE = (
    b"From: bob@example.org\r\nTo: ann@example.org\r\nSubject: hello\r\n"
    b"Message-ID: <hello@example.org>\r\n\r\nFrom the start.\r\n.dot\r\ncaf\xc3\xa9\r\n"
)
PYTHON = shlex.quote(sys.executable)


def outgoing(content: bytes = MESSAGE, token: str = "acct/1", file: object = None) -> Outgoing:
    return Outgoing(
        uid=token.rsplit("/", 1)[-1],
        token=token,
        file=file if file is not None else io.BytesIO(content),  # type: ignore[arg-type]
        size=len(content),
        message_id="<hello@example.org>",
        date=None,
        downloaded_at=0.0,
    )


def program(tmp_path: Path, name: str, source: str) -> str:
    """A Python program written for the test; the command that runs it."""
    path = tmp_path / name
    path.write_text(source, "utf-8")
    return f"{PYTHON} {shlex.quote(str(path))}"


def mda(command: str, **kwargs: object) -> MdaDestination:
    destination = MdaDestination(parse_deliver(f"mda:{command}"), **kwargs)  # type: ignore[arg-type]
    destination.open()
    return destination


def deliver(destination: MdaDestination, message: Outgoing | None = None) -> object:
    (outcome,) = destination.deliver([message or outgoing()])
    return outcome


STORE = """\
import json, os, sys
data = sys.stdin.buffer.read()
with open(sys.argv[1], "wb") as out:
    out.write(data)
with open(sys.argv[1] + ".env", "w") as out:
    json.dump({"args": sys.argv[2:], "token": os.environ.get("POPGUI_TOKEN")}, out)
"""


def test_exit_0_delivers_the_message_with_lf_line_ends(tmp_path: Path) -> None:
    out = tmp_path / "stored"
    command = program(tmp_path, "store.py", STORE) + f" {shlex.quote(str(out))}"
    destination = mda(command)
    outcome = deliver(destination, outgoing(token="acct/UID-7"))
    destination.close()
    assert isinstance(outcome, Accepted)
    assert out.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert outcome.receipt.locator == f"mda:{command};TOKEN=acct/UID-7"
    assert outcome.receipt.where == f"the program {command}"
    assert json.loads((tmp_path / "stored.env").read_text())["token"] == "acct/UID-7"


def test_exit_75_defers_and_the_next_attempt_delivers(tmp_path: Path) -> None:
    """The issue's "an MDA that exits 75 then 0"."""
    out = tmp_path / "stored"
    source = """\
import pathlib, sys
data = sys.stdin.buffer.read()
flag = pathlib.Path(sys.argv[1] + ".locked-once")
if not flag.exists():
    flag.touch()
    sys.stderr.write("maildir locked by another delivery\\n")
    sys.exit(75)
pathlib.Path(sys.argv[1]).write_bytes(data)
"""
    destination = mda(program(tmp_path, "busy.py", source) + f" {out}")
    first = deliver(destination)
    second = deliver(destination)
    assert isinstance(first, Deferred)
    assert str(first.reason).endswith(
        "asks to try later (exit status 75): maildir locked by another delivery"
    )
    assert not out.exists() or isinstance(second, Accepted)
    assert isinstance(second, Accepted)
    assert out.read_bytes() == MESSAGE.replace(b"\r\n", b"\n")


def test_a_failure_quotes_the_end_of_the_error_output(tmp_path: Path) -> None:
    # 1 MB of error output before reading its input: popgui must read both at once.
    source = """\
import sys
for n in range(20000):
    sys.stderr.write(f"line {n} of chatter, chatter, chatter\\n")
sys.stdin.buffer.read()
sys.stderr.write("procmail: Couldn't create \\xe9 lock file\\n")
sys.exit(1)
"""
    destination = mda(program(tmp_path, "chatty.py", source), timeout=30)
    big = MESSAGE + b"x" * 998 + b"\r\n" * 2000
    started = time.monotonic()
    outcome = deliver(destination, outgoing(big))
    assert time.monotonic() - started < 20
    assert isinstance(outcome, Refused)
    reason = str(outcome.reason)
    assert "failed with exit status 1: " in reason
    assert reason.endswith("procmail: Couldn't create \xe9 lock file")
    assert "line 19999 of chatter" in reason and "line 0 of" not in reason
    assert len(reason) < 2048 + 200


def test_a_failure_without_words(tmp_path: Path) -> None:
    destination = mda(program(tmp_path, "quiet.py", "import sys; sys.exit(3)"))
    outcome = deliver(destination)
    assert isinstance(outcome, Refused)
    assert str(outcome.reason).endswith("failed with exit status 3: it wrote no error message")


def test_death_by_a_signal(tmp_path: Path) -> None:
    destination = mda("/bin/sh -c 'kill -KILL $$'")
    outcome = deliver(destination)
    assert isinstance(outcome, Refused)
    assert "was ended by signal SIGKILL" in str(outcome.reason)


@pytest.mark.parametrize(("status", "kind"), [(0, Accepted), (1, Refused), (75, Deferred)])
def test_a_program_that_does_not_read_its_input(
    tmp_path: Path, status: int, kind: type[object]
) -> None:
    # Bigger than a pipe's buffer: popgui's writes fail (EPIPE) once the program is gone.
    destination = mda(program(tmp_path, "deaf.py", f"import sys; sys.exit({status})"))
    outcome = deliver(destination, outgoing(MESSAGE + b"y" * (4 * 1024 * 1024)))
    assert isinstance(outcome, kind)


def alive(pid: int) -> bool:
    """True while *pid* runs (a zombie, dead but not reaped, counts as not running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_time_limit_kills_the_program_and_what_it_started(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"echo $$ > {pids}; sleep 60 & echo $! >> {pids}; wait"
    destination = mda(f"/bin/sh -c {shlex.quote(script)}", timeout=1)
    started = time.monotonic()
    outcome = deliver(destination)
    assert time.monotonic() - started < 10
    assert isinstance(outcome, Refused)
    assert str(outcome.reason) == (
        f"The program /bin/sh -c {shlex.quote(script)} took longer than 1 second and was stopped"
    )
    leader, child = (int(line) for line in pids.read_text().split())
    assert not Path(f"/proc/{leader}").exists()  # reaped: no zombie left
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_program_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    source = f"""\
import os, pathlib, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))
time.sleep(60)
"""
    destination = mda(program(tmp_path, "stubborn.py", source), timeout=0.5)
    started = time.monotonic()
    outcome = deliver(destination)
    assert 0.5 <= time.monotonic() - started < 10
    assert isinstance(outcome, Refused) and "took longer than 0.5 seconds" in str(outcome.reason)
    assert not Path(f"/proc/{pid_file.read_text()}").exists()


def test_cancel_kills_the_program(tmp_path: Path) -> None:
    cancel = CancelToken()
    pid_file = tmp_path / "pid"
    destination = mda(f"/bin/sh -c 'echo $$ > {pid_file}; exec sleep 60'", cancel=cancel)
    timer = threading.Timer(0.5, cancel.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        deliver(destination)
    timer.join()
    assert time.monotonic() - started < 10
    assert not Path(f"/proc/{pid_file.read_text().strip()}").exists()
    with pytest.raises(CancelledError):  # nothing starts once cancelled
        deliver(destination)


def test_a_missing_program(tmp_path: Path) -> None:
    with pytest.raises(DestinationError) as caught:
        mda(f"{tmp_path}/no-such-mda -d ann")
    assert str(caught.value) == f"The program {tmp_path}/no-such-mda does not exist"
    with pytest.raises(DestinationError) as caught:
        mda("no-such-mda-anywhere -d ann")
    assert "no-such-mda-anywhere is not in any folder of PATH" in str(caught.value)
    plain = tmp_path / "not-executable"
    plain.write_text("#!/bin/sh\n")
    with pytest.raises(DestinationError) as caught:
        mda(str(plain))
    assert "cannot be run: it is not an executable file" in str(caught.value)
    with pytest.raises(DestinationError) as caught:
        mda("/usr/bin/procmail 'unclosed")
    assert "cannot be read: No closing quotation" in str(caught.value)


def test_a_program_removed_after_open(tmp_path: Path) -> None:
    path = tmp_path / "vanishing"
    path.write_text("#!/bin/sh\ncat >/dev/null\n")
    path.chmod(0o755)
    destination = mda(str(path))
    path.unlink()
    with pytest.raises(DestinationUnavailableError) as caught:
        deliver(destination)
    assert "could not be started: no such file or directory" in str(caught.value)


def test_without_a_shell_nothing_is_interpreted(tmp_path: Path) -> None:
    out = tmp_path / "stored"
    store = program(tmp_path, "store.py", STORE)
    destination = mda(f"{store} {out} '|' cat $HOME '>' {tmp_path}/x *")
    assert isinstance(deliver(destination), Accepted)
    recorded = json.loads((tmp_path / "stored.env").read_text())
    assert recorded["args"] == ["|", "cat", "$HOME", ">", f"{tmp_path}/x", "*"]
    assert not (tmp_path / "x").exists()


def test_with_a_shell_pipes_and_variables_work(tmp_path: Path) -> None:
    out = tmp_path / "upper"
    command = f'tr a-z A-Z > {out} && printf %s "$HOME" > {tmp_path}/home'
    # Without a shell, tr gets "a-z", "A-Z", ">", ... and refuses them.
    refused = deliver(mda(command))
    assert isinstance(refused, Refused) and "tr" in str(refused.reason)
    assert not out.exists()
    destination = mda(command, shell=True)
    assert isinstance(deliver(destination), Accepted)
    assert out.read_bytes() == MESSAGE.replace(b"\r\n", b"\n").upper()
    assert (tmp_path / "home").read_text() == os.environ["HOME"]


def test_a_big_message_is_streamed(tmp_path: Path) -> None:
    spool = tmp_path / "big.eml"
    expected = hashlib.sha256()
    line = b"z" * 1022 + b"\r\n"
    with spool.open("wb") as out:
        out.write(MESSAGE)
        expected.update(MESSAGE.replace(b"\r\n", b"\n"))
        for _ in range(20 * 1024):
            out.write(line)
            expected.update(line[:-2] + b"\n")
    digest = tmp_path / "digest"
    source = f"""\
import hashlib, sys
digest = hashlib.sha256()
while chunk := sys.stdin.buffer.read(65536):
    digest.update(chunk)
open({str(digest)!r}, "w").write(digest.hexdigest())
"""
    destination = mda(program(tmp_path, "digest.py", source), timeout=120)
    with spool.open("rb") as file:
        tracemalloc.start()
        try:
            outcome = deliver(destination, outgoing(b"", file=file))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(outcome, Accepted)
    assert digest.read_text() == expected.hexdigest()
    assert peak < 2 * 1024 * 1024, peak


def test_a_spool_that_cannot_be_read_never_reaches_the_program(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > 0:
                raise OSError(5, "Input/output error")
            return super().read(10)

    out = tmp_path / "stored"
    destination = mda(program(tmp_path, "store.py", STORE) + f" {out}")
    with pytest.raises(OSError):
        deliver(destination, outgoing(file=Broken(MESSAGE)))
    assert not out.exists()  # killed, not fed an end of file after half a message


@pytest.mark.parametrize("size", [1, 2, 3, 65536])
def test_lf_blocks(size: int) -> None:
    def lf(content: bytes) -> bytes:
        blocks = list(lf_blocks(io.BytesIO(content), size))
        assert all(0 < len(block) <= size + 1 for block in blocks)  # + a held CR
        return b"".join(blocks)

    assert lf(b"") == b""
    assert lf(b"a\r\nb\r\n") == b"a\nb\n"
    assert lf(b"a\nb") == b"a\nb"
    assert lf(b"a\rb\r\r\n\r") == b"a\rb\r\n\r"


# --------------------------------------------------------------------------------------------
# The real procmail (Debian's ``procmail`` package: CI installs it)


def test_procmail_delivers_into_a_maildir(tmp_path: Path) -> None:
    procmail = shutil.which("procmail")
    assert procmail is not None, "procmail is missing: apt-get install procmail"
    maildir = tmp_path / "Maildir"
    rc = tmp_path / "procmailrc"
    rc.write_text(
        f"MAILDIR={maildir}/\nDEFAULT={maildir}/\nLOGFILE={tmp_path}/procmail.log\n:0\n{maildir}/\n"
    )
    rc.chmod(stat.S_IRUSR | stat.S_IWUSR)
    destination = mda(f"{procmail} -m {rc}")
    first = deliver(destination, outgoing(token="a/1"))
    second = deliver(destination, outgoing(MESSAGE.replace(b"hello", b"again"), token="a/2"))
    assert isinstance(first, Accepted) and isinstance(second, Accepted)
    stored = sorted(path.read_bytes() for path in (maildir / "new").iterdir())
    assert len(stored) == 2
    assert MESSAGE.replace(b"\r\n", b"\n") in stored
    assert all(b"\r" not in message for message in stored)


# --------------------------------------------------------------------------------------------
# The real dovecot-lda, delivering into the test Dovecot's mailboxes


def test_dovecot_lda_delivers_and_an_unknown_user_is_refused(
    dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    lda = "/usr/lib/dovecot/dovecot-lda"
    command = f"{lda} -c {dovecot.config} -e -d {dovecot_user.name}"
    destination = mda(command)
    assert isinstance(deliver(destination), Accepted)
    assert dovecot.server_messages(dovecot_user.name) == [MESSAGE.replace(b"\r\n", b"\n")]
    unknown = mda(f"{lda} -c {dovecot.config} -e -d nobody-{dovecot_user.name}")
    outcome = deliver(unknown)
    assert isinstance(outcome, Refused)
    assert "failed with exit status 67" in str(outcome.reason)  # EX_NOUSER


def test_the_program_a_command_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from popgui.destinations import mda as module

    assert module._program("/usr/bin/procmail -m 'my rc'") == "/usr/bin/procmail"
    assert module._program("'/opt/my mda/run' -x") == "/opt/my mda/run"
    monkeypatch.setattr(module, "_WINDOWS", True)  # CreateProcess's reading, not shlex's
    assert module._program('"C:\\Program Files\\mda\\mda.exe" -d ann') == (
        "C:\\Program Files\\mda\\mda.exe"
    )
    assert module._program("C:\\mda\\mda.exe -d ann") == "C:\\mda\\mda.exe"
