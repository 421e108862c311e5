"""Data that is not 2-D, in the page: image data drawn as images (the digits), and tables.

The network diagram draws image data's input layer as the selected sample's picture and its
first layer as weight images, with a bounded number of links; the Output panel shows the
selected sample with its class-probability bars, a strip of test images (mistakes first, a click
selects one) and a pad to draw a digit on, whose prediction follows the training. A table (a CSV
of a few columns) gets labelled input nodes and no empty output box.

Everything is read from what the page shows (the DOM, its canvases) and compared with the frame
it drew (window.nnplayTest.frame()), in one evaluation so that both are of the same frame; the
tests wait for conditions, never for time.
"""

import json
import re
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import Page

DIGITS = "#preset=digits"
PIXELS = 64  # the digits are 8×8

# The selected sample as the page shows it, with the frame it drew: the input layer's picture
# (grey = 255 − the pixel's code on gallery_range), its caption, the bars, the trace.
SHOWN = """() => {
  const f = window.nnplayTest.frame();
  const h = f.header;
  const pic = document.querySelector('#network .input-image');
  const px = pic.getContext('2d').getImageData(0, 0, pic.width, pic.height).data;
  const grey = [];
  for (let i = 0; i < px.length; i += 4) grey.push(px[i]);
  const bars = [...document.querySelectorAll('#iv-sample-bars .iv-bar')]
    .map((b) => b.dataset.value === undefined ? null : Number(b.dataset.value));
  const sample = document.getElementById('iv-sample-image');
  const spx = sample.getContext('2d').getImageData(0, 0, sample.width, sample.height).data;
  const sampleGrey = [];
  for (let i = 0; i < spx.length; i += 4) sampleGrey.push(spx[i]);
  return {trace: h.trace ?? null, range: h.gallery_range, grey, size: [pic.width, pic.height],
          sampleGrey, bars, step: h.step,
          top: document.querySelector('#iv-sample-bars .iv-column.top .iv-class')?.textContent,
          truth: document.querySelector('#iv-sample-bars .iv-column.truth .iv-class')?.textContent,
          verdict: document.getElementById('iv-sample-verdict').textContent,
          caption: document.querySelector('#network .input-caption').textContent};
}"""

GALLERY = """() => {
  const f = window.nnplayTest.frame();
  const A = f.arrays;
  const cards = [...document.querySelectorAll('#iv-gallery .iv-card')];
  return {
    index: Array.from(A.gallery_index.data), label: Array.from(A.gallery_label.data),
    predicted: Array.from(A.gallery_predicted.data),
    pixels: Array.from(A.gallery_pixels.data), shape: A.gallery_pixels.shape,
    cards: cards.map((c) => {
      const canvas = c.querySelector('canvas');
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const grey = [];
      for (let i = 0; i < px.length; i += 4) grey.push(px[i]);
      return {index: Number(c.dataset.index), wrong: c.classList.contains('wrong'),
              text: c.textContent, border: getComputedStyle(c).borderTopStyle, grey,
              selected: c.getAttribute('aria-selected') === 'true'};
    }),
  };
}"""


def quantize(v, lo, hi):
    """The server's 8-bit code of a value on [lo, hi] (probes.quantize)."""
    return min(255, max(0, round((v - lo) * 255.0 / (hi - lo))))


def open_digits(page):
    page.open(DIGITS)
    page.wait("window.nnplayTest.network().sizes[0] === 64 && "
              "window.nnplayTest.network().image_shape !== null")
    # the page selects the first test image by itself, so the input layer shows a sample
    page.wait_frame(f"h.trace && h.trace.x.length === {PIXELS} && "
                    "document.querySelector('#network .input-image')?.dataset.sample === "
                    "String(h.trace.index)")
    return page


def assert_picture_is(shown, codes):
    """The input layer's picture shows these pixel codes (ink dark: grey = 255 − code)."""
    assert shown["size"] == [8, 8]
    assert len(shown["grey"]) == PIXELS
    for grey, q in zip(shown["grey"], codes):
        assert abs(grey - (255 - q)) <= 1, (shown["grey"], codes)


def play(page):
    page.page.locator("#play").click()
    page.wait("window.nnplayTest.session() === 'running'")


# -- the input layer, the sample and its bars ------------------------------------------------------
def test_the_input_layer_is_the_selected_samples_image(page):
    open_digits(page)
    shown = page.js(SHOWN)
    t, (lo, hi) = shown["trace"], shown["range"]
    assert page.js("window.nnplayTest.selected()") == t["index"]
    assert_picture_is(shown, [quantize(v, lo, hi) for v in t["x"]])
    assert shown["sampleGrey"] == shown["grey"]  # the Output panel shows the same image
    label = t["y"].index(max(t["y"]))
    assert shown["caption"] == f"input: #{t['index']}, label {label}"
    # exactly one picture stands for the 64 inputs: no column of blank nodes
    assert page.count('#network .neuron[data-layer="0"]') == 1
    # the first layer: 32 weight images, tiles of a readable size (not ~8 px)
    tiles = page.page.locator('#network .neuron[data-layer="1"]').all()
    assert len(tiles) == 32
    assert min(t.bounding_box()["width"] for t in tiles) >= 24


def test_clicking_a_gallery_image_selects_it_and_the_input_layer_shows_it(page):
    open_digits(page)
    gallery = page.js(GALLERY)
    k = 3
    index = gallery["cards"][k]["index"]
    codes = gallery["pixels"][k * PIXELS:(k + 1) * PIXELS]
    page.page.locator("#iv-gallery .iv-card").nth(k).click()
    page.wait(f"window.nnplayTest.selected() === {index}")
    page.wait_frame(f"h.trace && h.trace.index === {index} && "
                    "document.querySelector('#network .input-image').dataset.sample === "
                    f"'{index}'")
    shown = page.js(SHOWN)
    assert shown["trace"]["index"] == index
    assert_picture_is(shown, codes)
    page.wait(f"document.querySelector('#iv-gallery .iv-card[data-index=\"{index}\"]')"
              ".getAttribute('aria-selected') === 'true'")
    assert page.text("#iv-sample-name") == f"#{index}"


def as_it_trains(page, has, read, frames=3):
    """What the JS function `read` returns on `frames` drawn frames that satisfy the predicate
    `has`, each of a later step than the one before (`read` returns the frame's `step`)."""
    seen = []
    for _ in range(frames):
        after = seen[-1]["step"] if seen else 0
        page.wait_frame(f"{has} && h.step > {after}")
        seen.append(page.js(read))
    return seen


def test_the_probability_bars_are_the_frames_outputs_as_it_trains(page):
    open_digits(page)
    play(page)
    seen = as_it_trains(page, "h.trace", SHOWN)
    for shown in seen:
        y_hat = shown["trace"]["y_hat"]
        assert len(shown["bars"]) == 10
        assert shown["bars"] == pytest.approx(y_hat, abs=1e-3)
        assert sum(y_hat) == pytest.approx(1, abs=1e-6)  # softmax: probabilities
        assert shown["top"] == str(y_hat.index(max(y_hat)))
        label = shown["trace"]["y"].index(max(shown["trace"]["y"]))
        assert shown["truth"] == str(label)  # the true class is marked, not only coloured
        assert f"label {label}" in shown["verdict"]
        assert ("✓" in shown["verdict"]) == (shown["top"] == str(label))
    assert seen[0]["trace"]["y_hat"] != seen[-1]["trace"]["y_hat"]  # it moved with training


# -- the gallery -----------------------------------------------------------------------------------
def test_the_gallery_shows_mistakes_first_marked_not_by_colour_alone(page):
    open_digits(page)
    g = page.js(GALLERY)
    assert len(g["cards"]) == len(g["index"]) == 24
    assert [c["index"] for c in g["cards"]] == g["index"]
    wrong = [lab != pred for lab, pred in zip(g["label"], g["predicted"])]
    assert any(wrong), "an untrained network gets some test images wrong"
    assert wrong == sorted(wrong, reverse=True), "mistakes come first"
    for card, is_wrong, label, pred, k in zip(g["cards"], wrong, g["label"], g["predicted"],
                                              range(24)):
        assert card["wrong"] == is_wrong
        if is_wrong:
            assert card["text"].strip() == f"✗ {label}→{pred}" and card["border"] == "dashed"
        else:
            assert card["text"].strip() == f"✓ {label}" and card["border"] == "solid"
        codes = g["pixels"][k * PIXELS:(k + 1) * PIXELS]
        assert card["grey"] == [255 - q for q in codes]


def test_the_gallery_is_keyboard_usable(page):
    open_digits(page)
    first = page.page.locator("#iv-gallery .iv-card").first
    first.focus()
    step = page.frame_header()["step"]
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowRight")
    focused = page.js("document.activeElement.dataset.index")
    assert focused == page.js("document.querySelectorAll('#iv-gallery .iv-card')[2].dataset.index")
    page.page.keyboard.press("Enter")
    page.wait(f"window.nnplayTest.selected() === {int(focused)}")
    # inside the strip the arrows move between images: they did not step the training
    assert page.frame_header()["step"] == step
    assert page.js("window.nnplayTest.session()") == "paused"


# -- drawing a digit -------------------------------------------------------------------------------
@contextmanager
def sent_commands(page):
    """Every command the page sends over its websocket, as parsed JSON (a live list)."""
    sent = []

    def on_socket(ws):
        ws.on("framesent", lambda payload: isinstance(payload, str) and sent.append(
            json.loads(payload)))

    page.page.on("websocket", on_socket)
    yield sent


def draw_a_one(page):
    """A vertical stroke on the pad, as a mouse draws it."""
    box = page.box("#iv-draw-canvas")
    x = box["x"] + box["width"] * 0.5
    page.page.mouse.move(x, box["y"] + box["height"] * 0.15)
    page.page.mouse.down()
    for k in range(1, 11):
        page.page.mouse.move(x + k * 0.5, box["y"] + box["height"] * (0.15 + 0.07 * k))
    page.page.mouse.up()


TRIED = """() => {
  const f = window.nnplayTest.frame();
  const out = f.arrays.tried_output;
  return {step: f.header.step, out: out ? Array.from(out.data) : null,
          bars: [...document.querySelectorAll('#iv-draw-bars .iv-bar')]
            .map((b) => b.dataset.value === undefined ? null : Number(b.dataset.value)),
          verdict: document.getElementById('iv-draw-verdict').textContent,
          top: document.querySelector('#iv-draw-bars .iv-column.top .iv-class')?.textContent};
}"""


def test_drawing_a_digit_sends_it_and_the_bars_follow_the_training(page):
    with sent_commands(page) as sent:
        open_digits(page)
        draw_a_one(page)
        page.wait("document.getElementById('iv-draw-seen').hidden === false")
        tries = lambda: [c for c in sent if c.get("type") == "try_input"]  # noqa: E731
        page.wait_frame("f.arrays.tried_output !== undefined")
        for _ in range(100):  # the websocket's events reach Python as the page is polled
            if tries():
                break
            page.js("1")
        assert tries(), "drawing sent no try_input"
        x = tries()[-1]["x"]
        lo, hi = page.frame_header()["gallery_range"]
        assert len(x) == PIXELS and all(lo <= v <= hi for v in x)
        assert max(x) > lo + 0.5 * (hi - lo), "the stroke's ink reached the input"
        assert min(x) == lo, "the background stayed blank"
        # the stroke is vertical: the middle columns have the ink, the outer ones none
        columns = [sum(x[r * 8 + c] for r in range(8)) for c in range(8)]
        assert columns[0] + columns[7] < columns[3] + columns[4]
        # few messages: drawing is throttled (the server allows 50 a second)
        assert len(tries()) <= 6

        play(page)
        seen = as_it_trains(page, "f.arrays.tried_output", TRIED)
        for shown in seen:
            assert shown["bars"] == pytest.approx(shown["out"], abs=1e-3)
            assert shown["top"] == str(shown["out"].index(max(shown["out"])))
            assert shown["verdict"].startswith(f"says {shown['top']} (")
        page.shot("images_digits_drawn")
        assert seen[0]["out"] != seen[-1]["out"], "the prediction moves as the network trains"

        page.page.locator("#iv-draw-clear").click()
        page.wait("document.querySelectorAll('#iv-draw-bars .iv-bar[data-value]').length === 0")
        page.wait_frame("f.arrays.tried_output === undefined")
        assert tries()[-1]["x"] is None


# -- wide layers -----------------------------------------------------------------------------------
def test_a_64_32_10_network_draws_a_bounded_number_of_links(page):
    open_digits(page)
    page.wait("Number(document.getElementById('network').dataset.links) > 0")
    links = int(page.js("document.getElementById('network').dataset.links"))
    # each neuron's 3 strongest incoming links: 32·3 + 10·3, not 64·32 + 32·10 = 2,368
    assert 0 < links <= 32 * 3 + 10 * 3
    assert "3 strongest" in page.text("#network .link-legend")
    # the outputs are labelled with their class
    assert page.page.locator("#network .output-label").all_inner_texts() == [
        str(d) for d in range(10)]
    # hovering a first-layer neuron shows its 8×8 weights large
    page.page.locator('#network .neuron[data-layer="1"]').nth(5).hover()
    page.page.locator(".weight-zoom").wait_for(state="visible")
    assert "neuron 5: its 8×8 incoming weights" in page.text(".weight-zoom")
    assert page.js("document.querySelector('.weight-zoom canvas').width") == 8


# -- tables ----------------------------------------------------------------------------------------
def csv(rows, classes=3, seed=1):
    lines = ["a,b,c,d,label"]
    for i in range(rows):
        v = [((i * (k + 3) + seed) % 11) / 10 for k in range(4)]
        lines.append(",".join(f"{x:.2f}" for x in v) + f",{i % classes}")
    return ("\n".join(lines) + "\n").encode()


def load_csv(page, text, name="five.csv"):
    with page.page.expect_file_chooser() as chooser:
        page.page.click("label.file-button:has(#csv-input)")
    chooser.value.set_files({"name": name, "mimeType": "text/csv", "buffer": text})
    page.wait("window.nnplayTest.network() && window.nnplayTest.network().sizes[0] === 4 && "
              "window.nnplayTest.ready()")


@pytest.mark.parametrize("rows", [40, 12])
def test_a_five_column_csv_has_labelled_inputs_and_no_empty_box(page, rows):
    page.open()
    load_csv(page, csv(rows))
    page.wait_frame("f.arrays.confusion !== undefined")
    labels = page.page.locator("#network .input-label").all_inner_texts()
    assert labels == page.js("window.nnplayTest.network().input_labels")
    assert len(labels) == 4
    panel = page.js("document.getElementById('output-panel').dataset.view")
    assert panel == "table"
    assert page.js("document.getElementById('image-views').hidden") is True
    # the features of the plane do not apply: none looks chosen (faded, no outline)
    looks = page.js("""[...document.querySelectorAll('#features .feature')].map((b) => {
        const s = getComputedStyle(b); return [b.disabled, +s.opacity, s.outlineStyle]; })""")
    assert looks and all(d and o <= 0.35 and outline == "none" for d, o, outline in looks), looks
    # the output plot is as tall as the confusion matrix it holds: no empty square
    plot = page.box("#output-plot")
    table = page.box("#confusion table.confusion")
    assert table and plot["height"] <= page.box("#confusion")["height"] + 2
    assert plot["y"] + plot["height"] <= table["y"] + table["height"] + 2
    if rows <= 16:  # a small table lists every point's prediction; a row selects its point
        page.page.locator("#predictions tr[data-index='5']").click()
        page.wait("window.nnplayTest.selected() === 5")
        h = page.wait_frame("h.trace && h.trace.index === 5")
        X = page.js("window.nnplayTest.dataArrays().X")
        assert h["trace"]["x"] == pytest.approx(X["data"][5 * 4:6 * 4], abs=1e-6)
        page.wait("document.querySelector('#predictions tr.selected')?.dataset.index === '5'")
        cells = page.page.locator("#predictions td.prediction").all_inner_texts()
        assert len(cells) == rows and all(re.match(r"[✓✗] \d \(\d\.\d\d\)$", c) for c in cells)


def test_a_regression_table_leaves_no_empty_box(page):
    page.open()
    text = csv(40).decode().replace(",0\n", ",-0.5\n").replace(",1\n", ",0.25\n")
    load_csv(page, text.replace(",2\n", ",0.75\n").encode(), name="targets.csv")
    h = page.wait_frame("h.metrics.test_r2 !== undefined")
    assert "confusion" not in page.js("Object.keys(window.nnplayTest.frame().arrays)"), h
    assert page.js("document.getElementById('output-panel').dataset.view") == "table"
    plot = page.box("#output-plot")
    assert plot is None or plot["height"] <= 4  # nothing to show there: no box at all
    assert page.page.locator("#network .output-label").all_inner_texts() == ["ŷ"]


def test_back_on_the_plane_the_output_plot_returns(page):
    open_digits(page)
    assert page.js("document.getElementById('output-panel').dataset.view") == "image"
    assert page.box("#output-plot") is None  # hidden: image data has no plane
    page.page.locator('[data-dataset="circle"]').click()
    page.wait("window.nnplayTest.network().plane === true && window.nnplayTest.ready()")
    page.wait("document.getElementById('output-panel').dataset.view === 'plane'")
    assert page.js("document.getElementById('image-views').hidden") is True
    plot = page.box("#output-plot")
    assert plot and plot["height"] > 100
    # the sample the page picked for the digits is not left ringed on the circle
    page.wait("window.nnplayTest.selected() === null")


# -- sizes -----------------------------------------------------------------------------------------
INSIDE = """() => {
  const panel = document.getElementById('output-panel').getBoundingClientRect();
  const out = [];
  for (const el of document.querySelectorAll('#image-views, #image-views *')) {
    if (el.closest('#iv-gallery') && el.id !== 'iv-gallery') continue;  // the strip scrolls
    if (el.closest('details:not([open]) > :not(summary)')) continue;  // folded away
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.left < panel.left - 0.5 || r.right > panel.right + 0.5 ||
        r.top < panel.top - 0.5 || r.bottom > panel.bottom + 0.5) {
      out.push([el.id || el.className, r.left, r.right, r.top, r.bottom]);
    }
  }
  const views = document.getElementById('image-views');
  return {outside: out, panel: [panel.left, panel.right, panel.top, panel.bottom],
          overflowX: views.scrollWidth > views.clientWidth + 1,
          clippedY: views.scrollHeight > views.clientHeight + 1};
}"""


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("present", [False, True], ids=["normal", "present"])
def test_the_digits_view_fits_at_projector_sizes(browser, nnplay, width, height, present):
    context = browser.new_context(viewport={"width": width, "height": height})
    p = Page(context.new_page(), nnplay)
    try:
        p.open(DIGITS + ("&present=1" if present else ""))
        p.wait("window.nnplayTest.network().sizes[0] === 64")
        p.wait_frame(f"h.trace && h.trace.x.length === {PIXELS}")
        play(p)
        p.wait_frame("h.step >= 300", timeout=60000)
        fit = p.js(INSIDE)
        assert not fit["outside"], fit
        assert not fit["overflowX"] and not fit["clippedY"], fit
        # the image views' pictures are big enough to read from the back of a room
        assert p.box("#iv-sample-image")["width"] >= 48
        assert p.box("#iv-draw-canvas")["width"] >= 48
        assert p.page.locator("#iv-gallery .iv-card canvas").first.bounding_box()["width"] >= 32
        # the network's tiles stay inside the network panel, at a readable size
        panel = p.box("#network-panel")
        for tile in p.page.locator("#network .neuron").all():
            t = tile.bounding_box()
            assert panel["x"] <= t["x"] and t["x"] + t["width"] <= panel["x"] + panel["width"]
            assert t["width"] >= 16
        p.shot(f"images_digits_{width}x{height}{'_present' if present else ''}")
    finally:
        context.close()
    assert not p.console_errors, p.console_errors


# -- MNIST's size, in the network view alone ------------------------------------------------------
MNIST_VIEW = """async () => {
  for (const href of ['/static/css/app.css', '/static/css/images.css']) {
    const link = Object.assign(document.createElement('link'), {rel: 'stylesheet', href});
    document.head.appendChild(link);
    await new Promise((ok) => { link.onload = ok; });
  }
  const {NetworkView} = await import('/static/js/network-view.js');
  document.body.replaceChildren();
  const container = Object.assign(document.createElement('div'),
    {className: 'network', id: 'network'});
  Object.assign(container.style, {width: '900px', height: '620px', flex: 'none'});
  const gallery = document.createElement('div');
  document.body.append(container, gallery);
  const nop = () => {};
  const view = new NetworkView({container, gallery}, {onEditWeight: nop, onEditBias: nop,
    onSelectNeuron: nop, onHoverTile: nop, onChangeLayers: nop, onFocusNeuron: nop});
  const sizes = [784, 128, 64, 10];
  const net = {sizes, version: 1, plane: false, image_shape: [28, 28], image_side: 28,
    has_bias: true, task: 'classification', activation: 'relu', output_activation: 'softmax',
    input_names: sizes.map((_, i) => `x${i + 1}`), input_labels: [], config: {}};
  view.setNetwork(net);
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const arrays = {};
  for (let l = 1; l < sizes.length; l++) {
    arrays[`W${l}`] = {shape: [sizes[l - 1], sizes[l]],
      data: Float32Array.from({length: sizes[l - 1] * sizes[l]}, rand)};
    arrays[`b${l}`] = {shape: [sizes[l]], data: Float32Array.from({length: sizes[l]}, rand)};
    arrays[`trace_a${l}`] = {shape: [sizes[l]], data: Float64Array.from({length: sizes[l]}, rand)};
  }
  const x = Array.from({length: 784}, (_, i) => (i % 28 > 10 && i % 28 < 17 ? 1 : 0));
  const y = Array.from({length: 10}, (_, j) => (j === 1 ? 1 : 0));
  const header = {network_version: 1, data_version: 1, gallery_range: [0, 1],
    trace: {index: 7, x, y, y_hat: y.map((v) => 0.05 + 0.5 * v)}};
  const times = [];
  for (let k = 0; k < 12; k++) {
    for (const a of Object.values(arrays)) {  // training moves the weights
      for (let i = 0; i < a.data.length; i += 7) a.data[i] += rand() * 0.3;
    }
    const t0 = performance.now();
    view.update({header, arrays});
    times.push(performance.now() - t0);
  }
  const box = container.getBoundingClientRect();
  const tiles = [...container.querySelectorAll('.neuron')].map((n) => {
    const r = n.getBoundingClientRect();
    return {layer: Number(n.dataset.layer), left: r.left - box.left, right: r.right - box.left,
            top: r.top - box.top, bottom: r.bottom - box.top, width: r.width};
  });
  const pic = container.querySelector('.input-image');
  const px = pic.getContext('2d').getImageData(0, 0, pic.width, pic.height).data;
  return {links: Number(container.dataset.links), tiles, times,
          picture: [pic.width, pic.height, px[4 * 14] /* row 0, column 14: ink */, px[0]],
          caption: container.querySelector('.input-caption').textContent,
          legend: container.querySelector('.link-legend').textContent};
}"""


def test_an_mnist_sized_network_is_drawn_readably(browser, nnplay):
    """784-128-64-10 (the MNIST preset's shape): one 28×28 picture for the inputs, grids of
    tiles of a readable size inside the view, and each neuron's 3 strongest links only."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    p = Page(context.new_page(), nnplay)
    try:
        p.page.goto(nnplay.url + "healthz")
        r = p.js(MNIST_VIEW)
    finally:
        context.close()
    assert not p.console_errors, p.console_errors
    assert 0 < r["links"] <= 3 * (128 + 64 + 10)
    assert "3 strongest" in r["legend"]
    by_layer = {l: [t for t in r["tiles"] if t["layer"] == l] for l in range(4)}
    assert [len(by_layer[l]) for l in range(4)] == [1, 128, 64, 10]
    for t in r["tiles"]:
        assert 0 <= t["left"] and t["right"] <= 900 and 0 <= t["top"] and t["bottom"] <= 620, t
    assert min(t["width"] for t in by_layer[1]) >= 16  # weight images of 28×28, not specks
    assert by_layer[0][0]["width"] >= 100  # the input picture
    assert r["picture"][:2] == [28, 28] and r["picture"][2] == 0 and r["picture"][3] == 255
    assert r["caption"] == "input: #7, label 1"
    print(f"MNIST-sized network view: update {min(r['times']):.1f}–{max(r['times']):.1f} ms")
