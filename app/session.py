"""A training session: one Trainer and the parts that serve it, driven by messages.

The session is an actor with no I/O: text commands go in through `handle`, replies and events
come out of `outbox`, training advances through `work`, and `frame` snapshots it. The
websocket connection (ws.py) drives it; it shares no memory with the web process, so a
session can live in another process.

Its parts, one job each:
  lifecycle.Lifecycle   the state (paused, running, diverged, detached, closed) and its moves
  commands.COMMANDS     what each command does, with its metadata
  pacing                the message rate limit, the training speed, the frame cadence
  record.RunRecord      the chart history and what changed during the run
  compare.Comparison    a second run side by side (a preset's), or None
  timeline.RunTimeline  checkpoints of the run, to view and to branch from
"""

import json
import secrets
import time
from collections import deque

from nncore import Config, Trainer, probes
from nncore.datasets import DATASETS, MissingFiles

from . import downloads, frames, protocol, replies, schema
from .commands import run_command
from .lifecycle import IllegalState, Lifecycle, State  # noqa: F401 - State: the session's API
from .limits import LIMITS
from .linkrate import LinkRate
from .pacing import Cadence, Pace, TokenBucket
from .presets import PRESETS
from .record import RunRecord
from .timeline import RunTimeline

OUTBOX_LIMIT = 256  # queued replies; a client that never reads is cut off beyond this
LATEST_ONLY = ("frame_rate", "saved", "timeline")  # status events: only the newest waits
MAX_STEPS_PER_SLICE = 10_000_000  # "as many as the time budget allows"
TRAIN_GRAIN = 0.5  # at a set speed, training waits for this share of a frame interval's steps


class Session:
    def __init__(self, settings, config=None, clock=time.monotonic, token=None, id=None):
        self.id = id or secrets.token_hex(8)
        self.token = token or secrets.token_urlsafe(24)
        self.settings, self.clock = settings, clock
        self.saves = settings.save  # its runs reach a run store (on a host: the relay saves)
        self.life = Lifecycle()
        self.outbox = deque()
        self.rate = TokenBucket(settings.messages_per_second, settings.message_burst, clock)
        self.inbound = TokenBucket(settings.inbound_bytes_per_second,
                                   settings.inbound_bytes_burst, clock)
        self.pace = Pace(clock)
        self.cadence = Cadence(30, clock)
        self.record = RunRecord()
        self.neuron_density, self.output_density = 32, 100
        self.selected = None  # the point whose trace frames carry
        self.tried = None  # an input of the user's own whose output frames carry
        self.explained = None  # {"theta", "after"} of the last explained step
        self.command_seq = 0  # commands applied so far; frames carry it
        self.network_version = self.data_version = 0
        self.pending_steps, self.pending_step_id = 0, None  # steps owed to `step` commands
        self.frames_built = self.bytes_in = 0
        self.train_seconds = self.frame_seconds = 0.0  # where this session's CPU time went
        self.pack_maps = True  # frames carry their maps packed (the connection says: ws.py)
        self.frame_limited = False  # frames come slower than asked, to leave time to train
        self.frame_mode = "auto"  # frames asked for: "full", "lean", or "auto" (the link decides)
        self.link = LinkRate(clock)  # how fast the client reads (the connection reports it)
        self.built_step, self.steps_per_second = 0, 0.0
        self.compare = None
        self.folders = downloads.library(settings).folders  # where MNIST's files are read
        self.wake = None  # set by the connection: sends what is pushed outside a command
        self.revision = 0  # counts what changed the run (commands, training): saves follow it
        self.saved = None  # {"revision", "step", "at" (monotonic)} of the last save
        self.restored = None  # {"step", "saved"} when the run came back from a save
        self.full_test = probes.FullTest()  # large data: the whole test set, a chunk a frame
        self.audience = None  # a room's students following this session (audience.py)
        self.locks = None  # a student's own session: its room's locked controls (locks.py)
        self.timeline = RunTimeline(clock)
        self.kept = deque()  # runs to save beside this one (a branch's original: timeline.py)
        self.adopt(Trainer(config or Config(), folders=self.folders))

    @property
    def state(self):
        return self.life.state

    # -- the trainer and what derives from it -----------------------------------------------
    def adopt(self, trainer, data_changed=True, keep_compare=False, branched_at=None):
        """Take a new or rebuilt trainer: a new run, its probe, the network (and data) sent.
        `branched_at`: the trainer is this run's own checkpoint at that step (a branch), so
        the chart and the timeline keep their past up to it."""
        self.trainer = trainer
        if not keep_compare:
            self.compare = None
        self.network_version += 1
        if data_changed:
            self.data_version += 1
        if self.selected is not None and self.selected >= len(trainer.data.y):
            self.selected = None
        if self.tried is not None and len(self.tried) != trainer.inputs.shape[1]:
            self.tried = None  # drawn for another input width
        self.refresh_probe()
        self.full_test.reset()
        if branched_at is None:
            self.record.new_run()
            self.timeline.clear()
        else:
            self.record.branched(branched_at, self.timeline.marks.get(branched_at))
            self.timeline.end_view()
        self.record_timeline(still=True)
        self.explained = None
        self.pending_steps = 0
        self.built_step = trainer.step_count
        self.cadence.touch(urgent=True)
        self.push_network(data=data_changed)

    def refresh_probe(self):
        self.probe = self.probe_for(self.trainer)

    def probe_for(self, tr):
        """The PlaneProbe of a trainer's network at this session's densities (None off the
        plane)."""
        if not tr.data.is_plane:
            return None
        n_neurons = sum(tr.net.sizes[1:])
        return probes.PlaneProbe(tr.config.features, tr.data.extent,
                                 frames.tile_density(self.neuron_density, n_neurons),
                                 self.output_density)

    def push_network(self, data=False):
        if data:
            self.share("data", self.data_version,
                       frames.data_message(self.trainer, self.data_version))
        self.share("network", self.network_version,
                   frames.network_message(self.trainer, self.network_version, self.probe))

    def data_changed(self):
        """The points changed but the network was kept."""
        self.data_version += 1
        self.share("data", self.data_version, frames.data_message(self.trainer, self.data_version))
        if self.selected is not None and self.selected >= len(self.trainer.data.y):
            self.selected = None

    # -- the outbox -------------------------------------------------------------------------
    def push(self, message):
        if len(self.outbox) >= OUTBOX_LIMIT:
            raise OverflowError("the client is not reading its replies")
        self.outbox.append(message)
        if self.audience is not None and isinstance(message, dict):
            self.audience.told(message)

    def share(self, kind, version, message):
        """Push a `data` or `network` message: to this client, and to the followers."""
        self.push(message)
        if self.audience is not None:
            self.audience.shared(kind, version, message)

    def hello(self, resumed=False, resume_error=None):
        restored, self.restored = self.restored, None  # said once
        self.timeline.told = self.timeline.steps  # the hello lists them
        return {"type": "hello", "session": self.id, "resume_token": self.token,
                "resumed": resumed, "resume_error": resume_error, **self.described(),
                "restored": restored if resumed else None,
                "room": None if self.audience is None else self.audience.room.for_teacher()}

    def described(self):
        """What a hello says of the run, and nothing that opens it (no token): a room's
        followers are sent it too."""
        tr = self.trainer
        return {"schema_version": schema.VERSION, "protocol_version": 1, "limits": self.limits(),
                "state": self.state.value, "step": tr.step_count, "epoch": tr.epoch,
                "config": tr.config.to_dict(), "speed": self.pace.shown,
                "fps": self.cadence.fps, "selected": self.selected,
                "history": self.record.history.points, "presets": sorted(PRESETS),
                "saves": self.saves, "timeline": self.timeline.steps}

    def limits(self):
        return limits_of(self.settings)

    def tell(self, message):
        """An event outside any command (a save, a download's progress, the frame rate): queued
        for the client if one is connected and reading, else dropped. A newer event of the
        same kind replaces one still waiting to go out: a client that is slow to read gets
        the newest status once, not a backlog of them."""
        if self.state is State.DETACHED or self.state is State.CLOSED:
            return
        if message["type"] in LATEST_ONLY:
            stale = [m for m in self.outbox
                     if isinstance(m, dict) and m.get("type") == message["type"]]
            for m in stale:
                self.outbox.remove(m)
        if len(self.outbox) < OUTBOX_LIMIT // 2:
            self.outbox.append(message)
            if self.wake is not None:
                self.wake()

    # -- commands ---------------------------------------------------------------------------
    def received(self, size):
        """A message of `size` bytes came in: counted, and charged to the byte budget."""
        self.bytes_in += size
        self.inbound.spend(size)

    def handle(self, text):
        """Parse, check and apply one text message; its reply goes to the outbox."""
        self.received(len(text))
        try:
            command = admit(text, self.rate, self.settings)
        except replies.ProtocolError as e:
            self.push(e.reply)
            return
        self.push(self.apply(command))

    def apply(self, command):
        """Apply a parsed command; its reply (applied, error, or the command's own)."""
        kind = command.type
        step = self.trainer.step_count
        try:
            spec, result = run_command(self, command)
        except replies.ProtocolError as e:
            return e.reply | {"command": kind, "id": command.id}
        except MissingFiles as e:  # MNIST's files are not here: offer to download them
            return downloads.missing_reply(self.settings, e, command)
        except IllegalState as e:
            return replies.error_reply("illegal_state", str(e), "type", kind,
                                        f"a command legal in state {self.state.value}", kind,
                                        command.id)
        except ValueError as e:  # an ArgumentError names field, value and allowed
            return replies.error_reply(
                "invalid_value", str(e), getattr(e, "field", None), getattr(e, "value", None),
                getattr(e, "allowed", None), kind, command.id)
        self.command_seq += 1
        if spec.changes_run:
            self.revision += 1
        self.cadence.touch(urgent=True)
        if spec.logged:
            self.record.logged(step, command.model_dump(exclude={"id"}))
        if spec.moves_weights:
            self.explained = None  # the weights may have moved: an explanation is stale
        if "reply" in result:  # a command with a reply of its own (export, explain, code)
            return result["reply"] | {"id": command.id}
        return {"type": "applied", "id": command.id, "command": kind, "seq": self.command_seq,
                "state": self.state.value, "step": self.trainer.step_count, **result}

    # -- training ---------------------------------------------------------------------------
    @property
    def busy(self):
        """Whether `work` has training to do."""
        return self.life.training or self.pending_steps > 0

    def work(self, budget):
        """Train for at most `budget` seconds, at the target speed; returns steps done."""
        tr = self.trainer
        stepping = self.pending_steps > 0
        n = self.pending_steps if stepping else self.pace.allowed(MAX_STEPS_PER_SLICE)
        if n == 0:
            return 0
        started = time.perf_counter()
        report = tr.step(n, max_seconds=budget)
        if self.compare is not None:
            self.compare.step(report.steps)  # the same steps, in lockstep
        if report.steps:
            self.revision += 1
            self.record.trained(report.losses, tr.step_count)
            self.cadence.touch()
        if stepping:
            self.pending_steps -= report.steps
            if self.pending_steps == 0 or report.diverged:
                self.pending_steps = 0
                self.cadence.touch(urgent=True)
                self.push({"type": "stepped", "id": self.pending_step_id,
                           "step": tr.step_count, "epoch": tr.epoch})
        else:
            self.pace.spend(report.steps)
        if report.diverged:
            self.life.go("diverge")
            self.cadence.touch(urgent=True)
            self.push({"type": "diverged", **replies.jsonsafe(report.diverged)})
        spent = time.perf_counter() - started
        self.train_seconds += spent
        self.cadence.trained(spent)
        return report.steps

    def seconds_until_work(self):
        """How long until `work` could do something (0 when it can now; None: never)."""
        if self.pending_steps > 0:
            return 0.0
        if self.life.training:
            # the steps of half a frame's interval at a time: a frame still shows each step
            # that came since the last one, and the scheduler takes fewer turns
            return self.pace.seconds_until_step(TRAIN_GRAIN / max(1, self.cadence.fps))
        return None

    # -- frames -----------------------------------------------------------------------------
    def frame_wait(self):
        """Seconds until a frame may be built (0: now; None: not yet): see pacing.Cadence."""
        return self.cadence.ready(self.busy)

    @property
    def lean(self):
        """Whether frames are lean: asked for, or (auto) the link cannot carry full ones."""
        return self.frame_mode == "lean" or (self.frame_mode == "auto" and self.link.lean)

    def set_frame_mode(self, mode):
        self.frame_mode = mode

    def frame_skipped(self):
        """A frame fell due while the last one was still going out (connection.wait)."""
        self.cadence.skip()
        self._judge_link()

    def _judge_link(self):
        """Fit the frames to how fast the client reads (linkrate.py): the page is told."""
        link = self.link
        if not link.judge(self.cadence.fps, self.frame_mode == "auto"):
            return
        self.cadence.cap = link.cap
        self.tell(link_event(link, self.cadence.fps, self.lean, self.frame_limited,
                             self.cadence.cost))

    def _limit_frames(self, limited):
        if limited != self.frame_limited:
            self.frame_limited = limited
            self.tell({"type": "frame_rate", "limited": limited or self.cadence.cap is not None,
                       "frame_ms": round(self.cadence.cost * 1000, 1), "fps": self.cadence.fps,
                       "message": (f"frames come slower than {self.cadence.fps} a second: each "
                                   f"takes {self.cadence.cost * 1000:.0f} ms to build, and "
                                   "training gets at least as much time" if limited else
                                   f"frames are back to {self.cadence.fps} a second")})

    def snapshot(self):
        """What the next frame shows, captured now: `frames.render` turns it into bytes."""
        tr = self.trainer
        now = self.clock()
        elapsed = now - self.cadence.built_time
        if elapsed > 0:
            rate = (tr.step_count - self.built_step) / elapsed
            self.steps_per_second = rate if self.busy else 0.0
        losses, first = self.record.take_losses()  # the live run's, viewing or not
        view = self.timeline.view  # a checkpoint the page looks at (timeline.py), or None
        shown = tr if view is None else view.trainer
        sample = None
        if self.selected is not None and self.selected < len(shown.data.y):
            sample = (self.selected, *shown.sample(self.selected))
        points, order = shown.metric_points  # large data: a fixed sample of it
        full_test = self.full_test if view is None else view.full_test
        full = (full_test, shown.eval_points) if len(order) < len(shown.eval_order) else None
        header = {"type": "frame", "seq": self.frames_built, "step": shown.step_count,
                  "epoch": shown.epoch, "epoch_progress": shown.epoch_progress,
                  "state": self.state.value, "command_seq": self.command_seq,
                  "steps_per_second": self.steps_per_second,
                  "network_version": self.network_version,
                  "data_version": self.data_version, "output_density": self.output_density,
                  "frame_limited": self.frame_limited, "diverged": shown.diverged}
        if view is not None:  # the frame shows step `step` of a run now at `live_step`
            header["view"] = {"step": shown.step_count, "live_step": tr.step_count}
        job = frames.FrameJob(
            net=shown.net, points=points, order=order,
            probe=self.probe if view is None else view.probe, full_test=full,
            sample=sample, losses=losses, first_loss_step=first,
            compare=self.compare if view is None else None,
            data=shown.data, tried=self.tried, lean=self.lean,
            # packed for the client, or once for the client and every follower (a room)
            pack=self.pack_maps or (self.audience is not None and bool(self.audience.followers)),
            header=header)
        self.frames_built += 1
        self.cadence.built(still_changing=self.busy)
        self.built_step = tr.step_count
        return job

    def frame(self):
        """Snapshot and render the next frame here (binary); its chart point is kept."""
        started = time.perf_counter()
        self._limit_frames(self.cadence.held)
        self._judge_link()
        self.record_timeline(still=not self.busy)
        job = self.snapshot()
        message, point = frames.render(job)
        if self.audience is not None:
            self.audience.built(job, message)  # the same bytes to every follower
        if "view" not in job.header:  # a view's point is of the past: the chart has it
            self.record.history.add(point)
        cost = time.perf_counter() - started
        self.frame_seconds += cost
        self.cadence.rendered(cost, self.busy)
        return message

    def record_timeline(self, still=True):
        """A checkpoint of the run, when it is time (timeline.py); the page is told of a
        change to the steps it can view."""
        mark = (len(self.record.schedule), len(self.record.log))  # a branch keeps these
        if self.timeline.record(self.trainer, still, mark) and self.frames_built:
            self.tell(self.timeline.event(self.trainer.step_count))

    def export(self):
        """The whole session as JSON-safe data: the `export` reply, and a saved run."""
        return {"format": "nnplay.session/1",
                "trainer": replies.jsonsafe(self.trainer.to_dict()),  # a diverged loss is inf
                "speed": self.pace.shown, "fps": self.cadence.fps, "selected": self.selected,
                "history": self.record.history.points, "log": self.record.log,
                "log_truncated": self.record.log_truncated}

    # -- durable runs (app/checkpoints.py saves them, app/runstore.py keeps them) --------------
    def unsaved(self, interval, now=None):
        """Whether the run should be saved now: something was done to it since the last save
        (a run nothing was done to is not saved), and it is not training (paused, diverged,
        its client gone) or the last save (or a failed try) is `interval` seconds old."""
        if self.revision == 0 or (self.saved is not None
                                  and self.saved["revision"] == self.revision):
            return False
        if self.saved is None:
            return True
        now = self.clock() if now is None else now
        wait = interval if self.life.training or self.saved.get("failed") else 0.0
        return now - self.saved["at"] >= wait

    def checkpoint(self):
        """The run as it is now, for the run store: the export (what `import` takes), the
        state it was in, and what the exported script needs to stay exact. JSON-safe; taken
        between two units of work, so it is one consistent moment of the run."""
        tr = self.trainer
        state = self.life.resume_to if self.state is State.DETACHED else self.state
        return {"export": self.export(), "state": state.value, "title": self.title(),
                "dataset": tr.config.dataset, "step": tr.step_count, "revision": self.revision,
                "record": {"schedule": [list(entry) for entry in self.record.schedule],
                           "note": self.record.note}}

    def title(self):
        """A saved run's name in the list: its data and its network ("spiral · 2-8-8-1 tanh")."""
        cfg = self.trainer.config
        spec = DATASETS.get(cfg.dataset)
        data = (spec.title if spec is not None and spec.title else cfg.dataset).replace("_", " ")
        layers = "-".join(str(n) for n in self.trainer.net.sizes)
        return f"{data} · {layers} {cfg.activation}"

    def was_saved(self, checkpoint):
        """A checkpoint of this session reached the run store."""
        self.saved = {"revision": checkpoint["revision"], "step": checkpoint["step"],
                      "at": self.clock()}

    @classmethod
    def restore(cls, settings, token, run, clock=time.monotonic):
        """The session a saved run describes, with the token and id it had; ValueError (or a
        ProtocolError) when the saved run cannot be loaded, as an import would say."""
        from .commands.saving import check_saved_run, take

        s = cls(settings, clock=clock, token=token, id=run["id"])
        export = run["export"]
        saved = check_saved_run(s, export)
        take(s, saved)
        s.pace.set(export.get("speed", Pace.DEFAULT))
        fps = export.get("fps")
        low, high = LIMITS["fps"]
        if isinstance(fps, int) and low <= fps <= high:
            s.cadence.fps = fps
        selected = export.get("selected")
        if isinstance(selected, int) and 0 <= selected < len(s.trainer.data.y):
            s.selected = selected
        record = run.get("record") or {}
        s.record.schedule = [tuple(entry) for entry in record.get("schedule", [])]
        s.record.schedule_bytes = len(json.dumps(record.get("schedule", [])))
        s.record.note = record.get("note")
        s.record_timeline()  # its first checkpoint, with the schedule it came with
        if run.get("state") == State.RUNNING.value and s.state is State.PAUSED:
            s.life.go("play")
        s.restored = {"step": s.trainer.step_count, "saved": run.get("updated")}
        s.saved = {"revision": s.revision, "step": s.trainer.step_count, "at": s.clock()}
        s.outbox.clear()  # what building it queued: the client is sent the run once
        s.pace.restart()
        s.push_network(data=True)
        return s

    def stats(self):
        """What GET /api/stats says of this session: where its time went, what it read."""
        return {"id": self.id, "state": self.state.value, "step": self.trainer.step_count,
                "frames_built": self.frames_built, "frames_skipped": self.cadence.skipped,
                "frame_limited": self.frame_limited, "outbox": len(self.outbox),
                "frames": self.frame_mode, "lean": self.lean, "fps": self.cadence.rate,
                "link_bytes_per_second": round(self.link.bytes_per_second),
                "train_seconds": self.train_seconds, "frame_seconds": self.frame_seconds,
                "pack_maps": self.pack_maps,
                "bytes_in": self.bytes_in,
                "saved_step": None if self.saved is None else self.saved["step"]}

    # -- lifetime ---------------------------------------------------------------------------
    def detach(self):
        if self.life.allows("detach"):
            self.life.go("detach", self.clock())
            self.outbox.clear()

    def attach(self):
        self.life.go("attach")
        self.timeline.end_view()  # a new client starts live, told the steps in its hello
        self.frame_mode, self.link = "auto", LinkRate(self.clock)  # a new client, a new link
        self.cadence.cap = None
        self.pace.restart()
        self.cadence.restart()
        self.push_network(data=True)

    def close(self):
        self.life.go("close")
        self.outbox.clear()

    @property
    def detached_at(self):
        return self.life.detached_at


def limits_of(settings):
    """The limits a hello lists: LIMITS and the server's settings."""
    s = settings
    return {**LIMITS, "max_sessions": s.max_sessions, "resume_seconds": s.resume_seconds,
            "messages_per_second": s.messages_per_second, "message_burst": s.message_burst,
            "inbound_bytes_per_second": s.inbound_bytes_per_second,
            "inbound_bytes_burst": s.inbound_bytes_burst}


def admit(text, rate, settings):
    """The command a text message holds, within the message rate (the `rate` bucket); a
    ProtocolError (rate_limited, or what protocol.parse says) otherwise."""
    if not rate.take():
        raise replies.ProtocolError(
            "rate_limited", f"more than {settings.messages_per_second:g} messages per second "
            f"(burst {settings.message_burst}); this one was dropped, the session is unchanged",
            "message", None, f"at most {settings.messages_per_second:g} messages per second")
    return protocol.parse(text)


def link_event(link, fps, lean, limited, frame_cost):
    """The `frame_rate` event that says what a client's link changed (linkrate.py):
    frames come at `link.fps(fps)` a second, lean or full; `frame_cost` is what a frame
    takes to build (seconds; None when this client did not build it)."""
    rate, kb = link.fps(fps), link.bytes_per_second / 1024
    return {"type": "frame_rate", "limited": limited or link.cap is not None,
            "frame_ms": None if frame_cost is None else round(frame_cost * 1000, 1),
            "fps": fps, "link_fps": rate, "lean": lean,
            "bytes_per_second": round(link.bytes_per_second),
            "message": (f"the connection carried {kb:.0f} KB/s: frames come at {rate} a "
                        f"second{', lean (this page draws the maps)' if lean else ''}"
                        if link.cap is not None or lean else
                        f"frames are back to {rate} a second")}
