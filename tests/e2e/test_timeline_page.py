"""The timeline in the browser (static/js/timeline.js): scrubbing back shows the output plot of
an earlier step, equal to nncore's probe of that checkpoint; "Branch from here" goes on from
that step with the settings changed while viewing, and the run as it was is kept; the
scrubber fits the page at 1280×720 and 1920×1080 and nothing moves when a step is viewed.
Screenshots go to test-artifacts/ (timeline-*.png)."""

import numpy as np
import pytest

from nncore import Config, Trainer
from nncore.state import trainer_from_dict
from tests.app.test_timeline import output_map
from tests.e2e.conftest import Page
from tests.e2e.test_accessibility import audit

VIEWED = "(h.view ? h.view.step : null)"


@pytest.fixture
def page(browser, nnplay):
    p = browser.new_page(viewport={"width": 1280, "height": 720})
    page = Page(p, nnplay).open()
    yield page
    assert page.console_errors == []
    p.close()


def shown_map(page):
    """The output map of the frame the page drew last, and its header."""
    h = page.frame_header()
    out = page.js("window.nnplayTest.frameArray('output')")
    return h, np.array(out["data"], np.uint8).reshape(out["shape"])


def same_map(shown, expected, header):
    """Equal to the probe: exactly in a full frame, within one 8-bit code in a lean one (the
    page computed it in float32, lean.js)."""
    diff = np.abs(shown.astype(int) - expected.astype(int))
    return diff.max() <= (1 if header.get("lean") else 0)


def train_to(page, step):
    """Play until the run is past `step`, then pause; the paused step (a checkpoint)."""
    page.page.click("#play")
    page.wait_frame(f"h.step >= {step} && h.state === 'running'")
    page.page.click("#play")
    return page.wait_frame("h.state === 'paused' && !h.view")["step"]


def test_scrub_back_to_see_an_earlier_output_plot_then_branch_from_it(page):
    p = page.page
    s0 = train_to(page, 150)
    then = page.export()
    assert then["trainer"]["progress"]["step"] == s0
    live = train_to(page, s0 + 200)
    _, live_map = shown_map(page)

    # drag the scrubber's thumb from the live end to the start: step 0, the initialisation
    box = page.box("#timeline-range")
    y = box["y"] + box["height"] / 2
    p.mouse.move(box["x"] + box["width"] - 6, y)
    p.mouse.down()
    p.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
    p.mouse.move(box["x"] + 2, y, steps=5)
    p.mouse.up()
    h = page.wait_frame(f"{VIEWED} === 0")
    assert h["view"]["live_step"] == live
    h, shown = shown_map(page)
    assert same_map(shown, output_map(Trainer(Config(**then["trainer"]["config"])), h), h)

    # the arrow keys walk the checkpoints up to the paused step s0: its output plot is
    # nncore's probe of the run as exported then
    p.focus("#timeline-range")
    while (h := page.frame_header())["view"]["step"] < s0:
        p.keyboard.press("ArrowRight")
        page.wait_frame(f"{VIEWED} !== null && {VIEWED} > {h['view']['step']}")
    h, shown = shown_map(page)
    assert h["view"]["step"] == s0 and h["step"] == s0
    at_s0 = trainer_from_dict(Trainer, then["trainer"])
    assert same_map(shown, output_map(at_s0, h), h)
    assert not same_map(live_map, shown, h)  # an earlier plot, not the live one
    assert page.text("#timeline-status") == f"Step {s0:,} (viewing)"
    assert page.text("#step-count") == f"{s0:,}"
    page.shot("timeline-viewing-1280x720")
    audit(page, "an earlier step viewed on the timeline")

    # settings changed while viewing are the branch's; the live run keeps its own
    p.select_option("select[data-field=learning_rate]", "0.1")
    assert page.export()["trainer"]["config"]["learning_rate"] == 0.03
    p.click("#timeline-branch")
    h = page.wait_frame(f"!h.view && h.step === {s0}")
    page.wait("window.nnplayTest.config().learning_rate === 0.1")
    assert max(pt["step"] for pt in page.js("window.nnplayTest.chartPoints()")) <= s0
    assert page.text("#timeline-status") == "Live"
    # ... and training goes on from s0
    p.click("#play")
    page.wait_frame(f"h.step > {s0 + 50} && h.state === 'running'")
    p.click("#play")
    state = page.export()
    assert state["trainer"]["config"]["learning_rate"] == 0.1
    steps = [pt["step"] for pt in page.js("window.nnplayTest.chartPoints()")]
    assert steps == sorted(steps) and any(s > s0 for s in steps)

    # the run as it was is kept, among the page's recent runs
    page.open_tab("lesson")
    p.locator(".run-title", has_text=f"before a branch at step {s0}").wait_for()
    page.shot("timeline-branched-1280x720")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_timeline_fits_and_nothing_moves_when_a_step_is_viewed(browser, nnplay, size):
    p = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page = Page(p, nnplay).open()
    train_to(page, 200)
    parts = ["#chart", "#timeline-range", "#timeline-status", "#timeline-live",
             "#timeline-branch", "#chart-legend"]
    before = {sel: page.box(sel) for sel in parts}
    p.keyboard.press("[")  # the page's shortcut: one checkpoint back
    page.wait_frame("h.view")
    after = {sel: page.box(sel) for sel in parts}
    after["#timeline-status"]["width"] = before["#timeline-status"]["width"]  # its text
    assert after == before  # nothing moved: the buttons kept their place while hidden
    panel = page.box("#output-panel")
    for sel, b in after.items():  # inside the output panel, within the window
        assert b["x"] >= panel["x"] and b["x"] + b["width"] <= panel["x"] + panel["width"], sel
        assert b["y"] + b["height"] <= min(panel["y"] + panel["height"], size[1]), sel
    assert after["#timeline-branch"]["y"] + after["#timeline-branch"]["height"] \
        <= after["#chart-legend"]["y"] + 1  # the buttons do not cover the legend
    assert after["#timeline-range"]["width"] >= 0.8 * after["#chart"]["width"]
    assert after["#timeline-range"]["height"] >= 16  # findable on a projector
    assert page.count("#timeline-ticks .tick") >= 2
    assert p.evaluate("document.activeElement.id") != "timeline-range"
    p.focus("#timeline-range")
    outline = p.evaluate("getComputedStyle(document.querySelector('#timeline-range'))"
                         ".outlineStyle")
    assert outline != "none"  # a visible focus ring
    p.keyboard.press("End")  # back to live
    page.wait_frame("!h.view")
    page.shot(f"timeline-{size[0]}x{size[1]}")
    assert page.console_errors == []
    p.close()
