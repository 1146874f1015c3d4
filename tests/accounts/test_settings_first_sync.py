"""Settings versions 5 and 6: what an account's first sync downloads (``first_sync``), and
whether it adopts the mail already in its Maildir (``adopt``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from popgui.accounts.settings import (
    SETTINGS_VERSION,
    Account,
    Settings,
    first_sync_start,
    load_settings,
    save_settings,
    validate_account,
)
from popgui.errors import ConfigError

BASE = {"name": "w", "host": "pop.example.org", "user": "u"}


def account(**overrides: object) -> Account:
    return Account(**{**BASE, **overrides})  # type: ignore[arg-type]


def test_a_version_4_file_reads_as_download_all(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 4, "accounts": [BASE]}))
    (read,) = load_settings(path)
    assert (read.first_sync, read.first_sync_since) == ("all", None)
    save_settings(path, Settings([read]))
    data = json.loads(path.read_text())
    assert data["version"] == SETTINGS_VERSION == 9
    assert data["accounts"][0]["first_sync"] == "all"
    assert data["accounts"][0]["adopt"] is False


@pytest.mark.parametrize(
    ("choice", "since"), [("new", "2024-01-31T09:30:00+00:00"), ("since", "2024-01-31")]
)
def test_first_sync_survives_the_file(tmp_path: Path, choice: str, since: str) -> None:
    path = tmp_path / "settings.json"
    stored = account(first_sync=choice, first_sync_since=since)
    save_settings(path, Settings([stored]))
    assert load_settings(path).get("w") == stored


def test_the_start_of_a_since_day_is_midnight_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    start = first_sync_start(account(first_sync="since", first_sync_since="2024-01-31"))
    assert start is not None and start.timestamp() == datetime(2024, 1, 31, tzinfo=UTC).timestamp()
    moment = account(first_sync="new", first_sync_since="2024-01-31T09:30:00+01:00")
    assert first_sync_start(moment) == datetime(2024, 1, 31, 8, 30, tzinfo=UTC)
    assert first_sync_start(account()) is None


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"first_sync": "later"}, "first_sync must be one of all, new, since"),
        ({"first_sync_since": "2024-01-31"}, "only used with first_sync new or since"),
        ({"first_sync": "since"}, "a day written YYYY-MM-DD"),
        ({"first_sync": "since", "first_sync_since": "31/01/2024"}, "not '31/01/2024'"),
        ({"first_sync": "since", "first_sync_since": "20240131"}, "a day written YYYY-MM-DD"),
        ({"first_sync": "new", "first_sync_since": "2024-01-31T09:30:00"}, "time zone"),
        ({"first_sync": "new", "first_sync_since": "2024-02-30T00:00:00Z"}, "time zone"),
        (
            {"first_sync": "new", "first_sync_since": "2024-01-31T09:30:00Z", "protocol": "pop2"},
            "first_sync new is not possible with POP2",
        ),
    ],
)
def test_bad_first_sync_settings_are_refused(fields: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        validate_account(account(**fields))


def test_a_version_5_file_reads_as_not_adopting(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 5, "accounts": [BASE]}))
    (read,) = load_settings(path)
    assert read.adopt is False
    save_settings(path, Settings([read]))
    assert json.loads(path.read_text())["accounts"][0]["adopt"] is False
    stored = account(adopt=True, maildir="/srv/old")
    save_settings(path, Settings([stored]))
    assert load_settings(path).get("w") == stored


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"adopt": "yes"}, "must be true or false"),
        ({"adopt": True, "protocol": "pop2", "security": "none", "auth": "user"}, "POP2"),
        (
            {"adopt": True, "first_sync": "since", "first_sync_since": "2024-01-31"},
            "goes only with first_sync all",
        ),
    ],
)
def test_adopt_refused_where_it_cannot_work(
    tmp_path: Path, overrides: dict[str, object], words: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 6, "accounts": [{**BASE, **overrides}]}))
    with pytest.raises(ConfigError, match=words):
        load_settings(path)
