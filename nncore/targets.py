"""How labels become the output layer's targets, and how outputs become predictions.

    classification, 2 classes, one output:  y ∈ {0, 1}; with a tanh output y ∈ {−1, +1}
    classification with softmax or k > 2:   one-hot rows (off value −1 for tanh)
    regression:                             the target itself, one output
"""

import numpy as np

from .losses import LOSSES
from .model import check_pairing
from .validation import ArgumentError

# The pair of output activation and loss a kind of task starts with: what a dataset of that
# kind moves the network to when its current pair cannot learn it.
DEFAULT_PAIRS = {"binary": ("sigmoid", "bce"), "multiclass": ("softmax", "cross_entropy"),
                 "regression": ("linear", "mse")}


def n_outputs(task, n_classes, output_activation):
    if task == "regression":
        return 1
    return n_classes if (output_activation == "softmax" or n_classes > 2) else 1


def _off_value(output_activation):
    return -1.0 if output_activation == "tanh" else 0.0


def threshold(output_activation):
    """The output value that separates class 0 from class 1 for a single output."""
    return 0.0 if output_activation == "tanh" else 0.5


def encode(y, task, n_classes, output_activation, dtype=np.float64):
    """Targets Y (N, n_out) for labels y (N,)."""
    if task == "regression":
        return y.astype(dtype).reshape(-1, 1)
    n_out = n_outputs(task, n_classes, output_activation)
    off = _off_value(output_activation)
    if n_out == 1:
        return np.where(y == 1, 1.0, off).astype(dtype).reshape(-1, 1)
    Y = np.full((len(y), n_out), off, dtype)
    Y[np.arange(len(y)), y] = 1.0
    return Y


def predict(A, output_activation):
    """Class indices (N,) from outputs A (N, n_out)."""
    if A.shape[1] > 1:
        return A.argmax(axis=1)
    return (A[:, 0] >= threshold(output_activation)).astype(np.int64)


def check_task(task, n_classes, output_activation, loss):
    """Raise ValueError if the output/loss cannot learn this kind of data."""
    if task == "regression":
        if loss not in ("mse", "sse"):
            raise ArgumentError("loss", loss, "mse or sse for regression data",
                                f"loss={loss!r} cannot fit a regression dataset; use loss "
                                "'mse' or 'sse' with output 'linear' (or 'tanh')")
        if output_activation not in ("linear", "tanh", "sigmoid"):
            raise ArgumentError("output_activation", output_activation,
                                "linear, tanh or sigmoid for regression data",
                                f"output_activation={output_activation!r} cannot fit a "
                                "regression dataset; use 'linear' (or 'tanh')")
    elif output_activation == "step" and n_classes != 2:
        raise ArgumentError("output_activation", output_activation, "2 classes for a step output",
                            f"output_activation='step' (the perceptron) separates 2 classes; "
                            f"this dataset has {n_classes}")


def kind(task, n_classes):
    """"binary", "multiclass" or "regression": what decides which outputs and losses fit."""
    if task == "regression":
        return "regression"
    return "binary" if n_classes <= 2 else "multiclass"


def pairs(task, n_classes):
    """Every (output activation, loss) that can learn this task, the default first."""
    found = []
    for loss in LOSSES.values():
        for output in loss.outputs:
            try:
                check_pairing(output, loss.name, n_outputs(task, n_classes, output))
                check_task(task, n_classes, output, loss.name)
            except ArgumentError:
                continue
            found.append((output, loss.name))
    default = DEFAULT_PAIRS[kind(task, n_classes)]
    return sorted(found, key=lambda pair: pair != default)


def fit_pair(task, n_classes, output_activation, loss):
    """The pair itself when it can learn the task, else the task's default pair."""
    if (output_activation, loss) in pairs(task, n_classes):
        return output_activation, loss
    return DEFAULT_PAIRS[kind(task, n_classes)]
