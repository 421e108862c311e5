"""Frames that fit the link: how fast each client drains its socket, and what follows from it.

The sender reports every message it writes: when the write starts (`sending`) and when it is
done (`sent`, with its bytes). A write waits when the socket's buffers are full, so
the share of time the sender spends waiting says whether the client reads slower than frames
come. Once a window (WINDOW seconds) has passed, `judge` decides:

- congested (the sender waited for BUSY of the window or more): a client in `auto` mode gets
  lean frames (about 15× smaller); one already on lean frames (or that asked for full ones)
  gets a frame rate cap of 80% of the frames its link carried;
- free (waited FREE of the window or less): the cap rises by half again until it is gone, and
  an `auto` client on lean frames tries full frames again once they have held HOLD seconds;
  when full frames congest the link again at once, the hold doubles (up to MAX_HOLD).

Everything reads time from the `clock` given, so tests drive it exactly.
"""

import time


class LinkRate:
    WINDOW = 1.0  # seconds a judgement covers
    BUSY = 0.5  # share of the window spent waiting to write: the link is full
    FREE = 0.1  # ... or at most this: the link has room
    HOLD = 5.0  # seconds lean frames hold before an auto client tries full ones again
    MAX_HOLD = 60.0
    MIN_FPS = 1

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lean = False  # auto mode: lean frames, as full ones did not fit
        self.cap = None  # frames a second the link carries (None: no limit seen)
        self.hold = self.HOLD
        self.lean_since = self.full_since = None
        self.bytes_per_second = 0.0  # written in the last window
        self._start = clock()
        self._bytes = self._frames = 0
        self._waited = 0.0
        self._sending_since = None  # when the frame now going out was handed to the sender

    def sending(self):
        """The sender starts writing a message."""
        self._sending_since = self.clock()

    def sent(self, nbytes):
        """The message handed to the sender (`sending`) went out: `nbytes` bytes."""
        now = self.clock()
        since = self._sending_since if self._sending_since is not None else now
        self._waited += max(0.0, now - max(since, self._start))  # the part in this window
        self._bytes += nbytes
        self._frames += 1
        self._sending_since = None

    def report(self, nbytes, waited, messages):
        """What another process measured of writes to this client since its last report
        (the Ray relay, for a session on a host): `nbytes` in `messages` writes, which waited
        `waited` seconds in all. It stands for `sending`/`sent`."""
        self._sending_since = None
        self._bytes += nbytes
        self._waited += waited
        self._frames += messages

    @property
    def waiting(self):
        """Seconds the write now going out has waited for the client (0: none is out)."""
        return 0.0 if self._sending_since is None else self.clock() - self._sending_since

    def judge(self, fps, auto):
        """At most once a window: re-judge the link. Returns whether the mode or the cap
        changed (`lean`, `cap`)."""
        now = self.clock()
        elapsed = now - self._start
        if elapsed < self.WINDOW:
            return False
        waited = self._waited
        if self._sending_since is not None:  # a write still waiting counts too
            waited += now - max(self._sending_since, self._start)
        share = waited / elapsed
        delivered = self._frames / elapsed
        self.bytes_per_second = self._bytes / elapsed
        before = (self.lean, self.cap)
        if share >= self.BUSY:
            if auto and not self.lean:
                self.lean, self.lean_since = True, now
                if self.full_since is not None and now - self.full_since < 2 * self.WINDOW + 1:
                    self.hold = min(self.MAX_HOLD, 2 * self.hold)  # full failed again at once
            else:
                limit = self.cap if self.cap is not None else fps
                self.cap = max(self.MIN_FPS, min(limit, round(0.8 * delivered)) if delivered
                               else limit // 2)
        elif share <= self.FREE:
            if self.cap is not None:
                self.cap = int(self.cap * 1.5) + 1
                if self.cap >= fps:
                    self.cap = None
            elif auto and self.lean and now - self.lean_since >= self.hold:
                self.lean, self.full_since = False, now
        if not auto:
            self.lean = False
        self._start, self._bytes, self._frames, self._waited = now, 0, 0, 0.0
        return (self.lean, self.cap) != before

    def fps(self, asked):
        """The frame rate to send at: the one asked for, or the link's cap if lower."""
        return asked if self.cap is None else min(asked, self.cap)
