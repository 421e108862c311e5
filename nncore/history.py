"""A run's measured history as plain arrays: the series of one metric, and when it first
reached a target.

A history is a list of points {"step": s, name: value, ...}, oldest first, as a trainer's
user measures them (nnplay's chart points: one per frame, thinned when the list is long).
Everything here is exact on the points given: a step that was not measured is not guessed.
"""

import numpy as np


def series(points, key):
    """(steps (n,) int64, values (n,) float64) of the points that hold `key`, in order."""
    kept = [(p["step"], p[key]) for p in points if key in p]
    if not kept:
        return np.zeros(0, np.int64), np.zeros(0)
    steps, values = zip(*kept)
    return np.asarray(steps, np.int64), np.asarray(values, np.float64)


def first_reach(steps, values, target):
    """The first measured step whose value is at least `target`: s* = min{ sᵢ : vᵢ ≥ target },
    or None when no value reaches it (NaN never does).

    With a history measured every k steps the answer is within k steps after the true one.
    """
    steps, values = np.asarray(steps), np.asarray(values, np.float64)
    reached = np.flatnonzero(values >= target)  # (m,) indices, in order
    return None if reached.size == 0 else int(steps[reached[0]])
