"""The command line's grammar, exit codes and messages, against the project's own servers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.localserver import LocalPOP2Server, LocalPOP3Server, ServerAccount, ServerMailbox

from .helpers import password_command, run_popgui, sync_json

USER, PASSWORD = "bob", "s3cret pass"


@pytest.fixture
def servers() -> Iterator[tuple[LocalPOP3Server, LocalPOP2Server]]:
    pop3_box, pop2_box = ServerMailbox(), ServerMailbox()
    for index in range(5):
        pop3_box.add(f"Subject: pop3 number {index}\r\n\r\nbody {index}\r\n".encode())
        pop2_box.add(f"Subject: pop2 number {index}\r\n\r\nbody {index}\r\n".encode())
    with (
        LocalPOP3Server([ServerAccount(USER, PASSWORD, pop3_box)]) as pop3,
        LocalPOP2Server([ServerAccount(USER, PASSWORD, pop2_box)]) as pop2,
    ):
        yield pop3, pop2


def add(profile: Path, name: str, port: int, *extra: str) -> None:
    done = run_popgui(
        profile,
        "account",
        "add",
        name,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--security",
        "none",
        "--user",
        USER,
        "--password-command",
        password_command(PASSWORD),
        *extra,
    )
    assert done.returncode == 0, done.stderr


def test_version_needs_no_qt() -> None:
    done = run_popgui(Path("/nonexistent"), "--version")
    assert done.returncode == 0
    assert re.fullmatch(r"popgui \d+\.\d+\.\d+\n", done.stdout)


def test_account_lifecycle(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    pop3, pop2 = servers
    add(tmp_path, "home", pop3.port, "--delete-after-days", "30")
    add(tmp_path, "old", pop2.port, "--protocol", "pop2")
    listing = run_popgui(tmp_path, "account", "list")
    assert listing.returncode == 0
    assert [line.split("\t")[0] for line in listing.stdout.splitlines()] == ["home", "old"]
    shown = run_popgui(tmp_path, "account", "show", "home").stdout
    assert "policy: delete-after-days" in shown
    assert "delete-after-days: 30" in shown
    assert "password-command: " in shown
    assert run_popgui(tmp_path, "account", "remove", "old").returncode == 0
    listing = run_popgui(tmp_path, "account", "list").stdout
    assert [line.split("\t")[0] for line in listing.splitlines()] == ["home"]


def test_sync_all_accounts_pop3_and_pop2(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    pop3, pop2 = servers
    add(tmp_path, "three", pop3.port)
    add(tmp_path, "two", pop2.port, "--protocol", "pop2", "--delete")
    code, report, stderr = sync_json(tmp_path)
    assert code == 0, stderr
    assert [(r["account"], r["downloaded"], r["deleted"], r["error"]) for r in report] == [
        ("three", 5, 0, None),
        ("two", 5, 5, None),
    ]
    plain = run_popgui(tmp_path, "sync")
    assert plain.returncode == 0
    assert plain.stdout.splitlines() == ["three: 0 new messages", "two: 0 new messages"]


def test_one_failing_account_gives_exit_1_and_the_others_still_sync(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    pop3, _ = servers
    add(tmp_path, "good", pop3.port)
    done = run_popgui(
        tmp_path,
        "account",
        "add",
        "bad",
        "--host",
        "127.0.0.1",
        "--port",
        str(pop3.port),
        "--security",
        "none",
        "--user",
        USER,
        "--password-command",
        password_command("nope"),
    )
    assert done.returncode == 0
    code, report, stderr = sync_json(tmp_path)
    assert code == 1
    by_name = {r["account"]: r for r in report}
    assert by_name["good"]["downloaded"] == 5 and by_name["good"]["error"] is None
    assert by_name["bad"]["error_kind"] == "credentials"
    assert "bad:" in stderr and "password" in stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["sync", "nobody"], "no account named 'nobody'"),
        (["preview", "nobody"], "no account named 'nobody'"),
        (["account", "show", "nobody"], "no account named 'nobody'"),
        (
            [
                "account",
                "add",
                "x",
                "--host",
                "evil\r\nhost",
                "--user",
                "u",
                "--password-command",
                "true",
            ],
            "host",
        ),
        (
            [
                "account",
                "add",
                "x",
                "--host",
                "h.example",
                "--user",
                "u\rx",
                "--password-command",
                "true",
            ],
            "user",
        ),
        (
            [
                "account",
                "add",
                "x",
                "--host",
                "h.example",
                "--user",
                "u",
                "--protocol",
                "pop2",
                "--security",
                "none",
                "--remote-folder",
                "in\nbox",
                "--password-command",
                "true",
            ],
            "folder",
        ),
        (
            [
                "account",
                "add",
                "x",
                "--host",
                "h.example",
                "--user",
                "u",
                "--fingerprint",
                "abc",
                "--password-command",
                "true",
            ],
            "fingerprint",
        ),
        (
            [
                "account",
                "add",
                "x",
                "--host",
                "h.example",
                "--user",
                "u",
                "--port",
                "70000",
                "--password-command",
                "true",
            ],
            "port",
        ),
        (["sync", "--timeout", "0"], "0"),
        (["account", "add", "x", "--host", "h"], "--user"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    done = run_popgui(tmp_path, *arguments)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_password_with_nul_or_cr_is_refused(tmp_path: Path) -> None:
    for password in ("pa\x00ss", "pa\rss"):
        done = run_popgui(
            tmp_path,
            "account",
            "add",
            "x",
            "--host",
            "h.example",
            "--user",
            "u",
            "--password-stdin",
            stdin=password + "\n",
        )
        assert done.returncode == 2, done.stderr
        assert "password" in done.stderr
        assert password not in done.stderr
    assert not (tmp_path / "settings.json").exists()


def test_adding_an_existing_account_needs_replace(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    pop3, _ = servers
    add(tmp_path, "home", pop3.port)
    again = run_popgui(
        tmp_path,
        "account",
        "add",
        "home",
        "--host",
        "127.0.0.1",
        "--user",
        USER,
        "--password-command",
        "true",
    )
    assert again.returncode == 2
    assert "--replace" in again.stderr
    add(tmp_path, "home", pop3.port, "--delete", "--replace")
    assert "policy: delete" in run_popgui(tmp_path, "account", "show", "home").stdout


def test_unreachable_server_is_a_network_error(tmp_path: Path) -> None:
    done = run_popgui(
        tmp_path,
        "account",
        "add",
        "gone",
        "--host",
        "127.0.0.1",
        "--port",
        "1",
        "--security",
        "none",
        "--user",
        USER,
        "--password-command",
        password_command(PASSWORD),
    )
    assert done.returncode == 0
    code, report, stderr = sync_json(tmp_path)
    assert code == 1
    assert report[0]["error_kind"] == "network"
    assert "could not connect" in stderr


def test_preview_of_pop2_explains_there_is_no_top(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    _, pop2 = servers
    add(tmp_path, "two", pop2.port, "--protocol", "pop2")
    done = run_popgui(tmp_path, "preview", "two")
    assert done.returncode == 1
    assert "POP2" in done.stderr and "TOP" in done.stderr


def test_preview_table_when_piped(
    tmp_path: Path, servers: tuple[LocalPOP3Server, LocalPOP2Server]
) -> None:
    pop3, _ = servers
    add(tmp_path, "three", pop3.port)
    done = run_popgui(tmp_path, "preview", "three")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(row[0], row[1], row[5]) for row in rows] == [
        (str(n + 1), "new", f"pop3 number {n}") for n in range(5)
    ]


def test_demo_runs_in_the_terminal(tmp_path: Path) -> None:
    done = run_popgui(tmp_path, "demo", "--no-window")
    assert done.returncode == 0, done.stderr
    assert re.search(r"demo-pop3: \d+ new messages", done.stdout)
    assert re.search(r"demo-pop2: \d+ new messages", done.stdout)
    assert list((tmp_path / "mail" / "demo-pop3" / "new").iterdir())
    assert list((tmp_path / "mail" / "demo-pop2" / "new").iterdir())
    settings = json.loads((tmp_path / "settings.json").read_text())
    assert {a["name"] for a in settings["accounts"]} == {"demo-pop3", "demo-pop2"}
