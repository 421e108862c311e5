"""Sweeps: the grid's order, the checks, and runs that are the same runs as alone, bit for bit."""

import numpy as np
import pytest

from nncore import Config, Trainer
from nncore.sweep import MAX_RUNS, Run, grid, run_one, sweep
from nncore.validation import ArgumentError

SPIRAL = Config(dataset="spiral", hidden_layers=(8, 8), batch_size=16, n_samples=200)
DIGITS = Config(dataset="digits", hidden_layers=(16,), activation="relu",
                output_activation="softmax", loss="cross_entropy", learning_rate=0.1,
                batch_size=32, train_ratio=0.7)


def test_the_grid_varies_the_second_field_fastest():
    cells = grid(SPIRAL, {"learning_rate": [0.01, 0.1], "activation": ["relu", "tanh", "sigmoid"]})
    assert [v for _, v in cells] == [
        {"learning_rate": 0.01, "activation": "relu"},
        {"learning_rate": 0.01, "activation": "tanh"},
        {"learning_rate": 0.01, "activation": "sigmoid"},
        {"learning_rate": 0.1, "activation": "relu"},
        {"learning_rate": 0.1, "activation": "tanh"},
        {"learning_rate": 0.1, "activation": "sigmoid"},
    ]
    for config, varied in cells:  # everything else is the base config's
        assert config == SPIRAL.replace(**varied)


def test_layer_lists_become_the_configs_tuples():
    cells = grid(SPIRAL, {"hidden_layers": [[4], [8, 8], []]})
    assert [c.hidden_layers for c, _ in cells] == [(4,), (8, 8), ()]


@pytest.mark.parametrize("vary, field, words", [
    ({}, "vary", "one or two fields"),
    ({"learning_rate": [0.1], "activation": ["relu"], "batch_size": [4]}, "vary",
     "one or two fields"),
    ([0.1, 0.2], "vary", "one or two fields"),
    ({"seed": [1, 2]}, "vary", "one of: learning_rate"),
    ({"learning_rate": []}, "learning_rate", "non-empty list"),
    ({"learning_rate": 0.1}, "learning_rate", "non-empty list"),
    ({"learning_rate": [0.1, -1.0]}, "learning_rate", "out of range"),
    ({"activation": ["relu", "swish"]}, "activation", "one of:"),
    ({"hidden_layers": [[8], [0]]}, "hidden_layers", "from 1 to 4096"),
    ({"learning_rate": [0.1, 0.1]}, "learning_rate", "twice"),
    ({"batch_size": [1, 8]}, "batch_size", "batch_norm"),  # checked with the rest of the config
])
def test_a_bad_vary_is_refused_naming_the_field_and_what_is_allowed(vary, field, words):
    base = SPIRAL.replace(batch_norm=True) if field == "batch_size" else SPIRAL
    with pytest.raises(ArgumentError) as e:
        grid(base, vary)
    assert e.value.field == field
    assert words in str(e.value) or words in str(e.value.allowed)


def test_more_than_the_limit_of_runs_is_refused_before_any_is_trained():
    with pytest.raises(ArgumentError, match=r"5 × 5 = 25 runs; a sweep has at most 24"):
        sweep(SPIRAL, {"learning_rate": [0.01, 0.02, 0.03, 0.04, 0.05],
                       "batch_size": [1, 2, 4, 8, 16]}, epochs=1)
    assert len(grid(SPIRAL, {"learning_rate": [i / 100 for i in range(1, 25)]})) == MAX_RUNS


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, 10_001])
def test_epochs_out_of_range_are_refused(epochs):
    with pytest.raises(ArgumentError) as e:
        sweep(SPIRAL, {"learning_rate": [0.1]}, epochs=epochs)
    assert e.value.field == "epochs"


def test_sweeps_are_deterministic():
    vary = {"learning_rate": [0.03, 0.3], "dropout": [0.0, 0.2]}
    first, again = sweep(SPIRAL, vary, epochs=3), sweep(SPIRAL, vary, epochs=3)
    for a, b in zip(first, again):
        assert a.varied == b.varied
        assert np.array_equal(a.trainer.net.theta, b.trainer.net.theta)
        for name in a.history:
            assert np.array_equal(a.history[name], b.history[name], equal_nan=True), name


@pytest.mark.parametrize("config, vary", [
    (SPIRAL, {"learning_rate": [0.01, 0.3], "optimizer": ["sgd", "adam"]}),
    (SPIRAL.replace(batch_norm=True), {"dropout": [0.0, 0.3]}),
    (DIGITS, {"hidden_layers": [[16], [32, 16]], "activation": ["relu", "tanh", "sigmoid"]}),
])
def test_a_sweeps_run_is_bit_identical_to_the_same_config_trained_alone(config, vary):
    epochs = 3
    for run in sweep(config, vary, epochs=epochs):
        alone = Trainer(config.replace(**run.varied))
        for _ in range(epochs):
            alone.step_epoch()
        assert run.trainer.step_count == alone.step_count == run.history["step"][-1]
        assert np.array_equal(run.trainer.net.theta, alone.net.theta)
        assert run.final("test_loss") == alone.net.loss.value(
            *_last_layer(alone), alone.Y_test)


def _last_layer(trainer):
    """(Z, A) of the output layer on the test points."""
    return trainer.net.infer(trainer.X_test)[-1]


def test_training_in_short_slices_gives_the_same_run():
    whole = run_one(DIGITS, 2)
    sliced = Run(DIGITS, 2)
    slices = 0
    while not sliced.done:
        sliced.advance(max_seconds=0.0)  # one step a call
        slices += 1
    assert slices == whole.trainer.step_count
    assert np.array_equal(sliced.trainer.net.theta, whole.trainer.net.theta)
    for name in whole.history:
        assert np.array_equal(sliced.history[name], whole.history[name]), name


def test_the_history_holds_each_epoch_from_the_initial_weights():
    run = run_one(DIGITS, 4)
    h = run.history
    assert list(h["epoch"]) == [0, 1, 2, 3, 4]
    assert list(h["step"]) == [0, 40, 80, 120, 160]  # 1257 training digits / 32 a batch
    assert set(h) == {"epoch", "step", "train_loss", "test_loss", "train_accuracy",
                      "test_accuracy"}
    assert h["test_accuracy"][-1] > 0.8 > h["test_accuracy"][0]
    regression = run_one(Config(dataset="plane", hidden_layers=(4,), output_activation="linear",
                                loss="mse", n_samples=100), 1)
    assert {"train_rmse", "test_rmse"} <= set(regression.history)


def test_a_run_that_diverges_stops_with_its_later_epochs_nan():
    run = run_one(Config(dataset="plane", hidden_layers=(8,), output_activation="linear",
                         loss="mse", learning_rate=1e4, n_samples=100), 10)
    assert run.diverged is not None and "learning rate" in run.diverged["message"]
    assert run.done and np.isnan(run.history["train_loss"][-1])
    assert np.isfinite(run.history["train_loss"][0])


def test_measures_taken_apart_give_the_same_run_and_hold_training_until_taken():
    whole = run_one(DIGITS, 2)
    apart = Run(DIGITS, 2)
    while not apart.done:
        apart.advance(measure=False)
        if not apart.measured:
            assert apart.advance() == 0  # no training past an epoch not yet measured
            apart.measure()
    assert np.array_equal(apart.trainer.net.theta, whole.trainer.net.theta)
    for name in whole.history:
        assert np.array_equal(apart.history[name], whole.history[name]), name
