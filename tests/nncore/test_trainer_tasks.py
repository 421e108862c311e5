"""The dataset decides the task: output and loss follow it, and every valid pair is offered."""

import numpy as np
import pytest

from nncore import Trainer, targets
from nncore.model import check_pairing
from nncore.validation import ArgumentError


@pytest.mark.parametrize("start, dataset, extra, expected", [
    ({}, "plane", {}, ("linear", "mse")),  # a classifier meets regression data
    ({}, "blobs", {"n_classes": 4}, ("sigmoid", "bce")),  # still valid for 4 classes: kept
    ({"output_activation": "step", "loss": "perceptron", "hidden_layers": ()}, "spiral",
     {"n_classes": 3}, ("softmax", "cross_entropy")),  # the perceptron cannot do 3 classes
    ({"output_activation": "linear", "loss": "mse", "dataset": "plane"}, "circle", {},
     ("linear", "mse")),  # squared error can learn 2 classes: kept
], ids=["to-regression", "kept-for-k-classes", "perceptron-to-k-classes", "kept-mse"])
def test_a_dataset_moves_output_and_loss_to_a_pair_that_fits(start, dataset, extra, expected):
    tr = Trainer(**start)
    report = tr.set(dataset=dataset, **extra)
    assert (tr.config.output_activation, tr.config.loss) == expected
    moved = expected != (Trainer(**start).config.output_activation,
                         Trainer(**start).config.loss)
    assert bool(report.adjusted) == moved
    if moved:
        assert report.note and expected[0] in report.note and expected[1] in report.note
        assert report.changed["loss"] == expected[1]
    tr.step(5)


def test_an_explicit_pair_is_never_moved():
    tr = Trainer()
    with pytest.raises(ArgumentError, match="cannot fit a regression dataset"):
        tr.set(dataset="plane", loss="bce")


def test_a_regression_csv_moves_a_classifier_to_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    report = Trainer().replace_data(X, X.sum(axis=1) / 3.3)  # real-valued targets
    assert report.rebuilt and report.adjusted == {"output_activation": "linear", "loss": "mse"}


@pytest.mark.parametrize("task, k", [("classification", 2), ("classification", 5),
                                     ("regression", 0)])
def test_every_pair_offered_trains_and_no_other_does(task, k):
    offered = targets.pairs(task, k)
    assert offered[0] == targets.DEFAULT_PAIRS[targets.kind(task, k)]
    dataset = {("classification", 2): "xor", ("classification", 5): "blobs"}.get(
        (task, k), "plane")
    for output in ("linear", "sigmoid", "tanh", "softmax", "step"):
        for loss in ("sse", "mse", "bce", "cross_entropy", "perceptron"):
            try:
                tr = Trainer(dataset=dataset, n_classes=max(k, 2), n_samples=60,
                             output_activation=output, loss=loss,
                             hidden_layers=() if output == "step" else (3,))
                tr.step(3)
                works = True
            except ArgumentError:
                works = False
            assert works == ((output, loss) in offered), (output, loss)
    for output, loss in offered:
        check_pairing(output, loss, targets.n_outputs(task, k, output))
