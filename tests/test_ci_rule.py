"""The CI rule (tests/conftest.py): with ``CI=true`` a skip is a failure unless tests/skips.py
allows that test to skip for that reason; allowed skips are listed in the summary. Outside CI
skips stay skips. Each test runs a small pytest session (``pytester``) with the rule's hooks
and an allow-list of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import skips
from tests.skips import AllowedSkip

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
from tests.conftest import (
    pytest_collection_modifyitems, pytest_make_collect_report, pytest_runtest_makereport,
    pytest_terminal_summary, test_pki,
)
"""

TESTS = """
import pytest

def test_unlisted():
    pytest.skip("no frobnicator here")

@pytest.mark.skipif(True, reason="no widget here")
def test_unlisted_mark():
    pass

@pytest.fixture
def needs_thing():
    pytest.skip("no thing here")

def test_unlisted_fixture(needs_thing):
    pass

def test_unlisted_importorskip():
    pytest.importorskip("popgui_no_such_module")

def test_allowed():
    pytest.skip("no IPv9 here")

def test_allowed_for_another_reason():
    pytest.skip("its fixture broke")

@pytest.mark.dovecot
def test_real_service():
    pytest.skip("no IPv9 here")

@pytest.fixture
def secret_service():
    pytest.skip("no keyring here")

def test_uses_real_service_fixture(secret_service):
    pass

@pytest.mark.xfail(reason="expected")
def test_xfail():
    assert False

def test_runs():
    pass
"""

ALLOWED = (
    AllowedSkip("test_rules.py::test_allowed", r"^no IPv9 here$", "IPv9 is rare"),
    AllowedSkip("test_rules.py::test_allowed_for_another_reason", r"^no IPv9", "IPv9 is rare"),
    AllowedSkip("test_rules.py::test_real_service", r"^no IPv9", "listed, but a real service"),
)


@pytest.fixture
def session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.syspath_prepend(str(ROOT))  # the inner conftest imports tests.conftest
    monkeypatch.setattr(skips, "ALLOWED_IN_CI", ALLOWED)
    pytester.makeini("[pytest]\nmarkers =\n    dovecot: x\n    keyring: y\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_rules=TESTS)
    return pytester


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Each test's outcome as -v reports it: PASSED, FAILED, ERROR, SKIPPED, XFAIL."""
    found = {}
    for line in result.outlines:
        match = re.match(r"test_rules\.py::(test_\w+) (PASSED|FAILED|ERROR|SKIPPED|XFAIL)", line)
        if match:
            found[match[1]] = match[2]
    return found


@pytest.mark.parametrize("ci", ["true", "1", " TRUE "])
def test_in_ci_an_unlisted_skip_fails(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    result = session.runpytest("-p", "no:cacheprovider", "-v")
    seen = outcomes(result)
    assert seen["test_unlisted"] == "FAILED"
    assert seen["test_unlisted_mark"] == "ERROR"  # a skip in setup: an error
    assert seen["test_unlisted_fixture"] == "ERROR"
    assert seen["test_unlisted_importorskip"] == "FAILED"
    assert seen["test_allowed_for_another_reason"] == "FAILED"  # listed, not for this reason
    output = result.stdout.str()
    for reason in ("no frobnicator here", "no widget here", "no thing here", "its fixture broke"):
        assert f"It skipped because: {reason}" in output
    assert "popgui_no_such_module" in output
    assert "allow this skip in tests/skips.py" in output


def test_in_ci_a_real_service_may_never_skip(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = session.runpytest("-p", "no:cacheprovider", "-v")
    seen = outcomes(result)
    assert seen["test_real_service"] == "FAILED"  # even though the allow-list names it
    assert seen["test_uses_real_service_fixture"] == "ERROR"  # marked keyring by its fixture
    output = result.stdout.str()
    assert "needs the real service (dovecot)" in output
    assert "needs the real service (keyring)" in output


def test_in_ci_an_allowed_skip_stays_a_skip_and_is_listed(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = session.runpytest("-p", "no:cacheprovider", "-v")
    seen = outcomes(result)
    assert seen["test_allowed"] == "SKIPPED"
    assert seen["test_xfail"] == "XFAIL"  # xfail is not a skip
    assert seen["test_runs"] == "PASSED"
    result.assert_outcomes(passed=1, skipped=1, failed=4, errors=3, xfailed=1)
    section = result.stdout.str().split("skips CI allows (tests/skips.py)", 1)[1]
    lines = section.split("\n=", 1)[0].strip("= \n").splitlines()
    assert lines == [
        "test_rules.py::test_allowed: skipped because: no IPv9 here",
        "    allowed because: IPv9 is rare",
    ]


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_outside_ci_skips_stay_skips(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    result = session.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, skipped=8, xfailed=1)
    assert "skips CI allows" not in result.stdout.str()


def test_in_ci_a_module_skipped_at_collection_fails(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.makepyfile(test_module_skip="import pytest\npytest.importorskip('popgui_nope')\n")
    monkeypatch.setenv("CI", "true")
    result = session.runpytest("-p", "no:cacheprovider", "test_module_skip.py")
    result.assert_outcomes(errors=1)
    assert "It skipped because: could not import 'popgui_nope'" in result.stdout.str()
    monkeypatch.setenv("CI", "")
    session.runpytest("-p", "no:cacheprovider", "test_module_skip.py").assert_outcomes(skipped=1)


def test_in_ci_test_pki_without_openssl_fails(
    session: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """.ci/run installs openssl: the certificate fixture may not skip there."""
    session.makepyfile(test_pki_user="def test_needs_certificates(test_pki):\n    pass\n")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("CI", "true")
    result = session.runpytest("-p", "no:cacheprovider", "test_pki_user.py")
    result.assert_outcomes(errors=1)
    assert "the openssl command is not installed" in result.stdout.str()


def test_every_allowed_skip_names_a_test_that_exists() -> None:
    """A stale entry would allow a skip nobody reviews; a pattern must match a real test."""
    for entry in skips.ALLOWED_IN_CI:
        path, _, name = entry.test.partition("::")
        function = re.split(r"[\[*?]", name, maxsplit=1)[0]
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {function}\(", source, re.MULTILINE), entry
        assert entry.why and entry.reason.strip(), entry
