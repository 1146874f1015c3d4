"""What a harness reports, and the one-line-per-harness table the command prints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class HarnessResult:
    """The figures of one harness run.

    ``lost``, ``duplicated`` and ``crashed`` must be 0: any other value fails the command.
    ``crashed`` counts runs that ended with a traceback, an unexpected exit status or no end
    within their time bound. ``notes`` are short sentences explaining any failure.
    """

    name: str
    trials: int = 0
    faults_injected: int = 0
    bad_inputs: int = 0
    lost: int = 0
    duplicated: int = 0
    crashed: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.crashed == 0


_COLUMNS = ("harness", "trials", "faults", "bad inputs", "lost", "duplicated", "crashed", "time")


def _row(result: HarnessResult) -> tuple[str, ...]:
    return (
        result.name,
        str(result.trials),
        str(result.faults_injected),
        str(result.bad_inputs),
        str(result.lost),
        str(result.duplicated),
        str(result.crashed),
        f"{result.seconds:.0f} s",
    )


def format_table(results: Sequence[HarnessResult], missing: Iterable[str] = ()) -> str:
    """An aligned table: a header, then one line per harness (``not available`` for missing)."""
    rows = [_COLUMNS, *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines += [f"{name.ljust(widths[0])}  not available" for name in missing]
    return "\n".join(line.rstrip() for line in lines)


def print_report(
    results: Sequence[HarnessResult], missing: Iterable[str], out: TextIO, *, verbose: bool = True
) -> None:
    print(format_table(results, missing), file=out)
    for result in results:
        if verbose or not result.ok:
            for note in result.notes:
                print(f"  {result.name}: {note}", file=out)


def exit_status(results: Iterable[HarnessResult]) -> int:
    """1 when any harness lost, duplicated or crashed; else 0."""
    return 0 if all(result.ok for result in results) else 1
