"""Input features computed from a 2-D point (x₁, x₂), as TensorFlow Playground offers them."""

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


# name -> (label for the page, function of the columns x₁, x₂ returning one column)
FEATURES = {
    "x1": ("x₁", feature_x1),
    "x2": ("x₂", feature_x2),
    "x1sq": ("x₁²", feature_x1sq),
    "x2sq": ("x₂²", feature_x2sq),
    "x1x2": ("x₁x₂", feature_x1x2),
    "sinx1": ("sin x₁", feature_sinx1),
    "sinx2": ("sin x₂", feature_sinx2),
}


def apply(features, X, dtype=np.float64):
    """(N, len(features)) feature matrix from 2-D inputs X (N, 2)."""
    out = np.empty((X.shape[0], len(features)), dtype)
    for j, name in enumerate(features):
        out[:, j] = FEATURES[name][1](X[:, 0], X[:, 1])
    return out
