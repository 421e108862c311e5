"""A session host: one Ray actor, in a worker process, that holds many sessions.

It does for its sessions what the web process does for its own on the embedded default: a
SessionManager keeps them (resume by token, expiry, eviction), and a Scheduler trains them in
short slices and builds their frames, one fair share each. Each session is driven through a
Slot, which is ws.Connection without the websocket: the relay in the web process (relay.py)
sends the commands in (`handle`) and takes the replies, events, frame and checkpoint out with
a long poll (`pull`). The Session class is the one the web process uses, so validation, limits
and frames are the same to the byte.

Every method is a coroutine on the actor's event loop (an async actor), so the scheduler's
units of training and the relay's calls interleave as on the web process's own loop.
"""

import asyncio
import logging
import os
import socket
import sys
import time
from dataclasses import replace

import anyio

from ..audience import Audience
from ..dashboard import THUMB_EVERY, Thumbnailer, run_summary, session_key
from ..downloads import read_ahead
from ..linkrate import LinkRate
from ..locks import Locks
from ..manager import SessionManager
from ..scheduler import cpu_clock
from ..session import Session, State
from ..ws import Connection, _json

log = logging.getLogger("nnplay")

PULL_SECONDS = 1.0  # a long poll with nothing to take returns after this
TICK = 0.25  # seconds between looks at what needs a checkpoint (as checkpoints.TICK)
# A relay pulls at least every PULL_SECONDS, except while it writes to a slow client (up to
# Settings.write_timeout): one silent for longer than both, and this slack, is gone.
LEASE_SLACK = 10.0
SWITCH_SECONDS = 0.0005


_ENDED = {"messages": [], "frame": None, "checkpoint": None, "shared": None, "current": None,
          "kept": []}


class RelayedLink(LinkRate):
    """The client's link, judged here as in process (linkrate.py), from what the relay says of
    its writes to the websocket (`report`, with each pull): the time between two pulls also
    holds the trip through Ray and the web process's other work, which is not the client's
    link. Until the report comes, what a pull handed out counts as a write still waiting
    (`sending`), so a client that stops reading, which blocks the relay, is seen all the same."""

    def sent(self, nbytes):
        pass  # the relay's report stands for it


class Slot(Connection):
    """A session as one relay connection drives it. The host's Scheduler calls `wait` and
    `unit` (ws.Connection's own), which leave at most one frame in `frame`; `pull` hands it
    out, and the frame counts as in flight until the next pull (the relay sends what it took
    before it pulls again), so a slow client's frames are skipped, never queued."""

    def __init__(self, session, scheduler, conn_id):
        super().__init__(None, session, None, scheduler)
        self.conn_id = conn_id
        session.link = RelayedLink(session.clock)  # the relay measures the client's link
        self.checkpoint = None  # the newest checkpoint not yet taken by the relay
        self.pulled = time.monotonic()  # when the relay last asked (see SessionHost.lease)
        self.pulling = False
        self.ended = None  # why the relay must end the connection ("replaced", "overflow")

    def fail(self, error):
        """The session's work raised (called by the scheduler): the relay closes with 1011."""
        self.failure = error
        self.end("failed")

    def end(self, why):
        self.ended = self.ended or why
        self.scheduler.remove(self)
        self.wake_sender.set()


class Variant:
    """On the host, a follower of a room's teacher's session stands for every follower of one
    frame variant (full or lean) in the web processes: it is how the session's audience
    (audience.py, as in process) knows which variants to render. What followers are sent goes
    out through the teacher's own relay connection, so nothing is queued here."""

    def __init__(self, lean):
        self.lean = lean

    def push(self, message):
        pass  # the events reach the web process in the teacher's own stream

    offer = push

    def replace(self, kind, message):
        pass  # as push: a session that attaches again shares its data and network

    def restart(self):
        pass


class TeacherRoom:
    """What the teacher's own hello says of its room (`room`), as the web process said it."""

    def __init__(self, info):
        self.info = info

    def for_teacher(self):
        return self.info


class SessionHost:
    """Many sessions in one worker process; wrapped with ray.remote by cluster.connect."""

    def __init__(self, name, settings):
        self.name = name
        # Ray's threads take the GIL to pass each call in and each reply out; training holds
        # it between two of the interpreter's switches (5 ms by default): switch more often.
        sys.setswitchinterval(SWITCH_SECONDS)
        # The web process writes the saved runs: here sessions live in memory only. The relay
        # keeps the session cap over every host; this manager never opens a session itself.
        self.settings = replace(settings, save=False)
        self.saves = settings.save  # ... through the relay: a session's hello says so
        self.manager = SessionManager(self.settings)
        self.scheduler = None
        self.slots = {}  # the relay's connection id -> Slot
        self.tasks = []
        self.thumbnailer = Thumbnailer()  # the class message's thumbnails, made here
        self.thumbs = {}  # token -> (session_key, when made, (codes, meta) or None)
        self.sweep_turn = asyncio.Lock()  # sweep runs train here one at a time (cluster/sweeps)

    async def _started(self):
        if self.scheduler is None:
            from ..scheduler import Scheduler

            self.scheduler = Scheduler()
            self.tasks = [asyncio.get_running_loop().create_task(self._checkpoints()),
                          asyncio.get_running_loop().create_task(self.manager.reap_forever())]

    # -- what the relay asks ----------------------------------------------------------------
    async def load(self, token=None):
        """How loaded this host is, and whether it holds `token`'s session: the relay's survey
        for placement and for finding a session by its token."""
        await self._started()
        now = time.monotonic()
        detached = [now - s.detached_at for s in self.manager.sessions.values()
                    if s.state is State.DETACHED]
        return {"host": self.name, "pid": os.getpid(), "node": socket.gethostname(),
                "sessions": len(self.manager.sessions), "connected": len(self.slots),
                "longest_detached": max(detached, default=None),
                "has": bool(token) and token in self.manager.sessions}

    async def open(self, conn_id, token=None, run=None, resume_error=None, fork=False,
                   locks=None):
        """Attach connection `conn_id` to a session: the token's if it is here (taken over
        from the connection that holds it, if any), else the saved `run` restored (`fork`: a
        room student's new own session from the teacher's checkpoint, students.fork_session),
        else a new one. `locks`: the room's locked keys when the token is a student's own
        session (locks.py). {"hello"} with the session's hello, or {"error"} when `run`
        cannot be restored."""
        await self._started()
        sessions = self.manager.sessions
        session, resumed = sessions.get(token) if token else None, True
        if session is not None:
            holder = self.manager.holders.get(session.id)
            if holder is not None:  # its relay is told by its next call, then detaches it
                holder.end("replaced")
                self.manager.release(session, holder)
            session.detach()  # a no-op for one already detached
            session.attach()
        elif token and run is not None:
            try:
                if fork:
                    from ..students import fork_session

                    session, resumed = fork_session(self.settings, token, run), False
                else:
                    session = Session.restore(self.settings, token, run)
            except Exception as e:  # noqa: BLE001 - a saved run from another version, say
                return {"error": f"the saved run could not be restored ({str(e)[:200]}); a new "
                                 "session was started"}
            sessions[token] = session
            log.info("session %s restored on %s at step %d", session.id, self.name,
                     session.trainer.step_count)
        else:
            session, resumed = Session(self.settings), False
            sessions[session.token] = session
        self._lock(session, locks)
        session.saves = self.saves  # (a branch keeps its original only where runs are saved)
        slot = Slot(session, self.scheduler, conn_id)
        self.slots[conn_id] = slot
        self.manager.hold(session, slot)
        self.scheduler.add(slot)
        return {"hello": session.hello(resumed, None if resumed else resume_error),
                "session": session.id}

    async def handle(self, conn_id, text=None, size=0):
        """One message from the client: a text command, or a binary message of `size` bytes
        (refused, as on the web process). {"delay"}: seconds before the relay reads the next
        one (the byte budget), or {"end"} when this connection no longer holds the session."""
        slot = self.slots.get(conn_id)
        if slot is None or slot.ended:
            return {"end": slot.ended if slot else "gone"}
        s = slot.session
        if text is not None:
            await read_ahead(s.settings, text)  # MNIST's first read, off this host's loop
            if slot.ended:
                return {"end": slot.ended}
        started = cpu_clock()
        try:
            if text is not None:
                s.handle(text)
            else:
                from .. import replies

                s.received(size)
                s.push(replies.error_reply(
                    "binary_not_allowed", f"commands are JSON text messages; a binary message "
                    f"of {size} bytes was ignored", "message", f"<{size} bytes>",
                    "a JSON text message"))
        except OverflowError:
            slot.end("overflow")
            return {"end": "overflow"}
        self.scheduler.charge(slot, cpu_clock() - started)
        slot.wake_sender.set()
        self.scheduler.poke()
        return {"delay": s.inbound.seconds_until(0.0)}

    async def pull(self, conn_id, wrote=None, pack_maps=True, audience=None,
                   timeout=PULL_SECONDS):
        """What connection `conn_id` has to send, waiting up to `timeout` for something:
        {"messages": [JSON text or bytes], "frame": bytes or None, "checkpoint": dict or None,
        "end": why the connection must end, or None, "current": [data, network] as they are
        now when `audience` asked for them, else None}. `wrote`: (bytes, seconds waited,
        messages) of the relay's writes to the client since the last pull; `pack_maps`:
        whether the client's frames carry their maps packed (ws.packs_maps); `audience`: when
        the session is a room's teacher's with followers in the web process, what they need
        (`_audience`); then "shared" holds, with each frame, the other variants they take."""
        slot = self.slots.get(conn_id)
        if slot is None or slot.ended:
            return _ENDED | {"end": slot.ended if slot else "gone"}
        s = slot.session
        self._audience(s, audience)
        # Followers bound to a run already under way (a spotlighted student's) start with its
        # data and network as they are now: its stream sent them long ago.
        current = list(s.audience.current()) if audience and audience.get("current") else None
        if wrote:
            s.link.report(*wrote)
        if slot.frame_in_flight and slot.frame is None:
            slot.frame_in_flight = False  # the relay wrote the last one before asking again
            self.scheduler.poke()
        if not (s.outbox or slot.frame is not None or slot.checkpoint or slot.ended or current
                or s.kept):
            slot.wake_sender.clear()
            slot.pulling = True
            try:
                with anyio.move_on_after(timeout):
                    await slot.wake_sender.wait()
            finally:
                slot.pulling, slot.pulled = False, time.monotonic()
            if slot.ended:  # taken over meanwhile: the outbox is the new connection's
                return _ENDED | {"end": slot.ended}
        s.pack_maps = pack_maps  # whether the client's frames go packed (ws.packs_maps)
        messages = [m if isinstance(m, bytes) else _json(m) for m in s.outbox]
        s.outbox.clear()
        frame, slot.frame = slot.frame, None
        checkpoint, slot.checkpoint = slot.checkpoint, None
        kept = list(s.kept)  # runs to save beside this one (a branch's original): the relay does
        s.kept.clear()
        if messages or frame is not None or checkpoint is not None:
            # The relay writes them now (for a checkpoint, the `saved` event that says it was
            # kept); its next pull reports how it went. Until then what it took counts as a
            # write waiting for the client: a client that stops reading blocks the relay in
            # that write, and no pull comes to say so.
            s.link.sending()
        return {"messages": messages, "frame": frame, "checkpoint": checkpoint,
                "end": slot.ended, "shared": self._shared(s, frame), "current": current,
                "kept": kept}

    # -- a room's teacher's session: its followers are in the web process --------------------
    def _audience(self, session, wanted):
        """Keep the session's audience as the relay says its followers are: `wanted` is
        {"room": the teacher's hello's room, "lean": [the variants they take], "urgent":
        a newcomer waits for a frame, "current": the web process has no data and network
        of the run yet}, or None (no room, or nobody follows)."""
        audience = session.audience
        if wanted is None:
            if audience is not None:
                audience.unbind()
            return
        if audience is None:
            audience = Audience(TeacherRoom(wanted["room"]))
            audience.bind(session)
        audience.room.info = wanted["room"]
        have = {f.lean: f for f in audience.followers}
        for lean in set(wanted["lean"]) - set(have):
            audience.join(Variant(lean))  # no frame of that variant yet: one comes at once
        for lean in set(have) - set(wanted["lean"]):
            audience.leave(have[lean])
        if wanted["urgent"]:
            session.cadence.touch(urgent=True)
            self.scheduler.poke()

    def _shared(self, session, frame):
        """With the teacher's `frame`, the other variants its followers take: {"plane",
        "own": the variant `frame` is, "others": {variant: bytes}} (audience.Audience.built
        rendered each once), or None."""
        audience = session.audience
        if frame is None or audience is None or audience.frame is None:
            return None
        built = {k: v for k, v in audience.frame.items() if k != "versions"}
        own = next((k for k, v in built.items() if v is frame), None)
        if own is None:
            return None  # not this frame's variants (a newer one is being built)
        return {"plane": session.probe is not None, "own": own,
                "others": {k: v for k, v in built.items() if k != own}}

    async def detach(self, conn_id):
        """Connection `conn_id` ended: its session waits for a resume. Its checkpoint if it
        changed since the last one (the relay saves it), else None."""
        slot = self.slots.get(conn_id)
        if slot is None:
            return None
        self._let_go(slot)
        return None if slot.ended == "replaced" else self._checkpoint(slot.session, 0.0)

    def _let_go(self, slot):
        del self.slots[slot.conn_id]
        slot.end(slot.ended or "left")
        self.manager.release(slot.session, slot)  # unless a newer connection holds it now

    async def held(self, tokens):
        """{token: whether a client is connected to it} of those of `tokens` whose session is
        here (the page's list of its saved runs)."""
        sessions = self.manager.sessions
        return {token: sessions[token].state is not State.DETACHED for token in tokens
                if token in sessions}

    async def free(self, token):
        """Free the token's session if it waits here for its client (its saved run is being
        deleted): whether it was here. A connected one is left alone (None)."""
        session = self.manager.sessions.get(token)
        if session is None:
            return False
        if session.state is not State.DETACHED:
            return None
        self.manager.free(token, "deleted", save=False)
        return True

    async def evict(self):
        """Free the session detached longest, to make room; whether there was one."""
        return self.manager.evict()

    async def checkpoints(self):
        """[(token, session id, checkpoint)] of every session changed since its last one: the
        web process saves them when it stops."""
        return [(token, s.id, cp) for token, s in self.manager.sessions.items()
                if (cp := self._checkpoint(s, 0.0)) is not None]

    async def stats(self):
        return [{**s.stats(), "host": self.name, "pid": os.getpid()}
                for s in self.manager.sessions.values()]

    # -- sweeps: one run at a time from the web process (app/cluster/sweeps.py) ------------
    async def sweep_run(self, key, config, epochs, varied):
        """Train one run of a sweep here, as fair work in this host's Scheduler; its outcome
        (app/sweeps.outcome)."""
        from .sweeps import train_here

        await self._started()
        return await train_here(self, key, config, epochs, varied)

    async def sweep_progress(self, keys, known):
        """{key: (epochs trained, history or None)} of the sweep runs training here."""
        from .sweeps import progress_here

        return progress_here(keys, known)

    # -- rooms: what the web process asks of a room's sessions here -------------------------
    async def run_of(self, token, what, command=None):
        """Of the token's session, if it is here (else None): "described" (what a follower's
        hello says of it), "checkpoint" (a fork is made of it, students.fork_session), or
        "read" (the reply to `command`, an export: nothing changes)."""
        session = self.manager.sessions.get(token)
        if session is None:
            return None
        if what == "described":
            return session.described()
        if what == "checkpoint":
            return session.checkpoint()
        from ..commands import COMMANDS

        return COMMANDS[command.type].handler(session, command)["reply"]

    async def push(self, tokens, pushed):
        """The teacher's push (teacher.push_to) to each of `tokens`' sessions that is here:
        {token: the error reply that refused it, or None}."""
        from ..teacher import push_to

        results = {}
        for token in tokens:
            session = self.manager.sessions.get(token)
            if session is not None:
                holder = self.manager.holders.get(session.id)
                results[token] = push_to(session, pushed, holder, self.scheduler)
                await asyncio.sleep(0)
        self.scheduler.poke()
        return results

    async def lock(self, locks):
        """{token: the room's locked keys} of students' own sessions: those here hold them."""
        for token, keys in locks.items():
            session = self.manager.sessions.get(token)
            if session is not None:
                self._lock(session, keys)

    def _lock(self, session, keys):
        if keys is None:
            return  # not a room student's own session
        locks = Locks()
        locks.set(keys)
        session.locks = locks if locks else None

    async def rows(self, tokens):
        """{token: (summary, config dict, thumbnail)} of those of `tokens` whose session is
        here, for the class message (dashboard.py): the thumbnail ((codes, meta), or None off
        the plane) is made again only when the session changed since, and at most every
        THUMB_EVERY seconds, charged to the share of whoever holds the session."""
        now = time.monotonic()
        rows = {}
        for token in tokens:
            session = self.manager.sessions.get(token)
            if session is None:
                continue
            key, made = session_key(session), self.thumbs.get(token)
            if made is None or (made[0] != key and now - made[1] >= THUMB_EVERY):
                started = cpu_clock()
                made = self.thumbs[token] = (key, now, self.thumbnailer.make(session))
                self.scheduler.charge(self.manager.holders.get(session.id),
                                      cpu_clock() - started)
            rows[token] = (run_summary(session), session.trainer.config.to_dict(), made[2])
        for token in [t for t in self.thumbs if t not in self.manager.sessions]:
            del self.thumbs[token]  # its session is gone from here
        return rows

    # -- checkpoints ------------------------------------------------------------------------
    def _checkpoint(self, session, interval):
        if not session.unsaved(interval):
            return None
        checkpoint = session.checkpoint()
        # What Session.restore reads beside the checkpoint: the run's id, and when it was
        # taken ("restored at step S, saved at ..." in hello.restored).
        checkpoint.update(id=session.id, updated=time.time())
        session.was_saved(checkpoint)
        return checkpoint

    async def _checkpoints(self):
        """Every connected session's checkpoint, as often as the web process would save it:
        handed to its relay with the next pull. Should this process die, the relay brings the
        session back from it on another host."""
        while True:
            await asyncio.sleep(TICK)
            lease = self.settings.write_timeout + LEASE_SLACK
            for slot in list(self.slots.values()):
                if not slot.pulling and time.monotonic() - slot.pulled > lease:
                    log.info("session %s: its relay stopped asking; detached", slot.session.id)
                    self._let_go(slot)  # its web process is gone, say
                    continue
                checkpoint = self._checkpoint(slot.session, self.settings.checkpoint_seconds)
                if checkpoint is not None:
                    slot.checkpoint = checkpoint
                    slot.wake_sender.set()
