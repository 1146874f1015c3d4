"""Two popgui builds in one bench run: the baseline client, its install, its GUI profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import clients, gui, install
from bench.cli import parse
from bench.clients import POPGUI, POPGUI_BEFORE, PopguiBefore


def test_baseline_client_only_by_default_with_a_baseline_tree() -> None:
    assert POPGUI_BEFORE not in parse([]).clients
    assert POPGUI_BEFORE in parse(["--baseline-tree", "/somewhere"]).clients
    chosen = parse(["--clients", "popgui,popgui-before,mpop"]).clients
    assert chosen == [POPGUI, POPGUI_BEFORE, "mpop"]


def test_baseline_client_runs_its_own_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clients, "_installed_popgui", {})
    before = PopguiBefore()
    assert before.missing() is not None
    clients.use_installed_popgui(Path("/venvs/before/bin/popgui"), POPGUI_BEFORE)
    clients.use_installed_popgui(Path("/venvs/after/bin/popgui"), POPGUI)
    assert before.missing() is None
    job = clients.Job("127.0.0.1", 110, "u", "p", Path("/work/run"))
    assert before.command(job)[0] == "/venvs/before/bin/popgui"
    assert clients.Popgui().command(job)[0] == "/venvs/after/bin/popgui"


def test_baseline_installed_from_a_copy_leaving_the_tree_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "before"
    (tree / "popgui").mkdir(parents=True)
    (tree / "pyproject.toml").write_text("[project]\n")
    (tree / "popgui" / "__init__.py").write_text("")
    (tree / ".venv").mkdir()
    (tree / "build").mkdir()
    installed_from: list[Path] = []

    def fake_install(workroot: Path, source: Path, venv_name: str) -> tuple[Path, str]:
        installed_from.append(source)
        (source / "build").mkdir()  # what setuptools does in the tree it builds
        return workroot / venv_name / "bin" / "popgui", f"from {source}"

    monkeypatch.setattr(install, "install_popgui", fake_install)
    work = tmp_path / "work"
    work.mkdir()
    script, _ = install.install_baseline(work, tree)
    assert script == work / "popgui-before-venv" / "bin" / "popgui"
    [source] = installed_from
    assert source != tree and (source / "popgui" / "__init__.py").exists()
    assert not (source / ".venv").exists()
    assert sorted(p.name for p in tree.iterdir()) == [".venv", "build", "popgui", "pyproject.toml"]
    assert not any((tree / "build").iterdir())


def test_baseline_tree_without_a_project_is_refused(tmp_path: Path) -> None:
    script, how = install.install_baseline(tmp_path, tmp_path / "nothing")
    assert script is None and "pyproject.toml" in how


def test_fresh_profile_links_the_mail_and_copies_the_rest(tmp_path: Path) -> None:
    base = tmp_path / "base"
    (base / "mail" / "bench" / "cur").mkdir(parents=True)
    message = base / "mail" / "bench" / "cur" / "1.G1.bench:2,S"
    message.write_bytes(b"Subject: x\n\nBonjour.\n")
    (base / "settings.json").write_text("{}")
    (base / "popgui.sqlite3").write_bytes(b"db")
    profile = gui.fresh_profile(tmp_path)
    assert profile == tmp_path / "profile"
    copied = profile / "mail" / "bench" / "cur" / message.name
    assert os.path.samefile(copied, message)
    for name in ("settings.json", "popgui.sqlite3"):
        assert (profile / name).read_bytes() == (base / name).read_bytes()
        assert not os.path.samefile(profile / name, base / name)
