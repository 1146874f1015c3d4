"""The profile directory: the one place that holds the settings, the database and the mail.

Where it is, first match wins:

1. the command line's ``--profile DIR``;
2. the environment variable ``POPGUI_PROFILE`` (tests and benchmarks use it to stay isolated);
3. ``platformdirs.user_data_dir("popgui")`` (``~/.local/share/popgui`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

from popgui.catalog import store as says
from popgui.errors import ConfigError

PROFILE_ENV = "POPGUI_PROFILE"
APP_NAME = "popgui"


def resolve_profile(cli_value: str | None) -> Path:
    """The profile directory chosen by ``--profile``, ``POPGUI_PROFILE`` or the platform."""
    for value in (cli_value, os.environ.get(PROFILE_ENV)):
        if value:
            if "\0" in value:
                raise ConfigError(says.PROFILE_NUL())
            return Path(value).expanduser().absolute()
    import platformdirs  # only for the default place (it imports tempfile, shutil...)

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).absolute()


class Profile:
    """The files of one profile. Creating it creates the directory (mode 0700) if needed.

    The sub-directories (``mail``, ``locks``, ``logs``) are only named here; whoever writes
    into one creates it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().absolute()
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise ConfigError(says.PROFILE_CREATE_FAILED(path=self.path, reason=reason)) from error
        if not self.path.is_dir():
            raise ConfigError(says.PROFILE_NOT_A_DIRECTORY(path=self.path))

    def __repr__(self) -> str:
        return f"Profile({str(self.path)!r})"

    @property
    def settings_file(self) -> Path:
        return self.path / "settings.json"

    @property
    def database_file(self) -> Path:
        return self.path / "popgui.sqlite3"

    @property
    def mail_dir(self) -> Path:
        """Where the accounts' Maildirs go unless an account names its own."""
        return self.path / "mail"

    @property
    def locks_dir(self) -> Path:
        return self.path / "locks"

    @property
    def logs_dir(self) -> Path:
        return self.path / "logs"
