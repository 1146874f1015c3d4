"""Private SOCKS5 and HTTP proxies for tests: Debian's dante and tinyproxy on loopback.

``private_dante(directory, ...)`` writes a configuration under ``directory`` and runs
``danted -f CONFIG -p PIDFILE -N 1`` in the foreground (no ``-D``: it does not detach), with
its log file there, listening on 127.0.0.1 on a free port. ``login=True`` makes it ask for a
user name and password (``socksmethod: username``), which dante checks against the system's
users: the fixture creates :data:`PROXY_USER` with ``useradd`` and sets its password with
``chpasswd`` (root only, like the Dovecot mail user). ``block_port`` adds a ``socks block``
rule for connections to that port of 127.0.0.1.

``private_tinyproxy(directory, connect_ports, ...)`` runs ``tinyproxy -d -c CONFIG`` (``-d``:
stay in the foreground) with its own pid and log files. CONNECT is allowed to
``connect_ports`` only (``ConnectPort``); ``basic_auth`` asks for a login (``BasicAuth``).

Both write every connection to their log (:meth:`Proxy.log_text`); stopping sends SIGTERM to
the process group the fixture started. Missing programs raise :class:`ProxyUnavailable`.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.dovecot import free_port

#: The system user dante checks a SOCKS login against.
PROXY_USER = "popgui-proxy"
PROXY_PASSWORD = "proxy-Pa55word"


class ProxyUnavailable(RuntimeError):
    """dante or tinyproxy is not installed, or cannot run here (the fixture skips)."""


@dataclass
class Proxy:
    """One running proxy: where it listens and what it logged."""

    kind: str
    port: int
    log_file: Path
    process: subprocess.Popen[bytes]

    def url(self, scheme: str, user: str | None = None, password: str | None = None) -> str:
        login = user or ""
        if password is not None:
            login += f":{password}"
        return f"{scheme}://{login + '@' if login else ''}127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log_file.read_text("utf-8", "replace") if self.log_file.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _answers(self.port):
            time.sleep(0.05)


def _binary(name: str, package: str) -> str:
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", 1) else None
    )
    if found is None:
        raise ProxyUnavailable(f"{name} is not installed (apt-get install {package})")
    return found


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _launch(kind: str, command: list[str], directory: Path, port: int, log: Path) -> Proxy:
    output = directory / f"{kind}.out"
    with open(os.devnull, "rb") as devnull, open(output, "ab") as out:
        process = subprocess.Popen(
            command, stdin=devnull, stdout=out, stderr=out, start_new_session=True
        )
    proxy = Proxy(kind, port, log, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            problem = output.read_text("utf-8", "replace") + proxy.log_text()
            raise ProxyUnavailable(f"{kind} exited at start:\n{problem}")
        if _answers(port):
            return proxy
        time.sleep(0.05)
    proxy.stop()
    raise ProxyUnavailable(f"{kind} did not answer within 20 s:\n{proxy.log_text()}")


def ensure_proxy_user() -> str:
    """The system user (with :data:`PROXY_PASSWORD`) a SOCKS login is checked against."""
    if os.geteuid() != 0:
        raise ProxyUnavailable("creating the proxy's test user needs root (useradd, chpasswd)")
    try:
        pwd.getpwnam(PROXY_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", "--user-group", PROXY_USER],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    subprocess.run(
        ["chpasswd"], input=f"{PROXY_USER}:{PROXY_PASSWORD}\n".encode(),
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return PROXY_USER


_DANTE = """\
logoutput: {log}
internal: 127.0.0.1 port = {port}
external: 127.0.0.1
socksmethod: {method}
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect disconnect error }}
{block}socks pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect disconnect error }}
"""
_DANTE_BLOCK = (
    "socks block {{ from: 0.0.0.0/0 to: 127.0.0.1/32 port = {port} log: connect error }}\n"
)


@contextlib.contextmanager
def private_dante(
    directory: Path, *, login: bool = False, block_port: int | None = None
) -> Iterator[Proxy]:
    binary = _binary("danted", "dante-server")
    if login:
        ensure_proxy_user()
    directory.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), directory / "danted.log"
    config = directory / "danted.conf"
    block = _DANTE_BLOCK.format(port=block_port) if block_port is not None else ""
    method = "username" if login else "none"
    config.write_text(_DANTE.format(log=log, port=port, method=method, block=block), "utf-8")
    command = [binary, "-f", str(config), "-p", str(directory / "danted.pid"), "-N", "1"]
    proxy = _launch("danted", command, directory, port, log)
    try:
        yield proxy
    finally:
        proxy.stop()


_TINYPROXY = """\
Port {port}
Listen 127.0.0.1
Timeout 30
LogFile "{log}"
LogLevel Connect
PidFile "{pid}"
MaxClients 20
Allow 127.0.0.1
{connect_ports}{auth}"""


@contextlib.contextmanager
def private_tinyproxy(
    directory: Path, connect_ports: tuple[int, ...], *, basic_auth: tuple[str, str] | None = None
) -> Iterator[Proxy]:
    binary = _binary("tinyproxy", "tinyproxy")
    directory.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), directory / "tinyproxy.log"
    config = directory / "tinyproxy.conf"
    config.write_text(
        _TINYPROXY.format(
            port=port,
            log=log,
            pid=directory / "tinyproxy.pid",
            connect_ports="".join(f"ConnectPort {one}\n" for one in connect_ports),
            auth=f"BasicAuth {basic_auth[0]} {basic_auth[1]}\n" if basic_auth else "",
        ),
        "utf-8",
    )
    proxy = _launch("tinyproxy", [binary, "-d", "-c", str(config)], directory, port, log)
    try:
        yield proxy
    finally:
        proxy.stop()


@contextlib.contextmanager
def started(manager: contextlib.AbstractContextManager[Proxy]) -> Iterator[Proxy]:
    """The proxy *manager* starts, stopped at the end; a test skip (a failure in CI) where it
    cannot run here."""
    import pytest

    try:
        proxy = manager.__enter__()
    except ProxyUnavailable as error:
        pytest.skip(str(error))
    try:
        yield proxy
    finally:
        manager.__exit__(None, None, None)
