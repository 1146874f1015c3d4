"""``python -m bench.torture``: run the torture harnesses and print their figures.

Each harness is a module of this package exposing ``run(*, long: bool, seed: int)`` returning a
:class:`~bench.torture.results.HarnessResult`. They are imported lazily: a harness that is not
there (or cannot be imported) is reported as "not available" and the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Callable, Sequence

from bench.torture.results import HarnessResult, exit_status, print_report

HARNESSES = ("kills", "network", "hostile", "fuzz", "disk")

Runner = Callable[..., HarnessResult]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.torture",
        description="Try hard to break exactly-once delivery and safe deletion; "
        "print one line per harness. Exit status 1 if anything was lost, duplicated or crashed.",
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--quick", action="store_true", help="the short version (default)")
    length.add_argument("--long", action="store_true", help="the long version (minutes)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--only", nargs="+", choices=HARNESSES, metavar="NAME", help=f"run only these: {HARNESSES}"
    )
    return parser


def load(name: str) -> Runner | None:
    """The harness's ``run`` function, or None when the module is missing or broken."""
    try:
        module = importlib.import_module(f"bench.torture.{name}")
    except ImportError:
        return None
    runner = getattr(module, "run", None)
    return runner if callable(runner) else None


def _run_one(name: str, runner: Runner, *, long: bool, seed: int) -> HarnessResult:
    started = time.monotonic()
    print(f"running {name} (seed {seed})...", file=sys.stderr, flush=True)
    try:
        return runner(long=long, seed=seed)
    except Exception as error:  # a broken harness is reported, not allowed to hide the others
        return HarnessResult(
            name,
            crashed=1,
            seconds=time.monotonic() - started,
            notes=(f"the harness itself failed: {type(error).__name__}: {error}",),
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    results: list[HarnessResult] = []
    missing: list[str] = []
    for name in args.only or HARNESSES:
        runner = load(name)
        if runner is None:
            missing.append(name)
            continue
        results.append(_run_one(name, runner, long=args.long, seed=seed))
    print(f"seed {seed}, {'long' if args.long else 'quick'} run")
    print_report(results, missing, sys.stdout)
    return exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
