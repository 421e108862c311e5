"""The multilayer perceptron: a stack of Dense layers, a loss, and backpropagation.

All parameters live in one flat vector `theta` and all gradients in one flat vector `grad`;
`params` and `grads` are lists of views into them, [W1, b1, W2, b2, ...]. An optimizer can
therefore update the whole network in a handful of NumPy calls, and a step costs the same
number of calls whatever the depth. The weights come first in `theta`, so the L1/L2 terms
(weights only, never biases) act on one contiguous slice.

Backpropagation, for L layers and a loss ℒ:

    δ[L] = ∂ℒ/∂Z[L]                       (ŷ − y)/N for sigmoid+BCE and softmax+CE
    δ[l] = (δ[l+1]·W[l+1]ᵀ) ⊙ φ'(Z[l])
    dW[l] = A[l−1]ᵀ·δ[l] + l2·W[l] + l1·sign(W[l]),   db[l] = Σₙ δ[l]
"""

import copy
import math

import numpy as np

from . import validation as check
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .initializers import INITIALIZERS
from .layers import Dense
from .losses import LOSSES, allowed_pairings
from .spec import Setting

DTYPES = {"float64": np.float64, "float32": np.float32}

# The options of a network, declared once: MLP checks its arguments with these, and so does
# the Trainer's Config.
SETTINGS = {
    "activation": Setting.choice(HIDDEN_ACTIVATIONS),
    "output_activation": Setting.choice(OUTPUT_ACTIVATIONS),
    "loss": Setting.choice(LOSSES),
    "init": Setting.choice(INITIALIZERS),
    "bias": Setting.boolean(),
    "l1": Setting.number(0.0, 10.0),
    "l2": Setting.number(0.0, 10.0),
    "dropout": Setting.number(0.0, 0.95),
    "batch_norm": Setting.boolean(),
    "seed": Setting.integer(0, 2**63 - 1),
    "dtype": Setting.choice(DTYPES),
}


def check_pairing(output_activation, loss, n_out):
    """Raise ValueError unless the output activation, loss and output size work together."""
    if output_activation not in LOSSES[loss].outputs:
        raise check.ArgumentError(
            "loss", loss, allowed_pairings(),
            f"loss={loss!r} cannot be used with output_activation={output_activation!r}; "
            f"allowed pairings: {allowed_pairings()}")
    if output_activation == "softmax" and n_out < 2:
        raise check.ArgumentError("output_activation", output_activation, "2 or more outputs",
                                  f"output_activation='softmax' needs at least 2 outputs; "
                                  f"got {n_out}")
    if output_activation == "step" and n_out != 1:
        raise check.ArgumentError("output_activation", output_activation, "exactly 1 output",
                                  f"output_activation='step' needs exactly 1 output; got {n_out}")


def per_layer(field, value, n_hidden, convert):
    """Broadcast a per-hidden-layer option given as one value or a sequence of n_hidden."""
    if isinstance(value, (list, tuple)):
        if len(value) != n_hidden:
            raise ValueError(f"{field} has {len(value)} entries; expected one per hidden layer "
                             f"({n_hidden})")
        return [convert(f"{field}[{i}]", v) for i, v in enumerate(value)]
    return [convert(field, value)] * n_hidden


class FlatViews(list):
    """A list of arrays that are, in order, views covering one flat vector, `flat`.

    `params`, `grads` and what `loss_and_grads` returns are such lists, so an optimizer given
    two of them updates the flat vector in one call per rule instead of one per array."""

    def __init__(self, arrays, flat):
        super().__init__(arrays)
        self.flat = flat


def dropout_mask(rng, N, layer, dtype):
    """Inverted dropout's mask M (N, n_out): 1/(1 − p) where a unit is kept, 0 where dropped."""
    keep = 1.0 - layer.dropout
    U = rng.random((N, layer.n_out), dtype=dtype)  # (N, n_out)
    return (U < keep) * dtype(1.0 / keep)


def forward(layers, X, train, rng=None, masks=None):
    """ŷ = A[L], every layer keeping what backward needs. In training, dropout masks come from
    `masks` (one array or None per layer) or are drawn from `rng`; otherwise batch norm uses
    its running statistics and nothing is dropped."""
    A = X
    for l, layer in enumerate(layers):
        mask = None
        if train and layer.dropout > 0.0:
            mask = masks[l] if masks is not None else dropout_mask(rng, A.shape[0], layer,
                                                                   X.dtype.type)
        A = layer.forward(A, mask, train)
    return A


def backward(layers, loss, A, Y, input_grad=False):
    """The loss of the batch; every layer's gradients from δ[L] = ∂ℒ/∂Z[L] back to the first.

    δ[l] = (δ[l+1]·W[l+1]ᵀ) ⊙ φ'(Z[l]), each layer's own backward; input_grad also gives ∂ℒ/∂X.
    """
    out = layers[-1]
    value, dZ = loss.value_and_dZ(out.Zt, A, Y, out.activation)  # dZ = δ[L]
    dA = out.backward_dZ(dZ, len(layers) > 1 or input_grad)
    for l in range(len(layers) - 2, -1, -1):
        dA = layers[l].backward(dA, l > 0 or input_grad)
    return value


def parameter_counts(layers):
    """(weights, the rest) for layers given as (n_in, n_out, has_bias, batch_norm): every W,
    then per layer its bias b, or batch norm's γ and β (which then replaces the bias)."""
    weights = sum(n_in * n_out for n_in, n_out, _, _ in layers)
    rest = sum(n_out * (bias + 2 * bn) for _, n_out, bias, bn in layers)
    return weights, rest


PENALTY_FORMULA = "(l2/2)·ΣW² + l1·Σ|W|"  # the regularization added to the loss, weights only


def penalty(W, l1, l2):
    """(l2/2)·ΣW² + l1·Σ|W| for the network's weights W, one flat vector."""
    value = 0.0
    if l2:
        value += 0.5 * l2 * float(np.dot(W, W))
    if l1:
        value += l1 * float(np.abs(W).sum())
    return value


class MLP:
    """A multilayer perceptron trained by backpropagation.

    sizes              layer widths from inputs to outputs, e.g. [2, 8, 8, 1]
    activation         hidden activation: linear, sigmoid, tanh, relu, leaky_relu
    output_activation  linear, sigmoid, tanh, softmax, step (must pair with the loss)
    loss               sse, mse, bce, cross_entropy, perceptron
    init               uniform, normal, xavier, he, playground, zeros
    bias               whether layers have a bias b
    l2, l1             regularization strengths, on weights only
    dropout            drop probability p for hidden layers (one value, or one per layer)
    batch_norm         normalise hidden pre-activations (one bool, or one per layer)
    seed               seeds the initial weights and the dropout masks
    dtype              np.float64 (default) or np.float32
    """

    def __init__(self, sizes, activation="tanh", output_activation="sigmoid", loss="bce",
                 init="xavier", bias=True, l2=0.0, l1=0.0, dropout=0.0, batch_norm=False,
                 seed=0, dtype=np.float64):
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            raise ValueError(f"sizes={sizes!r} must be a list of at least 2 layer widths, "
                             "inputs first and outputs last, e.g. [2, 4, 1]")
        self.sizes = [check.integer(f"sizes[{i}]", n, 1) for i, n in enumerate(sizes)]
        self.activation = SETTINGS["activation"].check("activation", activation)
        self.output_activation = SETTINGS["output_activation"].check("output_activation",
                                                                     output_activation)
        self.loss_name = SETTINGS["loss"].check("loss", loss)
        check_pairing(output_activation, loss, self.sizes[-1])
        self.init = SETTINGS["init"].check("init", init)
        self.bias = SETTINGS["bias"].check("bias", bias)
        self.l2 = SETTINGS["l2"].check("l2", l2)
        self.l1 = SETTINGS["l1"].check("l1", l1)
        self.seed = SETTINGS["seed"].check("seed", seed)
        try:
            ok = np.dtype(dtype) in (np.float64, np.float32)
        except TypeError:
            ok = False
        if not ok:
            raise check.ArgumentError("dtype", dtype, "np.float64 or np.float32",
                                      f"dtype={dtype!r} is not allowed; choose np.float64 or "
                                      "np.float32")
        self.dtype = np.dtype(dtype).type
        n_hidden = len(self.sizes) - 2
        dropout = per_layer("dropout", dropout, n_hidden, SETTINGS["dropout"].check)
        batch_norm = per_layer("batch_norm", batch_norm, n_hidden, SETTINGS["batch_norm"].check)

        self.loss = LOSSES[loss]
        hidden, output = ACTIVATIONS[activation], ACTIVATIONS[output_activation]
        self.layers = [
            Dense(n_in, n_out, hidden if l < n_hidden else output, bias,
                  dropout[l] if l < n_hidden else 0.0,
                  batch_norm[l] if l < n_hidden else False, self.dtype)
            for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]))
        ]
        self._allocate()
        init_seq, dropout_seq = np.random.SeedSequence(self.seed).spawn(2)
        self.dropout_rng = np.random.default_rng(dropout_seq)
        self.reinitialize(np.random.default_rng(init_seq))

    # -- storage ---------------------------------------------------------------------------
    def _allocate(self):
        """Lay every parameter out in `theta` (weights first) and point the layers at views."""
        n_weights, n_others = parameter_counts(
            [(layer.n_in, layer.n_out, layer.has_bias, layer.bn is not None)
             for layer in self.layers])
        n_total = n_weights + n_others
        self.n_weights = n_weights
        self.theta = np.zeros(n_total, self.dtype)
        self.grad = np.zeros(n_total, self.dtype)
        self._layout = []  # (layer index, attribute, offset, shape), in params order
        w_off, o_off = 0, n_weights
        for l, layer in enumerate(self.layers):
            self._layout.append((l, "W", w_off, (layer.n_in, layer.n_out)))
            w_off += layer.n_in * layer.n_out
            for name, present in (("b", layer.has_bias), ("gamma", layer.bn is not None),
                                  ("beta", layer.bn is not None)):
                if present:
                    self._layout.append((l, name, o_off, (layer.n_out,)))
                    o_off += layer.n_out
        self._bind()

    def _bind(self):
        """Point params, grads and every layer's W, b, γ, β (and dW, …) at the flat buffers."""
        self._bn_layers = [layer for layer in self.layers if layer.bn is not None]
        self._slices = [(off, off + math.prod(shape), shape) for _, _, off, shape in self._layout]
        self.params = self.views(self.theta)
        self.grads = self.views(self.grad)
        for (l, name, _, _), P, G in zip(self._layout, self.params, self.grads):
            owner = self.layers[l].bn if name in ("gamma", "beta") else self.layers[l]
            setattr(owner, name, P)
            setattr(owner, "d" + name, G)

    def copy(self):
        """An independent network: the same structure, its own parameters, gradients and
        batch-norm statistics (a snapshot that training the original leaves untouched)."""
        new = copy.copy(self)
        new.layers = []
        for layer in self.layers:
            clone = copy.copy(layer)
            if layer.bn is not None:
                clone.bn = copy.copy(layer.bn)
                clone.bn.running_mean = layer.bn.running_mean.copy()
                clone.bn.running_var = layer.bn.running_var.copy()
            new.layers.append(clone)
        new.theta, new.grad = self.theta.copy(), self.grad.copy()
        new.dropout_rng = copy.deepcopy(self.dropout_rng)
        new._bind()
        return new

    def views(self, flat):
        """Arrays shaped like params over a flat vector laid out like theta (no copies)."""
        return FlatViews([flat[a:b].reshape(shape) for a, b, shape in self._slices], flat)

    def reinitialize(self, rng):
        """Draw fresh weights from `rng`: layer by layer, W then b."""
        fill = INITIALIZERS[self.init].fill
        for layer in self.layers:
            fill(layer.W, layer.b, rng)
            if layer.bn is not None:
                layer.bn.gamma[...] = 1.0
                layer.bn.beta[...] = 0.0
                layer.bn.running_mean[...] = 0.0
                layer.bn.running_var[...] = 1.0

    def load_state(self, theta, batch_norm=(), dropout_rng=None):
        """Set every parameter from a flat vector laid out as `theta`, each batch-norm layer's
        running (mean, var), and the dropout generator. Each array must have this network's
        shape and dtype (a cast could round a value to infinity) and finite values, variances
        >= 0; ValueError names the part that does not fit, and nothing is changed then."""
        theta = np.asarray(theta)
        if theta.shape != self.theta.shape or theta.dtype != self.theta.dtype:
            raise check.ArgumentError("theta", f"{theta.dtype.name} {list(theta.shape)}",
                                      f"{self.theta.dtype.name} [{self.theta.size}]",
                                      f"theta has {theta.size} values of {theta.dtype.name}; "
                                      f"this config's network has {self.theta.size} of "
                                      f"{self.theta.dtype.name}")
        if not np.isfinite(theta).all():
            raise check.ArgumentError("theta", "non-finite", "finite numbers",
                                      "theta holds a non-finite value; every parameter must be "
                                      "finite")
        bn_layers = [layer.bn for layer in self.layers if layer.bn is not None]
        if len(batch_norm) != len(bn_layers):
            raise check.ArgumentError("batch_norm", len(batch_norm),
                                      f"{len(bn_layers)} layers' statistics",
                                      f"batch_norm has {len(batch_norm)} layers' statistics; "
                                      f"this network has {len(bn_layers)} batch-norm layers")
        stats = []
        for l, (bn, pair) in enumerate(zip(bn_layers, batch_norm)):
            mean, var = (np.asarray(a) for a in pair)
            like = bn.running_mean
            if (mean.shape != like.shape or var.shape != like.shape or mean.dtype != like.dtype
                    or var.dtype != like.dtype or not np.isfinite(mean).all()
                    or not np.isfinite(var).all() or (var < 0).any()):
                raise check.ArgumentError(
                    f"batch_norm[{l}]", f"{mean.dtype.name} {list(mean.shape)}",
                    f"{like.size} finite means and variances >= 0 of {like.dtype.name}",
                    f"batch_norm[{l}] statistics must be {like.size} finite means and as many "
                    f"finite variances >= 0, of {like.dtype.name}")
            stats.append((mean, var))
        if dropout_rng is not None and not isinstance(dropout_rng, np.random.Generator):
            raise check.ArgumentError("dropout_rng", type(dropout_rng).__name__,
                                      "a numpy Generator", "dropout_rng must be a numpy Generator")
        self.theta[...] = theta
        for bn, (mean, var) in zip(bn_layers, stats):
            bn.running_mean[...] = mean
            bn.running_var[...] = var
        if dropout_rng is not None:
            self.dropout_rng = dropout_rng

    def batch_norm_state(self):
        """[(running_mean, running_var)] of each batch-norm layer, in order."""
        return [(layer.bn.running_mean, layer.bn.running_var) for layer in self._bn_layers]

    @property
    def param_names(self):
        """Names aligned with params, e.g. ['W1', 'b1', 'W2', 'b2']."""
        return [f"{name}{l + 1}" for l, name, _, _ in self._layout]

    # -- forward and backward --------------------------------------------------------------
    def forward(self, X, train=False):
        """ŷ = A[L] for inputs X (N, n_in); evaluation mode unless train=True."""
        X = self._check_inputs(X)
        if train:
            return forward(self.layers, X, True, self.dropout_rng)
        A = X
        for layer in self.layers:
            _, A = layer.infer(A)
        return A

    def infer(self, X, dtype=None):
        """(Z̃, A) of every layer for inputs X in evaluation mode; nothing is cached or checked."""
        out, A = [], X
        for layer in self.layers:
            Z, A = layer.infer(A, dtype)
            out.append((Z, A))
        return out

    def loss_and_grads(self, X, Y, dropout_masks=None, train=True):
        """(ℒ, grads) on the batch (X, Y); grads align with params.

        Y is (N, n_out): one-hot rows for cross_entropy. dropout_masks, one (N, n) array or
        None per layer, fixes dropout (for gradient checks); by default masks are drawn.
        train=False differentiates the network as it predicts: no dropout, batch norm by its
        running statistics (which are left as they are).
        """
        X = self._check_inputs(X)
        Y = self._check_targets(Y, X.shape[0])
        loss = self._backprop(X, Y, dropout_masks, commit=train, train=train)
        return loss, self.views(self.grad.copy())

    def _backprop(self, X, Y, masks=None, commit=True, train=True, input_grad=False):
        """ℒ on the batch; fills self.grad. The training hot path: no checks, no copies.

        commit=False leaves batch-norm running statistics for `_commit()` to update.
        input_grad=True also computes ∂ℒ/∂X (the first layer's dA_prev), for a trace.
        """
        A = forward(self.layers, X, train, self.dropout_rng, masks)
        loss = backward(self.layers, self.loss, A, Y, input_grad)
        if commit and train:
            self._commit()
        return loss + self._regularize()

    def _commit(self):
        for layer in self._bn_layers:
            layer.bn.commit()

    def _regularize(self):
        """Add l2·W + l1·sign(W) to the weight gradients; return the penalty."""
        if not (self.l2 or self.l1):
            return 0.0
        W, dW = self.theta[:self.n_weights], self.grad[:self.n_weights]
        if self.l2:
            dW += self.l2 * W
        if self.l1:
            dW += self.l1 * np.sign(W)
        return self.penalty()

    def penalty(self):
        """(l2/2)·ΣW² + l1·Σ|W|, the regularization part of the training loss."""
        return penalty(self.theta[:self.n_weights], self.l1, self.l2)

    # -- checks ----------------------------------------------------------------------------
    def _check_inputs(self, X):
        X = check.array("X", X, 2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X has {X.shape[1]} columns; this network takes "
                             f"{self.sizes[0]} inputs (X must be (N, {self.sizes[0]}))")
        if X.shape[0] == 0:
            raise ValueError("X has no rows; give at least one sample")
        return X.astype(self.dtype, copy=False)

    def _check_targets(self, Y, N):
        Y = check.array("Y", Y, 2)
        if Y.shape != (N, self.sizes[-1]):
            raise ValueError(f"Y has shape {Y.shape}; expected ({N}, {self.sizes[-1]}): one row "
                             f"per sample of X and one column per output"
                             + (" (one-hot rows for cross_entropy)"
                                if self.loss_name == "cross_entropy" else ""))
        return Y.astype(self.dtype, copy=False)

    def __repr__(self):
        return (f"MLP({self.sizes}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r}, loss={self.loss_name!r}, "
                f"init={self.init!r}, bias={self.bias}, seed={self.seed})")
