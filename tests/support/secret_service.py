"""A private Secret Service (gnome-keyring on its own D-Bus session bus) for tests.

``SecretService(directory).start()``:

1. starts ``dbus-daemon --session --nofork`` listening on a socket inside ``directory``;
   always a private bus, even when the developer's desktop has one, so that tests never write
   into a real keyring;
2. starts ``gnome-keyring-daemon --foreground --unlock --components=secrets`` on that bus with
   the keyring password on its standard input and ``XDG_DATA_HOME``/``XDG_RUNTIME_DIR`` inside
   ``directory`` (a login keyring left in the real home, made with another password, could
   not be unlocked);
3. waits until ``org.freedesktop.secrets`` has an owner on the bus.

``DISPLAY`` and ``WAYLAND_DISPLAY`` are removed from the daemons' environment: when a caller
hits a locked collection gnome-keyring then cannot show a prompt and answers "dismissed" at
once, which is how :meth:`SecretService.lock` lets a test see a locked keyring.

``stop()`` terminates both daemons (they run in the foreground, so their process ids are
known; nothing is left behind by a fork). The test process itself talks to the bus through
``DBUS_SESSION_BUS_ADDRESS``, which the ``secret_service`` fixture sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO

SECRETS_BUS_NAME = "org.freedesktop.secrets"
PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")


class SecretServiceUnavailable(RuntimeError):
    """A program is missing or a daemon would not start (the fixture turns this into a skip)."""


def missing_programs() -> list[str]:
    return [program for program in PROGRAMS if shutil.which(program) is None]


class SecretService:
    """A D-Bus session bus with an unlocked gnome-keyring on it."""

    def __init__(self, directory: Path, password: str = "popgui-test-keyring") -> None:
        self.directory = directory.resolve()
        self.password = password
        self.address = ""
        self._bus: subprocess.Popen[bytes] | None = None
        self._keyring: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    def start(self, *, timeout: float = 20.0) -> None:
        missing = missing_programs()
        if missing:
            raise SecretServiceUnavailable(
                f"{' and '.join(missing)} not found: the Secret Service tests need "
                "gnome-keyring and D-Bus (apt-get install gnome-keyring dbus dbus-x11)"
            )
        runtime = self.directory / "runtime"
        data = self.directory / "data"
        for path in (runtime, data):
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"}
        }
        env.update(XDG_DATA_HOME=str(data), XDG_RUNTIME_DIR=str(runtime))
        try:
            self._start_bus(env, runtime / "bus")
            env["DBUS_SESSION_BUS_ADDRESS"] = self.address
            self._start_keyring(env)
            self._wait_for_owner(timeout)
        except BaseException:
            self.stop()
            raise

    def _log(self, name: str) -> IO[bytes]:
        log = (self.directory / f"{name}.log").open("ab")
        self._logs.append(log)
        return log

    def _start_bus(self, env: dict[str, str], socket_path: Path) -> None:
        self._bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
             f"--address=unix:path={socket_path}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log("dbus-daemon"),
            env=env, start_new_session=True,
        )  # fmt: skip
        assert self._bus.stdout is not None
        self.address = self._bus.stdout.readline().decode("utf-8", "replace").strip()
        self._bus.stdout.close()  # it prints the address once; nothing else comes
        if not self.address:
            raise SecretServiceUnavailable(f"dbus-daemon did not start:\n{self.log_text()}")

    def _start_keyring(self, env: dict[str, str]) -> None:
        log = self._log("gnome-keyring")
        self._keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=log, stderr=log, env=env, start_new_session=True,
        )  # fmt: skip
        assert self._keyring.stdin is not None
        self._keyring.stdin.write(self.password.encode("utf-8"))
        self._keyring.stdin.close()

    def _wait_for_owner(self, timeout: float) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        deadline = time.monotonic() + timeout
        with open_dbus_connection(bus=self.address) as connection:
            while time.monotonic() < deadline:
                reply = connection.send_and_get_reply(message_bus.NameHasOwner(SECRETS_BUS_NAME))
                if reply.body[0]:
                    return
                if self._keyring is not None and self._keyring.poll() is not None:
                    break
                time.sleep(0.05)
        raise SecretServiceUnavailable(f"gnome-keyring did not start:\n{self.log_text()}")

    def stop(self) -> None:
        for process in (self._keyring, self._bus):
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        self._keyring = self._bus = None
        for log in self._logs:
            log.close()
        self._logs.clear()

    def log_text(self) -> str:
        return "".join(
            path.read_text("utf-8", "replace") for path in sorted(self.directory.glob("*.log"))
        )

    # -- helpers for tests of the locked state ------------------------------------------------

    def lock(self) -> None:
        """Lock the default collection (the next read needs a prompt, which is dismissed)."""
        import secretstorage

        with secretstorage.dbus_init() as connection:
            secretstorage.get_default_collection(connection).lock()

    def unlock(self) -> None:
        """Unlock the default collection again with the keyring password, without a prompt.

        Uses gnome-keyring's own ``UnlockWithMasterPassword`` method: the standard API would
        ask for the password through a prompt window.
        """
        import secretstorage
        from jeepney import DBusAddress, new_method_call
        from secretstorage.util import format_secret, open_session

        with secretstorage.dbus_init() as connection:
            collection = secretstorage.get_default_collection(connection)
            session = open_session(connection)
            secret = format_secret(session, self.password.encode("utf-8"), "text/plain")
            internal = DBusAddress(
                "/org/freedesktop/secrets",
                bus_name=SECRETS_BUS_NAME,
                interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            )
            connection.send_and_get_reply(
                new_method_call(
                    internal,
                    "UnlockWithMasterPassword",
                    "o(oayays)",
                    (collection.collection_path, secret),
                )
            )
            if collection.is_locked():
                raise SecretServiceUnavailable("gnome-keyring did not unlock the collection")
