"""The Sweep tab (headless Chromium): a 2×3 sweep on the digits from the page, its table checked
against the same runs done one by one through nncore, its refusals, exports, and Open."""

import pytest

from nncore import Config, Trainer, probes
from tests.e2e.test_accessibility import audit

pytest.importorskip("sklearn")  # the digits

RATES = [0.03, 0.3]
ACTIVATIONS = ["relu", "tanh", "sigmoid"]
EPOCHS = 2


def digits_page(page):
    page.open()
    reply = page.js("window.nnplayTest.act({type: 'preset', name: 'digits'})")
    assert reply["type"] == "applied", reply
    page.wait("window.nnplayTest.config().dataset === 'digits'")
    page.open_tab("sweep")


def fill(page, field1, values1, field2="", values2="", epochs=EPOCHS):
    page.page.select_option("#sweep-field1", field1)
    page.page.fill("#sweep-values1", values1)
    page.page.select_option("#sweep-field2", field2)
    page.page.fill("#sweep-values2", values2)
    page.page.fill("#sweep-epochs", str(epochs))


def test_a_2x3_sweep_on_the_digits_matches_the_runs_done_one_by_one(page):
    digits_page(page)
    config = Config(**page.js("window.nnplayTest.config()"))
    fill(page, "learning_rate", ", ".join(map(str, RATES)), "activation", ", ".join(ACTIVATIONS))
    page.page.click("#sweep-start")
    page.wait("document.getElementById('sweep-progress').dataset.state === 'done'")
    rows = page.js("""() => [...document.querySelectorAll('#sweep-table tbody tr')].map((tr) => ({
        cells: [...tr.cells].map((td) => td.textContent),
        values: Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map(
            (td) => [td.dataset.key, Number(td.dataset.value)])),
        open: !tr.querySelector('button[data-action=open]').disabled}))""")
    assert len(rows) == 6
    cells = [(rate, act) for rate in RATES for act in ACTIVATIONS]
    for row, (rate, activation) in zip(rows, cells):
        assert row["cells"][1:5] == [str(rate), activation, "done", f"{EPOCHS}/{EPOCHS}"]
        alone = Trainer(config.replace(learning_rate=rate, activation=activation))
        for _ in range(EPOCHS):
            alone.step_epoch()
        metrics = probes.metrics(alone)
        assert row["values"]["test_accuracy"] == metrics["test_accuracy"]
        assert row["values"]["test_loss"] == metrics["test_loss"]
        assert row["open"]
    # the overlaid curves and the small multiples are drawn, one legend entry per run
    assert page.count("#sweep-legend .sweep-key") == 6
    assert page.count("#sweep-multiples canvas[data-kind=curves]") == 6  # no plane: curves
    drawn = page.js("""() => { const c = document.getElementById('sweep-curves');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 40) coloured++;
        return coloured; }""")
    assert drawn > 200, drawn
    with page.page.expect_download() as csv:
        page.page.click("#sweep-csv")
    assert csv.value.suggested_filename == "nnplay-sweep.csv"
    with page.page.expect_download() as png:
        page.page.click("#sweep-png")
    assert png.value.suggested_filename == "nnplay-sweep.png"
    page.shot("sweep-2x3-digits")
    audit(page, "the sweep tab with its results")
    # Open: the run of 0.3 and tanh becomes this page's session
    page.page.click("#sweep-table tbody tr:nth-child(5) button[data-action=open]")
    page.page.wait_for_function("window.nnplayTest && window.nnplayTest.ready()", timeout=30000)
    opened = page.js("window.nnplayTest.config()")
    assert opened["learning_rate"] == 0.3 and opened["activation"] == "tanh"
    assert page.js("window.nnplayTest.hello().step") == alone_steps(config, EPOCHS)
    # the sweep's results are still there, to open another of its runs
    page.open_tab("sweep")
    page.wait("document.querySelectorAll('#sweep-table tbody tr').length === 6")
    assert page.js("document.getElementById('sweep-values2').value") == "relu, tanh, sigmoid"


def alone_steps(config, epochs):
    trainer = Trainer(config)
    return epochs * trainer.steps_per_epoch


def test_a_refused_sweep_says_the_field_and_what_is_allowed(page):
    digits_page(page)
    fill(page, "activation", "relu, swish")
    page.page.click("#sweep-start")
    page.wait("document.getElementById('sweep-message').textContent !== ''")
    message = page.text("#sweep-message")
    assert "swish" in message and "relu" in message, message
    assert page.js("document.getElementById('sweep-message').dataset.field") == "activation"
    # the browser's own line for the refused request: the page said it, in its words
    refused = [e for e in page.console_errors if "status of 422" in e]
    assert len(refused) == 1, page.console_errors
    page.console_errors.remove(refused[0])


def test_the_exercise_preset_opens_the_sweep_tab_with_its_sweeps_ready(page):
    page.open()
    page.open_tab("lesson")
    page.page.select_option("#preset", "sweep_exercise")
    page.page.locator('[data-panel="sweep"]').wait_for(state="visible")
    page.wait("window.nnplayTest.config().dataset === 'digits'")
    form = ("() => ['sweep-field1', 'sweep-values1', 'sweep-field2', 'sweep-values2', "
            "'sweep-epochs'].map((id) => document.getElementById(id).value)")
    page.wait(f"({form})()[1] !== '0.01, 0.03, 0.1'")
    assert page.js(form) == ["hidden_layers", "32, 64-32, 128-64-32", "learning_rate",
                             "0.01, 0.1, 0.3", "20"]
    page.page.click("#sweep-suggested button:nth-of-type(2)")
    assert page.js(form) == ["activation", "relu, tanh, sigmoid", "learning_rate",
                             "0.01, 0.1, 0.3", "20"]


def test_the_full_view_shows_the_results_large_over_the_playground_and_gives_them_back(page):
    """"Full view": the tab's results move over the playground, the curves drawn at the
    view's width, every small multiple on screen at once; the keyboard goes in and comes back
    with Escape; the compare view, which takes the same place, closes it."""
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open("#dataset=spiral")
    page.open_tab("sweep")
    fill(page, "learning_rate", "0.03, 0.3", "activation", "relu, tanh, sigmoid", epochs=3)
    page.page.click("#sweep-start")
    page.wait("document.getElementById('sweep-progress').dataset.state === 'done'")
    tab_width = page.box("#sweep-curves")["width"]
    page.page.click("#sweep-expand")
    page.page.locator("#sweep-view").wait_for(state="visible")
    assert page.js("document.getElementById('sweep-results').parentElement.id") == \
        "sweep-view-body"
    assert page.js("document.activeElement.id") == "sweep-view-close"
    assert page.js("document.getElementById('playground').inert") is True
    assert page.js("document.getElementById('sweep-expand').getAttribute('aria-pressed')") == \
        "true"
    assert page.text("#sweep-view-progress") == page.text("#sweep-progress")
    # drawn at the size they are shown, larger than in the tab, and every one on screen
    curves = page.js("""(() => { const c = document.getElementById('sweep-curves');
        const r = c.getBoundingClientRect();
        return {w: r.width, pixels: c.width / devicePixelRatio}; })()""")
    assert curves["w"] > 1.1 * tab_width and abs(curves["pixels"] - curves["w"]) < 1, curves
    boxes = page.page.locator("#sweep-multiples canvas").evaluate_all(
        "cs => cs.map((c) => { const r = c.getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom, c.width / devicePixelRatio]; })")
    assert len(boxes) == 6
    for left, top, right, bottom, pixels in boxes:
        assert 0 <= left and right <= 1280 and top >= 0 and bottom <= 720, boxes
        assert right - left >= 100 and abs(pixels - (right - left)) < 1.5, boxes
    assert page.count("#sweep-view-body #sweep-table tbody tr") == 6
    page.shot("sweep-full-view-1280x720")
    audit(page, "the sweep's full view")
    # Escape, even with the keyboard nowhere (on the page's body): back to the run, the
    # results back in the tab, which stays open, and the keyboard on the button
    page.js("document.activeElement.blur()")
    page.page.keyboard.press("Escape")
    page.page.locator("#sweep-view").wait_for(state="hidden")
    assert page.js("document.getElementById('sweep-results').parentElement.id") == "sweep-panel"
    assert page.js("document.activeElement.id") == "sweep-expand"
    assert page.js("document.getElementById('playground').inert") is False
    assert page.box("#sweep-curves")["width"] == tab_width
    assert page.page.locator('[data-panel="sweep"]').is_visible()
    # the compare view takes the same place: opening it closes this one
    page.page.click("#sweep-expand")
    page.page.locator("#sweep-view").wait_for(state="visible")
    page.page.click("#compare-button")
    page.page.locator("#compare-view").wait_for(state="visible")
    assert page.js("document.getElementById('sweep-view').hidden") is True
    assert page.js("document.getElementById('playground').inert") is True  # the compare view's
    page.page.click("#cmp-close")
    page.page.locator("#compare-view").wait_for(state="hidden")
    assert page.js("document.getElementById('playground').inert") is False
    assert not page.console_errors, page.console_errors
