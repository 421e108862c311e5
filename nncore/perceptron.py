"""Rosenblatt's perceptron: one threshold unit trained by the perceptron learning rule.

    ŷ = step(x·w + b),   on each sample:  w ← w + η(y − ŷ)·x,  b ← b + η(y − ŷ)

It is an MLP with no hidden layer, a step output and the perceptron criterion, so the
Trainer, the probes and the page treat it like any other network; SGD with batch size 1 on
that criterion is exactly the rule above. It converges on linearly separable data and never
on XOR.
"""

import numpy as np

from .model import MLP


class Perceptron(MLP):
    def __init__(self, n_in, bias=True, init="zeros", seed=0, dtype=np.float64):
        super().__init__([n_in, 1], output_activation="step", loss="perceptron", init=init,
                         bias=bias, seed=seed, dtype=dtype)

    def predict(self, X):
        """Class 0 or 1 for each row of X (N, n_in)."""
        return self.forward(X)[:, 0].astype(np.int64)

    def update(self, X, y, learning_rate=1.0):
        """One pass of the rule over the rows of X in order; returns the number of mistakes."""
        X = self._check_inputs(X)
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0] or not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must hold one 0/1 label per row of X ({X.shape[0]}); "
                             f"got {y[:8]!r}")
        layer = self.layers[0]
        mistakes = 0
        for x, target in zip(X, y):
            error = target - float(x @ layer.W[:, 0] + (layer.b[0] if layer.b is not None
                                                          else 0.0) >= 0)
            if error:
                mistakes += 1
                layer.W[:, 0] += learning_rate * error * x
                if layer.b is not None:
                    layer.b[0] += learning_rate * error
        return mistakes
