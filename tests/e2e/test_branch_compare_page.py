"""Branch a run and compare the two (issue 13), in the page as a person does it: train, pause,
scrub back to an earlier checkpoint, change the learning rate while viewing it, "Branch from
here", train the branch; then pin the original (Share → Recent runs) and the branch ("Pin this
run") and open the compare view. Two series, the legend names the learning rates, the
original's curve is its saved history, the branch's shares it up to the branch step and goes
on, the table's steps are each run's own, and the branch started from the original's weights
at that step. Screenshot: test-artifacts/branch-compare-1280x720.png."""

import sqlite3

import pytest

from app.runstore import FILENAME, decode
from tests.e2e.server import running
from tests.e2e.test_compare_page import drawn_colours, table_rows
from tests.e2e.test_timeline_page import VIEWED, train_to

SERIES = ("test_accuracy", "test_loss", "train_loss")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The server's data folder: the test reads the original's save from its run store."""
    return tmp_path_factory.mktemp("nnplay-data")


@pytest.fixture(scope="module")
def nnplay(data_dir):
    with running("--data-dir", str(data_dir)) as server:
        yield server


def saved_run(data_dir, title_part):
    """The run store's save whose title holds `title_part` (read only: the server owns it)."""
    db = sqlite3.connect(f"file:{data_dir / FILENAME}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, updated, body FROM runs WHERE title LIKE ?",
                          (f"%{title_part}%",)).fetchall()
    finally:
        db.close()
    assert len(rows) == 1, rows
    return decode(*rows[0])


def series(history, keep=lambda step: True):
    """A compare run's history (or part of it) as {name: [values]}, steps included."""
    at = [i for i, s in enumerate(history["steps"]) if keep(s)]
    return {k: [history[k][i] for i in at] for k in ("steps", *SERIES)}


def test_branch_from_an_earlier_step_and_compare_it_with_the_original(page, data_dir):
    p = page.page
    p.set_viewport_size({"width": 1280, "height": 720})
    page.open()

    # train, pause at s0 (a checkpoint: the branch will go on from it), train on, pause
    s0 = train_to(page, 150)
    at_s0 = page.export()["trainer"]
    assert at_s0["config"]["learning_rate"] == 0.03
    live = train_to(page, s0 + 200)
    page.wait(f"document.getElementById('timeline-ticks').dataset.steps.split(',')"
              f".includes('{s0}')")

    # scrub back: drag the thumb about to s0, then the arrow keys to the checkpoint at s0
    box = page.box("#timeline-range")
    y = box["y"] + box["height"] / 2
    p.mouse.move(box["x"] + box["width"] - 6, y)
    p.mouse.down()
    p.mouse.move(box["x"] + box["width"] * s0 / live, y, steps=8)
    p.mouse.up()
    page.wait_frame(f"{VIEWED} !== null && "
                    f"String({VIEWED}) === document.getElementById('timeline-range').value")
    p.focus("#timeline-range")
    for _ in range(60):
        viewed = page.frame_header()["view"]["step"]
        if viewed == s0:
            break
        p.keyboard.press("ArrowLeft" if viewed > s0 else "ArrowRight")
        page.wait_frame(f"{VIEWED} !== null && {VIEWED} !== {viewed}")
    h = page.frame_header()
    assert h["view"] == {"step": s0, "live_step": live}, h["view"]
    assert page.text("#timeline-status") == f"Step {s0:,} (viewing)"

    # a learning rate chosen while viewing is the branch's: the live run keeps its own
    p.select_option("select[data-field=learning_rate]", "0.1")
    page.wait("document.getElementById('timeline-branch').classList.contains('has-changes')")
    before = page.export()  # the run as it is: what the branch keeps as the original
    assert before["trainer"]["config"]["learning_rate"] == 0.03
    assert before["trainer"]["progress"]["step"] == live

    p.click("#timeline-branch")
    page.wait_frame(f"!h.view && h.step === {s0}")
    page.wait("window.nnplayTest.config().learning_rate === 0.1")
    assert page.text("#timeline-status") == "Live"
    # the branch goes on from the original's checkpoint at s0: the same weights, optimizer,
    # generators and progress, with the new learning rate and nothing else changed
    branched = page.export()["trainer"]
    assert {k: v for k, v in branched.items() if k != "config"} == \
        {k: v for k, v in at_s0.items() if k != "config"}
    assert branched["config"] == {**at_s0["config"], "learning_rate": 0.1}

    # train the branch past where the original stopped
    p.click("#play")
    page.wait_frame(f"h.step > {live + 100} && h.state === 'running'")
    p.click("#play")
    end = page.wait_frame("h.state === 'paused' && !h.view")["step"]

    # pin the original from Recent runs, open the compare view, pin this run (the branch)
    page.open_tab("lesson")
    original_row = p.locator("#runs-list .run", has_text=f"before a branch at step {s0}")
    original_row.wait_for()
    assert f"step {live:,}" in original_row.inner_text()
    original_row.locator("[data-action=pin]").click()
    page.wait("document.getElementById('runs-compare').textContent === 'Compare (1)'")
    p.click("#runs-compare")
    p.locator("#compare-view").wait_for(state="visible")
    p.click("#cmp-pin-this")
    snap = page.wait("""(() => { const s = window.nnplayTest.compare();
        return s.comparison && s.comparison.runs.length === 2 && s.plotsDrawn === 2
            && s; })()""")
    original, branch = snap["comparison"]["runs"]

    # two series, told apart by the one setting that differs
    assert snap["legend"] == ["learning rate 0.03", "learning rate 0.1"]
    assert snap["comparison"]["fields"] == ["learning_rate"]
    assert "learning rate" in page.text("#cmp-note")
    blue, orange = drawn_colours(page)
    assert blue > 200 and orange > 200, (blue, orange)

    # the original: the run store's save of the run as it was when it branched, its whole
    # history up to its last step (live)
    saved = saved_run(data_dir, f"before a branch at step {s0}")
    assert original["id"] == saved["id"] and not original["live"]
    assert saved["export"]["trainer"] == before["trainer"]
    saved_history = saved["export"]["history"]
    assert saved_history[-1]["step"] == live == original["step"]
    assert original["history"]["steps"] == [pt["step"] for pt in saved_history]
    for k in SERIES:
        assert original["history"][k] == [pt[k] for pt in saved_history], k

    # the branch: the original's points up to s0 (their shared past), then its own beyond
    assert branch["live"] and branch["step"] == end
    assert series(branch["history"], lambda s: s <= s0) == \
        series(original["history"], lambda s: s <= s0)
    assert branch["history"]["steps"][-1] == end > live
    own = series(branch["history"], lambda s: s > s0)
    assert len(own["steps"]) >= 2
    now = page.export()["history"]  # the branch's own record, as the session keeps it
    assert branch["history"]["steps"] == [pt["step"] for pt in now]
    for k in SERIES:
        assert branch["history"][k] == [pt[k] for pt in now], k

    # the table: each run's own steps
    rows = table_rows(page)
    assert [r[0] for r in rows] == ["learning rate 0.03", "learning rate 0.1"]
    assert [r[1] for r in rows] == [f"{live:,}", f"{end:,}"]
    # the branch's notes (beside the learning rate, and the toast) go after a few seconds
    page.wait("document.querySelector('.refusal, .toast') === null")
    page.shot("branch-compare-1280x720")
