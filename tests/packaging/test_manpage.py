"""The man page: generated from the parser, it names every command and option, and renders.

packaging/manpage.py is a build script, not part of the package: it is loaded from its file
(``import packaging`` would find the PyPI project of that name).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from popgui.cli.parser import build_parser
from tests.packaging import ROOT, need_program

SCRIPT = ROOT / "packaging" / "manpage.py"
_spec = importlib.util.spec_from_file_location("popgui_manpage", SCRIPT)
assert _spec is not None and _spec.loader is not None
manpage = sys.modules["popgui_manpage"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(manpage)
commands, render = manpage.commands, manpage.render


def _plain(troff: str) -> str:
    """The troff source with the escapes for minus signs and fonts taken out."""
    for escape in ("\\fB", "\\fI", "\\fR", "\\:", "\\&"):
        troff = troff.replace(escape, "")
    return troff.replace("\\-", "-")


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._actions for name in action.option_strings]


def test_page_names_every_command_and_option() -> None:
    page = _plain(render())
    parser = build_parser()
    leaves = commands(parser)
    assert [" ".join(command.words) for command in leaves] == [
        "account add", "account login", "account list", "account show", "account remove",
        "account import-state", "sync", "preview", "demo",
    ]  # fmt: skip
    for option in _option_strings(parser):
        assert option in page, option
    for command in leaves:
        title = " ".join(command.words)
        assert f'.SS "{title}"' in page, title
        section = page.split(f'.SS "{title}"', 1)[1].split(".SS ", 1)[0]
        for option in _option_strings(command.parser):
            if option not in ("-h", "--help"):
                assert option in section, f"{title}: {option}"
        for action in command.parser._actions:
            if isinstance(action.choices, list | tuple):
                for choice in action.choices:
                    assert str(choice) in section, f"{title}: {choice}"


def test_page_has_the_sections() -> None:
    page = render()
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "ENVIRONMENT",
                    "FILES", "EXIT STATUS", "EXAMPLES"):  # fmt: skip
        assert f"\n.SH {section}\n" in page, section
    assert "POPGUI_PROFILE" in page
    for status in ("0", "1", "2"):
        assert f".B {status}\n" in page


def test_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert render().startswith('.TH POPGUI 1 "2026-01-01" "popgui ')
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert render().startswith('.TH POPGUI 1 "" "popgui ')


def test_script_prints_the_page(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    printed = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert printed.stdout == render(date="")
    written = tmp_path / "popgui.1"
    subprocess.run(
        [sys.executable, str(SCRIPT), "-o", str(written)],
        env=environment,
        check=True,
        timeout=30,
    )
    assert written.read_text(encoding="utf-8") == printed.stdout


@pytest.mark.parametrize("width", [80, 100])
def test_man_renders_without_warnings(tmp_path: Path, width: int) -> None:
    man = need_program("man", "man-db")
    page = tmp_path / "popgui.1"
    page.write_text(render(), encoding="utf-8")
    environment = dict(os.environ, MANWIDTH=str(width), MAN_KEEP_FORMATTING="0", LC_ALL="C.UTF-8")
    result = subprocess.run(
        [man, "--warnings", "-l", str(page)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
    text = result.stdout
    assert "popgui - download mail" in text
    for command in ("account add", "sync", "preview", "demo"):
        assert command in text
    assert str(ROOT) not in text  # nothing of the build machine leaks into the page


def test_the_generator_is_not_shipped_in_the_package() -> None:
    # It only serves building the page (packaging/build.sh, packaging/linux/install.sh).
    assert importlib.util.find_spec("popgui.manpage") is None
