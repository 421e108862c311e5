"""The playground page in real headless Chromium, checked as a person would see it.

Every test drives the page with clicks, keys and file choosers; the page's test interface,
`window.nnplayTest` (docs/testing.md), is read to observe what the page drew and what the server
holds (an `export`), never to act where the page has a control for it. Tests wait for
conditions, never for time, and assume nothing about how many frames arrive in a second.
"""

import base64
import json
import struct
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import Page
from tests.e2e.server import running

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAIN_PANELS = ("#toolbar", "#data-panel", "#network-panel", "#output-panel")


def sizes(page):
    return page.js("window.nnplayTest.network().sizes")


def wait_sizes(page, expected, timeout=15000):
    page.wait(f"window.nnplayTest.network() && JSON.stringify(window.nnplayTest.network().sizes) "
              f"=== '{json.dumps(expected, separators=(',', ':'))}'", timeout=timeout)


def theta(state):
    """The network's flat parameter vector (weights first) from an export."""
    t = state["trainer"]["theta"]
    return np.frombuffer(base64.b64decode(t["data"]), np.dtype(t["dtype"]).newbyteorder("<"))


def bezier(p, t):
    """The network view's link curve at t: p = [x0, y0, c1x, c1y, c2x, c2y, x1, y1]."""
    u = 1 - t
    return [u ** 3 * p[k] + 3 * u * u * t * p[k + 2] + 3 * u * t * t * p[k + 4] + t ** 3 * p[k + 6]
            for k in (0, 1)]


def link_point(page, layer, source, target, t):
    """A point on the link W{layer}[source→target], from the two tiles' boxes."""
    a = page.box(f'.neuron[data-layer="{layer - 1}"][data-index="{source}"]')
    b = page.box(f'.neuron[data-layer="{layer}"][data-index="{target}"]')
    x0, y0 = a["x"] + a["width"], a["y"] + a["height"] / 2
    x1, y1 = b["x"], b["y"] + b["height"] / 2
    mx = (x0 + x1) / 2
    return bezier([x0, y0, mx, y0, mx, y1, x1, y1], t)


def shown_steps(page):
    """Every step #step-count has shown since `page.record('#step-count')`."""
    return [int(s.replace(",", "")) for s in page.recorded("#step-count")]


def pause_and_settle(page):
    """Press space to pause and wait for the paused frame; the step it shows."""
    page.page.keyboard.press(" ")
    page.wait_frame("h.state === 'paused'")
    page.wait("window.nnplayTest.session() === 'paused'")
    return int(page.number("#step-count"))


def neutral_click(page):
    """Click on plain text (a panel title) so that the focus is on the page's body."""
    page.page.click("#data-panel h2")
    page.wait("document.activeElement === document.body")


@contextmanager
def another_context(browser, server, **options):
    """A page in a new browser context (own storage: a new visitor), console watched."""
    context = browser.new_context(viewport={"width": 1600, "height": 900}, **options)
    p = Page(context.new_page(), server)
    try:
        yield p
    finally:
        context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"


# -- loading and training --------------------------------------------------------------------------
def test_page_loads_without_console_errors(page):
    page.open()
    h = page.frame_header()
    assert h["step"] == 0 and h["state"] == "paused"
    assert page.page.locator(".neuron").count() == 2 + 4 + 2 + 1
    assert page.text("#status-text") == "connected"


def test_play_moves_the_epoch_counter_and_the_loss_falls(page):
    page.open()
    first_loss = page.number("#train-loss")
    page.page.keyboard.press(" ")
    page.wait_frame("h.epoch >= 30")
    assert page.number("#epoch-count") >= 30
    assert page.number("#train-loss") < first_loss / 2


def test_learning_rate_change_mid_run_keeps_the_step(page):
    page.open()
    page.page.click("#play")
    page.wait_frame("h.step >= 300")
    page.record("#step-count")
    before = shown_steps(page)[0]
    assert before >= 300
    page.page.select_option("select[data-field=learning_rate]", "0.1")
    page.wait("window.nnplayTest.config().learning_rate === 0.1")
    page.wait_frame(f"h.step > {before} + 100")
    shown = shown_steps(page)
    assert min(shown) >= before, f"the step went back after the change: {shown}"
    assert shown == sorted(shown)
    assert page.page.locator("select[data-field=learning_rate]").input_value() == "0.1"
    state = page.export()
    assert state["trainer"]["config"]["learning_rate"] == 0.1
    assert state["trainer"]["progress"]["step"] > before


# -- the network diagram ---------------------------------------------------------------------------
def test_adding_a_layer_and_a_neuron_adds_tiles(page):
    page.open()
    assert page.count(".neuron") == 9
    page.page.click("#layer-add")
    wait_sizes(page, [2, 4, 2, 2, 1])
    page.wait("document.querySelectorAll('.neuron').length === 11")
    assert page.text("#layer-count") == "3"
    page.page.click('.layer-controls button[data-layer="1"][data-delta="1"]')
    wait_sizes(page, [2, 5, 2, 2, 1])
    page.wait("document.querySelectorAll('.neuron').length === 12")
    assert page.count('.neuron[data-layer="1"]') == 5
    page.wait_frame("f.arrays.tiles1 && f.arrays.tiles1.shape[0] === 5")
    assert page.export()["trainer"]["config"]["hidden_layers"] == [5, 2, 2]


def test_editing_a_weight_changes_it_on_the_server(page):
    page.open()
    layer, i, j, typed = 1, 1, 0, "0.123"
    # a quarter of the way along the link: its midpoint is shared with another link here
    x, y = link_point(page, layer, i, j, 0.25)
    page.page.mouse.move(x, y)
    tooltip = page.page.locator(".tooltip")
    tooltip.wait_for(state="visible")
    assert f"W{layer}[{i}→{j}]" in tooltip.inner_text()
    page.page.mouse.click(x, y)
    editor = page.page.locator(".editor input")
    editor.wait_for(state="visible")
    assert f"W{layer}[{i}→{j}] =" in page.text(".editor")
    page.page.keyboard.type(typed)  # the editor opens with its value selected
    page.page.keyboard.press("Enter")
    editor.wait_for(state="detached")
    n_out = page.js(f"window.nnplayTest.frameArray('W{layer}').shape[1]")
    page.wait_frame(f"f.arrays.W{layer}.data[{i * n_out + j}] === Math.fround({typed})")
    # no other weight moved (the session is paused)
    W = page.js(f"window.nnplayTest.frameArray('W{layer}').data")
    assert W[i * n_out + j] == pytest.approx(float(np.float32(typed)), abs=0)
    t = theta(page.export())
    assert t[i * n_out + j] == float(typed)
    assert np.allclose(t[:len(W)], np.asarray(W, np.float32), atol=1e-6)


def test_inspector_shows_weights_then_z_a_delta_of_a_clicked_point(page):
    page.open()
    page.page.click('.neuron[data-layer="1"][data-index="2"]')
    page.page.locator("#inspector").wait_for(state="visible")
    assert page.page.text_content("#inspector-title") == "Layer 1, neuron 2"
    assert "selected" in page.page.get_attribute('.neuron[data-layer="1"][data-index="2"]',
                                                 "class")
    expected = page.js("""async () => {
        const {number} = await import('/static/js/format.js');
        const W = window.nnplayTest.frameArray('W1');
        return [0, 1].map((i) => `w = ${number(W.data[i * W.shape[1] + 2])}`);
    }""")
    rows = page.page.locator("#inspector-body tr td:first-of-type").all_inner_texts()
    assert rows[:2] == expected
    assert "Click a point" in page.text("#inspector-body")

    # a visible training point (not under the inspector), the one farthest from its
    # neighbours, so that the click cannot hit another one
    index, px, py = page.js("""() => {
        const a = window.nnplayTest.dataArrays(), X = a.X.data, train = a.train.data;
        const [lo, hi] = window.nnplayTest.dataHeader().extent;
        const canvas = document.getElementById('points-canvas');
        const r = canvas.getBoundingClientRect();
        const at = (i) => [r.left + (X[2*i] - lo) / (hi - lo) * r.width,
                           r.top + (hi - X[2*i+1]) / (hi - lo) * r.height];
        let best = -1, bestGap = -1;
        for (let i = 0; i < train.length; i++) {
            if (!train[i] || document.elementFromPoint(...at(i)) !== canvas) continue;
            let gap = Infinity;
            for (let k = 0; k < train.length; k++) {
                if (k === i) continue;
                gap = Math.min(gap, Math.hypot(X[2*i] - X[2*k], X[2*i+1] - X[2*k+1]));
            }
            if (gap > bestGap) { bestGap = gap; best = i; }
        }
        return [best, ...at(best)];
    }""")
    assert index >= 0
    page.page.mouse.click(px, py)
    page.wait_frame(f"h.trace && h.trace.index === {index}")
    page.wait(f"document.getElementById('inspector-body').textContent.includes('point {index}')")
    expected = page.js("""async () => {
        const {number} = await import('/static/js/format.js');
        const A = window.nnplayTest.frame().arrays;
        return [number(A.trace_z1.data[2]), number(A.trace_a1.data[2]),
                number(A.trace_delta1.data[2])];
    }""")
    body = page.text("#inspector-body")
    z, a, d = expected
    assert f"z = {z}" in body and f"a = φ(z) = {a}" in body and f"δ = ∂L/∂z = {d}" in body
    page.page.click("#inspector-close")
    page.page.locator("#inspector").wait_for(state="hidden")


def test_the_inspector_leaves_the_output_plot_clickable(page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.open("#hidden_layers=8,8")
    wait_sizes(page, [2, 8, 8, 1])
    page.page.click('.neuron[data-layer="2"][data-index="0"]')
    page.page.locator("#inspector").wait_for(state="visible")
    hidden = page.js("""() => {
        const canvas = document.getElementById('points-canvas');
        const r = canvas.getBoundingClientRect();
        let covered = 0, n = 0;
        for (let i = 0.5; i < 20; i++) for (let j = 0.5; j < 20; j++, n++) {
            const el = document.elementFromPoint(r.left + i / 20 * r.width,
                                                 r.top + j / 20 * r.height);
            if (el !== canvas) covered++;
        }
        return covered / n;
    }""")
    assert hidden <= 0.02, f"{hidden:.0%} of the output plot is under the inspector"


# -- data ------------------------------------------------------------------------------------------
def test_a_drawn_point_appears_and_trains(page):
    page.open()
    count = page.js("window.nnplayTest.dataHeader().count")
    lo, hi = page.js("window.nnplayTest.dataHeader().extent")
    page.page.keyboard.press("d")
    assert page.page.get_attribute("#draw-toggle", "aria-pressed") == "true"
    page.page.locator("#draw-tools").wait_for(state="visible")
    box = page.box("#points-canvas")
    fx, fy = 0.92, 0.08  # the top-right corner, away from the circle's points
    px, py = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    page.page.mouse.click(px, py)
    page.wait(f"window.nnplayTest.dataHeader().count === {count + 1}")
    X, y, train = page.js("""() => { const a = window.nnplayTest.dataArrays();
        return [a.X.data, a.y.data, a.train.data]; }""")
    new = len(y) - 1
    per_pixel = (hi - lo) / box["width"]
    assert X[2 * new] == pytest.approx(lo + fx * (hi - lo), abs=2 * per_pixel)
    assert X[2 * new + 1] == pytest.approx(hi - fy * (hi - lo), abs=2 * per_pixel)
    assert y[new] == 1 and train[new] == 1
    # it is drawn where it was clicked, in class 1's colour
    rgb = page.js("""([x, y]) => {
        const c = document.getElementById('points-canvas'), r = c.getBoundingClientRect();
        const s = c.width / r.width;
        return Array.from(c.getContext('2d').getImageData(
            Math.round((x - r.left) * s), Math.round((y - r.top) * s), 1, 1).data);
    }""", [px, py])
    assert rgb[:3] == pytest.approx([8, 104, 172], abs=30) and rgb[3] > 200
    page.page.keyboard.press(" ")
    page.wait_frame("h.step >= 100")
    assert page.js("window.nnplayTest.dataHeader().count") == count + 1
    assert page.js(f"window.nnplayTest.dataArrays().train.data[{new}]") == 1
    assert page.number("#step-count") >= 100


def choose_file(page, input_selector, files):
    """Click the visible button that wraps a file input and answer its file chooser."""
    with page.page.expect_file_chooser() as chooser:
        page.page.click(f"label.file-button:has({input_selector})")
    chooser.value.set_files(files)


def test_a_bad_csv_shows_the_servers_error_and_a_good_one_loads(page):
    page.open()
    ragged = b"x1,x2,label\n0.5,1.5,0\n1.0,-2.0\n2.0,2.0,1\n"
    choose_file(page, "#csv-input", {"name": "ragged.csv", "mimeType": "text/csv",
                                     "buffer": ragged})
    page.wait("document.getElementById('data-message').textContent.includes('ragged.csv')")
    message = page.text("#data-message")
    assert "line 3" in message and "2 columns" in message, message
    # the refusal is shown beside the CSV button that caused it, not as a toast
    csv, note = page.box("label.file-button:has(#csv-input)"), page.box("#data-message")
    assert note["y"] >= csv["y"] + csv["height"] - 1 and note["y"] - (csv["y"] + csv["height"]) < 60
    assert note["x"] < csv["x"] + csv["width"] and csv["x"] < note["x"] + note["width"]
    assert page.toasts("error") == []
    assert page.js("window.nnplayTest.stats().errors") == 1  # counted as a refusal all the same
    assert page.js("window.nnplayTest.dataHeader().count") == 500  # nothing changed

    rng = np.random.default_rng(0)
    rows = ["x1,x2,label"] + [f"{a:.3f},{b:.3f},{int(a * b > 0)}"
                              for a, b in rng.uniform(-5, 5, (40, 2))]
    choose_file(page, "#csv-input", {"name": "good.csv", "mimeType": "text/csv",
                                     "buffer": ("\n".join(rows) + "\n").encode()})
    page.wait("window.nnplayTest.dataHeader().count === 40")
    page.wait("document.getElementById('data-message').textContent.includes('good.csv')")
    assert page.text("#data-message") == "good.csv: 40 points, 2 inputs"
    page.wait_frame("h.data_version === window.nnplayTest.dataHeader().version")


def test_after_a_csv_loads_the_page_shows_custom_data(page):
    page.open()
    rows = ["x1,x2,label"] + [f"{i % 7 - 3},{i % 5 - 2},{i % 2}" for i in range(30)]
    choose_file(page, "#csv-input", {"name": "points.csv", "mimeType": "text/csv",
                                     "buffer": ("\n".join(rows) + "\n").encode()})
    page.wait("window.nnplayTest.dataHeader().count === 30")
    page.wait_frame("h.data_version === window.nnplayTest.dataHeader().version")
    assert page.export()["trainer"]["config"]["dataset"] == "custom"
    assert page.js("window.nnplayTest.dataHeader().dataset") == "custom"
    pressed = page.js("[...document.querySelectorAll('[data-dataset][aria-pressed=true]')]"
                      ".map((b) => b.dataset.dataset)")
    assert pressed == [], f"shown as chosen: {pressed}"
    assert not page.page.locator('[data-control="noise"]').is_visible()


# -- the URL ---------------------------------------------------------------------------------------
HASH = "#dataset=spiral&hidden_layers=8,8,8&learning_rate=0.1&features=x1,x2,sinx1"


def check_hash_config(page, activation=None):
    wait_sizes(page, [3, 8, 8, 8, 1])
    expected = {"dataset": "spiral", "hidden_layers": [8, 8, 8], "learning_rate": 0.1,
                "features": ["x1", "x2", "sinx1"]}
    if activation:
        expected["activation"] = activation
    config = page.js("window.nnplayTest.config()")
    server = page.export()["trainer"]["config"]
    for key, value in expected.items():
        assert config[key] == value and server[key] == value, key
    # the controls show it
    assert page.page.locator("select[data-field=learning_rate]").input_value() == "0.1"
    if activation:
        assert page.page.locator("select[data-field=activation]").input_value() == activation
    assert page.page.get_attribute('[data-dataset="spiral"]', "aria-pressed") == "true"
    assert page.page.get_attribute('[data-dataset="circle"]', "aria-pressed") == "false"
    pressed = page.js("[...document.querySelectorAll('[data-feature][aria-pressed=true]')]"
                      ".map((b) => b.dataset.feature)")
    assert pressed == ["x1", "x2", "sinx1"]
    assert page.text("#layer-count") == "3"
    page.wait("document.querySelectorAll('.neuron').length === 3 + 24 + 1")


def test_the_url_hash_round_trips_the_config(page, browser, nnplay):
    page.open(HASH)
    check_hash_config(page)
    page.page.select_option("select[data-field=activation]", "relu")
    page.wait("location.hash.includes('activation=relu')")
    url = page.page.url
    for part in HASH[1:].split("&"):
        assert part in url
    with another_context(browser, nnplay) as other:
        other.open("#" + url.split("#", 1)[1])
        check_hash_config(other, activation="relu")
        assert other.page.url == url


def test_a_malformed_hash_value_shows_an_error_naming_the_field(page):
    page.open("#learning_rate=fast&hidden_layers=3")
    page.page.locator(".toast.error", has_text="learning_rate").wait_for()
    text = page.toasts("error")[0]
    assert '"fast"' in text, text
    wait_sizes(page, [2, 3, 1])  # the rest of the link still applies
    assert page.js("window.nnplayTest.config().learning_rate") == 0.03


def test_a_bad_choice_in_the_hash_drops_only_that_field(page):
    page.open("#activation=bogus&hidden_layers=3")
    page.page.locator(".toast.error", has_text="activation").wait_for()
    wait_sizes(page, [2, 3, 1])


# -- connection ------------------------------------------------------------------------------------
def test_a_dropped_socket_reconnects_and_resumes(page):
    page.open()
    session = page.js("window.nnplayTest.hello().session")
    page.page.keyboard.press(" ")
    page.wait_frame("h.step >= 200")
    page.record("#status-text")
    page.record("#step-count")
    before = shown_steps(page)[0]
    page.js("window.nnplayTest.dropSocket()")
    page.wait("window.__recorded['#status-text'].includes('reconnecting…')")
    page.wait("document.getElementById('status-text').textContent === 'connected' && "
              "window.nnplayTest.hello().resumed === true")
    page.page.locator(".toast.info", has_text="reconnected").wait_for()
    page.wait_frame(f"h.step > {before} + 100")
    statuses = page.recorded("#status-text")
    assert statuses.index("reconnecting…") < len(statuses) - 1 and statuses[-1] == "connected"
    shown = shown_steps(page)
    assert min(shown) >= before, f"the step was reset: {shown}"
    assert page.js("window.nnplayTest.hello().session") == session
    assert page.js("window.nnplayTest.session()") == "running"

    # a reload resumes the same session too (the token is in sessionStorage)
    step = pause_and_settle(page)
    page.page.reload()
    page.wait("window.nnplayTest && window.nnplayTest.hello() && window.nnplayTest.frame()")
    assert page.js("window.nnplayTest.hello().resumed") is True
    assert page.js("window.nnplayTest.hello().session") == session
    page.wait_frame(f"h.step === {step}")
    assert int(page.number("#step-count")) == step
    assert page.text("#status-text") == "connected"


# -- keyboard --------------------------------------------------------------------------------------
def test_keyboard_shortcuts(page):
    page.open()
    keys = page.page.keyboard
    keys.press(" ")
    page.wait("document.getElementById('play').getAttribute('aria-label') === 'Pause'")
    page.wait_frame("h.state === 'running' && h.step > 0")
    step = pause_and_settle(page)
    assert page.page.get_attribute("#play", "aria-label") == "Play"
    keys.press("ArrowRight")
    page.wait_frame(f"h.step === {step + 1}")
    assert int(page.number("#step-count")) == step + 1

    # typing into a number input is typing, not shortcuts
    page.open_settings()
    seed = page.page.locator("input[type=number][data-field=seed]")
    seed.click()
    for key in (" ", "r", "d", "?", "t", "p", "ArrowRight"):
        keys.press(key)
    keys.type("r d?")
    assert page.js("document.getElementById('shortcuts').open") is False
    assert page.page.get_attribute("#draw-toggle", "aria-pressed") == "false"
    assert page.js("document.body.classList.contains('present')") is False
    assert page.js("window.nnplayTest.session()") == "paused"
    assert page.export()["trainer"]["progress"]["step"] == step + 1
    assert int(page.number("#step-count")) == step + 1

    page.page.click('[role=tab][data-tab="settings"]')  # close the drawer again
    page.page.locator("#settings-panel").wait_for(state="hidden")
    neutral_click(page)
    keys.press("r")
    page.wait_frame("h.step === 0")
    assert page.number("#step-count") == 0
    keys.press("?")
    page.wait("document.getElementById('shortcuts').open")
    page.page.locator("#shortcuts").wait_for(state="visible")
    keys.press("Escape")
    page.wait("!document.getElementById('shortcuts').open")


def test_escape_closes_the_shortcuts_dialog_while_a_drawer_tab_is_open(page):
    page.open()
    page.open_settings()
    neutral_click(page)
    page.page.keyboard.press("?")
    page.page.locator("#shortcuts").wait_for(state="visible")
    page.page.keyboard.press("Escape")
    page.wait("!document.getElementById('shortcuts').open")


def test_space_after_clicking_play_pauses(page):
    """A mouse user clicks play, then presses space: that pauses (once, not twice)."""
    page.open()
    page.page.click("#play")
    page.wait_frame("h.state === 'running' && h.step > 0")
    page.page.keyboard.press(" ")
    page.wait_frame("h.state === 'paused'")
    page.wait("window.nnplayTest.session() === 'paused'")
    step = page.frame_header()["step"]
    assert page.export()["trainer"]["progress"]["step"] == step
    assert page.page.get_attribute("#play", "aria-label") == "Play"


# -- status and layout -----------------------------------------------------------------------------
def boxes(page, selectors):
    return {s: page.box(s) for s in selectors}


def test_status_shows_rates_and_nothing_moves_while_training(page):
    page.open()
    watched = MAIN_PANELS + ("#output-plot", "#chart", "#network", "#status", "#play")
    before = boxes(page, watched)
    page.page.keyboard.press(" ")
    page.wait("Number(document.getElementById('sps').textContent.replace(/,/g, '')) > 0 && "
              "Number(document.getElementById('fps').textContent) > 0")
    assert page.text("#status-text") == "connected"
    for epochs in (20, 60):
        page.wait_frame(f"h.epoch >= {epochs}")
        during = boxes(page, watched)
        for selector in watched:
            for key in ("x", "y", "width", "height"):
                assert abs(during[selector][key] - before[selector][key]) < 0.5, (
                    selector, key, before[selector], during[selector])
    assert page.number("#sps") > 0 and page.number("#fps") > 0


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_projector_sizes_fit_without_scrolling(page, width, height):
    page.page.set_viewport_size({"width": width, "height": height})
    page.open()
    page.page.keyboard.press(" ")
    page.wait_frame("h.epoch >= 2")
    metrics = page.js("({h: document.scrollingElement.scrollHeight, w: "
                      "document.scrollingElement.scrollWidth, ih: innerHeight, iw: innerWidth})")
    assert metrics["h"] <= metrics["ih"] + 1 and metrics["w"] <= metrics["iw"] + 1, metrics
    for selector in MAIN_PANELS + ("#features-panel", "#drawer", "#output-plot",
                                   "#chart", "#play", "#status"):
        b = page.box(selector)
        assert b and b["width"] > 0 and b["height"] > 0, selector
        assert b["x"] >= 0 and b["y"] >= 0, (selector, b)
        assert b["x"] + b["width"] <= width + 0.5 and b["y"] + b["height"] <= height + 0.5, (
            selector, b)
    panel = page.box("#network-panel")
    for tile in page.page.locator(".neuron").all():
        t = tile.bounding_box()
        assert panel["x"] <= t["x"] and t["x"] + t["width"] <= panel["x"] + panel["width"]
        assert panel["y"] <= t["y"] and t["y"] + t["height"] <= panel["y"] + panel["height"]
    page.shot(f"projector_{width}x{height}")


# -- sharing and presets ---------------------------------------------------------------------------
def download(page, selector):
    with page.page.expect_download() as info:
        page.page.click(selector)
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def test_sharing_link_run_download_and_pngs(page, tmp_path):
    page.page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                        origin=page.server.url.rstrip("/"))
    page.open("#learning_rate=0.1")
    page.wait("window.nnplayTest.config().learning_rate === 0.1")
    page.page.keyboard.press(" ")
    page.wait_frame("h.step >= 50")
    step = pause_and_settle(page)

    page.open_tab("lesson")
    page.page.click("#copy-link")
    page.page.locator(".toast.info", has_text="link copied").wait_for()
    assert page.js("navigator.clipboard.readText()") == page.page.url
    assert page.page.url.endswith("#learning_rate=0.1")

    name, raw = download(page, "#download-state")
    run = json.loads(raw)
    assert name.endswith(".json")
    assert run["format"] == "nnplay.session/1"
    assert run["trainer"]["progress"]["step"] == step
    assert run["trainer"]["config"]["learning_rate"] == 0.1

    neutral_click(page)
    page.page.keyboard.press("r")
    page.wait_frame("h.step === 0")
    path = tmp_path / name
    path.write_bytes(raw)
    choose_file(page, "#state-input", str(path))
    page.wait_frame(f"h.step === {step}")
    page.page.locator(".toast.info", has_text=f"step {step}").wait_for()
    assert int(page.number("#step-count")) == step
    assert page.export()["trainer"]["progress"]["step"] == step

    for selector in ("#export-output", "#export-chart"):
        name, raw = download(page, selector)
        assert name.endswith(".png") and raw[:8] == PNG_SIGNATURE, (selector, name, raw[:8])
        width, height = struct.unpack(">II", raw[16:24])
        assert width > 100 and height > 50


def test_loading_a_run_restores_its_loss_chart(page, tmp_path):
    page.open()
    page.page.keyboard.press(" ")
    # A condition on the chart, not on the step: how many points 300 steps make depends on
    # how fast the machine trains.
    page.wait("window.nnplayTest.chartPoints().length >= 6")
    step = pause_and_settle(page)
    page.open_tab("lesson")
    name, raw = download(page, "#download-state")
    history = [p["step"] for p in json.loads(raw)["history"]]
    assert len(history) >= 5 and history[-1] == step
    neutral_click(page)
    page.page.keyboard.press("r")
    page.wait_frame("h.step === 0")
    (tmp_path / name).write_bytes(raw)
    choose_file(page, "#state-input", str(tmp_path / name))
    page.wait_frame(f"h.step === {step}")
    page.page.locator(".toast.info", has_text=f"step {step}").wait_for()
    shown = page.js("window.nnplayTest.chartPoints().map((p) => p.step)")
    assert shown == history


def test_reset_clears_the_charts_mini_batch_trace(page):
    page.open()
    page.page.keyboard.press(" ")
    page.wait_frame("h.step >= 500")
    step = pause_and_settle(page)
    assert page.js("Math.max(...window.nnplayTest.chartBatch().map((b) => b[0]))") > step / 2
    page.page.keyboard.press("r")
    page.wait_frame("h.step === 0")
    page.wait("window.nnplayTest.chartPoints().length === 1")
    stale = page.js("window.nnplayTest.chartBatch().filter((b) => b[0] > 0).length")
    assert stale == 0, f"{stale} mini-batch losses of the previous run are still charted"


def test_a_preset_loads_its_network(page):
    page.open()
    page.open_tab("lesson")
    page.page.select_option("#preset", "xor_two_hidden")
    wait_sizes(page, [2, 2, 1])
    page.wait("document.querySelectorAll('.neuron').length === 5")
    config = page.export()["trainer"]["config"]
    assert config["dataset"] == "xor_table" and config["hidden_layers"] == [2]
    assert page.page.locator("#preset").input_value() == ""
    assert page.text("#layer-count") == "1"


def test_a_second_tab_with_the_token_takes_the_session_over(page, browser, nnplay):
    """A duplicated tab carries the same token: it gets the session, and the first tab says
    the session is open elsewhere instead of taking it back (no tug of war)."""
    page.open()
    session = page.js("window.nnplayTest.hello().session")
    token = page.js("sessionStorage.getItem('nnplay.resume')")
    with another_context(browser, nnplay) as other:
        other.page.add_init_script(f"sessionStorage.setItem('nnplay.resume', {token!r})")
        other.open()
        assert other.js("window.nnplayTest.hello().resumed") is True
        assert other.js("window.nnplayTest.hello().session") == session
        page.wait("document.getElementById('status-text').textContent === 'opened elsewhere'")
        assert "reload to take it back" in page.page.locator("#status").get_attribute("title")
        other.wait_frame()
        assert other.text("#status-text") == "connected"  # and it stays so


def test_a_restarted_server_says_the_session_is_gone_and_keeps_the_links_settings(browser):
    """After a restart the page's token finds nothing: the page says so, and the new session
    takes the settings of the link (the page kept them in its URL), not the defaults."""
    with running("--max-sessions", "20") as first:
        context = browser.new_context(viewport={"width": 1600, "height": 900})
        p = Page(context.new_page(), first)
        p.open("#hidden_layers=5,3&learning_rate=0.3&dataset=xor")
        p.wait("window.nnplayTest.config().hidden_layers.join(',') === '5,3'")
        url = p.page.url
        port = first.url.rsplit(":", 1)[1].strip("/")
    with running("--max-sessions", "20", "--port", port) as second:
        assert second.url == first.url, "the restarted server must answer on the same port"
        p.wait("window.nnplayTest.hello() && window.nnplayTest.hello().resumed === false",
               timeout=30000)
        p.page.locator(".toast.info", has_text="The session is gone").wait_for()
        p.wait("window.nnplayTest.config().hidden_layers.join(',') === '5,3' && "
               "window.nnplayTest.config().learning_rate === 0.3 && "
               "window.nnplayTest.config().dataset === 'xor'")
        assert p.page.url == url, "the link was overwritten"
        context.close()
    # while the server was down, the browser reported what it could not reach: the socket's
    # reconnection attempts, and thumbnails still loading when the first server stopped
    errors = [e for e in p.console_errors if "WebSocket connection to" not in e
              and "ERR_CONNECTION_REFUSED" not in e]
    assert not errors, errors
