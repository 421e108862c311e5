"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium through Playwright.

Never `playwright install`: it downloads a browser, and these machines have no internet.
Without Chromium the browser tests skip, except where NNPLAY_REQUIRE_BROWSER=1 (CI), where
they fail: a browser test that silently skipped in CI would prove nothing.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path():
    """The Chromium binary, or a skip (a failure when NNPLAY_REQUIRE_BROWSER=1)."""
    for candidate in (os.environ.get("NNPLAY_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    message = ("Chromium is missing: apt-get install -y chromium (or set NNPLAY_CHROMIUM); "
               ".ci/run installs it")
    if os.environ.get("NNPLAY_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


class Browser:
    """Playwright's Browser, whose new contexts and pages bypass the page's
    Content-Security-Policy: the policy forbids eval, and Playwright's `wait_for_function` runs
    its predicate in the page with eval. tests/e2e/test_csp.py checks the page under its real
    policy (launch(p, enforce_csp=True))."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(**{"bypass_csp": True, **options})

    def new_page(self, **options):
        return self._browser.new_page(**{"bypass_csp": True, **options})

    def __getattr__(self, name):
        return getattr(self._browser, name)


def launch(playwright, enforce_csp=False):
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    return browser if enforce_csp else Browser(browser)
