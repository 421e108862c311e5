"""Rooms on a cluster (`--workers`, `--ray-address`): the room logic of the embedded default
(rooms.py, students.py, teacher.py, dashboard.py), with the sessions on the session hosts.

`ClusterPlace` is places.LocalPlace's counterpart; what it changes:

  - **Following.** The teacher's session builds each frame once, on its host, and hands it to
    the teacher's relay connection with its pull; that connection hands the same bytes to the
    room's `RelayedAudience` here, which fans them out to every follower's one-frame slot
    (audience.Follower, as in process: a slow follower skips, never queues). On the host the
    session has an audience.Audience of its own, whose followers stand for the variants (full,
    lean) the followers here take (host.Variant): each is rendered once there. The data and
    network messages and the teacher's events come in the teacher's own stream, and are told
    to the followers as Audience.shared and Audience.told do in process.
  - **Forks.** The teacher's checkpoint is taken on its host, and restored (students.
    fork_session) on the least-loaded host that answers (Relay.open), so students' sessions
    spread over the workers. The student's connection then drives it through a relay
    connection of its own (`StudentRelay`): commands to the host, replies, events and frames
    back through the student's queue and frame slot; a host that dies brings the session back
    from its newest checkpoint, as for any relayed session.
  - **Locks** are kept by each host in the student's own session (host.lock; Relay.open passes
    them whenever the session is opened, however it is reached).
  - **The dashboard** asks the hosts once a second for the rows of the room's sessions and
    their thumbnails (host.rows: made there, by dashboard.Thumbnailer).
  - **Push** goes to every host, which applies it to the sessions it holds (teacher.push_to).

  - **Reset** forks the teacher's run again as a fork is made (its checkpoint taken on the
    teacher's host, restored on the least-loaded one); the student's connection drives the
    new session through a new StudentRelay in place of the old one, which is let go.
  - **Spotlight.** The spotlighted student's StudentRelay feeds a RelayedAudience of its own,
    as the teacher's relay connection feeds the room's: the frames are built once on the
    student's host (its session gets a host-side audience, the variants each rendered once)
    and fanned out here to the followers and the teacher's connections. The run's data and
    network, sent long before it was spotlighted, are asked of the host with the first pull
    (`current`). A run is shown while its page is connected: its relay connection is what
    pulls its frames (one whose page leaves stands still until it is back).
"""

import asyncio
import json
import struct
from collections import deque

from .. import spotlight
from ..audience import Audience
from ..dashboard import Dashboard, Thumb
from ..replies import ProtocolError
from ..rooms import fork_token
from ..students import StudentConnection
from .relay import NoWorkers, RelayConnection

# The own session's messages waiting for the student's socket, at most: then the relay waits
# (as it does on a page's own socket while a write is under way) before it pulls again.
RELAYED_WAITING = 64
DESCRIBED = ("schema_version", "protocol_version", "limits", "state", "step", "epoch", "config",
             "speed", "fps", "selected", "history", "presets", "saves")


class ClusterPlace:
    """A room's sessions on the cluster's hosts, reached through the relay."""

    def __init__(self, relay):
        self.relay = relay

    def audience(self, room):
        return RelayedAudience(room, self.relay)

    def dashboard(self, room, rooms):
        return ClusterDashboard(room, rooms, self.relay)

    @property
    def student_connection(self):
        return ClusterStudentConnection

    def session_of(self, token):
        """The session a room may be opened on: one whose page is connected through this web
        process (POST /api/rooms comes from that page)."""
        return self.relay.connections.get(token) if isinstance(token, str) else None

    def own_run(self, member, command):
        """The relay connection that drives `member`'s own session, which a spotlight binds
        (RelayedAudience.bind: it fans out the frames that connection pulls), or None when
        they follow. A run whose page is away has no connection pulling its frames: refused."""
        if member.mode != "fork":
            return None
        conn = member.connection
        if conn is None or conn.driver is None:
            raise ProtocolError("student_away", f"{member.name} is not connected: on a cluster "
                                "a run is shown while its page is connected (its frames come "
                                "through it)", "student", member.id, "a connected student",
                                command.type, command.id)
        return conn.driver

    async def push(self, members, pushed):
        """As LocalPlace.push: every host applies it to the own sessions it holds."""
        ids = {m.session_token: m.id for m in members
               if m.mode == "fork" and m.session_token is not None}
        results = {}
        for answer in await self.relay.ask_all("push", list(ids), pushed) if ids else ():
            results.update({ids[token]: error for token, error in answer.items()})
        return results

    async def locked(self, room, rooms):
        """The room's locks changed: every host holds them in the own sessions it has."""
        keys = sorted(room.locks.keys)
        tokens = {m.session_token: keys for m in room.members.values()
                  if m.session_token is not None}
        if tokens:
            await self.relay.ask_all("lock", tokens)


class RemoteRun:
    """A room's teacher's session on a host, as the room asks it (`audience.session`): what a
    follower's hello says of it (taken from the host before each hello), and its checkpoint."""

    state = None  # what the dashboard checks of a session in process: this one is on its host

    def __init__(self, relay, token, hello):
        self.relay, self.token = relay, token
        self.info = {k: hello[k] for k in DESCRIBED if k in hello}

    def described(self):
        return dict(self.info)

    async def refresh(self):
        info = await self.relay.run_of(self.token, "described")
        if info is not None:
            self.info = info

    async def checkpoint(self):
        return await self.relay.run_of(self.token, "checkpoint")


def _header(message):
    (n,) = struct.unpack_from("<I", message, 0)
    return json.loads(message[4:4 + n])


class RelayedAudience(Audience):
    """The followers of a room's teacher's session that lives on a host. The session is bound
    through the teacher's page's relay connection (`bind`), which hands over what that page
    is sent (`saw`, `relayed`) and asks the host for what the followers need (`wanted`)."""

    def __init__(self, room, relay):
        super().__init__(room)
        self.relay = relay
        self.conn = None  # the teacher's page's RelayConnection, while it is connected
        self.urgent = False  # a newcomer waits for a frame: the host builds one at once
        self.plane = False  # whether the newest frame has variants (a plane's maps)

    def bind(self, conn):
        """Follow the run `conn` drives: the teacher's page's relay connection, or for a
        spotlight the spotlighted student's (a StudentRelay)."""
        if self.conn is conn:
            return
        self._release()
        self.conn, conn.teaching, conn.audience = conn, self.room, self
        conn.session.greeting = conn.greeting(conn.session.greeting)
        if self.session is not None and self.session.token == conn.token:
            return  # the same run, its page back: the followers go on
        self.session = RemoteRun(self.relay, conn.token, conn.session.greeting)
        self.data = self.network = self.frame = None
        for follower in list(self.followers):
            follower.restart()
        self.urgent = True

    def left(self, conn):
        """The run's page left: the run stands still on its host."""
        if self.conn is conn:
            self._release()

    def unbind(self):
        self._release()
        self.session = None

    def _release(self):
        conn, self.conn = self.conn, None
        if conn is not None and conn.audience is self:  # not bound to another since
            conn.teaching = conn.audience = None

    @property
    def teacher_here(self):
        return self.conn is not None

    async def refresh(self):
        if self.session is not None:
            await self.session.refresh()

    async def read(self, command):
        reply = await self.relay.run_of(self.session.token, "read", command)
        if reply is None:
            raise ProtocolError("teacher_away", "the teacher's session is not open on the "
                                "cluster now; try again once the teacher's page is back",
                                "type", command.type, "once the teacher's session is open",
                                command.type, command.id)
        return reply

    def greet(self, follower):
        if self.session is None:
            return
        for cached in (self.data, self.network):
            if cached is not None:
                follower.push(cached[1])
        if self.frame is not None:
            follower.offer(self._variant(follower))
        else:
            self.urgent = True

    # -- from the teacher's relay connection ---------------------------------------------------
    def wanted(self):
        """What the host is asked with the next pull (host.SessionHost._audience)."""
        urgent, self.urgent = self.urgent, False
        return {"room": self.room.for_teacher(), "urgent": urgent,
                "lean": sorted({follower.lean for follower in self.followers}),
                "current": self.data is None or self.network is None}

    def caught_up(self, current):
        """The run's data and network as they are now (host.pull, asked by `wanted`), for a
        run whose stream sent them before it was followed; kept and passed on."""
        for message in current:
            kind = _header(message)["type"]
            if getattr(self, kind) is None:
                self.shared(kind, None, message)

    def saw(self, message):
        """A message the teacher's page is sent: data and network (binary) are kept and
        passed on; the events that show what the teacher does go to every follower."""
        if isinstance(message, (bytes, bytearray)):
            kind = _header(message)["type"]
            if kind in ("data", "network"):
                self.frame = None  # a newer network or data than the newest frame's
                self.shared(kind, None, message)
        elif self.followers:
            self.told(json.loads(message))

    def relayed(self, frame, shared):
        """The teacher's frame, and the variants the host rendered for followers: to every
        follower's slot, in the variant its link takes."""
        if shared is None:  # the host does not know the followers yet: the teacher's variant
            self.frame, self.plane = {None: frame}, False
        else:
            self.frame = {shared["own"]: frame, **shared["others"]}
            self.plane = shared["plane"]
            self.variants_built += len(shared["others"])
        self.frames_shared += 1
        for follower in list(self.followers):
            follower.offer(self._variant(follower))

    def _variant(self, follower):
        frame = self.frame
        return frame.get(follower.lean and self.plane) or next(iter(frame.values()))


class ClusterDashboard(Dashboard):
    """The class message with the rows of sessions on the hosts: asked of them (host.rows)
    before each message, once a second."""

    def __init__(self, room, rooms, relay):
        super().__init__(room, rooms, None, None)
        self.relay = relay
        self.runs = {}  # token -> (summary, config, thumbnail) as the hosts said

    async def gather(self):
        tokens = [m.session_token for m in self.room.members.values()
                  if m.mode == "fork" and m.session_token is not None]
        if self.room.session_token is not None:
            tokens.append(self.room.session_token)
        runs = {}
        for answer in await self.relay.ask_all("rows", tokens) if tokens else ():
            runs.update(answer)
        self.runs = runs

    def teacher_run(self):
        run = self.runs.get(self.room.session_token)
        return None if run is None else run[:2]

    def own_run(self, member, now):
        run = self.runs.get(member.session_token) if member.mode == "fork" else None
        if run is None:
            return None
        summary, config, made = run
        return summary, config, None if made is None else Thumb(None, *made, now)


class ClusterStudentConnection(StudentConnection):
    """A student's websocket whose own session lives on a host: following is as in process
    (the followers are here); on their own session, a StudentRelay drives it."""

    def __init__(self, websocket, room, member, token, rooms, manager, scheduler, settings):
        super().__init__(websocket, room, member, token, rooms, manager, scheduler, settings)
        self.relay = rooms.place.relay
        self.driver = None  # the StudentRelay of the own session
        self.pump = None  # the task that pulls from the host
        self.relayed_out = deque()  # what the own session sends, and the replies given here
        self.room_for_more = asyncio.Event()

    @property
    def link(self):
        return self.driver.session.link if self.driver is not None else self.follower.link

    def started(self):
        self.serving = True
        if self.driver is not None:
            self._pump()

    def wait(self, now):
        return None  # the own session's host trains it

    # -- the own session -----------------------------------------------------------------------
    def facts(self, driver):
        hello = driver.session.greeting
        return {k: hello[k] for k in ("session", "resume_token", "state", "step")}

    async def _fork_teacher(self, command):
        teacher = self._teacher(command)
        checkpoint = await teacher.checkpoint()  # taken on the teacher's host
        if checkpoint is None:
            raise ProtocolError("teacher_away", "the teacher's session is not open on the "
                                "cluster now; try again once the teacher's page is back",
                                "type", "fork", "once the teacher's session is open", "fork",
                                None if command is None else command.id)
        self.member.forks += 1  # saved before the session exists: its token is never reused
        await self.rooms.member_changed(self.room, self.member)
        return await self._open_own(fork_token(self.token, self.member.forks), checkpoint,
                                    command)

    async def resume_own(self, token, command):
        held = any(load["has"] for load in await self.relay.survey(token))
        if not held and await self.relay.saved_run(token) is None:
            raise self._gone(command)
        driver = await self._open_own(token, None, command)
        if not driver.session.greeting["resumed"]:  # not restored: a new session instead
            await driver.leave()
            raise self._gone(command)
        return driver

    async def _open_own(self, token, run, command):
        """A relay connection to the own session `token` (`run`: the teacher's checkpoint, a
        new fork restored on the least-loaded host)."""
        self.rooms.claim_fork(self.room, token, self.member)  # its locks go with it
        driver = StudentRelay(self)
        try:
            host, opened = await self.relay.open(driver.conn_id, token, run, run is not None)
        except NoWorkers as e:
            raise ProtocolError("no_workers", f"no worker is there to run a session ({e}); "
                                "try again in a few seconds", "session", None,
                                "a cluster with a worker that answers", "fork",
                                None if command is None else command.id) from None
        if host is None:
            raise self._full(command)
        driver.attached(host, opened)
        return driver

    def _drive(self, driver, first, resumed):
        if self.follower is not None:
            self.watching.leave(self.follower)
            self.follower = self.watching = None
        self.frame = None  # a frame of the teacher's still waiting: not this session's
        self.driver, self.session = driver, driver.session
        self.member.mode, self.member.session_token = "fork", driver.session.token
        self.relayed_out.clear()
        for message in (*first, driver.session.greeting):
            self.reply(message)
        spotlight.moved(self.room, self.member, driver)  # their page back, or a reset
        if self.serving:
            self._pump()
        self.wake_sender.set()

    async def replace_own(self, new, event):
        """As StudentConnection.replace_own: the old relay connection stops pulling before
        the new one drives, then its session is let go on its host."""
        old = self.driver
        self._stop_pump()
        self.driver = self.session = None
        self._drive(new, [event], resumed=False)
        await old.leave()

    async def drive(self, command, text):
        reply = await self.driver.call("handle", text)  # its reply comes with the next pull
        if reply.get("end"):
            self.driver._ended(reply["end"])
            self._driver_ended(self.driver)

    async def let_go(self):
        driver, self.driver, self.session = self.driver, None, None
        self._stop_pump()
        self.relayed_out.clear()
        self.frame = None
        self.frame_gone.set()
        if driver is not None:
            if self.room.spotlight is not None:  # shown: it stands still until they are back
                self.room.spotlight.audience.left(driver)
            await driver.leave()  # it waits on its host; what changed since is saved

    def _stop_pump(self):
        if self.pump is not None:
            self.pump.cancel()
            self.pump = None

    def _pump(self):
        if self.pump is None or self.pump.done():
            self.pump = asyncio.get_running_loop().create_task(self._pumping(self.driver))

    async def _pumping(self, driver):
        try:
            await driver.sender()  # until the host ends it
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - the connection ends, as a relay's would
            self.fail(e)
            return
        self._driver_ended(driver)

    def _driver_ended(self, driver):
        if driver is not self.driver:
            return
        if driver.replaced:  # its token opened it elsewhere: this connection ends (4001)
            self.replaced = True
            if self.tg is not None:
                self.tg.cancel_scope.cancel()
        else:
            self.fail(driver.failure or RuntimeError("the own session ended on its host"))

    # -- what the own session sends (StudentRelay) ---------------------------------------------
    async def relayed(self, message):
        while len(self.relayed_out) >= RELAYED_WAITING:
            self.room_for_more.clear()
            await self.room_for_more.wait()
        self.relayed_out.append(message)
        self.wake_sender.set()

    async def relayed_frame(self, frame):
        """Into the frame slot; back once it is written (the host counts it in flight until
        the next pull, so a slow client's frames are skipped there, never queued)."""
        self.frame_gone.clear()
        self.frame = frame
        self.wake_sender.set()
        await self.frame_gone.wait()

    def reply(self, message):
        if self.driver is None:
            super().reply(message)
            return
        if len(self.relayed_out) >= 4 * RELAYED_WAITING:
            raise OverflowError("the client is not reading its replies")
        self.relayed_out.append(message)
        self.wake_sender.set()

    def next_message(self):
        if self.driver is None:
            return super().next_message()
        message = self.relayed_out.popleft() if self.relayed_out else None
        if len(self.relayed_out) < RELAYED_WAITING:
            self.room_for_more.set()
        return message

    def waiting(self):
        return bool(self.relayed_out) if self.driver is not None else super().waiting()

    async def take(self, text, size):
        await super(StudentConnection, self).take(text, size)  # the host counts its bytes


class StudentRelay(RelayConnection):
    """A student's own session on a host, driven through the student's connection: a relay
    connection (its calls, pulls, checkpoints and recovery after a host's death) whose
    messages and frames go out through the student's queue and frame slot."""

    def __init__(self, student):
        super().__init__(student.ws, student.relay, student.settings.write_timeout)
        self.student = student

    def greeting(self, hello):
        return {**hello, "room": self.student.room_info("fork")}

    async def _send(self, message):
        await self.student.relayed(message)

    async def deliver_frame(self, frame):
        await self.student.relayed_frame(frame)
