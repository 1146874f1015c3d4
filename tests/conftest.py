"""Fixtures shared by every test, and the rule that real-service tests may not skip in CI.

Real services (see tests/support/):

- ``test_pki`` (session): a test CA and server certificates (:mod:`tests.support.certs`).
- ``dovecot`` (session): a private Dovecot POP3 server on free loopback ports, plain with
  STLS on ``.plain_port`` and implicit TLS on ``.tls_port`` (:mod:`tests.support.dovecot`).
- ``dovecot_user`` (function): a fresh user with a random name and password on that server,
  a :class:`~tests.support.dovecot.MailUser` (``name``, ``password``, ``maildir``).
- ``secret_service`` (session): a private D-Bus session bus with an unlocked gnome-keyring;
  while it is active ``DBUS_SESSION_BUS_ADDRESS`` points at that bus and ``keyring`` uses
  its SecretService backend (:mod:`tests.support.secret_service`).

A test that uses ``dovecot``/``dovecot_user`` is marked ``dovecot`` automatically, one that
uses ``secret_service`` is marked ``keyring``, one that uses ``kerberos_realm`` or
``kerberos_dovecot`` (tests/kerberos/) is marked ``kerberos``. These skip where the programs
are missing.

The CI rule: with ``CI=true`` (or ``1``) a skip is a failure (a test's, from a ``skipif`` mark,
``pytest.skip`` in a fixture or ``importorskip``; a module's skip at collection is a collection
error), so a green CI means the tests ran. Only the skips tests/skips.py allows, each for one
stated reason, stay skips; the summary lists them with that reason. A real-service test
(``dovecot``, ``keyring``, ``kerberos``) may never skip in CI. xfail is not a skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from tests import skips
from tests.support.certs import TestPKI, make_test_pki
from tests.support.dovecot import DovecotServer, MailUser, private_dovecot
from tests.support.secret_service import SecretService, SecretServiceUnavailable

REAL_SERVICE_MARKERS = {"dovecot", "keyring", "kerberos"}
_FIXTURE_MARKERS = {
    "dovecot": "dovecot",
    "dovecot_user": "dovecot",
    "secret_service": "keyring",
    # tests/kerberos/conftest.py: a private MIT KDC, and a Dovecot that accepts its tickets
    "kerberos_realm": "kerberos",
    "kerberos_dovecot": "kerberos",
}


def pytest_configure(config: pytest.Config) -> None:
    """No test sees the Kerberos ticket or settings of the person running the suite: "auto"
    signs in with a ticket when a server offers GSSAPI. The Kerberos tests point these two
    at their own realm (tests/support/kerberos.py)."""
    config.addinivalue_line(
        "markers",
        "kerberos: needs a real MIT Kerberos KDC (krb5kdc), Dovecot's GSSAPI module and the "
        "gssapi package (a failure, not a skip, in CI)",
    )
    nowhere = Path(tempfile.mkdtemp(prefix="popgui-no-krb5-"))
    (nowhere / "krb5.conf").write_text("", "utf-8")
    os.environ["KRB5CCNAME"] = f"FILE:{nowhere / 'no-ticket'}"
    os.environ["KRB5_CONFIG"] = str(nowhere / "krb5.conf")
    config.stash[_NO_KERBEROS] = nowhere


def pytest_unconfigure(config: pytest.Config) -> None:
    nowhere = config.stash.get(_NO_KERBEROS, None)
    if nowhere is not None:
        shutil.rmtree(nowhere, ignore_errors=True)


_NO_KERBEROS = pytest.StashKey[Path]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


# -- the CI rule ------------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for fixture, marker in _FIXTURE_MARKERS.items():
            if fixture in fixtures and item.get_closest_marker(marker) is None:
                item.add_marker(marker)


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


_ALLOWED_SKIPS = pytest.StashKey[list[tuple[str, str, str]]]()


def _ci_verdict(config: pytest.Config, nodeid: str, reason: str, needed: list[str]) -> str | None:
    """None when this skip may stay a skip in CI (and is noted for the summary), else why not."""
    if needed:
        return (
            f"CI=true: this test needs the real service ({', '.join(needed)}) and may not skip "
            f"in CI; install it (.ci/run does). It skipped because: {reason}"
        )
    entry = skips.allowed_skip(nodeid, reason)
    if entry is not None:
        config.stash.setdefault(_ALLOWED_SKIPS, []).append((nodeid, reason, entry.why))
        return None
    return (
        f"CI=true: a skip is a failure in CI. It skipped because: {reason}\n"
        "Make it run: install what it needs (and add the package to .ci/run). Only if a CI "
        "machine truly cannot offer it, allow this skip in tests/skips.py (ALLOWED_IN_CI) with "
        "the reason."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    needed = sorted(m for m in REAL_SERVICE_MARKERS if item.get_closest_marker(m) is not None)
    failure = _ci_verdict(item.config, report.nodeid, skip_reason(report), needed)
    if failure is not None:
        report.outcome = "failed"
        report.longrepr = failure


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, None]:
    """A whole module skipped (``importorskip`` or ``pytest.skip`` at module level)."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()):
        return
    failure = _ci_verdict(collector.config, report.nodeid, skip_reason(report), [])
    if failure is not None:
        report.outcome = "failed"
        report.longrepr = failure


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not in_ci():
        return
    allowed = terminalreporter.config.stash.get(_ALLOWED_SKIPS, [])
    terminalreporter.section("skips CI allows (tests/skips.py)")
    if not allowed:
        terminalreporter.line("none")
    for nodeid, reason, why in allowed:
        terminalreporter.line(f"{nodeid}: skipped because: {reason}")
        terminalreporter.line(f"    allowed because: {why}")


# -- certificates -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed (apt-get install openssl)")
    return make_test_pki(tmp_path_factory.mktemp("pki"))


# -- Dovecot ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dovecot(test_pki: TestPKI) -> Iterator[DovecotServer]:
    with private_dovecot(test_pki) as server:
        yield server


@pytest.fixture
def dovecot_user(dovecot: DovecotServer) -> MailUser:
    name = f"u{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(12)
    return MailUser(name, password, dovecot.add_user(name, password))


# -- the Secret Service -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    import keyring
    import keyring.backends.SecretService

    try:
        import secretstorage  # noqa: F401  (what keyring's SecretService backend needs)
    except ImportError:
        pytest.skip("the SecretStorage package is missing (pip install secretstorage)")
    service = SecretService(tmp_path_factory.mktemp("secret-service"))
    try:
        service.start()
    except SecretServiceUnavailable as error:
        pytest.skip(str(error))
    previous = keyring.get_keyring()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DBUS_SESSION_BUS_ADDRESS", service.address)
            # keyring chose (and cached) its backend at first use, maybe before this bus
            # existed: name the backend explicitly.
            keyring.set_keyring(keyring.backends.SecretService.Keyring())
            yield service
    finally:
        keyring.set_keyring(previous)
        service.stop()
