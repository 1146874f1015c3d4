"""Signing in with a real browser: headless Chromium, driven by Selenium, on the consent page
of the test authorization server, as a person does it.

``popgui account login work --no-browser`` runs as a child process and prints the sign-in
address; Chromium opens it, the consent page names the client and the scopes, the test clicks
Accept (or Decline), and Chromium follows the redirect to popgui's loopback receiver, whose
page says to go back to popgui. The tokens land in the real gnome-keyring, and ``popgui sync``
then logs in to the real Dovecot, whose ``oauth2`` passdb checks the token with the server
(the ``provider`` fixture of tests/cli/test_cli_oauth.py).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import keyring
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.cli.helpers import POPGUI, sync_json
from tests.cli.test_cli_oauth import add
from tests.support.certs import TestPKI
from tests.support.oauth_rig import Provider, deliver, oauth_provider
from tests.support.oauth_server import CLIENT_NAME
from tests.support.secret_service import SecretService

from .chromium import headless_chromium, missing

pytestmark = pytest.mark.dovecot


@pytest.fixture(scope="module")
def provider(test_pki: TestPKI) -> Iterator[Provider]:
    with oauth_provider(test_pki) as rig:
        yield rig


WAIT = 60.0  # seconds: generous, only ever reached when something is broken


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    with headless_chromium(tmp_path_factory.mktemp("chromium")) as driver:
        yield driver


@pytest.fixture
def consent_page(provider: Provider, secret_service: SecretService) -> Iterator[Provider]:
    """The provider shows its consent page; afterwards it consents at once again, and the
    sign-in a test stored is gone from the keyring."""
    assert stored(provider) is None
    provider.server.consent_page = True
    try:
        yield provider
    finally:
        provider.server.consent_page = False
        provider.server.authorize_mode = "consent"
        if stored(provider) is not None:
            keyring.delete_password("popgui-oauth", f"work/{provider.user}@127.0.0.1")


class Login:
    """``popgui account login work --no-browser`` in a child process, read as it runs."""

    def __init__(self, profile: Path) -> None:
        env = {key: value for key, value in os.environ.items() if key != "POPGUI_PROFILE"}
        self._stderr = profile.parent / "login.stderr"
        with self._stderr.open("w") as stderr:
            self.process = subprocess.Popen(
                [*POPGUI, "--profile", str(profile), "account", "login", "work", "--no-browser"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
                env=env,
            )  # fmt: skip
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def address(self, starts_with: str) -> str:
        """The sign-in address it prints (a line starting with ``starts_with``)."""
        while True:
            try:
                line = self._queue.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no sign-in address printed: {self.lines}") from None
            if line is None:
                raise AssertionError(f"it stopped before the address: {self.finish()}")
            if line.strip().startswith(starts_with):
                return line.strip()

    def finish(self) -> tuple[int, str, str]:
        """(exit status, stdout, stderr) once it has ended."""
        code = self.process.wait(timeout=WAIT)
        self._reader.join(WAIT)
        return code, "".join(self.lines), self._stderr.read_text()

    def __enter__(self) -> Login:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self.process.poll() is None:
            self.process.kill()  # the test failed half-way: never leave it waiting
            self.process.wait(WAIT)


def stored(provider: Provider) -> dict[str, object] | None:
    """The sign-in in the keyring, where popgui keeps it: service ``popgui-oauth``, entry
    ``NAME/USER@HOST``."""
    text = keyring.get_password("popgui-oauth", f"work/{provider.user}@127.0.0.1")
    return None if text is None else json.loads(text)


def open_consent_page(chromium: webdriver.Chrome, provider: Provider, login: Login) -> None:
    chromium.get(login.address(f"{provider.server.url}/authorize?"))
    assert chromium.find_element(By.ID, "client").text == CLIENT_NAME
    scopes = [item.text for item in chromium.find_elements(By.CSS_SELECTOR, "#scopes li")]
    assert scopes == ["mail", "offline_access"]


def receiver_page(chromium: webdriver.Chrome, provider: Provider) -> str:
    """The text of the page Chromium ends on once it has left the provider for popgui's
    loopback receiver."""
    WebDriverWait(chromium, WAIT).until(
        lambda driver: (
            not driver.current_url.startswith(provider.server.url)
            and driver.execute_script("return document.readyState") == "complete"
        )
    )
    assert chromium.current_url.startswith("http://127.0.0.1:")
    return str(chromium.find_element(By.TAG_NAME, "body").text)


def test_signs_in_on_the_consent_page_then_gets_mail(
    tmp_path: Path, consent_page: Provider, chromium: webdriver.Chrome
) -> None:  # fmt: skip
    provider, profile = consent_page, tmp_path / "profile"
    deliver(provider, 2)
    add(tmp_path, provider)
    codes = provider.server.counts.code

    with Login(profile) as login:
        open_consent_page(chromium, provider, login)
        chromium.find_element(By.ID, "accept").click()
        page = receiver_page(chromium, provider)
        assert "Signed in" in page and "go back to popgui" in page, page
        code, out, err = login.finish()

    assert code == 0, err
    assert "account 'work' is signed in" in out
    assert provider.server.counts.code == codes + 1
    record = stored(provider)
    assert record is not None and record["refresh_token"]
    assert provider.server.access_is_active(str(record["access_token"]))
    assert str(record["access_token"]) not in out + err

    code, report, stderr = sync_json(profile, "work")
    assert (code, report[0]["downloaded"], report[0]["error"]) == (0, 2, None), stderr


@pytest.mark.parametrize(
    ("button", "mode", "words"),
    [
        ("decline", "consent", "refused in the browser"),
        ("accept", "wrong-state", "does not belong to this sign-in"),
    ],
    ids=["declined", "forged-state"],
)
def test_a_declined_or_forged_sign_in_stores_nothing(
    tmp_path: Path, consent_page: Provider, chromium: webdriver.Chrome, button: str, mode: str,
    words: str,
) -> None:  # fmt: skip
    provider, profile = consent_page, tmp_path / "profile"
    provider.server.authorize_mode = mode
    add(tmp_path, provider)
    codes = provider.server.counts.code

    with Login(profile) as login:
        open_consent_page(chromium, provider, login)
        chromium.find_element(By.ID, button).click()
        page = receiver_page(chromium, provider)
        assert "go back to popgui" in page, page
        assert "Not signed in" in page, page  # a forged state is no success in the browser
        code, out, err = login.finish()

    assert code == 1, (out, err)
    assert words in err and "Traceback" not in err, err
    assert provider.server.counts.code == codes  # no code was exchanged
    assert stored(provider) is None
