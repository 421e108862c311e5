"""Every command and every error, through TestClient.websocket_connect.

Each test drives a real session over the websocket and checks a command's documented effect
where a client sees it: in the reply, in the `data`/`network` messages and in decoded frames.
Every error test also checks that the rejected message changed nothing and that the session
still trains afterwards.
"""

import importlib.util
import itertools
import json
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.presets import PRESETS
from app.protocol import COMMAND_TYPES
from app.settings import Settings
from nncore import Config, Trainer
from nncore.config import LIVE
from nncore.codec import array_from_json
from tests.app.wire import Wire, theta
from app.protocol import REPLY_TYPES

HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None
IDS = itertools.count(1)
PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")  # the default 2-4-2-1 network


# -- helpers ----------------------------------------------------------------------------------
def send(wire, message):
    """Send a command with a fresh id; (its reply, the messages that came before the reply)."""
    message = {"id": next(IDS), **message}
    wire.send(message)
    before = []
    while True:
        m = wire.next()
        if m.get("id") == message["id"] and m["type"] in REPLY_TYPES:
            return m, before
        before.append(m)


def only(messages, type_):
    """The one message of `type_` among `messages`."""
    found = [m for m in messages if m["type"] == type_]
    assert len(found) == 1, [m["type"] for m in messages]
    return found[0]


def applied(wire, message):
    reply, before = send(wire, message)
    assert reply["type"] == "applied", reply
    assert reply["command"] == message["type"]
    return reply, before


def frame_after(wire, reply):
    """The first frame that reflects the command `reply` answered (frames carry command_seq)."""
    while True:
        f = wire.frame()
        if f["command_seq"] >= reply["seq"]:
            return f


def step(wire, n):
    """Run n steps while paused; the `stepped` event."""
    reply, _ = applied(wire, {"type": "step", "n": n})
    assert reply["pending"] == n
    return wire.expect("stepped", id=reply["id"])


def still_works(wire, step_before):
    """The step counter is where it was, and one more step trains."""
    reply, _ = applied(wire, {"type": "step", "n": 1})
    assert reply["step"] == step_before, "a rejected message changed the step counter"
    assert wire.expect("stepped", id=reply["id"])["step"] == step_before + 1


def params(frame, names=PARAMS):
    return {name: frame["arrays"][name].copy() for name in names}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name]), name


def assert_error(reply, code, field, value, *, allowed=None, message=None, command=None):
    """An error reply with the code, field and value, and what is allowed (or a message)."""
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert reply["field"] == field, reply
    assert reply["value"] == value, reply
    assert reply["allowed"] or reply["message"], reply
    if allowed is not None:
        assert allowed in reply["allowed"], reply
    if message is not None:
        assert message in reply["message"], reply
    if command is not None:
        assert reply["command"] == command, reply






def assert_refused(ws, code, close_code):
    w = Wire(ws, hello=False)
    error = w.next()
    assert error["type"] == "error" and error["code"] == code, error
    assert error["message"], error
    with pytest.raises(ConnectionError, match=f"closed: {close_code}"):
        w.raw()


def opened(ws):
    """A Wire on a new session, past its opening data, network and first frame."""
    w = Wire(ws)
    w.data0 = w.expect("data")
    w.network0 = w.expect("network")
    w.frame0 = w.frame()
    return w


@pytest.fixture
def wire(client):
    with client.websocket_connect("/ws") as ws:
        yield opened(ws)


@pytest.fixture
def data0(wire):
    """The session's first data message (the default circle)."""
    return wire.data0


# -- every command has its documented effect --------------------------------------------------
def test_every_command_type_has_a_test_here():
    """Each protocol command has a test marked @pytest.mark.command(name) in one of the
    server tests (tests/app/test_*.py): a command added without one fails this test."""
    import importlib
    from pathlib import Path

    modules = [importlib.import_module(f"tests.app.{path.stem}")
               for path in sorted(Path(__file__).parent.glob("test_*.py"))]
    covered = set()
    for module in modules:
        for name, fn in vars(module).items():
            if name.startswith("test_"):
                for mark in getattr(fn, "pytestmark", []):
                    if mark.name == "command":
                        covered.update(mark.args)
    assert covered, "no test carries a command mark: the guard would prove nothing"
    missing = set(COMMAND_TYPES) - covered
    assert not missing, f"commands without a test: {sorted(missing)}"
    assert covered <= set(COMMAND_TYPES), f"marks naming no command: {covered - set(COMMAND_TYPES)}"


@pytest.mark.command("play", "pause")
def test_play_trains_and_pause_stops(wire):
    reply, _ = applied(wire, {"type": "play"})
    assert reply["state"] == "running"
    while (f := wire.frame())["step"] == 0:
        pass
    assert f["state"] == "running"
    reply, _ = applied(wire, {"type": "pause"})
    assert reply["state"] == "paused"
    f = frame_after(wire, reply)
    assert f["state"] == "paused" and f["step"] > 0
    still_works(wire, f["step"])  # no step was taken after the paused frame


@pytest.mark.command("step")
def test_step_n_runs_exactly_n_steps(wire):
    reply, _ = applied(wire, {"type": "step", "n": 50})
    assert reply["pending"] == 50 and reply["step"] == 0 and reply["state"] == "paused"
    stepped = wire.expect("stepped", id=reply["id"])
    assert stepped["step"] == 50
    assert stepped["epoch"] == 2  # 250 training points in batches of 10: 25 steps an epoch
    f = wire.frame(step=50)
    assert f["state"] == "paused" and f["epoch"] == 2


def test_step_epoch_runs_to_the_end_of_the_epoch(wire):
    step(wire, 3)
    reply, _ = applied(wire, {"type": "step", "epoch": True})
    assert reply["pending"] == 22
    stepped = wire.expect("stepped", id=reply["id"])
    assert (stepped["step"], stepped["epoch"]) == (25, 1)


@pytest.mark.command("reset")
def test_reset_restores_step_zero_and_the_initial_weights(wire):
    initial = params(wire.frame0)
    step(wire, 20)
    assert not np.array_equal(params(wire.frame(step=20))["W1"], initial["W1"])
    reply, _ = applied(wire, {"type": "reset"})
    assert reply["step"] == 0 and reply["rebuilt"] is True
    f = frame_after(wire, reply)
    assert f["step"] == 0
    assert_same(params(f), initial)


@pytest.mark.command("set")
def test_set_live_field_keeps_weights_and_step(wire):
    step(wire, 10)
    f10 = wire.frame(step=10)
    reply, before = applied(wire, {"type": "set", "config": {"learning_rate": 0.3}})
    assert reply["rebuilt"] is False and reply["changed"] == {"learning_rate": 0.3}
    assert reply["step"] == 10
    assert not [m for m in before if m["type"] in ("network", "data")]
    f = frame_after(wire, reply)
    assert f["step"] == 10 and f["network_version"] == f10["network_version"]
    assert_same(params(f), params(f10))
    assert step(wire, 5)["step"] == 15  # the counter carries on


def test_set_structural_field_rebuilds(wire):
    step(wire, 10)
    reply, before = applied(wire, {"type": "set", "config": {"hidden_layers": [5, 3]}})
    assert reply["rebuilt"] is True and reply["changed"] == {"hidden_layers": [5, 3]}
    network = only(before, "network")
    assert network["sizes"] == [2, 5, 3, 1]
    assert network["config"]["hidden_layers"] == [5, 3]
    f = frame_after(wire, reply)
    assert f["step"] == 0 and f["network_version"] == network["version"]
    a = f["arrays"]
    assert a["W1"].shape == (2, 5) and a["W2"].shape == (5, 3) and a["W3"].shape == (3, 1)
    D = network["neuron_density"]
    assert a["tiles1"].shape == (5, D, D) and a["tiles2"].shape == (3, D, D)
    assert a["tiles3"].shape == (1, D, D)  # the output layer has its tiles too
    assert "tiles4" not in a


def play_until(wire, predicate):
    """Play until a frame satisfies `predicate`; (first frame, that frame, seconds between)."""
    applied(wire, {"type": "play"})
    first = wire.frame()
    t0 = time.monotonic()
    while not predicate(last := wire.frame()):
        pass
    elapsed = time.monotonic() - t0
    reply, _ = applied(wire, {"type": "pause"})
    frame_after(wire, reply)
    return first, last, elapsed


@pytest.mark.command("speed")
def test_speed_paces_training(wire):
    """Never faster than asked (a slow machine is only slower: this holds under load); the
    exact pace, on a clock the test moves, is in test_pacing.py."""
    reply, _ = applied(wire, {"type": "speed", "steps_per_second": 100})
    assert reply["speed"] == 100
    first, last, elapsed = play_until(wire, lambda f: f["step"] >= 30)
    # 100 steps/s, plus at most a quarter second of saved-up tokens, plus rounding.
    assert last["step"] - first["step"] <= 100 * elapsed + 26
    reply, _ = applied(wire, {"type": "speed", "steps_per_second": "max"})
    assert reply["speed"] == "max"
    first, last, _ = play_until(wire, lambda f: f["step"] >= first["step"] + 2000)
    assert last["steps_per_second"] > 0


@pytest.mark.command("fps")
def test_fps_sets_the_frame_rate(wire):
    """Never more frames than asked, counted over however long 8 frames take (holds under
    load); the cadence itself is tested on a moved clock in test_pacing.py."""
    applied(wire, {"type": "speed", "steps_per_second": 200})  # keep the frames cheap
    for fps in (5, 20):
        reply, _ = applied(wire, {"type": "fps", "fps": fps})
        assert reply["fps"] == fps
        applied(wire, {"type": "play"})
        wire.frame()  # the frame the command asked for, at once
        t0 = time.monotonic()
        for _ in range(8):
            wire.frame()
        elapsed = time.monotonic() - t0
        assert 8 <= fps * elapsed + 2, (fps, elapsed)  # the first may be urgent
        reply, _ = applied(wire, {"type": "pause"})
        frame_after(wire, reply)



@pytest.mark.command("density")
def test_density_sets_tile_and_output_resolution(wire):
    reply, before = applied(wire, {"type": "density", "neuron": 16, "output": 40})
    assert reply["neuron_density"] == 16 and reply["output_density"] == 40
    assert only(before, "network")["neuron_density"] == 16
    f = frame_after(wire, reply)
    assert f["arrays"]["tiles1"].shape == (4, 16, 16)
    assert f["arrays"]["tiles2"].shape == (2, 16, 16)
    assert f["arrays"]["output"].shape == (40, 40) and f["output_density"] == 40


@pytest.mark.command("select_sample")
def test_select_sample_adds_and_removes_the_trace(wire, data0):
    reply, _ = applied(wire, {"type": "select_sample", "index": 3})
    assert reply["selected"] == 3
    f = frame_after(wire, reply)
    assert f["trace"]["index"] == 3
    assert f["trace"]["y"] == [float(data0["arrays"]["y"][3])]
    for layer in (1, 2, 3):
        for key in ("z", "a", "delta", "dW"):
            assert f["arrays"][f"trace_{key}{layer}"].dtype == np.float64
    assert f["arrays"]["trace_dW1"].shape == (2, 4)
    reply, _ = applied(wire, {"type": "select_sample", "index": None})
    assert reply["selected"] is None
    f = frame_after(wire, reply)
    assert "trace" not in f
    assert not [name for name in f["arrays"] if name.startswith("trace_")]


@pytest.mark.command("set_weight")
def test_set_weight_shows_in_the_next_frame(wire):
    before = params(wire.frame0)
    value = 0.123456789
    reply, _ = applied(wire, {"type": "set_weight", "layer": 1, "source": 0, "target": 2,
                              "value": value})
    after = params(frame_after(wire, reply))
    assert after["W1"][0, 2] == np.float32(value)
    before["W1"][0, 2] = np.float32(value)
    assert_same(after, before)  # nothing else moved


@pytest.mark.command("set_bias")
def test_set_bias_shows_in_the_next_frame(wire):
    before = params(wire.frame0)
    reply, _ = applied(wire, {"type": "set_bias", "layer": 2, "neuron": 1, "value": -1.25})
    after = params(frame_after(wire, reply))
    assert after["b2"][1] == np.float32(-1.25)
    before["b2"][1] = np.float32(-1.25)
    assert_same(after, before)


@pytest.mark.command("add_point", "remove_point")
def test_add_and_remove_point(wire, data0):
    n = data0["count"]
    assert n == 500
    # The circle's points lie within radius 5, so the corner (5.9, 5.9) is free.
    reply, before = applied(wire, {"type": "add_point", "x": [5.9, 5.9], "label": 1})
    assert reply["count"] == n + 1
    data = only(before, "data")
    assert data["count"] == n + 1
    assert np.array_equal(data["arrays"]["X"][-1], np.float32([5.9, 5.9]))
    assert data["arrays"]["y"][-1] == 1 and data["arrays"]["train"][-1] == 1
    reply, before = applied(wire, {"type": "remove_point", "x": [5.8, 5.9]})
    assert reply["count"] == n and reply["removed"] == n
    data = only(before, "data")
    assert data["count"] == n
    assert np.array_equal(data["arrays"]["X"], data0["arrays"]["X"])
    reply, _ = send(wire, {"type": "remove_point", "x": [5.9, 5.9], "radius": 0.5})
    assert_error(reply, "invalid_value", None, None, message="no point lies within 0.5")
    still_works(wire, 0)


def test_rejected_remove_point_sends_no_data(wire, data0):
    reply, before = send(wire, {"type": "remove_point", "x": [5.9, 5.9]})
    assert reply["type"] == "error"
    assert not [m for m in before if m["type"] == "data"]


@pytest.mark.command("clear_points")
def test_clear_points_empties_the_data_and_play_is_refused(wire):
    reply, before = applied(wire, {"type": "clear_points"})
    assert reply["count"] == 0 and only(before, "data")["count"] == 0
    for kind in ("play", "step"):
        reply, _ = send(wire, {"type": kind})
        assert reply["type"] == "error" and reply["command"] == kind
        assert reply["code"] in ("illegal_state", "invalid_value"), reply
        assert "training set is empty" in reply["message"], reply
    applied(wire, {"type": "add_point", "x": [1.0, 1.0], "label": 1})
    applied(wire, {"type": "add_point", "x": [-1.0, -1.0], "label": 0})
    still_works(wire, 0)


CSV = "x1,x2,label\n0.5,1.5,0\n-2,3,1\n4,-1.25,0\n1,1,1\n"


@pytest.mark.command("load_csv")
def test_load_csv_trains_on_its_points(wire):
    step(wire, 4)
    reply, before = applied(wire, {"type": "load_csv", "text": CSV})
    assert reply["count"] == 4 and reply["task"] == "classification"
    data = only(before, "data")
    assert data["count"] == 4 and data["dataset"] == "custom"
    assert np.array_equal(data["arrays"]["X"],
                          np.float32([[0.5, 1.5], [-2, 3], [4, -1.25], [1, 1]]))
    assert np.array_equal(data["arrays"]["y"], np.float32([0, 1, 0, 1]))
    still_works(wire, reply["step"])


def test_load_csv_with_three_inputs_rebuilds(wire):
    reply, before = applied(wire, {"type": "load_csv",
                                   "text": "0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n"})
    assert reply["count"] == 4 and reply["inputs"] == 3
    assert only(before, "network")["sizes"] == [3, 4, 2, 1]
    assert not only(before, "network")["plane"]
    still_works(wire, 0)


@pytest.mark.parametrize("text, message", [
    ("1,2,0\n3,4,1\n5,6\n", "CSV line 3 has 2 columns; expected 3"),
    ("a,b,c\n1,2,0\n3,abc,1\n", "CSV line 3, column 2: 'abc' is not a number"),
    ("1,2,1\n3,4,1\n", "only one class"),
    ("", "CSV has no data rows"),
], ids=["ragged", "not-a-number", "one-class", "empty"])
def test_bad_csv_names_the_line_and_field(wire, text, message):
    step(wire, 2)
    reply, before = send(wire, {"type": "load_csv", "text": text})
    assert_error(reply, "invalid_value", None, None, message=message, command="load_csv")
    assert not [m for m in before if m["type"] in ("data", "network")]
    still_works(wire, 2)


def test_csv_over_one_mebibyte_is_too_large(wire):
    step(wire, 2)
    text = "1,2,0\n" * (1024 * 1024 // 6 + 1)
    reply, _ = send(wire, {"type": "load_csv", "text": text})
    assert reply["code"] == "too_large" and reply["field"] == "message"
    assert reply["value"] > 1024 * 1024
    assert reply["allowed"] == "at most 1048576 bytes"
    still_works(wire, 2)


def test_load_csv_never_reads_server_files(wire, tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("0,0,0\n1,1,1\n", encoding="utf-8")
    reply, _ = send(wire, {"type": "load_csv", "text": str(path)})
    assert reply["type"] == "error", reply


@pytest.mark.command("regenerate_data")
def test_regenerate_data_takes_the_next_seed(wire, data0):
    reply, before = applied(wire, {"type": "regenerate_data"})
    assert reply["changed"] == {"data_seed": 1} and reply["rebuilt"] is True
    data = only(before, "data")
    assert data["count"] == data0["count"]
    assert not np.array_equal(data["arrays"]["X"], data0["arrays"]["X"])
    assert only(before, "network")["config"]["data_seed"] == 1
    still_works(wire, 0)


def test_regenerate_data_is_refused_on_drawn_points(wire):
    applied(wire, {"type": "load_csv", "text": CSV})
    reply, _ = send(wire, {"type": "regenerate_data"})
    assert reply["type"] == "error" and "your own points" in reply["message"]
    still_works(wire, 0)


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.command("preset")
def test_preset_loads_its_config(wire, name):
    if PRESETS[name]["config"].get("dataset") == "digits" and not HAS_SKLEARN:
        pytest.skip("the digits preset needs scikit-learn")
    step(wire, 3)
    reply, before = applied(wire, {"type": "preset", "name": name})
    assert reply["preset"] == name and reply["step"] == 0
    network = only(before, "network")
    config = Config(**PRESETS[name]["config"])
    assert network["config"] == config.to_dict()
    assert network["sizes"][1:-1] == list(config.hidden_layers)
    assert (network["activation"], network["output_activation"], network["loss"]) == (
        config.activation, config.output_activation, config.loss)
    f = frame_after(wire, reply)
    assert f["step"] == 0
    assert f["arrays"]["W1"].shape == tuple(network["sizes"][:2])
    still_works(wire, 0)


@pytest.mark.command("export", "import")
def test_export_then_import_in_a_new_connection(client, wire):
    applied(wire, {"type": "set", "config": {"optimizer": "adam", "dataset": "spiral",
                                             "hidden_layers": [6, 4], "seed": 5}})
    step(wire, 30)
    original = params(wire.frame(step=30), ("W1", "b1", "W2", "b2", "W3", "b3"))
    state = wire.exported()
    assert state["format"] == "nnplay.session/1"
    with client.websocket_connect("/ws") as ws:
        other = opened(ws)
        reply, before = applied(other, {"type": "import", "state": state})
        assert reply["step"] == 30
        assert only(before, "network")["sizes"] == [2, 6, 4, 1]
        f = frame_after(other, reply)
        assert f["step"] == 30
        assert_same(params(f, original.keys()), original)
        assert np.array_equal(theta(other.exported()), theta(state))
        # Both carry on identically: the optimizer state and the shuffling came along.
        step(wire, 10)
        step(other, 10)
        assert np.array_equal(theta(other.exported()), theta(wire.exported()))


def test_export_of_drawn_points_imports(wire):
    applied(wire, {"type": "load_csv", "text": CSV})
    step(wire, 5)
    state = wire.exported()
    reply, _ = send(wire, {"type": "import", "state": state})
    assert reply["type"] == "applied", reply


@pytest.mark.parametrize("state, field, value, text", [
    ({"format": "nope"}, "state.format", "nope", "nnplay.session/1"),
    ({"trainer": {}}, "state.format", None, "nnplay.session/1"),
], ids=["wrong-format", "no-format"])
def test_import_of_garbage_names_the_field(wire, state, field, value, text):
    step(wire, 4)
    reply, _ = send(wire, {"type": "import", "state": state})
    assert_error(reply, "invalid_value", field, value, allowed=text, command="import")
    still_works(wire, 4)


@pytest.mark.parametrize("trainer, text", [
    ({"format": "x"}, "state.format must be 'nncore.trainer/1'"),
    ({"format": "nncore.trainer/1", "config": {"seed": 1}}, "missing or has a malformed field"),
], ids=["trainer-format", "trainer-fields"])
def test_import_of_a_broken_trainer_says_why(wire, trainer, text):
    step(wire, 4)
    reply, _ = send(wire, {"type": "import",
                           "state": {"format": "nnplay.session/1", "trainer": trainer}})
    assert reply["type"] == "error" and reply["code"] == "invalid_value"
    assert text in reply["message"], reply
    still_works(wire, 4)


def test_import_with_a_bad_config_names_the_field(wire):
    state = wire.exported()
    state["trainer"]["config"]["hidden_layers"] = [129]
    reply, _ = send(wire, {"type": "import", "state": state})
    assert_error(reply, "invalid_value", "hidden_layers", "[129]",
                 allowed="a list of at most 8 whole numbers")
    still_works(wire, 0)


def test_import_with_a_hostile_history_keeps_the_connection(wire):
    state = wire.exported()
    state["history"] = [{}]
    reply, _ = send(wire, {"type": "import", "state": state})
    assert reply["type"] in ("applied", "error")
    still_works(wire, 0)


def test_import_with_an_infinite_log_can_still_export(wire):
    state = wire.exported()
    state["log"] = ["__INF__"]
    text = json.dumps({"type": "import", "id": "inf", "state": state})
    wire.send(text.replace('"__INF__"', "1e999"))  # valid JSON; Python reads it as inf
    reply = wire.expect("applied", id="inf")
    assert reply["step"] == 0
    wire.exported()
    still_works(wire, 0)


# -- errors -----------------------------------------------------------------------------------
def test_step_while_running_is_illegal(wire):
    applied(wire, {"type": "play"})
    reply, _ = send(wire, {"type": "step", "n": 5})
    assert_error(reply, "illegal_state", "type", "step", message="pause first")
    reply, _ = applied(wire, {"type": "pause"})
    still_works(wire, frame_after(wire, reply)["step"])


DIVERGING = {"dataset": "plane", "output_activation": "linear", "loss": "mse",
             "learning_rate": 10, "activation": "relu"}


# A diverged network's metrics overflow in nncore.probes; that bug has its own test below.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_divergence_pauses_and_play_is_refused(wire):
    # float32 overflows to inf before the weights leave float32's range.
    applied(wire, {"type": "set", "config": {**DIVERGING, "dtype": "float32"}})
    reply, _ = applied(wire, {"type": "step", "n": 1000})
    stepped = wire.expect("stepped", id=reply["id"])  # the steps end early, then:
    diverged = wire.expect("diverged")
    assert "learning rate (10)" in diverged["message"]
    assert diverged["what"] in ("loss", "gradient")
    assert stepped["step"] == diverged["step"] - 1 < 1000
    f = wire.frame(state="diverged")
    assert f["step"] == stepped["step"] and f["diverged"]["step"] == diverged["step"]
    for name in PARAMS:
        assert np.isfinite(f["arrays"][name]).all(), name
    for kind in ("play", "step"):
        reply, _ = send(wire, {"type": kind})
        assert_error(reply, "illegal_state", "type", kind, message="diverged")
    reply, _ = applied(wire, {"type": "reset"})
    assert reply["state"] == "paused"
    still_works(wire, 0)


def test_divergence_frames_raise_no_warnings(wire):
    applied(wire, {"type": "set", "config": {**DIVERGING, "dtype": "float32"}})
    applied(wire, {"type": "step", "n": 1000})
    wire.expect("diverged")
    assert wire.frame(state="diverged")["diverged"] is not None
    reply, _ = send(wire, {"type": "play"})
    assert reply["code"] == "illegal_state"


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                            "ignore:invalid value encountered:RuntimeWarning")
def test_divergence_in_float64_keeps_frames_finite(wire):
    applied(wire, {"type": "set", "config": DIVERGING})
    applied(wire, {"type": "step", "n": 1000})
    diverged = wire.expect("diverged")
    assert "learning rate" in diverged["message"]
    f = wire.frame(state="diverged")
    for name in PARAMS:
        assert np.isfinite(f["arrays"][name]).all(), name
    reply, _ = send(wire, {"type": "play"})
    assert reply["code"] == "illegal_state"


def test_rate_limit_drops_messages_then_recovers():
    settings = Settings(open_browser=False, messages_per_second=5.0, message_burst=20)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        assert wire.hello["limits"]["message_burst"] == 20
        for _ in range(40):
            wire.send({"type": "fps", "fps": 30})
        replies = []
        while len(replies) < 40:
            m = wire.next()
            if m["type"] in ("applied", "error"):
                replies.append(m)
        limited = [r for r in replies if r["type"] == "error"]
        assert limited and all(r["code"] == "rate_limited" for r in limited)
        assert limited[0]["field"] == "message" and "5 messages per second" in \
            limited[0]["allowed"]
        assert 20 <= len(replies) - len(limited) < 40
        time.sleep(1.0)  # 5 tokens back
        still_works(wire, 0)


def test_oversize_set_message_is_too_large(wire):
    step(wire, 3)
    reply, _ = send(wire, {"type": "set", "config": {"learning_rate": 0.1},
                           "padding": "x" * 20 * 1024})
    assert reply["code"] == "too_large" and reply["field"] == "message"
    assert reply["value"] > 20 * 1024 and reply["allowed"] == "at most 16384 bytes"
    assert reply["command"] == "set"
    still_works(wire, 3)


def test_binary_message_is_not_allowed(wire):
    step(wire, 3)
    wire.ws.send_bytes(b'{"type": "play"}')
    reply = wire.expect("error")
    assert_error(reply, "binary_not_allowed", "message", "<16 bytes>",
                 allowed="a JSON text message")
    still_works(wire, 3)


@pytest.mark.parametrize("text", ["{not json", '{"type": "set", "config": {"learning_rate": NaN}}',
                                  '{"type": "speed", "steps_per_second": Infinity}', ""],
                         ids=["syntax", "NaN", "Infinity", "empty"])
def test_bad_json(wire, text):
    step(wire, 3)
    wire.send(text)
    reply = wire.expect("error")
    assert reply["code"] == "bad_json" and reply["field"] == "message"
    assert reply["value"] == text[:100] and "JSON object" in reply["allowed"]
    still_works(wire, 3)


@pytest.mark.parametrize("text, value", [("[1, 2]", "[1, 2]"), ("5", 5), ('"play"', "play")])
def test_json_that_is_not_an_object(wire, text, value):
    wire.send(text)
    reply = wire.expect("error")
    assert_error(reply, "bad_message", "message", value, allowed="JSON object")
    still_works(wire, 0)


@pytest.mark.parametrize("message, value", [
    ({"type": "fly"}, "fly"), ({"id": 9}, None), ({"type": 5}, 5), ({"type": None}, None)])
def test_unknown_type(wire, message, value):
    step(wire, 3)
    reply, _ = send(wire, message)
    assert_error(reply, "unknown_type", "type", value, allowed="one of: play, pause")
    still_works(wire, 3)


INVALID = [
    # wrong types: numbers must be JSON numbers, booleans booleans
    ({"type": "step", "n": "5"}, "n", "5", "valid integer"),
    ({"type": "step", "n": 2.5}, "n", 2.5, "valid integer"),
    ({"type": "step", "epoch": "yes"}, "epoch", "yes", "valid boolean"),
    ({"type": "fps", "fps": [30]}, "fps", "[30]", "valid integer"),
    ({"type": "speed", "steps_per_second": "fast"}, "steps_per_second", "fast", "'max'"),
    ({"type": "set_weight", "layer": 1, "source": 0, "target": 0, "value": "1"}, "value", "1",
     "valid number"),
    ({"type": "add_point", "x": [1.0], "label": 1}, "x", "[1.0]", "at least 2 items"),
    ({"type": "add_point", "x": [1.0, 2.0, 3.0], "label": 1}, "x", "[1.0, 2.0, 3.0]",
     "at most 2 items"),
    ({"type": "set", "config": {"learning_rate": "0.1"}}, "learning_rate", "0.1",
     "a number from 1e-05 to 10"),
    ({"type": "set", "config": {"bias": 1}}, "bias", 1, "true or false"),
    ({"type": "set", "config": {"n_samples": 100.0}}, "n_samples", 100.0,
     "a whole number from 20 to 2000"),
    ({"type": "set", "config": {"activation": "swish"}}, "activation", "swish", "relu"),
    ({"type": "set", "config": []}, "config", "[]", "valid dictionary"),
    ({"type": "set", "config": {}}, "config", "{}", "field: value"),
    # out of range
    ({"type": "step", "n": 0}, "n", 0, ">= 1"),
    ({"type": "step", "n": 100001}, "n", 100001, "<= 100000"),
    ({"type": "fps", "fps": 61}, "fps", 61, "<= 60"),
    ({"type": "speed", "steps_per_second": 0}, "steps_per_second", 0, ">= 0.1"),
    ({"type": "density", "neuron": 4}, "neuron", 4, ">= 8"),
    ({"type": "density", "output": 201}, "output", 201, "<= 200"),
    ({"type": "select_sample", "index": 500}, "index", 500, "0 to 499"),
    ({"type": "select_sample", "index": -1}, "index", -1, ">= 0"),
    ({"type": "set_weight", "layer": 9, "source": 0, "target": 0, "value": 0.5}, "layer", 9,
     "to 3"),
    ({"type": "set_weight", "layer": 1, "source": 2, "target": 0, "value": 0.5}, "source", 2,
     "to 1"),
    ({"type": "set_weight", "layer": 1, "source": 0, "target": 0, "value": 1e9}, "value", 1e9,
     "<= 100"),
    ({"type": "set_bias", "layer": 1, "neuron": 9, "value": 1}, "neuron", 9, "to 3"),
    ({"type": "add_point", "x": [1.0, 2.0], "label": 7}, "label", 7, "to 1"),
    ({"type": "add_point", "x": [1.0, 2.0], "label": 1, "split": "val"}, "split", "val",
     "'train' or 'test'"),
    ({"type": "add_point", "x": [1e6, 2.0], "label": 1}, "x.0", 1e6, "<= 1000"),
    ({"type": "preset", "name": "nope"}, "name", "nope", "playground"),
    ({"type": "set", "config": {"learning_rate": -1}}, "learning_rate", -1,
     "a number from 1e-05 to 10"),
    ({"type": "set", "config": {"learning_rate": 1e308}}, "learning_rate", 1e308,
     "a number from 1e-05 to 10"),
    ({"type": "set", "config": {"seed": 10**100}}, "seed", str(10**100)[:97] + "...",
     "a whole number from 0"),
    # schema limits
    ({"type": "set", "config": {"hidden_layers": [4] * 9}}, "hidden_layers", str([4] * 9),
     "a list of at most 8 whole numbers, each from 1 to 128"),
    ({"type": "set", "config": {"hidden_layers": [4, 129]}}, "hidden_layers", "[4, 129]",
     "a list of at most 8 whole numbers, each from 1 to 128"),
    ({"type": "set", "config": {"n_samples": 5000}}, "n_samples", 5000,
     "a whole number from 20 to 2000"),
    # unknown and extra fields
    ({"type": "play", "speed": 3}, "speed", 3, "no such field"),
    ({"type": "step", "n": 5, "count": 5}, "count", 5, "no such field"),
    ({"type": "set", "config": {"learnin_rate": 0.1}}, "learnin_rate", 0.1,
     "one of: dataset, n_samples"),
    ({"type": "set_weight", "layer": 1, "source": 0, "value": 0.5}, "target", None,
     "this field is required"),
    # the engine's pairing of output and loss
    ({"type": "set", "config": {"loss": "cross_entropy"}}, "loss", "cross_entropy",
     "cross_entropy with output softmax"),
    ({"type": "set", "config": {"nesterov": True}}, "nesterov", True, "momentum"),
]


@pytest.mark.parametrize("message, field, value, allowed", INVALID,
                         ids=[f"{m['type']}-{f}-{i}" for i, (m, f, _, _) in enumerate(INVALID)])
def test_invalid_value_names_field_value_and_what_is_allowed(wire, message, field, value,
                                                             allowed):
    step(wire, 3)
    f3 = params(wire.frame(step=3))
    reply, before = send(wire, message)
    assert_error(reply, "invalid_value", field, value, allowed=allowed, command=message["type"])
    assert reply["id"] is not None
    assert not [m for m in before if m["type"] in ("network", "data")]
    still_works(wire, 3)
    if message["type"] in ("set_weight", "set_bias", "set"):  # no weight moved
        reply, _ = applied(wire, {"type": "reset"})
        step(wire, 3)
        assert_same(params(wire.frame(step=3)), f3)


# -- HTTP ----------------------------------------------------------------------------------
def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_schema_lists_every_config_field(client):
    body = client.get("/api/schema").json()
    fields = {f["name"]: f for f in body["fields"]}
    defaults = Config().to_dict()
    assert fields.keys() == defaults.keys()
    for name, f in fields.items():
        assert f["default"] == defaults[name], name
        assert f["apply"] == ("live" if name in LIVE else "rebuild"), name
    assert body["pairings"]["cross_entropy"] == ["softmax"]


FILE_DATASETS = ("mnist", "fashion_mnist")


def test_presets_are_listed(client):
    presets = client.get("/api/presets").json()["presets"]
    assert [p["name"] for p in presets] == list(PRESETS)
    for p in presets:
        assert p["config"] == PRESETS[p["name"]]["config"] and p["title"]
        assert p["available"] is (HAS_SKLEARN or p["config"].get("dataset") != "digits")
        assert p["files"] == ("present" if p["config"].get("dataset") in FILE_DATASETS else None)


@pytest.mark.parametrize("downloads, files", [(True, "download"), (False, "missing")])
def test_a_preset_whose_files_are_missing_says_whether_a_download_can_bring_them(
        tmp_path, downloads, files):
    settings = Settings(open_browser=False, data_dir=str(tmp_path), downloads=downloads,
                        save=False)
    with TestClient(create_app(settings)) as client:
        presets = {p["name"]: p for p in client.get("/api/presets").json()["presets"]}
    assert presets["mnist"]["files"] == files and presets["fashion_mnist"]["files"] == files
    assert presets["mnist"]["available"] is (files == "download")
    assert presets["playground"]["files"] is None and presets["playground"]["available"]


def test_page_is_html(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text.lower()


# -- connecting: origin, session cap, resume, expiry -------------------------------------
def test_foreign_origin_is_refused(client):
    with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
        assert_refused(ws, "forbidden_origin", 1008)


def test_same_origin_is_accepted(client):
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        wire = Wire(ws)
        still_works(wire, 0)


def test_session_cap_refuses_the_next_connection():
    app = create_app(Settings(open_browser=False, max_sessions=2))
    with TestClient(app) as client:
        def detached(session):
            deadline = time.monotonic() + 10
            while {s["id"]: s["state"] for s in client.get("/api/stats").json()["sessions"]
                   }.get(session) != "detached":
                assert time.monotonic() < deadline, f"session {session} never detached"
                time.sleep(0.02)

        with client.websocket_connect("/ws") as a:
            left_last = Wire(a)
            with client.websocket_connect("/ws") as b:
                left_first = Wire(b)
                with client.websocket_connect("/ws") as c:
                    assert_refused(c, "too_many_sessions", 1013)  # both are connected
            detached(left_first.hello["session"])
        detached(left_last.hello["session"])
        # Sessions waiting to be resumed never keep a newcomer out: the one detached longest
        # makes room, and its token no longer resumes.
        with client.websocket_connect("/ws") as c:
            assert Wire(c).hello["resumed"] is False
            ids = [s["id"] for s in client.get("/api/stats").json()["sessions"]]
            assert len(ids) == 2 and left_first.hello["session"] not in ids
            assert left_last.hello["session"] in ids
        with client.websocket_connect(f"/ws?resume={left_first.hello['resume_token']}") as d:
            assert "expired" in Wire(d).hello["resume_error"]


def test_resume_gives_back_the_session(client):
    with client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        step(wire, 30)
        before = params(wire.frame(step=30))
        token = wire.hello["resume_token"]
    with client.websocket_connect(f"/ws?resume={token}") as ws:
        wire = Wire(ws)
        assert wire.hello["resumed"] is True and wire.hello["resume_error"] is None
        assert wire.hello["step"] == 30 and wire.hello["state"] == "paused"
        f = wire.frame()
        assert f["step"] == 30
        assert_same(params(f), before)
        # A token whose session is still connected takes it over: the older connection is
        # closed with 4001 (replaced), and no second session is made.
        with client.websocket_connect(f"/ws?resume={token}") as ws2:
            other = Wire(ws2)
            assert other.hello["resumed"] is True and other.hello["step"] == 30
            with pytest.raises(ConnectionError, match="closed: 4001"):
                while True:
                    wire.next()
            assert len(client.get("/api/stats").json()["sessions"]) == 1
            still_works(other, 30)


def test_unknown_resume_token_gives_a_new_session(client):
    with client.websocket_connect("/ws?resume=nope") as ws:
        wire = Wire(ws)
        assert wire.hello["resumed"] is False and wire.hello["step"] == 0
        assert "no session with that token" in wire.hello["resume_error"]


def test_an_expired_session_is_freed():
    app = create_app(Settings(open_browser=False, resume_seconds=0.2, save=False))
    with TestClient(app) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            step(wire, 5)
            token = wire.hello["resume_token"]
            assert len(client.get("/api/stats").json()["sessions"]) == 1
        deadline = time.monotonic() + 10
        while client.get("/api/stats").json()["sessions"]:  # the reaper runs every second
            assert time.monotonic() < deadline, "the session was never freed"
            time.sleep(0.1)
        with client.websocket_connect(f"/ws?resume={token}") as ws:
            wire = Wire(ws)
            assert wire.hello["resumed"] is False and wire.hello["step"] == 0
            assert "expired" in wire.hello["resume_error"]


# -- determinism through the socket ---------------------------------------------------------
BASE = {"dataset": "moons", "noise": 0.2, "hidden_layers": [5, 3], "seed": 3, "batch_size": 16,
        "learning_rate": 0.05}
RUNS = {
    "sgd-momentum": (BASE, {"learning_rate": 0.1, "momentum": 0.9}),
    "adam-dropout": ({**BASE, "optimizer": "adam", "dropout": 0.2},
                     {"learning_rate": 0.01, "beta1": 0.8}),
    "batch-norm": ({**BASE, "batch_norm": True, "activation": "relu"}, {"l2": 0.01}),
}


@pytest.mark.parametrize("run", list(RUNS))
def test_socket_training_is_bit_identical_to_the_engine(wire, run):
    config, live = RUNS[run]
    applied(wire, {"type": "set", "config": config})
    step(wire, 37)
    applied(wire, {"type": "set", "config": live})
    reply, _ = applied(wire, {"type": "step", "epoch": True})
    wire.expect("stepped", id=reply["id"])
    applied(wire, {"type": "set", "config": {"batch_size": 7}})
    step(wire, 23)
    state = wire.exported()["trainer"]

    tr = Trainer(Config(**config))
    tr.step(37)
    tr.set(**live)
    tr.step_epoch()
    tr.set(batch_size=7)
    tr.step(23)
    assert state["progress"]["step"] == tr.step_count
    assert (state["progress"]["epoch"], state["progress"]["position"]) == (tr.epoch,
                                                                          tr.position)
    assert np.array_equal(array_from_json(state["theta"]), tr.net.theta)
