"""Input features computed from a 2-D point (x₁, x₂), as TensorFlow Playground offers them."""

import numpy as np


def _column(fn):
    return lambda X: fn(X[:, 0], X[:, 1])


# name -> (label for the page, function of the (N, 2) inputs returning (N,))
FEATURES = {
    "x1": ("x₁", _column(lambda x1, x2: x1)),
    "x2": ("x₂", _column(lambda x1, x2: x2)),
    "x1sq": ("x₁²", _column(lambda x1, x2: x1 * x1)),
    "x2sq": ("x₂²", _column(lambda x1, x2: x2 * x2)),
    "x1x2": ("x₁x₂", _column(lambda x1, x2: x1 * x2)),
    "sinx1": ("sin x₁", _column(lambda x1, x2: np.sin(x1))),
    "sinx2": ("sin x₂", _column(lambda x1, x2: np.sin(x2))),
}


def apply(features, X, dtype=np.float64):
    """(N, len(features)) feature matrix from 2-D inputs X (N, 2)."""
    out = np.empty((X.shape[0], len(features)), dtype)
    for j, name in enumerate(features):
        out[:, j] = FEATURES[name][1](X)
    return out
