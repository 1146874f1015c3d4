"""Tables that set the popgui builds side by side (the checkout's and ``--baseline-tree``'s).

- the before/after comparison: for every scenario both builds ran, the ratio of their medians
  (wall and CPU time), and the lowest and highest of the run-by-run ratios: the builds ran
  one after the other in each run, so a run's ratio compares them under the same conditions
  and the spread of those ratios shows how much of a difference is noise;
- the guard rail on it: after / before ≤ 1.10 in every scenario but the GUI stall, which has
  its absolute target;
- the window's figures (bench/gui.py) and the command line's (bench/cliprobe.py) per build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.clients import POPGUI, POPGUI_BEFORE
from bench.cliprobe import CliFigure
from bench.measure import Spread, Summary
from bench.scenarios import ScenarioResult

#: after / before, same run (the issue's guard rail).
GUARD_RATIO = 1.10
COMPARE_HEADER = (
    "scenario",
    "wall after/before",
    "per run min–max",
    "CPU after/before",
    "per run min–max",
    "pairs",
)
COMPARE_NOTE = (
    f"after = `{POPGUI}` (this checkout), before = `{POPGUI_BEFORE}` (the baseline tree); "
    "ratios of the medians, then the lowest and highest ratio of the runs' pairs."
)
GUI_HEADER = (
    "client",
    "shown ms",
    "shown min–max",
    "stall ms",
    "stall min–max",
    "sync ms",
    "shown CPU s",
    "sync CPU s",
    "peak RSS MB",
    "runs",
)
#: The window's peak RSS: the larger of the two probes' (GNU time's %M, bench/measure.py).
PEAK_KEYS = ("shown_peak_rss_mb", "sync_peak_rss_mb")
CLI_HEADER = ("command", "client", "median ms", "min–max ms", "CPU ms", "Qt modules")
#: The window's figures compared, with whether the guard rail applies.
GUI_COMPARED = (
    ("window: folder shown", "shown_seconds", "shown_cpu_seconds", True),
    ("window: sync", "sync_seconds", "sync_cpu_seconds", True),
    ("window: longest stall", "stall_seconds", None, False),
)


@dataclass(frozen=True)
class Comparison:
    """One scenario's after/before figures; ``pairs`` holds each run's (after, before)."""

    label: str
    wall: float
    wall_pairs: Sequence[tuple[float, float]]
    cpu: float | None
    cpu_pairs: Sequence[tuple[float, float]]
    guarded: bool = True


def spread(low: float, high: float, digits: int = 3) -> str:
    return f"{low:.{digits}f}–{high:.{digits}f}"


def ratio_spread(pairs: Sequence[tuple[float, float]]) -> str:
    ratios = [after / before for after, before in pairs if before > 0]
    return spread(min(ratios), max(ratios), 2) if ratios else "-"


def of_summaries(label: str, after: Summary, before: Summary) -> Comparison:
    pairs = list(zip(after.samples, before.samples, strict=False))
    return Comparison(
        label,
        after.median / before.median,
        [(a.seconds, b.seconds) for a, b in pairs],
        after.cpu.median / before.cpu.median if before.cpu.median > 0 else None,
        [(a.cpu_seconds, b.cpu_seconds) for a, b in pairs],
    )


def gui_spread(runs: Sequence[dict[str, Any]], key: str) -> Spread | None:
    values = [f[key] for f in runs if isinstance(f.get(key), int | float)]
    return Spread.of(values) if values else None


def of_gui(gui: dict[str, list[dict[str, Any]]]) -> list[Comparison]:
    after, before = gui.get(POPGUI, []), gui.get(POPGUI_BEFORE, [])
    comparisons = []
    for label, key, cpu_key, guarded in GUI_COMPARED:
        wall_after, wall_before = gui_spread(after, key), gui_spread(before, key)
        if not wall_after or not wall_before or wall_before.median <= 0:
            continue
        cpu_after = gui_spread(after, cpu_key) if cpu_key else None
        cpu_before = gui_spread(before, cpu_key) if cpu_key else None
        cpu = cpu_after.median / cpu_before.median if cpu_after and cpu_before else None
        comparisons.append(
            Comparison(
                label,
                wall_after.median / wall_before.median,
                paired(after, before, key),
                cpu,
                paired(after, before, cpu_key) if cpu_key else [],
                guarded,
            )
        )
    return comparisons


def paired(
    after: Sequence[dict[str, Any]], before: Sequence[dict[str, Any]], key: str
) -> list[tuple[float, float]]:
    pairs = zip(after, before, strict=False)
    return [(a[key], b[key]) for a, b in pairs if key in a and key in b]


def comparisons(
    results: Sequence[ScenarioResult],
    cli: Sequence[CliFigure],
    gui: dict[str, list[dict[str, Any]]] | None,
) -> list[Comparison]:
    found = []
    for result in results:
        after, before = result.summaries.get(POPGUI), result.summaries.get(POPGUI_BEFORE)
        if after and before:
            found.append(of_summaries(result.title, after, before))
    for figure in cli:
        twin = [f for f in cli if f.label == figure.label and f.client == POPGUI_BEFORE]
        if figure.client == POPGUI and twin:
            found.append(of_summaries(figure.label, figure.summary, twin[0].summary))
    return found + (of_gui(gui) if gui else [])


def compare_rows(found: Sequence[Comparison]) -> list[tuple[str, ...]]:
    return [
        (
            c.label,
            f"{c.wall:.2f}",
            ratio_spread(c.wall_pairs),
            f"{c.cpu:.2f}" if c.cpu is not None else "-",
            ratio_spread(c.cpu_pairs),
            str(len(c.wall_pairs)),
        )
        for c in found
    ]


def guard_checks(found: Sequence[Comparison]) -> list[tuple[str, ...]]:
    return [
        (
            f"{c.label}: {POPGUI} / {POPGUI_BEFORE}",
            f"≤ {GUARD_RATIO:.2f}",
            f"{c.wall:.2f}",
            "PASS" if c.wall <= GUARD_RATIO else "FAIL",
        )
        for c in found
        if c.guarded
    ]


def why_not_measured(runs: Sequence[dict[str, Any]]) -> str:
    for figures in runs:
        for key in ("reason", "stall_note", "note"):
            if figures.get(key):
                return str(figures[key])
    return "not measured"


def milliseconds(figure: Spread | None) -> tuple[str, str]:
    if figure is None:
        return "-", "-"
    return f"{figure.median * 1000:.0f}", spread(figure.low * 1000, figure.high * 1000, 0)


def gui_rows(gui: dict[str, list[dict[str, Any]]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, runs in gui.items():
        shown, stall = gui_spread(runs, "shown_seconds"), gui_spread(runs, "stall_seconds")
        shown_cpu = gui_spread(runs, "shown_cpu_seconds")
        sync_cpu = gui_spread(runs, "sync_cpu_seconds")
        peak = [f[key] for f in runs for key in PEAK_KEYS if isinstance(f.get(key), float)]
        rows.append(
            (
                name,
                *milliseconds(shown),
                *milliseconds(stall),
                milliseconds(gui_spread(runs, "sync_seconds"))[0],
                f"{shown_cpu.median:.3f}" if shown_cpu else "-",
                f"{sync_cpu.median:.3f}" if sync_cpu else "-",
                f"{max(peak):.1f}" if peak else "-",
                str(sum(1 for figures in runs if figures.get("available"))),
            )
        )
    return rows


def gui_notes(gui: dict[str, list[dict[str, Any]]]) -> list[str]:
    """What the runs said besides figures (which popgui they imported, warnings, failures),
    each different sentence once per build."""
    notes = []
    for name, runs in gui.items():
        said: dict[str, None] = {}
        for figures in runs:
            for key, value in figures.items():
                if isinstance(value, str) or value is False:
                    said.setdefault(f"{key} {value}")
        notes.append(f"{name}: {'; '.join(said) or 'nothing to note'}")
    return notes


def cli_rows(figures: Sequence[CliFigure]) -> list[tuple[str, ...]]:
    return [
        (
            figure.label,
            figure.client,
            f"{figure.summary.median * 1000:.0f}",
            spread(figure.summary.low * 1000, figure.summary.high * 1000, 0),
            f"{figure.summary.cpu.median * 1000:.0f}",
            ", ".join(figure.qt_modules) or "none",
        )
        for figure in figures
    ]
