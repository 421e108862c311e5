"""Losses L(ŷ, y) and their gradient with respect to the output pre-activation Z.

Each loss names the output activations it pairs with. Cross-entropy losses are computed from
the logits Z, never from ŷ, so that they stay finite where ŷ rounds to 0 or 1; their gradient
through the matching output activation collapses to (ŷ − y)/N.
"""

import numpy as np


class SSE:
    """L = Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)², summed over everything as in the classic tutorial.

    ∂L/∂ŷ = 2(ŷ − y),  dZ = ∂L/∂ŷ ⊙ φ'(Z).
    """

    name = "sse"
    outputs = ("linear", "sigmoid", "tanh")

    def value(self, Z, A, Y):
        D = A - Y
        return float(np.vdot(D, D))

    def value_and_dZ(self, Z, A, Y, output):
        D = A - Y  # (N, k)
        return float(np.vdot(D, D)), output.backward(2.0 * D, Z, A)


class MSE:
    """L = (1/(N·k)) Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)², the mean over samples and outputs (torch's MSELoss).

    ∂L/∂ŷ = 2(ŷ − y)/(N·k),  dZ = ∂L/∂ŷ ⊙ φ'(Z).
    """

    name = "mse"
    outputs = ("linear", "sigmoid", "tanh")

    def value(self, Z, A, Y):
        D = A - Y
        return float(np.vdot(D, D)) / D.size

    def value_and_dZ(self, Z, A, Y, output):
        D = A - Y  # (N, k)
        return float(np.vdot(D, D)) / D.size, output.backward(D * (2.0 / D.size), Z, A)


class BCE:
    """Binary cross-entropy from logits, mean over samples and outputs (BCEWithLogitsLoss).

    L = mean( log(1 + e^z) − y·z ),  which equals −[y log ŷ + (1 − y) log(1 − ŷ)] for ŷ = σ(z).
    dZ = (ŷ − y)/(N·k).
    """

    name = "bce"
    outputs = ("sigmoid",)

    def value(self, Z, A, Y):
        return float((np.logaddexp(0.0, Z) - Y * Z).sum()) / Z.size

    def value_and_dZ(self, Z, A, Y, output):
        return self.value(Z, A, Y), (A - Y) * (1.0 / Z.size)


class CrossEntropy:
    """Categorical cross-entropy of a softmax output, mean over samples; Y is one-hot.

    L = (1/N) Σᵢ ( logΣⱼ e^zᵢⱼ − Σⱼ yᵢⱼ zᵢⱼ ),  dZ = (ŷ − y)/N.
    """

    name = "cross_entropy"
    outputs = ("softmax",)

    def value(self, Z, A, Y):
        m = Z.max(axis=1, keepdims=True)  # (N, 1)
        lse = np.log(np.exp(Z - m).sum(axis=1)) + m[:, 0]  # (N,)
        return float((lse - (Y * Z).sum(axis=1)).sum()) / Z.shape[0]

    def value_and_dZ(self, Z, A, Y, output):
        return self.value(Z, A, Y), (A - Y) * (1.0 / Z.shape[0])


class PerceptronCriterion:
    """The perceptron criterion, summed over the batch, for a step output and 0/1 targets.

    L = Σᵢ max(0, −tᵢ·zᵢ) with tᵢ = 2yᵢ − 1,  dZ = ŷ − y  (−t on a mistake, 0 otherwise).
    Gradient descent on it with learning rate η is Rosenblatt's rule w ← w + η(y − ŷ)x.
    """

    name = "perceptron"
    outputs = ("step",)

    def value(self, Z, A, Y):
        return float(np.maximum(0.0, (1.0 - 2.0 * Y) * Z).sum())

    def value_and_dZ(self, Z, A, Y, output):
        return self.value(Z, A, Y), A - Y


LOSSES = {cls.name: cls() for cls in (SSE, MSE, BCE, CrossEntropy, PerceptronCriterion)}


def allowed_pairings():
    """Every allowed (output activation, loss) pair, in a readable string."""
    return "; ".join(f"{name} with output {' or '.join(loss.outputs)}"
                     for name, loss in LOSSES.items())
