"""The teaching commands: the step-through's numbers and its exact step, and the code export."""

import subprocess
import sys

import numpy as np
import pytest

from nncore import Trainer, probes
from nncore.codec import array_from_json


def exported_trainer(wire):
    return Trainer.from_dict(wire.call({"type": "export"})["state"]["trainer"])


@pytest.mark.command("explain")
def test_explanation_numbers_are_the_engines_trace(wire):
    wire.call({"type": "preset", "name": "xor_two_hidden"})
    wire.call({"type": "step", "n": 40})
    wire.expect("stepped")
    e = wire.call({"type": "explain", "index": 2})
    assert e["type"] == "explanation" and e["index"] == 2
    t = exported_trainer(wire)
    x, Y = t.sample(2)
    traced = probes.trace(t.net, x, Y)
    assert e["loss"] == traced["loss"]
    assert e["y_hat"] == traced["y_hat"].tolist() and e["x"] == x.tolist()
    for mine, theirs, layer in zip(e["layers"], traced["layers"], t.net.layers):
        assert mine["z"] == theirs["z"].tolist()
        assert mine["a"] == theirs["a"].tolist()
        assert mine["delta"] == theirs["delta"].tolist()
        assert mine["dW"] == theirs["dW"].tolist()
        assert mine["W"] == layer.W.tolist()
        after = layer.W - e["learning_rate"] * theirs["dW"]
        assert mine["W_after"] == after.tolist()


@pytest.mark.command("explain_stage")
def test_a_stage_of_the_walk_is_said_only_of_an_explained_step(wire):
    refused = wire.call({"type": "explain_stage", "stage": 0})
    assert refused["code"] == "illegal_state" and "explain one first" in refused["message"]
    wire.call({"type": "preset", "name": "xor_two_hidden"})  # 2 layers: 8 stages
    assert wire.call({"type": "explain", "index": 0})["type"] == "explanation"
    assert wire.call({"type": "explain_stage", "stage": 7})["stages"] == 8
    for bad in (-1, 256, "2", 1.5, None):
        r = wire.call({"type": "explain_stage", "stage": bad})
        assert r["type"] == "error" and r["field"] == "stage", (bad, r)


@pytest.mark.command("explain_apply")
def test_applying_the_explained_step_sets_exactly_the_after_values(wire):
    wire.call({"type": "preset", "name": "xor_two_hidden"})
    e = wire.call({"type": "explain", "index": 1})
    reply = wire.call({"type": "explain_apply"})
    assert reply["type"] == "applied"
    frame = next((f for f in wire.frames if f["command_seq"] >= reply["seq"]), None)
    frame = frame or wire.expect("frame")
    assert frame["command_seq"] >= reply["seq"]
    np.testing.assert_array_equal(frame["arrays"]["W1"],
                                  np.array(e["layers"][0]["W_after"], np.float32))
    t = exported_trainer(wire)
    for mine, layer in zip(e["layers"], t.net.layers):
        assert layer.W.tolist() == mine["W_after"]
        assert layer.b.tolist() == mine["b_after"]


def test_the_applied_step_counts_as_a_step_of_the_run(wire):
    wire.call({"type": "step", "n": 12})
    wire.expect("stepped")
    wire.call({"type": "explain", "index": 3})
    reply = wire.call({"type": "explain_apply"})
    assert reply["type"] == "applied" and reply["step"] == 13
    assert wire.frame(step=13)["step"] == 13  # the counter the page shows moved on
    t = exported_trainer(wire)
    assert t.step_count == 13 and t.position == exported_position_after(12)


def exported_position_after(steps):
    """Where a fresh default run's epoch stands after `steps` mini-batches: a hand-applied
    step does not move it."""
    t = Trainer()
    t.step(steps)
    return t.position


def test_a_stale_explanation_is_refused(wire):
    wire.call({"type": "explain", "index": 0})
    wire.call({"type": "step", "n": 1})
    wire.expect("stepped")
    reply = wire.call({"type": "explain_apply"})
    assert reply["code"] == "illegal_state" and "explain again" in reply["message"]
    assert wire.call({"type": "explain_apply"})["code"] == "illegal_state"


def test_explain_pauses_a_running_session_and_checks_its_index(wire):
    wire.call({"type": "play"})
    e = wire.call({"type": "explain", "index": 3})
    assert e["type"] == "explanation"
    assert wire.frame(state="paused")["state"] == "paused"
    bad = wire.call({"type": "explain", "index": 100_000})
    assert bad["code"] == "invalid_value" and bad["field"] == "index"


def test_explain_refuses_batch_norm_with_a_reason(wire):
    wire.call({"type": "set", "config": {"batch_norm": True}})
    reply = wire.call({"type": "explain", "index": 0})
    assert reply["code"] == "invalid_value" and "batch norm" in reply["message"]


def run_script(code, tmp_path):
    path = tmp_path / "run.py"
    path.write_text(code)
    out = tmp_path / "weights.npz"
    done = subprocess.run([sys.executable, str(path), str(out)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "step     200" in done.stdout or "step" in done.stdout
    return np.load(out)


@pytest.mark.parametrize("config", [
    {},
    {"dataset": "spiral", "hidden_layers": [8, 8, 8], "activation": "relu", "optimizer": "adam",
     "learning_rate": 0.01, "features": ["x1", "x2", "sinx1"], "dropout": 0.1},
    {"dataset": "blobs", "n_classes": 3, "output_activation": "softmax",
     "loss": "cross_entropy", "optimizer": "rmsprop", "learning_rate": 0.01, "l2": 0.01},
], ids=["default", "spiral-adam-dropout", "blobs-rmsprop"])
@pytest.mark.command("export_code")
def test_exported_code_reproduces_the_session_after_200_steps(wire, tmp_path, config):
    if config:
        wire.call({"type": "set", "config": config})
    wire.call({"type": "step", "n": 120})
    wire.expect("stepped")
    wire.call({"type": "set", "config": {"learning_rate": 0.05, "batch_size": 16}})
    wire.call({"type": "step", "n": 80})
    wire.expect("stepped")
    reply = wire.call({"type": "export_code"})
    assert reply["type"] == "code" and reply["exact"] and reply["steps"] == 200
    assert "import numpy as np" in reply["code"] and "nncore" not in reply["code"]
    saved = run_script(reply["code"], tmp_path)
    t = exported_trainer(wire)
    assert t.step_count == 200
    worst = max(float(np.max(np.abs(saved[name] - p)))
                for name, p in zip(t.net.param_names, t.net.params))
    assert worst == 0.0  # bit for bit: the script runs the engine's own code


def test_exported_code_after_edits_and_an_explained_step(wire, tmp_path):
    wire.call({"type": "step", "n": 30})
    wire.expect("stepped")
    wire.call({"type": "set_weight", "layer": 2, "source": 1, "target": 0, "value": -0.75})
    wire.call({"type": "explain", "index": 5})
    wire.call({"type": "explain_apply"})
    wire.call({"type": "set", "config": {"optimizer": "adam", "learning_rate": 0.01}})
    wire.call({"type": "step", "n": 30})
    wire.expect("stepped")
    reply = wire.call({"type": "export_code"})
    saved = run_script(reply["code"], tmp_path)
    t = exported_trainer(wire)
    worst = max(float(np.max(np.abs(saved[name] - p)))
                for name, p in zip(t.net.param_names, t.net.params))
    assert worst == 0.0  # bit for bit: the script runs the engine's own code


def test_export_says_when_it_cannot_reproduce_the_run(wire):
    wire.call({"type": "step", "n": 10})
    wire.expect("stepped")
    wire.call({"type": "add_point", "x": [1.0, 1.0], "label": 1})
    reply = wire.call({"type": "export_code"})
    assert reply["exact"] is False and "points were added" in reply["note"]
    wire.call({"type": "reset"})
    assert wire.call({"type": "export_code"})["exact"] is True


def test_export_code_of_a_float32_run_is_refused_clearly(wire):
    wire.call({"type": "set", "config": {"dtype": "float32"}})
    reply = wire.call({"type": "export_code"})
    assert reply["code"] == "invalid_value" and "float64" in reply["message"]


def test_theta_helper_roundtrip(wire):
    state = wire.call({"type": "export"})["state"]["trainer"]
    assert array_from_json(state["theta"]).dtype == np.float64


def test_a_session_with_no_points_still_sends_frames(wire):
    reply = wire.call({"type": "clear_points"})
    frame = wire.frame(command_seq=reply["seq"])
    assert frame["epoch_progress"] == 0.0 and frame["metrics"] == {"penalty": 0.0}
