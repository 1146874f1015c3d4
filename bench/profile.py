"""Profile one popgui sync under cProfile: ``python -m bench.profile --scenario full``.

Same server, corpus, warm-up and clean profile as a timed run (a no-op re-sync is profiled
on its second sync); writes the cProfile data to ``--out`` and prints the top functions by
their own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.clients import Job, Popgui, Raw
from bench.scenarios import MB, SCENARIOS, Runner, filler, log
from bench.server import BenchServer


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="full")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("/tmp/popgui-sync.prof"))
    parser.add_argument("--top", type=int, default=25)
    return parser.parse_args()


#: popgui.cli.main under cProfile: the profile covers popgui's own work, not interpreter start-up.
_PROFILED_MAIN = (
    "import cProfile, sys\n"
    "from popgui.cli import main\n"
    "profiler = cProfile.Profile()\n"
    "code = profiler.runcall(main, sys.argv[2:])\n"
    "profiler.dump_stats(sys.argv[1])\n"
    "raise SystemExit(code)\n"
)


def profiled_sync(job: Job, out: Path) -> None:
    client = Popgui()
    command = client.command(job)
    profiled = [sys.executable, "-c", _PROFILED_MAIN, str(out), *command[1:]]
    done = subprocess.run(profiled, cwd=job.work, env=client.env(job), check=False)
    if done.returncode != 0:
        raise SystemExit(f"the profiled sync failed with exit code {done.returncode}")


def prepare(server: BenchServer, args: argparse.Namespace, work: Path) -> Job:
    scenario = SCENARIOS[args.scenario]
    mailbox = server.add_mailbox(scenario.name, filler(scenario, args.quick))
    log(f"{mailbox.corpus.count:,} messages, {mailbox.corpus.size / MB:.1f} MB")
    runner = Runner(server, [Raw()], work)
    runner.warm(scenario.name, mailbox.corpus.count)
    job = runner.job(scenario.name, server.port, "popgui", False)
    Popgui().prepare(job)
    if scenario.resync:
        runner.timed(Popgui(), job, mailbox.corpus.count)
    return job


def main() -> int:
    args = parse()
    server = BenchServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="popgui-bench-profile-") as directory:
            job = prepare(server, args, Path(directory))
            profiled_sync(job, args.out)
    finally:
        server.stop()
    stats = pstats.Stats(str(args.out))
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
