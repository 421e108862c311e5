"""Unit tests of the page's pure front-end logic, run in the browser as ES modules.

No Node: the same headless Chromium that drives the page opens the server's /healthz (for
its origin), imports static/js/*.js with `import()` and runs them on values built here.
Frame decoding is checked on messages made by the server's own encoder (app.frames.pack).
"""

import base64
import json
import struct

import numpy as np
import pytest

from app.frames import pack
from tests.e2e.conftest import Page


@pytest.fixture(scope="module")
def units(browser, nnplay):
    """One page on the server's origin for the whole module; no console errors allowed."""
    context = browser.new_context()
    # /healthz is JSON: Chromium would ask for /favicon.ico, a 404 logged as a console error
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    p = Page(context.new_page(), nnplay)
    p.page.goto(nnplay.url + "healthz")
    yield p
    context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"


def run(units, body, arg=None):
    """Run `body` (an async function body with modules m.socket, m.colors, m.urlstate,
    m.charts and `arg`) in the page; returns what it returns."""
    return units.js(f"""async (arg) => {{
        const m = {{
            socket: await import('/static/js/socket.js'),
            colors: await import('/static/js/colors.js'),
            urlstate: await import('/static/js/urlstate.js'),
            charts: await import('/static/js/charts.js'),
            markers: await import('/static/js/markers.js'),
        }};
        {body}
    }}""", arg)


# -- frame decoding --------------------------------------------------------------------------------
DECODE = """
    const bytes = Uint8Array.from(atob(arg), (c) => c.charCodeAt(0));
    const buffer = bytes.buffer;
    const decoded = m.socket.decodeMessage(buffer);
    if (decoded.unpacked) await decoded.unpacked;
    const arrays = {};
    for (const [name, a] of Object.entries(decoded.arrays)) {
        arrays[name] = {type: a.data.constructor.name, shape: a.shape,
                        values: Array.from(a.data), byteOffset: a.data.byteOffset,
                        length: a.data.length, sameBuffer: a.data.buffer === buffer};
    }
    return {header: decoded.header, bytes: decoded.bytes, arrays};
"""

ARRAYS = {
    # odd byte lengths so that every array after the first needs padding to 8
    "u8": np.array([0, 1, 127, 255, 9], np.uint8),
    "f64": np.array([np.pi, -1e300, 0.1, 5e-324], np.float64),
    "f32": np.array([[1.5, -2.25, 3.0], [4.0, 5.5, -6.125]], np.float32),
    "u16": np.array([[0, 65535, 7]], np.uint16),
    "i32": np.array([-2**31, 2**31 - 1, 0, -7, 5], np.int32),
    "tiles": np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3),
    "empty": np.zeros((0, 3), np.float32),
    "f64b": np.array([[1 / 3, -0.0], [2.5, 1e-10]], np.float64),
}
TYPES = {"uint8": "Uint8Array", "uint16": "Uint16Array", "int32": "Int32Array",
         "float32": "Float32Array", "float64": "Float64Array"}


def b64(message):
    return base64.b64encode(message).decode("ascii")


def test_decode_message_reads_the_header_and_every_dtype(units):
    header = {"type": "frame", "step": 12, "epoch": 3, "state": "running",
              "metrics": {"train_loss": 0.5, "test_accuracy": 0.875},
              "note": "héllo, ∂L/∂w ✓", "trace": None}  # multi-byte UTF-8 in the header
    message = pack(header, ARRAYS)
    out = run(units, DECODE, b64(message))
    assert out["header"] == header  # the arrays list is taken out of the header
    assert out["bytes"] == len(message)
    (n,) = struct.unpack_from("<I", message, 0)
    entries = json.loads(message[4:4 + n])["arrays"]
    assert [e[0] for e in entries] == list(ARRAYS) and all(len(e) == 3 for e in entries)
    assert (4 + n) % 8 == 0
    assert list(out["arrays"]) == list(ARRAYS)
    offset = 4 + n  # each array follows the one before, at the next multiple of 8
    for name, A in ARRAYS.items():
        got = out["arrays"][name]
        assert got["type"] == TYPES[A.dtype.name], name
        assert got["shape"] == list(A.shape), name
        assert got["length"] == A.size
        assert np.array_equal(np.asarray(got["values"], A.dtype).reshape(A.shape), A), name
        # zero-copy views, 8-byte aligned
        assert got["sameBuffer"] is True, name
        assert got["byteOffset"] == offset, name
        offset += -(-A.nbytes // 8) * 8
    assert offset == len(message)
    assert np.signbit(out["arrays"]["f64b"]["values"][1])  # -0.0 survives


def smooth_pictures(shape, seed):
    """8-bit pictures as the maps are: smooth, saturated in places, wrapping nowhere."""
    rng = np.random.default_rng(seed)
    *stack, h, w = shape
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    a, b, c = (rng.normal(size=(*stack, 1, 1)) * 6 for _ in range(3))
    return np.clip(128 + 160 * np.tanh(a * x + b * y + c * x * y), 0, 255).astype(np.uint8)


def test_packed_pictures_decode_to_the_engines_codes(units):
    """The maps travel packed (app/frames.py encode_planes); the page gets back every code,
    beside raw arrays before and after them, in order."""
    arrays = {"before": np.array([1.5, 2.5, -1], np.float32),
              "tiles1": smooth_pictures((8, 31, 31), 1),
              "output": smooth_pictures((100, 100), 2),
              "noise": np.random.default_rng(3).integers(0, 256, (40, 40), dtype=np.uint8),
              "after": np.array([7, -7], np.int32)}
    message = pack({"type": "frame"}, arrays)
    (n,) = struct.unpack_from("<I", message, 0)
    entries = {e[0]: e for e in json.loads(message[4:4 + n])["arrays"]}
    assert entries["tiles1"][3:4] == entries["output"][3:4] == ["planes"]
    assert len(entries["noise"]) == 3  # noise does not shrink: it travels raw
    assert len(message) < sum(A.nbytes for A in arrays.values()) / 2
    out = run(units, DECODE, b64(message))
    for name, A in arrays.items():
        got = out["arrays"][name]
        assert got["shape"] == list(A.shape), name
        assert np.array_equal(np.asarray(got["values"], A.dtype).reshape(A.shape), A), name
    assert out["arrays"]["tiles1"]["sameBuffer"] is False  # unpacked into its own buffer
    assert out["arrays"]["after"]["sameBuffer"] is True


def test_messages_after_a_packed_one_wait_for_it(units):
    """A frame whose maps are being unpacked is handed on before the reply that came after
    it: the page sees messages in the order the server sent them."""
    frame = b64(pack({"type": "frame", "seq": 1}, {"output": smooth_pictures((100, 100), 4)}))
    order = run(units, """
        const seen = [];
        const c = new m.socket.Connection("ws://unused/ws", {
            onFrame: (f) => seen.push(["frame", f.header.seq, f.arrays.output.data.length]),
            onEvent: (e) => seen.push([e.type]),
        });
        const bytes = Uint8Array.from(atob(arg), (ch) => ch.charCodeAt(0));
        c.receive(bytes.buffer);
        c.receive(JSON.stringify({type: "saved", step: 3}));
        c.receive(bytes.buffer.slice(0));
        while (c.inbox.length) await new Promise((r) => setTimeout(r, 5));
        return seen;
    """, frame)
    assert order == [["frame", 1, 10000], ["saved"], ["frame", 1, 10000]]


def test_decode_message_on_a_message_without_arrays(units):
    out = run(units, DECODE, b64(pack({"type": "data", "count": 0}, {})))
    assert out["header"] == {"type": "data", "count": 0} and out["arrays"] == {}


def test_decode_message_rejects_an_unknown_dtype(units):
    text = json.dumps({"type": "frame", "arrays": [["big", "int64", [1]]]}).encode()
    text += b" " * (-(4 + len(text)) % 8)
    message = struct.pack("<I", len(text)) + text + bytes(8)
    error = run(units, """
        const bytes = Uint8Array.from(atob(arg), (c) => c.charCodeAt(0));
        try { m.socket.decodeMessage(bytes.buffer); return null; }
        catch (e) { return String(e.message); }
    """, b64(message))
    assert error and "int64" in error and "big" in error


def test_decode_message_on_a_real_frame_from_the_page(units, browser, nnplay):
    """The page's own decoded frame has the shapes the protocol promises."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        p = Page(context.new_page(), nnplay).open()
        arrays = p.js("""Object.fromEntries(Object.entries(window.nnplayTest.frame().arrays)
            .map(([k, a]) => [k, [a.data.constructor.name, a.shape, a.data.byteOffset % 8]]))""")
        assert not p.console_errors
    finally:
        context.close()
    assert arrays["W1"] == ["Float32Array", [2, 4], 0]
    assert arrays["tiles1"][:2] == ["Uint8Array", [4, 32, 32]]
    assert arrays["histograms"][0] == "Uint16Array"
    assert arrays["confusion"] == ["Int32Array", [2, 2], 0]
    assert all(offset == 0 for _, _, offset in arrays.values())


# -- colours ---------------------------------------------------------------------------------------
def test_diverging_ends_and_middle(units):
    c = run(units, """
        const {diverging, NEGATIVE, NEUTRAL, POSITIVE, LEVELS} = m.colors;
        return {NEGATIVE, NEUTRAL, POSITIVE, LEVELS,
                lo: diverging(0), hi: diverging(1), mid: diverging(0.5),
                below: diverging(-3), above: diverging(7),
                lo0: diverging(0, 0), hi0: diverging(1, 0), mid0: diverging(0.5, 0)};
    """)
    neg, neu, pos, levels = (np.array(c[k]) for k in ("NEGATIVE", "NEUTRAL", "POSITIVE",
                                                      "LEVELS"))
    # continuous: exactly the ends and the neutral middle
    assert c["lo0"] == c["NEGATIVE"] and c["hi0"] == c["POSITIVE"] and c["mid0"] == c["NEUTRAL"]
    # quantised: the centre of the first / last band, within one band of the ends
    band_neg = np.abs(neu - neg) / levels + 1
    band_pos = np.abs(pos - neu) / levels + 1
    assert np.all(np.abs(np.array(c["lo"]) - neg) <= band_neg), c["lo"]
    assert np.all(np.abs(np.array(c["hi"]) - pos) <= band_pos), c["hi"]
    assert np.all(np.abs(np.array(c["mid"]) - neu) <= band_pos), c["mid"]
    assert min(c["mid"]) > 200  # near-white
    assert c["lo"][0] > c["lo"][2] and c["hi"][2] > c["hi"][0]  # orange, blue
    assert c["below"] == c["lo"] and c["above"] == c["hi"]  # clamped


def test_diverging_is_quantised_to_at_most_levels_colours(units):
    n, levels = run(units, """
        const {diverging, LEVELS} = m.colors;
        const seen = new Set();
        for (let i = 0; i <= 10000; i++) seen.add(diverging(i / 10000).join(','));
        return [seen.size, LEVELS];
    """)
    assert 2 < n <= levels


def test_diverging_table(units):
    t = run(units, """
        const {divergingTable, diverging} = m.colors;
        const table = divergingTable(), smooth = divergingTable(0, 128);
        return {type: table.constructor.name, length: table.length, values: Array.from(table),
                smooth: Array.from(smooth), first: diverging(0), last: diverging(1)};
    """)
    assert t["type"] == "Uint8ClampedArray" and t["length"] == 256 * 4
    table = np.array(t["values"]).reshape(256, 4)
    assert np.all(table[:, 3] == 255)
    assert list(table[0, :3]) == t["first"] and list(table[255, :3]) == t["last"]
    # from negative to positive the colour only ever gets bluer. (Not the raw blue channel:
    # it peaks at the near-white neutral, 247, above the positive colour's 172.)
    blueness = table[:, 2] - table[:, 0]
    assert np.all(np.diff(blueness) >= 0) and blueness[0] < 0 < blueness[-1]
    assert len({tuple(row) for row in table}) <= 16
    smooth = np.array(t["smooth"]).reshape(256, 4)
    assert np.all(smooth[:, 3] == 128)
    assert np.all(np.diff(smooth[:, 2] - smooth[:, 0]) >= 0)
    assert len({tuple(row) for row in smooth}) > 100  # levels=0: continuous


@pytest.mark.parametrize("n_classes", [2, 3, 8])
def test_class_shade_fades_to_neutral_at_chance(units, n_classes):
    shades = run(units, """
        const {classShade, hexToRgb, CLASS_COLORS, NEUTRAL} = m.colors;
        const k = arg;
        return Array.from({length: k}, (_, c) => ({
            chance: classShade(c, 1 / k, k), sure: classShade(c, 1, k),
            below: classShade(c, 0, k), half: classShade(c, (1 / k + 1) / 2, k),
            color: hexToRgb(CLASS_COLORS[c]), neutral: NEUTRAL}));
    """, n_classes)
    for s in shades:
        neutral, color = np.array(s["neutral"]), np.array(s["color"])
        span = np.abs(color - neutral)
        chance, sure, half = (np.array(s[k]) for k in ("chance", "sure", "half"))
        assert np.all(np.abs(chance - neutral) <= 0.2 * span + 1), s  # near neutral
        assert np.all(np.abs(sure - color) <= 0.15 * span + 1), s  # the class colour-ish
        assert s["below"] == s["chance"]  # below chance is no less faded
        d = lambda a, b: np.linalg.norm(a - b)  # noqa: E731
        assert d(chance, color) > d(half, color) > d(sure, color)


def test_point_color(units):
    c = run(units, """
        const {pointColor, rgbCss, NEGATIVE, NEUTRAL, POSITIVE, CLASS_COLORS} = m.colors;
        return {neg: rgbCss(NEGATIVE), neu: rgbCss(NEUTRAL), pos: rgbCss(POSITIVE),
                classes: CLASS_COLORS,
                c0: pointColor(0, 'classification', 2), c1: pointColor(1, 'classification', 2),
                k: [0, 1, 2, 3, 4].map((y) => pointColor(y, 'classification', 5)),
                r: [-1, 0, 1, -9, 9].map((y) => pointColor(y, 'regression', 0))};
    """)
    assert c["neg"] == "rgb(230,97,1)" and c["pos"] == "rgb(8,104,172)"
    assert c["c0"] == c["neg"] and c["c1"] == c["pos"]
    assert c["k"] == c["classes"][:5]
    assert c["r"] == [c["neg"], c["neu"], c["pos"], c["neg"], c["pos"]]


# -- point markers ---------------------------------------------------------------------------------
def luminance(rgb):
    """WCAG 2.1 relative luminance of an sRGB colour (0–255 channels)."""
    c = np.asarray(rgb, float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ [0.2126, 0.7152, 0.0722]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


MARKERS_DRAWN = """
    // Every class's marker (the colours the plot gives them: two classes, or ten), training
    // and test, drawn on each colour the plot can show behind it; the pixels along 24 rays
    // from the marker's centre out to the background.
    const {drawMarker, shapeOf} = m.markers;
    const {pointColor, diverging, classShade, NEUTRAL} = m.colors;
    const backgrounds = [[255, 255, 255], NEUTRAL];
    for (let i = 0; i < 16; i++) backgrounds.push(diverging((i + 0.5) / 16));
    for (let c = 0; c < 10; c++) {
        for (const t of [0.1, 0.5, 1]) backgrounds.push(classShade(c, t, 10));
    }
    const markers = [];
    for (const k of [2, 10]) {
        for (let y = 0; y < k; y++) markers.push([y, pointColor(y, 'classification', k)]);
    }
    const size = 40, r = 6, out = [];
    const canvas = new OffscreenCanvas(size, size);
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const cases = [];
    for (const bg of backgrounds) for (const [y, fill] of markers) cases.push([bg, y, fill]);
    for (const [bg, y, fill] of cases) for (const test of [false, true]) {
        ctx.fillStyle = `rgb(${bg.join(',')})`;
        ctx.fillRect(0, 0, size, size);
        drawMarker(ctx, shapeOf(y, 'classification'), size / 2, size / 2, r, fill, test);
        const pixels = ctx.getImageData(0, 0, size, size).data;
        const rays = [];
        for (let a = 0; a < 24; a++) {
            const ray = new Set();  // its distinct colours
            for (let d = 0; d < size / 2; d += 0.5) {
                const x = Math.floor(size / 2 + d * Math.cos(a * Math.PI / 12));
                const yy = Math.floor(size / 2 + d * Math.sin(a * Math.PI / 12));
                const i = (yy * size + x) * 4;
                ray.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`);
            }
            rays.push([...ray].map((c) => c.split(',').map(Number)));
        }
        out.push({bg, y, fill, test, rays});
    }
    return out;
"""


def test_every_class_marker_stands_out_at_3_to_1_on_every_colour_of_the_plot(units):
    """WCAG 2.1 non-text contrast, measured on drawn pixels: whatever the class colour (some,
    like #f0e442 or #999999, are under 3:1 against white) and whatever the map behind it, each
    ray out of a marker crosses a ring with at least 3:1 against the background."""
    drawn = run(units, MARKERS_DRAWN)
    assert len(drawn) == 48 * 12 * 2
    worst = min((max(contrast(p, d["bg"]) for p in ray), d["bg"], d["fill"], d["y"])
                for d in drawn for ray in d["rays"])
    assert worst[0] >= 3, worst
    # the fill alone would not do: the yellow class on white is the case that needs the rings
    assert contrast([240, 228, 66], [255, 255, 255]) < 1.5


def test_each_class_has_its_own_marker_shape(units):
    shapes = run(units, """
        const {SHAPES, shapeOf} = m.markers;
        return {names: SHAPES.map((s) => s.name),
                classes: Array.from({length: 10}, (_, y) => shapeOf(y, 'classification').name),
                regression: shapeOf(3, 'regression').name, colors: m.colors.CLASS_COLORS.length};
    """)
    assert len(set(shapes["names"])) == len(shapes["names"]) >= shapes["colors"]
    assert len(set(shapes["classes"])) == 10 and shapes["regression"] == "circle"


# -- URL state -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fields(units):
    return units.js("async () => (await (await fetch('/api/schema')).json()).fields")


def other_value(field):
    """A valid value of the field that is not its default."""
    t, d = field["type"], field["default"]
    if t == "int":
        return d + 1 if field["max"] is None or d + 1 <= field["max"] else d - 1
    if t == "float":
        lo, hi = field["min"], field["max"]
        v = 0.1 + 0.2 if lo <= 0.30000000000000004 <= hi else (lo + hi) / 3
        return v if v != d else lo
    if t == "bool":
        return not d
    if t == "choice":
        return [c for c in field["choices"] if c != d][-1]
    if t == "int_list":
        return [3, 32, 1]
    if t == "choice_list":
        return list(reversed(field["choices"]))[:3]
    raise AssertionError(f"a field type this test does not know: {t}")


ROUND_TRIP = """
    const [fields, config, extra] = arg;
    const hash = m.urlstate.encodeHash(config, fields, extra);
    return {hash, decoded: m.urlstate.decodeHash(hash, fields)};
"""


def test_the_schema_has_every_field_type(fields):
    assert {f["type"] for f in fields} == {"int", "float", "bool", "choice", "int_list",
                                           "choice_list"}


def test_encode_hash_omits_defaults(units, fields):
    defaults = {f["name"]: f["default"] for f in fields}
    out = run(units, ROUND_TRIP, [fields, defaults, {}])
    assert out["hash"] == ""
    assert out["decoded"] == {"config": {}, "extra": {}, "errors": []}
    out = run(units, ROUND_TRIP, [fields, {**defaults, "learning_rate": 0.1,
                                           "hidden_layers": [8, 8, 8]}, {}])
    assert out["hash"] == "#hidden_layers=8,8,8&learning_rate=0.1"


def test_every_field_round_trips_through_the_hash(units, fields):
    cases = []
    for field in fields:
        values = [other_value(field)]
        if field["type"] == "int_list":
            values += [[], [5]]
        if field["type"] == "choice_list":
            values += [[], ["x2"]]
        if field["type"] == "float":
            values += [field["min"], field["max"]]
        cases += [{field["name"]: v} for v in values if v != field["default"]]
    outs = run(units, """
        const [fields, configs] = arg;
        return configs.map((config) => {
            const hash = m.urlstate.encodeHash(config, fields);
            return {hash, decoded: m.urlstate.decodeHash(hash, fields)};
        });
    """, [fields, cases])
    assert len(outs) == len(cases) > len(fields)
    for config, out in zip(cases, outs):
        [name] = config
        assert out["hash"].startswith(f"#{name}="), out
        assert out["decoded"]["errors"] == [], (config, out)
        assert out["decoded"]["config"] == config, (config, out)


def test_a_whole_config_round_trips(units, fields):
    config = {f["name"]: other_value(f) for f in fields}
    out = run(units, ROUND_TRIP, [fields, config, {"hide": "l1,l2", "present": "1"}])
    assert out["decoded"] == {"config": config, "extra": {"hide": "l1,l2", "present": "1"},
                              "errors": []}
    assert "hide=l1,l2" in out["hash"] and "%2C" not in out["hash"]


def test_extra_keys_are_kept(units, fields):
    out = run(units, """
        const [fields] = arg;
        return m.urlstate.decodeHash('#hide=l1,l2,dropout&preset=xor_two_hidden&present=1'
                                     + '&activation=relu', fields);
    """, [fields])
    assert out["extra"] == {"hide": "l1,l2,dropout", "preset": "xor_two_hidden", "present": "1"}
    assert out["config"] == {"activation": "relu"} and out["errors"] == []
    # encoding writes them back (and leaves out empty ones)
    out = run(units, ROUND_TRIP, [fields, {}, {"preset": "xor_two_hidden", "present": ""}])
    assert out["hash"] == "#preset=xor_two_hidden"
    assert out["decoded"]["extra"] == {"preset": "xor_two_hidden"}


MALFORMED = {
    "int": ["1.5", "abc", "", "1e3", "0x10", "+"],
    "float": ["abc", "", " ", "Infinity", "NaN", "1,5", "0.1.2"],
    "bool": ["yes", "1", "True", ""],
    "int_list": ["1,,2", "a", "1, 2", "-1", ",", "4,"],
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_values_are_rejected_naming_the_field(units, fields, kind):
    cases = [(f["name"], text) for f in fields if f["type"] == kind for text in MALFORMED[kind]]
    assert cases
    outs = run(units, """
        const [fields, cases] = arg;
        return cases.map(([name, text]) => {
            const params = new URLSearchParams({[name]: text, activation: 'relu'});
            return m.urlstate.decodeHash('#' + params.toString(), fields);
        });
    """, [fields, cases])
    for (name, text), out in zip(cases, outs):
        assert out["config"] == {"activation": "relu"}, (name, text, out)
        assert len(out["errors"]) == 1, (name, text, out)
        message = out["errors"][0]
        assert name in message and json.dumps(text) in message, message


def test_an_unknown_key_is_reported(units, fields):
    out = run(units, "return m.urlstate.decodeHash('#learning_rat=0.1', arg);", fields)
    assert out["config"] == {} and out["extra"] == {}
    assert len(out["errors"]) == 1 and "learning_rat" in out["errors"][0]


def test_choice_values_outside_the_schema_are_rejected(units, fields):
    for name, text in (("activation", "bogus"), ("features", "x1,nope")):
        out = run(units, """
            const [fields, name, text] = arg;
            return m.urlstate.decodeHash(`#${name}=${text}&hidden_layers=3`, fields);
        """, [fields, name, text])
        assert out["config"] == {"hidden_layers": [3]}, out
        assert len(out["errors"]) == 1 and name in out["errors"][0], out


# -- the chart's thinning --------------------------------------------------------------------------
@pytest.mark.parametrize("n, limit", [(10, 100), (100, 100), (101, 100), (1000, 100),
                                      (1001, 100), (4097, 1500), (3000, 7)])
def test_thin_keeps_the_last_point_and_halves_until_under_the_limit(units, n, limit):
    out = run(units, """
        const [n, limit] = arg;
        const points = Array.from({length: n}, (_, i) => ({step: i}));
        const copy = points.slice();
        const kept = m.charts.thin(points, limit);
        return {steps: kept.map((p) => p.step), same: kept === points,
                untouched: points.length === n && points.every((p, i) => p === copy[i])};
    """, [n, limit])
    steps = out["steps"]
    assert out["untouched"]  # the caller's array is not changed
    if n <= limit:
        assert out["same"] and steps == list(range(n))
        return
    assert len(steps) <= limit
    assert len(steps) > limit / 2  # halved only as often as needed
    assert steps[0] == 0 and steps[-1] == n - 1
    gaps = np.diff(steps[:-1])
    stride = gaps[0]
    assert np.all(gaps == stride) and stride & (stride - 1) == 0  # every 2^k-th point
    assert 0 < steps[-1] - steps[-2] <= stride


def test_thin_uses_its_default_limit(units):
    n = run(units, """
        return m.charts.thin(Array.from({length: 5000}, (_, i) => i)).length;
    """)
    assert 750 < n <= 1500
