"""The page under its real Content-Security-Policy, in headless Chromium.

The other browser tests bypass the policy (Playwright's wait_for_function needs eval, which it
forbids: tests/e2e/browser.py), so here the page runs with the policy enforced: it loads its
modules, opens its websocket, trains and draws, and every tab of its drawer is opened. The
browser reports each violation as a `securitypolicyviolation` event and a console error. Waits
poll with `evaluate`, which the policy does not govern.
"""

import time

import pytest

from tests.e2e.browser import launch
from tests.e2e.server import running

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
    {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
     line: e.lineNumber}));
"""


def wait(page, expression, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() < deadline, f"not true within {timeout} s: {expression}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def run():
    """The page driven under its policy: (violations, console errors, document headers)."""
    from playwright.sync_api import sync_playwright

    with running() as server, sync_playwright() as p:
        browser = launch(p, enforce_csp=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            errors = []
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.add_init_script(RECORD_VIOLATIONS)
            response = page.goto(server.url)
            wait(page, "window.nnplayTest && window.nnplayTest.ready()")
            page.keyboard.press(" ")  # play: frames over the websocket, drawn on the canvases
            wait(page, "window.nnplayTest.frame() && window.nnplayTest.frame().header.step > 100")
            page.keyboard.press(" ")
            for tab in page.locator("[role=tab]").all():
                tab.click()
                page.locator(f'[data-panel="{tab.get_attribute("data-tab")}"]').wait_for(
                    state="visible")
            # what draws colours in code: the confusion matrix, a k-class legend
            page.evaluate("window.nnplayTest.act({type: 'preset', name: 'digits'})")
            wait(page, "document.querySelector('table.confusion td')")
            page.evaluate("window.nnplayTest.act({type: 'set', config: {dataset: 'blobs', "
                          "n_classes: 4, output_activation: 'softmax', loss: 'cross_entropy'}})")
            wait(page, "document.querySelectorAll('#legend svg.marker').length === 4")
            # a class: the Class tab's code and QR code, and a student's page that joins it
            class_tab = page.locator('[role=tab][data-tab="class"]')
            if class_tab.get_attribute("aria-selected") != "true":
                class_tab.click()
            page.click("#class-open")
            wait(page, "document.querySelector('#class-qr').naturalWidth > 0")
            code = page.inner_text("#class-code")
            student = browser.new_page()
            student.on("console", lambda m: m.type == "error" and errors.append(m.text))
            student.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            student.add_init_script(RECORD_VIOLATIONS)
            student.goto(f"{server.url}join/{code}")
            student.fill("#join-name", "Ada")
            student.click("#join-submit")
            wait(student, "window.nnplayTest.frame() && "
                 "document.querySelector('#room-banner').dataset.state === 'follow'")
            student.click("#room-fork")
            wait(student, "document.querySelector('#room-banner').dataset.state === 'fork'")
            page.click("#class-close")
            wait(student, "document.querySelector('#room-banner').dataset.state === 'closed'")
            framed = browser.new_page()
            framed.set_content(f'<iframe src="{server.url}"></iframe>')
            wait(framed, "document.querySelector('iframe')")
            time.sleep(0.5)
            child_urls = [f.url for f in framed.frames[1:]]
            violations = page.evaluate("() => window.__violations") + student.evaluate(
                "() => window.__violations")
            yield violations, errors, response.headers, child_urls
        finally:
            browser.close()


def test_the_page_is_served_with_its_policy(run):
    _, _, headers, _ = run
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_page_runs_without_any_policy_violation(run):
    """Modules, the websocket, fetches, canvases, the favicon, colours set in code (through
    the CSSOM, static/js/dom.js), a class's QR code and a student's page: nothing the page does
    is blocked."""
    violations, errors, _, _ = run
    assert violations == [] and errors == []


def test_the_page_cannot_be_framed(run):
    *_, child_urls = run
    assert child_urls and all(not url.startswith("http") for url in child_urls), child_urls
