"""``python -m bench [--scenarios ...] [--runs N] [--quick] [--write docs/performance.md]``.

Scenarios: ``full``, ``rtt``, ``small``, ``noop``, ``huge`` (timed downloads), ``deliver``
(the mail delivered to IMAP or LMTP instead of a Maildir: bench/destinations.py), ``cli``
(``popgui --version`` and ``account list``: time and no Qt import) and ``gui`` (a big folder
shown; the longest event-loop stall during a sync). Dovecot starts once, before anything is
timed, and stops at the end whatever happens.

``--baseline-tree DIR`` also installs popgui from another checkout (popgui before a change)
as the client ``popgui-before``: it runs beside ``popgui`` in every scenario, run after run in
the rotating order, and the report gives after / before ratios (wall and CPU time), with the
guard rail after / before ≤ 1.10. ``--quick`` shrinks every corpus for a smoke run.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.clients import (
    ALL_CLIENTS,
    CLIENT_NAMES,
    POPGUI,
    POPGUI_BEFORE,
    Client,
    installed_popgui,
    use_installed_popgui,
)
from bench.cliprobe import cli_figures
from bench.destinations import deliver_clients
from bench.gui import gui_figures, measurable, use_probe_python
from bench.install import install_baseline, install_gui_environment, install_popgui
from bench.report import Report, machine_facts, text_report, write_markdown
from bench.scenarios import SCENARIOS, Runner, filler, log
from bench.server import BenchServer, DovecotUnavailable

EXTRA_SCENARIOS = ("cli", "gui")
ALL_SCENARIOS = (*SCENARIOS, *EXTRA_SCENARIOS)
GUI_ROWS, GUI_ROWS_QUICK = 100_000, 10_000


def names(text: str, known: Sequence[str]) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    return chosen


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--scenarios",
        type=lambda t: names(t, ALL_SCENARIOS),
        default=list(ALL_SCENARIOS),
        help="comma-separated (default: all)",
    )
    parser.add_argument(
        "--clients",
        type=lambda t: names(t, CLIENT_NAMES),
        help=f"comma-separated (default: all; {POPGUI_BEFORE} only with --baseline-tree)",
    )
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        metavar="DIR",
        help=f"a popgui source tree to time as {POPGUI_BEFORE} (e.g. a worktree of the base)",
    )
    parser.add_argument(
        "--runs", type=int, help="timed runs per client (default 3; 1 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="small corpora: a smoke run")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="FILE",
        help="write the results into FILE (e.g. docs/performance.md)",
    )
    parser.add_argument("--workdir", type=Path, help="where clients write (default: a temp dir)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 3)
    if args.clients is None:
        skipped = () if args.baseline_tree else (POPGUI_BEFORE,)
        args.clients = [name for name in CLIENT_NAMES if name not in skipped]
    return args


def available_clients(wanted: list[str], report: Report) -> list[Client]:
    clients = []
    for client in ALL_CLIENTS:
        if client.name not in wanted:
            continue
        missing = client.missing()
        if missing:
            log(f"note: skipping {missing}")
            report.skipped.append(missing)
        else:
            clients.append(client)
    return clients


def run_downloads(args: argparse.Namespace, runner: Runner, report: Report) -> None:
    for name in args.scenarios:
        if name == "deliver":  # its own clients: each delivers to IMAP or LMTP
            delivering = Runner(runner.server, deliver_clients(runner.server), runner.workroot)
            report.results.append(delivering.run(SCENARIOS[name], args.runs, args.quick))
            delivering.remove_leftovers()
            print(text_report(Report(results=[report.results[-1]])), flush=True)
        elif name in SCENARIOS:
            report.results.append(runner.run(SCENARIOS[name], args.runs, args.quick))
            print(text_report(Report(results=[report.results[-1]])), flush=True)


def popgui_builds(args: argparse.Namespace) -> list[str]:
    """The popgui builds whose command line and window are timed: the checkout's always, the
    baseline's when asked for and installed."""
    wanted = POPGUI_BEFORE in args.clients and installed_popgui(POPGUI_BEFORE) is not None
    return [POPGUI, POPGUI_BEFORE] if wanted else [POPGUI]


def run_gui(
    args: argparse.Namespace, server: BenchServer, workroot: Path
) -> dict[str, list[dict[str, object]]]:
    full = SCENARIOS["full"]
    log("[gui] building the sync mailbox")
    server.add_mailbox("gui", filler(full, args.quick))
    server.list_once("gui")
    builds = [name for name in popgui_builds(args) if measurable(name)]
    rows = GUI_ROWS_QUICK if args.quick else GUI_ROWS
    return gui_figures(builds, server.port, "gui", rows, args.runs, workroot)


def run_all(args: argparse.Namespace, report: Report, workroot: Path) -> None:
    if "cli" in args.scenarios:
        log("[cli] timing popgui --version and account list")
        report.cli = cli_figures(popgui_builds(args))
    server = BenchServer()
    log("starting Dovecot")
    server.start()
    runner = Runner(server, available_clients(args.clients, report), workroot)
    try:
        run_downloads(args, runner, report)
        if "gui" in args.scenarios:
            report.gui = run_gui(args, server, workroot)
    finally:
        server.stop()
        runner.remove_leftovers()  # only now: see Runner.discard


def install(args: argparse.Namespace, report: Report, workroot: Path) -> None:
    """Install each popgui build into a fresh venv (what a user runs), and its window's probe
    environment when the GUI is measured; the report says how each is timed."""
    log("installing popgui into a fresh venv (what a user runs)")
    script, how = install_popgui(workroot)
    report.facts[POPGUI] = how if script else f"timed from the checkout: {how}"
    builds = [(POPGUI, script)]
    if args.baseline_tree and POPGUI_BEFORE in args.clients:
        log(f"installing {POPGUI_BEFORE} from {args.baseline_tree}")
        before, how = install_baseline(workroot, args.baseline_tree.resolve())
        report.facts[POPGUI_BEFORE] = how if before else f"not measured: {how}"
        builds.append((POPGUI_BEFORE, before))
    for name, installed in builds:
        use_installed_popgui(installed, name)
        if "gui" not in args.scenarios:
            continue
        python, how = install_gui_environment(installed)
        use_probe_python(python, name)
        if python is None:
            how = ("window timed from the checkout: " if name == POPGUI else "not measured: ") + how
        report.facts[f"{name} window"] = how


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    workroot = args.workdir or Path(tempfile.mkdtemp(prefix="popgui-bench-work-"))
    workroot.mkdir(parents=True, exist_ok=True)
    workroot.chmod(0o755)  # getmail6 delivers as the unprivileged mail user when run as root
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    report = Report(facts=machine_facts(workroot), command=command.strip())
    install(args, report, workroot)
    try:
        run_all(args, report, workroot)
    except DovecotUnavailable as error:
        print(f"bench: Dovecot cannot run here: {error}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None:
            shutil.rmtree(workroot, ignore_errors=True)
    print("\n" + text_report(report))
    if args.write:
        write_markdown(args.write, report)
        log(f"wrote {args.write}")
    return 0
