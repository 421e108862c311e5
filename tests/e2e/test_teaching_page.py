"""The teaching tools in real Chromium: the step-through's numbers are the engine's, and
finishing it applies exactly that step; the panels show the engine's answers."""

import json

import numpy as np

from nncore import Trainer, probes


def shown_values(page):
    """{data-key: value} of every number the step-through shows right now."""
    return page.js("""() => Object.fromEntries([...document.querySelectorAll(
        '#explain [data-key]')].map(e => [e.dataset.key, Number(e.dataset.value)]))""")


def session_trainer(page):
    return Trainer.from_dict(page.export()["trainer"])


def close(a, b):
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def test_step_through_shows_the_engines_numbers_and_applies_that_step(page):
    page.open("#preset=xor_two_hidden")
    # A few steps, so the weights are not the start. One at a time: the session keeps one
    # pending `step` command, which a new one replaces, and on a busy machine key presses can
    # come faster than the server steps.
    for k in range(1, 5):
        page.page.keyboard.press("ArrowRight")
        page.wait_frame(f"h.step >= {k}")
    # select point 1 by clicking it in the output plot
    box = page.page.locator("#points-canvas").bounding_box()
    x = page.js("window.nnplayTest.dataArrays().X.data.slice(2, 4)")
    lo, hi = page.js("window.nnplayTest.dataHeader().extent")
    page.page.mouse.click(box["x"] + (x[0] - lo) / (hi - lo) * box["width"],
                          box["y"] + (hi - x[1]) / (hi - lo) * box["height"])
    page.page.wait_for_function("window.nnplayTest.selected() === 1")
    page.page.keyboard.press("e")
    page.page.wait_for_function("document.querySelector('.explain-counter').textContent"
                                ".startsWith('1 /')")

    t = session_trainer(page)
    traced = probes.trace(t.net, *t.sample(1))
    lr = t.config.learning_rate
    L = len(t.net.layers)
    expected = {"loss": traced["loss"]}
    for l, layer in enumerate(traced["layers"], start=1):
        for j, v in enumerate(layer["z"]):
            expected[f"z{l}[{j}]"] = v
        for j, v in enumerate(layer["a"]):
            expected[f"a{l}[{j}]"] = v
        for j, v in enumerate(layer["delta"]):
            expected[f"delta{l}[{j}]"] = v
        for (i, j), v in np.ndenumerate(layer["dW"]):
            expected[f"dW{l}[{i},{j}]"] = v
        W = t.net.layers[l - 1].W
        for (i, j), v in np.ndenumerate(W):
            expected[f"W{l}[{i},{j}]"] = v
            expected[f"before:W{l}[{i},{j}]"] = v
            expected[f"after:W{l}[{i},{j}]"] = v - lr * layer["dW"][i, j]

    seen = {}
    stages = int(page.text(".explain-counter").split("/")[1])
    assert stages == 3 * L + 2  # forward L, loss, output error, backward L-1, gradients L, update
    for k in range(stages):
        seen.update(shown_values(page))
        page.shot(f"step_through_stage_{k + 1}")
        if k < stages - 1:
            page.page.keyboard.press("ArrowRight")
            page.page.wait_for_function(
                f"document.querySelector('.explain-counter').textContent.startsWith('{k + 2} /')")
    checked = [key for key in seen if key in expected]
    assert len(checked) >= 20, sorted(seen)
    for key in checked:
        assert close(seen[key], expected[key]), (key, seen[key], expected[key])
    # every stage showed its layer: z and a of each layer, δ of each layer, the loss
    for l in range(1, L + 1):
        assert f"z{l}[0]" in seen and f"a{l}[0]" in seen and f"delta{l}[0]" in seen
    assert "loss" in seen

    # Finish the walk: the next frame's weights are the shown "after" values.
    before_seq = page.frame_header()["command_seq"]
    page.page.locator(".explain-apply").click()
    page.wait_frame(f"h.command_seq > {before_seq}")
    after = {k: v for k, v in seen.items() if k.startswith("after:W")}
    W1, shape = page.js("(() => { const W = window.nnplayTest.frameArray('W1'); "
                        "return [W.data, W.shape]; })()")
    for key, value in after.items():
        if key.startswith("after:W1["):
            i, j = map(int, key[len("after:W1["):-1].split(","))
            assert W1[i * shape[1] + j] == np.float32(value)
    t2 = session_trainer(page)
    for l, layer in enumerate(t2.net.layers, start=1):
        for (i, j), v in np.ndenumerate(layer.W):
            if f"after:W{l}[{i},{j}]" in seen:
                assert v == seen[f"after:W{l}[{i},{j}]"]


def test_arrow_keys_walk_back_and_forth(page):
    page.open("#preset=xor_two_hidden")
    page.page.locator("[data-tab=explain]").click()
    page.page.locator(".explain-start").click()
    page.page.wait_for_function("document.querySelector('.explain-counter').textContent"
                                ".startsWith('1 /')")
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowRight")
    assert page.text(".explain-counter").startswith("3 /")
    page.page.keyboard.press("ArrowLeft")
    assert page.text(".explain-counter").startswith("2 /")
    assert page.page.locator("#explain math").count() >= 1  # typeset as MathML
    assert page.frame_header()["state"] == "paused"


def test_one_neuron_panel_computes_with_the_engine(page):
    page.open()
    page.page.locator("[data-tab=neuron]").click()
    page.page.wait_for_selector("#toy-result [data-key=z]")
    z = float(page.page.locator("#toy-result [data-key=z]").get_attribute("data-value"))
    # x = [2, 3], w = [0.4, 0.6], b = 1, relu: z = 0.8 + 1.8 + 1 = 3.6 (0.4·2 + 0.6·3 + 1)
    assert abs(z - 3.6) < 1e-12
    page.page.locator("#toy-activation").select_option("tanh")
    page.page.wait_for_function(
        "Math.abs(Number(document.querySelector('#toy-result [data-key=a]').dataset.value)"
        " - Math.tanh(3.6)) < 1e-12")


def test_shapes_activations_diagnostics_and_code_panels(page):
    page.open("#hidden_layers=8,8,8&batch_size=16")
    page.page.locator("[data-tab=shapes]").click()
    assert "W[2]: (8, 8)" in page.text("#shapes-panel")
    assert "(16, 8)" in page.text("#shapes-panel")  # Z and A for a batch of 16
    assert "(n[l], n[l−1])" in page.text("#shapes-panel")
    page.page.locator("[data-tab=activations]").click()
    page.page.wait_for_function("document.querySelectorAll('#activation-plots canvas').length >= 6")
    assert "vanishing" in page.text("#activation-plots")
    page.page.keyboard.press(" ")
    page.wait_frame("h.step > 500")
    page.page.locator("[data-tab=diagnostics]").click()
    page.page.wait_for_function("document.querySelectorAll('#diag-hist canvas').length === 4")
    assert "layer 4" in page.text("#diag-grad-legend")
    page.page.keyboard.press(" ")
    page.page.locator("[data-tab=code]").click()
    page.page.locator("#code-refresh").click()
    page.page.wait_for_function("document.querySelector('#code-text').textContent"
                                ".includes('import numpy as np')")
    assert "run it and its weights equal the session's" in page.text("#code-note")


def test_lesson_link_hides_controls_and_presents(page):
    page.open("#dataset=xor&hide=l1,l2,optimizer&present=1")
    assert page.js("document.body.classList.contains('present')")
    for name in ("l1", "l2", "optimizer"):
        assert not page.page.locator(f"[data-control={name}]").first.is_visible()
    assert page.page.locator("[data-control=learning_rate]").first.is_visible()
    page.shot("lesson_link_presentation_mode")


def test_preset_link_shows_its_explanation(page):
    page.open("#preset=vanishing_gradients")
    page.page.wait_for_selector("#lesson-card:not([hidden])")
    assert "vanishing" in page.text("#lesson-card").lower()
    assert page.js("window.nnplayTest.network().sizes") == [2, 8, 8, 8, 8, 8, 8, 1]
    assert json.loads(json.dumps(page.js("window.nnplayTest.config().activation"))) == "sigmoid"
