"""A real headless Chromium for the dashboard tests, driven by Selenium.

Debian's ``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs them): the driver is
given by path, so Selenium Manager never runs and nothing is downloaded. Without them the browser
tests skip with the reason, except in CI (``CI=true``), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1440,1000")


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _find("chromium", "chromium-browser") is None:
        return "no chromium on PATH (apt-get install chromium chromium-driver)"
    if _find("chromedriver") is None:
        return "no chromedriver on PATH (apt-get install chromium-driver)"
    return None


def require_browser() -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the dashboard's browser tests are mandatory in CI: {reason}", pytrace=False)
    pytest.skip(reason)


class Chromium:
    """A headless Chromium with a fresh profile; ``quit()`` ends it and removes the profile."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="tfso-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = _find("chromium", "chromium-browser")
        for flag in BROWSER_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        service = Service(executable_path=_find("chromedriver"))
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(60)

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
