"""The plain data types the engine hands around: a dataset with its split, and reports."""

from dataclasses import dataclass

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

    @property
    def is_plane(self):
        return self.X.shape[1] == 2


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
