"""The timeline: checkpoints to look back at and branch from, bit for bit, in bounded memory."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncore import Config, Trainer
from nncore.timeline import Timeline, capture

CONFIGS = {
    "sgd mini-batches": Config(dataset="spiral", hidden_layers=[8, 8], batch_size=10),
    "adam, dropout, batch norm": Config(dataset="xor", hidden_layers=[6, 5], optimizer="adam",
                                        dropout=0.2, batch_norm=True, batch_size=7),
    "full batch, rmsprop, l2": Config(dataset="circle", hidden_layers=[4], batch_size=1000,
                                       optimizer="rmsprop", l2=0.01),
    "regression": Config(dataset="plane", hidden_layers=[8], batch_size=16,
                         output_activation="linear", loss="mse"),
}


@pytest.mark.parametrize("name", CONFIGS)
def test_a_run_restored_from_a_checkpoint_goes_on_bit_for_bit(name):
    run = Trainer(CONFIGS[name])
    timeline = Timeline()
    for n in (0, 37, 100, 263):
        run.step(n)
        timeline.record(run)
    run.step(50)
    after = run.net.theta.copy()
    for step in (0, 37, 137, 400):
        again = timeline.at(step).restore()
        assert again.step_count == step
        again.step(450 - step)
        assert again.step_count == run.step_count
        assert np.array_equal(again.net.theta, after), step
        assert again.epoch == run.epoch and again.position == run.position


def test_a_branch_with_changed_settings_leaves_the_original_and_replays_exactly():
    run = Trainer(Config(dataset="spiral", hidden_layers=[8, 8], batch_size=10))
    timeline = Timeline()
    run.step(200)
    checkpoint = timeline.record(run)
    run.step(100)
    original = run.net.theta.copy()

    def branch():
        tr = checkpoint.restore()
        tr.set(learning_rate=0.3, activation="relu")
        tr.step(300)
        return tr.net.theta

    first, second = branch(), branch()
    assert np.array_equal(first, second)  # same checkpoint, same settings: the same weights
    assert not np.array_equal(first, original)
    assert np.array_equal(run.net.theta, original)  # the original is untouched
    assert checkpoint.restore().step_count == 200


def test_a_checkpoint_is_a_copy_not_a_view_of_the_run():
    run = Trainer(Config(dataset="xor", hidden_layers=[4], optimizer="adam"))
    run.step(5)
    checkpoint = capture(run)
    kept = checkpoint.optimizer["state"]["exp_avg"]
    theta, moments = checkpoint.theta.copy(), [a.copy() for a in kept]
    run.step(20)
    assert np.array_equal(checkpoint.theta, theta)
    assert all(np.array_equal(a, b) for a, b in zip(kept, moments))


@settings(max_examples=25, deadline=None)
@given(max_checkpoints=st.integers(2, 40), gaps=st.lists(st.integers(1, 500), min_size=1,
                                                       max_size=300))
def test_the_timeline_stays_within_its_bound_keeping_the_first_and_the_newest(max_checkpoints,
                                                                              gaps):
    run = Trainer(Config(dataset="xor", hidden_layers=[3]))
    timeline = Timeline(max_checkpoints=max_checkpoints)
    timeline.record(run)
    for gap in gaps:
        run.step_count += gap  # only the step matters to the policy; training is not needed
        timeline.record(run)
        assert len(timeline) <= max_checkpoints
        steps = timeline.steps
        assert steps[0] == 0 and steps[-1] == run.step_count and steps == sorted(set(steps))


def test_over_a_long_run_checkpoints_are_dense_near_the_present_and_thin_in_the_past():
    run = Trainer(Config(dataset="spiral", hidden_layers=[8] * 6))
    size = capture(run).nbytes
    timeline = Timeline(max_checkpoints=48, max_bytes=30 * size)
    for _ in range(3000):  # a frame's worth of steps at a time, 100,000 steps in all
        run.step_count += 33
        timeline.record(run)
        assert len(timeline) <= 30 and timeline.nbytes <= 30 * size
    steps = np.array(timeline.steps)
    now = steps[-1]
    gaps, ages = np.diff(steps), now - steps[:-1]
    recent, old = gaps[ages <= now // 100], gaps[ages > now // 2]
    assert recent.size >= 3 and old.size >= 1
    assert recent.max() < old.min()  # near the present the steps are closer than long ago
    # and the spacing grows with age: each gap is a bounded fraction of its age
    assert (gaps[1:] <= ages[1:]).all()


def test_recording_an_earlier_step_drops_what_came_after_it():
    run = Trainer(Config(dataset="xor", hidden_layers=[3]))
    timeline = Timeline()
    for _ in range(5):
        run.step(10)
        timeline.record(run)
    rewound = timeline.at(25).restore()
    timeline.record(rewound)
    assert timeline.steps == [10, 20]
    assert timeline.at(5) is None and timeline.at(1000).step == 20


def test_a_timeline_needs_room_for_the_first_and_the_newest():
    with pytest.raises(ValueError, match="max_checkpoints=1"):
        Timeline(max_checkpoints=1)
