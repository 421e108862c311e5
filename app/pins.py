"""Pinned runs compared side by side: up to MAX_PINS runs of a page's own (by their resume
tokens, as the saved runs are listed: POST /api/runs), each with its config and what differs
from the others, its chart history, its final metrics, the step at which it first reached a
target accuracy, and its output plot.

A pinned run is the session itself when it is open on this server (the run as it is now:
"pin this run"), else its newest save in the run store (an earlier run, a branch's original,
a sweep's run). Whoever holds a token owns its run: a page is answered about the tokens it
sends and no others, and the route answers this machine only (security.LOCAL_ONLY), as the
runs list does. The math (when a target was first reached) is nncore's (nncore.history); the
output plot is the class view's thumbnail (dashboard.Thumbnailer) at PLOT × PLOT.
"""

import asyncio
import base64
import logging

from nncore import FEATURES, Trainer, history, state as trainer_state
from nncore.validation import ArgumentError

from . import record, schema
from .dashboard import Thumbnailer
from .lifecycle import State
from .limits import LIMITS

log = logging.getLogger("nnplay")

MAX_PINS = 6
PLOT = 64  # an output plot's cells per side (4,096 points through the network)
PLOT_POINTS = 250  # data points drawn over a plot, at most
METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "train_r2", "test_r2")
SCORES = ("test_accuracy", "test_r2")  # what a target is a target of: accuracy, else R²


class PinError(ArgumentError):
    """A refused comparison: `status` is the HTTP status it answers with."""

    def __init__(self, status, code, field, value, allowed, message):
        super().__init__(field, value, allowed, message)
        self.status, self.code = status, code

    def detail(self):
        return {"code": self.code, "field": self.field, "value": self.value,
                "allowed": self.allowed, "message": str(self)}


def check(tokens, target):
    """The tokens to compare (each once, in order), or PinError naming what is allowed."""
    tokens = list(dict.fromkeys(tokens))
    if not tokens:
        raise PinError(422, "no_pins", "tokens", [], f"1 to {MAX_PINS} runs",
                       "pin at least one run to compare")
    if len(tokens) > MAX_PINS:
        raise PinError(422, "too_many_pins", "tokens", len(tokens), f"at most {MAX_PINS} runs",
                       f"{len(tokens)} runs were pinned; at most {MAX_PINS} are compared: "
                       "unpin one first")
    if not 0.0 < target <= 1.0:
        raise PinError(422, "invalid_value", "target", target, "a number in (0, 1]",
                       f"target={target!r}: give the accuracy to reach as a fraction in "
                       "(0, 1], e.g. 0.9 for 90%")
    return tokens


async def compare(manager, tokens, target, relay=None):
    """The comparison of the runs of `tokens` (check's): the live sessions read here, on the
    event loop between two units of work; saved runs loaded in a worker thread. On a cluster
    (`relay`) a session lives on a host: its run is its newest save (the cluster's store's or
    this process's, cluster/relay.py `saved_run`), at most `checkpoint_seconds` old."""
    tokens = check(tokens, target)
    plots = Thumbnailer(PLOT)  # this request's own (its probes are not shared between threads)
    runs = []
    for i, token in enumerate(tokens):
        session = manager.sessions.get(token)
        if session is not None and session.state is not State.CLOSED:
            run = live_run(session)  # this moment of it, taken here on the event loop
            run["plot"] = await asyncio.to_thread(plot_of, run.pop("moment"), plots)
            runs.append(run)
            continue
        saved = await (relay.saved_run(token) if relay is not None else
                       asyncio.to_thread(manager.checkpoints.load, token))
        if saved is None:
            raise PinError(404, "unknown_run", f"tokens[{i}]", "<a token>",
                           "the token of a run this page made (POST /api/runs lists them)",
                           f"pin {i + 1}: no run with that token here (it was deleted or "
                           "pruned, or it is not this browser's)")
        runs.append(await asyncio.to_thread(saved_run, saved, plots))
    return described(runs, target)


class Moment:
    """What an output plot needs of a trainer, at one moment: its network copied (training
    goes on meanwhile), its config and its data (replaced, never changed in place)."""

    def __init__(self, tr):
        self.net, self.config, self.data = tr.net.copy(), tr.config, tr.data


def live_run(session):
    """A pinned run that is open now: as it is at this moment (its plot is made of
    `moment`, in a worker thread)."""
    tr = session.trainer
    return {"id": session.id, "title": session.title(), "live": True,
            "state": session.state.value, "step": tr.step_count,
            "config": tr.config.to_dict(), "history": list(session.record.history.points),
            "moment": Moment(tr)}


def saved_run(saved, plots):
    """A pinned run from the run store: its newest save."""
    export = saved["export"]
    state = export["trainer"]
    points, _ = record.checked_history(export.get("history"))
    return {"id": saved["id"], "title": saved["title"], "live": False, "state": saved["state"],
            "step": saved["step"], "config": state["config"], "history": points,
            "plot": saved_plot(saved["id"], state, plots)}


def saved_plot(run_id, state, plots):
    """A saved run's output plot: its network restored (data read from files, MNIST's, is
    never on the plane: not restored); None when it has none or cannot be read."""
    if not isinstance(state.get("data"), dict) or "source" in state["data"]:
        return None
    try:
        tr = trainer_state.trainer_from_dict(Trainer, state, max_points=LIMITS["max_points"],
                                             max_inputs=LIMITS["max_csv_columns"] - 1)
    except Exception as e:  # noqa: BLE001 - a run from another version: compared without it
        log.warning("saved run %s: its output plot could not be made (%s: %s)", run_id,
                    type(e).__name__, e)
        return None
    return plot_of(tr, plots)


def plot_of(tr, plots):  # tr: a Trainer, or a Moment of one
    """{size, codes (base64 of size² uint8, top row first), range or classes, extent,
    points: [[x₁, x₂, label], …]} or None off the plane. The points are test points, at most
    PLOT_POINTS: every k-th of the test split, which is a random subset of the data (every
    k-th point of the data could pick one class of data laid out class by class)."""
    made = plots.of_trainer(tr)
    if made is None:
        return None
    codes, meta = made
    test = tr.data.test
    shown = test[::max(1, -(-len(test) // PLOT_POINTS))]  # (≤ PLOT_POINTS,) data indices
    X, y = tr.data.X[shown], tr.data.y[shown]
    return {"size": int(codes.shape[0]), "codes": base64.b64encode(codes.tobytes()).decode(),
            **meta, "extent": [float(v) for v in tr.data.extent], "task": tr.data.task,
            "points": [[round(float(a), 3), round(float(b), 3), float(c)]
                       for (a, b), c in zip(X, y)]}


def described(runs, target):
    """The comparison's JSON: which config fields differ, and each run's label, diff, series,
    finals and first reach of `target`."""
    configs = [r["config"] for r in runs]
    names = [f.name for f in schema.FIELDS
             if len({_key(c.get(f.name)) for c in configs}) > 1]
    out = []
    for r in runs:
        diff = [{"field": n, "label": schema.BY_NAME[n].label,
                 "value": r["config"].get(n), "text": shown(n, r["config"].get(n))}
                for n in names]
        for d in diff:
            d["phrase"] = phrase(d)
        points = r["history"]
        last = points[-1] if points else {}
        score = next((k for k in SCORES if k in last), None)
        reached = None
        if score is not None:
            reached = history.first_reach(*history.series(points, score), target)
        out.append({
            "id": r["id"], "title": r["title"], "live": r["live"], "state": r["state"],
            "step": r["step"], "config": r["config"], "diff": diff,
            "label": ", ".join(d["phrase"] for d in diff) or r["title"],
            "history": {"steps": [p["step"] for p in points],
                        **{k: [p.get(k) for p in points] for k in METRICS
                           if any(k in p for p in points)}},
            "final": {"step": last.get("step"), "score_name": score,
                      **{k: last.get(k) for k in METRICS if k in last}},
            "reached": reached, "plot": r["plot"]})
    labels = [r["label"] for r in out]
    for r in out:  # the same label twice (the same config): told apart by their steps
        if labels.count(r["label"]) > 1:
            r["label"] = f"{r['label']} (step {r['step']:,})"
    return {"target": target, "score": "test accuracy (R² for regression)", "fields": names,
            "labels": {n: schema.BY_NAME[n].label for n in names}, "runs": out}


# Choices whose value names itself ("relu", "adam", "moons"); the others are said with their
# field's label ("output sigmoid", "learning rate 0.3").
SELF_NAMED = ("dataset", "activation", "loss", "init", "dtype", "optimizer")


def phrase(d):
    """How a legend says one difference: "relu", "learning rate 0.3", "output sigmoid", "L2
    0.01" (a label's capital kept where it is part of a name)."""
    if d["field"] in SELF_NAMED:
        return d["text"]
    label = d["label"]
    if len(label) > 1 and label[1].islower():
        label = label[0].lower() + label[1:]
    return f"{label} {d['text']}"


def _key(value):
    return tuple(value) if isinstance(value, list) else value


def shown(name, value):
    """A config value as a legend says it: 0.3, relu, 8-8, on."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "hidden_layers" and isinstance(value, list):
        return "-".join(str(n) for n in value) if value else "none"
    if name == "features" and isinstance(value, list):
        return " + ".join(FEATURES[v].label if v in FEATURES else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")
