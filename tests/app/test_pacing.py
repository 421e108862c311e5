"""Pacing on a clock the test moves: the speed, the frame cadence and the rate limit are
exact functions of time, tested without waiting for any."""

import json

import pytest

from app import protocol
from app.pacing import Cadence, Pace, TokenBucket
from app.session import Session
from app.settings import Settings


class Clock:
    def __init__(self, t=100.0):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, dt):
        self.t += dt


def test_a_token_bucket_refills_at_its_rate_up_to_its_burst():
    clock = Clock()
    bucket = TokenBucket(5.0, 20, clock)
    assert sum(bucket.take() for _ in range(30)) == 20  # the burst, then nothing
    clock.advance(1.0)
    assert sum(bucket.take() for _ in range(30)) == 5  # a second buys five
    clock.advance(100.0)
    assert bucket.refill() == 20  # never more than the burst
    bucket.empty()
    assert bucket.seconds_until(1.0) == pytest.approx(0.2)


@pytest.mark.parametrize("speed", [1.0, 40.0, 100.0, 1000.0])
def test_a_set_speed_gives_that_many_steps_a_second(speed):
    clock = Clock()
    pace = Pace(clock)
    pace.set(speed)
    pace.restart()
    steps = 0
    for _ in range(1000):  # ten seconds in ticks of 10 ms
        clock.advance(0.01)
        n = pace.allowed(10**9)
        pace.spend(n)
        steps += n
    assert speed * 10 - 1 <= steps <= speed * 10 + 1


def test_max_speed_is_not_paced_and_a_paused_session_owes_no_steps():
    clock = Clock()
    pace = Pace(clock)
    pace.set("max")
    assert pace.allowed(12345) == 12345 and pace.shown == "max"
    pace.set(100)
    clock.advance(60.0)  # a minute paused ...
    pace.restart()  # ... then play: no burst for the time it was not training
    assert pace.allowed(10**9) == 0
    clock.advance(0.05)
    assert pace.allowed(10**9) == 5


@pytest.mark.parametrize("fps", [5, 30, 60])
def test_frames_fall_due_once_per_interval_and_sooner_after_a_command(fps):
    clock = Clock()
    cadence = Cadence(fps, clock)
    assert cadence.wait() == 0.0  # the first frame at once
    cadence.built(still_changing=True)
    assert cadence.wait() == pytest.approx(1.0 / fps)
    clock.advance(0.5 / fps)
    cadence.touch(urgent=True)
    assert cadence.wait() == pytest.approx(max(0.0, min(0.5 / fps, 1 / 60 - 0.5 / fps)))
    cadence.built(still_changing=False)
    assert cadence.wait() is None  # nothing changes: no frame


def test_frames_due_while_one_is_in_flight_are_skipped_and_counted():
    clock = Clock()
    cadence = Cadence(30, clock)
    cadence.built(still_changing=True)
    clock.advance(1.0)  # the client read nothing for a second
    cadence.skip()
    assert 29 <= cadence.skipped <= 30
    assert cadence.next_due > clock()


def test_a_paced_session_trains_at_its_speed_on_the_clock():
    """The whole session, paced by the clock it was given: 100 steps a second for 3 s."""
    clock = Clock()
    s = Session(Settings(open_browser=False), clock=clock)
    s.apply(command("speed", steps_per_second=100))
    s.apply(command("play"))
    for _ in range(300):
        clock.advance(0.01)
        s.work(budget=1.0)
    assert 299 <= s.trainer.step_count <= 301


def command(kind, **fields):
    return protocol.parse(json.dumps({"type": kind, **fields}))


@pytest.mark.parametrize("frame_cost", [0.001, 0.014, 0.2])
def test_while_training_frames_take_at_most_their_share(frame_cost):
    """Whatever a frame costs, while the session trains frames get at most SHARE of its time:
    each second of training pays for SHARE/(1 − SHARE) of frames."""
    clock = Clock()
    start = clock.t
    cadence = Cadence(60, clock)
    framed = trained = 0.0
    for _ in range(20_000):  # a session's units: a frame when one may be built, else a slice
        if cadence.ready(training=True) == 0.0:
            cadence.built(still_changing=True)
            cadence.rendered(frame_cost, training=True)
            framed += frame_cost
            clock.advance(frame_cost)
        else:
            cadence.trained(0.003)
            trained += 0.003
            clock.advance(0.003)
    share = framed / (framed + trained)
    assert share <= Cadence.SHARE + 0.01, share
    if frame_cost < 0.002:  # cheap frames come at their cadence (60 a second)
        assert framed / frame_cost >= 0.98 * 60 * (clock.t - start)
