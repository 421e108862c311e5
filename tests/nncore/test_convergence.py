"""Seeded convergence thresholds: the engine learns what it should, and fails what it should."""

import pytest

from nncore import Trainer, probes

PLAYGROUND = dict(hidden_layers=(4, 2), activation="tanh", learning_rate=0.03, batch_size=10)


@pytest.mark.parametrize("dataset", ["circle", "xor", "gaussian"])
def test_2_4_2_1_tanh_learns_the_playground_sets(dataset):
    tr = Trainer(dataset=dataset, **PLAYGROUND)
    tr.step(5000)
    assert probes.metrics(tr)["test_accuracy"] >= 0.95


def test_deeper_net_learns_the_spiral():
    tr = Trainer(dataset="spiral", n_samples=1000, hidden_layers=(16, 16, 16), activation="relu",
                 optimizer="adam", learning_rate=0.005)
    tr.step(10_000)
    assert probes.metrics(tr)["test_accuracy"] >= 0.90


def test_2_4_2_1_cannot_learn_the_spiral():
    """The contrast that makes the spiral a lesson: the small net stays near chance."""
    tr = Trainer(dataset="spiral", **PLAYGROUND)
    tr.step(5000)
    assert probes.metrics(tr)["test_accuracy"] < 0.75


def test_softmax_learns_four_blobs():
    tr = Trainer(dataset="blobs", n_classes=4, output_activation="softmax",
                 loss="cross_entropy", **PLAYGROUND)
    tr.step(5000)
    assert tr.net.sizes[-1] == 4
    assert probes.metrics(tr)["test_accuracy"] >= 0.95


def test_digits_64_32_10():
    pytest.importorskip("sklearn")
    tr = Trainer(dataset="digits", hidden_layers=(32,), activation="relu",
                 output_activation="softmax", loss="cross_entropy", learning_rate=0.1,
                 batch_size=32, train_ratio=0.7)
    assert tr.net.sizes == [64, 32, 10]
    tr.step(3000)
    assert probes.metrics(tr)["test_accuracy"] >= 0.95


def test_regression_on_the_plane():
    tr = Trainer(dataset="plane", output_activation="linear", loss="mse", **PLAYGROUND)
    tr.step(3000)
    m = probes.metrics(tr)
    assert m["test_r2"] > 0.99 and m["test_rmse"] < 0.05


PERCEPTRON = dict(hidden_layers=(), output_activation="step", loss="perceptron", init="zeros",
                  batch_size=1, learning_rate=1.0)


def test_perceptron_solves_separable_gaussians():
    tr = Trainer(dataset="gaussian", **PERCEPTRON)
    tr.step(2000)
    m = probes.metrics(tr)
    assert m["train_accuracy"] == 1.0 and m["test_accuracy"] >= 0.99


def test_perceptron_fails_on_xor():
    tr = Trainer(dataset="xor", **PERCEPTRON)
    for _ in range(10):  # it never settles: check after each of many epochs
        tr.step(1000)
        assert probes.metrics(tr)["train_accuracy"] <= 0.75
