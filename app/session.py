"""A training session: one Trainer, its pacing, and the commands that change it.

The session is an actor with no I/O: text commands go in through `handle`, replies and events
come out of `outbox`, training advances through `work`, and `frame` snapshots it. The
websocket connection (ws.py) drives it; nothing here assumes it shares memory with the web
process, so sessions could later live in worker processes.

States:  PAUSED ⇄ RUNNING → DIVERGED → (set / reset / import / preset) → PAUSED
         any live state → DETACHED (socket lost) → back on resume, or CLOSED after the timeout
"""

import enum
import json
import math
import secrets
import time
from collections import deque

import numpy as np

from nncore import Config, Trainer, datasets, probes
from nncore.config import CUSTOM
from nncore.trainer import MAX_STEPS_PER_CALL

from . import frames, protocol, schema
from .limits import LIMITS
from .presets import PRESETS

OUTBOX_LIMIT = 256  # queued replies; a client that never reads is cut off beyond this
HISTORY_LIMIT = LIMITS["max_history_points"]
LOG_BYTES = 4 * 1024 * 1024  # the replay log's size limit (CSV uploads dominate it)


class State(enum.Enum):
    PAUSED = "paused"
    RUNNING = "running"
    DIVERGED = "diverged"
    DETACHED = "detached"
    CLOSED = "closed"


class IllegalState(Exception):
    pass


class History:
    """Chart points at most `limit` long: when full, every other old point is dropped."""

    def __init__(self, limit=HISTORY_LIMIT):
        self.limit, self.points = limit, []

    def add(self, point):
        if self.points and self.points[-1]["step"] == point["step"]:
            self.points[-1] = point
            return
        self.points.append(point)
        if len(self.points) > self.limit:
            self.points = self.points[:-1:2] + self.points[-1:]


class Session:
    def __init__(self, settings, config=None):
        self.id = secrets.token_hex(8)
        self.token = secrets.token_urlsafe(24)
        self.settings = settings
        self.state = State.PAUSED
        self.detached_state = None  # what to return to on resume
        self.detached_at = None
        self.outbox = deque()
        self.speed = None  # steps per second; None = as fast as possible
        self.fps = 30
        self.neuron_density, self.output_density = 32, 100
        self.selected = None
        self.command_seq = 0  # commands applied so far; frames carry it
        self.network_version = self.data_version = 0
        self.pending_steps = 0  # steps owed to `step` commands
        self.pending_step_id = None
        self.rate_tokens = float(settings.message_burst)
        self.rate_time = time.monotonic()
        self.frames_built = self.frames_skipped = 0
        self.train_seconds = self.frame_seconds = 0.0  # where this session's CPU time went
        self.log = []  # (step, command) of every applied change, for replay and export
        self.log_bytes, self.log_truncated = 0, False
        self.compare = None  # {"label", "trainer"}: a second run in lockstep (a preset's)
        self._set_trainer(Trainer(config or Config()))

    # -- the trainer and what derives from it -----------------------------------------------
    def _set_trainer(self, trainer, data_changed=True):
        """Adopt a (new or rebuilt) trainer: reset pacing, probes and the chart history."""
        self.trainer = trainer
        self.compare = None
        self.network_version += 1
        if data_changed:
            self.data_version += 1
        if self.selected is not None and self.selected >= len(trainer.data.y):
            self.selected = None
        self._refresh_probe()
        self.history = History()
        self.step_losses, self.loss_steps = [], []
        self._new_run()
        self.tokens = 0.0
        self.last_tick = time.monotonic()
        self.next_due = 0.0  # when the next frame falls due (at 1/fps cadence)
        self.built_time, self.built_step = 0.0, trainer.step_count
        self.steps_per_second = 0.0
        self.dirty = True
        self.urgent = True
        self.pending_steps = 0
        self._push_network(data=data_changed)

    def _refresh_probe(self):
        tr = self.trainer
        if tr.data.is_plane:
            n_neurons = sum(tr.net.sizes[1:])
            self.probe = probes.PlaneProbe(tr.config.features, tr.data.extent,
                                           frames.tile_density(self.neuron_density, n_neurons),
                                           self.output_density)
        else:
            self.probe = None

    def _new_run(self, note=None):
        """A rebuilt network starts a new run: what the code export has to replay."""
        self.schedule = []  # (step, kind, values) since the run began
        self.schedule_note = note  # why an export would not reproduce the run, if it would not
        self.explained = None

    def _push_network(self, data=False):
        if data:
            self.push(frames.data_message(self))
        self.push(frames.network_message(self))

    def _rebuilt(self, data_changed):
        self.compare = None
        self.network_version += 1
        if data_changed:
            self.data_version += 1
        if self.selected is not None and self.selected >= len(self.trainer.data.y):
            self.selected = None
        self._refresh_probe()
        self.history = History()
        self.step_losses, self.loss_steps = [], []
        self._new_run()
        self.built_step = self.trainer.step_count
        self.pending_steps = 0
        self._push_network(data=data_changed)

    # -- the outbox -------------------------------------------------------------------------
    def push(self, message):
        if len(self.outbox) >= OUTBOX_LIMIT:
            raise OverflowError("the client is not reading its replies")
        self.outbox.append(message)

    def hello(self, resumed=False, resume_error=None):
        tr = self.trainer
        return {"type": "hello", "session": self.id, "resume_token": self.token,
                "resumed": resumed, "resume_error": resume_error,
                "schema_version": schema.VERSION, "protocol_version": 1, "limits": self.limits(),
                "state": self.state.value, "step": tr.step_count, "epoch": tr.epoch,
                "config": tr.config.to_dict(), "speed": self.speed or "max", "fps": self.fps,
                "selected": self.selected, "history": self.history.points,
                "presets": sorted(PRESETS)}

    def limits(self):
        return {**LIMITS, "max_sessions": self.settings.max_sessions,
                "resume_seconds": self.settings.resume_seconds,
                "messages_per_second": self.settings.messages_per_second,
                "message_burst": self.settings.message_burst}

    # -- commands -----------------------------------------------------------------------------
    def handle(self, text):
        """Parse, check and apply one text message; its reply goes to the outbox."""
        try:
            self._charge_rate()
            command = protocol.parse(text)
        except protocol.ProtocolError as e:
            self.push(e.reply)
            return
        kind = command.type
        try:
            result = getattr(self, "_cmd_" + kind)(command) or {}
        except protocol.ProtocolError as e:
            e.reply.update(command=kind, id=command.id)
            self.push(e.reply)
            return
        except IllegalState as e:
            self.push(protocol.error_reply("illegal_state", str(e), "type", kind,
                                           f"a command legal in state {self.state.value}",
                                           kind, command.id))
            return
        except (schema.FieldError, ValueError) as e:
            self.push(protocol.error_reply(
                "invalid_value", str(e), getattr(e, "field", None), getattr(e, "value", None),
                getattr(e, "allowed", None), kind, command.id))
            return
        self.command_seq += 1
        self.dirty = self.urgent = True
        if kind not in ("export", "import", "fps", "speed", "density", "select_sample",
                        "explain", "export_code"):
            self._log(command)
        if kind not in ("export", "fps", "speed", "density", "select_sample", "export_code",
                        "explain", "pause"):
            self.explained = None  # the weights may have moved: an explanation is stale
        if "reply" in result:  # a command with a reply of its own (export)
            self.push(result["reply"] | {"id": command.id})
            return
        self.push({"type": "applied", "id": command.id, "command": kind,
                   "seq": self.command_seq, "state": self.state.value,
                   "step": self.trainer.step_count, **result})

    def _charge_rate(self):
        now = time.monotonic()
        s = self.settings
        self.rate_tokens = min(float(s.message_burst),
                               self.rate_tokens + (now - self.rate_time) * s.messages_per_second)
        self.rate_time = now
        if self.rate_tokens < 1.0:
            raise protocol.ProtocolError(
                "rate_limited", f"more than {s.messages_per_second:g} messages per second "
                f"(burst {s.message_burst}); this one was dropped, the session is unchanged",
                "message", None, f"at most {s.messages_per_second:g} messages per second")
        self.rate_tokens -= 1.0

    def _log(self, command):
        """Record an applied change at its step, for replay; bounded in entries and bytes."""
        entry = command.model_dump(exclude={"id"})
        size = len(entry.get("text", "")) + 100
        if len(self.log) < LIMITS["max_replay_log"] and self.log_bytes + size <= LOG_BYTES:
            self.log.append([self.trainer.step_count, entry])
            self.log_bytes += size
        else:
            self.log_truncated = True

    def _cmd_play(self, c):
        if self.state is State.DIVERGED:
            raise IllegalState(
                f"training diverged at step {self.trainer.diverged['step']}; lower the learning "
                "rate (set) or reset before playing")
        if self.trainer.n_train == 0:
            raise IllegalState("the training set is empty: draw or load points first")
        self.state, self.pending_steps = State.RUNNING, 0
        self.last_tick, self.tokens = time.monotonic(), 0.0
        return {}

    def _cmd_pause(self, c):
        if self.state is State.RUNNING:
            self.state = State.PAUSED
        self.pending_steps = 0
        return {}

    def _cmd_step(self, c):
        if self.state is State.RUNNING:
            raise IllegalState("step needs a paused session; it is running (pause first)")
        if self.state is State.DIVERGED:
            raise IllegalState("training diverged; lower the learning rate (set) or reset first")
        tr = self.trainer
        if tr.n_train == 0:
            raise IllegalState("the training set is empty: draw or load points first")
        n = math.ceil((tr.n_train - tr.position) / tr.config.batch_size) if c.epoch else c.n
        self.pending_steps, self.pending_step_id = n, c.id
        return {"pending": n}

    def _cmd_reset(self, c):
        compare = self.compare
        self.trainer.reset()
        self._after_rebuild(data_changed=False)
        if compare is not None:
            compare["trainer"].reset()
            self.compare = compare
        return {"rebuilt": True}

    def _cmd_set(self, c):
        changes = schema.validate_changes(c.config)
        if self.trainer.config.dataset == CUSTOM and changes.get("dataset") is None:
            changes.pop("dataset", None)
        before = self.trainer.config
        report = self.trainer.set(**changes)
        if report.rebuilt:
            self._after_rebuild(report.data_changed)
        else:
            if self.compare is not None:  # a live change applies to both runs
                self.compare["trainer"].set(**{k: v for k, v in changes.items()
                                               if k in report.changed})
            if report.changed:
                self.schedule.append((self.trainer.step_count, "set", {
                    k: (_plain(getattr(before, k)), _plain(v)) for k, v in report.changed.items()}))
            if self.state is State.DIVERGED:
                self.state = State.PAUSED
        return {"changed": _jsonable(report.changed), "rebuilt": report.rebuilt}

    def _after_rebuild(self, data_changed):
        if self.state in (State.DIVERGED,):
            self.state = State.PAUSED
        self._rebuilt(data_changed)

    def _cmd_speed(self, c):
        self.speed = None if c.steps_per_second == "max" else float(c.steps_per_second)
        self.tokens = 0.0
        return {"speed": c.steps_per_second}

    def _cmd_fps(self, c):
        self.fps = c.fps
        return {"fps": c.fps}

    def _cmd_density(self, c):
        self.neuron_density, self.output_density = c.neuron, c.output
        self._refresh_probe()
        self.network_version += 1
        self._push_network()
        return {"neuron_density": self.probe.neuron_density if self.probe else None,
                "output_density": c.output}

    def _cmd_select_sample(self, c):
        if c.index is not None:
            self.trainer.sample(c.index)  # checks the index
        self.selected = c.index
        return {"selected": c.index}

    def _cmd_set_weight(self, c):
        self.trainer.set_weight(c.layer, c.source, c.target, c.value)
        self.schedule.append((self.trainer.step_count, "weight", {
            "layer": c.layer, "source": c.source, "target": c.target, "value": c.value}))
        return {}

    def _cmd_set_bias(self, c):
        self.trainer.set_bias(c.layer, c.neuron, c.value)
        self.schedule.append((self.trainer.step_count, "bias", {
            "layer": c.layer, "neuron": c.neuron, "value": c.value}))
        return {}

    def _edit_points(self, edit):
        tr = self.trainer
        rebuilt = edit()
        if rebuilt:
            self._after_rebuild(True)
        else:
            self.data_version += 1
            self.push(frames.data_message(self))
            if self.trainer.step_count:
                self.schedule_note = ("points were added, removed or loaded during the run: the "
                                      "script trains on today's points from step 0, so its "
                                      "weights will differ from the session's")
        if self.selected is not None and self.selected >= len(tr.data.y):
            self.selected = None
        if tr.n_train == 0 and self.state is State.RUNNING:
            self.state = State.PAUSED
        return {"count": len(tr.data.y), "rebuilt": bool(rebuilt)}

    def _cmd_add_point(self, c):
        tr = self.trainer
        if not tr.data.is_plane:
            raise ValueError("points can be drawn only on 2-D data; this dataset has "
                             f"{tr.data.X.shape[1]} inputs")
        if len(tr.data.y) >= LIMITS["max_points"]:
            raise protocol.ProtocolError("limit", f"the dataset already has {len(tr.data.y)} "
                                         "points, the most allowed", "x", c.x,
                                         f"at most {LIMITS['max_points']} points")
        return self._edit_points(lambda: tr.add_point(c.x, c.label, c.split == "train")
                                 and False)

    def _cmd_remove_point(self, c):
        tr = self.trainer
        if tr.nearest(c.x, c.radius) is None:
            raise ValueError(f"no point lies within {c.radius:g} of {c.x}")
        removed = []
        result = self._edit_points(lambda: removed.append(tr.remove_near(c.x, c.radius)))
        return result | {"removed": removed[0]}

    def _cmd_clear_points(self, c):
        return self._edit_points(lambda: self.trainer.clear_points())

    def _cmd_load_csv(self, c):
        X, y = datasets.parse_csv(c.text, LIMITS["max_csv_rows"], LIMITS["max_csv_columns"])
        rebuilt = self.trainer.replace_data(X, y)
        self._after_rebuild(True) if rebuilt else self._edit_points(lambda: False)
        return {"count": len(y), "inputs": X.shape[1], "rebuilt": True,
                "task": self.trainer.data.task}

    def _cmd_regenerate_data(self, c):
        if self.trainer.config.dataset == CUSTOM:
            raise ValueError("regenerate_data applies to generated datasets; this session "
                             "trains on your own points (choose a dataset first)")
        return self._cmd_set(protocol.Set(type="set", config={
            "data_seed": (self.trainer.config.data_seed + 1) % 2**31}))

    def _cmd_preset(self, c):
        preset = PRESETS.get(c.name)
        if preset is None:
            raise protocol.ProtocolError("invalid_value", f"{c.name!r} is not a preset",
                                         "name", c.name, "one of: " + ", ".join(PRESETS))
        self.state = State.PAUSED
        config = Config(**preset["config"])
        self._set_trainer(Trainer(config))
        self.compare = None
        if preset.get("compare"):
            other = config.replace(**preset["compare"])
            self.compare = {"label": ", ".join(f"{k} {v}" for k, v in preset["compare"].items()),
                            "base": ", ".join(f"{k} {getattr(config, k)}"
                                              for k in preset["compare"]),
                            "trainer": Trainer(other)}
        self.speed = preset.get("speed")
        return {"rebuilt": True, "preset": c.name}

    def _cmd_explain(self, c):
        tr = self.trainer
        if any(layer.bn is not None for layer in tr.net.layers):
            raise ValueError("the step-through explains networks without batch norm; turn "
                             "batch_norm off to use it")
        x, Y = tr.sample(c.index)
        if self.state is State.RUNNING:
            self.state = State.PAUSED
        self.pending_steps = 0
        self.selected = c.index
        traced = probes.trace(tr.net, x, Y)
        lr = tr.config.learning_rate
        after = probes.sgd_after(tr.net, traced, lr)
        self.explained = {"theta": tr.net.theta.copy(), "after": after}
        net = tr.net
        layers = []
        for layer, t, a in zip(net.layers, traced["layers"], after):
            entry = {"W": layer.W, "b": layer.b, "a_prev": t["a_prev"], "z": t["z"], "a": t["a"],
                     "phi_prime": layer.activation.derivative(t["zt"], t["a"]),
                     "delta": t["delta"], "dW": t["dW"], "db": t["db"] if layer.b is not None
                     else None, "W_after": a["W"], "b_after": a.get("b")}
            layers.append({k: (None if v is None else _jsonable(np.asarray(v).tolist()))
                           for k, v in entry.items()})
        is_train = bool(np.isin(c.index, tr.data.train))
        return {"reply": {
            "type": "explanation", "index": c.index, "train_point": is_train,
            "step": tr.step_count, "x": _jsonable(np.asarray(x).tolist()),
            "y": _jsonable(np.asarray(Y).tolist()), "y_hat": _jsonable(traced["y_hat"].tolist()),
            "loss": _jsonable(traced["loss"]), "loss_name": net.loss_name,
            "activation": net.activation, "output_activation": net.output_activation,
            "learning_rate": lr, "l1": net.l1, "l2": net.l2, "input_names": tr.input_names,
            "optimizer": tr.config.optimizer, "dropout": tr.config.dropout, "layers": layers}}

    def _cmd_explain_apply(self, c):
        tr = self.trainer
        ex = self.explained
        if ex is None or not np.array_equal(ex["theta"], tr.net.theta):
            raise IllegalState("there is no explained step to apply, or the network changed "
                               "since it was explained: explain again")
        tr.assign(ex["after"])
        self.schedule.append((tr.step_count, "sgd", {"after": [
            {k: v.tolist() for k, v in layer.items()} for layer in ex["after"]]}))
        self.explained = None
        return {"applied_step": True}

    def _cmd_export_code(self, c):
        from nncore import export

        code = export.script(self.trainer, self.schedule)
        return {"reply": {"type": "code", "code": code, "steps": self.trainer.step_count,
                          "exact": self.schedule_note is None, "note": self.schedule_note}}

    def _cmd_export(self, c):
        return {"reply": {"type": "state", "state": self.export()}}

    def export(self):
        return {"format": "nnplay.session/1", "trainer": self.trainer.to_dict(),
                "speed": self.speed or "max", "fps": self.fps, "selected": self.selected,
                "history": self.history.points, "log": self.log,
                "log_truncated": self.log_truncated}

    def _cmd_import(self, c):
        state = c.state
        if state.get("format") != "nnplay.session/1" or not isinstance(state.get("trainer"),
                                                                        dict):
            raise protocol.ProtocolError("invalid_value", "state must be an export of nnplay "
                                         "(format 'nnplay.session/1')", "state.format",
                                         state.get("format"), "'nnplay.session/1'")
        cfg = state["trainer"].get("config")
        if isinstance(cfg, dict):  # the schema's limits apply to imports too (custom data
            # is the one dataset a session may hold without choosing it)
            schema.validate_changes({k: v for k, v in cfg.items()
                                     if not (k == "dataset" and v == CUSTOM)})
        try:
            trainer = Trainer.from_dict(state["trainer"])
        except ValueError:
            raise
        except Exception as e:  # a hostile state must not reach past this point
            raise ValueError(f"state could not be loaded: {type(e).__name__}: {e}") from None
        if len(trainer.data.y) > LIMITS["max_points"]:
            raise ValueError(f"state holds {len(trainer.data.y)} points; at most "
                             f"{LIMITS['max_points']} are allowed")
        self.state = State.PAUSED
        self._set_trainer(trainer)
        self.history.points = _valid_history(state.get("history"))
        self.log = _valid_log(state.get("log"))
        if trainer.step_count:
            self.schedule_note = ("this run was loaded from a file at step "
                                  f"{trainer.step_count}; the script starts from step 0 and "
                                  "cannot know what happened before")
        return {"rebuilt": True, "step": trainer.step_count}

    # -- training ---------------------------------------------------------------------------
    @property
    def busy(self):
        """Whether `work` has training to do."""
        return self.state is State.RUNNING or self.pending_steps > 0

    def work(self, budget):
        """Train for at most `budget` seconds, at the target speed; returns steps done."""
        tr = self.trainer
        now = time.monotonic()
        if self.pending_steps > 0:
            n = self.pending_steps
        elif self.speed is None:
            n = MAX_STEPS_PER_CALL
        else:
            self.tokens = min(self.tokens + (now - self.last_tick) * self.speed,
                              max(1.0, self.speed * 0.25))
            n = int(self.tokens)
        self.last_tick = now
        if n == 0:
            return 0
        started = time.perf_counter()
        report = tr.step(n, max_seconds=budget)
        if self.compare is not None and report.steps:
            self.compare["trainer"].step(report.steps)  # the same steps, in lockstep
        if report.steps:
            self.step_losses.append(report.losses)
            self.loss_steps.append(tr.step_count)
            self.dirty = True
        if self.speed is not None and not self.pending_steps:
            self.tokens -= report.steps
        if self.pending_steps:
            self.pending_steps -= report.steps
            if self.pending_steps == 0 or report.diverged:
                self.pending_steps = 0
                self.urgent = True
                self.push({"type": "stepped", "id": self.pending_step_id,
                           "step": tr.step_count, "epoch": tr.epoch})
        if report.diverged:
            self.state = State.DIVERGED
            self.urgent = True
            self.push({"type": "diverged", **_jsonable(report.diverged)})
        self.train_seconds += time.perf_counter() - started
        return report.steps

    def seconds_until_work(self):
        """How long until `work` could do something (0 when it can now; None: never)."""
        if self.pending_steps > 0 or (self.state is State.RUNNING and self.speed is None):
            return 0.0
        if self.state is State.RUNNING:
            have = self.tokens + (time.monotonic() - self.last_tick) * self.speed
            return max(0.0, (1.0 - have) / self.speed)
        return None

    # -- frames -----------------------------------------------------------------------------
    def frame_wait(self, now):
        """Seconds until a frame is due (0: now; None: nothing to show)."""
        if not self.dirty:
            return None
        due = self.next_due
        if self.urgent:  # a command's effect is shown sooner, at up to 60 frames a second
            due = min(due, self.built_time + 1.0 / 60)
        return max(0.0, due - now)

    def skip(self, now):
        """A frame fell due while the previous one was still going out: skip it (and count)."""
        interval = 1.0 / self.fps
        if self.next_due <= now:
            missed = int((now - self.next_due) / interval) + 1
            self.frames_skipped += missed
            self.next_due += missed * interval

    def snapshot(self):
        """What the next frame shows, captured now: `frames.render` turns it into bytes.

        The job refers to the live network and data, so it must be rendered before training
        goes on (ws.py does so at once). To render elsewhere, pass `net.copy()` instead: the
        data arrays are never changed in place.
        """
        tr = self.trainer
        now = time.monotonic()
        elapsed = now - self.built_time
        if elapsed > 0:
            rate = (tr.step_count - self.built_step) / elapsed
            self.steps_per_second = rate if self.busy else 0.0
        losses = np.concatenate(self.step_losses) if self.step_losses else np.zeros(0)
        first = self.loss_steps[-1] - len(losses) + 1 if self.step_losses else 0
        job = frames.FrameJob(
            net=tr.net, data=tr.data, X_eval=tr.X_eval,
            Y_eval=tr.Y_eval, y_eval=tr.y_eval, probe=self.probe,
            sample=(self.selected, *tr.sample(self.selected)) if self.selected is not None
            else None,
            losses=losses, first_loss_step=first,
            compare=(self.compare["trainer"], self.compare["label"], self.compare["base"])
            if self.compare else None,
            header={"type": "frame", "seq": self.frames_built, "step": tr.step_count,
                    "epoch": tr.epoch, "epoch_progress": tr.epoch_progress,
                    "state": self.state.value, "command_seq": self.command_seq,
                    "steps_per_second": self.steps_per_second,
                    "network_version": self.network_version,
                    "data_version": self.data_version, "output_density": self.output_density,
                    "diverged": _jsonable(tr.diverged)})
        self.frames_built += 1
        self.step_losses, self.loss_steps = [], []
        # Keep the cadence: a frame built a little late does not push the next one back.
        interval = 1.0 / self.fps
        self.next_due = (self.next_due + interval if 0.0 <= now - self.next_due < interval
                         else now + interval)
        self.built_time, self.built_step = now, tr.step_count
        self.dirty = self.busy
        self.urgent = False
        return job

    def rendered(self, job, point):
        """Record a rendered frame's chart point (if it still belongs to this network).

        With a run side by side, the point carries its metrics too, prefixed cmp_."""
        if job.header["network_version"] == self.network_version:
            self.history.add(point)

    def frame(self):
        """Snapshot and render the next frame here, in this thread (binary)."""
        started = time.perf_counter()
        job = self.snapshot()
        message, point = frames.render(job)
        self.rendered(job, point)
        self.frame_seconds += time.perf_counter() - started
        return message

    # -- lifetime ---------------------------------------------------------------------------
    def detach(self):
        if self.state in (State.CLOSED, State.DETACHED):
            return
        self.detached_state = self.state
        self.state = State.DETACHED
        self.detached_at = time.monotonic()
        self.outbox.clear()

    def attach(self):
        if self.state is not State.DETACHED:
            raise IllegalState(f"expected a detached session to resume, but it is "
                               f"{self.state.value}")
        self.state = self.detached_state
        self.detached_at = None
        self.last_tick, self.tokens = time.monotonic(), 0.0
        self.dirty = self.urgent = True
        self.next_due = 0.0
        self._push_network(data=True)

    def close(self):
        self.state = State.CLOSED
        self.outbox.clear()


def _valid_history(points):
    """Imported chart points that are well formed: {"step": int, name: finite number, ...}."""
    if not isinstance(points, list):
        return []
    out = []
    for p in points[:HISTORY_LIMIT]:
        if (isinstance(p, dict) and isinstance(p.get("step"), int) and all(
                isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                and math.isfinite(v) for k, v in p.items())):
            out.append(p)
    return out


def _valid_log(log):
    """An imported replay log, kept only if it is plain JSON (it goes out again in exports)."""
    if not isinstance(log, list):
        return []
    log = log[:LIMITS["max_replay_log"]]
    try:
        json.dumps(log, allow_nan=False)
    except (TypeError, ValueError):
        return []
    return log


def _plain(value):
    """Tuples as lists, so a schedule entry reads like JSON."""
    return list(value) if isinstance(value, tuple) else value


def _jsonable(value):
    """Make numbers JSON-safe: non-finite floats become strings ('nan', 'inf')."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value
