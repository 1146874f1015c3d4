"""Harness 4, fuzzing: the hypothesis state machines of tests/torture/test_state_machines.py,
with many more examples, plus an optional atheris target.

The machines send legal and illegal commands, feed well-formed and damaged server replies cut
at random points, garbage and early end-of-stream to both protocol cores; any exception other
than the protocol errors, or a broken invariant, is a crash. "Bad inputs" counts the illegal
commands, damaged replies and garbage the machines fed.

Coverage-guided fuzzing, where atheris is installed::

    python -m bench.torture.fuzz --atheris [-atheris_runs=100000]
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import bench  # noqa: F401  (puts the repository on sys.path)
from bench.torture.results import HarnessResult

if TYPE_CHECKING:
    from hypothesis.stateful import RuleBasedStateMachine

QUICK_EXAMPLES = 300
LONG_EXAMPLES = 5_000
STEPS = 50


def run(*, long: bool, seed: int) -> HarnessResult:
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    from tests.torture import test_state_machines as machines

    started = time.monotonic()
    examples = LONG_EXAMPLES if long else QUICK_EXAMPLES
    chosen = settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=False,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    machines.TALLY.steps = machines.TALLY.bad_inputs = machines.TALLY.protocol_errors = 0
    crashed, notes = 0, []
    kinds: tuple[type[RuleBasedStateMachine], ...] = (machines.POP3Machine, machines.POP2Machine)
    for machine in kinds:
        try:
            run_state_machine_as_test(_seeded(machine, seed), settings=chosen)
        except Exception as error:  # a falsified invariant or an unexpected exception
            crashed += 1
            notes.append(f"{machine.__name__}: {type(error).__name__}: {_first_line(error)}")
    tally = machines.TALLY
    notes.append(
        f"{examples} examples per core, {tally.steps} steps, "
        f"{tally.protocol_errors} protocol errors raised as they should"
    )
    return HarnessResult(
        "fuzz", trials=2 * examples, faults_injected=0, bad_inputs=tally.bad_inputs,
        crashed=crashed, seconds=time.monotonic() - started, notes=tuple(notes),
    )  # fmt: skip


def _seeded(machine: type[RuleBasedStateMachine], seed: int) -> Callable[[], RuleBasedStateMachine]:
    """A factory of *machine* carrying the harness seed (hypothesis reads it from there)."""
    from hypothesis import seed as hypothesis_seed

    def factory() -> RuleBasedStateMachine:
        return machine()

    return hypothesis_seed(seed)(factory)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else ""


# -- atheris ---------------------------------------------------------------------------------


def one_input(data: bytes) -> None:
    """Feed *data* to both cores after a plausible session start; only protocol errors may
    come out."""
    from popgui.errors import ProtocolError
    from popgui.protocol import pop2, pop3

    half = len(data) // 2
    conn3 = pop3.POP3Connection(max_status_line=512)
    conn3.receive_data(b"+OK hi\r\n")
    try:
        conn3.next_event()
        conn3.send("CAPA")
        conn3.send("USER", "u")
        _drain(conn3, data[:half], pop3.NEED_DATA)
    except ProtocolError:
        pass
    conn2 = pop2.POP2Connection()
    with contextlib.suppress(ProtocolError):
        _drain(conn2, data[half:], pop2.NEED_DATA)


def _drain(conn: object, data: bytes, need: object) -> None:
    for start in range(0, len(data), 7):
        conn.receive_data(data[start : start + 7])  # type: ignore[attr-defined]
        for _ in range(10_000):
            if conn.next_event() is need:  # type: ignore[attr-defined]
                break
    conn.receive_data(b"")  # type: ignore[attr-defined]
    for _ in range(10_000):
        event = conn.next_event()  # type: ignore[attr-defined]
        if event is need or type(event).__name__ == "ConnectionClosed":
            break


def main(argv: Sequence[str]) -> int:
    if "--atheris" not in argv:
        print(run(long="--long" in argv, seed=0))
        return 0
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed (pip install atheris)", file=sys.stderr)
        return 2
    atheris.Setup([a for a in argv if a != "--atheris"], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
