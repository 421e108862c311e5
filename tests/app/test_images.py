"""Image data (the digits): the network says its image shape, frames carry a gallery of test
images mistakes first, and an input of the user's own (a drawn digit) gets the network's
output. And a run side by side shows its own output map."""

import numpy as np
import pytest

from nncore import Trainer, probes
from tests.app.test_commands import applied, frame_after, send

pytestmark = pytest.mark.usefixtures("client")


def digits(wire):
    reply, before = applied(wire, {"type": "preset", "name": "digits"})
    network = [m for m in before if m["type"] == "network"][-1]
    return reply, network


def test_the_network_of_image_data_says_its_shape(wire):
    _, network = digits(wire)
    assert network["image_shape"] == [8, 8]
    assert network["plane"] is False


def test_frames_show_test_images_mistakes_first(wire):
    reply, _ = digits(wire)
    applied(wire, {"type": "step", "n": 30})
    wire.expect("stepped")
    f = frame_after(wire, {"seq": reply["seq"] + 1})
    a = f["arrays"]
    n = len(a["gallery_index"])
    assert n == 24 and a["gallery_pixels"].shape == (24, 8, 8)
    wrong = a["gallery_predicted"] != a["gallery_label"]
    assert wrong.any(), "30 steps in, some test digits are still wrong"
    assert not (np.diff(wrong.astype(int)) > 0).any(), "mistakes come first"
    # the same as nncore's own evaluation of the same run
    state = wire.call({"type": "export"})["state"]["trainer"]
    tr = Trainer.from_dict(state)
    ev = probes.evaluate(tr.net, tr.eval_points, np.float32)
    index, label, predicted, _ = probes.gallery(tr.net, tr.eval_points, ev, tr.eval_order)
    assert a["gallery_index"].tolist() == index.tolist()
    assert a["gallery_predicted"].tolist() == predicted.tolist()
    lo, hi = tr.data.value_range
    assert f["gallery_range"] == [lo, hi]
    np.testing.assert_array_equal(
        a["gallery_pixels"][0], probes.quantize(tr.data.X[index[0]], lo, hi).reshape(8, 8))


@pytest.mark.command("try_input")
def test_an_input_of_ones_own_gets_the_networks_output(wire):
    digits(wire)
    x = np.zeros(64)
    x[[3, 4, 11, 12, 19, 20, 27, 28, 35, 36]] = 16.0  # a stroke down the middle: a "1"
    reply, _ = applied(wire, {"type": "try_input", "x": x.tolist()})
    assert reply["tried"] is True
    f = frame_after(wire, reply)
    out = f["arrays"]["tried_output"]
    assert out.shape == (10,) and abs(float(out.sum()) - 1.0) < 1e-5  # softmax over 10 digits
    tr = Trainer.from_dict(wire.call({"type": "export"})["state"]["trainer"])
    np.testing.assert_allclose(out, tr.net.forward(x[None, :])[0], rtol=1e-5)
    reply, _ = applied(wire, {"type": "try_input", "x": None})
    assert "tried_output" not in frame_after(wire, reply)["arrays"]


@pytest.mark.parametrize("message, field, text", [
    ({"type": "try_input", "x": [1.0] * 10}, "x", "takes 64 inputs"),
    ({"type": "try_input", "x": [1e9] * 64}, "x.0", "<= 1000000"),
    ({"type": "try_input", "x": [1] * 5000}, "x", "at most 4096"),
])
def test_a_bad_input_of_ones_own_is_named(wire, message, field, text):
    digits(wire)
    reply, _ = send(wire, message)
    assert reply["type"] == "error" and reply["field"] == field, reply
    assert text in reply["message"] + str(reply["allowed"]), reply


def test_trying_an_input_on_the_plane_is_refused(wire):
    reply, _ = send(wire, {"type": "try_input", "x": [1.0, 2.0]})
    assert reply["code"] == "invalid_value" and "not 2-D" in reply["message"]


def test_a_run_side_by_side_shows_its_own_output_map(wire):
    reply, _ = applied(wire, {"type": "preset", "name": "mse_vs_cross_entropy"})
    applied(wire, {"type": "step", "n": 50})
    wire.expect("stepped")
    f = frame_after(wire, {"seq": reply["seq"] + 1})
    a = f["arrays"]
    assert a["compare_output"].shape == a["output"].shape
    assert not np.array_equal(a["compare_output"], a["output"])  # another loss, another map
    assert f["compare"]["label"] == "loss mse" and len(f["compare_output_range"]) == 2
