"""Harness 3: hostile servers.

Each scenario of :mod:`bench.torture.scenarios` is served by a scripted
:class:`~bench.torture.hostile_server.HostileServer`, and ``popgui --profile TMP sync --json
--timeout 3`` runs against it as a subprocess (in delete mode, and in keep mode too for a long
run). Each run must:

* end with exit status 1 and a plain error (0 for a legal scenario), no traceback;
* end within ``timeout × 2 + 8`` seconds (a huge message gets more);
* stay under 150 MB of peak resident memory (a huge message streams to disk, an endless
  listing is cut short);
* leave in ``new/``/``cur/`` only complete messages the server sent, each at most once
  (a legal scenario: all of them), and ``tmp/`` empty;
* delete (POP3 ``DELE``, POP2 ``ACKD``) only messages that are stored intact;
* write no file outside the profile (UIDLs carry "/" and "..").
"""

from __future__ import annotations

import collections
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.torture import popgui_run
from bench.torture.hostile_server import HostileServer, Script
from bench.torture.results import HarnessResult
from bench.torture.scenarios import SCENARIOS, Env, Scenario

TIMEOUT = 3.0
RSS_LIMIT_MB = 150.0
HUGE_QUICK = 30 << 20
HUGE_LONG = 300 << 20
_POP3_SKIPPED = {"pop3-retr-refused": {1}}  # messages (0-based) a legal run does not fetch


@dataclass
class Outcome:
    """What one scenario run did wrong (empty lists: nothing)."""

    name: str
    crashes: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def problems(self) -> list[str]:
        found = list(self.crashes)
        if self.lost:
            found.append(f"{self.lost} message(s) deleted on the server but not stored intact")
        if self.duplicated:
            found.append(f"{self.duplicated} duplicate(s) stored")
        return found


def run(*, long: bool, seed: int) -> HarnessResult:
    started = time.monotonic()
    env = Env(TIMEOUT, HUGE_LONG if long else HUGE_QUICK, seed)
    modes = ("delete", "keep") if long else ("delete",)
    outcomes = [run_scenario(s, env, mode) for s in SCENARIOS for mode in modes]
    return summarize(outcomes, time.monotonic() - started, env)


def summarize(outcomes: list[Outcome], seconds: float, env: Env) -> HarnessResult:
    notes = [f"{o.name}: {p}" for o in outcomes for p in o.problems]
    huge = [o for o in outcomes if "huge" in o.name]
    if huge:
        rss = max(o.peak_rss_mb for o in huge)
        notes.append(f"peak RSS with a {env.huge_size >> 20} MB message: {rss:.0f} MB")
    slowest = max(outcomes, key=lambda o: o.seconds)
    notes.append(f"slowest run: {slowest.name} {slowest.seconds:.1f} s (timeout {env.timeout:g})")
    return HarnessResult(
        "hostile",
        trials=len(outcomes),
        bad_inputs=len(outcomes),
        lost=sum(o.lost for o in outcomes),
        duplicated=sum(o.duplicated for o in outcomes),
        crashed=sum(1 for o in outcomes if o.crashes),
        seconds=seconds,
        notes=tuple(notes),
    )


def run_scenario(scenario: Scenario, env: Env, mode: str = "delete") -> Outcome:
    """Serve ``scenario``, run one sync against it, check everything it left."""
    root = Path(tempfile.mkdtemp(prefix="popgui-hostile-"))
    try:
        script = scenario.build(env)
        with HostileServer(script) as server:
            profile = root / "profile"
            extra = ["--protocol", "pop2"] if scenario.protocol == "pop2" else []
            policy = "--delete" if mode == "delete" else "--keep"
            popgui_run.add_account(
                profile, server.port, "alice", popgui_run.PASSWORD, *extra, policy
            )
            result = popgui_run.run_sync(profile, timeout=env.timeout, bound=_bound(scenario, env))
        outcome = Outcome(f"{scenario.name} ({mode})", seconds=result.seconds)
        outcome.peak_rss_mb = result.peak_rss_mb
        outcome.crashes += [f"the scripted server failed: {e}" for e in server.errors]
        _check_run(outcome, scenario, result)
        _check_maildir(outcome, scenario, script, server, profile)
        _check_outside(outcome, root, profile, env)
        return outcome
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _bound(scenario: Scenario, env: Env) -> float:
    return env.timeout * 2 + 8 + (env.huge_size / (10 << 20) if scenario.huge else 0)


def _check_run(outcome: Outcome, scenario: Scenario, result: popgui_run.Run) -> None:
    crashes = outcome.crashes
    if result.hung:
        crashes.append(f"did not end within its bound ({result.seconds:.0f} s)")
    if result.traceback:
        crashes.append("printed a traceback: " + result.stderr.strip().splitlines()[-1][:200])
    expected = 0 if scenario.legal else 1
    report = result.report()
    error = report.get("error")
    if result.returncode != expected and not result.hung:
        crashes.append(f"exit status {result.returncode}, expected {expected} (error: {error})")
    if not scenario.legal and not (isinstance(error, str) and error.strip()):
        crashes.append(f"no plain error reported (stderr: {result.stderr.strip()[:200]!r})")
    if report.get("error_kind") == "bug":
        crashes.append(f"reported as a popgui bug: {error}")
    if result.peak_rss_mb >= RSS_LIMIT_MB:
        crashes.append(f"peak RSS {result.peak_rss_mb:.0f} MB (limit {RSS_LIMIT_MB:.0f} MB)")


def _check_maildir(
    outcome: Outcome, scenario: Scenario, script: Script, server: HostileServer, profile: Path
) -> None:
    maildir = popgui_run.maildir_of(profile)
    digests = [m.stored_digest() for m in script.messages]
    stored = popgui_run.stored_multiset(maildir)
    strangers = [d for d in stored if d not in digests]
    if strangers:
        outcome.crashes.append(f"{len(strangers)} file(s) in the Maildir are not a whole message")
    outcome.duplicated += sum(count - 1 for count in stored.values() if count > 1)
    if popgui_run.tmp_files(maildir):
        outcome.crashes.append("tmp/ is not empty after the run")
    outcome.lost += sum(1 for index in set(server.deleted) if stored[digests[index]] == 0)
    if scenario.legal:
        skipped = _POP3_SKIPPED.get(scenario.name, set())
        wanted = collections.Counter(d for i, d in enumerate(digests) if i not in skipped)
        if +(wanted - stored):
            outcome.crashes.append("a legal scenario did not store every message")


def _check_outside(outcome: Outcome, root: Path, profile: Path, env: Env) -> None:
    outside = popgui_run.files_outside(root, profile)
    maildir = popgui_run.maildir_of(profile)
    misplaced = [
        path
        for path in maildir.rglob("*")
        if path.is_file() and path.parent.name not in ("new", "cur", "tmp")
    ]
    escaped = Path(f"/tmp/popgui-torture-{env.seed}")
    if outside or misplaced or escaped.exists():
        where = [*outside, *misplaced, *([escaped] if escaped.exists() else [])]
        outcome.crashes.append(f"files written outside their place: {where[:3]}")
