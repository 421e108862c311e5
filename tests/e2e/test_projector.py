"""The page at the projector (issue 10), in real headless Chromium: tasks rather than pairings,
a layout that holds at projector sizes in both modes with any drawer tab open, a teaching
pace, charts with legends, errors beside their controls, correct labels, live panels, the
heatmap resolution and a smooth output surface.

As everywhere in tests/e2e, the page is driven by clicks and keys and observed through the DOM
and window.nnplayTest (docs/testing.md); tests wait for conditions, never for time.
"""

import base64
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import Page
from tests.e2e.server import running

SIZES = [(1280, 720), (1366, 768), (1920, 1080), (2560, 1440)]
SMOOTH_STEP = 8  # the largest colour step between neighbouring pixels of a smooth surface
TABS = ["settings", "explain", "neuron", "shapes", "activations", "diagnostics", "code", "lesson",
        "class"]


def settled(page, condition="true"):
    """Wait until the JS `condition` holds and the page has drawn a frame that reflects it."""
    page.wait(f"(() => {{ const t = window.nnplayTest; return ({condition}) && t.ready(); }})()")


def no_refusal(page):
    """Nothing was refused: no error reply counted, no error toast, no refusal shown."""
    assert page.js("window.nnplayTest.stats().errors") == 0
    assert page.toasts("error") == []
    assert page.count(".refusal") == 0, page.page.locator(".refusal").all_inner_texts()


# -- tasks, not pairings ------------------------------------------------------------------------
def idx(A):
    """An IDX file of a uint8 array (MNIST's format)."""
    A = np.asarray(A, np.uint8)
    return bytes([0, 0, 8, A.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in A.shape) \
        + A.tobytes()


@pytest.fixture(scope="module")
def with_image_files(tmp_path_factory):
    """A server whose MNIST and Fashion-MNIST are tiny local files, so that every thumbnail
    has its data (nothing downloads in a test)."""
    rng = np.random.default_rng(0)
    args = []
    for name in ("mnist", "fashion_mnist"):
        folder = tmp_path_factory.mktemp(name)
        for split, n in (("train", 40), ("t10k", 20)):
            (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(
                gzip.compress(idx(rng.integers(0, 256, (n, 28, 28))), mtime=0))
            (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(
                gzip.compress(idx(np.resize(np.arange(10), n)), mtime=0))
        args += ["--dataset-dir", f"{name}={folder}"]
    with running("--max-sessions", "50", "--no-downloads", *args) as server:
        yield server


@pytest.fixture
def files_page(browser, with_image_files, request):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    p = Page(context.new_page(), with_image_files)
    yield p
    try:
        p.shot(request.node.name)
    finally:
        context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"


def pairs_offered(page):
    return page.js("[...document.querySelectorAll('#task option')].map((o) => o.value)")


def choose_pair(page, value):
    output, loss = value.split("|")
    page.page.select_option("#task", value)
    settled(page, f"t.config().output_activation === '{output}' && t.config().loss === '{loss}'"
                  f" && t.network().output_activation === '{output}' && "
                  f"t.network().loss === '{loss}'")


WORDS = {"bce": "binary cross-entropy", "cross_entropy": "cross-entropy",
         "mse": "mean squared error", "sse": "sum of squared errors",
         "perceptron": "perceptron rule"}


def test_every_dataset_thumbnail_and_every_offered_pair_without_a_refusal(files_page):
    page = files_page.open()
    schema = page.js("JSON.parse(document.getElementById('schema').textContent)")
    names = page.js("[...document.querySelectorAll('[data-dataset]')]"
                    ".map((b) => b.dataset.dataset)")
    assert set(names) == set(schema["datasets"])
    tried = 0
    for name in names:
        before = page.js("window.nnplayTest.config()")
        page.page.click(f'[data-dataset="{name}"]')
        settled(page, f"t.config().dataset === '{name}' && t.dataHeader().dataset === '{name}'")
        kind = page.js("window.nnplayTest.dataHeader().kind")
        pairs = schema["tasks"][kind]
        expected = [f"{o}|{l}" for o, l in pairs]
        assert pairs_offered(page) == expected, (name, kind)
        labels = page.js("[...document.querySelectorAll('#task option')].map((o) => o.textContent)")
        assert labels == [f"{o} + {WORDS[l]}" for o, l in pairs]
        config = page.js("window.nnplayTest.config()")
        if [before["output_activation"], before["loss"]] not in pairs:
            # the data moved the pair to its task's default: one line beside the control says so
            assert [config["output_activation"], config["loss"]] == pairs[0]
            note = page.text("#task-note")
            assert f"{kind} data" in note and "was" in note, (name, note)
        assert page.page.input_value("#task") == f"{config['output_activation']}|{config['loss']}"
        for value in expected:
            choose_pair(page, value)
            tried += 1
        no_refusal(page)
    assert tried >= 3 * len(names)
    # several classes: the pairs of a multi-class task, reached from the perceptron
    page.page.click('[data-dataset="spiral"]')
    settled(page, "t.config().dataset === 'spiral'")
    choose_pair(page, "step|perceptron")
    page.page.locator('input[data-field="n_classes"]').press("ArrowRight")  # 2 → 3 classes
    settled(page, "t.config().n_classes === 3 && t.dataHeader().n_classes === 3")
    assert page.js("window.nnplayTest.dataHeader().kind") == "multiclass"
    assert page.page.input_value("#task") == "softmax|cross_entropy"
    assert "multiclass data" in page.text("#task-note")
    assert pairs_offered(page) == [f"{o}|{l}" for o, l in schema["tasks"]["multiclass"]]
    for value in pairs_offered(page):
        choose_pair(page, value)
    no_refusal(page)


def test_pairs_read_as_words(page):
    page.open()
    labels = page.js("[...document.querySelectorAll('#task option')].map((o) => o.textContent)")
    assert labels[0] == "sigmoid + binary cross-entropy"
    assert "softmax + cross-entropy" in labels and "step + perceptron rule" in labels
    assert "linear + mean squared error" in labels
    page.page.click('[data-dataset="blobs"]')
    settled(page, "t.config().dataset === 'blobs'")
    slider = page.page.locator('input[data-field="n_classes"]')
    slider.press("ArrowRight")
    settled(page, "t.config().n_classes === 3")
    slider.press("ArrowRight")
    settled(page, "t.dataHeader().n_classes === 4")
    labels = page.js("[...document.querySelectorAll('#task option')].map((o) => o.textContent)")
    assert labels[0] == "softmax + cross-entropy" and "step + perceptron rule" not in labels


def test_a_regression_csv_moves_the_pair_and_the_note_says_so_beside_the_control(page):
    page.open()
    rows = ["x1,x2,y"] + [f"{a:.2f},{b:.2f},{0.3 * a - b:.3f}"
                          for a, b in np.random.default_rng(1).uniform(-3, 3, (30, 2))]
    with page.page.expect_file_chooser() as chooser:
        page.page.click("label.file-button:has(#csv-input)")
    chooser.value.set_files({"name": "plane.csv", "mimeType": "text/csv",
                             "buffer": ("\n".join(rows) + "\n").encode()})
    settled(page, "t.dataHeader().kind === 'regression' && t.config().loss === 'mse' && "
                  "t.network().loss === 'mse'")
    note = page.text("#task-note")
    assert note.startswith("regression data") and "was sigmoid with bce" in note, note
    task, box = page.box("#task"), page.box("#task-note")
    assert 0 <= box["y"] - (task["y"] + task["height"]) < 40  # the line under the control
    assert page.toasts() == []  # a note, not a toast
    assert page.page.input_value("#task") == "linear|mse"
    assert pairs_offered(page)[0] == "linear|mse"
    no_refusal(page)


# -- the layout at projector sizes --------------------------------------------------------------
LAYOUT = (Path(__file__).parent / "layout.js").read_text()  # the check, in the page


SIZES_OF = """() => {
  const b = (s) => document.querySelector(s).getBoundingClientRect();
  return { font: parseFloat(getComputedStyle(document.body).fontSize),
           metric: parseFloat(getComputedStyle(document.querySelector('.metric')).fontSize),
           plot: b('#output-plot').width, tile: b('.neuron[data-layer="1"][data-index="0"]').width,
           chart: b('#chart').height, network: b('#network').height };
}"""


def layout_problems(page):
    return page.js(LAYOUT)


def open_state(page, state):
    """Open a drawer tab, the neuron inspector, or nothing (None)."""
    if state == "inspector":
        page.page.click('.neuron[data-layer="1"][data-index="0"]')
        page.page.locator("#inspector").wait_for(state="visible")
    elif state:
        page.open_tab(state)
    # the diagram lays itself out again for its new height (its neurons, and the layers'
    # labels at its foot, inside their panel: the neurons alone may fit before it has)
    page.wait("(() => { const p = document.getElementById('network-panel')"
              ".getBoundingClientRect(); return [...document.querySelectorAll('.layer-label')]"
              ".every((t) => t.getBoundingClientRect().bottom <= p.bottom + 0.5); })()")
    page.wait("(() => { const n = document.getElementById('network').getBoundingClientRect();"
              " return [...document.querySelectorAll('.neuron')].every((t) => {"
              " const b = t.getBoundingClientRect(); return b.bottom <= n.bottom + 0.5; }); })()")


def close_state(page, state):
    if state == "inspector":
        page.page.click("#inspector-close")
        page.page.locator("#inspector").wait_for(state="hidden")
    elif state:
        page.page.click(f'[role=tab][data-tab="{state}"]')
        page.page.locator(f'[data-panel="{state}"]').wait_for(state="hidden")


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("width, height", SIZES)
def test_the_layout_holds_at_projector_sizes_with_any_tab_open(page, width, height, mode):
    page.page.set_viewport_size({"width": width, "height": height})
    page.open("#present=1" if mode == "present" else "")
    assert page.js("document.body.classList.contains('present')") == (mode == "present")
    page.page.keyboard.press(" ")
    page.wait("window.nnplayTest.chartPoints().length >= 3 && "
              "window.nnplayTest.chartBatch().length > 0")
    page.page.keyboard.press(" ")
    page.wait_frame("h.state === 'paused'")
    found = {}
    for state in [None, *TABS, "inspector"]:
        open_state(page, state)
        problems = layout_problems(page)
        if problems:
            found[state or "closed"] = problems
        if state in (None, "settings", "explain", "inspector"):
            page.shot(f"layout_{width}x{height}_{mode}_{state or 'closed'}")
        close_state(page, state)
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("width, height", SIZES)
def test_presentation_mode_has_larger_type_and_drawings(page, width, height):
    page.page.set_viewport_size({"width": width, "height": height})
    page.open()
    normal = page.js(SIZES_OF)
    page.page.click("#present-button")
    page.wait("document.body.classList.contains('present') && location.hash.includes('present=1')")
    assert page.page.get_attribute("#present-button", "aria-pressed") == "true"
    page.wait(f"document.getElementById('output-plot').getBoundingClientRect().width !== "
              f"{normal['plot']}")
    settled(page)
    present = page.js(SIZES_OF)
    assert present["font"] >= 1.15 * normal["font"], (normal, present)
    assert present["metric"] >= 1.15 * normal["metric"], (normal, present)
    assert present["plot"] >= normal["plot"], (normal, present)
    assert present["tile"] >= normal["tile"] - 0.5, (normal, present)
    assert present["chart"] >= 0.8 * normal["chart"], (normal, present)
    assert layout_problems(page) == []
    page.page.keyboard.press("p")  # and back, by key
    page.wait("!document.body.classList.contains('present') && !location.hash.includes('present')")
    assert page.page.get_attribute("#present-button", "aria-pressed") == "false"


# -- pace -----------------------------------------------------------------------------------------
def test_the_speed_control_shows_the_real_pace_and_max_is_one_click_away(page):
    page.open()
    assert page.js("window.nnplayTest.hello().speed") == 100
    assert page.text("#speed-value") == "100 steps/s"
    assert page.page.get_attribute("#speed-max", "aria-pressed") == "false"
    page.page.click("#speed-max")  # one click
    page.wait("document.getElementById('speed-value').textContent === 'max'")
    assert page.page.get_attribute("#speed-max", "aria-pressed") == "true"
    page.page.click("#speed-max")  # and back to the pace before
    page.wait("document.getElementById('speed-value').textContent === '100 steps/s'")
    # the slider's range: 3 to 3,000 steps a second; each key waits for the server's word
    slider = page.page.locator("#speed-range")
    for key, pace, text in (("Home", 3, "3 steps/s"), ("End", 3000, "3,000 steps/s"),
                            ("ArrowLeft", 2000, "2,000 steps/s")):
        slider.press(key)
        page.wait(f"window.nnplayTest.speed() === {pace}")
        page.wait(f"document.getElementById('speed-value').textContent === '{text}'")
    # a preset's own pace is shown (the perceptron's is 50)
    page.open_tab("lesson")
    page.page.select_option("#preset", "perceptron_separable")
    page.wait("document.getElementById('speed-value').textContent === '50 steps/s'")
    # a pace set elsewhere (not a notch of the slider) is shown as it is
    reply = page.js("window.nnplayTest.act({type: 'speed', steps_per_second: 75})")
    assert reply["type"] == "applied"
    page.js("window.nnplayTest.dropSocket()")  # a resumed page learns it from the hello
    page.wait("window.nnplayTest.hello() && window.nnplayTest.hello().resumed === true")
    page.wait("document.getElementById('speed-value').textContent === '75 steps/s'")
    page.page.keyboard.press("m")  # the key for max
    page.wait("document.getElementById('speed-value').textContent === 'max'")
    no_refusal(page)


def test_the_default_pace_shows_the_circle_being_learned(page):
    """At the teaching pace the circle is not learned at once: an early frame still shows
    it half-learned, and the steps come at about 100 a second (never faster: a slower
    machine only makes them slower)."""
    page.open()
    page.page.keyboard.press(" ")
    h = page.wait_frame("h.step >= 20")
    assert h["metrics"]["test_accuracy"] < 0.95  # not solved within a fraction of a second
    page.js("""window.__pace = []; (function watch() {
        const f = window.nnplayTest.frame();
        window.__pace.push([performance.now(), f.header.step]);
        if (window.__pace.length < 100000) requestAnimationFrame(watch); })()""")
    page.wait_frame("h.step >= 200")
    (t0, s0), (t1, s1) = page.js("[window.__pace[0], window.__pace.at(-1)]")
    rate = (s1 - s0) / ((t1 - t0) / 1000)
    assert rate <= 140, rate


# -- charts ---------------------------------------------------------------------------------------
def legend(page):
    return page.js("""[...document.querySelectorAll('#chart-legend .item')].map((i) => ({
        series: i.dataset.series, name: i.querySelector('.name').textContent,
        value: i.querySelector('.value').textContent,
        run: i.closest('.group') ? i.closest('.group').querySelector('.run').textContent
                                  : null}))""")


def test_the_chart_has_a_legend_for_every_line_and_a_readout_that_is_not_clipped(page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open()
    page.page.keyboard.press(" ")
    page.wait("window.nnplayTest.chartPoints().length >= 3 && "
              "window.nnplayTest.chartBatch().length > 0")
    page.page.keyboard.press(" ")
    h = page.wait_frame("h.state === 'paused'")
    page.wait("document.querySelectorAll('#chart-legend .item').length === 3")
    items = legend(page)
    assert [i["name"] for i in items] == ["training", "test", "mini-batch"]
    point = page.js("window.nnplayTest.chartPoints().at(-1)")
    assert float(items[0]["value"]) == pytest.approx(point["train_loss"], rel=1e-3)
    assert float(items[1]["value"]) == pytest.approx(point["test_loss"], rel=1e-3)
    assert page.text("#chart-readout") == f"step {point['step']}"
    # nothing of the legend is clipped
    clipped = page.js("""[...document.querySelectorAll('#chart-legend, #chart-legend *')]
      .filter((e) =>
        e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right >
        document.getElementById('output-panel').getBoundingClientRect().right)
      .map((e) => e.className)""")
    assert clipped == []
    # the read-out follows the pointer
    chart = page.box("#chart")
    page.page.mouse.move(chart["x"] + chart["width"] * 0.2, chart["y"] + chart["height"] / 2)
    page.wait(f"document.getElementById('chart-readout').textContent !== 'step {h['step']}'")
    # accuracy: the same lines, in percent
    page.page.select_option("#chart-metric", "score")
    page.wait("document.getElementById('chart-title').textContent === 'Accuracy'")
    items = legend(page)
    assert [i["name"] for i in items] == ["training", "test"]
    assert all(i["value"].endswith("%") for i in items)


def test_the_comparison_shows_both_runs_maps_side_by_side_and_both_curves_labelled(page):
    page.open("#preset=mse_vs_cross_entropy")
    page.wait_frame("h.compare && f.arrays.compare_output")
    page.page.locator("#compare-figure").wait_for(state="visible")
    assert page.text("#plot-caption") == "binary cross-entropy"
    assert page.text("#compare-caption") == "mean squared error"
    main, other = page.box("#output-plot"), page.box("#compare-plot")
    assert abs(main["y"] - other["y"]) < 1 and main["x"] + main["width"] <= other["x"]
    assert abs(main["width"] - other["width"]) < 1 and main["width"] > 100
    # accuracy by default: the two losses are not on one scale
    assert page.page.input_value("#chart-metric") == "score"
    assert page.js("document.getElementById('chart-title').textContent") == "Accuracy"
    page.page.keyboard.press(" ")
    page.wait("window.nnplayTest.chartPoints().length >= 3")
    page.page.keyboard.press(" ")
    page.wait_frame("h.state === 'paused' && f.arrays.compare_output")
    page.wait("document.querySelectorAll('#chart-legend .item').length === 4")
    items = legend(page)
    assert [(i["run"], i["name"]) for i in items] == [
        ("binary cross-entropy:", "training"), ("binary cross-entropy:", "test"),
        ("mean squared error:", "training"), ("mean squared error:", "test")]
    point = page.js("window.nnplayTest.chartPoints().at(-1)")
    assert items[2]["value"] == f"{100 * point['cmp_train_accuracy']:.1f}%"
    # the compared run's map is the frame's compare_output, painted like the output
    painted = page.js("""() => {
        const c = document.getElementById('compare-canvas');
        const f = window.nnplayTest.frame();
        return [c.width, f.arrays.compare_output.shape[0],
                new Set(Array.from(
                  c.getContext('2d').getImageData(0, 0, c.width, c.height).data)).size];
    }""")
    assert painted[0] == painted[1] and painted[2] > 10
    page.shot("comparison")


# -- errors where they belong ---------------------------------------------------------------------
def test_limits_disable_the_buttons_and_nothing_is_refused(page):
    page.open("#hidden_layers=")  # no hidden layer
    limits = page.js("window.nnplayTest.hello().limits")
    settled(page, "t.network().sizes.length === 2")
    assert page.page.is_disabled("#layer-remove") and page.page.is_enabled("#layer-add")
    for n in range(1, limits["max_hidden_layers"] + 1):
        page.page.click("#layer-add")
        settled(page, f"t.network().sizes.length === {n + 2}")
    assert page.page.is_disabled("#layer-add") and page.page.is_enabled("#layer-remove")
    assert page.text("#layer-count") == str(limits["max_hidden_layers"])
    # a layer of one neuron: its − is disabled; at the most, its + is
    page.open(f"#hidden_layers=1,{limits['max_neurons_per_layer']}")
    settled(page, f"t.config().hidden_layers.join() === '1,{limits['max_neurons_per_layer']}'")
    button = '.layer-controls button[data-layer="{}"][data-delta="{}"]'
    page.wait(f"document.querySelector('{button.format(1, -1)}').disabled")
    assert page.page.is_enabled(button.format(1, 1))
    assert page.page.is_disabled(button.format(2, 1)) and page.page.is_enabled(button.format(2, -1))
    page.page.click(button.format(2, -1))
    settled(page, f"t.config().hidden_layers[1] === {limits['max_neurons_per_layer'] - 1}")
    page.wait(f"!document.querySelector('{button.format(2, 1)}').disabled")
    # the only feature left cannot be unchosen
    page.page.click('[data-feature="x2"]')
    settled(page, "t.config().features.join() === 'x1'")
    assert page.page.is_disabled('[data-feature="x1"]')
    # Nesterov needs momentum: off with it
    page.open_settings()
    assert page.page.is_disabled('input[data-field="nesterov"]')
    momentum = page.page.locator('input[data-field="momentum"]')
    momentum.press("End")
    settled(page, "t.config().momentum > 0.9")
    page.page.check('input[data-field="nesterov"]')
    settled(page, "t.config().nesterov === true")
    momentum.press("Home")
    settled(page, "t.config().momentum === 0 && t.config().nesterov === false")
    assert page.page.is_disabled('input[data-field="nesterov"]')
    no_refusal(page)


def test_a_refusal_is_shown_short_beside_its_control(page):
    """An explained step applied after the weights moved is refused: the refusal is shown
    beside the Apply button, briefly, and no toast covers anything."""
    page.open("#preset=xor_two_hidden")
    page.page.keyboard.press("e")
    page.wait("document.querySelector('.explain-counter').textContent.startsWith('1 /')")
    stages = int(page.text(".explain-counter").split("/")[1])
    for k in range(2, stages + 1):
        page.page.click(".explain-next")
        page.wait(f"document.querySelector('.explain-counter').textContent.startsWith('{k} /')")
    page.page.click("#step")  # the weights move on: the explained step no longer applies
    page.wait_frame("h.step === 1")
    page.page.click(".explain-apply")
    refusal = page.page.locator(".refusal")
    refusal.wait_for()
    apply_box, note = page.box(".explain-apply"), refusal.bounding_box()
    below = abs(note["y"] - (apply_box["y"] + apply_box["height"])) < 12
    above = abs(note["y"] + note["height"] - apply_box["y"]) < 12
    assert below or above, (apply_box, note)
    assert note["x"] < apply_box["x"] + apply_box["width"] and \
        apply_box["x"] < note["x"] + note["width"] + 4
    text = refusal.inner_text()
    assert "explain again" in text and len(text) < 200, text
    assert page.toasts() == []
    assert page.js("window.nnplayTest.stats().errors") == 1
    refusal.wait_for(state="detached")  # it goes by itself


def test_toasts_are_few_brief_and_cover_no_control(page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open()
    for k in range(4):
        page.js(f"window.nnplayTest.act({{type: 'set', config: {{learning_rate: -{k + 1}}}}})")
    page.wait("document.querySelectorAll('.toast.error').length > 0")
    assert page.count(".toast") <= 2
    covered = page.js("""() => {
        const toasts = [...document.querySelectorAll('.toast')]
          .map((t) => t.getBoundingClientRect());
        const hit = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
                              Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
        return [...document.querySelectorAll(
          'button, select, input, label, .neuron, #chart, #output-plot, .layer-label')]
          .filter((el) => { const b = el.getBoundingClientRect(); return b.width > 0 &&
                            toasts.some((t) => hit(t, b)); })
          .map((el) => el.id || el.className || el.tagName);
    }""")
    assert covered == [], covered
    assert page.js("getComputedStyle(document.querySelector('.toast')).pointerEvents") == "none" \
        or page.js("getComputedStyle(document.getElementById('toasts')).pointerEvents") == "none"
    page.wait("document.querySelectorAll('.toast').length === 0", timeout=10000)


def test_a_bad_links_message_is_shown_whole(page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open("#activation=bogus&output_activation=wrong")
    toast = page.page.locator(".toast.error", has_text="activation").first
    toast.wait_for()
    text = toast.inner_text()
    assert "one of: linear, sigmoid, tanh, relu, leaky_relu" in text, text
    whole = page.js("""() => [...document.querySelectorAll('.toast')].every((t) => {
        const b = t.getBoundingClientRect();
        return t.scrollWidth <= t.clientWidth + 1 && t.scrollHeight <= t.clientHeight + 1 &&
               b.left >= 0 && b.right <= innerWidth && b.top >= 0 && b.bottom <= innerHeight; })""")
    assert whole


# -- labels ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("link, score", [
    ("#preset=classic_tutorial", "Training accuracy"),
    ("#preset=xor_two_hidden", "Training accuracy"),
    ("#train_ratio=1", "Training accuracy"),
    ("#dataset=plane&train_ratio=1", "Training R²"),
    ("", "Test accuracy"),
])
def test_without_test_points_the_figures_say_training(page, link, score):
    page.open(link)
    page.wait_frame("h.network_version === window.nnplayTest.network().version")
    page.wait(f"document.getElementById('test-score-label').textContent === '{score}'")
    test_shown = page.page.locator("#test-loss-box").is_visible()
    assert test_shown == score.startswith("Test")
    assert page.text("#train-loss") != "–"
    if not test_shown:
        assert "test" not in page.text(".metrics").lower()
        page.page.keyboard.press(" ")
        page.wait("window.nnplayTest.chartPoints().length >= 2 && "
                  "document.querySelectorAll('#chart-legend .item').length >= 1")
        names = [i["name"] for i in legend(page)]
        assert "test" not in names and names[0] == "training"


def test_one_hidden_layer_is_singular_and_inputs_share_one_subscript_style(page):
    page.open("#preset=classic_tutorial")
    settled(page, "t.network().sizes.length === 3")
    assert page.js("document.querySelector('#network-panel h2').textContent") == "1 hidden layer"
    assert page.js("window.nnplayTest.network().input_labels") == ["x₁", "x₂", "x₃"]
    header = page.js("[...document.querySelectorAll('#predictions th')].map((t) => t.textContent)")
    assert header[:3] == ["x₁", "x₂", "x₃"]
    page.page.click("#layer-add")
    settled(page, "t.network().sizes.length === 4")
    assert page.js("document.getElementById('layer-word').textContent") == "hidden layers"
    page.open_tab("neuron")
    labels = page.js("[...document.querySelectorAll('.neuron-inputs label')]"
                     ".map((l) => l.textContent.trim())")
    assert labels[:2] == ["x₁", "w₁"]


# -- panels that stay live ---------------------------------------------------------------------
def test_the_shapes_panel_follows_the_network_and_the_batch_while_open(page):
    page.open()
    page.open_tab("shapes")
    assert "W[2]: (4, 2)" in page.text("#shapes-panel")
    page.page.click("#layer-add")
    page.wait("document.getElementById('shapes-panel').textContent.includes('W[3]: (2, 2)')")
    page.page.select_option("select[data-field=batch_size]", "32")
    page.wait("document.getElementById('shapes-panel').textContent.includes('(32, 4)')")
    page.page.click('.layer-controls button[data-layer="1"][data-delta="1"]')
    page.wait("document.getElementById('shapes-panel').textContent.includes('W[1]: (2, 5)')")


def test_the_code_panel_follows_the_settings_while_open(page):
    page.open()
    page.open_tab("code")
    page.wait("document.getElementById('code-text').textContent.includes('import numpy as np')")
    page.page.select_option("select[data-field=learning_rate]", "0.1")
    page.wait("document.getElementById('code-text').textContent.includes('0.1')")


def test_the_inspector_covers_neither_data_nor_features_nor_the_network(page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open()
    page.page.click('.neuron[data-layer="1"][data-index="1"]')
    page.page.locator("#inspector").wait_for(state="visible")
    inspector = page.box("#inspector")
    hit = lambda a, b: (min(a["x"] + a["width"], b["x"] + b["width"]) > max(a["x"], b["x"]) and  # noqa: E731
                        min(a["y"] + a["height"], b["y"] + b["height"]) > max(a["y"], b["y"]))
    for selector in ("#data-panel", "#features-panel", "#network", "#output-plot", "#chart"):
        assert not hit(inspector, page.box(selector)), selector
    page.wait("document.querySelector('.neuron[data-layer=\"1\"][data-index=\"1\"]').classList"
              ".contains('selected')")
    page.page.keyboard.press("Escape")
    page.page.locator("#inspector").wait_for(state="hidden")
    page.wait("!document.querySelector('.neuron.selected')")


def test_apply_in_the_step_through_advances_the_step_counter(page):
    page.open("#preset=xor_two_hidden")
    page.page.keyboard.press("ArrowRight")
    page.wait_frame("h.step === 1")
    page.wait("document.getElementById('step-count').textContent === '1'")
    page.page.keyboard.press("e")
    page.wait("document.querySelector('.explain-counter').textContent.startsWith('1 /')")
    stages = int(page.text(".explain-counter").split("/")[1])
    for k in range(2, stages + 1):
        page.page.keyboard.press("ArrowRight")
        page.wait(f"document.querySelector('.explain-counter').textContent.startsWith('{k} /')")
    page.page.click(".explain-apply")
    page.wait_frame("h.step === 2")
    page.wait("document.getElementById('step-count').textContent === '2'")
    assert "step 2" in page.text(".explain-stage")
    assert page.export()["trainer"]["progress"]["step"] == 2


# -- the heatmaps ---------------------------------------------------------------------------------
def test_the_heatmap_detail_control_sets_the_resolution(page):
    page.open()
    assert page.js("window.nnplayTest.frameHeader().output_density") == 100
    page.open_settings()
    page.page.select_option("#density", "64,200")
    page.wait_frame("h.output_density === 200 && f.arrays.output.shape[0] === 200 && "
                    "f.arrays.tiles1.shape[1] === 64")
    assert page.js("document.getElementById('output-canvas').width") == 200
    page.page.select_option("#density", "16,50")
    page.wait_frame("h.output_density === 50 && f.arrays.tiles1.shape[1] === 16")
    no_refusal(page)


def row_on_screen(page, selector):
    """The RGB pixels of a row through the middle of an element, as shown on screen."""
    box = page.box(selector)
    png = page.page.screenshot(clip={"x": box["x"] + 2, "y": box["y"] + box["height"] / 2,
                                     "width": box["width"] - 4, "height": 1})
    data = page.js("""async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        const c = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = c.getContext('2d');
        ctx.drawImage(bitmap, 0, 0);
        return Array.from(ctx.getImageData(0, 0, bitmap.width, 1).data);
    }""", base64.b64encode(png).decode())
    return np.asarray(data, np.int16).reshape(-1, 4)[:, :3]


def test_the_output_surface_is_smooth(page):
    """The output map is painted on a continuous scale and scaled up bilinearly: on the
    untrained network's gentle surface, many colours and no visible steps (bands)."""
    page.open()
    colours = page.js("""() => {
        const c = document.getElementById('output-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
        return seen.size;
    }""")
    assert colours > 16, colours  # more than the 16 bands of the tiles' scale
    assert page.js("getComputedStyle(document.getElementById('output-canvas')).imageRendering") \
        == "auto"
    page.js("document.getElementById('points-canvas').style.visibility = 'hidden'")
    row = row_on_screen(page, "#output-plot")
    jumps = np.abs(np.diff(row, axis=0)).max(axis=1)
    distinct = len({tuple(p) for p in row})
    assert jumps.max() <= SMOOTH_STEP and distinct >= 20, (jumps.max(), distinct)
