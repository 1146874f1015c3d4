"""The background writer: files spread over lanes, each file's operations in order, a mark that
covers every lane, and several fsyncs in flight at once."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.store import writer as writer_module
from popgui.store.writer import BackgroundWriter, Directory


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Iterator[Directory]:
    directory = Directory(str(tmp_path))
    directory.open()
    yield directory
    directory.close()


def test_files_go_to_the_lanes_in_turn_and_keep_their_order(tmp_dir: Directory) -> None:
    writer = BackgroundWriter(lanes=3)
    files = [writer.file(tmp_dir, f"f{n}") for n in range(7)]
    for n, file in enumerate(files):
        for part in range(5):  # a large message: several operations of one file
            file.write(f"{n}:{part};".encode())
        file.close(b"end")
    writer.drain()
    writer.close()
    for n, file in enumerate(files):
        assert file.error is None
        expected = "".join(f"{n}:{part};" for part in range(5)) + "end"
        assert Path(file.path).read_text() == expected


def test_a_mark_waits_for_every_lane(monkeypatch: pytest.MonkeyPatch, tmp_dir: Directory) -> None:
    """A batch's files sit in several lanes: its mark is reached only when all are durable."""
    release = threading.Event()
    fsynced: list[int] = []
    real_fsync = writer_module.fsync_file

    def slow_on_the_first_lane(fd: int) -> None:
        if threading.current_thread().name == "popgui-writer-1":
            release.wait(10)
        real_fsync(fd)
        fsynced.append(fd)

    monkeypatch.setattr(writer_module, "fsync_file", slow_on_the_first_lane)
    writer = BackgroundWriter(lanes=2)
    first, second = writer.file(tmp_dir, "a"), writer.file(tmp_dir, "b")
    first.close(b"a")
    second.close(b"b")
    mark = writer.mark()
    waited = threading.Thread(target=writer.wait, args=(mark,))
    waited.start()
    waited.join(0.5)
    assert waited.is_alive(), "the mark was reached while a lane still had its file"
    release.set()
    waited.join(10)
    assert not waited.is_alive() and len(fsynced) == 2
    writer.close()


def test_several_fsyncs_are_in_flight_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_dir: Directory
) -> None:
    """The lanes exist so that a disk gets concurrent flushes: with four lanes, four files are
    being fsynced at the same moment (each fsync here waits until four have started)."""
    started = threading.Barrier(4, timeout=10)
    real_fsync = writer_module.fsync_file

    def meet_the_others(fd: int) -> None:
        started.wait()  # BrokenBarrierError (a failed write) if the fsyncs ran one at a time
        real_fsync(fd)

    monkeypatch.setattr(writer_module, "fsync_file", meet_the_others)
    writer = BackgroundWriter(lanes=4)
    files = [writer.file(tmp_dir, f"f{n}") for n in range(8)]
    for file in files:
        file.close(b"data")
    writer.drain()
    writer.close()
    assert [file.error for file in files] == [None] * 8
    assert sorted(os.listdir(tmp_dir.path)) == sorted(f"f{n}" for n in range(8))
