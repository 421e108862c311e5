"""A session's audience: the students of a room who follow it, sent what its own client sees.

The teacher's session (session.py) tells its audience of every `network` and `data` message
and every frame as it builds them, and of its events. Each is built, or encoded, once for
all: every follower is handed the same bytes. What a follower is sent:
  - on joining: the newest `data` and `network`, and the newest frame (if the session has
    built none since, it builds the next at once);
  - every frame the session builds, in a one-frame slot on the follower's connection: a frame
    waiting there when a newer one comes is replaced (skipped), so a slow follower skips
    frames, never queues them, and never slows the session or the others;
  - lean frames when its link needs them (linkrate.py, as a client of its own): the other
    variant of a frame is rendered once, when at least one follower wants it;
  - the session's events that show what the teacher does: `applied` (of the commands that
    change the run; `id` null), `stepped`, `diverged` and `explanation` (the step-through).
"""

import math
import time
from collections import deque
from dataclasses import replace

from . import frames
from .linkrate import LinkRate
from .session import link_event

SHARED_EVENTS = ("applied", "stepped", "diverged", "explanation")
PRIVATE_COMMANDS = ("fps", "frames", "export", "export_code",  # the teacher's own client's
                    "branch")  # its reply holds the token of the teacher's original run
OUTBOX_LIMIT = 256  # as a session's: a follower that reads nothing is cut off beyond this
FRAME_SLACK = 0.75  # a follower's next frame goes once this share of its interval has passed


class Audience:
    def __init__(self, room):
        self.room = room
        self.session = None  # the session followed (None until it is open here)
        self.followers = {}  # Follower -> None, in the order they came
        self.data = self.network = None  # (version, bytes) of the newest of each
        self.frame = None  # the newest frame: {"versions": (network, data), lean: bytes}
        self.frames_shared = self.variants_built = 0

    # -- the session -------------------------------------------------------------------------
    def bind(self, session):
        """Follow `session` (the teacher's; a new object after it was restored)."""
        if self.session is session:
            return
        if self.session is not None and self.session.audience is self:
            self.session.audience = None
        self.session, session.audience = session, self
        self.data = self.network = self.frame = None
        for follower in list(self.followers):
            follower.restart()  # a new hello, then this session's data, network and frames
        if self.followers:
            session.cadence.touch(urgent=True)

    async def refresh(self):
        """Before a follower's hello: the session is here, its description is at hand."""

    async def read(self, command):
        """The reply to `export` or `export_code` of the session followed (nothing changes)."""
        from .commands import COMMANDS

        return COMMANDS[command.type].handler(self.session, command)["reply"]

    def unbind(self):
        if self.session is not None and self.session.audience is self:
            self.session.audience = None
        self.session = None

    @property
    def teacher_here(self):
        """Whether the teacher's page is connected to the session (so it builds frames)."""
        s = self.session
        return s is not None and s.state.value not in ("detached", "closed")

    def current(self):
        """The session's data and network messages as they are now (cached by version)."""
        s = self.session
        if self.data is None or self.data[0] != s.data_version:
            self.data = (s.data_version, frames.data_message(s.trainer, s.data_version))
        if self.network is None or self.network[0] != s.network_version:
            self.network = (s.network_version,
                            frames.network_message(s.trainer, s.network_version, s.probe))
        return self.data[1], self.network[1]

    # -- followers ---------------------------------------------------------------------------
    def join(self, follower):
        """A newcomer: the session's data, network and newest frame (the next one at once, if
        it has built none since)."""
        self.followers[follower] = None
        self.greet(follower)

    def greet(self, follower):
        s = self.session
        if s is None:
            return  # nothing to show until the teacher's session is open here
        for message in self.current():
            follower.push(message)
        frame = self.frame
        if frame is not None and frame["versions"] == (s.network_version, s.data_version):
            follower.offer(frame.get(follower.lean and s.probe is not None) or
                           next(v for k, v in frame.items() if k != "versions"))
        else:
            s.cadence.touch(urgent=True)

    def leave(self, follower):
        self.followers.pop(follower, None)

    # -- told by the session -----------------------------------------------------------------
    def shared(self, kind, version, message):
        """The session pushed a `data` or `network` message to its client."""
        setattr(self, kind, (version, message))
        for follower in self.followers:
            follower.replace(kind, message)

    def told(self, message):
        """The session pushed a text message to its client: the events that show what the
        teacher does go to every follower, encoded once, with `id` null (it is the teacher's)."""
        kind = message.get("type")
        if kind not in SHARED_EVENTS or not self.followers:
            return
        if kind == "applied" and message.get("command") in PRIVATE_COMMANDS:
            return
        from .ws import _json  # the one JSON encoder of outgoing messages

        text = _json({**message, "id": None})
        for follower in list(self.followers):
            follower.push(text)

    def built(self, job, message):
        """The session built a frame (`message`, from `job`): to every follower, in the
        variant its link takes, each variant rendered once."""
        plane = job.probe is not None
        header = job.header
        self.frame = {"versions": (header["network_version"], header["data_version"]),
                      bool(job.lean) and plane: message}
        self.frames_shared += 1
        for follower in list(self.followers):
            lean = follower.lean and plane
            if lean not in self.frame:
                self.frame[lean] = frames.render(replace(job, lean=lean))[0]  # job.pack: packed
                self.variants_built += 1
            follower.offer(self.frame[lean])

    def stats(self):
        return {"following": len(self.followers), "frames_shared": self.frames_shared,
                "variants_built": self.variants_built,
                "followers": [f.stats() for f in self.followers]}


class Follower:
    """One student's place in an audience: a queue of messages and the frame slot of the
    student's connection (students.py), with the student's own frame mode, rate and link."""

    def __init__(self, conn, student, clock=time.monotonic):
        self.conn, self.student, self.clock = conn, student, clock
        self.outbox = deque()
        self.mode = "auto"  # "full", "lean" or "auto", as the `frames` command sets
        self.fps = 30  # as the `fps` command sets
        self.link = LinkRate(clock)
        self.sent_at = -math.inf  # when the last frame went out
        self.frames_sent = self.frames_skipped = 0
        self.latest = {}  # kind ("data", "network", "frame_rate") -> its message waiting

    @property
    def lean(self):
        return self.mode == "lean" or (self.mode == "auto" and self.link.lean)

    def push(self, message):
        if len(self.outbox) >= OUTBOX_LIMIT:
            self.conn.fail(OverflowError("the client is not reading its messages"))
            return
        self.outbox.append(message)
        self.conn.wake_sender.set()

    def replace(self, kind, message):
        """Push a message of which only the newest matters: one still waiting is dropped."""
        old = self.latest.get(kind)
        if old is not None:
            for i, waiting in enumerate(self.outbox):
                if waiting is old:
                    del self.outbox[i]
                    break
        self.latest[kind] = message
        self.push(message)

    def restart(self):
        """The followed session is another object now: start over, as after a connect."""
        self.outbox.clear()
        self.latest.clear()
        self.conn.frame = None
        self.conn.follow_again()

    def offer(self, frame):
        """A frame for this follower: into the slot, replacing (skipping) one still waiting.
        The sender holds it there until the follower's rate lets it go (`frame_wait`), so
        the newest frame always arrives, and no sooner than the follower's rate."""
        self._judge_link()
        if self.conn.frame is not None:
            self.frames_skipped += 1
        self.conn.frame = frame
        self.conn.wake_sender.set()

    def frame_wait(self):
        """Seconds until the next frame may go (its `fps`, or what its link carries)."""
        interval = FRAME_SLACK / self.link.fps(self.fps)
        return max(0.0, self.sent_at + interval - self.clock())

    def frame_sent(self):
        self.frames_sent += 1
        self.sent_at = self.clock()

    def _judge_link(self):
        if self.link.judge(self.fps, self.mode == "auto"):
            self.replace("frame_rate", link_event(self.link, self.fps, self.lean, False, None))

    def stats(self):
        return {"student": self.student, "frames_sent": self.frames_sent,
                "frames_skipped": self.frames_skipped, "frames": self.mode, "lean": self.lean,
                "fps": self.link.fps(self.fps), "outbox": len(self.outbox),
                "link_bytes_per_second": round(self.link.bytes_per_second),
                "write_waiting": round(self.link.waiting, 3)}
