"""A student's websocket in a room: `/ws?student=TOKEN` (the token POST /api/rooms/join gave).

The connection follows the teacher's session (audience.py) or drives a session of the
student's own, forked from the teacher's; `fork` and `follow` switch between the two.

Following: a `hello` whose `room` says {"code", "mode": "follow", ...} (and no resume token:
the session is the teacher's), then the teacher's session's `data`, `network` and newest
frame, then its frames and the events that show what the teacher does. A follower may send
only what leaves the teacher's session as it is (FOLLOWER_COMMANDS): `fork` and `follow`;
`fps` and `frames`, which set this follower's own frame rate and frame mode; `export` and
`export_code`, which read the teacher's run. Any other command gets `not_yours` naming it.

`fork`: the student gets a session of their own holding the teacher's run exactly as it is at
that moment (Session.checkpoint, restored as a saved run is: weights, data, config, step,
optimizer state, random generators, chart history), paused. It counts against
`max_sessions` like any session; when the server is full the fork is refused and the student
goes on following. The connection then drives it as ws.Connection drives a session: every
command, its own frames, its limits, its saves. Its resume token comes in the reply; it is
derived from the student's token (rooms.fork_token), so the room finds it again after a
restart without storing it.

`follow`: back to following. The own session is let go as when a page leaves (it waits
`resume_seconds` to be resumed, then it is freed and saved); `{"type": "fork", "resume":
true}` brings it back as it was, from memory or from its save, where a plain `fork` starts
again from the teacher's current state.

Each switch is answered with `applied` and followed by a new `hello` (of the session now
shown), then that session's `data`, `network` and frames: a client starts over at each hello.
A student who reconnects comes back in the mode they left: a student on their own session is
given it back (`hello.room.mode` "fork"), or, when it cannot be (the server is full, the
session is gone), follows the teacher and `hello.room.note` says why.

What the teacher does to the room reaches the connection too (teacher.py): the room's locked
controls hold in the own session (locks.py) and are told (`locks`); a spotlight moves a
follower to the spotlighted run and back (spotlight.py); `room_reset` puts the student on a
new fork of the teacher's run (`reset_by_teacher`); `room_remove` ends the connection
(`removed`, 4003). The dashboard's thumbnail of the own session is made in this
connection's scheduler share (`side_job`, dashboard.py). The room's commands themselves are
the teacher's connection's: sent here, they are refused (`not_teacher`).
"""

import asyncio
import logging
import secrets
import time

from fastapi import status

from . import downloads, replies, schema, spotlight
from .audience import Follower
from .commands.classroom import not_teacher
from .protocol import TEACHER_TYPES
from .replies import ProtocolError
from .rooms import RoomError, fork_token
from .roomsocket import RoomConnection
from .scheduler import cpu_clock
from .session import Session, admit, limits_of
from .ws import _json, packs_maps

log = logging.getLogger("nnplay")

WS_4002_ROOM_CLOSED = 4002  # the teacher closed the room
WS_4003_REMOVED = 4003  # the teacher removed the student from the room
FOLLOWER_COMMANDS = ("fork", "follow", "fps", "frames", "export", "export_code")


def room_error_reply(e):
    return replies.error_reply(e.code, str(e), e.field, e.value, e.allowed)


async def serve(websocket, token, rooms, manager, scheduler, settings):
    """Drive one student's connection until it ends (ws.py routes `/ws?student=` here)."""
    if "resume" in websocket.query_params:
        await _refuse(websocket, replies.error_reply(
            "invalid_value", "a student connection opens the room its token belongs to and "
            "takes no resume=; a session of your own comes from `fork` (its resume token opens "
            "it at /ws?resume=TOKEN, without student=)", "resume", "<a token>",
            "no resume= with student="), status.WS_1008_POLICY_VIOLATION)
        return
    try:
        room, member = rooms.student(token)
    except RoomError as e:
        await _refuse(websocket, room_error_reply(e), {
            "room_closed": WS_4002_ROOM_CLOSED, "removed": WS_4003_REMOVED}.get(
                e.code, status.WS_1008_POLICY_VIOLATION))
        return
    if member.connection is not None:
        await member.connection.replace()  # the newest tab wins; the older is closed (4001)
    if room.closed:  # closed while the older connection finished
        await _refuse(websocket, replies.error_reply(
            "room_closed", f"room {room.shown} was closed by its teacher", "student",
            "<a token>", "the token of a student in an open room"), WS_4002_ROOM_CLOSED)
        return
    conn = rooms.place.student_connection(websocket, room, member, token, rooms, manager,
                                          scheduler, settings)
    member.connection = conn
    try:
        await conn.run()
    finally:
        await conn.leave()
        if member.connection is conn:
            member.connection = None
        conn.done.set()


async def _refuse(websocket, error, close_code):
    await websocket.send_text(_json(error))
    await websocket.close(code=close_code, reason=error["code"])


def fork_session(settings, token, checkpoint):
    """A new session holding the run a checkpoint of another session describes, exactly,
    paused (run in a worker thread: a large run takes a while to decode)."""
    run = {**checkpoint, "id": secrets.token_hex(8), "updated": time.time(), "state": "paused"}
    session = Session.restore(settings, token, run)
    session.restored = None  # a fork, not a run coming back
    session.revision += 1
    session.saved = None  # saved soon, so that it survives a restart as any run does
    return session


class StudentConnection(RoomConnection):
    """One student's websocket (roomsocket.py's tasks), serving either the follower
    (self.follower) or the own session (self.session), one at a time. The scheduler drives
    it only while it has a session of its own."""

    def __init__(self, websocket, room, member, token, rooms, manager, scheduler, settings):
        super().__init__(websocket, manager, scheduler, settings)
        self.room, self.member, self.token, self.rooms = room, member, token, rooms
        self.watching = None  # the audience the follower is in (the room's `showing`)
        self.serving = False
        self.switching = asyncio.Lock()  # fork, follow and the teacher's reset: one at a time
        self.side_job = None  # work for the dashboard, done in this connection's share

    @property
    def name(self):
        return f"student {self.member.id} of room {self.room.shown}"

    @property
    def link(self):
        return self.session.link if self.session is not None else self.follower.link

    # -- lifetime ----------------------------------------------------------------------------
    async def run(self):
        self.member.active = time.time()
        note = None
        if self.member.mode == "fork":  # they left on their own session: it comes back
            try:
                self._drive(await self._own_session(), [], resumed=True)
            except ProtocolError as e:
                note = e.reply["message"]
        if self.session is None:
            await self.room.showing.refresh()
            self._follow(note=note)
        await self.serve()

    def started(self):
        self.serving = True
        if self.session is not None:
            self.scheduler.add(self)
        self.scheduler.poke()

    async def leave(self):
        if self.follower is not None:
            self.watching.leave(self.follower)
        await self.let_go()

    async def let_go(self):
        """The own session is let go as when a page leaves: it waits to be resumed, then it
        is freed and saved."""
        self.scheduler.remove(self)
        session, self.session = self.session, None
        if session is not None:
            self.manager.release(session, self)

    def room_closed(self, event):
        """The teacher closed the room: `event` goes out, then the connection ends (4002)."""
        self.end(event, WS_4002_ROOM_CLOSED, "room_closed")

    def removed(self, event):
        """The teacher removed the student: `event` goes out, then the connection ends."""
        self.end(event, WS_4003_REMOVED, "removed")

    def tell(self, event):
        """An event of the room's (locks, a spotlight) to whichever session is shown; a client
        that reads nothing is let go, as with any of its messages."""
        if self.session is None and self.follower is None:
            return  # between the two (a switch under way): its hello says what is new
        try:
            self.reply(event)
        except OverflowError as e:
            self.fail(e)
        self.wake_sender.set()

    # -- the scheduler: only the own session has work -----------------------------------------
    def wait(self, now):
        if self.session is None:
            return None
        if self.side_job is not None:
            self.frame_due = False
            return 0.0
        return super().wait(now)

    def unit(self, now):
        if self.side_job is not None:  # the dashboard's thumbnail: a unit of its own
            job, self.side_job = self.side_job, None
            job()
        elif self.session is not None:
            super().unit(now)

    # -- following ---------------------------------------------------------------------------
    def _follow(self, reply=None, note=None):
        self.follower = Follower(self, self.member.id)
        self.frame = None
        self.member.mode = "follow"
        if reply is not None:
            self.follower.push(_json(reply))
        self.watching = self.room.showing
        self.follower.push(_json(self.follow_hello(note)))
        self.watching.join(self.follower)
        self.scheduler.poke()

    def follow_again(self):
        """The session followed is a new object (the teacher's, restored; a spotlighted
        student's new fork): start over with a new hello."""
        self.follower.push(_json(self.follow_hello()))
        self.watching.greet(self.follower)
        self.scheduler.poke()

    def spotlight_changed(self, event):
        """The room shows another run (spotlight.py): told, and a follower moves to it with a
        new hello; a student on their own session is only told."""
        follower = self.follower
        if follower is None:
            self.tell(event)
            return
        self.watching.leave(follower)
        follower.outbox.clear()  # what was waiting belongs to the run no longer shown
        follower.latest.clear()
        self.frame = None
        follower.push(_json(event))
        self.watching = self.room.showing
        follower.push(_json(self.follow_hello()))
        self.watching.join(follower)
        self.wake_sender.set()
        self.scheduler.poke()

    def follow_hello(self, note=None):
        audience = self.watching
        teacher = audience.session
        if teacher is None:  # not open here since the server started: nothing to show yet
            run = {"schema_version": schema.VERSION, "protocol_version": 1,
                   "limits": limits_of(self.settings), "state": None, "step": None,
                   "epoch": None, "config": None, "speed": None, "selected": None,
                   "history": [], "presets": [], "saves": self.settings.save}
        else:
            run = teacher.described()
            if not audience.teacher_here:
                run["state"] = "paused"  # the teacher's page is gone: the run stands still
        return {"type": "hello", "session": None, "resume_token": None, "resumed": False,
                "resume_error": None, "restored": None, **run, "fps": self.follower.fps,
                "room": self.room_info("follow", note)}

    def room_info(self, mode, note=None):
        spot = self.room.spotlight
        return {**self.room.summary(), "mode": mode,
                "student": {"id": self.member.id, "name": self.member.name,
                            "show_name": self.member.show_name},
                "teacher_here": self.room.audience.teacher_here,
                "own_session": self.member.forks > 0, "note": note,
                "locked": sorted(self.room.locks.keys),
                "spotlight": None if spot is None else spot.shown()}

    def as_follower(self, command):
        """The reply to a command sent while following."""
        kind, f = command.type, self.follower
        if kind == "fps":
            f.fps = command.fps
            return {"type": "applied", "id": command.id, "command": kind, "fps": f.fps}
        if kind == "frames":
            f.mode = command.mode
            return {"type": "applied", "id": command.id, "command": kind, "mode": f.mode,
                    "lean": f.lean}
        raise ProtocolError(
            "not_yours", f"{kind} would change the teacher's session, which students follow "
            "and cannot change; send fork for a session of your own from this point, and "
            "change that freely", "type", kind,
            "while following: " + ", ".join(FOLLOWER_COMMANDS), kind, command.id)

    def _teacher(self, command):
        teacher = self.room.audience.session
        if teacher is None:
            kind = "fork" if command is None else command.type
            raise ProtocolError("teacher_away", "the teacher's session is not open on the "
                                "server yet; try again once the teacher's page is back",
                                "type", kind, "once the teacher's session is open", kind,
                                None if command is None else command.id)
        return teacher

    # -- the room's commands -----------------------------------------------------------------
    async def fork(self, command):
        async with self.switching:
            await self._fork(command)

    async def _fork(self, command):
        if self.session is not None:
            raise ProtocolError("illegal_state", "you are on a session of your own already; "
                                "send follow to watch the teacher again", "type", "fork",
                                "fork while following", "fork", command.id)
        if command.resume:
            session = await self._own_session(command)
        else:
            session = await self._fork_teacher(command)
        facts = self.facts(session)
        reply = {"type": "applied", "id": command.id, "command": "fork", "mode": "fork",
                 "resumed": bool(command.resume), **facts}
        self._drive(session, [reply], resumed=bool(command.resume))
        await self.rooms.member_changed(self.room, self.member)
        log.info("%s: %s", self.name, "back on their own session" if command.resume else
                 f"forked the teacher's run at step {facts['step']}")

    def facts(self, session):
        """What the fork reply says of the own session."""
        return {"session": session.id, "resume_token": session.token,
                "state": session.state.value, "step": session.trainer.step_count}

    async def reset_by_teacher(self):
        """The teacher's `room_reset`: a new fork of the teacher's run as it is now in place of
        the student's own session (let go as when they follow). Returns its step."""
        async with self.switching:
            if self.session is None:
                raise ProtocolError("illegal_state", f"{self.member.name} follows the teacher "
                                    "now: there is no run of theirs to reset", "student",
                                    self.member.id, "a student on a session of their own",
                                    "room_reset")
            new = await self._fork_teacher(None)  # what _drive drives: a session, a relay
            step = self.facts(new)["step"]
            await self.replace_own(new, {"type": "reset_by_teacher", "step": step,
                                         "message": f"the teacher reset your run to theirs "
                                                    f"at step {step}"})
            spotlight.moved(self.room, self.member, new)
            await self.rooms.member_changed(self.room, self.member)
            log.info("%s: reset by the teacher to step %d", self.name, step)
            return step

    async def replace_own(self, new, event):
        """Drive `new` in place of the own session, which is let go (it waits to be resumed,
        then it is saved); `event` goes before the new hello."""
        old, self.session = self.session, None
        self.scheduler.remove(self)
        self.manager.release(old, self)
        self._drive(new, [event], resumed=False)

    async def _fork_teacher(self, command):
        teacher = self._teacher(command)
        checkpoint = teacher.checkpoint()  # one moment of the run, taken here on the loop
        export = checkpoint["export"]
        checkpoint["export"] = {**export, "history": list(export["history"]),
                                "log": list(export["log"])}  # the fork's own, from now on
        if not self.manager.has_room():
            raise self._full(command)
        self.member.forks += 1  # saved before the session exists: its token is never reused
        await self.rooms.member_changed(self.room, self.member)
        token = fork_token(self.token, self.member.forks)
        session = await asyncio.to_thread(fork_session, self.settings, token, checkpoint)
        if not self.manager.adopt(session):
            raise self._full(command)
        return session

    async def _own_session(self, command=None):
        """The student's own session, back from memory or from its save."""
        cid = None if command is None else command.id
        if self.member.forks == 0:
            raise ProtocolError("no_own_session", "you have no session of your own yet: send "
                                "fork (without resume) for one from the teacher's run",
                                "resume", True, "resume: true once you have forked", "fork",
                                cid)
        return await self.resume_own(fork_token(self.token, self.member.forks), command)

    def _gone(self, command):
        return ProtocolError("no_own_session", "your own session is gone (it was freed before "
                             "it was saved, or this server does not save runs); send fork for "
                             "a new one from the teacher's run", "resume", True,
                             "resume: true while your own session is kept", "fork",
                             None if command is None else command.id)

    async def resume_own(self, token, command):
        """The own session of `token`, here: from memory or its save."""
        cid = None if command is None else command.id
        if token not in self.manager.sessions and self.manager.checkpoints.summary(token) is None:
            raise self._gone(command)
        await self.manager.take_over(token)  # a page holding it by its token gives it up
        session, resumed, reason = self.manager.open(token)
        if session is None:
            raise self._full(command)
        if not resumed:  # its save could not be restored: a new session was opened instead
            self.manager.free(session.token, "not wanted: a fork could not be resumed",
                              save=False)
            raise ProtocolError("no_own_session", reason, "resume", True,
                                "resume: true while your own session is kept", "fork", cid)
        return session

    def _full(self, command):
        limit = self.settings.max_sessions
        return ProtocolError("too_many_sessions", f"the server holds its limit of {limit} "
                             "sessions, all of them connected, so no session of your own can "
                             "be made now; you go on following the teacher (try again later)",
                             "session", None, f"at most {limit} sessions on this server",
                             "fork", None if command is None else command.id)

    def _drive(self, session, first, resumed):
        """Drive the student's own `session`: `first` (the reply), its hello (`resumed`: a
        session they had before), then what it queued (its data and network)."""
        if self.follower is not None:
            self.watching.leave(self.follower)
            self.follower = self.watching = None
        self.frame = None  # a frame of the teacher's still waiting: not this session's
        self.session = session
        session.wake = self.wake_sender.set
        session.pack_maps = packs_maps(self.ws, self.settings)  # as for any page (ws.py)
        self.rooms.forked(self.room, session, self.member)  # the room's locks hold in it
        self.manager.hold(session, self)
        self.member.mode, self.member.session_token = "fork", session.token
        hello = {**session.hello(resumed=resumed), "room": self.room_info("fork")}
        waiting = list(session.outbox)
        session.outbox.clear()
        for message in (*first, hello, *waiting):
            session.push(message)
        if self.serving:
            self.scheduler.add(self)
        self.wake_sender.set()

    async def follow(self, command):
        async with self.switching:
            await self._follow_again(command)

    async def _follow_again(self, command):
        if self.session is None:
            raise ProtocolError("illegal_state", "you are following the teacher already",
                                "type", "follow", "follow while on a session of your own",
                                "follow", command.id)
        await self.let_go()
        self.frame = None  # a frame of the own session still waiting
        spot = self.room.spotlight
        if spot is not None and spot.student == self.member.id:
            await self.room.audience.refresh()  # the room's hellos say the teacher's run now
        spotlight.left(self.room, self.member, "the spotlighted student went back to "
                       "following")
        await self.room.showing.refresh()
        teacher = self.room.audience.session
        self._follow(reply={"type": "applied", "id": command.id, "command": "follow",
                            "mode": "follow",
                            "step": None if teacher is None else teacher.described()["step"]})
        await self.rooms.member_changed(self.room, self.member)
        log.info("%s: following the teacher again", self.name)

    async def drive(self, command, text):
        """A command for the student's own session (in this process: applied here)."""
        self.session.push(self.session.apply(command))

    # -- tasks -------------------------------------------------------------------------------
    def reply(self, message):
        if self.session is not None:
            self.session.push(message)
        else:
            self.follower.push(_json(message))

    def next_message(self):
        queue = self.session.outbox if self.session is not None else self.follower.outbox
        return queue.popleft() if queue else None

    def waiting(self):
        return bool(self.session.outbox if self.session is not None else self.follower.outbox)

    async def take(self, text, size):
        """A message, within the student's message rate and byte budget (the connection's
        own, whichever session it shows); its CPU time is the own session's share's."""
        if text is not None and self.session is not None:
            await downloads.read_ahead(self.settings, text)  # MNIST's first read
        started = cpu_clock()
        if self.session is not None:
            self.session.bytes_in += size
        await super().take(text, size)
        if self.session is not None:
            self.scheduler.charge(self, cpu_clock() - started)
        self.scheduler.poke()

    async def handle(self, text):
        try:
            command = admit(text, self.rate, self.settings)
            self.member.active = time.time()
            if command.type in TEACHER_TYPES:
                raise not_teacher(command)
            if command.type == "fork":
                await self.fork(command)
            elif command.type == "follow":
                await self.follow(command)
            elif self.session is not None:
                await self.drive(command, text)
            elif command.type in ("export", "export_code"):  # the teacher's run, as it is
                self._teacher(command)
                self.reply(await self.room.audience.read(command) | {"id": command.id})
            else:
                self.reply(self.as_follower(command))
        except ProtocolError as e:
            self.reply(e.reply)
