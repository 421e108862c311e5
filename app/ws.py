"""The websocket route: one connection drives one session with three concurrent tasks.

- receiver: reads commands and hands them to the session (replies go to its outbox);
- sender: writes the outbox (replies, events, network and data messages), then the frame;
- the app's Scheduler (scheduler.py) trains the session in short slices and, when a frame is
  due and the previous one has gone out, builds the next; a frame that falls due while one is
  in flight is skipped, never queued, so a slow client costs no memory.
"""

import asyncio
import json
import logging
import time

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from . import downloads, frames, replies
from .deps import ManagerDep, RoomsDep, SchedulerDep, SettingsDep
from .scheduler import MIN_SLICE, SLICE, cpu_clock
from .security import is_local_client, is_loopback

log = logging.getLogger("nnplay")
router = APIRouter()

WS_1013_TRY_AGAIN_LATER = 1013
WS_4001_REPLACED = 4001  # the session was resumed by a newer connection
CLOSE_TIMEOUT = 2.0  # seconds to wait for a closing handshake

def origin_allowed(websocket):
    """Browsers send Origin: only a page served by nnplay (an allowed name on the port the
    connection arrived on) or one allowed with --allow-origin may connect. Never judged by the
    request's own Host header, which a DNS-rebinding page chooses (security.py)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser: cross-site hijacking needs a browser
    return websocket.app.state.hosts.allows_origin(origin, websocket.scope.get("server"))


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket, manager: ManagerDep, settings: SettingsDep,
                             scheduler: SchedulerDep, rooms: RoomsDep):
    await websocket.accept()
    if await refused_origin(websocket):
        return
    if await served_by_room(websocket, rooms, manager, scheduler, settings):
        return
    token = websocket.query_params.get("resume")
    if settings.classroom and not is_local_client(websocket.client) and not manager.known(token):
        await refuse_stranger(websocket)
        return
    await manager.take_over(token)  # the token's holder, if still connected, gives it up
    session, resumed, reason = manager.open(token)
    if session is None:
        await _refuse(websocket, "too_many_sessions", reason, "session", None,
                      WS_1013_TRY_AGAIN_LATER)
        return
    room = rooms.bind(session)  # a room's teacher's session: its students follow it
    session.pack_maps = packs_maps(websocket, settings)
    conn = Connection(websocket, session, manager, scheduler, settings.write_timeout)
    manager.hold(session, conn)
    rooms.presence(room)  # the students learn that the teacher is here
    try:
        await conn.run(resumed, reason)
    finally:
        manager.release(session, conn)  # detached, unless a newer connection holds it now
        # ... or that the teacher's page left (of a room opened since it connected, too)
        rooms.presence(room or rooms.teaching(session.token))
        conn.done.set()


async def served_by_room(websocket, rooms, manager, scheduler, settings):
    """A room's student (/ws?student=, students.py) or teacher (/ws?teacher=, teacher.py),
    served until the connection ends: whether it was one (on a cluster too, relay.py)."""
    if "student" in websocket.query_params:
        from . import students  # it builds on Connection, below

        await students.serve(websocket, websocket.query_params["student"], rooms, manager,
                             scheduler, settings)
        return True
    if "teacher" in websocket.query_params:
        from . import teacher

        await teacher.serve(websocket, websocket.query_params["teacher"], rooms, manager,
                            scheduler, settings)
        return True
    return False


async def refuse_stranger(websocket):
    """nnplay --classroom: another machine is a student, who reaches the class through its
    room (/ws?student=); it may open a session of its own only by a token it was given (a
    fork's, to keep working on it after the class), never a new one."""
    await _refuse(websocket, "local_only", (
        "this server is teaching a class: from another machine, join it at /join with the "
        "class's code (a session of your own comes from 'Try it yourself')"), "client",
        str(websocket.client[0]), status.WS_1008_POLICY_VIOLATION)


async def refused_origin(websocket):
    """Refuse (and close) a connection from a page nnplay did not serve: whether it did."""
    if origin_allowed(websocket):
        return False
    origin = websocket.headers.get("origin")
    await _refuse(websocket, "forbidden_origin",
                  f"connections from origin {origin!r} are not allowed; start nnplay with "
                  f"--allow-origin {origin} to allow it", "origin", origin,
                  status.WS_1008_POLICY_VIOLATION)
    return True


async def _refuse(websocket, code, message, field, value, close_code):
    await websocket.send_text(json.dumps(replies.error_reply(code, message, field, value)))
    await websocket.close(code=close_code, reason=code)


def packs_maps(websocket, settings):
    """Whether this client's frames carry their maps packed (frames.encode_planes): bytes
    that cross a network cost more than the CPU that packs them (about 0.5 ms a 6×8 frame);
    on this machine's loopback they cost nothing, so there they go raw
    (settings.pack_frames: "auto"; "always" or "never" to choose)."""
    if settings.pack_frames != "auto":
        return settings.pack_frames == "always"
    client = websocket.client
    return client is None or not is_loopback(client.host)


class DeadPeer(ConnectionError):
    """The client stopped taking data: its session is detached, to wait for a resume."""


class Connection:
    """One websocket and its session: a receiver and a sender task; the app's Scheduler
    calls `wait` and `unit` to train the session and build its frames."""

    def __init__(self, websocket, session, manager, scheduler, write_timeout=20.0):
        self.ws, self.session, self.manager, self.scheduler = (websocket, session, manager,
                                                               scheduler)
        self.write_timeout = write_timeout
        self.frame = None  # the frame waiting for the sender (at most one)
        self.frame_in_flight = False
        self.frame_due = False  # the next unit builds a frame (set by `wait`)
        self.wake_sender = asyncio.Event()
        self.failure = None
        self.replaced = False  # a newer connection took the session over
        self.done = asyncio.Event()  # set once the session is let go
        self.tg = None
        self.close_with = None  # (code, reason) the connection ends with, when not an error
        if session is not None:
            session.wake = self.wake_sender.set  # events pushed outside a command (downloads)

    @property
    def link(self):
        """Where the sender reports its writes: how fast this client reads (linkrate.py)."""
        return self.session.link

    async def run(self, resumed, resume_error):
        await self.ws.send_text(json.dumps(self.session.hello(resumed, resume_error)))
        await self.serve()

    def started(self):
        """The receiver and the sender run: the scheduler may give this connection work."""
        self.scheduler.add(self)

    async def serve(self):
        """Run the receiver and the sender until either ends, then close as the end says."""
        try:
            async with anyio.create_task_group() as tg:
                self.tg = tg

                async def supervise(task):
                    await task()
                    tg.cancel_scope.cancel()  # whichever task ends, the connection ends

                tg.start_soon(supervise, self.receiver)
                tg.start_soon(supervise, self.sender)
                self.started()
        except Exception as group:  # an ExceptionGroup of what the tasks raised
            errors = getattr(group, "exceptions", [group])
            if any(isinstance(e, DeadPeer) for e in errors):
                log.info("%s: %s; detached", self.name,
                         next(e for e in errors if isinstance(e, DeadPeer)))
                return  # no closing handshake: it would wait on the dead peer too
            if not all(isinstance(e, (WebSocketDisconnect, ConnectionError)) for e in errors):
                self.failure = self.failure or group
        finally:
            self.scheduler.remove(self)
        if self.replaced:
            await self._close(WS_4001_REPLACED, "replaced by a newer connection")
        elif isinstance(self.failure, OverflowError):
            await self._close(status.WS_1008_POLICY_VIOLATION, "client not reading")
        elif self.failure is not None:
            log.error("%s failed", self.name, exc_info=self.failure)
            await self._close(status.WS_1011_INTERNAL_ERROR, "internal error")
        elif self.close_with is not None:
            await self._close(*self.close_with)

    @property
    def name(self):
        """What the log calls this connection."""
        return f"session {self.session.id}"

    async def _close(self, code, reason):
        try:
            with anyio.move_on_after(CLOSE_TIMEOUT):  # a peer that reads nothing never acks
                await self.ws.close(code=code, reason=reason)
        except Exception:  # the socket may already be gone
            pass

    async def replace(self, timeout=5.0):
        """A newer connection resumes this session: end this one and wait until the session
        is detached (at most `timeout`: a dead peer's connection may never finish closing)."""
        self.replaced = True
        if self.tg is not None:
            self.tg.cancel_scope.cancel()
        with anyio.move_on_after(timeout):
            await self.done.wait()

    def fail(self, error):
        """Called by the scheduler when this session's work raised: end the connection."""
        self.failure = error
        if self.tg is not None:
            self.tg.cancel_scope.cancel()

    # -- called by the scheduler ------------------------------------------------------------
    def wait(self, now):
        """Seconds until this connection has work (0: now; None: nothing planned)."""
        s = self.session
        frame = s.frame_wait()
        if frame == 0.0 and self.frame_in_flight:
            s.frame_skipped()  # due, but the last one has not gone out: skipped, never queued
            frame = None  # the sender pokes the scheduler when it is free
        elif self.frame_in_flight:
            frame = None
        self.frame_due = frame == 0.0
        work = s.seconds_until_work()
        waits = [w for w in (frame, work) if w is not None]
        return min(waits) if waits else None

    def unit(self, now):
        """One unit of work: the frame if it is due, else a slice of training."""
        s = self.session
        frame = None if self.frame_in_flight else s.frame_wait()
        if frame == 0.0:
            self.frame = s.frame()
            self.frame_in_flight = True
            self.wake_sender.set()
            return
        if s.busy and s.seconds_until_work() == 0.0:
            budget = SLICE if frame is None else min(SLICE, max(frame, MIN_SLICE))
            s.work(budget)
            if s.outbox:
                self.wake_sender.set()

    async def _send(self, message):
        """Send within the write deadline: a peer that takes longer to take one message is
        gone (a dead connection stops acknowledging and the write never completes)."""
        if isinstance(message, frames.Unpacked):  # a frame whose maps stay raw (packs_maps)
            message = bytes(message)
        link = self.link
        link.sending()  # how fast the client reads: linkrate.py
        with anyio.move_on_after(self.write_timeout) as scope:
            if isinstance(message, bytes):
                await self.ws.send_bytes(message)
            else:
                await self.ws.send_text(message)
        link.sent(len(message))
        if scope.cancelled_caught:
            raise DeadPeer(f"the client took no data for {self.write_timeout:g} s")

    # -- tasks ------------------------------------------------------------------------------
    async def receiver(self):
        """Read and apply commands. The CPU time a command takes is charged to this session's
        share, and its bytes to its byte budget: past the budget the next message is read only
        when the budget allows, so a flood waits in the client's socket, not in the server."""
        s = self.session
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None:
                await downloads.read_ahead(s.settings, text)  # MNIST's first read, off the loop
            started = cpu_clock()
            if text is not None:
                s.handle(text)
            else:
                size = len(message.get("bytes") or b"")
                s.received(size)
                s.push(replies.error_reply(
                    "binary_not_allowed", f"commands are JSON text messages; a binary message "
                    f"of {size} bytes was ignored", "message", f"<{size} bytes>",
                    "a JSON text message"))
            self.scheduler.charge(self, cpu_clock() - started)
            self.wake_sender.set()
            self.scheduler.poke()
            delay = s.inbound.seconds_until(0.0)
            if delay:
                await asyncio.sleep(delay)

    async def sender(self):
        s = self.session
        while True:
            while s.outbox:
                message = s.outbox.popleft()
                if isinstance(message, bytes):
                    await self._send(message)
                else:
                    await self._send(_json(message))
            if self.frame is not None:
                frame, self.frame = self.frame, None
                started = time.monotonic()
                await self._send(frame)
                log.debug("session %s: frame of %d bytes sent in %.1f ms", s.id, len(frame),
                          1000 * (time.monotonic() - started))
                self.frame_in_flight = False
                self.scheduler.poke()
                continue
            self.wake_sender.clear()
            if not s.outbox and self.frame is None:
                await self.wake_sender.wait()


def _json(message):
    """JSON text of a message. Should a NaN or an infinity have slipped into it, it goes out
    as a string ("nan", "inf"): never as a number, and never as a dropped connection."""
    try:
        return json.dumps(message, allow_nan=False)
    except ValueError:
        return json.dumps(replies.jsonsafe(message), allow_nan=False)
