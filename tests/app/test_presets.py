"""Every preset loads through the socket and shows the behaviour its text promises."""

import importlib.util

import numpy as np
import pytest

from app.presets import PRESETS


def load(wire, name, **changes):
    reply = wire.call({"type": "preset", "name": name})
    assert reply["type"] == "applied" and reply["preset"] == name
    if changes:
        assert wire.call({"type": "set", "config": changes})["type"] == "applied"


def train(wire, n):
    """n steps; the first frame that shows them."""
    wire.call({"type": "step", "n": n})
    done = wire.expect("stepped", timeout=120)
    return wire.expect("frame", step=done["step"])


def test_every_preset_is_tested_here():
    tested = {"playground", "classic_tutorial", "xor_two_hidden", "perceptron_separable",
              "perceptron_xor", "vanishing_gradients", "dead_relus", "mse_vs_cross_entropy",
              "spiral_depth", "digits", "mnist", "fashion_mnist", "sweep_exercise",
              "sweep_exercise_mnist"}
    assert set(PRESETS) == tested


def test_playground_default(wire):
    load(wire, "playground")
    f = train(wire, 5000)
    assert f["arrays"]["W1"].shape == (2, 4) and f["arrays"]["W2"].shape == (4, 2)
    assert f["metrics"]["test_accuracy"] >= 0.95


def test_classic_tutorial_predictions_read_0_1_1_0(wire):
    load(wire, "classic_tutorial")
    f = train(wire, 1500)
    predictions = f["arrays"]["predictions"][:, 0]
    assert np.round(predictions).tolist() == [0, 1, 1, 0]
    assert f["arrays"]["W1"].shape == (3, 4) and "b1" not in f["arrays"]


def test_xor_two_hidden_solves_with_seed_0_and_sticks_with_seed_2(wire):
    load(wire, "xor_two_hidden")
    f = train(wire, 20_000)
    assert np.round(f["arrays"]["predictions"][:, 0]).tolist() == [0, 1, 1, 0]
    load(wire, "xor_two_hidden", seed=2)
    f = train(wire, 20_000)
    assert np.sum(np.abs(f["arrays"]["predictions"][:, 0] - 0.5) < 0.05) == 2


def test_perceptron_solves_separable_data(wire):
    load(wire, "perceptron_separable")
    f = train(wire, 2000)
    assert f["metrics"]["train_accuracy"] == 1.0


def test_perceptron_fails_on_xor(wire):
    load(wire, "perceptron_xor")
    for _ in range(5):
        f = train(wire, 1000)
        assert f["metrics"]["train_accuracy"] <= 0.75


def test_vanishing_gradients_first_layer_below_one_percent_of_last(wire):
    load(wire, "vanishing_gradients")
    g = train(wire, 200)["arrays"]["grad_norms"]
    assert g[0] < 0.01 * g[-1]
    load(wire, "vanishing_gradients", activation="relu")  # the text's suggestion
    g = train(wire, 200)["arrays"]["grad_norms"]
    assert g[0] > 0.05 * g[-1]


def test_dead_relus_from_a_learning_rate_too_high(wire):
    load(wire, "dead_relus")
    assert train(wire, 1000)["arrays"]["dead"].max() >= 0.5
    load(wire, "dead_relus", learning_rate=0.01)
    assert train(wire, 1000)["arrays"]["dead"].max() <= 0.25


def test_cross_entropy_learns_faster_than_squared_error_side_by_side(wire):
    load(wire, "mse_vs_cross_entropy")
    f = train(wire, 500)
    compare = f["compare"]
    assert compare["base"] == "loss bce" and compare["label"] == "loss mse"
    assert f["metrics"]["test_accuracy"] - compare["metrics"]["test_accuracy"] >= 0.1
    # and the chart history holds both runs
    history = wire.call({"type": "export"})["state"]["history"]
    assert any("cmp_test_loss" in p for p in history)


def test_spiral_is_learned_with_depth_and_features(wire):
    load(wire, "spiral_depth")
    assert train(wire, 10_000)["metrics"]["test_accuracy"] >= 0.9


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                    reason="the digits preset needs scikit-learn (nnplay[datasets])")
def test_digits_relu_softmax_with_confusion_matrix(wire):
    load(wire, "digits")
    f = train(wire, 3000)
    assert f["metrics"]["test_accuracy"] >= 0.95
    C = f["arrays"]["confusion"]
    assert C.shape == (10, 10) and np.trace(C) >= 0.95 * C.sum()
    assert f["arrays"]["W1"].shape == (64, 32)  # drawn by the page as 32 images of 8×8


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_mnist_presets_train_the_tutorials_784_128_64_10(wire, name):
    """On the tiny IDX files of the tests' data folder (50 training and 20 test images): the
    network, the split and the pace. Whether it passes 95% on MNIST is
    tests/nncore/test_mnist.py's question."""
    wire.send({"type": "preset", "name": name})
    network = wire.expect("network")
    while network["config"]["dataset"] != name:  # the session's first network came before
        network = wire.expect("network")
    assert network["sizes"] == [784, 128, 64, 10] and network["image_shape"] == [28, 28]
    assert (network["activation"], network["output_activation"], network["loss"]) == (
        "relu", "softmax", "cross_entropy")
    assert network["config"]["optimizer"] == "adam" and network["config"]["dataset"] == name
    f = train(wire, 20)
    data = wire.call({"type": "export"})["state"]["trainer"]["data"]
    assert data["source"]["dataset"] == name and data["source"]["train"] == 50
    assert f["arrays"]["W1"].shape == (784, 128) and f["arrays"]["confusion"].sum() == 20
    assert np.isfinite(f["metrics"]["train_loss"])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_served_with_their_explanation(client, name):
    presets = {p["name"]: p for p in client.get("/api/presets").json()["presets"]}
    assert presets[name]["title"] and len(presets[name]["text"]) > 40


@pytest.mark.parametrize("name", ["sweep_exercise", "sweep_exercise_mnist"])
def test_the_exercise_presets_sweep_layers_neurons_learning_rate_and_activation(client, name):
    """Their sweeps are ones the server starts (app/sweeps.py checks them whole first), and
    between them they vary what the A–Z tutorial's exercise asks for."""
    from app.limits import LIMITS

    preset = PRESETS[name]
    varied = set()
    for sweep in preset["sweeps"]:
        varied |= set(sweep["vary"])
        assert 1 <= sweep["epochs"] <= LIMITS["max_sweep_epochs"]
        r = client.post("/api/sweeps", json={"token": f"preset-{name}", "config":
                                              preset["config"], "vary": sweep["vary"],
                                              "epochs": sweep["epochs"]})
        assert r.status_code == 200, r.text
        client.post("/api/sweeps/cancel", json={"id": r.json()["id"]})
    assert varied == {"hidden_layers", "learning_rate", "activation"}
    listed = {p["name"]: p for p in client.get("/api/presets").json()["presets"]}
    assert listed[name]["sweeps"] == preset["sweeps"]
