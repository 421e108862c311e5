"""Compare runs in the page (headless Chromium, a real server): two runs trained with different
learning rates, one pinned from Recent runs and one with "Pin this run"; the compare view
overlays their curves (two series, each drawn in its colour), its legend names the one thing
that differs, the output plots are drawn side by side, the table's values are the runs' own
histories (and follow an edited target), the CSV download holds those values to the last
digit, the PNG download is a PNG; screenshots at 1280×720 and 1920×1080."""

import csv
import io
import struct
from pathlib import Path

from tests.e2e.browser import ARTIFACTS
from tests.e2e.conftest import Page
from tests.e2e.server import running
from tests.e2e.test_accessibility import audit

RATES = (0.3, 0.03)
CHUNKS, STEPS = 8, 25  # each run: 8 × 25 steps, a chart point after each


def train(page, learning_rate):
    reply = page.js("rate => window.nnplayTest.act({type: 'set', config: {learning_rate: rate}})",
                    learning_rate)
    assert reply["type"] == "applied", reply
    for k in range(1, CHUNKS + 1):
        reply = page.js(f"window.nnplayTest.act({{type: 'step', n: {STEPS}}})")
        assert reply["type"] == "applied", reply
        page.wait_frame(f"h.step === {k * STEPS}")
    page.wait(f"document.getElementById('status').dataset.saved === '{CHUNKS * STEPS}'",
              timeout=30000)
    return page.export()


def first_reach(points, target):
    return next((p["step"] for p in points if p["test_accuracy"] >= target), None)


def percent(v):
    return f"{100 * v:.1f}%"


def drawn_colours(page):
    """How many pixels of the chart canvas are near each run's colour."""
    return page.js("""() => {
        const c = document.getElementById('cmp-chart');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const want = [[0, 114, 178], [213, 94, 0]];  // the first two runs' colours
        const n = want.map(() => 0);
        for (let i = 0; i < d.length; i += 4) {
          want.forEach(([r, g, b], k) => {
            if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g)
                + Math.abs(d[i + 2] - b) < 40) n[k]++;
          });
        }
        return n;
    }""")


def table_rows(page):
    return page.page.locator("#cmp-table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")


def test_two_runs_compared_side_by_side(browser, tmp_path):
    with running("--data-dir", str(tmp_path)) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 720},
                                      accept_downloads=True)
        try:
            first = Page(context.new_page(), server).open()
            states = [train(first, RATES[0])]
            first.page.close()  # an earlier run: saved, listed in Recent runs
            page = Page(context.new_page(), server).open()
            states.append(train(page, RATES[1]))

            # pin the earlier run from Recent runs, then open the view and pin this one
            page.open_tab("lesson")
            older = page.page.locator("#runs-list .run").filter(has_not_text="this run")
            older.locator("[data-action=pin]").click()
            page.wait("document.querySelector('#runs-list [aria-pressed=true]') !== null")
            assert page.text("#runs-compare") == "Compare (1)"
            page.page.click("#runs-compare")
            page.page.locator("#compare-view").wait_for(state="visible")
            assert page.js("document.activeElement.id") == "cmp-close"  # the keyboard is in
            page.page.click("#cmp-pin-this")
            snap = page.wait("""(() => { const s = window.nnplayTest.compare();
                return s.comparison && s.comparison.runs.length === 2 && s.plotsDrawn === 2
                    && s; })()""")
            assert page.text("#cmp-pin-this") == "Unpin this run"
            assert page.text("#compare-button") == "Compare (2)"

            # the legend names what differs, and only that
            assert snap["legend"] == ["learning rate 0.3", "learning rate 0.03"]
            assert snap["comparison"]["fields"] == ["learning_rate"]
            assert "learning rate" in page.text("#cmp-note")
            # two series on the chart: each run's points, each drawn in its colour
            runs = snap["comparison"]["runs"]
            for run, state in zip(runs, states):
                assert run["history"]["steps"] == [p["step"] for p in state["history"]]
                assert run["history"]["test_accuracy"] == [p["test_accuracy"]
                                                           for p in state["history"]]
            blue, orange = drawn_colours(page)
            assert blue > 200 and orange > 200, (blue, orange)

            # the table: each run's final values and first reach, from its own history
            def check_table(target):
                rows = table_rows(page)
                assert len(rows) == 2
                for row, state in zip(rows, states):
                    last = state["history"][-1]
                    reached = first_reach(state["history"], target)
                    assert row[1:6] == [
                        f"{CHUNKS * STEPS}", percent(last["test_accuracy"]),
                        f"{last['test_loss']:.3f}", f"{last['train_loss']:.3f}",
                        "not reached" if reached is None else f"{reached:,}"], row
                return rows

            rows = check_table(0.9)
            assert rows[0][0] == "learning rate 0.3" and rows[1][0] == "learning rate 0.03"
            page.page.fill("#cmp-target", "75")
            page.page.press("#cmp-target", "Enter")
            page.wait("window.nnplayTest.compare().comparison.target === 0.75")
            assert page.text("#cmp-reached-head") == "Reached 75% at step"
            check_table(0.75)
            page.shot("compare-1280x720")
            audit(page, "the compare view with two runs")

            # Export CSV: the table, to the last digit
            with page.page.expect_download() as download:
                page.page.click("#cmp-csv")
            text = Path(download.value.path()).read_text(encoding="utf-8")
            table = list(csv.DictReader(io.StringIO(text)))
            assert [r["label"] for r in table] == ["learning rate 0.3", "learning rate 0.03"]
            for r, state, rate in zip(table, states, RATES):
                last = state["history"][-1]
                assert float(r["test_accuracy"]) == last["test_accuracy"]
                assert float(r["test_loss"]) == last["test_loss"]
                assert float(r["train_loss"]) == last["train_loss"]
                assert int(r["steps"]) == CHUNKS * STEPS and float(r["target"]) == 0.75
                reached = first_reach(state["history"], 0.75)
                assert r["reached_step"] == ("" if reached is None else str(reached))
                assert float(r["learning_rate"]) == rate

            # Export PNG: a PNG, of the composition's width
            with page.page.expect_download() as download:
                page.page.click("#cmp-png")
            data = Path(download.value.path()).read_bytes()
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "compare-export.png").write_bytes(data)  # for a person to look at
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            assert width == 1600 and height > 900

            # the loss instead of the accuracy, then a projector's full HD
            page.page.select_option("#cmp-metric", "test_loss")
            assert page.text("#cmp-chart-title") == "Test loss"
            page.page.set_viewport_size({"width": 1920, "height": 1080})
            page.wait("""(() => { const c = document.getElementById('cmp-chart');
                return c.width >= c.getBoundingClientRect().width * 0.99
                    && c.getBoundingClientRect().width > 900; })()""")
            page.wait("document.querySelectorAll('#cmp-plots .cmp-plot-canvas').length === 2 && "
                      "document.querySelector('#cmp-plots .cmp-plot-canvas')"
                      ".getBoundingClientRect().width > 300")
            page.shot("compare-1920x1080")

            # the keyboard: from "Back to the run", Tab goes on inside the view (the playground
            # under it is out of the way), to the table's first Unpin; Escape goes back to the
            # run, and the keyboard to the button that opened the view
            page.page.focus("#cmp-close")
            page.page.keyboard.press("Tab")
            assert page.js("document.activeElement.closest('#cmp-table tbody tr') !== null "
                           "&& document.activeElement.textContent === 'Unpin'")
            page.page.keyboard.press("Escape")
            page.page.locator("#compare-view").wait_for(state="hidden")
            assert page.js("window.nnplayTest.compare().open") is False
            assert page.js("document.activeElement.id") == "runs-compare"
            assert not page.console_errors, page.console_errors
        finally:
            context.close()


def test_the_csv_quotes_labels_and_every_run_has_its_own_colour_dash_and_marker(page):
    """compare-view.js as the page loads it: a label with commas and quotes survives the CSV
    (read back by Python's csv), and the six styles differ pairwise in all three ways."""
    page.open()
    got = page.js("""async () => {
        const m = await import('/static/js/compare-view.js');
        const run = (label, acc) => ({label, title: 'circle · 2-4-1 "t"', step: 10,
            final: {step: 10, test_accuracy: acc, test_loss: 0.5, train_loss: 0.25},
            reached: null, diff: [{field: 'hidden_layers', value: [8, 4], text: '8-4'}]});
        return {csv: m.toCsv({target: 0.9, fields: ['hidden_layers'],
                              runs: [run('relu, "fast", lr 0.3', 0.875), run('tanh', 1)]}),
                styles: m.STYLES, max: m.MAX_PINS};
    }""")
    rows = list(csv.DictReader(io.StringIO(got["csv"])))
    assert [r["label"] for r in rows] == ['relu, "fast", lr 0.3', "tanh"]
    assert rows[0]["title"] == 'circle · 2-4-1 "t"' and rows[0]["hidden_layers"] == "8-4"
    assert rows[0]["test_accuracy"] == "0.875" and rows[0]["reached_step"] == ""
    styles = got["styles"]
    assert len(styles) == got["max"] == 6
    for key in ("color", "marker"):
        assert len({s[key] for s in styles}) == 6, key
    assert len({tuple(s["dash"]) for s in styles}) == 6
