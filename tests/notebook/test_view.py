"""The notebook view in this process (no kernel, no browser): what it sends and when, the
commands from its front end, and that showing a trainer changes none of its numbers."""

import copy
import pickle
import threading
import time

import numpy as np
import pytest

pytest.importorskip("anywidget")

from app import frames  # noqa: E402
from app.notebook import ShownTrainer, TrainerView, show  # noqa: E402
from nncore import Trainer  # noqa: E402

WAIT_SECONDS = 60


class FakeClock:
    """The view's clock, moved by hand: the frame interval is tested without waiting."""

    def __init__(self):
        self.now = time.perf_counter()  # after the view's first frame, as the real clock was

    def __call__(self):
        return self.now


class FakeTimers:
    """The view's timers outside IPython, started by hand: [(seconds, callback)]."""

    def __init__(self):
        self.started = []

    def __call__(self, seconds, callback):
        self.started.append((seconds, callback))
        return self

    def cancel(self):
        pass


def small(**changes):
    return Trainer(dataset="spiral", hidden_layers=[6, 4], seed=3, **changes)


def header(message):
    return frames.unpack(message)[0]


@pytest.fixture
def view():
    v = show(small())
    v.clock, v.defer = FakeClock(), FakeTimers()
    yield v
    v.close()


def test_show_sends_the_network_the_data_and_a_first_frame():
    tr = small()
    v = show(tr)
    try:
        assert isinstance(tr, ShownTrainer) and isinstance(v, TrainerView)
        net, data, frame = (header(m) for m in (v.network_message, v.data_message,
                                                v.frame_message))
        assert (net["type"], net["sizes"], net["plane"]) == ("network", [2, 6, 4, 1], True)
        assert (data["type"], data["count"]) == ("data", len(tr.data.y))
        assert (frame["type"], frame["step"], frame["network_version"]) == ("frame", 0, 1)
        assert v.frames_sent == 1 and v.learning_rate == tr.config.learning_rate
        assert tr.config.learning_rate in v.learning_rates
        assert v.feature_labels["x1"] == "x₁"
    finally:
        v.close()


def test_a_shown_trainer_ends_with_the_same_weights_as_one_never_shown():
    plain, shown = small(), small()
    v = show(shown, fps=60)
    try:
        for _ in range(30):
            plain.step(7)
            shown.step(7)
            v.flush()  # a frame after every call: reading the network changes nothing
        assert v.frames_sent > 1
        assert shown.step_count == plain.step_count == 210
        for a, b in zip(shown.net.params, plain.net.params):
            np.testing.assert_array_equal(a, b)
    finally:
        v.close()


def test_frames_come_at_most_once_an_interval_and_the_last_step_after_the_cell(view):
    tr, clock = view.trainer, view.clock
    for _ in range(20):  # a loop in a cell, faster than the frame interval
        tr.step(5)
    assert view.frames_sent == 1  # the first frame only: no interval has passed
    clock.now += view.interval
    tr.step(5)
    assert view.frames_sent == 2 and header(view.frame_message)["step"] == 105
    tr.step(5)
    assert view.frames_sent == 2  # held back: due, but within the interval
    view._after_cell()  # IPython's post_run_cell
    frame = header(view.frame_message)
    assert view.frames_sent == 3 and frame["step"] == 110
    # the mini-batch losses since the last frame travel with it, at their own steps
    assert frame["losses"]["steps"] == [106, 107, 108, 109, 110]
    view._after_cell()
    assert view.frames_sent == 3  # nothing changed: nothing sent


def test_a_rebuild_sends_the_new_network_and_restarts_the_chart(view):
    tr = view.trainer
    view.trainer.step(50)
    view.flush()
    assert [p["step"] for p in view.history.points] == [0, 50]
    tr.set(hidden_layers=[3])
    view.flush()
    net, frame = header(view.network_message), header(view.frame_message)
    assert net["sizes"] == [2, 3, 1] and net["version"] == 2
    assert frame["network_version"] == 2 and frame["step"] == 0
    assert [p["step"] for p in view.history.points] == [0]


def test_the_front_ends_commands_act_on_the_trainer(view):
    tr = view.trainer
    view._on_message(view, {"type": "step"}, [])
    assert tr.step_count == 1 and header(view.frame_message)["step"] == 1
    view._on_message(view, {"type": "learning_rate", "value": 0.3}, [])
    assert tr.config.learning_rate == 0.3 == view.learning_rate and view.error == ""
    view._on_message(view, {"type": "learning_rate", "value": -1}, [])
    assert "learning_rate" in view.error and tr.config.learning_rate == 0.3
    view._on_message(view, {"type": "set_weight", "layer": 1, "source": 0, "target": 2,
                            "value": 1.5}, [])
    assert tr.net.layers[0].W[0, 2] == 1.5
    assert frames.unpack(view.frame_message)[1]["W1"][0, 2] == 1.5
    view._on_message(view, {"type": "hidden_layers", "value": [5, 5, 5]}, [])
    assert header(view.network_message)["sizes"] == [2, 5, 5, 5, 1]
    view._on_message(view, {"type": "launch"}, [])
    assert "unknown message type 'launch'" in view.error


def test_the_history_goes_to_a_view_that_asks(view, monkeypatch):
    sent = []
    monkeypatch.setattr(view, "send", lambda content, buffers=None: sent.append(content))
    view.trainer.step(10)
    view.flush()
    view._on_message(view, {"type": "history"}, [])
    assert sent == [{"type": "history", "points": view.history.points}]
    assert [p["step"] for p in sent[0]["points"]] == [0, 10]


def test_play_without_an_event_loop_trains_on_a_thread_until_paused(view):
    tr = view.trainer
    view._on_message(view, {"type": "play"}, [])
    assert view.playing and isinstance(view._player, threading.Thread)
    reached = threading.Event()

    def watch(change):
        if change["new"] > 1:
            reached.set()

    view.observe(watch, "frames_sent")
    view.clock = lambda: float("inf")  # every step is a frame's time after the last one
    assert reached.wait(WAIT_SECONDS), "no frame came while playing"
    view._on_message(view, {"type": "pause"}, [])
    view._player.join(WAIT_SECONDS)
    assert not view._player.is_alive() and not view.playing
    stopped = tr.step_count
    assert stopped > 0 and header(view.frame_message)["step"] == stopped


def test_copies_of_a_shown_trainer_are_not_watched(view):
    tr = view.trainer
    tr.step(3)
    view.flush()
    sent = view.frames_sent
    for twin in (copy.deepcopy(tr), pickle.loads(pickle.dumps(tr))):
        twin.step(50)
        view.flush()
        assert view.frames_sent == sent and tr.step_count == 3
        assert twin.step_count == 53


def test_a_closed_view_no_longer_follows_its_trainer():
    tr = small()
    v = show(tr)
    v.close()
    tr.step(10)  # no error, nothing sent
    assert tr.step_count == 10 and v.frames_sent == 1


def test_a_view_that_fails_to_build_a_frame_does_not_stop_training(view, monkeypatch):
    def broken(job):
        raise RuntimeError("no frame today")

    monkeypatch.setattr(frames, "render", broken)
    view.clock.now += view.interval
    report = view.trainer.step(5)
    assert report.steps == 5 and view.trainer.step_count == 5
    assert "could not show step 5" in view.error and "no frame today" in view.error


def test_outside_ipython_a_timer_shows_the_last_step(view):
    """marimo and scripts have no post_run_cell: the held-back frame goes when it is due."""
    tr, timers = view.trainer, view.defer
    tr.step(5)
    tr.step(5)
    assert view.frames_sent == 1 and len(timers.started) == 1  # one timer for both
    seconds, late = timers.started[0]
    assert 0 < seconds <= view.interval
    late()  # its time came: the trainer is between two steps
    assert view.frames_sent == 2 and header(view.frame_message)["step"] == 10
    late()  # a timer whose frame went already sends nothing
    assert view.frames_sent == 2


def test_show_refuses_what_it_cannot_show():
    with pytest.raises(TypeError, match="takes an nncore Trainer; got dict"):
        show({"dataset": "spiral"})
    with pytest.raises(ValueError, match="fps must be 1 to 60 frames a second; got 0"):
        show(small(), fps=0)
