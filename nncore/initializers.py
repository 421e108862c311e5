"""Weight initializers. Each fills W (n_in, n_out) and b (n_out,) in place from one Generator.

Layers are initialised in order, W before b, so the draws are reproducible from the seed.
"""

import math


class Zeros:
    """W = 0, b = 0: the perceptron's start. Hidden units stay identical (no symmetry breaking)."""

    name = "zeros"

    def fill(self, W, b, rng):
        W[...] = 0.0
        if b is not None:
            b[...] = 0.0


class Uniform:
    """W ~ U[0, 1), exactly the classic tutorial's np.random.rand; b = 0."""

    name = "uniform"

    def fill(self, W, b, rng):
        W[...] = rng.random(W.shape)
        if b is not None:
            b[...] = 0.0


class Normal:
    """W ~ N(0, 1), as np.random.randn; b = 0."""

    name = "normal"

    def fill(self, W, b, rng):
        W[...] = rng.standard_normal(W.shape)
        if b is not None:
            b[...] = 0.0


class Xavier:
    """Glorot uniform: W ~ U(−a, a) with a = √(6 / (n_in + n_out)); b = 0."""

    name = "xavier"

    def fill(self, W, b, rng):
        a = math.sqrt(6.0 / (W.shape[0] + W.shape[1]))
        W[...] = rng.uniform(-a, a, W.shape)
        if b is not None:
            b[...] = 0.0


class He:
    """He normal: W ~ N(0, 2 / n_in); b = 0."""

    name = "he"

    def fill(self, W, b, rng):
        W[...] = rng.standard_normal(W.shape) * math.sqrt(2.0 / W.shape[0])
        if b is not None:
            b[...] = 0.0


class Playground:
    """TensorFlow Playground's: W ~ U(−0.5, 0.5), b = 0.1."""

    name = "playground"

    def fill(self, W, b, rng):
        W[...] = rng.uniform(-0.5, 0.5, W.shape)
        if b is not None:
            b[...] = 0.1


INITIALIZERS = {cls.name: cls() for cls in (Uniform, Normal, Xavier, He, Playground, Zeros)}
