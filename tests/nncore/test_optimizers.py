"""Optimizer updates recomputed from their formulas; a learning-rate change mid-run keeps state.

The reference updates below are written from torch.optim's documented algorithms (SGD, Adam,
RMSprop with weight_decay=0, dampening=0, amsgrad=False, maximize=False), in plain NumPy and
independently of nncore's code.
"""

import inspect
import math

import numpy as np
import pytest

from nncore import OPTIMIZERS, Trainer, optimizers

STEPS = 6


def _start():
    """Two parameter arrays of different shapes, well away from zero."""
    return [np.array([[1.5, -2.0, 0.7], [3.0, -0.4, 1.1]]), np.array([0.9, -1.3, 2.2, -3.1])]


def _grad(i, p, t):
    """A known gradient: a quadratic pull towards a target plus a step-dependent push."""
    return 2.0 * (p - 0.25 * (i + 1)) + 0.3 * math.sin(t + p.size) + 0.05 * t


# -- reference implementations -----------------------------------------------------------------
def reference_sgd(lr, momentum=0.0, nesterov=False, steps=STEPS, lr_at=None):
    params = _start()
    bufs = [None] * len(params)
    for t in range(1, steps + 1):
        lr_t = lr_at(t) if lr_at else lr
        for i, p in enumerate(params):
            g = _grad(i, p, t)
            if momentum != 0:
                bufs[i] = g.copy() if t == 1 else momentum * bufs[i] + g
                g = g + momentum * bufs[i] if nesterov else bufs[i]
            params[i] = p - lr_t * g
    return params, bufs


def reference_adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, steps=STEPS, lr_at=None):
    params = _start()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        lr_t = lr_at(t) if lr_at else lr
        for i, p in enumerate(params):
            g = _grad(i, p, t)
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
            params[i] = p - lr_t / bias1 * m[i] / (np.sqrt(v[i]) / math.sqrt(bias2) + eps)
    return params, (m, v)


def reference_rmsprop(lr, alpha=0.99, eps=1e-8, momentum=0.0, centered=False, steps=STEPS,
                      lr_at=None):
    params = _start()
    sq = [np.zeros_like(p) for p in params]
    gbar = [np.zeros_like(p) for p in params]
    buf = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        lr_t = lr_at(t) if lr_at else lr
        for i, p in enumerate(params):
            g = _grad(i, p, t)
            sq[i] = alpha * sq[i] + (1 - alpha) * g * g
            if centered:
                gbar[i] = alpha * gbar[i] + (1 - alpha) * g
                avg = np.sqrt(sq[i] - gbar[i] ** 2) + eps
            else:
                avg = np.sqrt(sq[i]) + eps
            if momentum > 0:
                buf[i] = momentum * buf[i] + g / avg
                params[i] = p - lr_t * buf[i]
            else:
                params[i] = p - lr_t * g / avg
    return params, (sq, gbar, buf)


def run(opt, steps=STEPS, lr_at=None):
    """Drive `opt` over the same gradients as the references; params are updated in place."""
    params = _start()
    for t in range(1, steps + 1):
        if lr_at:
            opt.set(learning_rate=lr_at(t))
        grads = [_grad(i, p, t) for i, p in enumerate(params)]
        opt.step(params, grads)
    return params


def assert_params_close(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-14)


CASES = {
    "sgd": (lambda: optimizers.SGD(learning_rate=0.05), lambda: reference_sgd(0.05)),
    "sgd momentum": (lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9),
                     lambda: reference_sgd(0.05, momentum=0.9)),
    "sgd nesterov": (lambda: optimizers.SGD(learning_rate=0.05, momentum=0.8, nesterov=True),
                     lambda: reference_sgd(0.05, momentum=0.8, nesterov=True)),
    "adam": (lambda: optimizers.Adam(learning_rate=0.1), lambda: reference_adam(0.1)),
    "adam custom betas": (lambda: optimizers.Adam(learning_rate=0.02, beta1=0.5, beta2=0.9,
                                                  eps=1e-3),
                          lambda: reference_adam(0.02, beta1=0.5, beta2=0.9, eps=1e-3)),
    "rmsprop": (lambda: optimizers.RMSProp(learning_rate=0.01), lambda: reference_rmsprop(0.01)),
    "rmsprop momentum": (lambda: optimizers.RMSProp(learning_rate=0.01, momentum=0.9),
                         lambda: reference_rmsprop(0.01, momentum=0.9)),
    "rmsprop centered": (lambda: optimizers.RMSProp(learning_rate=0.01, centered=True),
                         lambda: reference_rmsprop(0.01, centered=True)),
    "rmsprop centered momentum": (lambda: optimizers.RMSProp(learning_rate=0.01, alpha=0.9,
                                                             momentum=0.5, centered=True),
                                  lambda: reference_rmsprop(0.01, alpha=0.9, momentum=0.5,
                                                            centered=True)),
}


@pytest.mark.parametrize("make, reference", CASES.values(), ids=CASES.keys())
def test_update_matches_formula(make, reference):
    opt = make()
    params = run(opt)
    expected, _ = reference()
    assert_params_close(params, expected)
    assert opt.t == STEPS
    # The run moved the parameters: a no-op optimizer would not pass.
    assert not np.allclose(params[0], _start()[0])


def test_first_sgd_momentum_step_equals_plain_sgd():
    # torch initialises the buffer to the first gradient, so step 1 is a plain SGD step.
    a, b = optimizers.SGD(0.1), optimizers.SGD(0.1, momentum=0.9)
    assert_params_close(run(a, steps=1), run(b, steps=1))
    # From step 2 on the buffer remembers step 1, so the two part ways.
    plain, heavy = run(optimizers.SGD(0.1), steps=2), run(optimizers.SGD(0.1, 0.9), steps=2)
    assert not np.allclose(plain[0], heavy[0])


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate():
    # After bias correction, m̂/√v̂ = g/|g| on step 1: every weight moves by lr against its sign.
    opt = optimizers.Adam(learning_rate=0.01)
    params = run(opt, steps=1)
    start = _start()
    for p, p0, i in zip(params, start, range(2)):
        g = _grad(i, p0, 1)
        np.testing.assert_allclose(p0 - p, 0.01 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("cls, expected", [
    (optimizers.SGD, dict(learning_rate=1e-3, momentum=0.0, nesterov=False)),
    (optimizers.Adam, dict(learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)),
    (optimizers.RMSProp, dict(learning_rate=1e-2, alpha=0.99, eps=1e-8, momentum=0.0,
                              centered=False)),
])
def test_defaults_equal_torch(cls, expected):
    # torch.optim: SGD(lr=1e-3, momentum=0, nesterov=False), Adam(lr=1e-3, betas=(0.9, 0.999),
    # eps=1e-8), RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0, centered=False).
    opt = cls()
    assert {"learning_rate": opt.learning_rate, **opt.hyperparameters()} == expected


def test_registry_names_the_three_optimizers():
    assert OPTIMIZERS == {"sgd": optimizers.SGD, "adam": optimizers.Adam,
                          "rmsprop": optimizers.RMSProp}


# -- hyperparameter changes mid-run ------------------------------------------------------------
def _lr_schedule(t):
    return 0.1 if t <= 3 else 0.01


LR_CHANGE_CASES = {
    "sgd momentum": (lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9),
                     lambda: reference_sgd(None, momentum=0.9, lr_at=_lr_schedule)),
    "sgd nesterov": (lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
                     lambda: reference_sgd(None, momentum=0.9, nesterov=True,
                                           lr_at=_lr_schedule)),
    "adam": (lambda: optimizers.Adam(learning_rate=0.1),
             lambda: reference_adam(None, lr_at=_lr_schedule)),
    "rmsprop centered momentum": (lambda: optimizers.RMSProp(learning_rate=0.1, momentum=0.5,
                                                             centered=True),
                                  lambda: reference_rmsprop(None, momentum=0.5, centered=True,
                                                            lr_at=_lr_schedule)),
}


@pytest.mark.parametrize("make, reference", LR_CHANGE_CASES.values(), ids=LR_CHANGE_CASES.keys())
def test_learning_rate_change_mid_run_matches_formula(make, reference):
    # The reference keeps its buffers and step count across the change, as torch does when a
    # param_group's lr is edited; a reset of state at the change would not match.
    params = run(make(), lr_at=_lr_schedule)
    expected, _ = reference()
    assert_params_close(params, expected)


@pytest.mark.parametrize("make", [lambda: optimizers.SGD(0.1, momentum=0.9),
                                  lambda: optimizers.Adam(0.1),
                                  lambda: optimizers.RMSProp(0.1, momentum=0.5, centered=True)],
                         ids=["sgd", "adam", "rmsprop"])
def test_set_learning_rate_keeps_state_objects_and_step_count(make):
    opt = make()
    params = run(opt, steps=4)
    state = {name: list(arrays) for name, arrays in opt.state.items()}
    values = {name: [a.copy() for a in arrays] for name, arrays in opt.state.items()}
    assert any(np.any(a != 0) for arrays in values.values() for a in arrays)

    opt.set(learning_rate=0.005)

    assert opt.t == 4 and opt.learning_rate == 0.005
    assert opt.state.keys() == state.keys()
    for name, arrays in state.items():
        for kept, before, value in zip(opt.state[name], arrays, values[name]):
            assert kept is before
            np.testing.assert_array_equal(kept, value)
    # The next update uses the new rate on the kept state; recompute it by hand for Adam/SGD.
    grads = [_grad(i, p, 5) for i, p in enumerate(params)]
    before = [p.copy() for p in params]
    opt.step(params, grads)
    for i, (p, p0, g) in enumerate(zip(params, before, grads)):
        if isinstance(opt, optimizers.Adam):
            m = 0.9 * values["exp_avg"][i] + 0.1 * g
            v = 0.999 * values["exp_avg_sq"][i] + 0.001 * g * g
            step = 0.005 / (1 - 0.9 ** 5) * m / (np.sqrt(v) / math.sqrt(1 - 0.999 ** 5) + 1e-8)
        elif isinstance(opt, optimizers.SGD):
            step = 0.005 * (0.9 * values["momentum_buffer"][i] + g)
        else:
            sq = 0.99 * values["square_avg"][i] + 0.01 * g * g
            gb = 0.99 * values["grad_avg"][i] + 0.01 * g
            b = 0.5 * values["momentum_buffer"][i] + g / (np.sqrt(sq - gb * gb) + 1e-8)
            step = 0.005 * b
        np.testing.assert_allclose(p0 - p, step, rtol=1e-12)


def test_changing_momentum_mid_run_keeps_the_buffer():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    params = run(opt, steps=3)
    buf = opt.state["momentum_buffer"][1].copy()
    opt.set(momentum=0.5)
    g = [_grad(i, p, 4) for i, p in enumerate(params)]
    p1 = params[1].copy()
    opt.step(params, g)
    np.testing.assert_allclose(p1 - params[1], 0.1 * (0.5 * buf + g[1]), rtol=1e-12)


def test_state_dict_round_trip_continues_identically():
    a = optimizers.Adam(learning_rate=0.05, beta1=0.8)
    params_a = run(a, steps=3)
    b = optimizers.Adam()
    b.load_state_dict(a.state_dict())
    params_b = [p.copy() for p in params_a]
    for t in (4, 5):
        a.step(params_a, [_grad(i, p, t) for i, p in enumerate(params_a)])
        b.step(params_b, [_grad(i, p, t) for i, p in enumerate(params_b)])
    assert b.t == 5 and b.beta1 == 0.8 and b.learning_rate == 0.05
    for pa, pb in zip(params_a, params_b):
        np.testing.assert_array_equal(pa, pb)


# -- through the Trainer -----------------------------------------------------------------------
def test_trainer_learning_rate_change_keeps_adam_state():
    trainer = Trainer(optimizer="adam", learning_rate=0.01)
    trainer.step(50)
    opt = trainer.optimizer
    m, v = opt.state["exp_avg"][0], opt.state["exp_avg_sq"][0]
    m0, v0, theta0 = m.copy(), v.copy(), trainer.net.theta.copy()

    report = trainer.set(learning_rate=0.001)

    assert report.rebuilt is False and report.data_changed is False
    assert report.changed == {"learning_rate": 0.001}
    assert trainer.optimizer is opt and opt.t == 50 and opt.learning_rate == 0.001
    assert opt.state["exp_avg"][0] is m and opt.state["exp_avg_sq"][0] is v
    np.testing.assert_array_equal(m, m0)
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(trainer.net.theta, theta0)
    assert trainer.step_count == 50

    # The next update, recomputed by hand from the kept moments and the new rate.
    bs, pos = trainer.config.batch_size, trainer.position
    trainer.net.loss_and_grads(trainer._Xs[pos:pos + bs], trainer._Ys[pos:pos + bs])
    g_flat = trainer.net.grad.copy()  # the flat gradient, laid out like theta
    m1 = 0.9 * m0 + 0.1 * g_flat
    v1 = 0.999 * v0 + 0.001 * g_flat ** 2
    expected = theta0 - 0.001 / (1 - 0.9 ** 51) * m1 / (np.sqrt(v1) / math.sqrt(1 - 0.999 ** 51)
                                                        + 1e-8)
    trainer.step(1)
    np.testing.assert_allclose(trainer.net.theta, expected, rtol=1e-12, atol=1e-15)

    # And bit for bit what a trainer whose optimizer rate was changed by hand gives.
    twin = Trainer(optimizer="adam", learning_rate=0.01)
    twin.step(50)
    twin.optimizer.set(learning_rate=0.001)
    twin.step(1)
    assert np.array_equal(trainer.net.theta, twin.net.theta)
    # ... which is not what the old rate gives (the change took effect).
    old_rate = Trainer(optimizer="adam", learning_rate=0.01)
    old_rate.step(51)
    assert not np.array_equal(trainer.net.theta, old_rate.net.theta)


@pytest.mark.parametrize("fields", [dict(momentum=0.5), dict(beta1=0.5), dict(eps=1e-4),
                                    dict(l2=0.01), dict(batch_size=7)],
                         ids=["momentum", "beta1", "eps", "l2", "batch_size"])
def test_other_live_changes_keep_the_optimizer(fields):
    trainer = Trainer(optimizer="adam" if "momentum" not in fields else "sgd",
                      learning_rate=0.01)
    trainer.step(20)
    opt, theta = trainer.optimizer, trainer.net.theta.copy()
    report = trainer.set(**fields)
    assert report.rebuilt is False
    assert trainer.optimizer is opt and opt.t == 20
    np.testing.assert_array_equal(trainer.net.theta, theta)


def test_switching_optimizer_keeps_weights_but_starts_fresh():
    trainer = Trainer(optimizer="adam", learning_rate=0.01)
    trainer.step(30)
    old, theta = trainer.optimizer, trainer.net.theta.copy()

    report = trainer.set(optimizer="sgd")

    assert report.rebuilt is False and report.changed == {"optimizer": "sgd"}
    np.testing.assert_array_equal(trainer.net.theta, theta)
    assert trainer.step_count == 30
    new = trainer.optimizer
    assert new is not old and isinstance(new, optimizers.SGD)
    assert new.t == 0 and new.state == {} and new.learning_rate == 0.01
    # The next step is a plain SGD step from the kept weights.
    bs, pos = trainer.config.batch_size, trainer.position
    trainer.net.loss_and_grads(trainer._Xs[pos:pos + bs], trainer._Ys[pos:pos + bs])
    expected = theta - 0.01 * trainer.net.grad
    trainer.step(1)
    np.testing.assert_allclose(trainer.net.theta, expected, rtol=1e-12, atol=1e-15)


def test_trainer_trains_with_rmsprop():
    trainer = Trainer(optimizer="rmsprop", learning_rate=0.01)
    trainer.step(5)
    assert isinstance(trainer.optimizer, optimizers.RMSProp) and trainer.optimizer.t == 5


def test_trainer_switches_to_rmsprop_live():
    trainer = Trainer()
    trainer.step(5)
    report = trainer.set(optimizer="rmsprop")
    assert report.rebuilt is False and isinstance(trainer.optimizer, optimizers.RMSProp)


@pytest.mark.parametrize("cls", list(optimizers.OPTIMIZERS.values()),
                         ids=list(optimizers.OPTIMIZERS))
def test_each_update_rule_takes_its_hyperparameters_in_the_declared_order(cls):
    """step() passes (p, g, *buffers, t, learning_rate, *defaults) positionally."""
    names = list(inspect.signature(cls.update).parameters)
    k = len(cls.buffers)
    assert names[:2] == ["p", "g"] and len(names) == 2 + k + 2 + len(cls.defaults)
    assert names[2 + k:] == ["t", "learning_rate", *cls.defaults]


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_a_networks_flat_parameters_update_exactly_as_its_arrays(name):
    """opt.step(net.params, grads) updates the flat vector in one call: the same numbers as
    updating array by array, and the same as the Trainer's own optimizer."""
    from nncore import MLP

    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(8, 2)), rng.integers(0, 2, (8, 1)).astype(float)
    a, b = MLP([2, 5, 3, 1], seed=1), MLP([2, 5, 3, 1], seed=1)
    opt_a, opt_b = optimizers.OPTIMIZERS[name](learning_rate=0.01), \
        optimizers.OPTIMIZERS[name](learning_rate=0.01)
    for _ in range(5):
        _, grads = a.loss_and_grads(X, Y)
        opt_a.step(a.params, grads)  # the flat path
        _, grads = b.loss_and_grads(X, Y)
        opt_b.step(list(b.params), list(grads))  # plain lists: array by array
    np.testing.assert_array_equal(a.theta, b.theta)
    assert len(opt_a.state[opt_a.buffers[0]]) == 1 and len(opt_b.state[opt_b.buffers[0]]) == 6
    with pytest.raises(ValueError, match="state was made for 1 arrays; got 6"):
        opt_a.step(list(a.params), list(grads))
