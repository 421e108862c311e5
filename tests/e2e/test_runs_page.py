"""Saved runs in the page (headless Chromium): a server killed with kill -9 and started again
on the same folder and port, and the open page carries on with its run, saying "restored at
step S"; the Share tab's Recent runs opens and deletes saved runs."""

import signal
import socket

from tests.e2e.conftest import Page
from tests.e2e.server import running


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(page, n):
    reply = page.js(f"window.nnplayTest.act({{type: 'step', n: {n}}})")
    assert reply["type"] == "applied", reply


def wait_saved(page, step_):
    """The status says (in its tooltip) that the run was saved at `step_`."""
    page.wait(f"document.getElementById('status').dataset.saved === '{step_}'", timeout=20000)
    assert f"saved on the server at step {step_}" in page.page.get_attribute("#status", "title")


def runs_listed(page):
    page.open_tab("lesson")
    page.page.locator("#runs-list .run").first.wait_for(state="visible", timeout=10000)
    return page.page.locator("#runs-list .run").all_inner_texts()


def test_after_kill_9_the_open_page_carries_on_restored_at_its_step(browser, tmp_path):
    port = free_port()
    args = ("--data-dir", str(tmp_path), "--port", str(port))
    with running(*args) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = Page(context.new_page(), server).open()
        try:
            step(page, 30)
            page.wait_frame("h.step === 30")
            wait_saved(page, 30)
            weights = page.export()["trainer"]
            server.proc.send_signal(signal.SIGKILL)
            server.proc.wait(timeout=10)
            page.wait("document.getElementById('status').dataset.state !== 'connected'")
            with running(*args) as again:
                assert again.url.endswith(f":{port}/"), again.url  # the same address
                page.wait("window.nnplayTest.hello() && window.nnplayTest.hello().restored",
                          timeout=30000)
                page.wait_frame("h.step === 30")
                assert any("restored at step 30" in t for t in page.toasts("info")), \
                    page.toasts()
                assert page.export()["trainer"] == weights  # the same run, to the bit
                page.shot("restored-after-kill-9")
                # the browser's own lines about the refused reconnections while it was down,
                # and a request that was under way when it was killed
                errors = [e for e in page.console_errors
                          if "ERR_CONNECTION_REFUSED" not in e and "ERR_CONNECTION_RESET" not in e]
                assert not errors, errors
        finally:
            context.close()


def test_recent_runs_opens_and_deletes_a_saved_run(browser, tmp_path):
    with running("--data-dir", str(tmp_path)) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            first = Page(context.new_page(), server).open()
            step(first, 12)
            wait_saved(first, 12)
            first_token = first.js("window.nnplayTest.hello().resume_token")
            first.page.close()  # the run waits on the server (and is saved)

            second = Page(context.new_page(), server).open()  # a new tab: a new session
            assert second.js("window.nnplayTest.hello().resume_token") != first_token
            step(second, 5)
            wait_saved(second, 5)
            rows = runs_listed(second)
            assert len(rows) == 2, rows
            assert "this run" in rows[0] and "step 5" in rows[0]
            assert "step 12" in rows[1] and "2-4-2-1" in rows[1]
            this_run = second.page.locator("#runs-list .run").nth(0)
            assert this_run.locator("[data-action=open]").is_disabled()
            assert this_run.locator("[data-action=delete]").is_disabled()
            second.shot("recent-runs")

            # Open the older run: the page reloads and resumes it.
            second.page.locator("#runs-list .run").nth(1).locator("[data-action=open]").click()
            second.page.wait_for_function(
                f"window.nnplayTest && window.nnplayTest.hello() && "
                f"window.nnplayTest.hello().resume_token === '{first_token}'", timeout=30000)
            second.wait_frame("h.step === 12")

            # Delete the one it left (step 5): it is gone from the list and from the server.
            rows = runs_listed(second)
            assert "this run" in rows[0] and "step 12" in rows[0], rows
            second.page.locator("#runs-list .run").nth(1).locator("[data-action=delete]").click()
            second.page.wait_for_function(
                "document.querySelectorAll('#runs-list .run').length === 1")
            assert any("deleted" in t for t in second.toasts("info"))
            assert not second.console_errors, second.console_errors
        finally:
            context.close()
