"""The relay: the web process's side of sessions that live on Ray workers.

A RelayConnection is ws.Connection with its two tasks pointed at a session host (host.py)
instead of a local Session: the receiver passes each message to `host.handle`, the sender
long-polls `host.pull` and writes what comes back (replies and events, then the newest frame)
to the websocket. The hello, the replies and the frames are the host's own bytes, so the page
and the protocol do not change.

Finding and placing sessions (`Relay.open`): every host is asked, in one round, how loaded it
is and whether it holds the resume token's session. The one that holds it attaches it (taking
it over from the connection that held it, in this web process or another); otherwise the saved
run, if any, is restored on the least-loaded host, else a new session starts there. Hosts are
found by name on the cluster, so a second web process resumes the sessions of the first.

When a host dies (its worker process is killed), the calls to it fail with RayActorError: the
connection brings its session back from the newest checkpoint the host handed it, on a live
host, and sends a new hello that says `restored: {step, saved}`; other sessions never notice.
Every checkpoint is also put in the cluster's checkpoint store (store.py), where every web
process finds it, and written to the web process's run store (unless --no-save), as on the
embedded default. The relay puts them, not the hosts: it alone knows which host a session
lives on now, so a host that Ray gave up for dead but that still runs cannot put an older
checkpoint over a newer one.
"""

import asyncio
import json
import logging
import secrets
import time

from fastapi import APIRouter, HTTPException, Request, WebSocket

from ..api import RunRef, RunsQuery
from ..runstore import encode
from ..security import is_local_client
from ..ws import (WS_1013_TRY_AGAIN_LATER, Connection, _refuse, packs_maps, refuse_stranger,
                  refused_origin, served_by_room)
from .store import STORE_SECONDS, SharedCheckpoints, row_of

log = logging.getLogger("nnplay")

SURVEY_SECONDS = 2.0  # a host that takes longer to say how loaded it is counts as down
# A listing (/api/stats, /api/cluster, which runs are open) waits longer: a host whose core is
# taken by training and by other work can take seconds to answer, and leaving its sessions out
# of a listing would be a wrong answer, not a slow one.
LISTING_SECONDS = 15.0
START_SECONDS = 120.0  # the hosts' first answer, while Ray starts their worker processes
OPEN_TRIES = 3  # a host that dies while a session opens on it: try the survey again
# A client left: its host is asked to let the session go and hand over what changed since its
# last checkpoint. A dead host fails the call at once; this bounds one that is only slow (a
# loaded machine), after which that last change is not saved.
LEAVE_SECONDS = 30.0
NO_SESSION = "no session with that token (it expired or the server restarted)"


class NoWorkers(RuntimeError):
    """No session host answers."""


class Relay:
    """Sessions on Ray: the hosts, placing sessions on them, and this web process's
    connections to them."""

    def __init__(self, settings, checkpoints):
        from . import parse_workers

        if settings.workers or not settings.ray_address:  # 0: as many as the cluster has CPUs
            try:
                parse_workers(settings.workers)
            except ValueError as e:
                raise ValueError(f"workers={e}") from None
        self.settings, self.checkpoints = settings, checkpoints
        self.shared = SharedCheckpoints()  # the cluster's checkpoint store, once on Ray
        self.ray = self.dead = None
        self.hosts = []  # [(name, actor handle)]
        self.opening = {}  # host name -> sessions being opened there right now
        self.rooms = None  # rooms.Rooms, once the app has them (main.py)
        self.connections = {}  # resume token -> this web process's RelayConnection of it
        self.router = APIRouter()
        self.router.add_api_route("/api/stats", self.stats_route, methods=["GET"])
        self.router.add_api_route("/api/cluster", self.cluster_route, methods=["GET"])
        self.router.add_api_route("/api/runs", self.runs_route, methods=["POST"])
        self.router.add_api_route("/api/runs/delete", self.delete_route, methods=["POST"])
        self.router.add_api_websocket_route("/ws", self.websocket_route)  # before ws.py's

    # -- lifetime ----------------------------------------------------------------------------
    def connect(self):
        """Start or join Ray, and wait until every session host answers (Ray starts a worker
        process for each): nnplay says it is serving only once they can take sessions."""
        from . import checkpoint_store, connect

        self.ray, self.hosts, store = connect(self.settings)
        from ray.exceptions import GetTimeoutError, RayActorError

        self.dead = RayActorError
        self.shared = SharedCheckpoints(store, lambda: checkpoint_store(self.ray, self.settings),
                                        [RayActorError])
        try:
            self.ray.get([handle.load.remote() for _, handle in self.hosts],
                         timeout=START_SECONDS)
        except (GetTimeoutError, RayActorError) as e:
            self.ray.shutdown()
            raise SystemExit(f"nnplay: the session hosts did not start on Ray within "
                             f"{START_SECONDS:g} s ({type(e).__name__})") from None
        try:  # started with the hosts: its first answer is at hand by now, bar a busy cluster
            if store is not None:
                self.ray.get(store.info.remote(), timeout=START_SECONDS)
        except (GetTimeoutError, RayActorError) as e:
            log.warning("the cluster's checkpoint store did not start within %g s (%s); "
                        "sessions come back from this web process's run store until it does",
                        START_SECONDS, type(e).__name__)
        address = self.ray.get_runtime_context().gcs_address
        print(f"nnplay: sessions on {len(self.hosts)} Ray worker processes (Ray at {address}; "
              f"another nnplay joins with --ray-address {address})", flush=True)

    async def close(self):
        """Leave Ray. A local Ray this process started stops with it: every run on it that
        changed since its last checkpoint is saved first. On a cluster (--ray-address) the
        hosts and their sessions stay, and this process's own were saved as they left."""
        if self.ray is None:
            return
        try:
            await self.shared.close(STORE_SECONDS)  # those of connections that just ended
            if self.checkpoints.enabled and not self.settings.ray_address:
                for _, handle in self.hosts:
                    try:
                        runs = await asyncio.wait_for(handle.checkpoints.remote(), 5.0)
                    except (self.dead, asyncio.TimeoutError):
                        continue
                    for token, session_id, checkpoint in runs:
                        self._store(token, session_id, _run(checkpoint))
        finally:
            self.ray.shutdown()
            self.ray = None

    async def keep(self, token, session_id, checkpoint, body=None):
        """A checkpoint a host handed over: put in the cluster's store (in the background) and
        written to this web process's run store, unless --no-save; whether it was written.
        With `body` (the run already encoded on its host), `checkpoint` need only hold what
        the stores list: title, dataset, step, state."""
        run = _run(checkpoint)
        try:
            body = await asyncio.to_thread(encode, run) if body is None else body
        except ValueError as e:  # not JSON: said as a failed save, as the run store would
            return self._unsaved(session_id, e)
        self.shared.put(token, row_of(session_id, run, body, checkpoint.get("updated")))
        return self.checkpoints.enabled and await asyncio.to_thread(
            self._store, token, session_id, run, body)

    def _store(self, token, session_id, run, body=None):
        """Write a run to the run store; whether it was written."""
        try:
            self.checkpoints.store.save(token, session_id, run, body)
        except Exception as e:  # noqa: BLE001 - a failed save is logged; the run goes on
            return self._unsaved(session_id, e)
        self.checkpoints.saves += 1
        return True

    def _unsaved(self, session_id, e):
        self.checkpoints.failures += 1
        log.warning("session %s: its run could not be saved (%s: %s)", session_id,
                    type(e).__name__, e)
        return False

    async def saved_run(self, token):
        """The token's newest saved run: the cluster's store's or this web process's run
        store's, whichever was saved last (the one there is when only one has it, the run
        store's when the cluster's does not answer); None if neither has one."""
        runs = await asyncio.gather(self.shared.load(token),
                                    asyncio.to_thread(self.checkpoints.load, token))
        return max((run for run in runs if run is not None),
                   key=lambda run: run.get("updated") or 0.0, default=None)

    # -- finding and placing sessions --------------------------------------------------------
    async def survey(self, token=None, timeout=SURVEY_SECONDS):
        """[load] of every host that answers within `timeout`, each with its "handle"."""
        async def ask(name, handle):
            try:
                load = await asyncio.wait_for(_awaitable(handle.load.remote(token)), timeout)
            except (self.dead, asyncio.TimeoutError) as e:
                log.info("session host %s does not answer (%s)", name, type(e).__name__)
                return None
            return {**load, "handle": handle}

        loads = await asyncio.gather(*(ask(name, handle) for name, handle in self.hosts))
        return [load for load in loads if load is not None]

    async def open(self, conn_id, token=None, run=None, fork=False):
        """(host load, what host.open said) for connection `conn_id`: the token's session
        where it lives, else `run` or its saved run restored (`fork`: a room student's new
        own session made of the teacher's checkpoint `run`), else a new session; (None,
        reason) at the session cap. NoWorkers when no host answers."""
        for attempt in range(OPEN_TRIES):
            try:
                return await self._open(conn_id, token, run, fork)
            except self.dead:
                if attempt == OPEN_TRIES - 1:
                    raise NoWorkers("the session hosts kept dying") from None

    async def _open(self, conn_id, token, run, fork=False):
        loads = await self.survey(token)
        if not loads:
            raise NoWorkers("no session host answers")
        resume_error = None
        # A room student's own session holds its room's locks, however it is opened.
        locks = self.rooms.fork_locks(token) if token and self.rooms is not None else None
        if token:
            holder = next((load for load in loads if load["has"]), None)
            if holder is not None:
                return holder, await holder["handle"].open.remote(conn_id, token, None, None,
                                                                  False, locks)
            if run is None:
                run = await self.saved_run(token)
            resume_error = NO_SESSION
            if run is not None:
                target = await self._room(loads)
                if target is None:
                    return None, self._full()
                opened = await self._open_on(target, conn_id, token, run, None, fork, locks)
                if "hello" in opened:
                    return target, opened
                log.warning("saved run of session %s not restored: %s", run.get("id"),
                            opened["error"])
                resume_error = opened["error"]
        target = await self._room(loads)
        if target is None:
            return None, self._full()
        return target, await self._open_on(target, conn_id, None, None, resume_error)

    async def _open_on(self, target, conn_id, token, run, resume_error=None, fork=False,
                       locks=None):
        name = target["host"]
        self.opening[name] = self.opening.get(name, 0) + 1
        try:
            return await target["handle"].open.remote(conn_id, token, run, resume_error, fork,
                                                       locks)
        finally:
            self.opening[name] -= 1

    async def _room(self, loads):
        """The least-loaded host, once there is room under the session cap (the session
        detached longest is evicted to make it, as on the embedded default); None if full."""
        if sum(load["sessions"] for load in loads) >= self.settings.max_sessions:
            detached = [load for load in loads if load["longest_detached"] is not None]
            if not detached:
                return None
            oldest = max(detached, key=lambda load: load["longest_detached"])
            if not await oldest["handle"].evict.remote():
                return None
            oldest["sessions"] -= 1
        return min(loads, key=lambda load: (load["sessions"] + self.opening.get(load["host"], 0),
                                            load["connected"]))

    def _full(self):
        return (f"the server is at its limit of {self.settings.max_sessions} sessions, all of "
                "them connected; close another tab or try again later")

    # -- connections -------------------------------------------------------------------------
    async def serve(self, websocket, token):
        """Drive one websocket's session on a host, until either side ends it."""
        conn = RelayConnection(websocket, self, self.settings.write_timeout)
        try:
            host, opened = await self.open(conn.conn_id, token)
        except NoWorkers as e:
            await _refuse(websocket, "no_workers", f"no worker is there to run a session ({e}); "
                          "try again in a few seconds", "session", None, WS_1013_TRY_AGAIN_LATER)
            return
        if host is None:
            await _refuse(websocket, "too_many_sessions", opened, "session", None,
                          WS_1013_TRY_AGAIN_LATER)
            return
        conn.attached(host, opened)
        token = conn.session.token
        self.connections[token] = conn
        rooms = self.rooms
        room = None if rooms is None else rooms.follow(conn)  # a room's teacher's: followed
        if rooms is not None:
            rooms.presence(room)  # the students learn that the teacher is here
        try:
            await conn.run(opened["hello"]["resumed"], opened["hello"]["resume_error"])
        finally:
            await conn.leave()
            if self.connections.get(token) is conn:
                del self.connections[token]
            if rooms is not None:  # of a room opened since it connected, too
                room = room or rooms.teaching(token)
            if room is not None:
                room.audience.left(conn)
                rooms.presence(room)  # ... or that the teacher's page left

    # -- what rooms ask of sessions on the hosts (cluster/rooms.py) ---------------------------
    async def run_of(self, token, what, command=None):
        """host.run_of of the host that holds the token's session; None if none does."""
        for load in await self.survey(token, timeout=LISTING_SECONDS):
            if load["has"]:
                try:
                    return await load["handle"].run_of.remote(token, what, command)
                except self.dead:
                    return None
        return None

    async def ask_all(self, method, *args):
        """host.<method>(*args) of every host that answers, within LISTING_SECONDS each."""
        async def ask(load):
            try:
                return await asyncio.wait_for(
                    _awaitable(getattr(load["handle"], method).remote(*args)), LISTING_SECONDS)
            except (self.dead, asyncio.TimeoutError):
                return None

        loads = await self.survey(timeout=LISTING_SECONDS)
        return [a for a in await asyncio.gather(*(ask(load) for load in loads))
                if a is not None]

    # -- routes (cluster mode only; main.py includes them before the default ones) -----------
    async def websocket_route(self, websocket: WebSocket):
        """/ws: as ws.py's, with the session on a host."""
        await websocket.accept()
        if await refused_origin(websocket):
            return
        state = websocket.app.state
        if await served_by_room(websocket, state.rooms, state.manager, state.scheduler,
                                state.settings):
            return
        token = websocket.query_params.get("resume")
        if state.settings.classroom and not is_local_client(websocket.client) and not (
                token and (await self.held([token]) or await self.saved_run(token))):
            await refuse_stranger(websocket)  # as ws.py: a token it holds, or nothing
            return
        await state.relay.serve(websocket, token)

    async def stats(self):
        loads = await self.survey(timeout=LISTING_SECONDS)

        async def sessions(load):
            try:
                return await asyncio.wait_for(_awaitable(load["handle"].stats.remote()),
                                              LISTING_SECONDS)
            except (self.dead, asyncio.TimeoutError):
                return []

        listed = await asyncio.gather(*(sessions(load) for load in loads))
        hosts = [{k: v for k, v in load.items() if k not in ("handle", "has")} for load in loads]
        return {"sessions": [s for host in listed for s in host],
                "max_sessions": self.settings.max_sessions, "hosts": hosts,
                "rooms": [] if self.rooms is None else self.rooms.stats()}

    async def held(self, tokens):
        """{token: whether a client is connected} of the tokens whose session is on a host."""
        async def ask(load):
            try:
                return await asyncio.wait_for(_awaitable(load["handle"].held.remote(tokens)),
                                              LISTING_SECONDS)
            except (self.dead, asyncio.TimeoutError):
                return {}

        held = {}
        loads = await self.survey(timeout=LISTING_SECONDS)
        for answer in await asyncio.gather(*(ask(load) for load in loads)):
            held.update(answer)
        return held

    async def runs_route(self, q: RunsQuery, request: Request):
        """POST /api/runs as api.py's, with `connected` from the hosts, and the runs of the
        cluster's checkpoint store too (those saved through another web process): of a run in
        both, the newer."""
        relay, manager = request.app.state.relay, request.app.state.manager
        tokens = list(dict.fromkeys(q.tokens))
        held, shared, local = await asyncio.gather(
            relay.held(tokens), relay.shared.summaries(tokens),
            asyncio.to_thread(manager.runs, tokens))
        newest = {token: {**row, "token": token} for token, row in shared.items()}
        for run in local:
            if run["updated"] >= newest.get(run["token"], run)["updated"]:
                newest[run["token"]] = run
        runs = sorted(({**run, "connected": held.get(run["token"], False)}
                       for run in newest.values()), key=lambda run: -run["updated"])
        return {"saves": relay.checkpoints.enabled, "runs": runs}

    async def delete_route(self, q: RunRef, request: Request):
        """POST /api/runs/delete as api.py's: refused while the run is open in a page."""
        relay = request.app.state.relay
        freed = [await _awaitable(load["handle"].free.remote(q.token))
                 for load in await relay.survey(q.token) if load["has"]]
        if None in freed:
            raise HTTPException(409, "that run is open in a page; open another run there first")
        deleted = await asyncio.to_thread(relay.checkpoints.delete, q.token)
        deleted = await relay.shared.forget(q.token) or deleted  # else it would come back
        if not (deleted or any(freed)):
            raise HTTPException(404, "no saved run with that token (it was deleted or pruned)")
        return {"deleted": True}

    async def stats_route(self, request: Request):
        """GET /api/stats: every session on every host (each says its host and pid)."""
        return await request.app.state.relay.stats()

    async def cluster_route(self, request: Request):
        """GET /api/cluster: the hosts (name, pid, node, load) and Ray's address."""
        relay = request.app.state.relay
        stats = await relay.stats()
        return {"ray_address": relay.ray.get_runtime_context().gcs_address,
                "workers": len(relay.hosts), "hosts": stats["hosts"],
                "checkpoints": await relay.shared.info()}


class RemoteSession:
    """What Connection.run needs of a session that lives on a host: its id and its hello."""

    def __init__(self):
        self.id, self.token, self.wake, self.greeting = None, None, None, None
        self.link = WriteTally()  # ws.Connection reports its writes here


    def hello(self, resumed=False, resume_error=None):
        return self.greeting


class WriteTally:
    """The writes to the client, as ws.Connection reports them (`sending`, `sent`), summed
    until the next pull takes them (`take`) to the host, where the session judges its client's
    link from them (host.RelayedLink), as it does in process."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.since = None
        self.bytes = self.messages = 0
        self.waited = 0.0

    def sending(self):
        self.since = self.clock()

    def sent(self, nbytes):
        if self.since is not None:
            self.waited += self.clock() - self.since
        self.bytes, self.messages, self.since = self.bytes + nbytes, self.messages + 1, None

    def take(self):
        """(bytes, seconds waited, messages) since the last take, or None."""
        if not self.messages:
            return None
        taken = (self.bytes, self.waited, self.messages)
        self.bytes = self.messages = 0
        self.waited = 0.0
        return taken


class _Unscheduled:
    """A relay connection does no work in the web process: the host's scheduler trains it."""

    def add(self, conn):
        pass

    remove = charge = add

    def poke(self):
        pass


class RelayConnection(Connection):
    """A websocket whose session lives on a host: ws.Connection's run, close and send, with a
    receiver and a sender that relay to the host."""

    def __init__(self, websocket, relay, write_timeout):
        super().__init__(websocket, RemoteSession(), None, _Unscheduled(), write_timeout)
        self.relay = relay
        self.conn_id = secrets.token_hex(8)  # its slot on the host (a new one on each host)
        self.host = None  # the load of the host the session lives on (with its "handle")
        self.generation = 0  # counts the hosts the session has lived on
        self.newest = None  # the newest checkpoint the host handed over
        self.recovering = asyncio.Lock()
        self.pack_maps = packs_maps(websocket, relay.settings)  # the host packs them, or not
        self.teaching = None  # the room whose followers watch this session (cluster/rooms.py)
        self.audience = None  # the RelayedAudience it feeds: its room's, or a spotlight's

    @property
    def token(self):
        """The session's resume token (what a room binds its teacher's session by)."""
        return self.session.token

    def attached(self, host, opened):
        hello = opened["hello"]
        self.host, self.generation = host, self.generation + 1
        self.session.id, self.session.token = hello["session"], hello["resume_token"]
        self.session.greeting = self.greeting(hello)
        self.newest = opened.get("checkpoint") or self.newest

    def greeting(self, hello):
        """The hello the client is sent: a room's teacher's says its room, as in process."""
        if self.teaching is not None and not self.teaching.closed:
            return {**hello, "room": self.teaching.for_teacher()}
        return hello

    def wait(self, now):
        return None

    def unit(self, now):
        pass

    async def call(self, method, *args):
        """host.<method>(conn_id, *args); if the host died, the session is brought back on a
        live one first and the call made there."""
        while True:
            generation, conn_id, handle = self.generation, self.conn_id, self.host["handle"]
            try:
                reply = await getattr(handle, method).remote(conn_id, *args)
            except self.relay.dead as e:
                await self.recover(generation, f"{type(e).__name__}")
                continue
            if reply.get("end") and generation != self.generation:
                continue  # the end of the slot the session left while this call was out
            return reply

    async def recover(self, generation, why):
        """The host this session lived on is gone: bring the session back on a live host, from
        the newest checkpoint, and send the client the hello of the restored session."""
        async with self.recovering:
            if generation != self.generation:
                return  # the other task did it
            lost = self.host["host"]
            started = time.monotonic()
            # A new slot id: should the old host still answer (a blip, not a death), what it
            # says of the old slot is not taken for the new one.
            conn_id = secrets.token_hex(8)
            host, opened = await self.relay.open(conn_id, self.session.token, self.newest)
            if host is None:
                raise ConnectionError(f"session {self.session.id}: its host died and {opened}")
            self.conn_id = conn_id
            self.attached(host, opened)
            log.warning("session %s: host %s was lost (%s); back on %s at step %s in %.1f s",
                        self.session.id, lost, why, host["host"], opened["hello"]["step"],
                        time.monotonic() - started)
            await self._send(json.dumps(self.session.greeting))

    async def receiver(self):
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None:
                reply = await self.call("handle", text)
            else:
                reply = await self.call("handle", None, len(message.get("bytes") or b""))
            if reply.get("end"):
                return self._ended(reply["end"])
            if reply["delay"]:
                await asyncio.sleep(reply["delay"])

    async def sender(self):
        while True:
            generation = self.generation
            audience = self.audience  # its followers, here
            out = await self.call("pull", self.session.link.take(), self.pack_maps,
                                  None if audience is None else audience.wanted())
            for message in out["messages"]:
                if audience is not None:
                    audience.saw(message)  # data, network and the teacher's events
                await self._send(message)
            if audience is not None and out.get("current"):
                audience.caught_up(out["current"])  # what followers bound since need first
            if out["frame"] is not None:
                if audience is not None:
                    audience.relayed(out["frame"], out["shared"])  # to every follower
                await self.deliver_frame(out["frame"])
            if out["checkpoint"] is not None:
                await self._saved(out["checkpoint"])
            for kept in out.get("kept") or ():  # a branch's original, as a run of its own
                await self.relay.keep(kept["token"], kept["id"], kept["run"])
            if out["end"] == "gone":  # the host restarted: the session is not there anymore
                await self.recover(generation, "the host restarted without it")
            elif out["end"]:
                return self._ended(out["end"])

    async def deliver_frame(self, frame):
        await self._send(frame)

    def _ended(self, why):
        if why == "replaced":
            self.replaced = True
        elif why == "overflow":
            self.failure = OverflowError("the client is not reading its replies")
        else:
            self.failure = RuntimeError(f"the session ended on its host ({why})")

    async def _saved(self, checkpoint):
        """A checkpoint from the host: kept for a recovery, put in the cluster's store,
        written to the run store, and the client told, as on the embedded default."""
        self.newest = checkpoint
        if await self.relay.keep(self.session.token, self.session.id, checkpoint):
            await self._send(json.dumps({"type": "saved", "step": checkpoint["step"]}))

    async def leave(self):
        """The connection ended: the session waits on its host for a resume; what changed
        since its last checkpoint is saved."""
        try:
            checkpoint = await asyncio.wait_for(
                _awaitable(self.host["handle"].detach.remote(self.conn_id)), LEAVE_SECONDS)
        except asyncio.TimeoutError:
            log.warning("session %s: its host did not answer within %g s as its client left: "
                        "what changed since its last checkpoint is not saved", self.session.id,
                        LEAVE_SECONDS)
            return
        except (self.relay.dead, asyncio.CancelledError):
            return
        if checkpoint is not None:
            self.newest = checkpoint
            await self.relay.keep(self.session.token, self.session.id, checkpoint)


def _run(checkpoint):
    """A host's checkpoint as the stores keep it: without what they note beside it."""
    return {k: v for k, v in checkpoint.items() if k not in ("id", "updated")}


async def _awaitable(ref):
    return await ref
