"""Sweeps: "vary X over these values", one field or two as a grid, each run trained for a
number of epochs from the same base config.

    from nncore import Config, sweep
    runs = sweep(Config(dataset="digits", hidden_layers=(64, 32), ...),
                 vary={"learning_rate": [0.01, 0.1], "activation": ["relu", "tanh", "sigmoid"]},
                 epochs=20)
    runs[0].varied                      # {"learning_rate": 0.01, "activation": "relu"}
    runs[0].history["test_accuracy"]    # (21,) after 0, 1, ..., 20 epochs

A sweep is a set of ordinary runs: each is a Trainer built from its config and trained an
epoch at a time, the same code whether it runs alone (`run_one`), in a notebook's `sweep`, or
in small slices on a server (`Run.advance`). Training is deterministic and measuring does not
touch the run's random generators, so each run's weights are those of `Trainer(config)`
trained alone for the same epochs, bit for bit.
"""

import itertools
import math

import numpy as np

from . import probes
from . import validation as check
from .config import SETTINGS, Config
from .trainer import Trainer

# What a sweep may vary: the tutorial's exercise (layers and neurons, learning rate,
# activation) and the training settings that go with it.
SWEEPABLE = ("learning_rate", "hidden_layers", "activation", "batch_size", "optimizer", "l1",
             "l2", "dropout")
MAX_FIELDS = 2  # one field, or two as a grid
MAX_RUNS = 24
MAX_EPOCHS = 10_000
# The per-epoch measures of a run's history, each one value per epoch from epoch 0 (the
# initial weights); a measure the data does not have (no test set) is NaN.
MEASURES = {"classification": ("train_loss", "test_loss", "train_accuracy", "test_accuracy"),
            "regression": ("train_loss", "test_loss", "train_rmse", "test_rmse")}


def grid(config, vary):
    """[(config, varied)] of every combination of `vary`'s values, the first field's values
    outermost: {"a": [1, 2], "b": [x, y, z]} gives a1 bx, a1 by, a1 bz, a2 bx, ...

    Checked whole before any run is built: `vary` names one or two fields of SWEEPABLE, each
    with a list of distinct values the config allows, at most MAX_RUNS combinations in all
    (ArgumentError naming the field, the value and what is allowed)."""
    if not isinstance(config, Config):
        raise check.ArgumentError("config", type(config).__name__, "a Config",
                                  f"config must be a Config; got {type(config).__name__}")
    if not isinstance(vary, dict) or not 1 <= len(vary) <= MAX_FIELDS:
        shown = sorted(vary) if isinstance(vary, dict) else type(vary).__name__
        raise check.ArgumentError("vary", shown, "one or two fields, each with its values",
                                  f"vary={shown!r} must name one or two fields to vary, e.g. "
                                  "{'learning_rate': [0.01, 0.1]}")
    axes = []
    for field, values in vary.items():
        check.choice("vary", field, SWEEPABLE)
        axes.append([(field, v) for v in _values(config, field, values)])
    combos = list(itertools.product(*axes))
    if len(combos) > MAX_RUNS:
        sizes = " × ".join(str(len(a)) for a in axes)
        raise check.ArgumentError("vary", len(combos), f"at most {MAX_RUNS} runs",
                                  f"vary gives {sizes} = {len(combos)} runs; a sweep has at "
                                  f"most {MAX_RUNS}")
    return [(config.replace(**dict(combo)), dict(combo)) for combo in combos]


def _values(config, field, values):
    """`values` of `field` as the config holds them, each checked with the rest of `config`."""
    if not isinstance(values, (list, tuple)) or not values:
        raise check.ArgumentError(field, values, "a non-empty list of values",
                                  f"vary[{field!r}]={check.clip(values)!r} must be a non-empty "
                                  f"list of values ({SETTINGS[field].allowed})")
    out = []
    for value in values:
        checked = getattr(config.replace(**{field: value}), field)  # alone, then together
        if checked in out:
            raise check.ArgumentError(field, check.clip(value), "each value once",
                                      f"vary[{field!r}] has {check.clip(value)!r} twice; give "
                                      "each value once")
        out.append(checked)
    return out


class Run:
    """One run of a sweep: a Trainer built from `config` (and `data`, as Trainer takes it)
    and trained `epochs` epochs, its measures recorded after each one.

    `advance(max_seconds)` trains up to the end of the current epoch within a time budget,
    so a server can train it in short slices; the result does not depend on the slicing.
    With measure=False the epoch's measures wait for `measure()` (a server takes them off its
    event loop: over MNIST's 70,000 points they cost a fraction of a second); training does
    not go on past an epoch that is not measured.
    A run that diverges stops there: its later epochs are NaN and `diverged` says why.
    """

    def __init__(self, config, epochs, data=None, folders=None, varied=None):
        self.epochs = check.integer("epochs", epochs, 1, MAX_EPOCHS)
        self.trainer = Trainer(config, data=data, folders=folders)
        self.config = self.trainer.config
        self.varied = dict(varied or {})
        names = ("epoch", "step", *MEASURES[self.trainer.data.task])
        self.history = {name: np.full(self.epochs + 1, np.nan) for name in names}
        self.diverged = None
        self.measure()

    @property
    def epoch(self):
        """Epochs trained so far."""
        return self.trainer.epoch

    @property
    def measured(self):
        """Whether the epochs trained so far have their measures."""
        return not math.isnan(self.history["epoch"][self.trainer.epoch])

    @property
    def done(self):
        return self.diverged is not None or (self.trainer.epoch >= self.epochs and self.measured)

    def advance(self, max_seconds=None, measure=True):
        """Train towards the end of the current epoch, for at most `max_seconds` (None: to
        its end); the epoch's measures are taken when it ends (measure=False: left to
        `measure()`). Returns the steps done."""
        if self.done or not self.measured:
            return 0
        tr = self.trainer
        report = tr.step(tr.steps_left_in_epoch, max_seconds=max_seconds)
        if report.diverged is not None:
            self.diverged = report.diverged
        elif measure and not self.measured:
            self.measure()
        return report.steps

    def measure(self):
        """Record the measures of the network as it is now, at the epoch trained so far."""
        tr = self.trainer
        metrics = probes.metrics(tr)
        e = tr.epoch
        self.history["epoch"][e] = e
        self.history["step"][e] = tr.step_count
        for name in self.history.keys() - {"epoch", "step"}:
            self.history[name][e] = metrics.get(name, math.nan)

    def final(self, name):
        """A measure after the last epoch trained (NaN if it has none)."""
        values = self.history[name][~np.isnan(self.history[name])]
        return float(values[-1]) if len(values) else math.nan


def run_one(config, epochs, data=None, folders=None, varied=None):
    """Train one run of a sweep to its end: the same as `Trainer(config)` trained alone
    `epochs` epochs, with its measures after each epoch."""
    run = Run(config, epochs, data, folders, varied)
    while not run.done:
        run.advance()
    return run


def sweep(config=None, vary=None, epochs=10, data=None, folders=None, **changes):
    """Train every combination of `vary` (see `grid`) for `epochs` epochs, in turn, from
    `config` with `changes` (as Trainer takes them); the Runs, in grid order."""
    config = config or Config()
    if changes:
        config = config.replace(**changes)
    epochs = check.integer("epochs", epochs, 1, MAX_EPOCHS)
    return [run_one(cfg, epochs, data, folders, varied) for cfg, varied in grid(config, vary)]
