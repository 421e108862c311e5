"""nncore.history: a metric's series from a run's points, and the first step that reached a
target, worked by hand."""

import math

from nncore import history

POINTS = [{"step": 0, "test_accuracy": 0.5}, {"step": 10, "epoch": 1.0},  # no accuracy here
          {"step": 20, "test_accuracy": 0.89}, {"step": 30, "test_accuracy": 0.9},
          {"step": 40, "test_accuracy": 0.85}, {"step": 50, "test_accuracy": 0.97}]


def test_series_keeps_the_points_that_hold_the_key_in_order():
    steps, values = history.series(POINTS, "test_accuracy")
    assert steps.tolist() == [0, 20, 30, 40, 50]
    assert values.tolist() == [0.5, 0.89, 0.9, 0.85, 0.97]
    steps, values = history.series(POINTS, "test_r2")
    assert steps.shape == values.shape == (0,)


def test_first_reach_is_the_first_measured_step_at_or_above_the_target():
    steps, values = history.series(POINTS, "test_accuracy")
    assert history.first_reach(steps, values, 0.9) == 30  # 0.9 ≥ 0.9: reached exactly
    assert history.first_reach(steps, values, 0.88) == 20
    assert history.first_reach(steps, values, 0.95) == 50  # the dip at 40 does not count
    assert history.first_reach(steps, values, 0.5) == 0
    assert history.first_reach(steps, values, 0.98) is None
    assert history.first_reach([], [], 0.5) is None
    assert history.first_reach([0, 5], [math.nan, 0.7], 0.6) == 5  # NaN reaches nothing
