"""The teacher's view of the class: one `class` message a second, built once for every
teacher's connection of the room (teacher.py) whatever their number.

A `class` message is one binary message (frames.pack's layout): its header lists every
student (name, mode, when they joined and were last active and, for a student on a session of
their own, its step, state, steps per second, test accuracy or R², train loss, the config keys
that differ from the teacher's, and where their thumbnail is), and its one array, `thumbs`,
holds those thumbnails: each student's output over the plane as THUMB × THUMB 8-bit codes,
computed by nncore's probe (probes.PlaneProbe) at that low density. Sorting is the page's.

What it costs is bounded, with any number of students:
  - a student who follows costs a row (their session is the teacher's);
  - the metrics are those of the newest frame the student's session built (its chart point):
    nothing is evaluated for the dashboard but the thumbnails;
  - a thumbnail is made only for a session that changed since its last one (it trained, or a
    command changed it), at most once every THUMB_EVERY seconds each, and only own sessions
    have one (at most max_sessions of them). It is made in the student's own scheduler share
    when their connection drives the session (a unit of its own, students.py `side_job`);
    otherwise (a session waiting for its page) here, charged to whoever holds it;
  - the message is packed once a second and the same bytes go to every teacher's connection,
    each of which keeps only the newest one waiting (a slow one skips, never queues).
"""

import asyncio
import logging
import math
import time

import numpy as np

from nncore import probes, targets

from . import frames
from .lifecycle import State
from .replies import jsonsafe
from .scheduler import cpu_clock

log = logging.getLogger("nnplay")

THUMB = 24  # a thumbnail's cells per side (576 points through the network)
INTERVAL = 1.0  # seconds between two class messages
THUMB_EVERY = 0.9  # a student's thumbnail is asked for at most this often: once a message
PROBES_KEPT = 32  # thumbnail probes kept (one per input features and extent in use)


def own_session(manager, member):
    """The student's own session if it is open on this server now, else None."""
    if member.mode != "fork" or member.session_token is None:
        return None
    return manager.sessions.get(member.session_token)


class Thumb:
    """One student's newest thumbnail: `codes` (THUMB, THUMB) uint8 and how to read them,
    `meta` ({"range": [lo, hi]} for one output, whose middle is the decision threshold, or
    {"classes": k}: the predicted class), made of the session in state `key`."""

    def __init__(self, key, codes, meta, at):
        self.key, self.codes, self.meta, self.at = key, codes, meta, at


def session_key(session):
    """What a thumbnail shows changes with this: the run's revision, or a rebuilt network."""
    return session.id, session.revision, session.network_version


def run_summary(session):
    """What a class message says of a session (its newest frame's chart point, not evaluated
    again): the same wherever the session lives (here, or on a cluster's host)."""
    points = session.record.history.points
    point = points[-1] if points else {}
    score = next((k for k in ("test_accuracy", "test_r2") if k in point), None)
    return {"step": session.trainer.step_count, "state": session.state.value,
            "steps_per_second": round(session.steps_per_second, 1),
            "score_name": score, "score": point.get(score),
            "train_loss": point.get("train_loss"), "chart_step": point.get("step")}


class Thumbnailer:
    """Thumbnails of sessions' output over the plane, by nncore's probe at `size` × `size`
    (THUMB unless asked); its probes kept (one per input features and extent in use)."""

    def __init__(self, size=THUMB):
        self.size = size
        self.probes = {}  # (features, extent) -> PlaneProbe at size × size

    def make(self, session):
        """(codes, meta) of the session's output over the plane; None for data that is not
        on the plane."""
        return self.of_trainer(session.trainer)

    def of_trainer(self, tr):
        """(codes, meta) of a Trainer's output over the plane (`make`'s, for any trainer: a
        saved run's too); None for data that is not on the plane."""
        D = self.size
        if not tr.data.is_plane:
            return None
        key = (tuple(tr.config.features), tuple(tr.data.extent))
        probe = self.probes.get(key)
        if probe is None:
            if len(self.probes) >= PROBES_KEPT:
                self.probes.clear()
            probe = self.probes[key] = probes.PlaneProbe(*key, D, D)
        net = tr.net
        with np.errstate(all="ignore"):  # a diverged network's output is drawn as it is
            output, _ = probe.run(net)  # (D², n_out), float32
            if output.shape[1] == 1:
                lo, hi = probes.output_range(net.layers[-1].activation, tr.data.task, output)
                codes = probes.quantize(output[:, 0], lo, hi)
                meta = {"range": [float(lo), float(hi)]}
            else:
                codes = targets.predict(output, net.output_activation).astype(np.uint8)
                meta = {"classes": int(output.shape[1])}
        return codes.reshape(D, D), meta


class Dashboard:
    """One room's class view: its teacher's connections (viewers), the ticker that sends
    them the class message, and the students' thumbnails."""

    def __init__(self, room, rooms, manager, scheduler, clock=time.monotonic):
        self.room, self.rooms, self.manager, self.scheduler = room, rooms, manager, scheduler
        self.clock = clock
        self.viewers = {}  # TeacherConnection -> None, in the order they came
        self.thumbs = {}  # student id -> Thumb
        self.asked = {}  # student id -> when their connection was asked for a thumbnail
        self.thumbnailer = Thumbnailer()
        self.configs = {}  # session id -> (its Config, as a dict)
        self.task = None
        self.seq = 0
        self.built_seconds = self.thumb_seconds = 0.0  # CPU time spent, in all
        self.last_build = 0.0  # seconds the newest class message took to build
        self.thumbs_made = 0
        self.last_bytes = 0

    # -- viewers -------------------------------------------------------------------------------
    def add(self, viewer):
        self.viewers[viewer] = None
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())
        else:
            viewer.show_class(self.build())  # a newcomer sees the class at once

    def remove(self, viewer):
        self.viewers.pop(viewer, None)
        if not self.viewers and self.task is not None:
            self.task.cancel()
            self.task = None

    def tell(self, event):
        """A text event (JSON-able) to every viewer."""
        for viewer in list(self.viewers):
            viewer.push(event)

    def room_closed(self, event):
        for viewer in list(self.viewers):
            viewer.end(event, 4002, "room_closed")

    def token_renewed(self):
        """POST /api/rooms gave the room a new teacher token: the old one opens nothing."""
        from .replies import error_reply

        event = error_reply("not_teacher", f"room {self.room.shown} was given a new teacher "
                            "token; this connection's no longer opens it", "teacher",
                            "<a token>", "the newest teacher_token POST /api/rooms gave")
        for viewer in list(self.viewers):
            viewer.end(event, 1008, "not_teacher")

    def forget(self, student_id):
        self.thumbs.pop(student_id, None)
        self.asked.pop(student_id, None)

    # -- the ticker ----------------------------------------------------------------------------
    async def run(self):
        while self.viewers:
            started = self.clock()
            try:
                await self.gather()
                message = self.build()
            except Exception:  # a bug: the log says so, and the next second tries again
                log.exception("room %s: the class message could not be built", self.room.shown)
                message = None
            for viewer in list(self.viewers) if message is not None else ():
                viewer.show_class(message)
            await asyncio.sleep(max(0.05, INTERVAL - (self.clock() - started)))

    def build(self):
        """The class message as the room is now (and thumbnails asked for where due)."""
        started = cpu_clock()
        room, now = self.room, self.clock()
        self._check_spotlight()
        teacher = self.teacher_run()
        base = None if teacher is None else teacher[1]
        rows, stack = [], []
        for member in room.members.values():
            own = self.own_run(member, now)
            row = {"id": member.id, "name": member.name, "show_name": member.show_name,
                   "mode": member.mode, "connected": member.connection is not None,
                   "joined": member.joined, "active": member.active, "session": None}
            if own is not None:
                row["session"] = self._session_row(*own, base, stack)
            rows.append(row)
        spotlight = room.spotlight
        header = {"type": "class", "seq": self.seq, "now": time.time(),
                  "room": {**room.summary(), "following": len(room.audience.followers)},
                  "teacher": None if teacher is None else {
                      "step": teacher[0]["step"], "state": teacher[0]["state"],
                      "here": room.audience.teacher_here},
                  "locked": sorted(room.locks.keys),
                  "spotlight": None if spotlight is None else spotlight.shown(),
                  "thumb_size": THUMB, "build_ms": round(self.last_build * 1000, 2),
                  "students": rows}
        thumbs = np.stack(stack) if stack else np.zeros((0, THUMB, THUMB), np.uint8)
        message = frames.pack(jsonsafe(header), {"thumbs": thumbs})
        self.seq += 1
        self.last_build = cpu_clock() - started
        self.built_seconds += self.last_build
        self.last_bytes = len(message)
        return message

    # -- where the sessions are: here (a cluster's dashboard asks its hosts, app/cluster) ----
    async def gather(self):
        """Before each class message: nothing to ask, the sessions are in this process."""

    def teacher_run(self):
        """(summary, config dict) of the teacher's session, or None when it is not open."""
        teacher = self.rooms.teacher_session(self.room)
        return None if teacher is None else (run_summary(teacher), self._config(teacher))

    def own_run(self, member, now):
        """(summary, config dict, Thumb or None) of the student's own session, or None."""
        session = own_session(self.manager, member)
        if session is None:
            return None
        return run_summary(session), self._config(session), self._thumb(member, session, now)

    def _session_row(self, summary, config, thumb, base, stack):
        if thumb is not None:
            stack.append(thumb.codes)
        return {**summary, "diff": None if base is None else {
                    k: [base[k], v] for k, v in config.items() if base.get(k) != v},
                "thumb": None if thumb is None else {"index": len(stack) - 1, **thumb.meta}}

    def _config(self, session):
        """The session's config as a dict, made again only when it is another Config (a
        Config is frozen: a change replaces it)."""
        config = session.trainer.config
        cached = self.configs.get(session.id)
        if cached is None or cached[0] is not config:
            if len(self.configs) > 4 * max(1, len(self.room.members)) + 8:
                self.configs.clear()  # sessions come and go: keep this from growing
            cached = self.configs[session.id] = (config, config.to_dict())
        return cached[1]

    # -- thumbnails ----------------------------------------------------------------------------
    def _thumb(self, member, session, now):
        """The student's thumbnail to send now (the newest made), asking for a new one when
        the session changed since and the last was made (or asked for) long enough ago."""
        thumb = self.thumbs.get(member.id)
        if thumb is not None and thumb.key == session_key(session):
            return thumb
        if now - self.asked.get(member.id, -math.inf) >= THUMB_EVERY:
            self.asked[member.id] = now
            conn = member.connection
            if conn is not None and conn.session is session and conn.serving:
                # made in the student's own scheduler share, by the next unit of theirs
                conn.side_job = lambda: self.make_thumb(member.id, session)
                self.scheduler.poke()
            else:  # nobody's unit drives it: made here, charged to whoever holds it
                started = cpu_clock()
                self.make_thumb(member.id, session)
                self.scheduler.charge(self.manager.holders.get(session.id),
                                      cpu_clock() - started)
        return self.thumbs.get(member.id)

    def make_thumb(self, student_id, session):
        """Make a student's thumbnail now (in whichever unit of work calls this)."""
        if student_id not in self.room.members or session.state is State.CLOSED:
            return
        started = cpu_clock()
        made = self.thumbnail(session)
        if made is not None:
            self.thumbs[student_id] = Thumb(session_key(session), *made, self.clock())
            self.thumbs_made += 1
        else:
            self.thumbs.pop(student_id, None)
        self.thumb_seconds += cpu_clock() - started

    def thumbnail(self, session):
        """(codes, meta) of the session's output over the plane (Thumbnailer.make)."""
        return self.thumbnailer.make(session)

    def _check_spotlight(self):
        """A spotlighted session that is gone (freed, closed) is no longer shown."""
        spotlight = self.room.spotlight
        if spotlight is not None and spotlight.audience.session is not None and \
                spotlight.audience.session.state is State.CLOSED:
            from . import spotlight as spotlights

            spotlights.stop(self.room, "the spotlighted run was closed")

    def stats(self):
        return {"viewers": len(self.viewers), "sent": self.seq,
                "build_ms": round(self.last_build * 1000, 2),
                "built_seconds": round(self.built_seconds, 4),
                "thumbs_made": self.thumbs_made,
                "thumb_seconds": round(self.thumb_seconds, 4), "bytes": self.last_bytes}
