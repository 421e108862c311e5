"""Optimizers with torch.optim's update formulas and defaults.

`step(params, grads)` updates each array of `params` in place. State (momentum buffers,
moment estimates, the step count t) is kept per position in the list, so a change of
learning rate or any other hyperparameter mid-run (`opt.set(learning_rate=0.1)`) keeps it.
Pass the same list layout every step.
"""

import math

import numpy as np

from . import validation as check
from .spec import Setting

# Every optimizer hyperparameter, declared once: the optimizers check with these, and so does
# the Trainer's Config.
HYPERPARAMETERS = {
    "learning_rate": Setting.number(0.0, lo_open=True),
    "momentum": Setting.number(0.0, 0.999),
    "nesterov": Setting.boolean(),
    "beta1": Setting.number(0.0, 0.9999),
    "beta2": Setting.number(0.0, 0.99999),
    "alpha": Setting.number(0.0, 0.9999),
    "eps": Setting.number(0.0, 1.0, lo_open=True),
    "centered": Setting.boolean(),
}


def check_nesterov(momentum, nesterov):
    """Nesterov momentum needs momentum: the one rule that joins two hyperparameters."""
    if nesterov and momentum == 0.0:
        raise check.ArgumentError("nesterov", True, "nesterov only with momentum > 0",
                                  "nesterov=True needs momentum > 0; got momentum=0.0")


# -- the update rules, each applied in place to one parameter array p with its gradient g ------
def sgd_update(p, g, b, t, learning_rate, momentum, nesterov):
    """b ← μ·b + g;  θ ← θ − η·(g + μ·b with Nesterov, else b);  plain θ ← θ − η·g if μ = 0."""
    if momentum:
        b *= momentum
        b += g
        g = g + momentum * b if nesterov else b
    p -= learning_rate * g


def adam_update(p, g, m, v, t, learning_rate, beta1, beta2, eps):
    """m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η/(1 − β₁ᵗ)·m/(√v/√(1 − β₂ᵗ) + ε)."""
    m *= beta1
    m += (1.0 - beta1) * g
    v *= beta2
    v += (1.0 - beta2) * (g * g)
    step_size = learning_rate / (1.0 - beta1 ** t)
    denom = np.sqrt(v) * (1.0 / math.sqrt(1.0 - beta2 ** t))
    denom += eps
    p -= step_size * (m / denom)


def rmsprop_update(p, g, v, gbar, b, t, learning_rate, alpha, eps, momentum, centered):
    """v ← αv + (1 − α)g²;  s = √v (or √(v − ḡ²) centered);  θ ← θ − η·g/(s + ε), or through
    the momentum buffer b ← μb + g/(s + ε), θ ← θ − η·b."""
    v *= alpha
    v += (1.0 - alpha) * (g * g)
    if centered:
        gbar *= alpha
        gbar += (1.0 - alpha) * g
        s = np.sqrt(v - gbar * gbar)
    else:
        s = np.sqrt(v)
    s += eps
    if momentum:
        b *= momentum
        b += g / s
        p -= learning_rate * b
    else:
        p -= learning_rate * (g / s)


class Optimizer:
    name = ""
    buffers = ()  # names of the per-parameter state arrays, zero at the start
    defaults = {}  # hyperparameter -> default, besides the learning rate

    def __init__(self, learning_rate, **hyperparameters):
        self.t = 0
        self.state = {}  # buffer name -> list of arrays, one per parameter
        self.set(learning_rate=learning_rate, **{**self.defaults, **hyperparameters})

    def set(self, **changes):
        """Change hyperparameters in place; the state (buffers, t) is kept."""
        merged = {**self.hyperparameters(), "learning_rate": getattr(self, "learning_rate", 1.0),
                  **changes}
        for name in changes:
            if name != "learning_rate" and name not in self.defaults:
                raise ValueError(f"{name!r} is not a hyperparameter of {self.name}; allowed: "
                                 f"learning_rate, {', '.join(self.defaults)}")
        checked = self._check(**merged)
        for name, value in checked.items():
            setattr(self, name, value)
        # The update rule's arguments after t, in its signature's order: learning_rate, then
        # the hyperparameters as `defaults` lists them. Built here, not at every step.
        self._args = (self.learning_rate, *(getattr(self, name) for name in self.defaults))

    def _check(self, **values):
        checked = {name: HYPERPARAMETERS[name].check(name, value) for name, value in values.items()}
        if "nesterov" in checked:
            check_nesterov(checked["momentum"], checked["nesterov"])
        return checked

    def hyperparameters(self):
        return {name: getattr(self, name, default) for name, default in self.defaults.items()}

    def step(self, params, grads):
        """Update each array of params in place from the matching array of grads.

        A network's params and its grads (MLP.params, loss_and_grads) are views covering one
        flat vector each; then the flat vectors are updated in one call, which is the same
        arithmetic, element by element, and is what a Trainer does. The state follows the
        layout of the first call: later calls must pass the same layout.
        """
        if len(params) != len(grads):
            raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}; "
                             "they must align")
        flat_p, flat_g = getattr(params, "flat", None), getattr(grads, "flat", None)
        if flat_p is not None and flat_g is not None and flat_p.shape == flat_g.shape:
            params, grads = (flat_p,), (flat_g,)
        if self.state and len(self.state[self.buffers[0]]) != len(params):
            raise ValueError(f"this optimizer's state was made for "
                             f"{len(self.state[self.buffers[0]])} arrays; got {len(params)} "
                             "(pass the same parameter list at every step)")
        if not self.state:
            self.state = {name: [np.zeros_like(p) for p in params] for name in self.buffers}
        self.t += 1
        update, t, args = self.update, self.t, self._args
        for p, g, *buffers in zip(params, grads, *(self.state[name] for name in self.buffers)):
            update(p, g, *buffers, t, *args)

    def state_dict(self):
        """Everything needed to continue bit-identically; arrays are returned as they are."""
        return {"name": self.name, "learning_rate": self.learning_rate, "t": self.t,
                "hyperparameters": self.hyperparameters(), "state": self.state}

    def load_state_dict(self, sd, params=None):
        """Continue from `state_dict()`'s output. Hyperparameters in it are applied when present
        (a Trainer keeps them in its config instead). The state holds every buffer of this
        optimizer or none (before the first step); with `params`, each buffer has their shapes
        and dtypes. Values must be finite, and running averages of g² >= 0 (their square root
        is taken). Checked whole before anything changes; ValueError names the part."""
        t = check.integer("optimizer.t", sd["t"], 0, 2**53)
        if not isinstance(sd["state"], dict):
            raise check.ArgumentError("optimizer.state", type(sd["state"]).__name__,
                                      "an object of buffers", "optimizer.state must be an "
                                      "object of buffers")
        state = {name: [np.array(a) for a in arrays] for name, arrays in sd["state"].items()}
        allowed = (f"none or all of {', '.join(self.buffers)}, each shaped like the parameters"
                   + ("" if params is None else " with their dtype"))
        if state and set(state) != set(self.buffers):
            name = next(iter(set(state) ^ set(self.buffers)))
            raise check.ArgumentError(f"optimizer.{name}", None, allowed,
                                      f"optimizer.{name} does not fit {self.name}'s state "
                                      f"({allowed})")
        second_moments = ("exp_avg_sq", "square_avg")  # averages of g², under a square root
        for name, arrays in state.items():
            fits = params is None or (len(arrays) == len(params) and all(
                a.shape == p.shape and a.dtype == p.dtype for a, p in zip(arrays, params)))
            if not fits or not all(a.dtype.kind == "f" for a in arrays):
                raise check.ArgumentError(f"optimizer.{name}", None, allowed,
                                          f"optimizer.{name} does not fit {self.name}'s state "
                                          f"({allowed})")
            if not all(np.isfinite(a).all() for a in arrays):
                raise check.ArgumentError(f"optimizer.{name}", "non-finite", "finite numbers",
                                          f"optimizer.{name} holds a non-finite value")
            if name in second_moments and any((a < 0).any() for a in arrays):
                raise check.ArgumentError(f"optimizer.{name}", "negative", "values >= 0",
                                          f"optimizer.{name} holds a negative value; it is an "
                                          "average of squared gradients, never negative")
        if "hyperparameters" in sd:
            self.set(learning_rate=sd["learning_rate"], **sd["hyperparameters"])
        self.t, self.state = t, state


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum μ.

        b ← μ·b + g   (b starts at 0, so b = g on the first step, as in torch)
        g ← g + μ·b   with nesterov, else g ← b
        θ ← θ − η·g
    """

    name = "sgd"
    buffers = ("momentum_buffer",)
    defaults = {"momentum": 0.0, "nesterov": False}

    def __init__(self, learning_rate=1e-3, momentum=0.0, nesterov=False):
        super().__init__(learning_rate, momentum=momentum, nesterov=nesterov)

    update = staticmethod(sgd_update)


class Adam(Optimizer):
    """Adam (Kingma & Ba), bias-corrected.

        m ← β₁·m + (1 − β₁)·g
        v ← β₂·v + (1 − β₂)·g²
        θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
    """

    name = "adam"
    buffers = ("exp_avg", "exp_avg_sq")

    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate, beta1=beta1, beta2=beta2, eps=eps)

    update = staticmethod(adam_update)


class RMSProp(Optimizer):
    """RMSProp (Hinton), as torch.optim.RMSprop.

        v ← α·v + (1 − α)·g²
        s = √(v − ḡ²) with centered (ḡ ← α·ḡ + (1 − α)·g), else s = √v
        b ← μ·b + g/(s + ε);  θ ← θ − η·b      (with momentum μ > 0)
        θ ← θ − η·g/(s + ε)                     (without)
    """

    name = "rmsprop"
    buffers = ("square_avg", "grad_avg", "momentum_buffer")
    defaults = {"alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False}

    def __init__(self, learning_rate=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, centered=False):
        super().__init__(learning_rate, alpha=alpha, eps=eps, momentum=momentum,
                         centered=centered)

    update = staticmethod(rmsprop_update)


OPTIMIZERS = {cls.name: cls for cls in (SGD, Adam, RMSProp)}
