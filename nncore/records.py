"""The plain data types the engine hands around: a dataset with its split, and reports."""

import functools
import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Data:
    X: np.ndarray  # (N, d) raw inputs
    y: np.ndarray  # (N,) int64 classes or float64 regression targets
    train: np.ndarray  # indices of the training points
    test: np.ndarray  # indices of the test points
    task: str  # "classification" or "regression"
    n_classes: int  # 0 for regression
    extent: tuple  # (lo, hi) of the square input plane shown for 2-D data
    # Points read from a dataset's files (MNIST): {"dataset", "sha256"}, so a saved run names
    # them instead of holding them; None for points made here or given.
    source: dict | None = None

    @property
    def is_plane(self):
        return self.X.shape[1] == 2

    @functools.cached_property
    def value_range(self):
        """(lo, hi) of every input value (computed once: an image's pixels are drawn on it)."""
        if self.X.size == 0:
            return (0.0, 1.0)
        lo, hi = float(self.X.min()), float(self.X.max())
        return (lo, hi if hi > lo else lo + 1.0)

    @property
    def image_shape(self):
        """(side, side) when each point is a square image (digits 8×8, MNIST 28×28, a CSV
        of 16, 25, … columns), else None."""
        d = self.X.shape[1]
        side = math.isqrt(d)
        return (side, side) if d >= 16 and side * side == d else None


@dataclass
class EvalPoints:
    """Every point as the network sees it, training points first, so each part is a slice."""
    X: np.ndarray  # (N, n_in) network inputs
    Y: np.ndarray  # (N, n_out) target rows
    y: np.ndarray  # (N,) labels or regression targets
    n_train: int  # the first n_train rows are the training points
    task: str  # "classification" or "regression"
    n_classes: int  # 0 for regression


@dataclass
class Evaluation:
    """What `probes.evaluate` measures in one pass over every point."""
    metrics: dict  # train/test loss, accuracy or RMSE and R², and the penalty
    dead: np.ndarray  # (hidden layers,) fraction of dead units on the training points
    confusion: np.ndarray | None  # (k, k) test confusion matrix (classification)
    outputs: np.ndarray  # (N, n_out) the network's outputs, in EvalPoints order


@dataclass
class StepReport:
    steps: int  # updates applied
    losses: np.ndarray  # (steps,) mini-batch loss of each update, before it
    diverged: dict | None  # what went wrong, when a step was refused


@dataclass
class SetReport:
    changed: dict  # field -> new value, for the fields that changed
    rebuilt: bool  # the network was rebuilt (weights re-initialised)
    data_changed: bool  # the data was remade
    adjusted: dict = field(default_factory=dict)  # output/loss moved to fit the data's task
    note: str | None = None  # why, in one short line
