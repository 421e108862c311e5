"""Lean frames in the browser: the page's own maps (static/js/lean.js, computed in its Web
Worker) equal the engine's probe for every option the engine has, and a page on lean frames
looks like one on full frames.

The equality test sends the server's own messages (app.frames: a `network` message and a lean
`frame`) to the worker, exactly as the page receives them, and compares what comes back with
nncore's PlaneProbe on the same network: the float32 activations within float32 tolerance, the
8-bit codes of the tiles and the output map within one code, and the class maps equal. A run
side by side (a comparison) is held to the same: its output map, computed by the page from the
compared run's weights in a lean frame, against the probe of the compared network."""

import base64

import numpy as np
import pytest

from app import frames, schema
from app.compare import Comparison
from nncore import HIDDEN_ACTIVATIONS, Config, Trainer, probes
from nncore.features import FEATURES
from tests.e2e.conftest import Page

FEATURE_SETS = [("x1", "x2"), ("x1sq", "x2sq", "x1x2"), ("sinx1", "sinx2"), tuple(FEATURES)]
DATA = {"binary": {"dataset": "spiral"}, "multiclass": {"dataset": "blobs", "n_classes": 3},
        "regression": {"dataset": "plane"}}
TASKS = schema.as_json()["tasks"]  # every (output activation, loss) pair each kind can learn


def cases(kind):
    """Every pair of `kind` with batch norm off and on, the hidden activations and feature
    sets taken in turn; for the binary kind, also every activation × feature set × batch norm
    (sigmoid + bce). Every option appears."""
    out = []
    for i, (output, loss) in enumerate(TASKS[kind]):
        for bn in (False, True):
            j = 2 * i + bn
            out.append(dict(DATA[kind], output_activation=output, loss=loss, batch_norm=bn,
                            activation=HIDDEN_ACTIVATIONS[j % len(HIDDEN_ACTIVATIONS)],
                            features=FEATURE_SETS[j % len(FEATURE_SETS)], bias=j % 5 != 3))
    if kind == "binary":
        out += [dict(DATA[kind], activation=a, features=f, batch_norm=bn)
                for a in HIDDEN_ACTIVATIONS for f in FEATURE_SETS for bn in (False, True)]
    return out


def messages(values, densities, compare_changes=None):
    """(trainer, probe, network message, lean frame, full frame) of a briefly trained run;
    with `compare_changes`, (…, the Comparison) of a run side by side that changes them."""
    config = Config(hidden_layers=(5, 4), learning_rate=0.01, batch_size=8, n_samples=200,
                    **values)
    tr = Trainer(config)
    compare = Comparison(config, compare_changes) if compare_changes else None
    tr.step(40)  # weights (and batch norm's running statistics) away from their start
    if compare is not None:
        compare.step(40)
        assert not compare.trainer.diverged, compare_changes
    assert not tr.diverged, values
    probe = probes.PlaneProbe(config.features, tr.data.extent, *densities)
    network = frames.network_message(tr, 1, probe)
    built = []
    for lean in (True, False):
        job = frames.FrameJob(
            net=tr.net, points=tr.eval_points, order=tr.eval_order, probe=probe, sample=None,
            losses=np.zeros(0), first_loss_step=0, lean=lean, compare=compare,
            header={"type": "frame", "step": tr.step_count, "epoch_progress": 0.0,
                    "network_version": 1, "output_density": probe.output_density})
        built.append(frames.render(job)[0])
    return (tr, probe, network, *built) + ((compare,) if compare is not None else ())


def in_page(body):
    """A page function of `cases`: each case's `network` message and lean `frame` decoded as
    the page receives them (`net`, `frame`), then `body` run on them with the page's LeanPlane
    (`plane`); what each body returns, in a list."""
    return """async (cases) => {
    const socket = await import('/static/js/socket.js');
    const lean = await import('/static/js/lean.js');
    const schema = await (await fetch('/api/schema')).json();
    const plane = new lean.LeanPlane(schema);
    const decode = (b64) => socket.decodeMessage(
        Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
    const out = [];
    for (const c of cases) {
        const net = decode(c.network).header, frame = decode(c.frame);
        if (!frame.header.lean) throw new Error('not a lean frame');
        out.push(await (async () => {%s})());
    }
    plane.worker.terminate();
    return out;
}""" % body


EVALUATE = in_page("""
        const spec = lean.planeSpec(net, schema, frame.header.output_density);
        const r = await plane.evaluate(spec, lean.planeParams(frame.arrays), true);
        const arrays = {};
        for (const [name, a] of Object.entries(r.arrays)) arrays[name] = Array.from(a.data);
        return {header: r.header, arrays, layers: r.raw.layers.map((A) => Array.from(A)),
                output: Array.from(r.raw.output)};""")

EVALUATE_COMPARED = in_page("""
        if (!frame.header.compare) throw new Error('no run side by side');
        const spec = lean.compareSpec(net, frame.header, schema);
        const raw = await plane.evaluate(spec, lean.planeParams(frame.arrays, 'compare_'), true,
                                         false);
        await plane.fill(frame, net);  // as the page does with each lean frame
        const header = {}, arrays = {};
        for (const [k, v] of Object.entries(frame.header)) {
            if (k.startsWith('compare_')) header[k] = v;
        }
        for (const [name, a] of Object.entries(frame.arrays)) {
            if (name.startsWith('compare_output')) arrays[name] = Array.from(a.data);
        }
        return {header, arrays, output: Array.from(raw.raw.output)};""")


@pytest.fixture(scope="module")
def units(browser, nnplay):
    context = browser.new_context()
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    p = Page(context.new_page(), nnplay)
    p.page.goto(nnplay.url + "healthz")
    yield p
    context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"


def b64(message):
    return base64.b64encode(message).decode("ascii")


def close(js, py, what):
    """Float32 tolerance, scaled by the map's largest value (a relu's can be large)."""
    js = np.asarray(js, np.float64).reshape(py.shape)
    scale = max(1.0, float(np.abs(py).max()))
    np.testing.assert_allclose(js, py, rtol=1e-4, atol=2e-5 * scale, err_msg=what)


def codes(js, py, what, step=False):
    """8-bit codes within one of the engine's (a value on a code's edge, as a relu's 0 is on
    [−s, s], may round either way); a step's 0/1 may flip only where z ≈ 0, on at most 1% of
    the cells."""
    diff = np.abs(np.asarray(js, np.int64).reshape(py.shape) - py.astype(np.int64))
    if step:
        assert np.mean(diff > 1) <= 0.01, f"{what}: {np.mean(diff > 1):.1%} of cells differ"
    else:
        assert diff.max() <= 1, f"{what}: codes differ by up to {diff.max()}"


@pytest.mark.parametrize("kind", list(DATA))
def test_the_pages_maps_equal_the_engines_probe_for_every_option(units, kind):
    runs, sent = [], []
    for i, values in enumerate(cases(kind)):
        densities = (10, 10) if i % 4 == 0 else (9, 13)  # one grid for both, or two
        tr, probe, network, lean, full = messages(values, densities)
        runs.append((values, tr, probe, full))
        sent.append({"network": b64(network), "frame": b64(lean)})
        lean_header, lean_arrays = frames.unpack(lean)
        assert lean_header["lean"] and not [k for k in lean_arrays
                                             if k.startswith(("tiles", "output"))], values
    results = units.js(EVALUATE, sent)
    assert len(results) == len(runs)
    for (values, tr, probe, full), got in zip(runs, results):
        what = ", ".join(f"{k}={v}" for k, v in values.items())
        output, layers = probe.run(tr.net)
        for l, A in enumerate(layers, start=1):
            close(got["layers"][l - 1], A, f"{what}: layer {l}")
        close(got["output"], output, f"{what}: output")
        header, arrays = frames.unpack(full)
        step = values.get("output_activation") == "step"
        np.testing.assert_allclose(got["header"]["tile_ranges"], header["tile_ranges"],
                                   rtol=1e-5, err_msg=what)
        for l in range(1, len(layers) + 1):
            codes(got["arrays"][f"tiles{l}"], arrays[f"tiles{l}"], f"{what}: tiles{l}",
                  step and l == len(layers))
        assert set(got["arrays"]) == {k for k in arrays if k.startswith(("tiles", "output"))}
        same_output_map(got["header"], got["arrays"], header, arrays, output, what, step)


def same_output_map(got_header, got_arrays, header, arrays, output, what, step=False,
                    prefix=""):
    """The page's output map (`prefix`: "compare_" for the compared run's) is the full frame's:
    its range and codes within one; or its classes, where no two outputs tie, and confidence."""
    if f"{prefix}output" in arrays:
        np.testing.assert_allclose(got_header[f"{prefix}output_range"],
                                   header[f"{prefix}output_range"], rtol=1e-5, err_msg=what)
        codes(got_arrays[f"{prefix}output"], arrays[f"{prefix}output"], f"{what}: output map",
              step)
    else:
        expected = arrays[f"{prefix}output_class"]
        classes = np.asarray(got_arrays[f"{prefix}output_class"]).reshape(expected.shape)
        top2 = np.sort(output, axis=1)[:, -2:]
        tied = (top2[:, 1] - top2[:, 0] < 1e-5).reshape(classes.shape)
        assert np.array_equal(classes[~tied], expected[~tied]), what
        codes(got_arrays[f"{prefix}output_confidence"], arrays[f"{prefix}output_confidence"],
              f"{what}: confidence")


# (the run, what the run side by side changes): the preset's two losses; two multiclass runs,
# one whose compared network is the session's (softmax, batch norm) and one whose output
# differs; and a compared network of another shape, activation, batch norm and threshold
COMPARISONS = [
    (dict(DATA["binary"], dataset="xor"), {"loss": "mse"}),
    (dict(DATA["multiclass"], output_activation="softmax", loss="cross_entropy",
          batch_norm=True, activation="relu"), {"learning_rate": 0.05}),
    (dict(DATA["multiclass"], output_activation="softmax", loss="cross_entropy",
          features=("x1", "x2", "sinx1")), {"output_activation": "sigmoid", "loss": "mse"}),
    (DATA["binary"], {"hidden_layers": (3,), "activation": "relu", "batch_norm": True,
                      "output_activation": "tanh", "loss": "mse"}),
]


def test_the_pages_compared_map_equals_the_engines_probe_of_the_compared_network(units):
    runs, sent = [], []
    for i, (values, changes) in enumerate(COMPARISONS):
        densities = (10, 10) if i % 2 == 0 else (9, 13)
        tr, probe, network, lean, full, compare = messages(values, densities, changes)
        lean_header, lean_arrays = frames.unpack(lean)
        assert "compare_W1" in lean_arrays and not [
            k for k in lean_arrays if k.startswith("compare_output")], changes
        assert ("compare_network" in lean_header) == (i >= 2), lean_header  # differs, or not
        runs.append((f"{values} beside {changes}", probe, full, compare))
        sent.append({"network": b64(network), "frame": b64(lean)})
    results = units.js(EVALUATE_COMPARED, sent)
    assert len(results) == len(runs)
    for (what, probe, full, compare), got in zip(runs, results):
        output, _ = probe.run(compare.trainer.net)
        close(got["output"], output, f"{what}: compared output")
        header, arrays = frames.unpack(full)
        assert set(got["arrays"]) == {k for k in arrays if k.startswith("compare_output")}, what
        assert got["arrays"], what
        same_output_map(got["header"], got["arrays"], header, arrays, output, what,
                        prefix="compare_")


def test_every_option_is_covered():
    """The cases above hold every hidden activation, feature, output pair and batch norm."""
    every = [c for kind in DATA for c in cases(kind)]
    assert {c["activation"] for c in every} == set(HIDDEN_ACTIVATIONS)
    assert {f for c in every for f in c["features"]} == set(FEATURES)
    assert {c["batch_norm"] for c in every} == {False, True}
    for kind in DATA:
        pairs = {(c.get("output_activation"), c.get("loss")) for c in cases(kind)}
        assert {tuple(p) for p in TASKS[kind]} <= pairs


# -- the page ----------------------------------------------------------------------------------
SHOWN = {"output": "#output-canvas", "tiles": "#network canvas.tiles"}
CANVASES = """(shown) => {
    const read = (canvas) => {
        const ctx = canvas.getContext('2d');
        return {w: canvas.width, h: canvas.height,
                px: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data)};
    };
    return Object.fromEntries(Object.entries(shown).map(
        ([name, selector]) => [name, read(document.querySelector(selector))]));
}"""
BLANK = """(shown) => {
    for (const selector of Object.values(shown)) {
        const c = document.querySelector(selector);
        c.getContext('2d').clearRect(0, 0, c.width, c.height);
    }
}"""


def pixels(shot):
    return {k: np.array(v["px"], np.int64).reshape(v["h"], v["w"], 4) for k, v in shot.items()}


def switch(page, mode, lean, shown=SHOWN):
    """Blank the canvases, ask for `mode`, and wait for the frame that answers it drawn (the
    run is paused: only that frame can paint them again)."""
    page.js(BLANK, shown)
    reply = page.js("(mode) => window.nnplayTest.act({type: 'frames', mode})", mode)
    assert reply["type"] == "applied" and reply["lean"] is lean, reply
    seq = reply["seq"]
    page.wait_frame(f"h.command_seq >= {seq} && Boolean(h.lean) === {str(lean).lower()}")
    page.wait("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return pixels(page.js(CANVASES, shown))


@pytest.mark.parametrize("link", ["#dataset=spiral&hidden_layers=8,8,8,8,8,8",
                                  "#dataset=blobs&n_classes=4&batch_norm=true&activation=relu"
                                  "&features=x1,x2,sinx1"])
def test_a_page_on_lean_frames_looks_like_one_on_full_frames(page, link):
    page.open(link)
    reply = page.js("window.nnplayTest.act({type: 'step', n: 60})")
    assert reply["type"] == "applied", reply
    page.wait_frame("h.step === 60")
    full = switch(page, "full", False)
    page.page.locator("#output-plot").screenshot(path=_artifact("lean-vs-full_full.png"))
    lean = switch(page, "lean", True)
    page.page.locator("#output-plot").screenshot(path=_artifact("lean-vs-full_lean.png"))
    alike(full, lean)
    assert page.frame_header()["step"] == 60  # the same paused run throughout


def alike(full, lean):
    """Each canvas painted, and the same to the eye whether its frame came full or lean."""
    assert full.keys() == lean.keys()
    for name in full:
        a, b = full[name], lean[name]
        assert a.shape == b.shape, name
        assert a[..., 3].any(), f"the {name} canvas is blank"
        diff = np.abs(a - b)
        assert diff.mean() < 0.5, f"{name}: mean pixel difference {diff.mean():.2f}"
        assert np.mean(diff.max(axis=2) > 24) < 0.002, f"{name}: pixels differ visibly"


def test_a_comparison_on_lean_frames_looks_like_one_on_full_frames(page):
    page.open("#preset=mse_vs_cross_entropy")
    page.page.locator("#compare-figure").wait_for(state="visible")
    reply = page.js("window.nnplayTest.act({type: 'step', n: 60})")
    assert reply["type"] == "applied", reply
    page.wait_frame("h.step === 60 && Boolean(h.compare)")
    shown = {**SHOWN, "compared": "#compare-canvas"}
    full = switch(page, "full", False, shown)
    page.page.locator("#plots").screenshot(path=_artifact("lean-vs-full_compare_full.png"))
    lean = switch(page, "lean", True, shown)
    page.page.locator("#plots").screenshot(path=_artifact("lean-vs-full_compare_lean.png"))
    assert page.js("window.nnplayTest.frameArray('compare_output')")["shape"] == [100, 100]
    alike(full, lean)
    assert not np.array_equal(full["output"], full["compared"])  # two runs, two maps
    assert page.frame_header()["step"] == 60


def test_a_lean_link_asks_for_lean_frames(page):
    page.open("#frames=lean&dataset=circle")
    h = page.wait_frame("h.lean === true")
    assert page.js("window.nnplayTest.frameArray('tiles1')")["shape"][0] == 4
    assert h["output_range"] == [0.0, 1.0]
    page.js("window.nnplayTest.act({type: 'play'})")
    page.wait_frame(f"h.lean === true && h.step > {h['step'] + 20}")
    stats = page.js("window.nnplayTest.stats()")
    assert stats["bytes"] / stats["received"] < 8000, stats  # lean frames, not full ones


def _artifact(name):
    from tests.e2e.browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / name)
