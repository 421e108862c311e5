"""Fixtures for the browser tests: one nnplay server and one Chromium per module, a fresh page
per test that fails the test on any console error and leaves a screenshot behind.

Tests observe the page through the DOM and its test interface, `window.nnplayTest`
(static/js/test-api.js, docs/testing.md), never through the page's internals; and they wait
for conditions (`wait`, `wait_frame`), never for time: how many frames arrive in a second
depends on the machine and on what else it is doing."""

import re

import pytest

from tests.e2e.browser import ARTIFACTS, launch
from tests.e2e.server import running

# How long a wait for a condition may take before it fails: generous, as CI shares its two
# cores with other work (a wait that holds returns as soon as its condition does).
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def nnplay():
    with running("--max-sessions", "200") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Page:
    """A Playwright page on the nnplay server, with the console watched."""

    def __init__(self, page, server):
        self.page, self.server = page, server
        self.console_errors = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def open(self, hash_=""):
        """Load the page (with a link's hash) and wait until it has settled: the link applied
        and a frame drawn that reflects it, with its network and data."""
        self.page.goto(self.server.url + hash_)
        self.page.wait_for_function("window.nnplayTest && window.nnplayTest.ready()",
                                    timeout=30000)
        return self

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def frame_header(self):
        return self.js("window.nnplayTest.frameHeader()")

    def wait_frame(self, predicate="true", timeout=WAIT_MS):
        """Wait for a drawn frame whose header `h` (frame `f`) satisfies the JS predicate."""
        self.page.wait_for_function(
            f"(() => {{ const f = window.nnplayTest.frame(); if (!f) return false; "
            f"const h = f.header; return {predicate}; }})()", timeout=timeout)
        return self.frame_header()

    def text(self, selector):
        return self.page.locator(selector).inner_text()

    def number(self, selector):
        return float(re.sub(r"[^0-9.eE+-]", "", self.text(selector)) or "nan")

    def shot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    # -- more helpers (observing only: the tests act through clicks and keys) --------------
    def wait(self, expression, arg=None, timeout=WAIT_MS):
        """Wait until the JS expression (or function of `arg`) is truthy; return its value."""
        return self.page.wait_for_function(expression, arg=arg, timeout=timeout).json_value()

    def count(self, selector):
        return self.page.locator(selector).count()

    def box(self, selector):
        return self.page.locator(selector).bounding_box()

    def export(self):
        """The server's whole session (an `export` reply's state)."""
        reply = self.js("window.nnplayTest.act({type: 'export'})")
        assert reply["type"] == "state", reply
        return reply["state"]

    def open_tab(self, name):
        """Open one of the drawer's tabs (settings, lesson, …) by clicking it."""
        tab = self.page.locator(f'[role=tab][data-tab="{name}"]')
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
        self.page.locator(f'[data-panel="{name}"]').wait_for(state="visible")

    def open_settings(self):
        """Open the settings tab (the advanced network and training controls)."""
        self.open_tab("settings")

    def record(self, selector):
        """Start keeping every text the element shows (read them with `recorded`)."""
        self.js("""(sel) => {
            const rec = (window.__recorded = window.__recorded || {});
            const el = document.querySelector(sel);
            rec[sel] = [el.textContent];
            new MutationObserver(() => rec[sel].push(el.textContent))
                .observe(el, {childList: true, characterData: true, subtree: true});
        }""", selector)

    def recorded(self, selector):
        return self.js("(sel) => window.__recorded[sel].slice()", selector)

    def toasts(self, kind=None):
        """The texts of the toasts on screen (kind: 'info' or 'error')."""
        return self.page.locator(f".toast{'.' + kind if kind else ''}").all_inner_texts()


@pytest.fixture
def page(browser, nnplay, request):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    p = Page(context.new_page(), nnplay)
    yield p
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        p.shot(name)
    finally:
        context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"
