"""Saved state restores bit for bit through JSON, and training is a function of its inputs."""

import json

import numpy as np
import pytest

from nncore import Config, Trainer


def _through_json(trainer):
    """Save, send as JSON text (as the server does), and load."""
    text = json.dumps(trainer.to_dict())  # fails on any non-JSON value (NumPy scalars, arrays)
    return Trainer.from_dict(json.loads(text))


def _assert_same_progress(a, b):
    assert (a.step_count, a.epoch, a.position) == (b.step_count, b.epoch, b.position)
    assert a.optimizer.t == b.optimizer.t


def _continue_both(original, restored, n):
    original.step(n)
    restored.step(n)
    assert np.array_equal(original.net.theta, restored.net.theta)
    _assert_same_progress(original, restored)


def _points(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-4, 4, (n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


ROUND_TRIP_CASES = {
    "sgd mid-epoch": dict(config=dict(), before=13),
    "momentum nesterov": dict(config=dict(momentum=0.9, nesterov=True), before=17),
    "dropout": dict(config=dict(dropout=0.3, hidden_layers=(8, 8)), before=11),
    "batch norm": dict(config=dict(batch_norm=True, hidden_layers=(6, 4)), before=9),
    "adam": dict(config=dict(optimizer="adam", learning_rate=0.01), before=23),
    "full batch": dict(config=dict(batch_size=1000, n_samples=200), before=5),
    "float32": dict(config=dict(dtype="float32", optimizer="adam"), before=7),
    "l1 l2 and features": dict(config=dict(l1=0.001, l2=0.01, dataset="spiral",
                                           features=("x1", "x2", "sinx1", "x1x2")), before=8),
    "softmax on blobs": dict(config=dict(dataset="blobs", n_classes=4,
                                         output_activation="softmax", loss="cross_entropy"),
                             before=6),
    "regression": dict(config=dict(dataset="plane", output_activation="linear", loss="mse"),
                       before=10),
    "at step 0": dict(config=dict(optimizer="adam"), before=0),
    "at an epoch boundary": dict(config=dict(n_samples=100, batch_size=10), before=5),
}


@pytest.mark.parametrize("case", ROUND_TRIP_CASES.values(), ids=ROUND_TRIP_CASES.keys())
def test_restored_trainer_continues_bit_identically(case):
    original = Trainer(**case["config"])
    original.step(case["before"])
    restored = _through_json(original)
    assert restored.config == original.config
    assert np.array_equal(restored.net.theta, original.net.theta)
    _assert_same_progress(original, restored)
    # Cross an epoch boundary and a reshuffle on the way.
    _continue_both(original, restored, 3 * original.steps_per_epoch + 4)


def test_mid_epoch_state_is_really_mid_epoch():
    trainer = Trainer()
    trainer.step(13)
    assert trainer.perm is not None and 0 < trainer.position < trainer.n_train
    restored = _through_json(trainer)
    assert np.array_equal(restored.perm, trainer.perm)
    # Without the saved permutation, a fresh shuffle would train on other batches.
    fresh = Trainer()
    fresh.step(13)
    fresh.perm = None
    fresh._start_epoch()
    fresh.position = trainer.position
    fresh.step(5)
    restored.step(5)
    assert not np.array_equal(fresh.net.theta, restored.net.theta)


def test_dropout_random_state_is_restored_and_matters():
    original = Trainer(dropout=0.3, hidden_layers=(8, 8))
    original.step(11)
    restored, reseeded = _through_json(original), _through_json(original)
    reseeded.net.dropout_rng = np.random.default_rng(12345)
    original.step(10)
    restored.step(10)
    reseeded.step(10)
    assert np.array_equal(original.net.theta, restored.net.theta)
    assert not np.array_equal(original.net.theta, reseeded.net.theta)


def test_batch_norm_running_statistics_are_restored():
    original = Trainer(batch_norm=True, hidden_layers=(6, 4))
    original.step(9)
    restored = _through_json(original)
    for a, b in zip(original.net._bn_layers, restored.net._bn_layers):
        assert np.array_equal(a.bn.running_mean, b.bn.running_mean)
        assert np.array_equal(a.bn.running_var, b.bn.running_var)
        assert not np.all(a.bn.running_var == 1.0)  # they did move away from the start
    _continue_both(original, restored, 30)
    for a, b in zip(original.net._bn_layers, restored.net._bn_layers):
        assert np.array_equal(a.bn.running_mean, b.bn.running_mean)
        assert np.array_equal(a.bn.running_var, b.bn.running_var)
    # Evaluation mode uses the running statistics: the outputs agree too.
    assert np.array_equal(original.net.forward(original.X_test), restored.net.forward(
        restored.X_test))


def test_adam_moments_are_restored_and_matter():
    original = Trainer(optimizer="adam", learning_rate=0.01)
    original.step(23)
    restored, zeroed = _through_json(original), _through_json(original)
    for name, arrays in restored.optimizer.state.items():
        for a, b in zip(arrays, original.optimizer.state[name]):
            assert np.array_equal(a, b) and a is not b
    zeroed.optimizer.state = {}
    zeroed.optimizer.t = 0
    _continue_both(original, restored, 10)
    zeroed.step(10)
    assert not np.array_equal(original.net.theta, zeroed.net.theta)


def test_full_batch_state_round_trip():
    original = Trainer(batch_size=1000, n_samples=200)
    assert original.perm is None and original.steps_per_epoch == 1
    original.step(5)
    restored = _through_json(original)
    assert restored.perm is None
    _continue_both(original, restored, 7)


def test_custom_data_round_trip():
    X, y = _points()
    original = Trainer(data=(X, y), hidden_layers=(5,), batch_size=4)
    original.step(7)
    restored = _through_json(original)
    assert restored.config.dataset == "custom"
    assert np.array_equal(restored.data.X, X) and np.array_equal(restored.data.y, y)
    assert np.array_equal(restored.data.train, original.data.train)
    assert restored.data.extent == original.data.extent
    _continue_both(original, restored, 25)


def test_round_trip_after_replace_data():
    original = Trainer(batch_size=5)
    original.step(12)
    X, y = _points(30, seed=4)
    train = np.arange(30) % 3 != 0
    assert original.replace_data(X, y, train=train).rebuilt is False  # same width: kept
    original.step(3)
    restored = _through_json(original)
    assert restored.config.dataset == "custom"
    assert np.array_equal(restored.data.train, np.flatnonzero(train))
    _continue_both(original, restored, 20)


def test_round_trip_after_live_changes():
    original = Trainer(optimizer="adam", learning_rate=0.05)
    original.step(10)
    original.set(learning_rate=0.002, batch_size=7, l2=0.001)
    original.step(4)
    restored = _through_json(original)
    assert restored.optimizer.learning_rate == 0.002
    _continue_both(original, restored, 15)


def test_state_survives_two_round_trips():
    original = Trainer(dropout=0.2, optimizer="adam", hidden_layers=(5, 5))
    original.step(9)
    once = _through_json(original)
    twice = _through_json(once)
    assert once.to_dict() == twice.to_dict()
    _continue_both(original, twice, 12)


# -- determinism -------------------------------------------------------------------------------
def _drive(trainer):
    trainer.step(13)
    trainer.set(learning_rate=0.1, momentum=0.5)
    trainer.step(7)
    trainer.set(activation="relu", hidden_layers=(6, 3))  # a rebuild
    trainer.step(5)
    trainer.set(batch_size=4, l2=0.01)
    trainer.step(9)
    trainer.set(optimizer="adam")
    trainer.step(6)
    return trainer


def test_same_config_and_calls_give_identical_weights():
    a = _drive(Trainer(dataset="xor", noise=0.2, dropout=0.1))
    b = _drive(Trainer(dataset="xor", noise=0.2, dropout=0.1))
    assert np.array_equal(a.net.theta, b.net.theta)
    _assert_same_progress(a, b)


def test_different_seed_gives_different_weights():
    a, b = Trainer(seed=1), Trainer(seed=2)
    assert not np.array_equal(a.net.theta, b.net.theta)
    a.step(20)
    b.step(20)
    assert not np.array_equal(a.net.theta, b.net.theta)
    assert np.array_equal(a.data.X, b.data.X)  # the seed is not the data seed


def test_data_seed_changes_the_data_but_not_the_initial_weights():
    a, b = Trainer(data_seed=1), Trainer(data_seed=2)
    assert not np.array_equal(a.data.X, b.data.X)
    assert not np.array_equal(a.data.train, b.data.train)
    assert np.array_equal(a.net.theta, b.net.theta)


def test_changing_data_seed_live_keeps_the_initial_weights():
    trainer = Trainer()
    theta0 = trainer.net.theta.copy()
    X0 = trainer.data.X.copy()
    trainer.step(10)
    report = trainer.set(data_seed=9)
    assert report.data_changed is True
    assert not np.array_equal(trainer.data.X, X0)
    assert np.array_equal(trainer.net.theta, theta0)


def test_reset_returns_to_the_initial_weights_exactly():
    trainer = Trainer(optimizer="adam", dropout=0.2, batch_norm=True, hidden_layers=(5, 5))
    theta0 = trainer.net.theta.copy()
    trainer.step(37)
    assert not np.array_equal(trainer.net.theta, theta0)
    trainer.reset()
    assert np.array_equal(trainer.net.theta, theta0)
    assert (trainer.step_count, trainer.epoch, trainer.position) == (0, 0, 0)
    assert trainer.optimizer.t == 0 and trainer.optimizer.state == {}
    for layer in trainer.net._bn_layers:
        assert np.all(layer.bn.running_mean == 0.0) and np.all(layer.bn.running_var == 1.0)
    # ... and trains exactly like a fresh trainer: shuffling and dropout restart too.
    fresh = Trainer(optimizer="adam", dropout=0.2, batch_norm=True, hidden_layers=(5, 5))
    trainer.step(20)
    fresh.step(20)
    assert np.array_equal(trainer.net.theta, fresh.net.theta)


def test_reset_keeps_live_changes():
    trainer = Trainer(learning_rate=0.03)
    trainer.step(5)
    trainer.set(learning_rate=0.3)
    trainer.reset()
    assert trainer.config.learning_rate == 0.3 and trainer.optimizer.learning_rate == 0.3
    fresh = Trainer(learning_rate=0.3)
    assert np.array_equal(trainer.net.theta, fresh.net.theta)


def test_diverged_step_is_refused_and_the_last_finite_state_round_trips():
    trainer = Trainer(dataset="plane", output_activation="linear", loss="mse",
                      learning_rate=1e5)
    report = trainer.step(200)
    assert report.diverged is not None and report.steps == trainer.step_count < 200
    assert np.isfinite(trainer.net.theta).all()
    restored = _through_json(trainer)
    assert np.array_equal(restored.net.theta, trainer.net.theta)


# -- the digits, named instead of copied -------------------------------------------------------
def digits_trainer(**changes):
    return Trainer(Config(dataset="digits", hidden_layers=[16], output_activation="softmax",
                          loss="cross_entropy", batch_size=32, **changes))


def test_a_digits_run_names_its_points_and_comes_back_bit_for_bit():
    """The bundled digits are 1.3 MB of JSON; a saved run names them (their SHA-256 and the
    config's seeded split) and loading reads them again, so a sweep's run saves in a few KB."""
    from nncore import datasets

    tr = digits_trainer(train_ratio=0.6, data_seed=7)
    tr.step(120)
    d = tr.to_dict()
    assert d["data"] == {"source": {"dataset": "digits", "sha256": datasets.read_digits().sha256,
                                    "points": 1797, "train": round(0.6 * 1797)}}
    assert len(json.dumps(d)) < 100_000
    again = Trainer.from_dict(json.loads(json.dumps(d)))
    assert np.array_equal(again.data.train, tr.data.train)
    assert np.array_equal(again.data.test, tr.data.test)
    tr.step(80)
    again.step(80)
    assert np.array_equal(again.net.theta, tr.net.theta)
    assert again.to_dict()["data"] == d["data"]  # and saved again by name


def test_digits_split_otherwise_than_their_config_says_are_copied_whole():
    """Only what loading can make again is named: points split by hand are written out."""
    tr = digits_trainer()
    flags = np.zeros(1797, bool)
    flags[::3] = True
    tr.replace_data(tr.data.X, tr.data.y, train=flags, keep_task=True)
    d = tr.to_dict()
    assert "source" not in d["data"] and d["data"]["X"]["shape"] == [1797, 64]
    assert np.array_equal(Trainer.from_dict(d).data.train, np.flatnonzero(flags))


def test_a_digits_run_saved_with_other_digits_is_refused_naming_them():
    d = digits_trainer().to_dict()
    d["data"]["source"]["sha256"] = "0" * 64
    with pytest.raises(ValueError, match=r"saved with other digits files than those here"):
        Trainer.from_dict(d)
    d = digits_trainer().to_dict()
    d["data"]["source"]["train"] = 5
    with pytest.raises(ValueError, match=r"of which 5 for training"):
        Trainer.from_dict(d)
