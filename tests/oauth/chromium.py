"""Headless Chromium driven by Selenium: a real browser for the sign-in tests.

It uses Debian's packages, ``chromium`` and ``chromium-driver`` (.ci/run installs them), named
by path so that Selenium never looks for, or downloads, a driver or a browser of its own.

The browser is kept on this machine: every address but the loopback goes to a proxy that does
not exist (``127.0.0.1:9``, the discard port), and the background services that would call
Google at start (component updates, safe browsing, metrics) are switched off.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ARGUMENTS = (
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB: Chromium would crash
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--proxy-server=http://127.0.0.1:9",  # loopback addresses bypass it; nothing else gets out
    "--window-size=1024,768",
)


def missing() -> str:
    """Why headless Chromium cannot run here ("" when it can)."""
    programs = {"chromium": "chromium", "chromedriver": "chromium-driver"}
    absent = [package for program, package in programs.items() if not shutil.which(program)]
    if absent:
        return (
            f"headless Chromium is not installed (apt-get install {' '.join(absent)}); "
            "CI installs it (.ci/run)"
        )
    return ""


@contextmanager
def headless_chromium(directory: Path) -> Iterator[webdriver.Chrome]:
    """Chromium with a fresh profile in ``directory``; its driver's log is ``chromedriver.log``
    there (read it when Chromium does not start)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for argument in ARGUMENTS:
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    options.add_argument(f"--user-data-dir={directory / 'profile'}")
    service = Service(
        executable_path=str(shutil.which("chromedriver")),
        log_output=str(directory / "chromedriver.log"),
    )
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()
