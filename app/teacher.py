"""The room's teacher's connection: `/ws?teacher=TEACHER_TOKEN` (the token POST /api/rooms gave).

It is the teacher's page's second socket, beside its session's own. Why a connection of its
own rather than the session's: the session is an actor that knows nothing of rooms and could
live in another process (DESIGN.md), while the dashboard and the room's commands reach every
student's session; and the teacher token, not the session's resume token, is what stands for
the teacher (it already opens the roster and closes the room over HTTP). So the teacher's
session stays a plain session, and a page that opens only it is not a teacher's page.

What it gets: a `hello` (the room, its locked controls and spotlight), then about once a
second a binary `class` message (dashboard.py), the room's events (`locks`, `spotlight`)
and, while a student's run is spotlighted, that run's `data`, `network` and frames, as a
follower gets them (for the projector). What it takes: the room's commands,

    room_push {preset?, config?, speed?}   to every student's own session, each checked by
                                          that session as its own command would be
    room_lock {controls: [...]}           config keys students' sessions refuse to change
    room_remove {student}                 the student's connection ends, their token too
    room_reset {student}                  their own session: a new fork of the teacher's run
    room_spotlight {student|null, show_name}   show a student's run to the room

and `fps`, `frames` for the spotlighted run's frames. Anything else is refused, and no other
connection may send these (`not_teacher`, commands/classroom.py).
"""

import logging
import time
from collections import deque

from fastapi import status

from . import locks, replies, schema, spotlight
from .audience import Follower
from .dashboard import THUMB
from .lifecycle import State
from .linkrate import LinkRate
from .presets import PRESETS
from .protocol import Preset, Set, Speed, TEACHER_TYPES
from .replies import ProtocolError
from .rooms import RoomError
from .roomsocket import RoomConnection
from .scheduler import cpu_clock
from .session import admit, limits_of
from .students import room_error_reply
from .ws import _json

log = logging.getLogger("nnplay")

OUTBOX_LIMIT = 256  # a teacher's connection that reads nothing is cut off beyond this
MAX_VIEWS = 4  # teacher's connections per room (a projector, a laptop, ...): then the oldest go
SPOTLIGHT_COMMANDS = ("fps", "frames")  # the spotlighted run's frames, for this connection


async def serve(websocket, token, rooms, manager, scheduler, settings):
    """Drive one teacher's connection until it ends (ws.py routes `/ws?teacher=` here)."""
    refusal = None
    if "resume" in websocket.query_params or "student" in websocket.query_params:
        refusal = replies.error_reply(
            "invalid_value", "the teacher's connection opens the room its token belongs to and "
            "takes no resume= or student=; the teacher's session is the page's own "
            "connection, /ws?resume=TOKEN", "teacher", "<a token>", "teacher= alone")
    else:
        try:
            room = rooms.teacher_of(token)
        except RoomError as e:
            refusal = room_error_reply(e)
    if refusal is not None:
        await websocket.send_text(_json(refusal))
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=refusal["code"])
        return
    if room.dashboard is None:
        room.dashboard = rooms.place.dashboard(room, rooms)
    views = list(room.dashboard.viewers)
    for older in views[:max(0, len(views) - MAX_VIEWS + 1)]:
        await older.replace()
    conn = TeacherConnection(websocket, room, rooms, manager, scheduler, settings)
    try:
        await conn.run()
    finally:
        conn.leave()
        conn.done.set()


class TeacherConnection(RoomConnection):
    """One teacher's websocket (roomsocket.py's tasks): no session of its own (the scheduler
    never drives it), a follower of the spotlighted run while there is one."""

    def __init__(self, websocket, room, rooms, manager, scheduler, settings):
        super().__init__(websocket, manager, scheduler, settings)
        self.room, self.rooms = room, rooms
        self.outbox = deque()  # replies and events, as JSON text
        self.board = None  # the newest class message not sent yet (one slot)
        self.boards_sent = self.boards_skipped = 0
        self.watching = None  # while a student's run is spotlighted: its audience
        self.own_link = LinkRate()
        self.fps, self.mode = 30, "auto"  # for the spotlighted run's frames

    @property
    def name(self):
        return f"the teacher of room {self.room.shown}"

    @property
    def link(self):
        return self.follower.link if self.follower is not None else self.own_link

    # -- lifetime ----------------------------------------------------------------------------
    async def run(self):
        await self.ws.send_text(_json(self.hello()))
        self.room.dashboard.add(self)
        if self.room.spotlight is not None:
            self._watch()
        log.info("%s: dashboard open", self.name)
        await self.serve()

    def hello(self):
        room, spot = self.room, self.room.spotlight
        return {"type": "hello", "session": None, "resume_token": None,
                "schema_version": schema.VERSION, "protocol_version": 1,
                "limits": limits_of(self.settings),
                "room": {**room.for_teacher(), "locked": sorted(room.locks.keys),
                         "spotlight": None if spot is None else spot.shown()},
                "dashboard": {"interval": 1.0, "thumb_size": THUMB}}

    def started(self):
        pass  # nothing for the scheduler: the dashboard's ticker and the commands do the work

    def leave(self):
        if self.room.dashboard is not None:
            self.room.dashboard.remove(self)
        if self.follower is not None:
            self.watching.leave(self.follower)

    # -- what it is sent ---------------------------------------------------------------------
    def push(self, message):
        if len(self.outbox) >= OUTBOX_LIMIT:
            self.fail(OverflowError("the client is not reading its messages"))
            return
        self.outbox.append(message if isinstance(message, str) else _json(message))
        self.wake_sender.set()

    reply = push

    def next_message(self):
        follower = self.follower
        if self.outbox:
            return self.outbox.popleft()
        if follower is not None and follower.outbox:
            return follower.outbox.popleft()
        if self.board is not None:
            board, self.board = self.board, None
            self.boards_sent += 1
            return board
        return None

    def waiting(self):
        follower = self.follower
        return bool(self.outbox or self.board is not None or (
            follower is not None and follower.outbox))

    def show_class(self, message):
        """The newest class message: into the slot, replacing one still waiting."""
        if self.board is not None:
            self.boards_skipped += 1
        self.board = message
        self.wake_sender.set()

    def spotlight_changed(self, event):
        """Told first; then the spotlighted run's data, network and frames, or none."""
        if self.follower is not None:
            self.watching.leave(self.follower)
            self.follower = self.watching = None
            self.frame = None
        self.push(event)
        if self.room.spotlight is not None:
            self._watch()

    def _watch(self):
        self.follower = Follower(self, "teacher")
        self.follower.fps, self.follower.mode = self.fps, self.mode
        self.watching = self.room.spotlight.audience
        self.follower.push(_json(self._spotlight_run()))
        self.watching.join(self.follower)

    def _spotlight_run(self):
        """What the projector needs to start over with the spotlighted run (as a hello)."""
        spot = self.room.spotlight
        session = spot.audience.session
        run = session.described()
        if not spot.audience.teacher_here:
            run["state"] = "paused"  # the student's page is gone: the run stands still
        return {"type": "spotlight_run", **spot.shown(), "run": run}

    def follow_again(self):
        """The spotlighted run is a new session (room_reset): start over with it."""
        self.follower.push(_json(self._spotlight_run()))
        self.watching.greet(self.follower)

    # -- commands ----------------------------------------------------------------------------
    async def handle(self, text):
        self.push(await self.answer(text))

    async def answer(self, text):
        """The reply to one message: the command applied to the room, or an error."""
        try:
            command = admit(text, self.rate, self.settings)
            if command.type in SPOTLIGHT_COMMANDS:
                return self._frames(command)
            if command.type not in TEACHER_TYPES:
                raise ProtocolError(
                    "invalid_value", f"{command.type} is not a room command: the teacher's "
                    "connection takes " + ", ".join(TEACHER_TYPES + SPOTLIGHT_COMMANDS) + "; "
                    "the teacher's own run takes its commands on the page's session "
                    "connection", "type", command.type,
                    "one of: " + ", ".join(TEACHER_TYPES + SPOTLIGHT_COMMANDS), command.type,
                    command.id)
            started = time.perf_counter()
            result = await ROOM_COMMANDS[command.type](self, command)
            log.info("%s: %s in %.1f ms", self.name, command.type,
                     1000 * (time.perf_counter() - started))
            return {"type": "applied", "id": command.id, "command": command.type, **result}
        except ProtocolError as e:
            return e.reply

    def _frames(self, command):
        if command.type == "fps":
            self.fps = command.fps
            result = {"fps": command.fps}
        else:
            self.mode = command.mode
            result = {"mode": command.mode}
        if self.follower is not None:
            self.follower.fps, self.follower.mode = self.fps, self.mode
        return {"type": "applied", "id": command.id, "command": command.type, **result}


# -- the room's commands ---------------------------------------------------------------------
def _student(room, command):
    member = room.members.get(command.student)
    if member is None:
        raise ProtocolError("no_student", f"there is no student {command.student!r} in room "
                            f"{room.shown} (the class message lists their ids)", "student",
                            command.student, "the id of a student in the room", command.type,
                            command.id)
    return member


def _push_commands(command):
    """The session commands a push stands for (a preset first, then the config, then the
    speed), checked here as far as no session's state decides: a value no session would take
    refuses the whole push, naming it."""
    if command.preset is None and command.config is None and command.speed is None:
        raise ProtocolError("invalid_value", "room_push needs at least one of preset, config "
                            "and speed", "config", None, "preset, config and/or speed",
                            command.type, command.id)
    pushed = []
    if command.preset is not None:
        if command.preset not in PRESETS:
            raise ProtocolError("invalid_value", f"{command.preset!r} is not a preset",
                                "preset", command.preset, "one of: " + ", ".join(PRESETS),
                                command.type, command.id)
        pushed.append(Preset(type="preset", name=command.preset))
    if command.config is not None:
        try:
            schema.validate_changes(command.config)
        except ValueError as e:
            raise ProtocolError("invalid_value", str(e), getattr(e, "field", "config"),
                                getattr(e, "value", None), getattr(e, "allowed", None),
                                command.type, command.id) from None
        pushed.append(Set(type="set", config=command.config))
    if command.speed is not None:
        pushed.append(Speed(type="speed", steps_per_second=command.speed))
    return pushed


async def room_push(conn, command):
    """Every student's own session gets the push, as if they had sent it themselves (their
    page is sent the `applied` replies, marked `by: teacher`); the room's locks do not hold
    the teacher back. One student's refusal is theirs: it is listed, and the others go on."""
    pushed = _push_commands(command)
    room = conn.room
    applied, refused, following, away = [], [], [], []
    members = list(room.members.values())
    results = await conn.rooms.place.push(members, pushed)  # where each own session lives
    for member in members:
        if member.id not in results:  # no own session open: following, unless their page left
            following_now = member.mode == "follow" and member.connection is not None
            (following if following_now else away).append(member.id)
            continue
        error = results[member.id]
        if error is None:
            applied.append(member.id)
        else:
            refused.append({"student": member.id, "name": member.name,
                            **{k: error.get(k) for k in ("command", "code", "field", "value",
                                                         "allowed", "message")}})
    log.info("room %s: pushed %s to %d students (%d refused)", room.shown,
             "+".join(one.type for one in pushed), len(applied) + len(refused), len(refused))
    return {"applied": applied, "refused": refused, "following": following, "away": away}


async def room_lock(conn, command):
    room = conn.room
    try:
        controls = room.locks.set(command.controls)
    except ValueError as e:
        raise ProtocolError("invalid_value", str(e), "controls", getattr(e, "value", None),
                            getattr(e, "allowed", None), command.type, command.id) from None
    await conn.rooms.locks_changed(room)
    await conn.rooms.place.locked(room, conn.rooms)  # held in every own session, wherever
    event = {"type": "locks", "controls": controls,
             "message": (f"the teacher locked {locks.labels(controls)} for this exercise"
                         if controls else "the teacher unlocked every control")}
    for member in list(room.members.values()):
        if member.connection is not None:
            member.connection.tell(event)
    room.dashboard.tell(event)
    log.info("room %s: %d control(s) locked", room.shown, len(controls))
    return {"controls": controls}


async def room_remove(conn, command):
    room = conn.room
    member = _student(room, command)
    if room.spotlight is not None and room.spotlight.student == member.id:
        await room.audience.refresh()  # the followers' hellos say the teacher's run as it is
    spotlight.left(room, member, "the spotlighted student left the room")
    await conn.rooms.remove(room, member)
    room.dashboard.forget(member.id)
    return {"student": member.id, "name": member.name}


async def room_reset(conn, command):
    room = conn.room
    member = _student(room, command)
    if member.mode != "fork":
        raise ProtocolError("illegal_state", f"{member.name} follows the teacher: there is no "
                            "run of theirs to reset", "student", member.id,
                            "a student on a session of their own", command.type, command.id)
    if member.connection is None:
        raise ProtocolError("student_away", f"{member.name} is not connected: their run can "
                            "be reset once they are back (their page makes the new fork)",
                            "student", member.id, "a connected student", command.type,
                            command.id)
    try:
        step = await member.connection.reset_by_teacher()
    except ProtocolError as e:
        raise ProtocolError(e.reply["code"], e.reply["message"], e.reply["field"],
                            e.reply["value"], e.reply["allowed"], command.type,
                            command.id) from None
    return {"student": member.id, "step": step}


async def room_spotlight(conn, command):
    room, place = conn.room, conn.rooms.place
    if command.student is None:
        await room.audience.refresh()  # the followers' hellos say the teacher's run as it is
        spotlight.stop(room)
        return {"student": None, "name": None}
    member = _student(room, command)
    run = place.own_run(member, command)
    if run is None:
        raise ProtocolError("no_own_session", f"{member.name} follows the teacher: there is no "
                            "run of theirs to show", "student", member.id,
                            "a student on a session of their own", command.type, command.id)
    audience = place.audience(room)  # its frames built once, for everyone who watches
    audience.bind(run)
    await audience.refresh()  # what the hellos say of it: as it is now
    if place.own_run(member, command) is not run:  # they left it meanwhile
        audience.unbind()
        raise ProtocolError("no_own_session", f"{member.name} left their run as it was about "
                            "to be shown", "student", member.id,
                            "a student on a session of their own", command.type, command.id)
    shown = spotlight.start(room, member, audience, command.show_name)
    return {**shown.shown(), "name_allowed": member.show_name}


def push_to(session, pushed, holder, scheduler):
    """A push applied to one student's own session, where it lives (this process, or its
    host on a cluster), as if they had sent it (their page gets the replies, `by: teacher`);
    the room's locks do not hold the teacher back; the CPU time is charged to `holder`'s share.
    The error reply that stopped it, or None."""
    started = cpu_clock()
    replies_ = []
    with locks.lifted(session):
        for one in pushed:
            reply = session.apply(one)
            replies_.append(reply)
            if reply["type"] == "error":
                break
    if session.state is State.DETACHED:
        session.outbox.clear()  # its page is sent the run afresh when it comes back
    else:
        for reply in replies_:
            session.tell({**reply, "by": "teacher"})
    scheduler.charge(holder, cpu_clock() - started)  # the student's share pays for it
    return replies_[-1] if replies_[-1]["type"] == "error" else None


ROOM_COMMANDS = {"room_push": room_push, "room_lock": room_lock, "room_remove": room_remove,
                 "room_reset": room_reset, "room_spotlight": room_spotlight}
assert set(ROOM_COMMANDS) == set(TEACHER_TYPES)
