"""The results as a plain-text table, the targets with PASS/FAIL, and docs/performance.md.

``--write FILE`` replaces only the text between the two ``bench:results`` markers, so the
hand-written analysis around them survives a new run.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.clients import POPGUI, POPGUI_BEFORE
from bench.cliprobe import CliFigure
from bench.compare import (
    CLI_HEADER,
    COMPARE_HEADER,
    COMPARE_NOTE,
    GUI_HEADER,
    cli_rows,
    compare_rows,
    comparisons,
    guard_checks,
    gui_notes,
    gui_rows,
    gui_spread,
    spread,
    why_not_measured,
)
from bench.measure import Summary
from bench.scenarios import ScenarioResult

BEGIN = "<!-- bench:results:begin (written by python -m bench --write) -->"
END = "<!-- bench:results:end -->"
HEADER = (
    "scenario",
    "client",
    "wall s",
    "wall min–max",
    "CPU s",
    "CPU min–max",
    "peak RSS MB",
    "vs mpop",
    "vs before",
    "vs floor",
)

#: popgui / mpop, same run (the issue's targets).
RATIO_TARGETS = {"full": 0.9, "rtt": 0.9, "small": 0.5, "noop": 1.25}
RSS_TARGET_MB = 120.0
CLI_TARGET_SECONDS = 0.150
SHOW_TARGET_SECONDS = 0.300
STALL_TARGET_SECONDS = 0.050


@dataclass
class Report:
    results: list[ScenarioResult] = field(default_factory=list)
    cli: list[CliFigure] = field(default_factory=list)
    #: The window's figures of each popgui build, one dict per run (bench/gui.py).
    gui: dict[str, list[dict[str, Any]]] | None = None
    facts: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    command: str = ""


# -- the table ---------------------------------------------------------------------------------


def _ratio(summary: Summary, reference: Summary | None) -> str:
    return f"{summary.median / reference.median:.2f}" if reference else "-"


def table_rows(results: Iterable[ScenarioResult]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for result in results:
        mpop, floor = result.summaries.get("mpop"), result.summaries.get("raw")
        before = result.summaries.get(POPGUI_BEFORE)
        for client, s in result.summaries.items():
            rows.append(
                (
                    result.title,
                    client,
                    f"{s.median:.3f}",
                    spread(s.low, s.high),
                    f"{s.cpu.median:.3f}",
                    spread(s.cpu.low, s.cpu.high),
                    f"{s.peak_rss_mb:.1f}",
                    _ratio(s, mpop),
                    _ratio(s, before) if client in (POPGUI, POPGUI_BEFORE) else "-",
                    _ratio(s, floor),
                )
            )
    return rows


def plain_table(header: tuple[str, ...], rows: list[tuple[str, ...]], labels: int = 2) -> str:
    """Rows under ``header``: the first ``labels`` columns aligned left, figures right."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            c.ljust(w) if i < labels else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]], labels: int = 2) -> str:
    align = ["---" if i < labels else "---:" for i in range(len(header))]
    return "\n".join("| " + " | ".join(row) + " |" for row in [header, tuple(align), *rows])


# -- the targets -----------------------------------------------------------------------------


def _status(value: float | None, limit: float) -> str:
    if value is None:
        return "N/A"
    return "PASS" if value <= limit else "FAIL"


def ratio_checks(results: list[ScenarioResult]) -> list[tuple[str, ...]]:
    checks: list[tuple[str, ...]] = []
    for result in results:
        limit = RATIO_TARGETS.get(result.scenario.name)
        popgui, mpop = result.summaries.get(POPGUI), result.summaries.get("mpop")
        if limit is None:
            continue
        ratio = popgui.median / mpop.median if popgui and mpop else None
        shown = f"{ratio:.2f}" if ratio is not None else "not measured"
        checks.append(
            (f"{result.title}: popgui / mpop", f"≤ {limit}", shown, _status(ratio, limit))
        )
    return checks


def rss_checks(results: list[ScenarioResult]) -> list[tuple[str, ...]]:
    checks: list[tuple[str, ...]] = []
    for result in results:
        popgui = result.summaries.get(POPGUI)
        if popgui:
            checks.append(
                (
                    f"{result.title}: popgui peak RSS",
                    f"≤ {RSS_TARGET_MB:.0f} MB",
                    f"{popgui.peak_rss_mb:.1f} MB",
                    _status(popgui.peak_rss_mb, RSS_TARGET_MB),
                )
            )
    return checks


def cli_checks(figures: list[CliFigure]) -> list[tuple[str, ...]]:
    checks: list[tuple[str, ...]] = []
    for figure in figures:
        if figure.client != POPGUI:
            continue
        median = figure.summary.median
        checks.append(
            (
                f"{figure.label}: time",
                f"≤ {CLI_TARGET_SECONDS * 1000:.0f} ms",
                f"{median * 1000:.0f} ms",
                _status(median, CLI_TARGET_SECONDS),
            )
        )
        qt = ", ".join(figure.qt_modules) or "none"
        checks.append(
            (
                f"{figure.label}: Qt modules imported",
                "none",
                qt,
                "PASS" if not figure.qt_modules else "FAIL",
            )
        )
    return checks


def gui_checks(gui: dict[str, list[dict[str, Any]]] | None) -> list[tuple[str, ...]]:
    if gui is None or POPGUI not in gui:
        return []
    runs = gui[POPGUI]
    rows = max((figures.get("rows", 0) for figures in runs), default=0)
    reason = why_not_measured(runs)

    def check(label: str, key: str, limit: float) -> tuple[str, ...]:
        figure = gui_spread(runs, key)
        value = figure.median if figure else None
        shown = f"{value * 1000:.0f} ms" if value is not None else reason
        return (label, f"≤ {limit * 1000:.0f} ms", shown, _status(value, limit))

    return [
        check(
            f"{rows:,}-message folder shown (from process start)",
            "shown_seconds",
            SHOW_TARGET_SECONDS,
        ),
        check("longest GUI event-loop stall during a sync", "stall_seconds", STALL_TARGET_SECONDS),
    ]


def target_rows(report: Report) -> list[tuple[str, ...]]:
    checkers: list[Callable[[], list[tuple[str, ...]]]] = [
        lambda: ratio_checks(report.results),
        lambda: guard_checks(comparisons(report.results, report.cli, report.gui)),
        lambda: rss_checks(report.results),
        lambda: cli_checks(report.cli),
        lambda: gui_checks(report.gui),
    ]
    return [row for checker in checkers for row in checker()]


TARGET_HEADER = ("target", "goal", "measured", "status")


# -- machine facts ---------------------------------------------------------------------------


def _first_line(command: list[str]) -> str:
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        return "not installed"
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "WARNING" not in line]
    return lines[0].strip() if lines else "?"


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def _os_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def machine_facts(workroot: Path) -> dict[str, str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{_cpu()} × {os.cpu_count()} logical CPUs",
        "memory": _memory(),
        "system": f"{_os_name()}, Linux {platform.release()}",
        "disk": f"{workroot} on {_filesystem(workroot)}",
        "python": platform.python_version(),
        "dovecot": _first_line(["/usr/sbin/dovecot", "--version"]),
        "mpop": _first_line(["mpop", "--version"]),
        "fetchmail": _first_line(["fetchmail", "--version"]),
        "getmail6": _first_line(["getmail", "--version"]),
        "load average at start (1, 5, 15 min)": load,
    }


def _filesystem(path: Path) -> str:
    best, kind, device = "", "?", ""
    for line in Path("/proc/mounts").read_text().splitlines():
        source, mount, fstype, *_ = line.split()
        if str(path).startswith(mount) and len(mount) > len(best):
            best, kind, device = mount, fstype, source
    if kind == "ext4" and not _has_journal(device):
        # File creation then slows down for minutes after a mass deletion (scenarios.py).
        return "ext4 without a journal"
    return kind


def _has_journal(device: str) -> bool:
    """Whether an ext4 device runs a jbd2 journal (its entry in /proc/fs/jbd2)."""
    jbd2 = Path("/proc/fs/jbd2")
    name = Path(device).name
    return jbd2.is_dir() and any(entry.name.startswith(name + "-") for entry in jbd2.iterdir())


# -- output ----------------------------------------------------------------------------------


def text_report(report: Report) -> str:
    parts = [plain_table(HEADER, table_rows(report.results))]
    for result in report.results:
        parts += [f"note ({result.title}): {note}" for note in result.notes]
    parts += [f"skipped: {note}" for note in report.skipped]
    if report.cli:
        parts += ["", "Command line:", plain_table(CLI_HEADER, cli_rows(report.cli))]
    if report.gui:
        parts += ["", "Window:", plain_table(GUI_HEADER, gui_rows(report.gui), 1)]
        parts += [f"gui: {note}" for note in gui_notes(report.gui)]
    if comparison := compare_rows(comparisons(report.results, report.cli, report.gui)):
        parts += ["", "Before / after:", plain_table(COMPARE_HEADER, comparison, 1)]
    parts += ["", "Targets (popgui):", plain_table(TARGET_HEADER, target_rows(report))]
    return "\n".join(parts)


def markdown_results(report: Report) -> str:
    facts = "\n".join(f"- {key}: {value}" for key, value in report.facts.items())
    notes = [f"- {result.title}: {note}" for result in report.results for note in result.notes]
    notes += [f"- skipped: {note}" for note in report.skipped]
    notes += [f"- GUI probe: {note}" for note in gui_notes(report.gui)] if report.gui else []
    comparison = compare_rows(comparisons(report.results, report.cli, report.gui))
    return "\n\n".join(
        part
        for part in (
            BEGIN,
            f"Command: `{report.command}`",
            "### Results\n\n" + markdown_table(HEADER, table_rows(report.results)),
            "### Command line\n\n" + markdown_table(CLI_HEADER, cli_rows(report.cli))
            if report.cli
            else "",
            "### Window\n\n" + markdown_table(GUI_HEADER, gui_rows(report.gui), 1)
            if report.gui
            else "",
            "### Before / after\n\n"
            + COMPARE_NOTE
            + "\n\n"
            + markdown_table(COMPARE_HEADER, comparison, 1)
            if comparison
            else "",
            "### Notes from the run\n\n" + "\n".join(notes) if notes else "",
            "### Targets (popgui)\n\n" + markdown_table(TARGET_HEADER, target_rows(report)),
            "### Machine\n\n" + facts,
            END,
        )
        if part
    )


SKELETON = """# Performance

How fast popgui downloads mail, measured against mpop, fetchmail, getmail6, a poplib loop and
a raw pipelined floor by `python -m bench` (the harness lives in `bench/`).

{results}
"""


def write_markdown(path: Path, report: Report) -> None:
    block = markdown_results(report)
    if path.exists() and BEGIN in (text := path.read_text("utf-8")) and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(head + block + tail, "utf-8")
    else:
        path.write_text(SKELETON.format(results=block), "utf-8")
