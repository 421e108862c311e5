"""The live view in a notebook: a Trainer's network, output plot and loss chart, as a widget.

    from nncore import Trainer
    from app.notebook import show

    trainer = Trainer(dataset="spiral", hidden_layers=[8, 8])
    show(trainer)                  # a cell's last value: the view is displayed there
    for _ in range(100):           # a later cell: the view follows as it trains
        trainer.step(10)

The view is an anywidget (the optional extra `nnplay[notebook]`): no server and no port, only
the kernel's own channel, so it works wherever the notebook's widgets do (local, remote,
JupyterHub). Its front end is the page's own ES modules (network-view.js, boundary.js,
charts.js), bundled into static/js/widget.bundle.js (package.json; docs/notebook.md), and it
is sent the page's own binary messages, built by app/frames.py as a session builds them.

How the view follows the trainer: `show` moves the trainer into a subclass (`Shown`) whose
`step` is Trainer.step, then tells the trainer's views. The numbers are untouched (a frame
only reads the network), so a shown trainer ends with the same weights as one never shown.
A view sends a frame at most `fps` times a second, and once more after each cell (IPython's
post_run_cell; elsewhere, as marimo, a timer when the held-back frame's time comes) and after
a command, so the last step is always the one shown.

Play, pause, step and the learning rate come from the front end as messages. Play trains in
slices of about a frame's time, each a task on the kernel's own event loop that gives the
loop back between slices: the kernel keeps answering (pause, a new learning rate, a cell),
and since a cell runs on that same loop, a cell and play never step the trainer at once.
A kernel with no running event loop (a plain Python process) plays on a thread instead,
which takes the trainer's lock for each slice.
"""

import asyncio
import math
import threading
import time
import weakref

import numpy as np
import traitlets

try:
    import anywidget
except ImportError as e:  # the optional extra
    raise ImportError("the notebook view needs anywidget: pip install 'nnplay[notebook]' "
                      "(docs/notebook.md)") from e

from nncore import FEATURES, Trainer, probes

from . import frames, schema
from .paths import page_folder
from .record import History

BUNDLE = "widget.bundle.js"  # built from static/js/widget.js (npm run build:widget)
PLAY_SLICE = 0.03  # seconds of training between two chances for the kernel to read messages
MAX_STEPS = 1_000_000  # a slice's steps: as many as its time allows


def bundle_path():
    """The widget's one ES module: the installed copy, else the checkout's."""
    return page_folder("static") / "js" / BUNDLE


_VIEWS = weakref.WeakKeyDictionary()  # a shown trainer -> its views (a WeakSet)
_LOCKS = weakref.WeakKeyDictionary()  # a shown trainer -> the lock its steps take


class Shown:
    """What `show` mixes into a trainer's class: `step` is the class's own, then the
    trainer's views are told. A copy of the trainer (deepcopy, pickle, from_dict) has no
    views, so it steps exactly as before."""

    def step(self, n=1, max_seconds=None):
        lock = _LOCKS.get(self)
        if lock is None:
            return super().step(n, max_seconds)
        with lock:
            report = super().step(n, max_seconds)
        for view in list(_VIEWS.get(self, ())):
            view._stepped(report)
        return report


class ShownTrainer(Shown, Trainer):
    """A shown Trainer (a class that pickles, unlike one made on the fly)."""


_SHOWN_CLASSES = {Trainer: ShownTrainer}


def _watch(trainer, view):
    cls = type(trainer)
    if not issubclass(cls, Shown):
        shown = _SHOWN_CLASSES.get(cls)
        if shown is None:  # a subclass of the user's own
            shown = _SHOWN_CLASSES[cls] = type(f"Shown{cls.__name__}", (Shown, cls), {})
        trainer.__class__ = shown
    _LOCKS.setdefault(trainer, threading.RLock())
    _VIEWS.setdefault(trainer, weakref.WeakSet()).add(view)


class TrainerView(anywidget.AnyWidget):
    """The live view of one Trainer: the network diagram with every neuron's map, the output
    plot and the loss chart, with play/pause, step and a learning-rate control.

    The front end reads the page's binary messages from three traits, the newest of each, so
    a view opened later (or the notebook's saved widget state) shows where the run is: the
    network (after a rebuild), the data (after it changes) and the frame."""

    _esm = bundle_path()
    network_message = traitlets.Bytes(b"").tag(sync=True)
    data_message = traitlets.Bytes(b"").tag(sync=True)
    frame_message = traitlets.Bytes(b"").tag(sync=True)
    frames_sent = traitlets.Int(0).tag(sync=True)  # frames built so far
    playing = traitlets.Bool(False).tag(sync=True)  # training in the kernel, from Play
    learning_rate = traitlets.Float(0.0).tag(sync=True)  # the trainer's, as the control shows
    learning_rates = traitlets.List([]).tag(sync=True)  # the control's choices
    feature_labels = traitlets.Dict({}).tag(sync=True)  # x₁, sin x₁, ...: the inputs' names
    error = traitlets.Unicode("").tag(sync=True)  # what went wrong last (a refused value)

    def __init__(self, trainer, fps=15, neuron_density=32, output_density=80, **kwargs):
        if not isinstance(trainer, Trainer):  # checked before the widget opens its channel
            raise TypeError(f"show() takes an nncore Trainer; got {type(trainer).__name__}")
        if not 1 <= fps <= 60:
            raise ValueError(f"fps must be 1 to 60 frames a second; got {fps!r}")
        super().__init__(**kwargs)
        self._timer = self._ipython = None  # (close() reads them)
        self.trainer, self.interval = trainer, 1.0 / fps
        self.clock = time.perf_counter  # what the frame interval is measured on (tests: a fake)
        self.neuron_density, self.output_density = neuron_density, output_density
        self.feature_labels = {name: f.label for name, f in FEATURES.items()}
        self.history = History()  # the chart's points (a view opened later asks)
        self.network_version = self.data_version = 0
        self._net_key = self._data_key = None
        self._losses = []  # the mini-batch losses since the last frame, a list per call
        self._sent_at, self._sent_step, self._due = -math.inf, None, True
        self._player = None
        # outside IPython, `_timer` sends the frame held back when its time comes
        self.defer = _defer  # how that timer is started (tests: by hand)
        _watch(trainer, self)
        self.on_msg(self._on_message)
        self._ipython = _ipython()
        if self._ipython is not None:
            self._ipython.events.register("post_run_cell", self._after_cell)
        self.flush()

    # -- frames -----------------------------------------------------------------------------
    def _stepped(self, report):
        """The trainer took steps: their losses are kept; a frame goes when one is due."""
        if report.steps:
            self._losses.append(report.losses)
            self._due = True
        if report.diverged:
            self.error = report.diverged["message"]
            self.playing = False
            self._due = True
        if not self._due:
            return
        wait = self.interval - (self.clock() - self._sent_at)
        if wait <= 0:
            self._send_due()
        elif self._ipython is None and self._timer is None:
            # no post_run_cell to show the last step (marimo, a script): a timer will, unless
            # a step sends a frame first
            self._timer = self.defer(wait, self._late)

    def _send_due(self):
        try:
            self.flush()
        except Exception as e:  # noqa: BLE001 - a view that fails must not stop training
            self.error = f"the view could not show step {self.trainer.step_count}: {e!r}"

    def _late(self):
        """The timer's frame, between two steps (the trainer's lock keeps them out)."""
        with _LOCKS[self.trainer]:
            self._timer = None
            if self._due:
                self._send_due()

    def flush(self):
        """Send what changed: the network, the data and a frame, now (if anything did)."""
        with _LOCKS[self.trainer]:  # never while the trainer steps on another thread
            self._flush()

    def _flush(self):
        tr = self.trainer
        if self.comm is None:  # closed
            return
        net_key = id(tr.net)
        data_key = (id(tr.data), len(tr.data.y), id(tr.inputs))
        rebuilt, data_changed = net_key != self._net_key, data_key != self._data_key
        if rebuilt or data_changed:
            self._refresh_probe()
        if not (rebuilt or data_changed or self._due or self._sent_step != tr.step_count):
            return
        with self.hold_sync():  # one message: the network, the data and the frame together
            if data_changed:
                self._data_key = data_key
                self.data_version += 1
                self.data_message = frames.data_message(tr, self.data_version)
            if rebuilt:
                self._net_key = net_key
                self.network_version += 1
                self.network_message = frames.network_message(tr, self.network_version,
                                                              self.probe)
                self.history = History()
                self._losses = []
            self.learning_rate = tr.config.learning_rate
            self.learning_rates = sorted({*schema.LEARNING_RATES, tr.config.learning_rate})
            self.frame_message = self._frame()
            self.frames_sent += 1
        self._sent_at, self._sent_step, self._due = self.clock(), tr.step_count, False

    def _refresh_probe(self):
        tr = self.trainer
        if tr.data.is_plane:
            n_neurons = sum(tr.net.sizes[1:])
            self.probe = probes.PlaneProbe(
                tr.config.features, tr.data.extent,
                frames.tile_density(self.neuron_density, n_neurons), self.output_density)
        else:
            self.probe = None

    def _frame(self):
        """The next frame's bytes, as Session.snapshot and frames.render make a session's."""
        tr = self.trainer
        losses = np.concatenate(self._losses) if self._losses else np.zeros(0)
        first = tr.step_count - len(losses) + 1  # the step of losses[0], as RunRecord says
        self._losses = []
        points, order = tr.metric_points
        full = (probes.FullTest(), tr.eval_points) if len(order) < len(tr.eval_order) else None
        job = frames.FrameJob(
            net=tr.net, points=points, order=order, probe=self.probe, full_test=full,
            sample=None, losses=losses, first_loss_step=first, data=tr.data,
            header={"type": "frame", "seq": self.frames_sent, "step": tr.step_count,
                    "epoch": tr.epoch, "epoch_progress": tr.epoch_progress,
                    "state": "running" if self.playing else "paused", "command_seq": 0,
                    "steps_per_second": 0.0, "network_version": self.network_version,
                    "data_version": self.data_version, "output_density": self.output_density,
                    "frame_limited": False, "diverged": tr.diverged})
        message, point = frames.render(job)
        self.history.add(point)
        return message

    def _after_cell(self, result=None):
        self.flush()

    # -- commands from the front end -----------------------------------------------------------
    def _on_message(self, _widget, content, _buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "play":
                self.play()
            elif kind == "pause":
                self.pause()
            elif kind == "step":
                self.pause()
                self.trainer.step(1)
            elif kind == "learning_rate":
                self.trainer.set(learning_rate=content.get("value"))
            elif kind == "hidden_layers":
                self.trainer.set(hidden_layers=content.get("value"))
            elif kind == "set_weight":
                self.trainer.set_weight(content.get("layer"), content.get("source"),
                                        content.get("target"), content.get("value"))
            elif kind == "set_bias":
                self.trainer.set_bias(content.get("layer"), content.get("neuron"),
                                      content.get("value"))
            elif kind == "history":  # a view just opened: the chart so far
                self.send({"type": "history", "points": self.history.points})
                return
            else:
                raise ValueError(f"unknown message type {kind!r}: expected play, pause, step, "
                                 "learning_rate, hidden_layers, set_weight, set_bias or history")
        except (ValueError, TypeError) as e:  # the trainer's errors name the field and value
            self.error = str(e)
        else:
            self.error = ""
        self._due = True
        self.flush()

    def play(self):
        """Train in the kernel until paused (or diverged), a slice at a time."""
        if self.playing:
            return
        self.playing = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            self._player = loop.create_task(self._play_on_loop())
        else:
            self._player = threading.Thread(target=self._play_on_thread, daemon=True)
            self._player.start()

    def pause(self):
        self.playing = False

    def _slice(self):
        try:
            report = self.trainer.step(MAX_STEPS, max_seconds=PLAY_SLICE)
        except ValueError as e:  # nothing to train on (every point removed): say so, stop
            self.error, self.playing = str(e), False
            return
        if report.diverged or report.steps == 0:
            self.playing = False
            self._due = True
            self.flush()

    async def _play_on_loop(self):
        while self.playing and self.comm is not None:
            self._slice()
            await asyncio.sleep(0)  # the kernel reads its messages here
        self.flush()

    def _play_on_thread(self):
        while self.playing and self.comm is not None:
            self._slice()
            time.sleep(0.001)  # the lock is free between slices: a cell may step
        self.flush()

    def close(self):
        """Stop following the trainer (and playing); the widget's channel closes."""
        if "trainer" not in vars(self):  # refused by __init__ before it was set up
            return super().close()
        self.playing = False
        if self._timer is not None:
            self._timer.cancel()
        views = _VIEWS.get(self.trainer)
        if views is not None:
            views.discard(self)
        if self._ipython is not None:
            try:
                self._ipython.events.unregister("post_run_cell", self._after_cell)
            except ValueError:
                pass
        super().close()


def show(trainer, fps=15, neuron_density=32, output_density=80):
    """The live view of `trainer` (a TrainerView): the network with every neuron's map, the
    output plot and the loss chart, with play/pause, step and a learning-rate control. As a
    cell's last value it is displayed there; it follows every step the trainer takes.

    fps: frames a second at most; neuron_density and output_density: the maps' points a side
    (the page's defaults are 32 and 100)."""
    return TrainerView(trainer, fps=fps, neuron_density=neuron_density,
                       output_density=output_density)


def _defer(seconds, callback):
    """`callback` on a daemon thread in `seconds` (a started threading.Timer)."""
    timer = threading.Timer(seconds, callback)
    timer.daemon = True
    timer.start()
    return timer


def _ipython():
    """The running IPython shell (a Jupyter kernel's), or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()
