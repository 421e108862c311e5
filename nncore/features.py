"""Input features computed from a 2-D point (x₁, x₂), as TensorFlow Playground offers them."""

from typing import Callable, NamedTuple

import numpy as np


def feature_x1(x1, x2):
    return x1


def feature_x2(x1, x2):
    return x2


def feature_x1sq(x1, x2):
    return x1 * x1


def feature_x2sq(x1, x2):
    return x2 * x2


def feature_x1x2(x1, x2):
    return x1 * x2


def feature_sinx1(x1, x2):
    return np.sin(x1)


def feature_sinx2(x1, x2):
    return np.sin(x2)


class Feature(NamedTuple):
    label: str  # what the page shows
    function: Callable  # of the columns x₁, x₂, returning one column
    expression: str  # the same, in nncore.expr's language (for the page's own evaluator)


FEATURES = {
    "x1": Feature("x₁", feature_x1, "x1"),
    "x2": Feature("x₂", feature_x2, "x2"),
    "x1sq": Feature("x₁²", feature_x1sq, "x1 * x1"),
    "x2sq": Feature("x₂²", feature_x2sq, "x2 * x2"),
    "x1x2": Feature("x₁x₂", feature_x1x2, "x1 * x2"),
    "sinx1": Feature("sin x₁", feature_sinx1, "sin(x1)"),
    "sinx2": Feature("sin x₂", feature_sinx2, "sin(x2)"),
}


def apply(features, X, dtype=np.float64):
    """(N, len(features)) feature matrix from 2-D inputs X (N, 2)."""
    out = np.empty((X.shape[0], len(features)), dtype)
    for j, name in enumerate(features):
        out[:, j] = FEATURES[name][1](X[:, 0], X[:, 1])
    return out
