"""Sweeps on the server: "vary X over these values" from a page's config, each run trained for
a number of epochs by nncore.sweep, saved as an ordinary run, and reported as it goes.

    POST /api/sweeps         {"token", "config", "vary", "epochs"}  start one: {"id", ...}
    POST /api/sweeps/status  {"id"}  progress and results (each run's epoch, final measures,
                                     history, and the token that opens it as a session)
    POST /api/sweeps/cancel  {"id"}  stop it (again: the same answer)
    POST /api/sweeps/csv     {"id"}  the results table as CSV

HTTP, not the session's websocket: a sweep is many runs and no one session's; on a cluster
the page's websocket leads to a session host, while the web process, which keeps the run
store, is the one place that sees every worker. The id is the sweep's key (it leads to runs
that open as sessions), so it travels in bodies, never in URLs, and every route answers this
machine only (security.LOCAL_ONLY). Every refusal is {"detail": {"code", "field", "value",
"allowed", "message"}}.

Where the runs train:
  - embedded: in turn, each as fair work in the app's Scheduler (`RunWork`: a slice of
    training a unit, charged like any session's), so sessions and their commands are served
    at their usual latency while a sweep trains;
  - on Ray (--workers, --ray-address): in parallel, one run at a time on each session host,
    in that host's Scheduler the same way (app/cluster/sweeps.py).
Either way a run is nncore.sweep.Run trained to its end, so its weights are those of the same
config trained alone, bit for bit. A finished run is saved to the run store as a session's
checkpoint (`outcome`): its token opens it as a normal session. A run still training when the
sweep is cancelled is dropped whole; nothing is half-saved.

Limits (app/limits.py): max_sweep_runs, max_sweep_epochs, and max_sweeps running at once on
the server; one running sweep per page. A sweep whose page stops asking for its status for
LEASE_SECONDS is cancelled (the page left); a finished one is forgotten KEEP_SECONDS after
it was last asked for.
"""

import asyncio
import contextlib
import csv
import io
import json
import logging
import math
import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nncore import Config
from nncore.config import CUSTOM
from nncore.sweep import Run, grid
from nncore.validation import ArgumentError

from . import schema
from .dashboard import Thumbnailer
from .downloads import library
from .limits import LIMITS
from .pins import PLOT, plot_of
from .protocol import _allowed as allowed_by  # what a Pydantic error allows, in words
from .record import History
from .replies import shown
from .scheduler import SLICE, cpu_clock
from .session import Session

log = logging.getLogger("nnplay")

# The page asks every half second; this long without it, it has left (a background tab's
# timers may fire only once a minute: Chrome's intensive throttling).
LEASE_SECONDS = 120.0
KEEP_SECONDS = 600.0  # a finished sweep's results stay this long after they were last asked
WATCH_SECONDS = 0.5  # how often a running sweep looks at its lease
MAX_BODY_BYTES = 16 * 1024
RUN_STATES = ("queued", "running", "done", "diverged", "cancelled", "failed")

Token = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class SweepQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    token: Token  # the page's session: one running sweep per page
    config: dict[str, Any]  # the base config (the page's), checked against the schema
    vary: Annotated[dict[str, Annotated[list[Any], Field(max_length=LIMITS["max_sweep_runs"])]],
                    Field(max_length=2)]
    epochs: Annotated[int, Field(ge=1, le=LIMITS["max_sweep_epochs"])]


class SweepRef(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: Token


class SweepError(ValueError):
    """A refused request: its HTTP status and the error's parts."""

    def __init__(self, status, code, field, value, allowed, message):
        super().__init__(message)
        self.status, self.code, self.field, self.value, self.allowed = (status, code, field,
                                                                        value, allowed)

    def http(self):
        return HTTPException(self.status, {"code": self.code, "field": self.field,
                                           "value": shown(self.value), "allowed": self.allowed,
                                           "message": str(self)})


# -- one run as fair work in a Scheduler ---------------------------------------------------------
class RunWork:
    """One sweep run as a connection of a Scheduler (scheduler.py): each unit trains it for
    one slice (up to the end of the current epoch), so it takes its fair share of the CPU and
    no more. An epoch's measures go over every point (70,000 for MNIST: a fraction of a
    second), so they are taken in a worker thread, off the event loop, while the run waits.
    With `inline`, those that cost less than a slice (the digits' 1,797 points: half a
    millisecond; the last measure's CPU time says) are a unit of their own instead: on a
    session host, where the other cores are the other hosts', the thread's hand-overs cost
    more than the measure (71 against 62 ms of CPU a digits run of 20 epochs, measured in
    Ray). In one process the thread wins: it measures on the idle core, whose cache keeps
    the points from one epoch to the next (53 against 60 ms).
    `epoch` follows its progress; `finished` is set when it is done or failed."""

    frame_due = False  # it builds no frames

    def __init__(self, scheduler, run, inline=False):
        self.scheduler, self.run, self.inline = scheduler, run, inline
        self.measuring = None  # the task measuring an epoch off the loop, while it does
        self.measure_cost = math.inf  # CPU seconds of the last measure (inf: not known yet)
        self.error = None
        self.finished = asyncio.Event()

    @property
    def epoch(self):
        return self.run.epoch

    def wait(self, now):
        return None if self.finished.is_set() or self.measuring is not None else 0.0

    def unit(self, now):
        if self.run.measured:
            self.run.advance(SLICE, measure=False)
        elif self._cheap:  # the epoch's measures, as a unit of their own (raised: fail)
            self._timed_measure()
        if self.run.done:
            self._end()
        elif not self.run.measured and not self._cheap:
            self.measuring = asyncio.get_running_loop().create_task(self._measure())

    @property
    def _cheap(self):
        return self.inline and self.measure_cost <= SLICE

    def _timed_measure(self):
        started = cpu_clock()
        self.run.measure()
        self.measure_cost = cpu_clock() - started

    async def _measure(self):
        try:
            await asyncio.to_thread(self._timed_measure)
        except Exception as e:  # noqa: BLE001 - said as the run's failure
            self.fail(e)
            return
        finally:
            self.measuring = None
        if self.run.done:
            self._end()
        self.scheduler.poke()

    def fail(self, error):
        """Called by the scheduler when a unit raised."""
        self.error = error
        self._end()

    def _end(self):
        self.finished.set()
        self.scheduler.remove(self)


async def train(scheduler, make_run, progress=None, turn=None, inline=False):
    """Train the Run `make_run()` builds (in a worker thread: loading data is slow) to its
    end as fair work in `scheduler`; the Run. `progress(work)` is handed the RunWork as soon
    as it is scheduled (to follow its epoch). `turn`, an asyncio.Lock, is held while it
    trains: the run is built first, then waits for its turn. `inline`: as RunWork takes it.
    Cancelled, the run leaves the scheduler at once."""
    work = RunWork(scheduler, await asyncio.to_thread(make_run), inline)
    async with turn or contextlib.nullcontext():
        if progress is not None:
            progress(work)
        scheduler.add(work)
        try:
            await work.finished.wait()
        finally:
            scheduler.remove(work)
            if work.measuring is not None:
                work.measuring.cancel()
    if work.error is not None:
        raise work.error
    return work.run


def outcome(run, settings):
    """What is kept of a finished Run: its history and final measures, and the checkpoint of a
    session holding it (its chart an epoch a point), which the run store saves so that the
    run opens as a normal session by `token`, and its output plot (2-D data). Built where the
    run trained (on a host, on Ray)."""
    s = Session(settings)
    s.adopt(run.trainer)
    s.record.history = History(points=chart_points(run.history))
    s.revision = 1  # a run that was trained: saved like any changed run
    checkpoint = s.checkpoint()
    checkpoint["title"] = f"{checkpoint['title']} · {label(run.varied)}"
    return {"token": s.token, "id": s.id, "checkpoint": checkpoint, "step": run.trainer.step_count,
            "diverged": run.diverged, "title": checkpoint["title"],
            # the output over the plane, as the compare view draws it (None off the plane)
            "plot": plot_of(run.trainer, Thumbnailer(PLOT)),
            "history": plain(run.history)}


def plain(history):
    """A run's history as JSON: lists, None for NaN (an epoch not reached, or a measure the
    data lacks)."""
    return {name: [None if math.isnan(v) else float(v) for v in values]
            for name, values in history.items()}


def chart_points(history):
    """A run's history as a session's chart points ({"step", "epoch", measures})."""
    points = []
    for e in range(len(history["epoch"])):
        if math.isnan(history["epoch"][e]):
            break
        point = {name: float(values[e]) for name, values in history.items()
                 if math.isfinite(values[e])}
        point["step"] = int(point["step"])
        points.append(point)
    return points


def label(varied):
    """What a run of a sweep varied, as its saved title ends: "learning_rate 0.1, activation
    relu"."""
    return ", ".join(f"{name} {_show(value)}" for name, value in varied.items())


def _show(value):
    if isinstance(value, (list, tuple)):
        return "-".join(str(v) for v in value) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- trained here, in turn ---------------------------------------------------------------------
class LocalTrainer:
    """The embedded default: the runs train in turn, each as fair work in the app's
    Scheduler; the finished run is turned into its outcome off the event loop."""

    concurrency = 1

    def __init__(self, settings, scheduler):
        self.settings, self.scheduler = settings, scheduler
        self.folders = library(settings).folders

    async def train(self, slot, cell):
        def make_run():
            return Run(cell.config, cell.epochs, folders=self.folders, varied=cell.varied)

        run = await train(self.scheduler, make_run, progress=cell.follow)
        return await asyncio.to_thread(outcome, run, self.settings)


# -- a sweep and its runs ------------------------------------------------------------------------
@dataclass
class Cell:
    """One run of a sweep, as its status reports it."""
    index: int
    config: Config
    varied: dict
    epochs: int
    state: str = "queued"  # one of RUN_STATES
    work: Any = None  # what reports its epoch while it trains (a RunWork, or a host's poll)
    epoch: int = 0
    result: dict | None = None  # the outcome, without its checkpoint, once done
    token: str | None = None  # opens the saved run (None: not saved)
    error: str | None = None

    def follow(self, work):
        self.work = work

    @property
    def shown_state(self):
        """Its state as reported: a run handed to a host that has not begun it (the host
        trains another first) is still queued."""
        if self.state == "running" and not getattr(self.work, "started", True):
            return "queued"
        return self.state

    @property
    def epochs_done(self):
        if self.work is not None and self.state == "running":
            self.epoch = self.work.epoch
        return self.epoch

    def live_history(self):
        """The history so far of a running run: its Run's here, what its host last said on
        Ray (cluster/sweeps.RemoteRun)."""
        if self.state != "running" or self.work is None:
            return None
        run = getattr(self.work, "run", None)
        return plain(run.history) if run is not None else self.work.history

    def status(self, base):
        r = self.result or {}
        history = r.get("history") or self.live_history() or {}
        final = {name: next((v for v in reversed(values) if v is not None), None)
                 for name, values in history.items() if name not in ("epoch", "step")}
        return {"index": self.index, "varied": self.varied, "state": self.shown_state,
                "epoch": self.epochs_done, "diff": diff(base, self.config),
                "token": self.token, "title": r.get("title"), "step": r.get("step"),
                "plot": r.get("plot"),
                "final": final, "history": history or None, "error": self.error,
                "diverged": (r.get("diverged") or {}).get("message")}


def diff(base, config):
    """{field: value} of `config` where it differs from `base` (JSON values)."""
    a, b = base.to_dict(), config.to_dict()
    return {k: v for k, v in b.items() if a[k] != v}


@dataclass
class Sweep:
    id: str
    owner: str  # the page's session token
    base: Config
    vary: dict
    cells: list
    epochs: int
    looked: float  # when its page last asked (clock seconds)
    state: str = "running"  # running, done, cancelled, failed
    saved: bool = True  # its runs are saved (a server started with --no-save does not)
    task: Any = field(default=None, repr=False)
    keeping: set = field(default_factory=set, repr=False)  # finished runs being saved
    started: float = 0.0  # (clock seconds)
    ended: float | None = None  # when its last run was saved, or it was stopped

    def status(self):
        counts = {s: sum(c.shown_state == s for c in self.cells) for s in RUN_STATES}
        return {"id": self.id, "state": self.state, "epochs": self.epochs,
                "vary": self.vary, "base": self.base.to_dict(), "saved": self.saved,
                "total": len(self.cells),
                # wall seconds from its start to its last run saved (so far, while it runs)
                "seconds": (self.ended if self.ended is not None else self.looked)
                - self.started,
                "finished": counts["done"] + counts["diverged"], **{s: counts[s] for s in
                                                                      ("running", "queued")},
                "runs": [c.status(self.base) for c in self.cells]}

    def csv(self):
        """One row per run: what it varied, its epochs and steps, its final measures."""
        measures = sorted({name for c in self.cells if c.result
                           for name in c.result["history"]} - {"epoch", "step"})
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["run", *self.vary, "state", "epochs", "steps",
                         *(f"final_{m}" for m in measures)])
        for c in self.cells:
            status = c.status(self.base)
            writer.writerow([c.index + 1, *(_show(c.varied[k]) for k in self.vary),
                             status["state"],
                             status["epoch"], status["step"] if status["step"] is not None
                             else "", *("" if status["final"].get(m) is None
                                        else repr(status["final"][m]) for m in measures)])
        return out.getvalue()


class Sweeps:
    """The server's sweeps: started, followed, cancelled, forgotten."""

    def __init__(self, settings, trainer, save, clock=time.monotonic,
                 lease=LEASE_SECONDS, keep=KEEP_SECONDS):
        self.settings, self.trainer, self.save = settings, trainer, save
        self.clock, self.lease, self.keep = clock, lease, keep
        self.sweeps = {}  # id -> Sweep

    # -- requests ----------------------------------------------------------------------------
    def start(self, q):
        """Start the sweep `q` asks for (checked whole first); SweepError when refused."""
        self._forget_old()
        cells, base = self._cells(q)
        running = [s for s in self.sweeps.values() if s.state == "running"]
        mine = [s for s in running if s.owner == q.token]
        if mine:
            raise SweepError(409, "sweep_running", "token", None, "one running sweep per page",
                             "this page already runs a sweep; cancel it or let it finish "
                             "before starting another")
        if len(running) >= LIMITS["max_sweeps"]:
            raise SweepError(429, "too_many_sweeps", "sweeps", len(running),
                             f"at most {LIMITS['max_sweeps']} sweeps running at once",
                             f"the server already runs {len(running)} sweeps, its limit; try "
                             "again when one has finished")
        now = self.clock()
        sweep = Sweep(secrets.token_urlsafe(18), q.token, base, _jsonable(q.vary), cells,
                      q.epochs, now, saved=self.save is not None, started=now)
        self.sweeps[sweep.id] = sweep
        sweep.task = asyncio.get_running_loop().create_task(self._drive(sweep))
        log.info("sweep %s started: %d runs of %d epochs", sweep.id[:6], len(cells), q.epochs)
        return sweep

    def _cells(self, q):
        try:
            if q.config.get("dataset") == CUSTOM:
                raise ArgumentError("config.dataset", CUSTOM, "a generated or bundled dataset",
                                    "a sweep trains on a generated or bundled dataset; your "
                                    "own points (dataset custom) cannot be swept")
            base = Config(**schema.validate_changes(q.config))
            for name, values in q.vary.items():
                if name in schema.BY_NAME:  # the server's narrower limits (an unknown name
                    for value in values:  # is refused by grid, with what may be varied)
                        schema.validate_changes({name: value})
            cells = grid(base, q.vary)
        except ValueError as e:
            raise SweepError(422, "invalid_value", getattr(e, "field", None),
                             getattr(e, "value", None), getattr(e, "allowed", None),
                             str(e)) from None
        return [Cell(i, config, varied, q.epochs) for i, (config, varied) in
                enumerate(cells)], base

    def get(self, sweep_id):
        """The sweep, looked at now (its page is still there); SweepError 404 if none."""
        sweep = self.sweeps.get(sweep_id)
        if sweep is None:
            raise SweepError(404, "no_sweep", "id", None, "the id a started sweep gave",
                             "no sweep with that id (it was forgotten, or the server "
                             "restarted); its finished runs are in the saved runs")
        sweep.looked = self.clock()
        return sweep

    def cancel(self, sweep_id):
        """Stop a sweep: its runs still training are dropped, the finished ones stay saved.
        Cancelling one that has ended changes nothing."""
        sweep = self.get(sweep_id)
        if sweep.state == "running":
            self._stop(sweep, "cancelled")
        return sweep

    def _stop(self, sweep, state):
        sweep.state = state
        sweep.ended = self.clock()
        for cell in sweep.cells:
            if cell.state in ("queued", "running"):
                cell.state = "cancelled"
        if sweep.task is not None:
            sweep.task.cancel()

    def _forget_old(self):
        now = self.clock()
        for sweep in list(self.sweeps.values()):
            if sweep.state != "running" and now - sweep.looked > self.keep:
                del self.sweeps[sweep.id]

    def close(self):
        for sweep in self.sweeps.values():
            if sweep.state == "running":
                self._stop(sweep, "cancelled")

    # -- running -----------------------------------------------------------------------------
    async def _drive(self, sweep):
        """Train the sweep's runs, `trainer.concurrency` at a time, in grid order; watch its
        lease meanwhile."""
        queue = list(sweep.cells)
        watcher = asyncio.create_task(self._watch(sweep))
        try:
            await asyncio.gather(*(self._worker(sweep, queue, slot)
                                   for slot in range(self.trainer.concurrency)))
            # the last runs' saves (shielded: a cancel now does not cut a save short)
            await asyncio.gather(*(asyncio.shield(t) for t in list(sweep.keeping)))
            if sweep.state == "running":
                sweep.state = ("done" if all(c.state in ("done", "diverged") for c in sweep.cells)
                               else "failed")
                sweep.ended = self.clock()
            log.info("sweep %s %s", sweep.id[:6], sweep.state)
        finally:
            watcher.cancel()

    async def _worker(self, sweep, queue, slot):
        while queue and sweep.state == "running":
            cell = queue.pop(0)
            cell.state = "running"
            try:
                result = await self.trainer.train(slot, cell)
            except Exception as e:  # noqa: BLE001 - one failed run does not stop the others
                log.warning("sweep %s: run %d failed: %s: %s", sweep.id[:6], cell.index + 1,
                            type(e).__name__, e)
                cell.state, cell.error = "failed", f"{type(e).__name__}: {str(e)[:200]}"
                continue
            # saved while the next run trains; not cancelled with the sweep: it is a whole run
            keeping = asyncio.create_task(self._keep(cell, result))
            sweep.keeping.add(keeping)
            keeping.add_done_callback(sweep.keeping.discard)

    async def _keep(self, cell, result):
        """Save a finished run (its checkpoint is dropped then), and report it."""
        checkpoint = result.pop("checkpoint")
        if self.save is not None and await self.save(result["token"], result["id"],
                                                     checkpoint):
            cell.token = result["token"]
        cell.result = result
        cell.epoch = sum(v is not None for v in result["history"]["epoch"]) - 1
        cell.state = "diverged" if result["diverged"] else "done"

    async def _watch(self, sweep):
        """Cancel the sweep when its page stops asking for it (it left)."""
        while sweep.state == "running":
            await asyncio.sleep(WATCH_SECONDS)
            if self.clock() - sweep.looked > self.lease:
                log.info("sweep %s: its page left; cancelled", sweep.id[:6])
                self._stop(sweep, "cancelled")


def _jsonable(vary):
    return {name: list(values) for name, values in vary.items()}


def local_saver(checkpoints):
    """How the embedded default saves a finished run: to the run store, in a worker thread;
    None with --no-save."""
    if not checkpoints.enabled:
        return None

    async def save(token, session_id, checkpoint):
        try:
            await asyncio.to_thread(checkpoints.store.save, token, session_id, checkpoint)
        except Exception as e:  # noqa: BLE001 - an unsaved run is still reported
            log.warning("a sweep's run could not be saved (%s: %s)", type(e).__name__, e)
            return False
        checkpoints.saves += 1
        return True

    return save


# -- routes --------------------------------------------------------------------------------------
router = APIRouter(prefix="/api/sweeps")


def sweeps_of(request):
    return request.app.state.sweeps


async def body_of(request, model):
    """The request's body as `model`, or SweepError 413/422 naming the first bad field."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise SweepError(413, "too_large", "body", len(raw), f"at most {MAX_BODY_BYTES} bytes",
                         f"a body of {len(raw)} bytes is more than a sweep request may be")
    try:
        return model.model_validate(json.loads(raw or b"null"))
    except ValueError as e:
        if not isinstance(e, ValidationError):
            raise SweepError(422, "bad_json", "body", raw[:100].decode("utf-8", "replace"),
                             "a JSON object", f"the body is not JSON: {e}") from None
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        raise SweepError(422, "invalid_value", where, err.get("input"), allowed_by(err),
                         f"{where}: {err['msg']}") from None


async def answer(request, model, act):
    """`act(sweeps, body)` on a request's checked body: its Sweep, or its refusal as an
    HTTP error."""
    try:
        return act(sweeps_of(request), await body_of(request, model))
    except SweepError as e:
        raise e.http() from None


@router.post("")
async def post_sweep(request: Request):
    return (await answer(request, SweepQuery, Sweeps.start)).status()


@router.post("/status")
async def post_status(request: Request):
    return (await answer(request, SweepRef, lambda sweeps, q: sweeps.get(q.id))).status()


@router.post("/cancel")
async def post_cancel(request: Request):
    return (await answer(request, SweepRef, lambda sweeps, q: sweeps.cancel(q.id))).status()


@router.post("/csv")
async def post_csv(request: Request):
    sweep = await answer(request, SweepRef, lambda sweeps, q: sweeps.get(q.id))
    return Response(sweep.csv(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="sweep.csv"'})
