"""Pacing: token buckets, the training speed and the frame cadence, on an injectable clock.

Each object reads time only from the `clock` it is given (time.monotonic by default), so its
behaviour is a function of the times it sees and the tests can drive it exactly.
"""

import time


class TokenBucket:
    """`rate` tokens a second, holding at most `burst`; `take` spends them."""

    def __init__(self, rate, burst, clock=time.monotonic, full=True):
        self.rate, self.burst, self.clock = float(rate), float(burst), clock
        self.tokens = self.burst if full else 0.0
        self.time = clock()

    def refill(self):
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.time) * self.rate)
        self.time = now
        return self.tokens

    def take(self, n=1.0):
        """Spend n tokens if there are n; whether they were spent."""
        if self.refill() < n:
            return False
        self.tokens -= n
        return True

    def spend(self, n):
        """Spend n tokens whether or not they are there (the bucket may go negative)."""
        self.refill()
        self.tokens -= n

    def empty(self):
        self.refill()
        self.tokens = 0.0

    def seconds_until(self, n=1.0):
        """How long until n tokens are there (0 if they are now)."""
        have = self.refill()
        return 0.0 if have >= n else (n - have) / self.rate


class Pace:
    """The training speed: as fast as possible, or `speed` steps a second.

    At a set speed the steps come from a token bucket that holds at most a quarter second of
    them (at least one), so a session that could not keep up does not burst afterwards.
    """

    DEFAULT = 100.0  # a teaching pace: the circle is learned in about ten seconds, visibly

    def __init__(self, clock=time.monotonic, speed=DEFAULT):
        self.clock = clock
        self.speed = None  # steps per second; None: as fast as possible
        self.bucket = None
        self.set(speed)

    def set(self, speed):
        self.speed = None if speed in (None, "max") else float(speed)
        self.bucket = (None if self.speed is None else
                       TokenBucket(self.speed, max(1.0, self.speed * 0.25), self.clock,
                                   full=False))

    def restart(self):
        """Training (re)starts now: no steps are owed for the time it was not training."""
        if self.bucket is not None:
            self.bucket.empty()

    def allowed(self, most):
        """How many steps may run now, at most `most`."""
        if self.bucket is None:
            return most
        return min(most, int(self.bucket.refill()))

    def spend(self, steps):
        if self.bucket is not None:
            self.bucket.tokens -= steps

    def seconds_until_step(self, grain=0.0):
        """How long until steps are due: one, or as many as `grain` seconds of the pace make
        (at most what the bucket holds). Training then comes in fewer, larger units, and each
        unit costs the scheduler a turn: 60 sessions at 100 steps/s in units of one step are
        6,000 turns a second, more CPU than their training."""
        if self.bucket is None:
            return 0.0
        return self.bucket.seconds_until(min(self.bucket.burst, max(1.0, self.speed * grain)))

    @property
    def shown(self):
        """The speed as the protocol says it: steps per second, or "max"."""
        return "max" if self.speed is None else self.speed


class Cadence:
    """When frames fall due: every 1/fps seconds while something changes, and sooner (up to
    60 a second) after a command, so that its effect shows at once.

    While the session trains, frames take at most SHARE of its time and training at least the
    rest: every second of training earns SHARE/(1 − SHARE) seconds of frames (up to CREDIT
    saved), each frame spends what it cost, and a due frame waits while the credit is spent. A
    costly frame (a large network over a fine grid) slows the frames, never stops the
    training. `held` says whether that held a frame back since the last one.
    """

    URGENT_INTERVAL = 1.0 / 60
    SHARE = 0.75
    CREDIT = 0.05  # seconds of frames a session may save up (a few frames back to back)

    def __init__(self, fps=30, clock=time.monotonic):
        self.clock, self.fps = clock, fps
        self.cap = None  # frames a second the client's link carries, when fewer (linkrate.py)
        self.next_due = 0.0  # when the next frame falls due
        self.built_time = 0.0  # when the last frame was built
        self.dirty = True  # something changed since the last frame
        self.urgent = True  # ... and a command asked to see it soon
        self.skipped = 0  # frames that fell due while the previous one was still going out
        self.cost = 0.0  # seconds a frame takes to build (a moving average)
        self.credit = 0.0  # seconds of frame building that training has paid for
        self.held = False  # a frame was held back for training since the last one

    @property
    def rate(self):
        """Frames a second: as asked, or the link's cap when lower."""
        return self.fps if self.cap is None else min(self.fps, self.cap)

    def touch(self, urgent=False):
        self.dirty = True
        self.urgent = self.urgent or urgent

    def wait(self):
        """Seconds until a frame is due (0: now; None: nothing to show)."""
        if not self.dirty:
            return None
        due = self.next_due
        if self.urgent:
            due = min(due, self.built_time + self.URGENT_INTERVAL)
        return max(0.0, due - self.clock())

    def ready(self, training):
        """Seconds until a frame may be built (0: now; None: nothing to show, or training
        first, whose slices bring it due again)."""
        wait = self.wait()
        if wait != 0.0 or not training or self.credit >= 0.0:
            return wait
        self.held = True
        return None

    def trained(self, seconds):
        """Training ran for `seconds`: that pays for frames."""
        self.credit = min(self.CREDIT, self.credit + seconds * self.SHARE / (1.0 - self.SHARE))

    def rendered(self, seconds, training):
        """A frame took `seconds` to build; while training, it is paid from the credit."""
        self.cost = seconds if not self.cost else 0.7 * self.cost + 0.3 * seconds
        if training:
            self.credit -= seconds
        self.held = False

    def skip(self):
        """A frame fell due while the last one was going out: skip it (never queue it)."""
        now, interval = self.clock(), 1.0 / self.rate
        if self.next_due <= now:
            missed = int((now - self.next_due) / interval) + 1
            self.skipped += missed
            self.next_due += missed * interval

    def built(self, still_changing):
        """A frame was built now. The next falls due one interval on: a frame built a little
        late does not push the next one back."""
        now, interval = self.clock(), 1.0 / self.rate
        self.next_due = (self.next_due + interval if 0.0 <= now - self.next_due < interval
                         else now + interval)
        self.built_time = now
        self.dirty, self.urgent = still_changing, False
        return now

    def restart(self):
        """Show the next frame at once (after a resume)."""
        self.next_due = 0.0
        self.touch(urgent=True)
