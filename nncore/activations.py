"""Activation functions A = φ(Z), each with its derivative directly below it.

`backward(dA, Z, A)` returns dZ = dA ⊙ φ'(Z). It receives both Z and A so that each
derivative can be written in whichever is cheaper (tanh' = 1 − A², relu' = [Z > 0]).
`derivative(Z, A)` returns φ'(Z) itself, for the trace and the activation plots.
`inplace(Z)` overwrites Z with φ(Z): probes run thousands of points through the network every
frame, and reusing their buffers halves that cost (no large allocation, no page faults).

Each class also carries its facts, which the probes, the API, the page and the exported script
read from here and nowhere else: `symbol` (φ's name in an equation), `formula` and
`derivative_formula` (text), `range` ((lo, hi) of φ, or None when unbounded), `max_derivative`
(the largest φ'), `note` (what a learner should know), where it may be used (`hidden`,
`output`), whether it acts on each z alone (`elementwise`; softmax acts on a row) and
`expression`, φ in nncore.expr's language (None for softmax), which the page evaluates.
"""

import numpy as np

LEAKY_SLOPE = 0.01


class Linear:
    """φ(z) = z."""

    name = "linear"
    symbol = "z"
    formula = "φ(z) = z"
    derivative_formula = "φ′(z) = 1"
    range = None
    max_derivative = 1.0
    note = "No bend: stacked linear layers are still one linear map, so depth adds nothing."
    hidden = True
    output = True
    elementwise = True
    expression = "z"

    def forward(self, Z):
        return Z

    def inplace(self, Z):
        return Z

    def backward(self, dA, Z, A):
        return dA

    def derivative(self, Z, A):
        return np.ones_like(Z)


class Sigmoid:
    """φ(z) = 1 / (1 + e^−z), written as ½·tanh(z/2) + ½, which never overflows."""

    name = "sigmoid"
    symbol = "σ"
    formula = "φ(z) = 1 / (1 + e^−z)"
    derivative_formula = "φ′(z) = φ(z)·(1 − φ(z))"
    range = (0.0, 1.0)
    max_derivative = 0.25
    note = ("Smooth, from 0 to 1. Its slope is at most 0.25 and near 0 once |z| > 4: "
            "gradients shrink layer after layer (vanishing gradients).")
    hidden = True
    output = True
    elementwise = True
    expression = "0.5 * tanh(0.5 * z) + 0.5"

    def forward(self, Z):
        return 0.5 * np.tanh(0.5 * Z) + 0.5

    def inplace(self, Z):
        Z *= 0.5
        np.tanh(Z, out=Z)
        Z *= 0.5
        Z += 0.5
        return Z

    def backward(self, dA, Z, A):
        return dA * A * (1.0 - A)  # φ' = φ(1 − φ)

    def derivative(self, Z, A):
        return A * (1.0 - A)


class Tanh:
    """φ(z) = tanh z."""

    name = "tanh"
    symbol = "tanh"
    formula = "φ(z) = tanh z"
    derivative_formula = "φ′(z) = 1 − φ(z)²"
    range = (-1.0, 1.0)
    max_derivative = 1.0
    note = "Like sigmoid but centred on 0, slope up to 1; still saturates for large |z|."
    hidden = True
    output = True
    elementwise = True
    expression = "tanh(z)"

    def forward(self, Z):
        return np.tanh(Z)

    def inplace(self, Z):
        return np.tanh(Z, out=Z)

    def backward(self, dA, Z, A):
        return dA * (1.0 - A * A)  # φ' = 1 − φ²

    def derivative(self, Z, A):
        return 1.0 - A * A


class ReLU:
    """φ(z) = max(z, 0)."""

    name = "relu"
    symbol = "relu"
    formula = "φ(z) = max(z, 0)"
    derivative_formula = "φ′(z) = 1 if z > 0, else 0"
    range = None
    max_derivative = 1.0
    note = ("Slope 1 for z > 0, so gradients pass unchanged; 0 for z < 0, and a unit stuck "
            "there for every input is dead and never learns again.")
    hidden = True
    output = False
    elementwise = True
    expression = "max(z, 0)"

    def forward(self, Z):
        return np.maximum(Z, 0.0)

    def inplace(self, Z):
        return np.maximum(Z, 0.0, out=Z)

    def backward(self, dA, Z, A):
        return dA * (Z > 0)  # φ' = [z > 0]

    def derivative(self, Z, A):
        return (Z > 0).astype(Z.dtype)


class LeakyReLU:
    """φ(z) = z for z > 0, 0.01·z otherwise."""

    name = "leaky_relu"
    symbol = "leaky relu"
    formula = "φ(z) = z if z > 0, else 0.01·z"
    derivative_formula = "φ′(z) = 1 if z > 0, else 0.01"
    range = None
    max_derivative = 1.0
    note = "ReLU with a small slope (0.01) for z < 0, so no unit can die."
    hidden = True
    output = False
    elementwise = True
    expression = "max(z, 0.01 * z)"

    def forward(self, Z):
        return np.where(Z > 0, Z, LEAKY_SLOPE * Z)

    def inplace(self, Z):
        return np.maximum(Z, LEAKY_SLOPE * Z, out=Z)  # max(z, 0.01z) for a slope below 1

    def backward(self, dA, Z, A):
        return dA * np.where(Z > 0, 1.0, LEAKY_SLOPE)

    def derivative(self, Z, A):
        return np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(Z.dtype)


class Softmax:
    """φ(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ over each row, shifted by the row maximum for stability.

    Softmax is only offered as an output paired with cross-entropy, whose combined gradient
    is ŷ − y, so its Jacobian never has to be formed.
    """

    name = "softmax"
    symbol = "softmax"
    formula = "φ(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ"
    derivative_formula = "∂φᵢ/∂zᵢ = φᵢ·(1 − φᵢ); with cross-entropy, ∂L/∂z = ŷ − y"
    range = (0.0, 1.0)
    max_derivative = 0.25
    note = "Turns a layer's z into probabilities that sum to 1 (for the output only)."
    hidden = False
    output = True
    elementwise = False  # each output depends on the whole row
    expression = None  # of a whole row: e^zᵢ / Σⱼ e^zⱼ

    def forward(self, Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))  # (N, k)
        return E / E.sum(axis=1, keepdims=True)

    def inplace(self, Z):
        Z -= Z.max(axis=1, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)
        return Z

    def backward(self, dA, Z, A):
        # dZ = A ⊙ (dA − Σⱼ dAⱼ·Aⱼ), the Jacobian-vector product of softmax.
        return A * (dA - (dA * A).sum(axis=1, keepdims=True))

    def derivative(self, Z, A):
        return A * (1.0 - A)  # the diagonal of the Jacobian


class Step:
    """φ(z) = 1 if z ≥ 0 else 0, the perceptron's threshold unit.

    Its derivative is 0 almost everywhere, so it only serves as an output paired with the
    perceptron loss, whose gradient with respect to z is given directly.
    """

    name = "step"
    symbol = "step"
    formula = "φ(z) = 1 if z ≥ 0, else 0"
    derivative_formula = "φ′(z) = 0 (almost everywhere)"
    range = (0.0, 1.0)
    max_derivative = 0.0
    note = ("The perceptron's threshold: 1 if z ≥ 0 else 0. Its slope is 0, so it cannot be "
            "trained by backpropagation, only by the perceptron rule.")
    hidden = False
    output = True
    elementwise = True
    expression = "z >= 0"

    def forward(self, Z):
        return (Z >= 0).astype(Z.dtype)

    def inplace(self, Z):
        Z[...] = Z >= 0
        return Z

    def backward(self, dA, Z, A):
        return np.zeros_like(dA)

    def derivative(self, Z, A):
        return np.zeros_like(Z)


ACTIVATIONS = {
    cls.name: cls() for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, Step)
}
HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.output)


def facts(activation):
    """An activation's facts as plain data, for the API and the page."""
    return {"name": activation.name, "symbol": activation.symbol, "formula": activation.formula,
            "derivative_formula": activation.derivative_formula,
            "range": None if activation.range is None else list(activation.range),
            "max_derivative": activation.max_derivative, "note": activation.note,
            "hidden": activation.hidden, "output": activation.output,
            "elementwise": activation.elementwise, "expression": activation.expression}
