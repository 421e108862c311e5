"""The notebook widget's front end in headless Chromium, without Jupyter: the bundled ES
module (static/js/widget.bundle.js) is imported into a blank page as anywidget imports it,
and rendered against a recorded model (anywidget's model interface: get, on, off, send)
holding the page's real binary messages, made here by app/notebook.py. No server, no network.
Each test leaves a screenshot in test-artifacts/, named after it."""

import base64

import pytest

pytest.importorskip("anywidget")

from app import frames  # noqa: E402
from app.notebook import bundle_path, show  # noqa: E402
from nncore import Trainer  # noqa: E402
from tests.e2e.browser import ARTIFACTS  # noqa: E402
from tests.e2e.conftest import WAIT_MS  # noqa: E402

BYTES = ("network_message", "data_message", "frame_message")

# A model as anywidget hands it to `render`: traits by name (bytes as DataViews, as
# ipywidgets deserialises them), change and custom-message listeners, and what was sent.
FAKE_MODEL = """
window.b64 = (text) => {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new DataView(bytes.buffer);
};
window.makeModel = (state) => {
  const listeners = {};
  const model = {
    state, sent: [],
    get: (name) => state[name],
    set: (name, value) => { state[name] = value; },
    on: (event, callback) => { (listeners[event] ??= []).push(callback); },
    off: (event, callback) => {
      listeners[event] = (listeners[event] ?? []).filter((f) => f !== callback);
    },
    send: (content) => { model.sent.push(content); },
    save_changes: () => {},
    emit: (event, ...args) => { for (const f of listeners[event] ?? []) f(...args); },
    change: (changes) => {
      Object.assign(state, changes);
      for (const name of Object.keys(changes)) model.emit(`change:${name}`, changes[name]);
    },
  };
  return model;
};
"""

RENDER = """
async ([source, state]) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const widget = (await import(url)).default;
  for (const name of %s) state[name] = b64(state[name]);
  window.model = makeModel(state);
  const el = document.getElementById("output");
  window.cleanup = widget.render({ model: window.model, el });
  window.host = el.querySelector(".nnplay-widget");
  window.shadow = window.host.shadowRoot;
}
""" % list(BYTES)

# pixels of a canvas in the shadow root: how many are painted (not transparent and not white),
# and how many distinct colours they have
PIXELS = """
(selector) => {
  const canvas = shadow.querySelector(selector);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0 || (data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) continue;
    ink += 1;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { ink, colours: colours.size, width: canvas.width, height: canvas.height };
}
"""


def b64(message):
    return base64.b64encode(bytes(message)).decode("ascii")


def recorded_run():
    """The view's messages over a short run: its first state, then a frame every 40 steps."""
    trainer = Trainer(dataset="spiral", hidden_layers=[8, 8], seed=1, learning_rate=0.03)
    view = show(trainer)
    state = {"network_message": b64(view.network_message),
             "data_message": b64(view.data_message),
             "frame_message": b64(view.frame_message),
             "frames_sent": view.frames_sent, "playing": False,
             "learning_rate": view.learning_rate, "learning_rates": list(view.learning_rates),
             "feature_labels": dict(view.feature_labels), "error": ""}
    later = []
    for _ in range(8):
        trainer.step(40)
        view.flush()
        later.append(b64(view.frame_message))
    history = list(view.history.points)
    trainer.set(hidden_layers=[3])
    view.flush()
    rebuilt = {"network_message": b64(view.network_message),
               "frame_message": b64(view.frame_message)}
    view.close()
    return state, later, history, rebuilt, trainer


@pytest.fixture
def page(browser, request):
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.set_content("<!doctype html><html><body style='margin:0'>"
                     "<div id='output' style='width:1000px'></div></body></html>")
    page.evaluate(FAKE_MODEL)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    page.close()
    assert not errors, errors


def wait(page, expression):
    return page.wait_for_function(expression, timeout=WAIT_MS).json_value()


def test_the_widget_module_draws_a_recorded_model(page):
    state, later, history, rebuilt, _ = recorded_run()
    page.evaluate(RENDER, [bundle_path().read_text(encoding="utf-8"), state])
    wait(page, "host.dataset.frames === '1'")
    assert page.evaluate("model.sent") == [{"type": "history"}]  # the chart so far, asked for

    # the network: every neuron drawn (2 inputs, 8, 8, 1 output), its maps painted
    assert page.evaluate("shadow.querySelectorAll('.network .neuron').length") == 19
    tiles = page.evaluate(PIXELS, ".network canvas.tiles")
    assert tiles["ink"] > 0.05 * tiles["width"] * tiles["height"] and tiles["colours"] > 20
    # the output plot: the map over the plane (many shades) and the points over it
    output = page.evaluate(PIXELS, ".output-canvas")
    assert output["colours"] > 20, output
    points = page.evaluate(PIXELS, ".points-canvas")
    assert points["ink"] > 500, points
    assert page.evaluate("shadow.querySelector('.step-readout').textContent").startswith("step 0")

    # frames come, all at once (faster than their maps decode): the newest is drawn, and the
    # chart gains every frame's point
    empty_chart = page.evaluate(PIXELS, ".chart")
    page.evaluate("(ms) => { for (const m of ms) model.change({ frame_message: b64(m) }); }",
                  later)
    final = frames.unpack(base64.b64decode(later[-1]))[0]
    wait(page, f"host.dataset.step === '{final['step']}'")
    assert page.evaluate("host.dataset.chartPoints") == str(1 + len(later))
    chart = page.evaluate(PIXELS, ".chart")
    assert chart["ink"] > empty_chart["ink"] + 200, (empty_chart, chart)
    assert page.evaluate("shadow.querySelector('.step-readout').textContent").startswith(
        f"step {final['step']}")
    # the kernel's answer to the history request resets the chart to it
    page.evaluate("(points) => model.emit('msg:custom', { type: 'history', points })", history)
    assert page.evaluate("host.dataset.chartPoints") == str(len(history))

    # the controls speak to the kernel; what the kernel says shows
    page.evaluate("shadow.querySelector('.play').click()")
    page.evaluate("""() => {
      const select = shadow.querySelector('.lr');
      select.value = '0.1';
      select.dispatchEvent(new Event('change'));
      shadow.querySelector('.step').click();
    }""")
    assert page.evaluate("model.sent.slice(1)") == [
        {"type": "play"}, {"type": "learning_rate", "value": 0.1}, {"type": "step"}]
    page.evaluate("model.change({ playing: true, error: 'learning_rate must be positive' })")
    assert page.evaluate("shadow.querySelector('.play').getAttribute('aria-pressed')") == "true"
    assert "positive" in page.evaluate("shadow.querySelector('.message').textContent")

    # a rebuilt network (3 hidden neurons): redrawn, and its chart starts again
    page.evaluate("(r) => model.change({ network_message: b64(r.network_message), "
                  "frame_message: b64(r.frame_message) })", rebuilt)
    wait(page, "shadow.querySelectorAll('.network .neuron').length === 6")
    wait(page, "host.dataset.step === '0' && host.dataset.chartPoints === '1'")


def test_the_widget_cleans_up_when_its_view_goes(page):
    state, *_ = recorded_run()
    page.evaluate(RENDER, [bundle_path().read_text(encoding="utf-8"), state])
    wait(page, "host.dataset.frames === '1'")
    page.evaluate("cleanup()")
    assert page.evaluate("document.getElementById('output').children.length") == 0
    page.evaluate("model.change({ playing: true })")  # no listener left to draw into nothing


def test_the_widget_draws_image_data_without_a_plane(page):
    trainer = Trainer(dataset="digits", hidden_layers=[16], seed=1)
    view = show(trainer)
    trainer.step(30)
    view.flush()
    state = {name: b64(getattr(view, name)) for name in BYTES}
    state.update(playing=False, learning_rate=view.learning_rate,
                 learning_rates=list(view.learning_rates), feature_labels={}, error="")
    view.close()
    page.evaluate(RENDER, [bundle_path().read_text(encoding="utf-8"), state])
    wait(page, "host.dataset.frames === '1' && host.dataset.step === '30'")
    assert page.evaluate("shadow.querySelector('.output-canvas').hidden") is True  # no plane
    tiles = page.evaluate(PIXELS, ".network canvas.tiles")
    assert tiles["ink"] > 0.02 * tiles["width"] * tiles["height"], tiles  # the weight images
    assert "test accuracy" in page.evaluate("shadow.querySelector('.loss-readout').textContent")
