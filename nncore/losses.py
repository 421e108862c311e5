"""Losses L(ŷ, y) and their gradient with respect to the output pre-activation Z.

Each loss names the output activations it pairs with. Cross-entropy losses are computed from
the logits Z, never from ŷ, so that they stay finite where ŷ rounds to 0 or 1; their gradient
through the matching output activation collapses to (ŷ − y)/N.

Each class also carries its facts, which the API and the page's step-through read from here:
`formula` (for one point with k outputs), `output_error` (the output δ of one point),
`scale` (the factor in δ as text, in k), `through_activation` (whether δ passes through
φ′ of the output, or the activation's derivative cancels) and a `note` for the learner.
"""

import numpy as np


class SSE:
    """L = Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)², summed over everything as in the classic tutorial.

    ∂L/∂ŷ = 2(ŷ − y),  dZ = ∂L/∂ŷ ⊙ φ'(Z).
    """

    name = "sse"
    outputs = ("linear", "sigmoid", "tanh")
    formula = "L = Σⱼ (ŷⱼ − yⱼ)²"
    output_error = "δⱼ = 2·(ŷⱼ − yⱼ)·φ′(zⱼ)"
    scale = "2"
    through_activation = True
    note = ("The classic tutorial's loss: δ passes through the output's slope φ′(z), so a "
            "saturated output learns slowly.")

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
    formula = "L = (1/k)·Σⱼ (ŷⱼ − yⱼ)²"
    output_error = "δⱼ = (2/k)·(ŷⱼ − yⱼ)·φ′(zⱼ)"
    scale = "2/k"
    through_activation = True
    note = ("The mean of the squared errors: δ passes through the output's slope φ′(z), so a "
            "confidently wrong sigmoid output learns slowly.")

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
    formula = "L = −(1/k)·Σⱼ [yⱼ·log ŷⱼ + (1 − yⱼ)·log(1 − ŷⱼ)]"
    output_error = "δⱼ = (1/k)·(ŷⱼ − yⱼ)"
    scale = "1/k"
    through_activation = False
    note = ("With a sigmoid output the slope cancels: δ is the error ŷ − y itself, largest when "
            "the output is confidently wrong.")

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
    formula = "L = −Σⱼ yⱼ·log ŷⱼ"
    output_error = "δⱼ = ŷⱼ − yⱼ"
    scale = "1"
    through_activation = False
    note = ("With a softmax output the Jacobian cancels: δ is the error ŷ − y, one entry per "
            "class.")

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
    formula = "L = max(0, −t·z), t = 2y − 1"
    output_error = "δ = ŷ − y"
    scale = "1"
    through_activation = False
    note = ("The perceptron criterion's gradient is ŷ − y: zero when the point is right, ±1 when "
            "it is wrong.")

    def value(self, Z, A, Y):
        return float(np.maximum(0.0, (1.0 - 2.0 * Y) * Z).sum())

    def value_and_dZ(self, Z, A, Y, output):
        return self.value(Z, A, Y), A - Y


LOSSES = {cls.name: cls() for cls in (SSE, MSE, BCE, CrossEntropy, PerceptronCriterion)}


def allowed_pairings():
    """Every allowed (output activation, loss) pair, in a readable string."""
    return "; ".join(f"{name} with output {' or '.join(loss.outputs)}"
                     for name, loss in LOSSES.items())


def facts(loss):
    """A loss's facts as plain data, for the API and the page."""
    return {"name": loss.name, "outputs": list(loss.outputs), "formula": loss.formula,
            "output_error": loss.output_error, "scale": loss.scale,
            "through_activation": loss.through_activation, "note": loss.note}
