"""Every analytic gradient against central finite differences in float64.

rel = ‖g_analytic − g_numeric‖ / (‖g_analytic‖ + ‖g_numeric‖) must be below 1e-6, with
g_numeric[i] = (ℒ(θ + εeᵢ) − ℒ(θ − εeᵢ)) / 2ε and ε = 1e-5.
"""

import numpy as np
import pytest

from nncore import MLP, probes
from nncore.activations import HIDDEN_ACTIVATIONS
from nncore.losses import LOSSES

EPS = 1e-5
PAIRINGS = [(out, loss) for loss, spec in LOSSES.items() for out in spec.outputs]
REGULARIZATION = {"none": (0.0, 0.0), "l1": (0.03, 0.0), "l2": (0.0, 0.05), "l1+l2": (0.02, 0.04)}
N = 6


def make_targets(loss, out, n_out, rng, n=N):
    if loss == "cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, n)]
    if loss in ("bce", "perceptron"):
        return rng.integers(0, 2, (n, n_out)).astype(np.float64)
    lo = -1.0 if out in ("tanh", "linear") else 0.0
    return rng.uniform(lo, 1.0, (n, n_out))


def numeric_gradient(net, X, Y, masks=None, train=True):
    theta = net.theta
    g = np.empty_like(theta)
    for i in range(theta.size):
        keep = theta[i]
        theta[i] = keep + EPS
        up = net.loss_and_grads(X, Y, masks, train)[0]
        theta[i] = keep - EPS
        down = net.loss_and_grads(X, Y, masks, train)[0]
        theta[i] = keep
        g[i] = (up - down) / (2 * EPS)
    return g


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def assert_away_from_kinks(net, X):
    """Finite differences across a kink of relu, |w| or step would be wrong; refuse such data."""
    A = X
    for layer in net.layers:
        Z, A = layer.infer(A)
        if layer.activation.name in ("relu", "leaky_relu", "step"):
            assert np.abs(Z).min() > 1e-3, "pre-activation too close to the kink: change seed"
    if net.l1:
        assert np.abs(net.theta[:net.n_weights]).min() > 1e-3


def spread_batch_norm(net, rng, running=False):
    """γ, β (and the running statistics) away from their start, so that their gradients are
    exercised in general position."""
    for layer in net.layers[:-1]:
        layer.bn.gamma[...] = rng.uniform(0.5, 1.5, layer.n_out)
        layer.bn.beta[...] = rng.uniform(-0.5, 0.5, layer.n_out)
        if running:
            layer.bn.running_mean[...] = rng.normal(0.0, 0.5, layer.n_out)
            layer.bn.running_var[...] = rng.uniform(0.5, 2.0, layer.n_out)


def check(net, X, Y, masks=None, train=True):
    assert_away_from_kinks(net, X)
    _, grads = net.loss_and_grads(X, Y, masks, train)
    analytic = np.concatenate([g.ravel() for g in grads])
    # grads come in params order; the flat buffer is laid out weights-first, so map by views.
    flat = np.empty_like(net.theta)
    for view_of_theta, g in zip(net.views(flat), grads):
        view_of_theta[...] = g
    numeric = numeric_gradient(net, X, Y, masks, train)
    assert analytic.size == numeric.size
    err = relative_error(flat, numeric)
    assert err < 1e-6, f"relative error {err:.2e}"
    return err


@pytest.mark.parametrize("reg", REGULARIZATION)
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("out,loss", PAIRINGS, ids=[f"{o}+{l}" for o, l in PAIRINGS])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradient_matches_finite_differences(activation, out, loss, bias, reg):
    n_out = 3 if out == "softmax" else (1 if out == "step" else 2)
    l1, l2 = REGULARIZATION[reg]
    for seed in range(20):  # the first seed whose points are clear of every kink
        rng = np.random.default_rng(seed)
        net = MLP([3, 4, 3, n_out], activation=activation, output_activation=out, loss=loss,
                  init="normal", bias=bias, l1=l1, l2=l2, seed=seed)
        X = rng.normal(0.0, 1.0, (N, 3))
        Y = make_targets(loss, out, n_out, rng)
        try:
            assert_away_from_kinks(net, X)
        except AssertionError:
            continue
        check(net, X, Y)
        return
    pytest.fail("no seed gave data clear of the kinks")


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("out,loss", [("sigmoid", "bce"), ("softmax", "cross_entropy"),
                                      ("linear", "mse")])
def test_batch_norm_gradient(activation, out, loss):
    n_out = 3 if out == "softmax" else 1
    rng = np.random.default_rng(1)
    net = MLP([3, 5, 4, n_out], activation=activation, output_activation=out, loss=loss,
              batch_norm=True, init="normal", l2=0.01, seed=3)
    spread_batch_norm(net, rng)
    X = rng.normal(0.0, 1.0, (8, 3))
    Y = make_targets(loss, out, n_out, rng, n=8)
    check(net, X, Y)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_dropout_gradient_with_fixed_mask(activation):
    rng = np.random.default_rng(2)
    net = MLP([3, 6, 5, 1], activation=activation, output_activation="sigmoid", loss="bce",
              dropout=[0.5, 0.3], init="normal", bias=True, seed=4)
    for layer in net.layers:
        layer.b[...] = 0.3  # keeps every relu pre-activation clear of its kink at 0
    X = rng.normal(0.0, 1.0, (N, 3))
    Y = rng.integers(0, 2, (N, 1)).astype(np.float64)
    masks = [(rng.random((N, 6)) >= 0.5) / 0.5, (rng.random((N, 5)) >= 0.3) / 0.7, None]
    assert (masks[0] == 0).any(), "the mask must drop something for the check to mean anything"
    check(net, X, Y, masks)
    # And the mask really is applied: a different mask gives a different loss.
    other = [np.where(m > 0, 0.0, 2.0) if m is not None else None for m in masks]
    assert net.loss_and_grads(X, Y, masks)[0] != net.loss_and_grads(X, Y, other)[0]


def test_dropout_is_inactive_in_evaluation():
    net = MLP([2, 8, 1], dropout=0.5, seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(net.forward(X), net.forward(X))
    assert not np.array_equal(net.forward(X, train=True), net.forward(X, train=True))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("out,loss", [("sigmoid", "bce"), ("softmax", "cross_entropy"),
                                      ("linear", "mse")])
def test_batch_norm_gradient_in_evaluation_mode(activation, out, loss):
    """train=False differentiates the network as it predicts: batch norm is the affine map of
    its running statistics, and its backward is checked like every other."""
    n_out = 3 if out == "softmax" else 1
    rng = np.random.default_rng(4)
    net = MLP([3, 5, 4, n_out], activation=activation, output_activation=out, loss=loss,
              batch_norm=True, init="normal", l2=0.01, seed=5)
    spread_batch_norm(net, rng, running=True)
    X = rng.normal(0.0, 1.0, (8, 3))
    Y = make_targets(loss, out, n_out, rng, n=8)
    stats = [(layer.bn.running_mean.copy(), layer.bn.running_var.copy())
             for layer in net.layers[:-1]]
    check(net, X, Y, train=False)
    for layer, (mean, var) in zip(net.layers[:-1], stats):  # evaluation leaves them alone
        np.testing.assert_array_equal(layer.bn.running_mean, mean)
        np.testing.assert_array_equal(layer.bn.running_var, var)


TRACE_OPTIONS = [
    # (activation, output, loss, bias, batch_norm, dropout, l1, l2)
    ("tanh", "sigmoid", "bce", True, False, 0.0, 0.002, 0.01),
    ("relu", "softmax", "cross_entropy", True, False, 0.0, 0.0, 0.0),
    ("sigmoid", "linear", "sse", False, False, 0.0, 0.0, 0.01),
    ("leaky_relu", "tanh", "mse", True, False, 0.3, 0.0, 0.0),
    ("linear", "step", "perceptron", True, False, 0.0, 0.0, 0.0),
    ("tanh", "sigmoid", "bce", True, True, 0.0, 0.0, 0.01),
    ("relu", "softmax", "cross_entropy", False, True, 0.2, 0.001, 0.0),
    ("sigmoid", "linear", "mse", True, True, 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize("activation,out,loss,bias,bn,dropout,l1,l2", TRACE_OPTIONS)
def test_trace_equals_the_gradient_of_a_one_sample_batch(activation, out, loss, bias, bn,
                                                         dropout, l1, l2):
    """The step-through's numbers are the engine's numbers: the trace of one point equals
    loss_and_grads on a batch of that one point (as the network predicts: train=False), for
    every layer option, batch norm and dropout included, and leaves the network untouched."""
    n_out = 3 if out == "softmax" else 1
    rng = np.random.default_rng(5)
    net = MLP([2, 5, 4, n_out], activation=activation, output_activation=out, loss=loss,
              bias=bias, batch_norm=bn, dropout=dropout, l1=l1, l2=l2, init="normal", seed=7)
    if bn:
        spread_batch_norm(net, rng, running=True)
    x = rng.normal(size=2)
    Y = (np.eye(3)[[1]] if out == "softmax" else
         np.array([[1.0 if loss in ("bce", "perceptron") else 0.7]]))
    net.loss_and_grads(rng.normal(size=(4, 2)), np.repeat(Y, 4, axis=0))  # a batch's gradient
    grad_before, theta_before = net.grad.copy(), net.theta.copy()
    rng_before = net.dropout_rng.bit_generator.state

    t = probes.trace(net, x, Y[0])

    np.testing.assert_array_equal(net.grad, grad_before)  # the trace ran on a copy
    np.testing.assert_array_equal(net.theta, theta_before)
    assert net.dropout_rng.bit_generator.state == rng_before
    loss_value, grads = net.loss_and_grads(x[None, :], Y, train=False)
    assert t["loss"] == loss_value
    by_name = dict(zip(net.param_names, grads))
    for l, layer in enumerate(t["layers"], start=1):
        np.testing.assert_array_equal(layer["dW"], by_name[f"W{l}"])
        if f"b{l}" in by_name:
            np.testing.assert_array_equal(layer["db"], by_name[f"b{l}"])
        else:
            assert layer["db"] is None
        # and the parts agree with each other: a = φ(z̃), dW = a_prevᵀ·δ (+ regularization)
        act = net.layers[l - 1].activation
        np.testing.assert_allclose(layer["a"], act.forward(layer["zt"][None, :])[0], rtol=1e-12)
        reg = l2 * net.layers[l - 1].W + l1 * np.sign(net.layers[l - 1].W)
        np.testing.assert_allclose(layer["dW"], np.outer(layer["a_prev"], layer["delta"]) + reg,
                                   rtol=1e-12, atol=1e-15)
        if l > 1:
            np.testing.assert_allclose(t["layers"][l - 2]["a"], layer["a_prev"], rtol=0)
    # the predictor (layer.infer) groups batch norm's arithmetic differently: equal to rounding
    np.testing.assert_allclose(t["y_hat"], net.forward(x[None, :])[0], rtol=1e-12)


def test_copy_is_an_independent_network():
    net = MLP([2, 4, 3, 1], batch_norm=True, dropout=0.2, seed=1)
    twin = net.copy()
    X = np.random.default_rng(0).normal(size=(6, 2))
    Y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    np.testing.assert_array_equal(net.forward(X), twin.forward(X))
    assert not np.shares_memory(net.theta, twin.theta)
    assert not np.shares_memory(net.layers[0].bn.running_mean, twin.layers[0].bn.running_mean)
    # training the original leaves the copy as it was, and the copy trains the same way
    before = twin.theta.copy()
    loss_a, grads_a = net.loss_and_grads(X, Y)
    np.testing.assert_array_equal(twin.theta, before)
    loss_b, grads_b = twin.loss_and_grads(X, Y)  # same dropout stream: same masks
    assert loss_a == loss_b
    for a, b in zip(grads_a, grads_b):
        np.testing.assert_array_equal(a, b)
